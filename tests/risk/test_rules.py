"""Each rule family on crafted histories: risky patterns are caught, ordinary buyers are not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.risk.features import (
    FEATURE_NAMES,
    AgencySignal,
    BuyerOrder,
    ContactOrder,
    Declaration,
    History,
    Line,
    PriceStats,
    SafetyEntry,
    features,
)
from cbec.risk.params import RiskParameters, load_risk_parameters
from cbec.risk.rules import Action, RuleSetError, load_rules, parse_rule_set, rule_versions
from cbec.risk.scoring import RiskAssessment, assess

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
RULES = load_rules("v1")


@pytest.fixture(scope="module")
def params() -> RiskParameters:
    return load_risk_parameters(date(2026, 3, 10))


def line(**changes: object) -> Line:
    base = Line(
        hs_code="3304990099",
        sku="SKU-1",
        qty=Decimal(1),
        unit_price=Decimal(200),
        total=Decimal(200),
        gross_weight=Decimal("0.5"),
        net_weight=Decimal("0.4"),
        barcode="4901234567894",
        brand="Acme",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def declaration(**changes: object) -> Declaration:
    base = Declaration(
        key="EBP1|ORDER-1",
        trade_mode="1210",
        direction="import",
        declared_at=NOW,
        buyer_hash="buyer-1",
        consignee_address_hash="addr-1",
        phone_hash="phone-1",
        enterprise_code="ENT1",
        agent_code="AGT1",
        country="JPN",
        lines=(line(),),
        taxable_price=Decimal(200),
        paid_at=NOW - timedelta(hours=3),
        shipped_at=NOW - timedelta(hours=1),
        enterprise_age_days=800,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def prices() -> dict[str, PriceStats]:
    return {"330499": PriceStats(Decimal(200), Decimal(30), 50)}


def run(decl: Declaration, history: History, params: RiskParameters) -> RiskAssessment:
    return assess(decl, history, rules=RULES, params=params)


def hit_ids(result: RiskAssessment) -> set[str]:
    return {hit.rule_id for hit in result.hits}


def test_the_limit_comes_from_the_tax_parameters(params: RiskParameters) -> None:
    assert params.single_transaction_limit == Decimal(5000)
    assert load_risk_parameters(date(2018, 6, 1)).single_transaction_limit == Decimal(2000)


def test_features_names_are_stable(params: RiskParameters) -> None:
    assert tuple(features(declaration(), History(), params)) == FEATURE_NAMES


def test_rule_set_metadata_and_every_feature_exists() -> None:
    assert "v1" in rule_versions()
    assert load_rules() is RULES or load_rules().valid_from >= RULES.valid_from
    assert RULES.approved_by and RULES.valid_from == date(2026, 1, 1)
    for rule in RULES.rules:
        assert rule.reference and rule.description and rule.description_en
        assert rule.condition.features() <= set(FEATURE_NAMES)
    with pytest.raises(RuleSetError):
        load_rules(on=date(2020, 1, 1))


def test_ordinary_buyer_triggers_nothing(params: RiskParameters) -> None:
    history = History(
        buyer_orders=tuple(
            BuyerOrder(f"EBP1|OLD-{i}", NOW - timedelta(days=3 * i + 1), Decimal(300), "addr-1", "phone-1")
            for i in range(6)
        ),
        address_orders=(ContactOrder("EBP1|OLD-0", NOW - timedelta(days=1), "buyer-1"),),
        price_hs6=prices(),
    )
    result = run(declaration(), history, params)
    assert result.hits == ()
    assert result.action is Action.NONE and result.score == 0.0
    assert "未触发" in result.explanation and "no risk rule" in result.explanation_en


def split_history(n: int, price: Decimal) -> History:
    return History(
        buyer_orders=tuple(
            BuyerOrder(f"EBP1|S-{i}", NOW - timedelta(hours=6 * (i + 1)), price, "addr-1", "phone-1")
            for i in range(n)
        )
    )


def test_split_orders_just_under_the_limit_are_caught(params: RiskParameters) -> None:
    decl = declaration(taxable_price=Decimal(4850))
    result = run(decl, split_history(3, Decimal("4900")), params)
    assert "RISK.SPLIT.NEAR_LIMIT" in hit_ids(result)
    hit = next(h for h in result.hits if h.rule_id == "RISK.SPLIT.NEAR_LIMIT")
    assert hit.evidence == {"quota_pressure_7d": 4.0}
    assert result.action is Action.HOLD


def test_repeat_buyer_with_small_or_old_orders_is_not_split(params: RiskParameters) -> None:
    decl = declaration(taxable_price=Decimal(4850))
    assert "RISK.SPLIT.NEAR_LIMIT" not in hit_ids(run(decl, split_history(3, Decimal(800)), params))
    old = History(
        buyer_orders=tuple(
            BuyerOrder(f"EBP1|S-{i}", NOW - timedelta(days=8 + i), Decimal(4900), "addr-1", "phone-1")
            for i in range(5)
        )
    )
    assert "RISK.SPLIT.NEAR_LIMIT" not in hit_ids(run(decl, old, params))


def test_borrowed_id_ring_on_one_address_and_phone(params: RiskParameters) -> None:
    ring = tuple(
        ContactOrder(f"EBP1|R-{i}", NOW - timedelta(days=i + 1), f"buyer-{i + 10}") for i in range(6)
    )
    result = run(declaration(), History(address_orders=ring, phone_orders=ring), params)
    assert {"RISK.ID.SHARED_ADDRESS", "RISK.ID.SHARED_PHONE"} <= hit_ids(result)
    assert result.features["buyers_per_address"] == 7.0


def test_a_family_sharing_an_address_is_not_a_ring(params: RiskParameters) -> None:
    family = tuple(
        ContactOrder(f"EBP1|F-{i}", NOW - timedelta(days=i + 1), f"buyer-{i % 2}") for i in range(10)
    )
    old_ring = tuple(
        ContactOrder(f"EBP1|O-{i}", NOW - timedelta(days=60), f"buyer-{i + 10}") for i in range(9)
    )
    result = run(declaration(), History(address_orders=family + old_ring), params)
    assert not hit_ids(result) & {"RISK.ID.SHARED_ADDRESS", "RISK.ID.SHARED_PHONE"}


def test_one_buyer_many_consignees(params: RiskParameters) -> None:
    orders = tuple(
        BuyerOrder(f"EBP1|C-{i}", NOW - timedelta(days=i + 1), Decimal(100), f"addr-{i + 2}", "phone-1")
        for i in range(5)
    )
    assert "RISK.ID.MANY_CONSIGNEES" in hit_ids(run(declaration(), History(buyer_orders=orders), params))


def test_undervaluation_against_hs6_and_sku_reference(params: RiskParameters) -> None:
    cheap = declaration(lines=(line(unit_price=Decimal(40), total=Decimal(40)),), taxable_price=Decimal(40))
    result = run(cheap, History(price_hs6=prices()), params)
    assert "RISK.VALUE.UNDERVALUED" in hit_ids(result)
    sku = History(price_sku={"SKU-1": PriceStats(Decimal(200), Decimal(5), 30)})
    assert "RISK.VALUE.UNDERVALUED" in hit_ids(run(cheap, sku, params))
    # a normal price, or too thin a reference, is not flagged
    assert "RISK.VALUE.UNDERVALUED" not in hit_ids(run(declaration(), History(price_hs6=prices()), params))
    thin = History(price_hs6={"330499": PriceStats(Decimal(200), Decimal(30), 2)})
    assert "RISK.VALUE.UNDERVALUED" not in hit_ids(run(cheap, thin, params))


def test_value_weight_inconsistency(params: RiskParameters) -> None:
    bad = declaration(lines=(line(gross_weight=Decimal("0.3"), net_weight=Decimal("0.4")),))
    assert "RISK.VALUE.WEIGHT_INCONSISTENT" in hit_ids(run(bad, History(), params))
    heavy = declaration(lines=(line(gross_weight=Decimal(12), net_weight=Decimal(10)),))
    per_kg = History(value_per_kg_hs6={"330499": PriceStats(Decimal(500), Decimal(50), 40)})
    assert "RISK.VALUE.WEIGHT_INCONSISTENT" in hit_ids(run(heavy, per_kg, params))
    assert "RISK.VALUE.WEIGHT_INCONSISTENT" not in hit_ids(run(declaration(), per_kg, params))


def test_paid_after_shipment(params: RiskParameters) -> None:
    late = declaration(paid_at=NOW - timedelta(hours=1), shipped_at=NOW - timedelta(hours=5))
    assert "RISK.PAY.AFTER_SHIPMENT" in hit_ids(run(late, History(), params))
    assert "RISK.PAY.AFTER_SHIPMENT" not in hit_ids(run(declaration(), History(), params))


def test_young_enterprise_with_high_volume(params: RiskParameters) -> None:
    young = declaration(enterprise_age_days=20)
    assert "RISK.ENTERPRISE.YOUNG_HIGH_VOLUME" in hit_ids(
        run(young, History(enterprise_orders_30d=5000), params)
    )
    assert "RISK.ENTERPRISE.YOUNG_HIGH_VOLUME" not in hit_ids(
        run(young, History(enterprise_orders_30d=50), params)
    )
    assert "RISK.ENTERPRISE.YOUNG_HIGH_VOLUME" not in hit_ids(
        run(declaration(), History(enterprise_orders_30d=5000), params)
    )


@pytest.mark.parametrize(
    "entry",
    [
        SafetyEntry(reason="召回 recall", barcode="4901234567894"),
        SafetyEntry(reason="风险警示 warning", brand="ACME", hs_prefix="3304"),
    ],
)
def test_product_safety_hit_must_be_inspected(params: RiskParameters, entry: SafetyEntry) -> None:
    result = run(declaration(), History(safety_list=(entry,)), params)
    assert "RISK.GOODS.SAFETY_LIST" in hit_ids(result)
    assert result.action is Action.MUST_INSPECT and result.must_inspect


def test_safety_entry_for_other_products_does_not_hit(params: RiskParameters) -> None:
    other = SafetyEntry(reason="recall", brand="Acme", hs_prefix="1901")
    assert "RISK.GOODS.SAFETY_LIST" not in hit_ids(run(declaration(), History(safety_list=(other,)), params))


def test_agency_signal_alerts(params: RiskParameters) -> None:
    signal = AgencySignal(subject="enterprise", source="SAMR", code="ABNORMAL", description="经营异常")
    result = run(declaration(), History(agency_signals=(signal,)), params)
    assert "RISK.AGENCY.SIGNAL" in hit_ids(result) and result.action is Action.ALERT


def test_infant_formula_is_a_sensitive_category(params: RiskParameters) -> None:
    formula = declaration(lines=(line(hs_code="1901101000"),))
    assert features(formula, History(), params)["hs_category_risk"] == 1.0
    assert "RISK.GOODS.SENSITIVE_CATEGORY" in hit_ids(run(formula, History(), params))


def test_bad_rule_files_are_refused(tmp_path: Path) -> None:
    good = {
        "version": "v9",
        "valid_from": date(2026, 1, 1),
        "approved_by": "x",
        "description": "测试",
        "rules": [
            {
                "id": "R1",
                "description": "规则",
                "description_en": "rule",
                "reference": {"document": "doc", "title": "t"},
                "condition": {"feature": "returns_90d", "op": ">", "value": 1},
                "weight": Decimal("0.5"),
                "action": "alert",
            }
        ],
    }
    assert parse_rule_set(good, source="mem").rules[0].id == "R1"
    broken: list[Callable[[dict[str, object]], object]] = [
        lambda r: r.update(weight=Decimal(2)),
        lambda r: r.update(action="shoot"),
        lambda r: r.update(condition={"feature": "not_a_feature", "op": ">", "value": 1}),
        lambda r: r.update(condition="returns_90d > 1"),
        lambda r: r.pop("reference"),
    ]
    for breaking in broken:
        data = {**good, "rules": [dict(good["rules"][0])]}  # type: ignore[index]
        breaking(data["rules"][0])  # type: ignore[index]
        with pytest.raises(RuleSetError):
            parse_rule_set(data, source="mem")
