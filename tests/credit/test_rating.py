"""The composite credit rating: the shipped model file, normalisation, weights and cut-offs read from the
file, overrides, reproducibility, model errors, versions by date, a monotonicity property and the
bilingual explanation. Expected scores are worked out by hand from the numbers of ``v2026.1.yaml``."""

from __future__ import annotations

import json
from copy import deepcopy
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbec.credit.rating import (
    INPUTS,
    RATING_DIR,
    IndicatorScore,
    Rating,
    RatingModel,
    RatingModelError,
    explain,
    load_model,
    model_for,
    model_version,
    models,
    parse_model,
    rate,
    rating_out,
)
from cbec.rules.schema import ParameterSchemaError

SHIPPED = RATING_DIR / "v2026.1.yaml"
MODEL = load_model(SHIPPED)

#: A mid-range enterprise; its score is worked out by hand in ``test_hand_computed_score``.
MIDDLING: dict[str, Any] = {
    "customs_level": "certified",  # 90
    "tax_level": "B",  # 80
    "forex_class": None,  # missing: 80
    "abnormal_operation": False,  # 100
    "court_dishonest_debtor": False,  # 100
    "third_party_rating": "AA",  # 90
    "serious_violations": 0,
    "black_listed": False,
    "red_listed": False,
    "watch_listed": False,
    "filing_status": "active",
    "orders_decided": 100,
    "orders_released": 50,
    "refusal_rate": "0.05",  # (0.05-0.02)/(0.20-0.02) = 1/6 → 83.33
    "returns_rate": "0.115",  # (0.115-0.03)/(0.20-0.03) = 1/2 → 50
    "records_sent": 100,
    "data_error_rate": "0.04",  # (0.04-0.01)/(0.10-0.01) = 1/3 → 66.67
    "inspection_findings": 1,  # 1/5 → 80
    "revenue_found": "2500",  # 2500/10000 → 75
}

#: The best value of every input.
BEST: dict[str, Any] = {
    **MIDDLING,
    "customs_level": "advanced_certified",
    "tax_level": "A",
    "forex_class": "A",
    "third_party_rating": "AAA",
    "refusal_rate": "0.01",
    "returns_rate": "0",
    "data_error_rate": "0",
    "inspection_findings": 0,
    "revenue_found": "0",
}

#: A weak enterprise scoring grade C (worked out in ``test_hand_computed_grade_c``).
WEAK: dict[str, Any] = {
    **MIDDLING,
    "customs_level": "regular",  # 70
    "tax_level": "C",  # 40
    "forex_class": "B",  # 50
    "abnormal_operation": True,  # 20
    "third_party_rating": "BB",  # 55
    "orders_released": 100,
    "refusal_rate": "0.20",  # worst → 0
    "data_error_rate": "0.10",  # worst → 0
    "returns_rate": "0.20",  # worst → 0
    "inspection_findings": 0,  # 100
    "revenue_found": "0",  # 100
}


def row(rating: Rating, indicator: str) -> IndicatorScore:
    return next(r for r in rating.indicators if r.indicator == indicator)


def edited_model(directory: Path, edits: list[tuple[str, str]], name: str = "model.yaml") -> Path:
    """Copy the shipped model into ``directory`` with each text ``old`` (found exactly once) → ``new``."""
    text = SHIPPED.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def small_document() -> dict[str, Any]:
    """A valid one-dimension model document, as load_yaml would return it (numbers as Decimal)."""
    return {
        "version": "t.1",
        "effective_from": date(2025, 1, 1),
        "title": "测试模型",
        "title_en": "test model",
        "approved_by": "tests",
        "window_days": Decimal(365),
        "dimensions": [
            {
                "id": "customs",
                "label": "海关",
                "label_en": "customs",
                "weight": Decimal(1),
                "indicators": [
                    {
                        "id": "customs_level",
                        "label": "海关等级",
                        "label_en": "customs level",
                        "input": "customs_level",
                        "weight": Decimal(1),
                        "normalise": {"map": {"advanced_certified": Decimal(100), "regular": Decimal(60)}},
                        "missing": Decimal(50),
                        "reference": "ref",
                    }
                ],
            }
        ],
        "grades": [
            {"code": "A", "min": Decimal(85), "label": "优", "label_en": "excellent"},
            {"code": "B", "min": Decimal(70), "label": "良", "label_en": "good"},
            {"code": "C", "min": Decimal(50), "label": "中", "label_en": "watch"},
            {"code": "D", "min": Decimal(0), "label": "差", "label_en": "poor"},
        ],
        "overrides": [],
    }


def override(oid: str, when: dict[str, Any], **action: str) -> dict[str, Any]:
    return {"id": oid, "label": oid, "label_en": oid, "when": when, **action, "reference": "ref"}


# ---------------------------------------------------------------------------------------------
# 1. The shipped model


def test_shipped_model_loads_with_its_numbers() -> None:
    assert MODEL.version == "2026.1"
    assert MODEL.effective_from == date(2021, 11, 1)
    assert MODEL.window_days == 365
    assert sum(d.weight for d in MODEL.dimensions) == 1
    assert {d.id: d.weight for d in MODEL.dimensions} == {
        "customs": Decimal("0.30"),
        "tax": Decimal("0.20"),
        "forex": Decimal("0.10"),
        "market": Decimal("0.15"),
        "behaviour": Decimal("0.25"),
    }
    for dimension in MODEL.dimensions:
        assert sum(x.weight for x in dimension.indicators) == 1, dimension.id
        for indicator in dimension.indicators:
            assert indicator.input in INPUTS
            assert indicator.reference.strip()
            if indicator.requires is not None:
                assert indicator.requires.input in INPUTS
    assert [(g.code, g.min) for g in MODEL.grades] == [
        ("A", Decimal(85)),
        ("B", Decimal(70)),
        ("C", Decimal(50)),
        ("D", Decimal(0)),
    ]
    assert MODEL.overrides
    for o in MODEL.overrides:
        assert o.reference.strip()
        assert o.when.input in INPUTS
        assert o.grade in {g.code for g in MODEL.grades}
    assert len(MODEL.sha256) == 64
    assert MODEL.source == str(SHIPPED)


def test_shipped_directory_holds_the_shipped_model() -> None:
    assert model_version("2026.1") == MODEL
    assert model_for(MODEL.effective_from) == MODEL


# ---------------------------------------------------------------------------------------------
# 2. Indicators


def test_map_normalisation() -> None:
    rating = rate({**MIDDLING, "customs_level": "advanced_certified", "tax_level": "D"}, MODEL)
    assert row(rating, "customs_level").points == 100
    assert row(rating, "customs_level").note_en == "from the model's table"
    assert row(rating, "tax_level").points == 0
    assert row(rating, "abnormal_operation").points == 100  # False matches the "false" key
    assert row(rate({**MIDDLING, "abnormal_operation": True}, MODEL), "abnormal_operation").points == 20
    assert (
        row(rate({**MIDDLING, "court_dishonest_debtor": True}, MODEL), "court_dishonest_debtor").points == 0
    )


@pytest.mark.parametrize(
    ("rate_value", "points"),
    [
        ("0.02", Decimal(100)),  # best
        ("0", Decimal(100)),  # better than best
        ("0.11", Decimal(50)),  # halfway
        ("0.20", Decimal(0)),  # worst
        ("0.9", Decimal(0)),  # beyond worst
        (Decimal("0.065"), Decimal(75)),  # a quarter of the way
    ],
)
def test_linear_normalisation(rate_value: Any, points: Decimal) -> None:
    score = row(rate({**MIDDLING, "refusal_rate": rate_value}, MODEL), "refusal_rate")
    assert score.points == points
    assert "best 0.02 → 100, worst 0.20 → 0" in score.note_en


def test_missing_value_scores_the_missing_points_and_says_so() -> None:
    rating = rate({**MIDDLING, "customs_level": None, "tax_level": None}, MODEL)
    customs = row(rating, "customs_level")
    assert customs.points == 60
    assert customs.value is None
    assert customs.note_en == "no data: 60 points"
    assert "无数据" in customs.note and "60" in customs.note
    # an input that is absent altogether counts as missing too
    absent = {k: v for k, v in MIDDLING.items() if k != "forex_class"}
    forex = row(rate(absent, MODEL), "forex_class")
    assert forex.points == 80
    assert "no data" in forex.note_en


def test_requires_not_met_scores_the_missing_points_even_with_a_rate() -> None:
    short = rate({**MIDDLING, "orders_decided": 19, "refusal_rate": "0.02"}, MODEL)
    refusal = row(short, "refusal_rate")
    assert refusal.points == 70  # not 100
    assert refusal.value == "0.02"
    assert "not enough data" in refusal.note_en
    assert "orders_decided at_least 20" in refusal.note_en
    assert "数据不足" in refusal.note
    assert (
        row(rate({**MIDDLING, "orders_decided": None, "refusal_rate": "0.02"}, MODEL), "refusal_rate").points
        == 70
    )
    # at the threshold the rate counts
    assert (
        row(rate({**MIDDLING, "orders_decided": 20, "refusal_rate": "0.02"}, MODEL), "refusal_rate").points
        == 100
    )


def test_value_not_in_the_map_scores_the_missing_points() -> None:
    customs = row(rate({**MIDDLING, "customs_level": "platinum"}, MODEL), "customs_level")
    assert customs.points == 60
    assert "platinum" in customs.note_en
    assert "not in the model's map" in customs.note_en
    assert "platinum" in customs.note


# ---------------------------------------------------------------------------------------------
# Hand-computed scores


def test_hand_computed_score() -> None:
    # customs 0.30 × 90 = 27; tax 0.20 × 80 = 16; forex 0.10 × 80 (missing) = 8
    # market 0.15 × (0.4×100 + 0.3×100 + 0.3×90) = 0.15 × 97 = 14.55
    # behaviour 0.25 × (0.25×83.33 + 0.20×66.67 + 0.15×50 + 0.25×80 + 0.15×75)
    #         = 0.25 × (20.8325 + 13.334 + 7.5 + 20 + 11.25) = 0.25 × 72.9165 = 18.229125
    # score = 83.779125 → 83.78, grade B (70 ≤ 83.78 < 85)
    rating = rate(MIDDLING, MODEL)
    assert row(rating, "refusal_rate").points == Decimal("83.33")
    assert row(rating, "data_error_rate").points == Decimal("66.67")
    assert row(rating, "returns_rate").points == Decimal(50)
    assert row(rating, "inspection_findings").points == Decimal(80)
    assert row(rating, "revenue_found").points == Decimal(75)
    assert row(rating, "refusal_rate").weight == Decimal("0.0625")
    assert rating.score == Decimal("83.78")
    assert rating.base_grade == rating.grade == "B"
    assert rating.grade_label == "诚信良好"
    assert rating.grade_label_en == "good"
    assert rating.overrides == ()
    assert rating.model_version == "2026.1"


def test_hand_computed_grade_c() -> None:
    # customs 0.30 × 70 = 21; tax 0.20 × 40 = 8; forex 0.10 × 50 = 5
    # market 0.15 × (0.4×20 + 0.3×100 + 0.3×55) = 0.15 × 54.5 = 8.175
    # behaviour 0.25 × (0 + 0 + 0 + 0.25×100 + 0.15×100) = 0.25 × 40 = 10
    # score = 52.175 → 52.18 (half up), grade C
    rating = rate(WEAK, MODEL)
    assert rating.score == Decimal("52.18")
    assert rating.grade == "C"
    assert rating.overrides == ()


def test_best_and_empty_inputs() -> None:
    assert rate(BEST, MODEL).score == 100
    assert rate(BEST, MODEL).grade == "A"
    # every indicator at its missing points:
    # 0.30×60 + 0.20×60 + 0.10×80 + 0.15×(0.4×100 + 0.3×100 + 0.3×70)
    # + 0.25×(0.25×70 + 0.20×70 + 0.15×70 + 0.25×100 + 0.15×100) = 18 + 12 + 8 + 13.65 + 20.5 = 72.15
    empty = rate({}, MODEL)
    assert empty.score == Decimal("72.15")
    assert empty.grade == "B"
    assert all(r.value is None for r in empty.indicators)


# ---------------------------------------------------------------------------------------------
# 3. Weights and cut-offs come from the file


def test_dimension_weights_come_from_the_file(tmp_path: Path) -> None:
    path = edited_model(
        tmp_path,
        [
            ("label_en: customs credit\n    weight: 0.30", "label_en: customs credit\n    weight: 0.25"),
            (
                "label_en: behaviour on the platform\n    weight: 0.25",
                "label_en: behaviour on the platform\n    weight: 0.30",
            ),
        ],
    )
    changed = load_model(path)
    assert {d.id: d.weight for d in changed.dimensions}["customs"] == Decimal("0.25")
    assert changed.sha256 != MODEL.sha256
    # customs loses 0.05 × 90 = 4.5; behaviour gains 0.05 × 72.9165 = 3.645825
    # 83.779125 - 4.5 + 3.645825 = 82.92495 → 82.92
    assert rate(MIDDLING, changed).score == Decimal("82.92")


def test_indicator_weights_come_from_the_file(tmp_path: Path) -> None:
    market = next(d for d in MODEL.dimensions if d.id == "market")
    weights = {x.id: x.weight for x in market.indicators}
    path = edited_model(
        tmp_path,
        [
            (
                "input: abnormal_operation\n        weight: 0.4",
                "input: abnormal_operation\n        weight: 0.3",
            ),
            (
                "input: third_party_rating\n        weight: 0.3",
                "input: third_party_rating\n        weight: 0.4",
            ),
        ],
    )
    changed = load_model(path)
    before, after = rate(MIDDLING, MODEL), rate(MIDDLING, changed)
    # 0.1 of the market weight moves from abnormal_operation (100 points) to third_party_rating (90)
    delta = market.weight * Decimal("0.1") * (Decimal(90) - Decimal(100))
    assert delta == Decimal("-0.15")
    assert after.score == before.score + delta == Decimal("83.63")
    assert row(after, "third_party_rating").weight == market.weight * (
        weights["third_party_rating"] + Decimal("0.1")
    )


def test_cut_offs_come_from_the_file(tmp_path: Path) -> None:
    assert rate(MIDDLING, MODEL).grade == "B"
    lowered = load_model(edited_model(tmp_path / "a", [("{code: A, min: 85,", "{code: A, min: 83.78,")]))
    assert rate(MIDDLING, lowered).score == Decimal("83.78")
    assert rate(MIDDLING, lowered).grade == "A"  # the cut-off is reached exactly
    just_above = load_model(edited_model(tmp_path / "b", [("{code: A, min: 85,", "{code: A, min: 83.79,")]))
    assert rate(MIDDLING, just_above).grade == "B"
    raised = load_model(edited_model(tmp_path / "c", [("{code: C, min: 50,", "{code: C, min: 52.5,")]))
    assert rate(WEAK, raised).grade == "D"  # 52.18 no longer reaches C
    assert rate(WEAK, raised).grade_label_en == "poor"


# ---------------------------------------------------------------------------------------------
# 4. Overrides


def test_black_list_sets_d_whatever_the_score() -> None:
    rating = rate({**BEST, "black_listed": True}, MODEL)
    assert rating.score == 100
    assert rating.base_grade == "A"
    assert rating.grade == "D"
    assert rating.grade_label == "信用较差"
    assert [(o.id, o.before, o.after) for o in rating.overrides] == [("black_list", "A", "D")]
    assert rating.overrides[0].reference


def test_red_list_floor_raises_c_to_b() -> None:
    rating = rate({**WEAK, "red_listed": True}, MODEL)
    assert rating.score == Decimal("52.18")
    assert (rating.base_grade, rating.grade) == ("C", "B")
    assert [(o.id, o.before, o.after) for o in rating.overrides] == [("red_list", "C", "B")]


def test_red_list_floor_does_not_lower_a() -> None:
    rating = rate({**BEST, "red_listed": True}, MODEL)
    assert rating.grade == "A"
    assert [(o.id, o.before, o.after) for o in rating.overrides] == [("red_list", "A", "A")]


def test_customs_dishonest_caps_at_c() -> None:
    # customs 0.30 × 20 = 6 instead of 30: 100 - 24 = 76 → B, capped to C
    rating = rate({**BEST, "customs_level": "dishonest"}, MODEL)
    assert rating.score == 76
    assert (rating.base_grade, rating.grade) == ("B", "C")
    assert [(o.id, o.before, o.after) for o in rating.overrides] == [("customs_dishonest", "B", "C")]


def test_cap_beats_floor() -> None:
    # WEAK with customs dishonest: 52.175 - 0.30 × (70 - 20) = 37.175 → 37.18, D;
    # the red list floor raises it to B, then the customs cap lowers it to C.
    rating = rate({**WEAK, "customs_level": "dishonest", "red_listed": True}, MODEL)
    assert rating.score == Decimal("37.18")
    assert (rating.base_grade, rating.grade) == ("D", "C")
    assert [(o.id, o.before, o.after) for o in rating.overrides] == [
        ("red_list", "D", "B"),
        ("customs_dishonest", "B", "C"),
    ]
    # and from B: the floor leaves B, the cap still wins
    from_b = rate({**BEST, "customs_level": "dishonest", "red_listed": True}, MODEL)
    assert from_b.grade == "C"


def test_several_caps_and_sets_are_all_listed() -> None:
    rating = rate(
        {**BEST, "tax_level": "D", "serious_violations": 2, "black_listed": True, "filing_status": "revoked"},
        MODEL,
    )
    # 100 - 0.20 × 100 = 80 → B; caps to C; the sets force D
    assert rating.score == 80
    assert rating.base_grade == "B"
    assert rating.grade == "D"
    assert [(o.id, o.before, o.after) for o in rating.overrides] == [
        ("serious_violation_12m", "B", "C"),
        ("tax_d", "C", "C"),
        ("black_list", "C", "D"),
        ("filing_revoked", "C", "D"),
    ]


def test_seriously_dishonest_sets_d() -> None:
    rating = rate({**BEST, "customs_level": "seriously_dishonest"}, MODEL)
    assert rating.score == 70  # 100 - 0.30 × 100
    assert (rating.base_grade, rating.grade) == ("B", "D")
    assert [o.id for o in rating.overrides] == ["seriously_dishonest"]


def test_of_several_sets_the_lowest_grade_wins() -> None:
    document = small_document()
    document["overrides"] = [
        override("to_c", {"input": "black_listed", "equals": True}, set="C"),
        override("to_a", {"input": "red_listed", "equals": True}, set="A"),
        override("to_b", {"input": "watch_listed", "equals": True}, set="B"),
        override("cap_d", {"input": "serious_violations", "at_least": Decimal(1)}, cap="D"),
    ]
    model = parse_model(document, source="test")
    inputs = {"customs_level": "advanced_certified", "red_listed": True, "watch_listed": True}
    both = rate(inputs, model)
    assert both.grade == "B"  # of A and B, B is lower
    assert [(o.id, o.before, o.after) for o in both.overrides] == [("to_a", "A", "B"), ("to_b", "A", "B")]
    three = rate({**inputs, "black_listed": True, "serious_violations": 1}, model)
    # the cap takes A to D, then the sets (the lowest of A, B, C is C) force C: a set beats a cap
    assert three.grade == "C"
    assert [(o.id, o.after) for o in three.overrides] == [
        ("cap_d", "D"),
        ("to_c", "C"),
        ("to_a", "C"),
        ("to_b", "C"),
    ]


# ---------------------------------------------------------------------------------------------
# 5. Reproducibility and the JSON form


def test_same_inputs_and_model_give_the_same_rating() -> None:
    again = load_model(SHIPPED)
    assert again == MODEL
    first = rate(MIDDLING, MODEL)
    assert rate(dict(MIDDLING), again) == first
    assert rate(deepcopy(MIDDLING), MODEL) == first
    assert rating_out(rate(MIDDLING, again)) == rating_out(first)


def test_rating_out_is_json_and_consistent() -> None:
    rating = rate({**WEAK, "customs_level": "dishonest", "red_listed": True}, MODEL)
    out = json.loads(json.dumps(rating_out(rating), ensure_ascii=False))
    assert out["score"] == "37.18"
    assert out["grade"] == "C"
    assert out["base_grade"] == "D"
    assert out["model_version"] == "2026.1"
    assert [o["id"] for o in out["overrides"]] == ["red_list", "customs_dishonest"]
    assert len(out["indicators"]) == sum(len(d.indicators) for d in MODEL.dimensions) == 11
    weights = {(d.id, x.id): d.weight * x.weight for d in MODEL.dimensions for x in d.indicators}
    total = Decimal(0)
    for item in out["indicators"]:
        points, weight = Decimal(item["points"]), Decimal(item["weight"])
        assert weight == weights[(item["dimension"], item["indicator"])]
        assert Decimal(item["contribution"]) == (points * weight).quantize(Decimal("0.01"))
        assert item["reference"]
        total += points * weight
    assert sum(weights.values()) == 1
    assert total.quantize(Decimal("0.01")) == Decimal(out["score"])


# ---------------------------------------------------------------------------------------------
# 6. Model errors


def test_model_errors_are_all_reported_at_once() -> None:
    document = small_document()
    document["dimensions"][0]["weight"] = Decimal("0.9")  # dimension weights sum to 0.9
    document["dimensions"][0]["indicators"][0]["input"] = "shoe_size"
    document["grades"][-1]["min"] = Decimal(10)  # no grade starts at 0
    document["overrides"] = [override("bad", {"input": "black_listed", "equals": True}, set="E")]
    with pytest.raises(RatingModelError) as caught:
        parse_model(document, source="bad.yaml")
    error = caught.value
    assert isinstance(error, ParameterSchemaError)
    assert error.source == "bad.yaml"
    problems = error.problems
    assert "dimensions: weights sum to 0.9, not 1" in problems
    assert any("dimensions[0].indicators[0]" in p and "'shoe_size'" in p for p in problems)
    assert any(p.startswith("overrides[0]:") and "naming a grade" in p for p in problems)
    assert any(p.startswith("grades:") and "start at 0" in p for p in problems)
    assert len(problems) == 4, problems
    assert "shoe_size" in str(error)


def test_indicator_weights_and_other_fields_are_checked() -> None:
    document = small_document()
    indicators = document["dimensions"][0]["indicators"]
    second = {**indicators[0], "id": "tax", "input": "tax_level", "weight": Decimal("0.5")}
    indicators.append(second)  # 1 + 0.5
    document["grades"][1]["code"] = "A"  # a repeated code
    document["version"] = ""
    document["effective_from"] = "soon"
    document["overrides"] = [override("bad", {"input": "nowhere", "equals": True}, cap="D")]
    with pytest.raises(RatingModelError) as caught:
        parse_model(document, source="bad.yaml")
    problems = caught.value.problems
    assert "dimensions[0].indicators: weights sum to 1.5, not 1" in problems
    assert any(p.startswith("grades:") and "distinct" in p for p in problems)
    assert any(p.startswith("version:") for p in problems)
    assert any(p.startswith("effective_from:") for p in problems)
    assert any(p.startswith("overrides[0].when:") and "'nowhere'" in p for p in problems)


def test_small_document_is_valid() -> None:
    model = parse_model(small_document(), source="ok")
    assert isinstance(model, RatingModel)
    assert rate({"customs_level": "regular"}, model).score == 60
    assert rate({"customs_level": "regular"}, model).grade == "C"


def test_negative_weights_are_rejected() -> None:
    document = small_document()
    first = document["dimensions"][0]["indicators"][0]
    first["weight"] = Decimal("1.5")
    first["missing"] = Decimal(0)
    second = {**first, "id": "tax", "input": "tax_level", "weight": Decimal("-0.5")}
    document["dimensions"][0]["indicators"].append(second)
    # accepted today: rate({"tax_level": "advanced_certified"}, model) then scores
    # 1.5 × 0 + (-0.5) × 100 = -50, below every cut-off, and raises StopIteration
    with pytest.raises(RatingModelError):
        parse_model(document, source="neg")


def test_override_grade_that_is_not_text_is_a_model_error() -> None:
    document = small_document()
    document["overrides"] = [override("bad", {"input": "black_listed", "equals": True}, set=["D"])]  # type: ignore[arg-type]
    with pytest.raises(RatingModelError):
        parse_model(document, source="list")


def test_requires_note_follows_the_condition() -> None:
    document = small_document()
    document["dimensions"][0]["indicators"][0]["requires"] = {"input": "filing_status", "equals": "active"}
    model = parse_model(document, source="req")
    note = row(rate({"customs_level": "regular", "filing_status": "revoked"}, model), "customs_level").note
    assert "≥" not in note and "filing_status equals active" in note


# ---------------------------------------------------------------------------------------------
# 7. Versions by date


def test_versions_by_effective_date(tmp_path: Path) -> None:
    edited_model(
        tmp_path,
        [
            ('version: "2026.1"', 'version: "2024.1"'),
            ("effective_from: 2021-11-01", "effective_from: 2024-01-01"),
        ],
        name="old.yaml",
    )
    edited_model(
        tmp_path,
        [
            ('version: "2026.1"', 'version: "2026.2"'),
            ("effective_from: 2021-11-01", "effective_from: 2026-04-01"),
            ("{code: A, min: 85,", "{code: A, min: 80,"),
        ],
        name="new.yaml",
    )
    found = models(tmp_path)
    assert [m.version for m in found] == ["2024.1", "2026.2"]
    assert model_for(date(2024, 1, 1), tmp_path).version == "2024.1"
    assert model_for(date(2026, 3, 31), tmp_path).version == "2024.1"
    assert model_for(date(2026, 4, 1), tmp_path).version == "2026.2"
    assert model_for(date(2030, 1, 1), tmp_path).version == "2026.2"
    assert model_version("2024.1", tmp_path).effective_from == date(2024, 1, 1)
    assert model_version("2026.2", tmp_path).grade("A").min == 80
    # the same inputs rate differently under the two versions, each reproducibly
    assert rate(MIDDLING, model_version("2024.1", tmp_path)).grade == "B"
    assert rate(MIDDLING, model_version("2026.2", tmp_path)).grade == "A"
    with pytest.raises(RatingModelError) as early:
        model_for(date(2023, 12, 31), tmp_path)
    assert any("2023-12-31" in p for p in early.value.problems)
    with pytest.raises(RatingModelError) as unknown:
        model_version("2025.1", tmp_path)
    assert any("2025.1" in p for p in unknown.value.problems)


def test_two_files_with_the_same_version_raise(tmp_path: Path) -> None:
    edited_model(tmp_path, [], name="a.yaml")
    edited_model(tmp_path, [("effective_from: 2021-11-01", "effective_from: 2025-01-01")], name="b.yaml")
    with pytest.raises(RatingModelError) as caught:
        models(tmp_path)
    assert caught.value.problems == ["two files carry the same version"]
    with pytest.raises(RatingModelError):
        model_for(date(2026, 1, 1), tmp_path)


def test_a_bad_file_in_the_directory_raises(tmp_path: Path) -> None:
    edited_model(tmp_path, [("    weight: 0.30", "    weight: 0.35")], name="bad.yaml")
    with pytest.raises(RatingModelError) as caught:
        models(tmp_path)
    assert "dimensions: weights sum to 1.05, not 1" in caught.value.problems
    assert caught.value.source.endswith("bad.yaml")


# ---------------------------------------------------------------------------------------------
# 8. Properties

RATE_INPUTS = {
    "refusal_rate": "orders_decided",
    "returns_rate": "orders_released",
    "data_error_rate": "records_sent",
}
COUNT_INPUTS = ("inspection_findings", "revenue_found")
_MAPS = {
    x.input: sorted(x.normalise.points)
    for d in MODEL.dimensions
    for x in d.indicators
    if x.normalise.kind == "map"
}
_rates = st.decimals(min_value=0, max_value=1, places=3)


def _level(name: str) -> st.SearchStrategy[Any]:
    return st.none() | st.sampled_from(_MAPS[name])


_inputs = st.fixed_dictionaries(
    {
        "customs_level": _level("customs_level"),
        "tax_level": _level("tax_level"),
        "forex_class": _level("forex_class"),
        "third_party_rating": _level("third_party_rating"),
        "abnormal_operation": st.booleans(),
        "court_dishonest_debtor": st.booleans(),
        "black_listed": st.booleans(),
        "red_listed": st.booleans(),
        "watch_listed": st.booleans(),
        "serious_violations": st.integers(0, 3),
        "filing_status": st.sampled_from(["active", "suspended", "revoked"]),
        "orders_decided": st.none() | st.integers(0, 60),
        "orders_released": st.none() | st.integers(0, 60),
        "records_sent": st.none() | st.integers(0, 60),
        "refusal_rate": st.none() | _rates,
        "returns_rate": st.none() | _rates,
        "data_error_rate": st.none() | _rates,
        "inspection_findings": st.none() | st.integers(0, 8),
        "revenue_found": st.none() | st.integers(0, 20000),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    inputs=_inputs,
    target=st.sampled_from([*RATE_INPUTS, *COUNT_INPUTS]),
    base=st.decimals(min_value=0, max_value=1, places=3),
    worse_by=st.decimals(min_value=0, max_value=1, places=3),
)
def test_score_bounds_grades_and_monotonic(
    inputs: dict[str, Any], target: str, base: Decimal, worse_by: Decimal
) -> None:
    rating = rate(inputs, MODEL)
    assert 0 <= rating.score <= 100
    codes = [g.code for g in MODEL.grades]
    assert rating.base_grade in codes
    assert rating.grade in codes
    assert rating.base_grade == next(g.code for g in MODEL.grades if rating.score >= g.min)
    for r in rating.indicators:
        assert 0 <= r.points <= 100

    scale = {"inspection_findings": Decimal(10), "revenue_found": Decimal(20000)}.get(target, Decimal(1))
    before = rate({**inputs, target: base * scale}, MODEL)
    after = rate({**inputs, target: (base + worse_by) * scale}, MODEL)
    assert after.score <= before.score
    assert MODEL.rank(after.grade) >= MODEL.rank(before.grade)  # never a better grade


# ---------------------------------------------------------------------------------------------
# 9. The explanation


@pytest.mark.parametrize(("lang", "word"), [("zh", "得分"), ("en", "score")])
def test_explain_lines(lang: str, word: str) -> None:
    rating = rate({**WEAK, "customs_level": "dishonest", "red_listed": True}, MODEL)
    lines = explain(rating, lang=lang)
    assert len(lines) == len(rating.indicators) + len(rating.overrides) + 1 == 11 + 2 + 1
    result = lines[-1]
    assert result.startswith(f"{word} 37.18 → C ")
    assert "37.18" in result and " C " in result
    assert "2026.1" in result
    label = "under watch" if lang == "en" else "重点关注"
    assert label in result
    for line, r in zip(lines, rating.indicators, strict=False):
        assert (r.label_en if lang == "en" else r.label) in line
        assert f"= {r.contribution}" in line
    override_lines = lines[len(rating.indicators) : -1]
    assert "red_list" in override_lines[0] and "(D → B)" in override_lines[0]
    assert "customs_dishonest" in override_lines[1] and "(B → C)" in override_lines[1]
    assert override_lines[0].startswith("override " if lang == "en" else "调整 ")


def test_explain_without_overrides_and_missing_values() -> None:
    rating = rate({}, MODEL)
    en, zh = explain(rating, lang="en"), explain(rating)
    assert len(en) == len(zh) == len(rating.indicators) + 1
    assert en[-1].startswith("score 72.15 → B good")
    assert zh[-1].startswith("得分 72.15 → B 诚信良好")
    assert ": none → 60.00 ×" in en[0]
    assert "无 → 60.00 ×" in zh[0]
