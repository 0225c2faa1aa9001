"""Reference prices: accepted declarations build the platform's own robust price references per HS6
and per seller SKU; a declaration far below them is flagged, and never counts in its own reference."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from cbec.risk.models import PriceObservation
from cbec.risk.prices import HS6, SKU, load_stats, robust_stats
from tests.clearance.support import Line, Zone


def _hits(zone: Zone, order_no: str) -> list[str]:
    return [h["rule"] for h in zone.lifecycle(order_no)["assessment"]["risk"]["hits"]]


def test_a_price_far_below_the_reference_is_flagged(zone: Zone) -> None:
    for price in ("100", "96", "104", "99", "101", "100"):
        spec = zone.send_set(zone.spec(lines=(Line(price=price),)))
        assert "RISK.VALUE.UNDERVALUED" not in _hits(zone, spec.order_no)
    with zone.db() as session:
        sku = load_stats(session, SKU, [f"{zone.platform.customs_code}|SKU1"], window=200)
        hs6 = load_stats(session, HS6, ["190110"], window=200)
    assert sku[f"{zone.platform.customs_code}|SKU1"].median == Decimal(100)
    assert hs6["190110"].count == 6

    cheap = zone.send_set(zone.spec(lines=(Line(price="30"),)))
    life = zone.lifecycle(cheap.order_no)
    assert "RISK.VALUE.UNDERVALUED" in _hits(zone, cheap.order_no)
    (hit,) = [h for h in life["assessment"]["risk"]["hits"] if h["rule"] == "RISK.VALUE.UNDERVALUED"]
    assert hit["evidence"]["unit_value_ratio_sku"] == 0.3  # 30 against a median of 100
    # the cheap one joined the reference only after its own assessment; the median barely moves
    with zone.db() as session:
        assert load_stats(session, HS6, ["190110"], window=200)["190110"].median == Decimal(100)


def test_a_refused_inventory_adds_no_observation(zone: Zone) -> None:
    spec = zone.spec(lines=(Line(price="100"),))
    zone.send_set(spec, skip=("payment",))  # never matched: no decision, no observation
    with zone.db() as session:
        assert session.scalar(select(func.count()).select_from(PriceObservation)) == 0


def test_the_window_keeps_the_most_recent_observations(zone: Zone) -> None:
    for price in ("10", "10", "10", "500", "500", "500"):
        zone.send_set(zone.spec(lines=(Line(price=price),)))
    with zone.db() as session:
        recent = load_stats(session, HS6, ["190110"], window=3)["190110"]
        everything = load_stats(session, HS6, ["190110"], window=200)["190110"]
    assert (recent.median, recent.count) == (Decimal(500), 3)
    assert everything.count == 6


@given(st.lists(st.decimals(min_value=1, max_value=10**6, places=2), min_size=1, max_size=50))
def test_robust_stats_are_those_of_the_sample(values: list[Decimal]) -> None:
    stats = robust_stats(values)
    assert stats is not None
    assert stats.count == len(values)
    assert min(values) <= stats.median <= max(values)
    below = sum(1 for v in values if v <= stats.median)
    assert below * 2 >= len(values)  # the median splits the sample
    assert stats.mad >= 0
    assert robust_stats([*values, Decimal(10**9)]) is not None  # one wild value is just another observation
