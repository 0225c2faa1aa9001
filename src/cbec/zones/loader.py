"""Zone configuration: name, customs office, parks and targets of each pilot zone, from its plan.

One YAML file per zone sits next to this module (``kunming.yaml``, ``taiyuan.yaml``,
``luzhou.yaml``). Each holds what the zone's plan (实施方案, and for Kunming also the three-year
action plan) says, in the plan's own words:

* the plan documents: title, number, issuer and date, with where each of these was read;
* the customs office whose code goes into ``customsCode`` / ``portCode`` (ceb.md §8.2);
* the parks the plan names (name, kind, tier), and the plan's park layout ("3+5+2" …);
* the targets: every figure with its unit, year or deadline, the plan's time words
  (``when_zh``) and the sentence it comes from (``quote``, verbatim from the stored plan text).

No figure is made up: where a plan is vague a target's ``value`` (or ``year``) is ``None`` and
its ``note`` says so. Money is :class:`~decimal.Decimal` (YAML strings, never floats).

>>> zone = load_zone()
>>> zone.key, zone.customs.code
('kunming', '8600')
>>> [t.value for t in zone.targets_for("trade_volume")]
[Decimal('500000000'), Decimal('750000000'), Decimal('1125000000')]
>>> list_zones()
['kunming', 'luzhou', 'taiyuan']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "COMPARISONS",
    "DEFAULT_ZONE",
    "PARK_KINDS",
    "PARK_TIERS",
    "UNITS",
    "CustomsOffice",
    "District",
    "Park",
    "ParkLayout",
    "PlanDocument",
    "Target",
    "Zone",
    "ZoneFileError",
    "list_zones",
    "load_zone",
]

DEFAULT_ZONE = "kunming"
"""The zone the demo and an unconfigured installation use."""

UNITS = frozenset(
    {
        "CNY",
        "percent",
        "enterprises",
        "parks",
        "warehouses",
        "showrooms",
        "industries",
        "working_days",
    }
)
"""Units a target value may have."""

COMPARISONS = frozenset({"at_least", "more_than", "at_most", "target"})
"""How a target compares.

达到…以上 (at_least), 超过 (more_than), 压缩至 (at_most), or a plain figure (target).
"""

PARK_KINDS = frozenset(
    {
        "comprehensive_bonded_zone",
        "bonded_logistics_center",
        "ecommerce_base",
        "industrial_park",
        "development_zone",
        "trade_city",
        "cultural_park",
        "import_platform",
        "free_trade_zone_area",
        "airport",
        "international_mail_exchange",
        "logistics_park",
    }
)
"""Kinds of park a plan names (the plan's own word is kept in :attr:`Park.kind_zh`)."""

PARK_TIERS = frozenset({"core", "export", "import_platform", "district", "support"})
"""Tiers of the plans' park layouts (the plan's own word is kept in :attr:`Park.tier_zh`)."""


_DISTRICT_CODE_LENGTH = 4  # CEB customsCode / portCode are C4 (ceb.md §3.9)


class ZoneFileError(ValueError):
    """A zone file is missing, unreadable or does not follow the expected shape."""


@dataclass(frozen=True)
class District:
    """A county-level division of the zone city (GB/T 2260), used for demo addresses and USCCs."""

    code: str
    name: str


@dataclass(frozen=True)
class CustomsOffice:
    """The customs district whose code the zone's declarations carry (``customsCode``, ``portCode``).

    Attributes:
        code: 4-character customs district code (ceb.md §8.2).
        name: its name in the code table.
        source: where the code comes from.
        named_in_plan: the customs office the plan names, if any.
        named_in_plan_quote: the plan sentence naming it.
        named_in_plan_document: key of the document holding that sentence.
        sub_office: a sub-office the plans name, if any.
        sub_office_code: its code when confirmed (``None``: not in the reference tables).
        note: what is assumed and why.
    """

    code: str
    name: str
    source: str
    named_in_plan: str | None
    named_in_plan_quote: str | None
    named_in_plan_document: str | None
    sub_office: str | None
    sub_office_code: str | None
    note: str


@dataclass(frozen=True)
class PlanDocument:
    """A plan document of the zone.

    Attributes:
        key: short key other entries refer to (``implementation_plan``).
        file: name of the stored plan text (under ``reference/zone-plans/``).
        title: the document title.
        number: 文号, when known.
        issuer: issuing authority, when known.
        issued: issuing date, when known.
        published: web publication date, when that is all that is known.
        approval: the State Council approval the plan implements (国函…), when cited.
        approval_quote: the sentence citing it.
        title_quote: a sentence of a stored text that carries the title (or names the zone).
        title_quote_document: key of the document holding ``title_quote``.
        provenance: where title, number and date were read.
    """

    key: str
    file: str
    title: str
    number: str | None
    issuer: str | None
    issued: date | None
    published: date | None
    approval: str | None
    approval_quote: str | None
    title_quote: str
    title_quote_document: str
    provenance: str


@dataclass(frozen=True)
class Park:
    """A park (园区) the plan names.

    Attributes:
        key: stable identifier.
        name: the name as the plan writes it.
        kind: one of :data:`PARK_KINDS`.
        kind_zh: the plan's word for the kind.
        tier: one of :data:`PARK_TIERS` (the plan's layout group).
        tier_zh: the plan's word for the tier.
        bonded: a special customs supervision zone or bonded logistics centre (1210 warehouses
            may sit here, regulation.md §3.1.5).
        document: key of the document naming it.
        quote: the sentence naming it.
        note: anything else worth knowing.
    """

    key: str
    name: str
    kind: str
    kind_zh: str
    tier: str
    tier_zh: str
    bonded: bool
    document: str
    quote: str
    note: str | None


@dataclass(frozen=True)
class ParkLayout:
    """The plan's park layout (``3+5+2``, ``一核多区``, ``1+4+7``) and what it leaves unnamed."""

    label: str
    document: str
    quote: str
    note: str


@dataclass(frozen=True)
class Target:
    """A development target of the plan, exactly as stated.

    Attributes:
        key: stable identifier within the zone.
        metric: what is measured (``trade_volume``, ``parks`` …); several targets may share one.
        label_zh: the plan's wording of the indicator.
        label_en: English gloss.
        value: the figure (``None`` for a qualitative target).
        unit: one of :data:`UNITS` (``None`` when there is no figure).
        comparison: one of :data:`COMPARISONS` (``None`` when there is no figure).
        year: the year the target is for (or the last year of a period); ``None`` when the plan
            gives no year.
        from_year: first year of a period (growth rates over 2019-2021 …).
        deadline: a day-precise deadline (完成时限).
        when_zh: the plan's own time words (``到2020年``, ``通过5年的建设``), or ``None``.
        document: key of the plan document.
        source: file name of the plan text.
        section: where in the plan.
        quote: the sentence the figure comes from, verbatim.
        note: caveats (vagueness, conflicts between documents).
    """

    key: str
    metric: str
    label_zh: str
    label_en: str
    value: Decimal | None
    unit: str | None
    comparison: str | None
    year: int | None
    from_year: int | None
    deadline: date | None
    when_zh: str | None
    document: str
    source: str
    section: str
    quote: str
    note: str | None


@dataclass(frozen=True)
class Zone:
    """A pilot zone's configuration. Load it with :func:`load_zone`."""

    key: str
    name_zh: str
    name_en: str
    city_zh: str
    city_en: str
    province_zh: str
    province_en: str
    province_abbr_zh: str
    province_abbr_en: str
    region_code: str
    region_source: str
    districts: tuple[District, ...]
    customs: CustomsOffice
    documents: tuple[PlanDocument, ...]
    park_layout: ParkLayout
    parks: tuple[Park, ...]
    targets: tuple[Target, ...]

    @property
    def city_short_zh(self) -> str:
        """The city name without its suffix (``昆明`` for ``昆明市``)."""
        return self.city_zh.removesuffix("市")

    @property
    def bonded_parks(self) -> tuple[Park, ...]:
        """Parks where 1210 bonded warehouses may sit."""
        return tuple(park for park in self.parks if park.bonded)

    def document(self, key: str) -> PlanDocument:
        """The plan document with this key.

        Raises:
            KeyError: no such document.
        """
        for doc in self.documents:
            if doc.key == key:
                return doc
        raise KeyError(key)

    def target(self, key: str) -> Target:
        """The target with this key.

        Raises:
            KeyError: no such target.
        """
        for found in self.targets:
            if found.key == key:
                return found
        raise KeyError(key)

    def targets_for(self, metric: str) -> tuple[Target, ...]:
        """All targets of one metric, in file order."""
        return tuple(found for found in self.targets if found.metric == metric)


# --------------------------------------------------------------------------- loading


def list_zones() -> list[str]:
    """Keys of the zones that have a configuration file, sorted."""
    folder = resources.files(__package__ or "cbec.zones")
    return sorted(
        entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )


def load_zone(name: str | None = None) -> Zone:
    """Load and check a zone's configuration.

    Args:
        name: zone key (``kunming``, ``taiyuan``, ``luzhou``); ``None`` for :data:`DEFAULT_ZONE`.

    Returns:
        The zone (immutable; cached).

    Raises:
        ZoneFileError: unknown zone, or a file that does not follow the expected shape.
    """
    return _load((name or DEFAULT_ZONE).strip().lower())


@cache
def _load(key: str) -> Zone:
    if key not in list_zones():
        raise ZoneFileError(f"unknown zone {key!r}; known: {', '.join(list_zones())}")
    resource = resources.files(__package__ or "cbec.zones").joinpath(f"{key}.yaml")
    try:
        data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ZoneFileError(f"{key}.yaml: not valid YAML: {exc}") from exc
    zone = _zone(_Reader(f"{key}.yaml", data))
    if zone.key != key:
        raise ZoneFileError(f"{key}.yaml: key is {zone.key!r}, expected {key!r}")
    return zone


class _Reader:
    """Typed access to one mapping of a zone file, with the path for error messages."""

    def __init__(self, where: str, data: object) -> None:
        if not isinstance(data, Mapping):
            raise ZoneFileError(f"{where}: expected a mapping")
        self.where = where
        self.data: Mapping[str, Any] = data

    def _get(self, name: str, *, optional: bool) -> Any:
        if name not in self.data:
            if optional:
                return None
            raise ZoneFileError(f"{self.where}: missing {name!r}")
        return self.data[name]

    def text(self, name: str) -> str:
        value = self._get(name, optional=False)
        if not isinstance(value, str) or not value.strip():
            raise ZoneFileError(f"{self.where}.{name}: expected non-empty text")
        return value.strip()

    def opt_text(self, name: str) -> str | None:
        value = self._get(name, optional=True)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ZoneFileError(f"{self.where}.{name}: expected text or null")
        return value.strip()

    def flag(self, name: str) -> bool:
        value = self._get(name, optional=False)
        if not isinstance(value, bool):
            raise ZoneFileError(f"{self.where}.{name}: expected true or false")
        return value

    def opt_int(self, name: str) -> int | None:
        value = self._get(name, optional=True)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise ZoneFileError(f"{self.where}.{name}: expected a whole number or null")
        return value

    def opt_date(self, name: str) -> date | None:
        value = self._get(name, optional=True)
        if value is None:
            return None
        if not isinstance(value, date):
            raise ZoneFileError(f"{self.where}.{name}: expected a date (YYYY-MM-DD) or null")
        return value

    def opt_decimal(self, name: str) -> Decimal | None:
        value = self._get(name, optional=True)
        if value is None:
            return None
        # Floats would lose exactness (money); the files write figures as strings.
        if not isinstance(value, str):
            raise ZoneFileError(f"{self.where}.{name}: write the figure as a quoted string")
        try:
            number = Decimal(value)
        except InvalidOperation as exc:
            raise ZoneFileError(f"{self.where}.{name}: {value!r} is not a number") from exc
        if not number.is_finite():
            raise ZoneFileError(f"{self.where}.{name}: {value!r} is not a finite number")
        return number

    def choice(self, name: str, allowed: frozenset[str], *, optional: bool = False) -> str | None:
        value = self.opt_text(name) if optional else self.text(name)
        if value is not None and value not in allowed:
            raise ZoneFileError(f"{self.where}.{name}: {value!r} is not one of {sorted(allowed)}")
        return value

    def child(self, name: str) -> _Reader:
        return _Reader(f"{self.where}.{name}", self._get(name, optional=False))

    def children(self, name: str) -> list[_Reader]:
        value = self._get(name, optional=False)
        if not isinstance(value, list) or not value:
            raise ZoneFileError(f"{self.where}.{name}: expected a non-empty list")
        return [_Reader(f"{self.where}.{name}[{i}]", item) for i, item in enumerate(value)]


def _zone(r: _Reader) -> Zone:
    name, city, province, region = r.child("name"), r.child("city"), r.child("province"), r.child("region")
    documents = tuple(_document(d) for d in r.children("documents"))
    doc_files = {doc.key: doc.file for doc in documents}
    if len(doc_files) != len(documents):
        raise ZoneFileError(f"{r.where}.documents: duplicate keys")
    for doc in documents:
        _known(r.where, doc.title_quote_document, doc_files)
    customs = _customs(r.child("customs"))
    if customs.named_in_plan_document is not None:
        _known(r.where, customs.named_in_plan_document, doc_files)
    layout = _layout(r.child("park_layout"))
    _known(r.where, layout.document, doc_files)
    parks = tuple(_park(p) for p in r.children("parks"))
    targets = tuple(_target(t, doc_files) for t in r.children("targets"))
    for kind, keys in (("parks", [p.key for p in parks]), ("targets", [t.key for t in targets])):
        if len(set(keys)) != len(keys):
            raise ZoneFileError(f"{r.where}.{kind}: duplicate keys")
    for park in parks:
        _known(r.where, park.document, doc_files)
    districts = tuple(
        District(code=d.text("code"), name=d.text("name")) for d in region.children("districts")
    )
    return Zone(
        key=r.text("key"),
        name_zh=name.text("zh"),
        name_en=name.text("en"),
        city_zh=city.text("zh"),
        city_en=city.text("en"),
        province_zh=province.text("zh"),
        province_en=province.text("en"),
        province_abbr_zh=province.text("abbr_zh"),
        province_abbr_en=province.text("abbr_en"),
        region_code=region.text("code"),
        region_source=region.text("source"),
        districts=districts,
        customs=customs,
        documents=documents,
        park_layout=layout,
        parks=parks,
        targets=targets,
    )


def _known(where: str, key: str, documents: Mapping[str, str]) -> None:
    if key not in documents:
        raise ZoneFileError(f"{where}: unknown document {key!r}")


def _customs(r: _Reader) -> CustomsOffice:
    code = r.text("code")
    if len(code) != _DISTRICT_CODE_LENGTH or not (code.isascii() and code.isalnum()):
        raise ZoneFileError(f"{r.where}.code: {code!r} is not a 4-character customs district code")
    return CustomsOffice(
        code=code,
        name=r.text("name"),
        source=r.text("source"),
        named_in_plan=r.opt_text("named_in_plan"),
        named_in_plan_quote=r.opt_text("named_in_plan_quote"),
        named_in_plan_document=r.opt_text("named_in_plan_document"),
        sub_office=r.opt_text("sub_office"),
        sub_office_code=r.opt_text("sub_office_code"),
        note=r.text("note"),
    )


def _document(r: _Reader) -> PlanDocument:
    return PlanDocument(
        key=r.text("key"),
        file=r.text("file"),
        title=r.text("title"),
        number=r.opt_text("number"),
        issuer=r.opt_text("issuer"),
        issued=r.opt_date("issued"),
        published=r.opt_date("published"),
        approval=r.opt_text("approval"),
        approval_quote=r.opt_text("approval_quote"),
        title_quote=r.text("title_quote"),
        title_quote_document=r.text("title_quote_document"),
        provenance=r.text("provenance"),
    )


def _layout(r: _Reader) -> ParkLayout:
    return ParkLayout(
        label=r.text("label"), document=r.text("document"), quote=r.text("quote"), note=r.text("note")
    )


def _park(r: _Reader) -> Park:
    kind = r.choice("kind", PARK_KINDS)
    tier = r.choice("tier", PARK_TIERS)
    assert kind is not None
    assert tier is not None
    return Park(
        key=r.text("key"),
        name=r.text("name"),
        kind=kind,
        kind_zh=r.text("kind_zh"),
        tier=tier,
        tier_zh=r.text("tier_zh"),
        bonded=r.flag("bonded"),
        document=r.text("document"),
        quote=r.text("quote"),
        note=r.opt_text("note"),
    )


def _target(r: _Reader, documents: Mapping[str, str]) -> Target:
    document = r.text("document")
    _known(r.where, document, documents)
    value = r.opt_decimal("value")
    unit = r.choice("unit", UNITS, optional=True)
    comparison = r.choice("comparison", COMPARISONS, optional=True)
    if (value is None) != (unit is None) or (value is None) != (comparison is None):
        raise ZoneFileError(f"{r.where}: value, unit and comparison are given together or not at all")
    note = r.opt_text("note")
    year, deadline = r.opt_int("year"), r.opt_date("deadline")
    if (value is None or (year is None and deadline is None)) and note is None:
        raise ZoneFileError(f"{r.where}: a target without a figure or a date needs a note saying why")
    return Target(
        key=r.text("key"),
        metric=r.text("metric"),
        label_zh=r.text("label_zh"),
        label_en=r.text("label_en"),
        value=value,
        unit=unit,
        comparison=comparison,
        year=year,
        from_year=r.opt_int("from_year"),
        deadline=deadline,
        when_zh=r.opt_text("when_zh"),
        document=document,
        source=documents[document],
        section=r.text("section"),
        quote=r.text("quote"),
        note=note,
    )
