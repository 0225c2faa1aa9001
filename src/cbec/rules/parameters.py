"""A tree of dated parameters, read at a date: ``params.at(day).tax.vat.standard_rate``.

The tree mirrors a folder of YAML files (one parameter per file, one folder per
part of the law; see :mod:`cbec.rules.schema` for the file format). Load it once
with :func:`load_parameter_tree`, then ask for the law in force on a day::

    params = load_parameter_tree(Path("parameters"))
    p = params.at(date(2019, 4, 1), trace=trace)
    p.tax.vat.standard_rate            # Decimal('0.13'), recorded in the trace

Values are :class:`~decimal.Decimal` for amounts, rates and counts (never
float), ``str`` for codes and ``bool`` for flags. Every leaf read through a
view made with ``trace=`` is recorded with its path, value, start date and
reference.

Errors::

    ParameterError
    ├── ParameterNotFoundError     no parameter or folder at that path
    └── ParameterNotInForceError   the parameter has no value on that date
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cbec.rules.schema import (
    DatedValue,
    FolderSpec,
    ParameterSchemaError,
    ParameterSpec,
    Value,
    load_yaml,
    parse_folder_index,
    parse_parameter_file,
)
from cbec.rules.trace import ParameterLookup, Trace

__all__ = [
    "INDEX_FILE",
    "Parameter",
    "ParameterError",
    "ParameterNode",
    "ParameterNotFoundError",
    "ParameterNotInForceError",
    "ParametersAt",
    "load_parameter_tree",
]

INDEX_FILE = "index.yaml"
"""The file holding a folder's own description."""


class ParameterError(LookupError):
    """A parameter lookup failed."""


class ParameterNotFoundError(ParameterError):
    """No parameter or folder exists at the path."""


class ParameterNotInForceError(ParameterError):
    """The parameter has no value on the date asked for (before its first date, or ended)."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter file: a value with its dated history.

    Attributes:
        path: dotted path from the tree's root.
        spec: the file's content.
    """

    path: str
    spec: ParameterSpec

    @property
    def name(self) -> str:
        """The last part of the path."""
        return self.path.rsplit(".", 1)[-1]

    def entry_at(self, on: date) -> DatedValue:
        """Return the dated entry in force on a day (announced ``expected`` values are skipped).

        Args:
            on: the day (Beijing date).

        Returns:
            The latest entry that started on or before ``on``.

        Raises:
            ParameterNotInForceError: no entry in force, or the parameter ended.
        """
        current: DatedValue | None = None
        for entry in self.spec.values:
            if entry.expected:
                continue
            if entry.start > on:
                break
            current = entry
        if current is None or current.value is None:
            raise ParameterNotInForceError(f"{self.path} has no value on {on.isoformat()}")
        return current

    def lookup(self, on: date) -> ParameterLookup:
        """Return the value in force on a day with its provenance.

        Args:
            on: the day.

        Returns:
            The lookup record (value, start date, reference, verified flag).

        Raises:
            ParameterNotInForceError: no value on that day.
        """
        entry = self.entry_at(on)
        assert entry.value is not None  # entry_at never returns an ending entry
        notes = [note for note in (self.spec.note, entry.note) if note]
        return ParameterLookup(
            path=self.path,
            value=entry.value,
            unit=self.spec.unit,
            effective_from=entry.start,
            reference=entry.reference,
            verified=self.spec.verified and entry.verified,
            note=" / ".join(notes) or None,
        )


@dataclass(frozen=True, slots=True)
class ParameterNode:
    """A folder of parameters and sub-folders.

    Attributes:
        path: dotted path from the root ("" for the root).
        spec: the folder's ``index.yaml`` content, None when it has none.
        children: sub-folders and parameters by name.
    """

    path: str
    spec: FolderSpec | None
    children: Mapping[str, ParameterNode | Parameter]

    def at(self, on: date, *, trace: Trace | None = None) -> ParametersAt:
        """Return a view of the law in force on a day.

        Args:
            on: the day (Beijing date).
            trace: when given, every value read through the view is recorded in it.

        Returns:
            The view; attribute access walks the tree.
        """
        return ParametersAt(self, on, trace)

    def get(self, path: str) -> ParameterNode | Parameter:
        """Return the folder or parameter at a dotted path below this node.

        Args:
            path: e.g. ``"tax.vat.standard_rate"``.

        Returns:
            The node or parameter.

        Raises:
            ParameterNotFoundError: nothing at that path.
        """
        node: ParameterNode | Parameter = self
        for part in path.split("."):
            if not isinstance(node, ParameterNode) or part not in node.children:
                raise ParameterNotFoundError(f"no parameter {path!r} below {self.path or 'the root'}")
            node = node.children[part]
        return node

    def walk(self) -> Iterator[Parameter]:
        """Yield every parameter below this node, sorted by path."""
        for name in sorted(self.children):
            child = self.children[name]
            if isinstance(child, Parameter):
                yield child
            else:
                yield from child.walk()

    def folders(self) -> Iterator[ParameterNode]:
        """Yield this node and every folder below it."""
        yield self
        for name in sorted(self.children):
            child = self.children[name]
            if isinstance(child, ParameterNode):
                yield from child.folders()


class ParametersAt:
    """The parameter tree as in force on one day; attribute access walks it.

    ``view.tax.vat`` returns a view of that folder; ``view.tax.vat.standard_rate``
    returns the value (a Decimal, str or bool) and records the lookup in the
    view's trace. Use :meth:`decimal`, :meth:`text` or :meth:`lookup` for typed
    access by dotted path.
    """

    __slots__ = ("node", "on", "trace")

    def __init__(self, node: ParameterNode, on: date, trace: Trace | None = None) -> None:
        self.node = node
        self.on = on
        self.trace = trace

    def __getattr__(self, name: str) -> Any:
        """Return the sub-folder's view, or the parameter's value in force (recorded in the trace)."""
        try:
            child = self.node.children[name]
        except KeyError:
            where = self.node.path or "the root"
            raise AttributeError(f"no parameter or folder {name!r} in {where}") from None
        if isinstance(child, ParameterNode):
            return ParametersAt(child, self.on, self.trace)
        return self._read(child).value

    def __repr__(self) -> str:
        return f"ParametersAt({self.node.path or '<root>'!r}, {self.on.isoformat()})"

    def _read(self, parameter: Parameter) -> ParameterLookup:
        lookup = parameter.lookup(self.on)
        if self.trace is not None:
            self.trace.record(lookup)
        return lookup

    def lookup(self, path: str) -> ParameterLookup:
        """Read a parameter by dotted path and return the value with its provenance.

        Args:
            path: path below this view's folder.

        Returns:
            The lookup record (also recorded in the trace).

        Raises:
            ParameterNotFoundError: the path names no parameter.
            ParameterNotInForceError: no value on the view's day.
        """
        found = self.node.get(path)
        if not isinstance(found, Parameter):
            raise ParameterNotFoundError(f"{path!r} is a folder, not a parameter")
        return self._read(found)

    def value(self, path: str) -> Value:
        """Read a parameter's value by dotted path (recorded in the trace)."""
        return self.lookup(path).value

    def decimal(self, path: str) -> Decimal:
        """Read a numeric parameter by dotted path.

        Args:
            path: path below this view's folder.

        Returns:
            The value.

        Raises:
            TypeError: the parameter is not numeric.
        """
        value = self.value(path)
        if not isinstance(value, Decimal):
            raise TypeError(f"{path} is not numeric: {value!r}")
        return value

    def text(self, path: str) -> str:
        """Read a text parameter by dotted path.

        Raises:
            TypeError: the parameter is not a text.
        """
        value = self.value(path)
        if not isinstance(value, str):
            raise TypeError(f"{path} is not a text: {value!r}")
        return value

    def folder(self, path: str) -> ParametersAt:
        """Return the view of a sub-folder by dotted path.

        Raises:
            ParameterNotFoundError: the path names no folder.
        """
        found = self.node.get(path)
        if not isinstance(found, ParameterNode):
            raise ParameterNotFoundError(f"{path!r} is a parameter, not a folder")
        return ParametersAt(found, self.on, self.trace)

    def has(self, path: str) -> bool:
        """Return whether a parameter exists at the path and has a value on the view's day (not recorded)."""
        try:
            found = self.node.get(path)
        except ParameterNotFoundError:
            return False
        if not isinstance(found, Parameter):
            return False
        try:
            found.entry_at(self.on)
        except ParameterNotInForceError:
            return False
        return True


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _load_folder(folder: Path, path: str) -> ParameterNode:
    children: dict[str, ParameterNode | Parameter] = {}
    spec: FolderSpec | None = None
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir():
            children[entry.name] = _load_folder(entry, _join(path, entry.name))
        elif entry.name == INDEX_FILE:
            spec = parse_folder_index(load_yaml(entry), source=str(entry))
        elif entry.suffix == ".yaml":
            if not entry.stem.isidentifier():
                raise ParameterSchemaError(str(entry), ["file names must be valid identifiers (snake_case)"])
            children[entry.stem] = Parameter(
                path=_join(path, entry.stem),
                spec=parse_parameter_file(load_yaml(entry), source=str(entry)),
            )
    return ParameterNode(path=path, spec=spec, children=MappingProxyType(children))


def load_parameter_tree(root: Path) -> ParameterNode:
    """Load every parameter file below a folder into a tree.

    Args:
        root: the folder; sub-folders become nodes, ``*.yaml`` files parameters.

    Returns:
        The root node.

    Raises:
        ParameterSchemaError: a file is malformed (the error names the file and every problem).
        FileNotFoundError: the folder does not exist.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"parameter folder not found: {root}")
    return _load_folder(root, "")
