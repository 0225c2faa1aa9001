"""Which declarations are inspected: mandatory, targeted or random (pure and reproducible).

Formula (values in ``parameters/sampling.yaml``, dated; regulation.md §4.1)::

    base     = base_rates[trade_mode][direction]      (default_base_rate when not listed)
    routine  = min(cap, base × factor[grade])          (no grade → factor 1)
    routine  = min(routine, base × ceiling_ratio)      grades with a ceiling (高级认证企业: < 20% of average)
    routine  = max(routine, always_on_rate)            a small control sample that is always on
    routine  = max(routine, floor[grade])              grades with a floor (失信企业 80%, unverified for 251)

    mandatory  when the assessment's action is must_inspect   (probability 1)
    targeted   when the assessment's score ≥ targeted_threshold (probability 1)
    random     when draw < routine, draw = first 8 bytes of SHA-256("{seed}:{key}") / 2^64

The floor is applied after the cap so a dishonest enterprise is inspected at 80% even though the
cap is lower. The draw is the one of the clearance placeholder, so the same seed and key always
give the same decision.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from cbec.risk.params import PARAMETERS_DIR, RiskParameterError, dated_entry
from cbec.risk.scoring import RiskAssessment
from cbec.rules import load_yaml

__all__ = [
    "GradePolicy",
    "SamplingDecision",
    "SamplingParameters",
    "decide",
    "draw",
    "load_sampling_parameters",
    "routine_probability",
]

Path_ = Literal["mandatory", "targeted", "random"]
_ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class GradePolicy:
    """What a credit grade changes in the routine rate.

    Attributes:
        grade: the grade code (``advanced_certified``, ``other``, ``dishonest``).
        label: Chinese name.
        factor: multiplies the base rate.
        ceiling_ratio: the rate stays at or below ``base × ceiling_ratio``, when set.
        floor: the rate is at least this, when set.
        verified: False when the measure is not confirmed for the regulation in force.
        reference: where the measure comes from.
        note: what is not confirmed.
    """

    grade: str
    label: str
    factor: Decimal
    ceiling_ratio: Decimal | None = None
    floor: Decimal | None = None
    verified: bool = True
    reference: str = ""
    note: str | None = None


@dataclass(frozen=True, slots=True)
class SamplingParameters:
    """The sampling parameters in force on one day."""

    on: date
    cap: Decimal
    always_on_rate: Decimal
    targeted_threshold: Decimal
    default_base_rate: Decimal
    base_rates: Mapping[tuple[str, str], Decimal]
    grades: Mapping[str, GradePolicy]
    reference: str

    def base_rate(self, trade_mode: str, direction: str) -> Decimal:
        """Return the base rate of a trade mode and direction (the default when not listed)."""
        return self.base_rates.get((trade_mode, direction), self.default_base_rate)


@dataclass(frozen=True, slots=True)
class SamplingDecision:
    """Whether a declaration is inspected, by which path, and why.

    Attributes:
        inspect: whether it is inspected.
        path: ``mandatory``, ``targeted`` or ``random``; None when not inspected.
        probability: the probability it faced (1 for mandatory and targeted; the routine rate otherwise).
        explanation: Chinese and English text.
        routine_rate: the routine (random) rate for its trade mode, direction and grade.
        draw: the deterministic draw in [0, 1).
        verified: False when an unverified measure (e.g. the dishonest floor) set the rate.
    """

    inspect: bool
    path: Path_ | None
    probability: Decimal
    explanation: str
    routine_rate: Decimal
    draw: Decimal
    verified: bool = True


def _rate(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise RiskParameterError(f"{where} must be a number")
    result = Decimal(value)
    if not Decimal(0) <= result <= _ONE:
        raise RiskParameterError(f"{where} must lie in [0, 1]")
    return result


def _grade(name: str, data: Any, source: str) -> GradePolicy:
    where = f"{source}: grades.{name}"
    if not isinstance(data, Mapping) or "reference" not in data or "label" not in data:
        raise RiskParameterError(f"{where} needs `label`, `factor` and `reference`")
    factor = data.get("factor")
    if isinstance(factor, bool) or not isinstance(factor, Decimal | int) or factor < 0:
        raise RiskParameterError(f"{where}.factor must be a non-negative number")
    verified = data.get("verified", True)
    if verified is False and not data.get("note"):
        raise RiskParameterError(f"{where}: `verified: false` needs a `note`")
    return GradePolicy(
        grade=name,
        label=str(data["label"]),
        factor=Decimal(factor),
        ceiling_ratio=_rate(data["ceiling_ratio"], f"{where}.ceiling_ratio")
        if "ceiling_ratio" in data
        else None,
        floor=_rate(data["floor"], f"{where}.floor") if "floor" in data else None,
        verified=bool(verified),
        reference=str(data["reference"]),
        note=str(data["note"]) if data.get("note") else None,
    )


@functools.cache
def _document(path: Path) -> Any:
    return load_yaml(path)


def load_sampling_parameters(
    on: date, *, path: Path = PARAMETERS_DIR / "sampling.yaml"
) -> SamplingParameters:
    """Load the sampling parameters in force on a day.

    Raises:
        RiskParameterError: the file is malformed or has no entry in force.
    """
    source = str(path)
    data = _document(path)
    if not isinstance(data, Mapping) or "description" not in data or "description_en" not in data:
        raise RiskParameterError(f"{source}: needs `description`, `description_en` and `values`")
    entry = dated_entry(data.get("values"), on, source)
    rates: dict[tuple[str, str], Decimal] = {}
    raw_rates = entry.get("base_rates")
    if not isinstance(raw_rates, Mapping):
        raise RiskParameterError(f"{source}: `base_rates` must map trade modes to directions")
    for mode, by_direction in raw_rates.items():
        if not isinstance(by_direction, Mapping):
            raise RiskParameterError(f"{source}: base_rates.{mode} must map directions to rates")
        for direction, rate in by_direction.items():
            if direction not in ("import", "export"):
                raise RiskParameterError(f"{source}: base_rates.{mode}: unknown direction {direction!r}")
            rates[(str(mode), str(direction))] = _rate(rate, f"{source}: base_rates.{mode}.{direction}")
    raw_grades = entry.get("grades")
    if not isinstance(raw_grades, Mapping):
        raise RiskParameterError(f"{source}: `grades` must map grade codes to policies")
    reference = entry["reference"]
    cite = " ".join(str(reference.get(k)) for k in ("document", "title") if isinstance(reference, Mapping))
    return SamplingParameters(
        on=on,
        cap=_rate(entry.get("cap"), f"{source}: cap"),
        always_on_rate=_rate(entry.get("always_on_rate"), f"{source}: always_on_rate"),
        targeted_threshold=_rate(entry.get("targeted_threshold"), f"{source}: targeted_threshold"),
        default_base_rate=_rate(entry.get("default_base_rate"), f"{source}: default_base_rate"),
        base_rates=rates,
        grades={str(name): _grade(str(name), policy, source) for name, policy in raw_grades.items()},
        reference=cite,
    )


def draw(seed: int | str, key: str) -> Decimal:
    """Return the deterministic draw in [0, 1) of a declaration: SHA-256 of ``"{seed}:{key}"``.

    >>> draw(20260101, "ebp|order-1") == draw(20260101, "ebp|order-1")
    True
    """
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)


def routine_probability(
    trade_mode: str, direction: str, credit_grade: str | None, params: SamplingParameters
) -> tuple[Decimal, GradePolicy | None]:
    """Return the routine (random) inspection rate and the grade policy applied (None: no/unknown grade)."""
    base = params.base_rate(trade_mode, direction)
    policy = params.grades.get(credit_grade) if credit_grade is not None else None
    factor = policy.factor if policy is not None else _ONE
    rate = min(params.cap, base * factor)
    if policy is not None and policy.ceiling_ratio is not None:
        rate = min(rate, base * policy.ceiling_ratio)
    rate = max(rate, params.always_on_rate)
    if policy is not None and policy.floor is not None:
        rate = max(rate, policy.floor)
    return min(rate, _ONE), policy


def decide(
    declaration_key: str,
    *,
    trade_mode: str,
    direction: str,
    credit_grade: str | None,
    assessment: RiskAssessment | None,
    seed: int | str,
    params: SamplingParameters,
    credit_inspect: str | None = None,
) -> SamplingDecision:
    """Decide whether a declaration is inspected.

    Args:
        declaration_key: the key hashed for the random draw (``"ebpCode|orderNo"``).
        trade_mode: customs procedure code.
        direction: ``"import"`` or ``"export"``.
        credit_grade: the enterprise's grade code (see ``sampling.yaml``), None when unknown; an
            unlisted grade is treated as no grade and said so in the explanation.
        assessment: the risk assessment, None when none was made (random sampling only).
        seed: the sampling seed (reproducible decisions).
        params: the sampling parameters on the declaration's date.
        credit_inspect: set when a joint credit measure (cbec.credit.measures, ``orders: inspect``)
            sends every declaration of an enterprise to inspection: the measure's source, in words.

    Returns:
        The decision with its path, probability and explanation.
    """
    rate, policy = routine_probability(trade_mode, direction, credit_grade, params)
    value = draw(seed, declaration_key)
    base = params.base_rate(trade_mode, direction)
    grade_zh = grade_en = "无信用等级（系数1）/ no credit grade (factor 1)"
    if policy is not None:
        grade_zh = f"{policy.label}（系数{policy.factor}）"
        grade_en = f"{policy.grade} (factor {policy.factor})"
        if policy.floor is not None:
            flag = "" if policy.verified else "，未经核实 / unverified"
            grade_zh += f"，下限{policy.floor}{flag}"
            grade_en += f", floor {policy.floor}{'' if policy.verified else ' (unverified)'}"
        if policy.ceiling_ratio is not None:
            grade_zh += f"，上限为平均比例的{policy.ceiling_ratio}"
            grade_en += f", at most {policy.ceiling_ratio} of the average rate"
    elif credit_grade is not None:
        grade_zh = f"未知信用等级{credit_grade}，按无等级处理（系数1）"
        grade_en = f"unknown credit grade {credit_grade!r}, treated as no grade (factor 1)"
    routine_zh = f"常规布控比例{rate}（{trade_mode}/{direction}基础比例{base}；{grade_zh}）"
    routine_en = f"routine rate {rate} ({trade_mode}/{direction} base {base}; {grade_en})"
    verified = policy.verified if policy is not None else True
    path: Path_ | None
    if assessment is not None and assessment.must_inspect:
        rules = ", ".join(hit.rule_id for hit in assessment.hits if hit.action.value == "must_inspect")
        path, probability = "mandatory", _ONE
        text = f"必须查验：规则{rules}要求查验。/ Mandatory inspection: rule {rules} requires it."
        verified = True
    elif credit_inspect is not None:
        path, probability = "mandatory", _ONE
        text = (
            f"必须查验：信用联合惩戒措施（{credit_inspect}）。"
            f"/ Mandatory inspection: joint credit measure ({credit_inspect})."
        )
        verified = True
    elif assessment is not None and Decimal(str(assessment.score)) >= params.targeted_threshold:
        path, probability = "targeted", _ONE
        threshold = params.targeted_threshold
        text = (
            f"布控查验：风险评分{assessment.score:.2f} ≥ 阈值{threshold}。"
            f"/ Targeted inspection: risk score {assessment.score:.2f} ≥ threshold {threshold}."
        )
        verified = True
    elif value < rate:
        path, probability = "random", rate
        text = f"随机抽中：{routine_zh}。/ Randomly selected: {routine_en}."
    else:
        path, probability = None, rate
        text = f"未抽中，放行：{routine_zh}。/ Not selected: {routine_en}."
    return SamplingDecision(
        inspect=path is not None,
        path=path,
        probability=probability,
        explanation=text,
        routine_rate=rate,
        draw=value,
        verified=verified,
    )
