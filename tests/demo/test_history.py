"""`cbec demo --days N` lays down a history: each day's orders and exports go through the access point
and the workers with the platform's clock on that day, so that every event falls on it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from cbec.clearance.models import ClearanceEvent, ClearanceOrder
from cbec.config import Settings
from cbec.demo.run import run_demo
from cbec.exports.models import ExportEvent
from cbec.kernel.dates import SHANGHAI, today, utc_now
from cbec.messages.models import Document
from cbec.stats.models import StatDeclaration
from cbec.store.session import unit_of_work


def test_a_history_puts_each_day_of_trade_on_its_day(settings: Settings) -> None:
    before = utc_now()
    summary = run_demo(settings, orders=30, exports=6, days=3)
    assert utc_now() >= before  # the real clock is back
    history = summary.as_dict()["history"]
    days = [today() - timedelta(days=n) for n in (2, 1, 0)]
    assert (history["days"], history["first_day"], history["last_day"]) == (
        3,
        days[0].isoformat(),
        days[-1].isoformat(),
    )
    assert history["statistics"]["count"] == 30 + 6 - summary.by_state.get("refused_at_access_point", 0)
    with unit_of_work(settings) as s:
        facts = s.scalars(select(StatDeclaration)).all()
        per_day = {d: sum(1 for f in facts if f.day == d) for d in days}
        assert set(per_day) == set(days) and all(n >= 10 for n in per_day.values())
        assert {f.direction for f in facts} == {"import", "export"}
        for model in (ClearanceEvent, ExportEvent):
            assert {e.astimezone(SHANGHAI).date() for e in s.scalars(select(model.at))} == set(days)
        documents = {d.astimezone(SHANGHAI).date() for d in s.scalars(select(Document.created_at))}
        assert set(days) <= documents <= {days[0] - timedelta(days=1), *days}
    assert summary.orders == 30 and summary.exports["shipments"] == 6


def test_the_one_day_demo_is_unchanged(settings: Settings) -> None:
    summary = run_demo(settings, orders=20, exports=0)
    assert "history" not in summary.as_dict()
    with unit_of_work(settings) as s:
        days = {e.astimezone(SHANGHAI).date() for e in s.scalars(select(ClearanceEvent.at))}
        facts = s.scalars(select(StatDeclaration)).all()
        declared = s.scalar(
            select(func.count())
            .select_from(ClearanceOrder)
            .where(ClearanceOrder.inventory_doc_id.is_not(None))
        )
    assert days == {today()}
    assert len(facts) == declared and not any(f.state == "inspecting" for f in facts)  # up to date at the end
