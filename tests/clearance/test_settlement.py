"""汇总征税: after the return window a released inventory is settled, closed (899) and the guarantee restored."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from cbec.clearance.models import ClearanceOrder, Guarantee, GuaranteeEntry
from cbec.clearance.service import EngineSettings
from cbec.config import Settings
from cbec.kernel.dates import utc_now
from cbec.store.session import unit_of_work
from tests.clearance.test_engine import Zone
from tests.factories import Factory


def test_released_orders_are_settled_and_closed_after_the_window(
    factory: Factory, client: TestClient, settings: Settings
) -> None:
    zone = Zone(factory, client)
    worker = client.app.state.worker  # type: ignore[attr-defined]
    worker.engine.settings = EngineSettings(inspection_rate=Decimal(0))
    for sender, body in zone.documents("SET0001").values():
        zone.send(sender, body)
    worker.drain()
    with unit_of_work(settings) as session:
        order = session.scalars(select(ClearanceOrder).where(ClearanceOrder.order_no == "SET0001")).one()
        assert order.state == "released"
        tax = order.tax_total
        assert tax is not None and tax > 0
        [guarantee] = session.scalars(select(Guarantee)).all()
        assert guarantee.balance == Decimal("100000") - tax
    worker.sweep()  # inside the window: nothing happens
    assert zone.lifecycle("SET0001")["state"] == "released"
    with unit_of_work(settings) as session:
        session.execute(
            update(ClearanceOrder)
            .where(ClearanceOrder.order_no == "SET0001")
            .values(released_at=utc_now() - timedelta(days=31))
        )
    worker.sweep()
    worker.sweep()  # settling twice changes nothing
    life = zone.lifecycle("SET0001")
    assert life["state"] == "closed"
    assert life["returnStatus"] == "899"
    with unit_of_work(settings) as session:
        [guarantee] = session.scalars(select(Guarantee)).all()
        assert guarantee.balance == Decimal("100000")
        kinds = [e.kind for e in session.scalars(select(GuaranteeEntry).order_by(GuaranteeEntry.id))]
        assert kinds == ["lodged", "debit", "settled"]
    feed = client.get(
        "/api/v1/receipts?since=0&type=CEB818Message", headers={"Authorization": f"Bearer {zone.agent.key}"}
    )
    assert [i["return_status"] for i in feed.json()["items"]] == ["1", "2"]
