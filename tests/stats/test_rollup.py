"""The facts follow the clearance event history: what a declaration's row holds, later changes (release,
cancellation), the worker's sweep, concurrent refreshes, and the cursor over gaps in the event ids."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cbec.clearance.models import ClearanceEvent, ClearanceOrder
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.registry import repository as registry_repo
from cbec.stats import rollup, tasks
from cbec.stats.models import StatCursor, StatDeclaration
from tests.clearance.support import INFANT_FORMULA, Line, Zone


def _fact(zone: Zone, order_no: str) -> StatDeclaration:
    with zone.db() as s:
        order = s.scalars(select(ClearanceOrder).where(ClearanceOrder.order_no == order_no)).one()
        row = s.get(StatDeclaration, f"I:{order.id}")
        assert row is not None
        s.expunge(row)
        return row


def _refresh(zone: Zone) -> rollup.RefreshResult:
    with zone.db() as s:
        return rollup.refresh(s)


def test_a_released_declaration_becomes_one_fact_with_its_dimensions(zone: Zone) -> None:
    cosmetics = Line(
        qty="1", price="300", gcode="3304990099", name="面霜", unit="011", unit1="035", qty1="0.05"
    )
    spec = zone.send_set(zone.spec(lines=(INFANT_FORMULA, cosmetics)))
    result = _refresh(zone)
    assert result.facts >= 1
    fact, order = _fact(zone, spec.order_no), zone.order(spec.order_no)
    with zone.db() as s:
        platform = registry_repo.by_code(s, zone.platform.customs_code)
        assert platform is not None
        platform_id, park = platform.id, platform.park
    assert (fact.direction, fact.trade_mode, fact.segment, fact.channel) == (
        "import",
        "9610",
        "b2c",
        "customs",
    )
    assert fact.value == Decimal("500") and fact.currency == "142" and fact.value_fen == 50000
    assert fact.tax_fen == int(order.tax_total * 100)
    assert (fact.country, fact.hs_chapter) == ("309", "33")  # the main line: the cream (300 > 2 × 100)
    assert (fact.ebp_id, fact.ebc_id, fact.park) == (platform_id, platform_id, park)
    assert fact.accepted and fact.released and not fact.refused and not fact.inspected
    assert fact.released_at == order.released_at and fact.clearance_seconds is not None
    assert fact.day == fact.declared_at.astimezone(SHANGHAI).date()
    assert fact.order_no == spec.order_no and fact.waybill_no == spec.logistics_no


def test_an_inspection_and_a_cancellation_change_the_fact(zone: Zone) -> None:
    zone.set_engine(inspection_rate=Decimal(1))
    spec = zone.send_set(zone.spec())
    _refresh(zone)
    fact = _fact(zone, spec.order_no)
    assert fact.inspected and fact.accepted and not fact.released and fact.clearance_seconds is None
    invt_no = zone.order(spec.order_no).invt_no
    assert invt_no is not None
    r = zone.client.post(
        "/api/v1/inspections",
        json={"invt_no": invt_no, "result": "clean"},
        headers={"Authorization": f"Bearer {zone.customs}"},
    )
    assert r.status_code == 200, r.text
    _refresh(zone)
    assert _fact(zone, spec.order_no).released
    zone.cancel(spec, invt_no)
    zone.drain()
    _refresh(zone)
    fact = _fact(zone, spec.order_no)
    assert fact.state == "cancelled" and not fact.released  # no longer counts in value and tax
    assert fact.clearance_seconds is not None  # it was released: its clearance time stands


def test_a_refused_set_is_a_refused_declaration(zone: Zone) -> None:
    spec = zone.spec()
    documents = zone.documents(spec)
    zone.send(*documents["inventory"])
    zone.drain()
    _refresh(zone)
    fact = _fact(zone, spec.order_no)
    assert fact.state == "waiting" and not fact.accepted and not fact.refused
    zone.set_engine(match_wait=timedelta(0))
    zone.worker.sweep()  # the worker's sweep refuses the incomplete set and applies the events
    fact = _fact(zone, spec.order_no)
    assert fact.refused and not fact.accepted and fact.state == "refused"


def test_the_sweep_keeps_the_facts_and_a_failure_never_stops_it(
    zone: Zone, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = zone.send_set(zone.spec())

    def broken(*_a: object, **_k: object) -> rollup.RefreshResult:
        raise RuntimeError("statistics down")

    monkeypatch.setattr(tasks, "refresh", broken)
    zone.worker.sweep()  # logged, not raised
    with zone.db() as s:
        assert s.scalar(select(func.count()).select_from(StatDeclaration)) == 0
    monkeypatch.undo()
    zone.worker.sweep()
    assert _fact(zone, spec.order_no).released


def test_refreshing_again_changes_nothing_and_two_at_once_agree(zone: Zone) -> None:
    specs = [zone.send_set(zone.spec(), drain=False) for _ in range(3)]
    zone.drain()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            _refresh(zone)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with zone.db() as s:
        rows = sorted((r.id, r.value_fen, r.state) for r in s.scalars(select(StatDeclaration)))
    assert len(rows) == len(specs)
    _refresh(zone)  # the events are read again (the cursor may wait at a gap in the ids): same rows
    with zone.db() as s:
        assert sorted((r.id, r.value_fen, r.state) for r in s.scalars(select(StatDeclaration))) == rows
        last = s.scalar(select(func.max(ClearanceEvent.id)))
        later = utc_now() + rollup.LAG + timedelta(minutes=1)
        rollup.refresh(s, now=later)  # once the events are older than the lag the cursor reaches the last
        cursor = s.get(StatCursor, "clearance_events")
        assert cursor is not None and cursor.last_id == last
    with zone.db() as s:
        assert rollup.refresh(s, now=later).events == 0  # nothing new to read


@dataclass(frozen=True)
class _Event:
    id: int
    at: datetime


def test_the_cursor_waits_at_a_young_gap_and_passes_an_old_one() -> None:
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    young, old = now - timedelta(seconds=5), now - rollup.LAG - timedelta(seconds=1)
    assert rollup._advance(10, [_Event(11, young), _Event(12, young)], now) == 12  # contiguous
    assert rollup._advance(10, [_Event(11, young), _Event(13, young)], now) == 11  # 12 may still commit
    assert rollup._advance(10, [_Event(12, old), _Event(13, young)], now) == 13  # 11 is long gone
    assert rollup._advance(10, [_Event(11, young), _Event(13, young), _Event(14, old)], now) == 14
    assert rollup._advance(10, [], now) == 10
