"""Zone targets: what the platform measures, its progress and projection to the target date; the rest is
listed with the reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cbec.kernel.dates import today
from cbec.stats import rollup, service
from cbec.zones import load_zone
from cbec.zones.loader import Target
from tests.clearance.support import Zone


def _target(key: str, metric: str, value: str, unit: str, **kw: Any) -> Target:
    fields: dict[str, Any] = {
        "key": key,
        "metric": metric,
        "label_zh": key,
        "label_en": key,
        "value": Decimal(value),
        "unit": unit,
        "comparison": "at_least",
        "year": None,
        "from_year": None,
        "deadline": None,
        "when_zh": None,
        "document": "implementation_plan",
        "source": "test",
        "section": "test",
        "quote": "test",
        "note": None,
    }
    fields.update(kw)
    return Target(**fields)


def _measure(zone: Zone, targets: list[Target], on: date) -> dict[str, dict[str, Any]]:
    plan = replace(load_zone("kunming"), targets=tuple(targets))
    with zone.db() as s:
        rollup.refresh(s)
        return {t["key"]: t for t in service.targets(s, plan, today=on)}


def test_value_targets_of_this_year_are_projected_linearly_and_past_years_are_final(zone: Zone) -> None:
    zone.send_set(zone.spec())
    on = today()
    with zone.db() as s:
        rollup.refresh(s)
        ytd = service.figures(s, start=date(on.year, 1, 1), end=on)["value"]
    found = _measure(
        zone,
        [
            _target("now", "trade_volume", "1000", "CNY", year=on.year),
            _target("retail", "retail_trade_volume", "1000", "CNY", year=on.year),
            _target("past", "trade_volume", "1000", "CNY", year=on.year - 1),
            _target("later", "trade_volume", "1000", "CNY", year=on.year + 2),
            _target("undated", "trade_volume", "1000", "CNY"),
        ],
        on,
    )
    elapsed = (on - date(on.year, 1, 1)).days + 1
    length = (date(on.year, 12, 31) - date(on.year, 1, 1)).days + 1
    now = found["now"]
    assert ytd > 0 and now["current"] == ytd
    assert now["projection"] == (ytd * length / elapsed).quantize(Decimal("0.01"))
    assert now["progress"] == (ytd / 1000).quantize(Decimal("0.0001"))
    assert now["on_track"] is (now["projection"] >= 1000) and now["target_date"] == date(on.year, 12, 31)
    assert found["retail"]["current"] == ytd  # the demo set is 9610: retail
    assert found["past"]["current"] == 0 and found["past"]["projection_method"].startswith("final")
    assert "no platform data" in found["past"]["detail"] and found["past"]["on_track"] is False
    assert found["later"]["projection"] == ytd and found["later"]["projection_method"].startswith("flat")
    assert found["undated"]["projection"] is None and found["undated"]["current"] == ytd


def test_counts_of_filings_and_warehouses_follow_their_trend(zone: Zone) -> None:
    on = today()
    found = _measure(
        zone,
        [
            _target("filed", "filed_enterprises", "100", "enterprises", deadline=on + timedelta(days=365)),
            _target("entities", "cbec_enterprises", "100", "enterprises", comparison="more_than"),
            _target("warehouses", "overseas_warehouses", "10", "warehouses", deadline=on - timedelta(days=1)),
        ],
        on,
    )
    filed = found["filed"]
    assert filed["current"] == 4  # the zone's four filings, all filed today
    assert filed["projection"] == Decimal("8.0")  # four more in the next 365 days at this year's pace
    assert found["entities"]["projection"] is None and found["entities"]["progress"] == Decimal("0.0400")
    assert found["warehouses"]["current"] == 0 and found["warehouses"]["on_track"] is False


def test_growth_and_backbone_targets_need_their_base_and_threshold(zone: Zone) -> None:
    zone.send_set(zone.spec())
    on = today()
    found = _measure(
        zone,
        [
            _target("cagr", "trade_volume_growth", "50", "percent", year=on.year, from_year=on.year),
            _target("b2b", "b2b_export_growth", "30", "percent", year=on.year),
            _target("backbone", "backbone_enterprises", "1", "enterprises", year=on.year),
        ],
        on,
    )
    assert found["cagr"]["current"] is None and str(on.year - 1) in found["cagr"]["detail"]
    assert found["b2b"]["current"] is None and found["b2b"]["measurable"]
    assert found["backbone"]["current"] == 0  # nobody sells 100 million CNY a year here


def test_what_the_platform_cannot_measure_is_listed_with_the_reason(zone: Zone) -> None:
    on = today()
    for name in ("kunming", "taiyuan", "luzhou"):
        plan = load_zone(name)
        with zone.db() as s:
            found = service.targets(s, plan, today=on)
        assert [t["key"] for t in found] == [t.key for t in plan.targets]
        for t in found:
            if t["measurable"]:
                assert t["projection_method"] and t["method_note"], t["key"]
            else:
                assert t["reason"], t["key"]
        reasons = {t["metric"]: t.get("reason") for t in found if not t["measurable"]}
        if name == "luzhou":
            assert "tax bureau" in reasons["export_refund_processing_days"]
        if name == "taiyuan":
            assert {t["metric"] for t in found if t["measurable"]} == {
                "cbec_enterprises",
                "retail_trade_volume",
                "b2b_export_growth",
            }
