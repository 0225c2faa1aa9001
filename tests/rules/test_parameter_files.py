"""Every packaged parameter file passes the schema, its dates ascend, and every value names the
legal text that set it; unverified values say why."""

from __future__ import annotations

from pathlib import Path

import pytest

import cbec
from cbec.rules import load_parameter_tree, load_yaml, parse_folder_index, parse_parameter_file
from cbec.rules.parameters import INDEX_FILE

PACKAGE = Path(cbec.__file__).resolve().parent
ROOTS = sorted(path.parent for path in PACKAGE.glob("**/parameters/index.yaml"))
FILES = sorted(path for root in ROOTS for path in root.rglob("*.yaml"))


def _id(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def test_parameter_trees_are_found() -> None:
    assert ROOTS, "no parameters/ folder with an index.yaml below src/cbec"
    assert len(FILES) > 20


@pytest.mark.parametrize("root", ROOTS, ids=_id)
def test_each_tree_loads(root: Path) -> None:
    assert list(load_parameter_tree(root).walk())


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_file_passes_the_schema_with_ascending_dated_references(path: Path) -> None:
    data = load_yaml(path)
    if path.name == INDEX_FILE:
        parse_folder_index(data, source=str(path))
        return
    spec = parse_parameter_file(data, source=str(path))
    starts = [entry.start for entry in spec.values]
    assert starts == sorted(starts)
    assert len(set(starts)) == len(starts)
    for entry in spec.values:
        assert entry.reference.document.strip()
        assert entry.reference.title.strip()
        if not entry.verified:
            assert entry.note, f"{path}: unverified value on {entry.start} without a note"
    if not spec.verified:
        assert spec.note
