"""The composite credit rating (综合信用评价) as versioned data, and the pure function that applies it.

A rating model (``parameters/rating/*.yaml``) names dimensions and indicators, how each indicator's
value becomes points (normalisation), the weights, the grade cut-offs and the override rules, each
with its reference. :func:`rate` takes the archive's inputs (:data:`INPUTS`, gathered by
:mod:`cbec.credit.archive`) and a model and returns the score, the grade and an explanation of every
point: the same inputs and the same model version always give the same rating.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from cbec.rules.schema import ParameterSchemaError, load_yaml

RATING_DIR = Path(__file__).parent / "parameters" / "rating"

#: What the archive measures (cbec.credit.archive.gather produces exactly these), zh and en.
INPUTS: dict[str, tuple[str, str]] = {
    "customs_level": ("海关企业信用等级（在效）", "customs credit level in force"),
    "tax_level": ("纳税信用级别（在效）", "tax credit level in force"),
    "forex_class": ("货物贸易外汇管理分类（在效）", "forex class in force"),
    "abnormal_operation": ("列入经营异常名录（在效）", "on the abnormal-operations list"),
    "serious_violations": ("近期严重违法失信记录数", "serious violations in the window"),
    "court_dishonest_debtor": ("列入失信被执行人名单（在效）", "on the court dishonest-debtor list"),
    "third_party_rating": ("第三方信用评级（在效）", "third-party rating in force"),
    "black_listed": ("列入黑名单（在效）", "on the black list"),
    "red_listed": ("列入红名单（在效）", "on the red list"),
    "watch_listed": ("列入重点关注名单（在效）", "on the watch list"),
    "filing_status": ("备案状态", "filing status"),
    "orders_decided": ("窗口期内参与的已审结清单数", "orders decided in the window"),
    "orders_released": ("窗口期内参与的已放行清单数", "orders released in the window"),
    "refusal_rate": ("退单率", "refusal rate"),
    "returns_rate": ("退货率", "returns rate"),
    "records_sent": ("窗口期内发送的单证数", "records sent in the window"),
    "data_error_rate": ("报文差错率", "data-quality error rate"),
    "inspection_findings": ("窗口期内查验发现问题次数", "inspection findings in the window"),
    "revenue_found": ("窗口期内查验补税金额（元）", "revenue found in the window (CNY)"),
    "smuggling_findings": (
        "窗口期内查验扣留移送缉私次数",
        "inspections handed to anti-smuggling in the window",
    ),
}

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class RatingModelError(ParameterSchemaError):
    """A rating model file does not follow the schema (every problem is listed)."""


@dataclass(frozen=True, slots=True)
class Normalisation:
    """How a value becomes points in [0, 100]: a map of values, or linear from best to worst."""

    kind: Literal["map", "linear"]
    points: Mapping[str, Decimal]
    best: Decimal = Decimal(0)
    worst: Decimal = Decimal(0)

    def apply(self, value: Any) -> Decimal | None:
        """Points for ``value``; None when a map does not list the value."""
        if self.kind == "map":
            return self.points.get(canonical(value))
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None  # not a number: scored as missing, and said so
        if self.best == self.worst:
            return _HUNDRED if number <= self.best else Decimal(0)
        share = (number - self.best) / (self.worst - self.best)  # 0 at best, 1 at worst
        return _HUNDRED * (1 - min(max(share, Decimal(0)), Decimal(1)))


@dataclass(frozen=True, slots=True)
class Condition:
    """``input`` equals / is in / is at least ``operand``."""

    input: str
    op: Literal["equals", "in", "at_least"]
    operand: Any

    def holds(self, inputs: Mapping[str, Any]) -> bool:
        value = inputs.get(self.input)
        if value is None:
            return False
        if self.op == "equals":
            return canonical(value) == canonical(self.operand)
        if self.op == "in":
            return canonical(value) in {canonical(v) for v in self.operand}
        return Decimal(str(value)) >= Decimal(str(self.operand))

    def describe(self) -> str:
        return f"{self.input} {self.op} {self.operand}"


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    label: str
    label_en: str
    input: str
    weight: Decimal
    normalise: Normalisation
    missing: Decimal
    requires: Condition | None
    reference: str


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    label: str
    label_en: str
    weight: Decimal
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class Grade:
    code: str
    min: Decimal
    label: str
    label_en: str


@dataclass(frozen=True, slots=True)
class Override:
    id: str
    label: str
    label_en: str
    when: Condition
    action: Literal["set", "cap", "floor"]
    grade: str
    reference: str


@dataclass(frozen=True, slots=True)
class RatingModel:
    version: str
    effective_from: date
    title: str
    title_en: str
    approved_by: str
    window_days: int
    dimensions: tuple[Dimension, ...]
    grades: tuple[Grade, ...]  # best first
    overrides: tuple[Override, ...]
    sha256: str
    source: str

    def grade(self, code: str) -> Grade:
        return next(g for g in self.grades if g.code == code)

    def rank(self, code: str) -> int:
        """0 for the best grade, growing as grades get worse."""
        return [g.code for g in self.grades].index(code)


def canonical(value: Any) -> str:
    """The text form values are compared in (``True`` → ``"true"``, ``Decimal('1.0')`` → ``"1.0"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------------------------
# Reading a model file


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.items.append(f"{where}: {text}")


def _text(node: Mapping[str, Any], key: str, where: str, problems: Problems) -> str:
    value = node.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(where, f"`{key}` must be non-empty text")
        return ""
    return value


def _number(node: Mapping[str, Any], key: str, where: str, problems: Problems) -> Decimal:
    value = node.get(key)
    try:
        if isinstance(value, bool) or value is None:
            raise InvalidOperation
        return Decimal(str(value))
    except InvalidOperation:
        problems.add(where, f"`{key}` must be a number")
        return Decimal(0)


def parse_condition(node: Any, where: str, problems: Problems) -> Condition | None:
    if not isinstance(node, Mapping) or not isinstance(node.get("input"), str):
        problems.add(where, "a condition is {input: NAME, equals|in|at_least: VALUE}")
        return None
    name = node["input"]
    if name not in INPUTS:
        problems.add(where, f"unknown input {name!r} (known: {', '.join(sorted(INPUTS))})")
    ops = [op for op in ("equals", "in", "at_least") if op in node]
    if len(ops) != 1 or set(node) - {"input", *ops}:
        problems.add(where, "exactly one of equals, in, at_least")
        return None
    op = ops[0]
    operand = node[op]
    if op == "in" and not isinstance(operand, list):
        problems.add(where, "`in` takes a list")
        return None
    return Condition(name, op, operand)  # type: ignore[arg-type]


def _normalisation(node: Any, where: str, problems: Problems) -> Normalisation:
    if isinstance(node, Mapping) and isinstance(node.get("map"), Mapping) and len(node) == 1:
        points: dict[str, Decimal] = {}
        for key, value in node["map"].items():
            amount = _number({"p": value}, "p", f"{where}.map.{key}", problems)
            if not Decimal(0) <= amount <= _HUNDRED:
                problems.add(f"{where}.map.{key}", "points must be within 0–100")
            points[canonical(key)] = amount
        return Normalisation("map", points)
    if isinstance(node, Mapping) and isinstance(node.get("linear"), Mapping) and len(node) == 1:
        spec = node["linear"]
        return Normalisation(
            "linear",
            {},
            best=_number(spec, "best", f"{where}.linear", problems),
            worst=_number(spec, "worst", f"{where}.linear", problems),
        )
    problems.add(where, "normalise is {map: {value: points}} or {linear: {best: X, worst: Y}}")
    return Normalisation("map", {})


def _weights_sum_to_one(weights: Sequence[Decimal], where: str, problems: Problems) -> None:
    if any(not Decimal(0) <= w <= 1 for w in weights):
        problems.add(where, "every weight must be within 0–1")
    if weights and sum(weights, Decimal(0)) != 1:
        problems.add(where, f"weights sum to {sum(weights, Decimal(0))}, not 1")


def _indicator(node: Any, where: str, problems: Problems) -> Indicator | None:
    if not isinstance(node, Mapping):
        problems.add(where, "an indicator is a mapping")
        return None
    name = _text(node, "input", where, problems)
    if name and name not in INPUTS:
        problems.add(where, f"unknown input {name!r}")
    missing = _number(node, "missing", where, problems)
    if not Decimal(0) <= missing <= _HUNDRED:
        problems.add(where, "`missing` points must be within 0–100")
    requires = node.get("requires")
    return Indicator(
        id=_text(node, "id", where, problems),
        label=_text(node, "label", where, problems),
        label_en=_text(node, "label_en", where, problems),
        input=name,
        weight=_number(node, "weight", where, problems),
        normalise=_normalisation(node.get("normalise"), f"{where}.normalise", problems),
        missing=missing,
        requires=parse_condition(requires, f"{where}.requires", problems) if requires is not None else None,
        reference=_text(node, "reference", where, problems),
    )


def _dimension(node: Any, where: str, problems: Problems) -> Dimension | None:
    if not isinstance(node, Mapping) or not isinstance(node.get("indicators"), list):
        problems.add(where, "a dimension is a mapping with a list of `indicators`")
        return None
    indicators = []
    for i, item in enumerate(node["indicators"]):
        indicator = _indicator(item, f"{where}.indicators[{i}]", problems)
        if indicator is not None:
            indicators.append(indicator)
    _weights_sum_to_one([x.weight for x in indicators], f"{where}.indicators", problems)
    return Dimension(
        id=_text(node, "id", where, problems),
        label=_text(node, "label", where, problems),
        label_en=_text(node, "label_en", where, problems),
        weight=_number(node, "weight", where, problems),
        indicators=tuple(indicators),
    )


def parse_model(document: Any, *, source: str, sha256: str = "") -> RatingModel:
    """Check a rating model document and build it; every problem is reported at once.

    Raises:
        RatingModelError: the document does not follow the schema.
    """
    problems = Problems()
    if not isinstance(document, Mapping):
        raise RatingModelError(source, ["the model is a mapping"])
    effective = document.get("effective_from")
    if not isinstance(effective, date) or isinstance(effective, datetime):
        problems.add("effective_from", "must be a date (YYYY-MM-DD)")
        effective = date.min
    window = document.get("window_days")
    if (
        isinstance(window, bool)
        or not isinstance(window, int | Decimal)
        or int(window) != window
        or int(window) <= 0
    ):
        problems.add("window_days", "must be a positive whole number of days")
        window = 1
    dimensions = []
    for i, item in enumerate(document.get("dimensions") or []):
        dimension = _dimension(item, f"dimensions[{i}]", problems)
        if dimension is not None:
            dimensions.append(dimension)
    if not dimensions:
        problems.add("dimensions", "at least one dimension")
    _weights_sum_to_one([d.weight for d in dimensions], "dimensions", problems)
    ids = [f"{d.id}.{x.id}" for d in dimensions for x in d.indicators]
    if len(ids) != len(set(ids)) or len({d.id for d in dimensions}) != len(dimensions):
        problems.add("dimensions", "dimension or indicator ids repeat")
    grades = []
    for i, item in enumerate(document.get("grades") or []):
        where = f"grades[{i}]"
        if not isinstance(item, Mapping):
            problems.add(where, "a grade is a mapping")
            continue
        grades.append(
            Grade(
                code=_text(item, "code", where, problems),
                min=_number(item, "min", where, problems),
                label=_text(item, "label", where, problems),
                label_en=_text(item, "label_en", where, problems),
            )
        )
    grades.sort(key=lambda g: g.min, reverse=True)
    if not grades or grades[-1].min != 0:
        problems.add("grades", "the lowest grade must start at 0, so that every score has a grade")
    if len({g.min for g in grades}) != len(grades) or len({g.code for g in grades}) != len(grades):
        problems.add("grades", "grade codes and cut-offs must be distinct")
    codes = {g.code for g in grades}
    overrides = []
    for i, item in enumerate(document.get("overrides") or []):
        where = f"overrides[{i}]"
        if not isinstance(item, Mapping):
            problems.add(where, "an override is a mapping")
            continue
        actions = [a for a in ("set", "cap", "floor") if a in item]
        if len(actions) != 1 or not isinstance(item[actions[0]], str) or item[actions[0]] not in codes:
            problems.add(where, "exactly one of set, cap, floor naming a grade of the model")
            continue
        when = parse_condition(item.get("when"), f"{where}.when", problems)
        if when is None:
            continue
        overrides.append(
            Override(
                id=_text(item, "id", where, problems),
                label=_text(item, "label", where, problems),
                label_en=_text(item, "label_en", where, problems),
                when=when,
                action=actions[0],  # type: ignore[arg-type]
                grade=str(item[actions[0]]),
                reference=_text(item, "reference", where, problems),
            )
        )
    version = document.get("version")
    if not isinstance(version, str) or not version:
        problems.add("version", 'must be text, e.g. "2026.1"')
        version = ""
    title = _text(document, "title", "title", problems)
    title_en = _text(document, "title_en", "title_en", problems)
    approved_by = _text(document, "approved_by", "approved_by", problems)
    if problems.items:
        raise RatingModelError(source, problems.items)
    return RatingModel(
        version=version,
        effective_from=effective,
        title=title,
        title_en=title_en,
        approved_by=approved_by,
        window_days=int(window),
        dimensions=tuple(dimensions),
        grades=tuple(grades),
        overrides=tuple(overrides),
        sha256=sha256,
        source=source,
    )


def load_model(path: Path) -> RatingModel:
    """Read and check one model file."""
    data = path.read_bytes()
    return parse_model(load_yaml(path), source=str(path), sha256=hashlib.sha256(data).hexdigest())


@functools.cache
def models(directory: Path = RATING_DIR) -> tuple[RatingModel, ...]:
    """Every model version in ``directory``, oldest effective first."""
    found = tuple(sorted((load_model(p) for p in directory.glob("*.yaml")), key=lambda m: m.effective_from))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise RatingModelError(str(directory), ["two files carry the same version"])
    starts = [m.effective_from for m in found]
    if len(starts) != len(set(starts)):
        raise RatingModelError(str(directory), ["two versions take effect on the same day"])
    return found


def model_for(day: date, directory: Path = RATING_DIR) -> RatingModel:
    """The model version active on ``day`` (the latest whose ``effective_from`` is on or before it)."""
    active = [m for m in models(directory) if m.effective_from <= day]
    if not active:
        raise RatingModelError(str(directory), [f"no rating model is active on {day.isoformat()}"])
    return active[-1]


def model_version(version: str, directory: Path = RATING_DIR) -> RatingModel:
    """One model version by its name (to reproduce a past rating)."""
    for model in models(directory):
        if model.version == version:
            return model
    raise RatingModelError(str(directory), [f"no rating model version {version!r}"])


# ---------------------------------------------------------------------------------------------
# Applying a model


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator's part in a score."""

    dimension: str
    indicator: str
    label: str
    label_en: str
    value: str | None
    points: Decimal
    weight: Decimal  # the dimension's weight × the indicator's weight
    contribution: Decimal  # points × weight
    note: str  # zh
    note_en: str
    reference: str


@dataclass(frozen=True, slots=True)
class AppliedOverride:
    id: str
    label: str
    label_en: str
    before: str
    after: str
    reference: str


@dataclass(frozen=True, slots=True)
class Rating:
    """A score, its grade and why."""

    model_version: str
    score: Decimal
    base_grade: str  # from the cut-offs alone
    grade: str  # after the overrides
    grade_label: str
    grade_label_en: str
    indicators: tuple[IndicatorScore, ...]
    overrides: tuple[AppliedOverride, ...]


def _indicator_points(indicator: Indicator, inputs: Mapping[str, Any]) -> tuple[Decimal, str, str]:
    value = inputs.get(indicator.input)
    if indicator.requires is not None and not indicator.requires.holds(inputs):
        need = indicator.requires
        return (
            indicator.missing,
            f"数据不足（需{need.describe()}），按{indicator.missing}分计",
            f"not enough data ({need.describe()} not met): {indicator.missing} points",
        )
    if value is None:
        return indicator.missing, f"无数据，按{indicator.missing}分计", f"no data: {indicator.missing} points"
    points = indicator.normalise.apply(value)
    if points is None:
        return (
            indicator.missing,
            f"取值{canonical(value)}未在模型中列明，按{indicator.missing}分计",
            f"value {canonical(value)!r} not in the model's map: {indicator.missing} points",
        )
    if indicator.normalise.kind == "linear":
        n = indicator.normalise
        return points, f"最优{n.best}得100分，最差{n.worst}得0分", f"best {n.best} → 100, worst {n.worst} → 0"
    return points, "按模型取值表", "from the model's table"


def _applied(override: Override, before: str, after: str) -> AppliedOverride:
    return AppliedOverride(override.id, override.label, override.label_en, before, after, override.reference)


def rate(inputs: Mapping[str, Any], model: RatingModel) -> Rating:
    """Score an enterprise from its archive inputs with one model version (pure and reproducible)."""
    rows = []
    for dimension in model.dimensions:
        for indicator in dimension.indicators:
            points, note, note_en = _indicator_points(indicator, inputs)
            points = points.quantize(_CENT, ROUND_HALF_UP)
            weight = dimension.weight * indicator.weight
            value = inputs.get(indicator.input)
            rows.append(
                IndicatorScore(
                    dimension=dimension.id,
                    indicator=indicator.id,
                    label=indicator.label,
                    label_en=indicator.label_en,
                    value=None if value is None else canonical(value),
                    points=points,
                    weight=weight,
                    contribution=(points * weight).quantize(_CENT, ROUND_HALF_UP),
                    note=note,
                    note_en=note_en,
                    reference=indicator.reference,
                )
            )
    score = sum((r.points * r.weight for r in rows), Decimal(0)).quantize(_CENT, ROUND_HALF_UP)
    base = next(g.code for g in model.grades if score >= g.min)
    grade = base
    applied: list[AppliedOverride] = []
    holding = [o for o in model.overrides if o.when.holds(inputs)]
    for action in ("floor", "cap"):
        for override in (o for o in holding if o.action == action):
            before = grade
            now, target = model.rank(grade), model.rank(override.grade)
            if (action == "floor" and now > target) or (action == "cap" and now < target):
                grade = override.grade
            applied.append(_applied(override, before, grade))
    sets = [o for o in holding if o.action == "set"]
    if sets:  # of several, the lowest grade wins
        before, grade = grade, max((o.grade for o in sets), key=model.rank)
        applied.extend(_applied(o, before, grade) for o in sets)
    final = model.grade(grade)
    return Rating(
        model_version=model.version,
        score=score,
        base_grade=base,
        grade=grade,
        grade_label=final.label,
        grade_label_en=final.label_en,
        indicators=tuple(rows),
        overrides=tuple(applied),
    )


def explain(rating: Rating, *, lang: str = "zh") -> list[str]:
    """One line per indicator and override, then the result, in Chinese or English."""
    en = lang == "en"
    lines = []
    for row in rating.indicators:
        label = row.label_en if en else row.label
        value = row.value if row.value is not None else ("none" if en else "无")
        note = row.note_en if en else row.note
        lines.append(f"{label}: {value} → {row.points} × {row.weight} = {row.contribution} ({note})")
    for o in rating.overrides:
        label = o.label_en if en else o.label
        lines.append(f"{'override' if en else '调整'} {o.id}: {label} ({o.before} → {o.after})")
    result = "score" if en else "得分"
    label = rating.grade_label_en if en else rating.grade_label
    lines.append(f"{result} {rating.score} → {rating.grade} {label} (model {rating.model_version})")
    return lines


def rating_out(rating: Rating) -> dict[str, Any]:
    """JSON form of a rating (stored with the score and served by the API)."""
    return {
        "model_version": rating.model_version,
        "score": str(rating.score),
        "base_grade": rating.base_grade,
        "grade": rating.grade,
        "grade_label": rating.grade_label,
        "grade_label_en": rating.grade_label_en,
        "indicators": [
            {
                "dimension": r.dimension,
                "indicator": r.indicator,
                "label": r.label,
                "label_en": r.label_en,
                "value": r.value,
                "points": str(r.points),
                "weight": str(r.weight),
                "contribution": str(r.contribution),
                "note": r.note,
                "note_en": r.note_en,
                "reference": r.reference,
            }
            for r in rating.indicators
        ],
        "overrides": [
            {
                "id": o.id,
                "label": o.label,
                "label_en": o.label_en,
                "before": o.before,
                "after": o.after,
                "reference": o.reference,
            }
            for o in rating.overrides
        ],
    }
