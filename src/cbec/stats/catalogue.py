"""The statistics catalogue (``parameters/indicators.yaml``): indicators, inputs, dimension rules, the
B2C/B2B classification of trade modes, and how each zone target is measured.

Pure: reads the file, checks its shape and answers questions on plain values
(:meth:`Catalogue.classify`, :meth:`Catalogue.segment_of`). A malformed file raises
:class:`CatalogueError` naming the place.

>>> cat = load_catalogue()
>>> cat.segment_of("9610", date(2026, 1, 5)), cat.segment_of("9710", date(2026, 1, 5))
('b2c', 'b2b')
>>> cat.segment_of("9710", date(2019, 1, 5))  # not yet in force (GACC 2020 No.75, from 2020-07-01)
'unclassified'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cbec.risk.params import RiskParameterError, dated_entry
from cbec.rules.schema import ParameterSchemaError, load_yaml

__all__ = [
    "CATALOGUE",
    "DIRECTIONS",
    "UNCLASSIFIED",
    "Catalogue",
    "CatalogueError",
    "Classification",
    "Indicator",
    "TargetMeasure",
    "TradeMode",
    "load_catalogue",
]

CATALOGUE = Path(__file__).parent / "parameters" / "indicators.yaml"
"""The shipped catalogue."""

DIRECTIONS = ("import", "export")
"""Directions of trade (进口 / 出口)."""

UNCLASSIFIED = "unclassified"
"""The segment of a trade mode the catalogue does not know (or not yet in force)."""

DIRECTION_LABELS = {"import": ("进口", "import"), "export": ("出口", "export")}


class CatalogueError(ValueError):
    """The catalogue file is malformed."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: what it means, its unit, formula and source."""

    id: str
    label: str
    label_en: str
    unit: str
    definition: str
    definition_en: str
    formula: str
    source: str
    note: str | None


@dataclass(frozen=True, slots=True)
class TradeMode:
    """A customs procedure code (监管方式) and the segment it counts in."""

    code: str
    label: str
    label_en: str
    segment: str
    directions: tuple[str, ...]
    since: date
    reference: str


@dataclass(frozen=True, slots=True)
class Classification:
    """The classification entry in force on a day."""

    effective_from: date
    reference: str
    segments: Mapping[str, tuple[str, str]]  # segment → (label, label_en)
    trade_modes: Mapping[str, TradeMode]

    def segment_of(self, trade_mode: str | None, on: date) -> str:
        """The segment of a declaration of ``trade_mode`` made on ``on``."""
        mode = self.trade_modes.get(trade_mode or "")
        if mode is None or mode.since > on:
            return UNCLASSIFIED
        return mode.segment


@dataclass(frozen=True, slots=True)
class TargetMeasure:
    """How a zone target metric is measured (``measure`` names a function of :mod:`cbec.stats.service`)."""

    metric: str
    measure: str
    filter: Mapping[str, str]
    threshold: Decimal | None
    note: str


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue, as loaded from one file."""

    path: Path
    description: str
    indicators: tuple[Indicator, ...]
    inputs: Mapping[str, Mapping[str, str]]
    country_fields: Mapping[str, tuple[str, ...]]  # direction → ordered fields (line:x / head:x)
    dimension_notes: Mapping[str, str]
    classifications: tuple[Classification, ...]  # by effective date, oldest first
    measurable: Mapping[str, TargetMeasure]
    unmeasurable: Mapping[str, str]

    def classification(self, on: date) -> Classification:
        """The classification entry in force on ``on``."""
        current = None
        for entry in self.classifications:
            if entry.effective_from <= on:
                current = entry
        if current is None:
            raise CatalogueError(f"{self.path}: no classification in force on {on.isoformat()}")
        return current

    def segment_of(self, trade_mode: str | None, on: date) -> str:
        """The segment of a declaration of ``trade_mode`` declared on ``on``."""
        return self.classification(on).segment_of(trade_mode, on)

    def indicator(self, indicator_id: str) -> Indicator:
        for found in self.indicators:
            if found.id == indicator_id:
                return found
        raise KeyError(indicator_id)

    @property
    def latest(self) -> Classification:
        return self.classifications[-1]

    def segments(self) -> dict[str, tuple[str, str]]:
        """Every segment any entry knows, with its labels."""
        out: dict[str, tuple[str, str]] = {}
        for entry in self.classifications:
            out.update(entry.segments)
        return out

    def modes_of(self, segment: str) -> frozenset[str]:
        """Trade modes the latest entry puts in ``segment``."""
        return frozenset(m.code for m in self.latest.trade_modes.values() if m.segment == segment)

    def as_json(self) -> dict[str, Any]:
        """The catalogue for the API (``GET /api/v1/stats/catalogue``)."""
        return {
            "description": self.description,
            "indicators": [
                {
                    "id": i.id,
                    "label": i.label,
                    "label_en": i.label_en,
                    "unit": i.unit,
                    "definition": i.definition,
                    "definition_en": i.definition_en,
                    "formula": i.formula,
                    "source": i.source,
                    "note": i.note,
                }
                for i in self.indicators
            ],
            "inputs": {k: dict(v) for k, v in self.inputs.items()},
            "dimensions": {
                "country": {d: list(f) for d, f in self.country_fields.items()},
                "notes": dict(self.dimension_notes),
            },
            "classification": [
                {
                    "effective_from": c.effective_from.isoformat(),
                    "reference": c.reference,
                    "segments": {k: {"label": v[0], "label_en": v[1]} for k, v in c.segments.items()},
                    "trade_modes": {
                        m.code: {
                            "label": m.label,
                            "label_en": m.label_en,
                            "segment": m.segment,
                            "directions": list(m.directions),
                            "since": m.since.isoformat(),
                            "reference": m.reference,
                        }
                        for m in c.trade_modes.values()
                    },
                }
                for c in self.classifications
            ],
            "targets": {
                "measurable": {
                    k: {"measure": m.measure, "filter": dict(m.filter), "note": m.note}
                    for k, m in self.measurable.items()
                },
                "unmeasurable": dict(self.unmeasurable),
            },
        }


# --------------------------------------------------------------------------- loading


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue from ``path`` (the shipped file by default); cached per path and file content."""
    path = (path or CATALOGUE).resolve()
    return _load(path, path.stat().st_mtime_ns)


@functools.cache
def _load(path: Path, _mtime: int) -> Catalogue:
    try:
        data = load_yaml(path)
    except ParameterSchemaError as exc:
        raise CatalogueError(str(exc)) from exc
    r = _Reader(str(path.name), data)
    indicators = tuple(_indicator(x) for x in r.children("indicators"))
    ids = [i.id for i in indicators]
    if len(set(ids)) != len(ids):
        raise CatalogueError(f"{path.name}.indicators: duplicate ids")
    dimensions = r.child("dimensions")
    country = dimensions.child("country")
    country_fields = {}
    for direction in DIRECTIONS:
        fields = country.child(direction).strings("fields")
        for field in fields:
            if not field.startswith(("line:", "head:")):
                raise CatalogueError(
                    f"{country.where}.{direction}.fields: {field!r} must start with line: or head:"
                )
        country_fields[direction] = tuple(fields)
    notes = {
        name: str(dimensions.child(name).text("note"))
        for name in ("hs_chapter", "park", "enterprise")
        if name in dimensions.data
    }
    classifications = _classifications(r.child("classification"))
    targets = r.child("targets")
    measurable = {
        metric: _target_measure(metric, targets.child("measurable").child(metric))
        for metric in targets.child("measurable").data
    }
    unmeasurable = {str(k): str(v) for k, v in targets.child("unmeasurable").data.items()}
    inputs = {
        str(key): {k: str(v) for k, v in r.child("inputs").child(key).data.items()}
        for key in r.child("inputs").data
    }
    return Catalogue(
        path=path,
        description=r.text("description"),
        indicators=indicators,
        inputs=inputs,
        country_fields=country_fields,
        dimension_notes=notes,
        classifications=classifications,
        measurable=measurable,
        unmeasurable=unmeasurable,
    )


def _indicator(r: _Reader) -> Indicator:
    return Indicator(
        id=r.text("id"),
        label=r.text("label"),
        label_en=r.text("label_en"),
        unit=r.text("unit"),
        definition=r.text("definition"),
        definition_en=r.text("definition_en"),
        formula=r.text("formula"),
        source=r.text("source"),
        note=r.opt_text("note"),
    )


def _classifications(r: _Reader) -> tuple[Classification, ...]:
    values = r.data.get("values")
    if not isinstance(values, Mapping) or not values:
        raise CatalogueError(f"{r.where}.values: expected dated entries")
    out = []
    for start in sorted(values):
        try:  # the shared check: dates, reference and approver on every entry
            dated_entry(values, start, r.where)
        except (RiskParameterError, TypeError) as exc:
            raise CatalogueError(str(exc)) from exc
        entry = _Reader(f"{r.where}.values.{start}", values[start])
        segments = {
            str(k): (
                entry.child("segments").child(k).text("label"),
                entry.child("segments").child(k).text("label_en"),
            )
            for k in entry.child("segments").data
        }
        if UNCLASSIFIED not in segments:
            raise CatalogueError(f"{entry.where}.segments: {UNCLASSIFIED!r} is required")
        modes = {}
        for code in entry.child("trade_modes").data:
            m = entry.child("trade_modes").child(code)
            segment = m.text("segment")
            if segment not in segments:
                raise CatalogueError(f"{m.where}.segment: {segment!r} is not one of {sorted(segments)}")
            directions = tuple(m.strings("directions"))
            if not directions or any(d not in DIRECTIONS for d in directions):
                raise CatalogueError(f"{m.where}.directions: expected a list of {DIRECTIONS}")
            since = m.data.get("since")
            if not isinstance(since, date):
                raise CatalogueError(f"{m.where}.since: expected a date")
            code_text = str(code)
            if not (len(code_text) == 4 and code_text.isdigit()):  # noqa: PLR2004
                raise CatalogueError(
                    f"{m.where}: {code_text!r} is not a 4-digit trade mode (quote it in YAML)"
                )
            modes[code_text] = TradeMode(
                code=code_text,
                label=m.text("label"),
                label_en=m.text("label_en"),
                segment=segment,
                directions=directions,
                since=since,
                reference=m.text("reference"),
            )
        reference = entry.child("reference")
        out.append(
            Classification(
                effective_from=start,
                reference=f"{reference.text('document')} {reference.text('title')}",
                segments=segments,
                trade_modes=modes,
            )
        )
    return tuple(out)


def _target_measure(metric: str, r: _Reader) -> TargetMeasure:
    raw_filter = r.data.get("filter") or {}
    if not isinstance(raw_filter, Mapping):
        raise CatalogueError(f"{r.where}.filter: expected a mapping")
    threshold = r.data.get("threshold")
    return TargetMeasure(
        metric=metric,
        measure=r.text("measure"),
        filter={str(k): str(v) for k, v in raw_filter.items()},
        threshold=Decimal(str(threshold)) if threshold is not None else None,
        note=r.text("note"),
    )


class _Reader:
    """Typed access to one mapping of the file, with its place for error messages."""

    def __init__(self, where: str, data: object) -> None:
        if not isinstance(data, Mapping):
            raise CatalogueError(f"{where}: expected a mapping")
        self.where = where
        self.data: Mapping[Any, Any] = data

    def text(self, name: str) -> str:
        value = self.data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{self.where}.{name}: expected non-empty text")
        return value.strip()

    def opt_text(self, name: str) -> str | None:
        return self.text(name) if self.data.get(name) is not None else None

    def strings(self, name: str) -> list[str]:
        value = self.data.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CatalogueError(f"{self.where}.{name}: expected a list of text")
        return list(value)

    def child(self, name: Any) -> _Reader:
        if name not in self.data:
            raise CatalogueError(f"{self.where}: missing {name!r}")
        return _Reader(f"{self.where}.{name}", self.data[name])

    def children(self, name: str) -> list[_Reader]:
        value = self.data.get(name)
        if not isinstance(value, list) or not value:
            raise CatalogueError(f"{self.where}.{name}: expected a non-empty list")
        return [_Reader(f"{self.where}.{name}[{i}]", item) for i, item in enumerate(value)]
