"""Joint rewards and punishments (联合奖惩): the catalogue of measures and the one query that applies it.

The catalogue (``parameters/measures.yaml``, dated) gives the measures of each credit list and of each
composite grade. :func:`measures_for` combines, for each enterprise on a day, its lists in force, its
customs level and its latest composite grade into one :class:`Measures`, with the source of every
measure, so that risk sampling, the access point, clearance and (later) finance all apply the same
answer and can say why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cbec.credit.levels import customs_levels
from cbec.kernel import dates
from cbec.risk.params import dated_file_entry

CATALOGUE = Path(__file__).parent / "parameters" / "measures.yaml"

#: The ordered measures (mildest first in the catalogue's ``scales``).
SCALED = ("new_messages", "orders", "release_priority", "refund_priority", "guarantee")


@dataclass(frozen=True, slots=True)
class ListMeasure:
    """A credit list as the catalogue describes it."""

    name: str
    label: str
    label_en: str
    public: bool
    measures: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The catalogue in force on a day."""

    reference: str
    scales: Mapping[str, tuple[str, ...]]
    default: Mapping[str, Any]
    lists: Mapping[str, ListMeasure]
    grades: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class Measures:
    """What applies to one enterprise, and why (``sources``: measure → where it comes from)."""

    new_messages: str
    orders: str
    release_priority: str
    refund_priority: str
    guarantee: str
    financing_eligible: bool
    financing_limit_factor: Decimal
    sampling_grade: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def refuses_new_messages(self) -> bool:
        return self.new_messages == "refuse"

    @property
    def inspects_orders(self) -> bool:
        return self.orders == "inspect"


def catalogue(on: date, path: Path | None = None) -> Catalogue:
    """The catalogue of measures in force on ``on`` (from ``CATALOGUE`` unless another file is given)."""
    path = path or CATALOGUE
    entry = dated_file_entry(path, on)
    reference = entry["reference"]
    lists = {
        name: ListMeasure(
            name=name,
            label=str(item["label"]),
            label_en=str(item["label_en"]),
            public=bool(item.get("public", False)),
            measures={k: v for k, v in item.items() if k not in {"label", "label_en", "public"}},
        )
        for name, item in entry["lists"].items()
    }
    return Catalogue(
        reference=f"{reference['document']} {reference['title']}",
        scales={k: tuple(v) for k, v in entry["scales"].items()},
        default=entry["default"],
        lists=lists,
        grades={code: item or {} for code, item in entry["grades"].items()},
    )


def list_measures(on: date, path: Path | None = None) -> Mapping[str, ListMeasure]:
    """The lists the catalogue knows on ``on`` (labels, public or not, measures)."""
    return catalogue(on, path).lists


def combine(catalogue_: Catalogue, parts: Iterable[tuple[str, Mapping[str, Any]]]) -> Measures:
    """Combine the measures of several sources ``(label, measures)``: for each measure, the most
    severe value any source gives wins (the catalogue's default when none gives one)."""
    chosen: dict[str, tuple[Any, str]] = {}

    def offer(name: str, value: Any, label: str, worse: bool) -> None:
        if name not in chosen or worse:
            chosen[name] = (value, label)

    for label, measures in parts:
        for name in SCALED:
            if name in measures:
                scale = catalogue_.scales[name]
                value = str(measures[name])
                worse = name in chosen and scale.index(value) > scale.index(chosen[name][0])
                offer(name, value, label, worse)
        if "financing" in measures:
            eligible = bool(measures["financing"]["eligible"])
            limit = Decimal(str(measures["financing"]["limit_factor"]))
            offer("financing_eligible", eligible, label, "financing_eligible" in chosen and not eligible)
            worse = "financing_limit_factor" in chosen and limit < chosen["financing_limit_factor"][0]
            offer("financing_limit_factor", limit, label, worse)
    default = catalogue_.default

    def pick(name: str, fallback: Any) -> Any:
        return chosen[name][0] if name in chosen else fallback

    return Measures(
        new_messages=pick("new_messages", str(default["new_messages"])),
        orders=pick("orders", str(default["orders"])),
        release_priority=pick("release_priority", str(default["release_priority"])),
        refund_priority=pick("refund_priority", str(default["refund_priority"])),
        guarantee=pick("guarantee", str(default["guarantee"])),
        financing_eligible=pick("financing_eligible", bool(default["financing"]["eligible"])),
        financing_limit_factor=pick(
            "financing_limit_factor", Decimal(str(default["financing"]["limit_factor"]))
        ),
        sources={name: label for name, (_, label) in chosen.items()},
    )


def measures_for(session: Session, enterprise_ids: Iterable[str], day: date) -> dict[str, Measures]:
    """The measures applying to each enterprise (by id) on ``day`` — the one query the other systems use.

    Sources: the credit lists in force (``list:black`` …), the latest composite grade (``grade:C`` …)
    and, for the inspection-sampling grade only, the customs credit level in force; the sampling grade
    comes from a list first, else the customs level, else the composite grade."""
    from cbec.credit import service  # noqa: PLC0415 - service imports this module
    from cbec.credit.scores import latest_scores  # noqa: PLC0415

    ids = sorted(set(enterprise_ids))
    cat = catalogue(day)
    parts: dict[str, list[tuple[str, Mapping[str, Any]]]] = {i: [] for i in ids}
    sampling: dict[str, tuple[str, str]] = {}
    for listing in service.listings(session, enterprise_ids=ids, day=day):
        spec = cat.lists.get(listing.list_name)
        if spec is None:
            continue
        label = f"list:{listing.list_name}"
        parts[listing.enterprise_id].append((label, spec.measures))
        grade = spec.measures.get("sampling_grade")
        if grade and listing.enterprise_id not in sampling:
            sampling[listing.enterprise_id] = (str(grade), label)
    levels = customs_levels(day).levels
    for fact in service.facts(session, ids, day=day):
        if fact.kind != "customs_level" or fact.enterprise_id in sampling:
            continue
        level = levels.get(fact.value)
        if level is not None:  # a level of a repealed order is not mapped silently
            sampling[fact.enterprise_id] = (level.sampling_grade, f"customs_level:{fact.value}")
    for enterprise_id, score in latest_scores(session, ids).items():
        spec_ = cat.grades.get(score.grade, {})
        label = f"grade:{score.grade}"
        parts[enterprise_id].append((label, spec_))
        grade = spec_.get("sampling_grade")
        if grade and enterprise_id not in sampling:
            sampling[enterprise_id] = (str(grade), label)
    result = {}
    for enterprise_id in ids:
        measures = combine(cat, parts[enterprise_id])
        if enterprise_id in sampling:
            grade, label = sampling[enterprise_id]
            measures = replace(
                measures, sampling_grade=grade, sources={**measures.sources, "sampling_grade": label}
            )
        result[enterprise_id] = measures
    return result


class BatchMeasures:
    """The measures of the enterprises one batch meets, each loaded once: asking for one enterprise
    loads every enterprise known so far in the same three queries."""

    def __init__(self, session: Session, day: date) -> None:
        self.session = session
        self.day = day
        self._found: dict[str, Measures] = {}

    def get(self, enterprise_id: str, known: Iterable[str] = ()) -> Measures:
        if enterprise_id not in self._found:
            wanted = ({enterprise_id} | set(known)) - set(self._found)
            self._found.update(measures_for(self.session, wanted, self.day))
        return self._found[enterprise_id]


def measures_out(measures: Measures) -> dict[str, Any]:
    return {
        "sampling_grade": measures.sampling_grade,
        "new_messages": measures.new_messages,
        "orders": measures.orders,
        "release_priority": measures.release_priority,
        "refund_priority": measures.refund_priority,
        "guarantee": measures.guarantee,
        "financing": {
            "eligible": measures.financing_eligible,
            "limit_factor": str(measures.financing_limit_factor),
        },
        "sources": dict(measures.sources),
    }


def describe_source(source: str, on: date | None = None) -> str:
    """A measure's source in words (``list:black`` → 列入黑名单, ``grade:D`` → 综合信用等级D)."""
    kind, _, name = source.partition(":")
    if kind == "list":
        spec = list_measures(on or dates.today()).get(name)
        return f"列入{spec.label if spec else name} / on the {spec.label_en if spec else name}"
    if kind == "grade":
        return f"综合信用等级{name} / composite credit grade {name}"
    if kind == "customs_level":
        return f"海关信用等级{name} / customs credit level {name}"
    return source
