"""B2C/B2B classification follows the catalogue file: change it (in a copy) and the figures follow after a
rebuild; a malformed catalogue is refused naming the place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from cbec.kernel.dates import today
from cbec.stats import rollup, service
from cbec.stats.catalogue import CATALOGUE, UNCLASSIFIED, CatalogueError, load_catalogue
from tests.clearance.support import Zone


def _copy(tmp_path: Path, change: dict[str, dict[str, object]]) -> Path:
    """The shipped catalogue with some trade modes changed (mode → fields)."""
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    entry = next(iter(data["classification"]["values"].values()))
    for code, fields in change.items():
        entry["trade_modes"][code].update(fields)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_shipped_catalogue_classifies_by_regulation_md_3_2() -> None:
    cat = load_catalogue()
    on = date(2026, 1, 1)
    assert {m: cat.segment_of(m, on) for m in ("9610", "1210", "1239", "9710", "9810", "0110", None)} == {
        "9610": "b2c",
        "1210": "b2c",
        "1239": "b2c",
        "9710": "b2b",
        "9810": "b2b",
        "0110": UNCLASSIFIED,  # general trade is not CBEC
        None: UNCLASSIFIED,
    }
    assert cat.segment_of("9710", date(2020, 6, 30)) == UNCLASSIFIED  # GACC 2020 No.75: from 2020-07-01
    assert cat.latest.trade_modes["1239"].directions == ("import",)
    assert all(m.reference for m in cat.latest.trade_modes.values())
    ids = {i.id for i in cat.indicators}
    assert {"declarations", "value", "tax", "inspection_rate", "refusal_rate", "clearance_time_p50"} <= ids
    assert {"clearance_time_p95", "active_enterprises", "foreign_trade_adoption"} <= ids
    assert "foreign_trade_enterprises" in cat.inputs  # the adoption share's denominator is an input


def test_classification_follows_a_changed_catalogue(zone: Zone, tmp_path: Path) -> None:
    for _ in range(2):
        zone.send_set(zone.spec())
    day = today()
    with zone.db() as s:
        rollup.refresh(s)
        assert service.figures(s, start=day, end=day, segment="b2c")["count"] == 2
        assert service.figures(s, start=day, end=day, segment="b2b")["count"] == 0
    as_b2b = load_catalogue(_copy(tmp_path / "a", {"9610": {"segment": "b2b"}}))
    with zone.db() as s:
        rollup.rebuild(s, catalogue=as_b2b)
        assert service.figures(s, start=day, end=day, segment="b2c")["count"] == 0
        assert service.figures(s, start=day, end=day, segment="b2b")["count"] == 2
    not_yet = load_catalogue(_copy(tmp_path / "b", {"9610": {"since": date(2099, 1, 1)}}))
    with zone.db() as s:
        rollup.rebuild(s, catalogue=not_yet)
        assert service.figures(s, start=day, end=day, segment=UNCLASSIFIED)["count"] == 2
    with zone.db() as s:  # back to the shipped file
        rollup.rebuild(s)
        assert service.figures(s, start=day, end=day, segment="b2c")["count"] == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"9610": {"segment": "b2x"}}, "segment"),
        ({"9610": {"directions": ["inbound"]}}, "directions"),
        ({"9610": {"since": "soon"}}, "since"),
    ],
)
def test_a_malformed_catalogue_is_refused_naming_the_place(
    tmp_path: Path, change: dict[str, dict[str, object]], message: str
) -> None:
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(_copy(tmp_path, change))
