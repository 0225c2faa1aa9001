"""Shared helpers of the export-engine integration tests: the kunming demo enterprises filed with API
keys, sending over HTTP as each enterprise, draining the worker, and reading receipts and lifecycles."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.config import Settings
from cbec.demo.exports import DemoExport, demo_export_orders, demo_summary_application
from cbec.demo.generator import DemoEnterprise, demo_enterprises
from cbec.exports.models import ExportOrder
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.messages.models import Receipt
from cbec.registry import repository as registry_repo
from cbec.registry import service as registry
from cbec.registry.schemas import EnterpriseCreate
from cbec.store.session import session_factory, unit_of_work
from cbec.zones import load_zone

REPAIRED = Path(__file__).parents[1] / "messages" / "ceb" / "fixtures" / "repaired"
ZONE = load_zone("kunming")
FIRMS = demo_enterprises(ZONE)
BY_KEY = {e.key: e for e in FIRMS}
BY_CODE = {e.customs_code: e for e in FIRMS}


def auth_header(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def repaired(name: str) -> bytes:
    return (REPAIRED / f"{name}.xml").read_bytes()


def replace(body: bytes, old: str, new: str, *, count: int = 1) -> bytes:
    """``body`` with ``old`` replaced by ``new``; ``old`` must occur (``count`` 0 = every occurrence)."""
    text = body.decode()
    assert old in text, old
    return text.replace(old, new, count if count else -1).encode()


def set_element(body: bytes, name: str, value: str, *, count: int = 1) -> bytes:
    """Set the first ``count`` ``<ceb:name>`` elements (0 = all) to ``value``."""
    text, n = re.subn(
        rf"<ceb:{name}>[^<]*</ceb:{name}>", f"<ceb:{name}>{value}</ceb:{name}>", body.decode(), count=count
    )
    assert n, name
    return text.encode()


def element(body: bytes, name: str) -> str:
    found = re.search(rf"<ceb:{name}>([^<]*)</ceb:{name}>", body.decode())
    assert found, name
    return found.group(1)


_GUID = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")


def fresh_guids(body: bytes) -> bytes:
    """``body`` with every (message and record) guid replaced by a new one, for an edited resend."""
    return _GUID.sub(lambda _m: str(uuid.uuid4()).upper(), body.decode()).encode()


def this_month() -> date:
    return utc_now().astimezone(SHANGHAI).date().replace(day=1)


class ExportZone:
    """The kunming demo enterprises filed (each with an API key), an operator key, a drained worker."""

    def __init__(
        self, client: TestClient, settings: Settings, operator_key: str, *, skip: tuple[str, ...] = ()
    ) -> None:
        self.client = client
        self.settings = settings
        self.operator_key = operator_key
        self.keys: dict[str, str] = {}  # customs code → API key
        self.ids: dict[str, str] = {}  # customs code → enterprise id
        ordered = sorted(FIRMS, key=lambda e: e.overseas)
        with unit_of_work(settings) as session:
            for e in ordered:
                if e.key in skip:
                    continue
                filing = registry_repo.by_code(session, e.customs_code)
                if filing is None:
                    filing = registry.file_enterprise(
                        session,
                        EnterpriseCreate(
                            uscc=e.uscc,
                            customs_code=e.customs_code,
                            name=e.name,
                            name_en=e.name_en,
                            roles=list(e.roles),
                            dxp_id=e.dxp_id,
                            contact_name=e.contact_name,
                            contact_phone=e.contact_phone,
                            address=e.address,
                            park=e.park,
                            country=e.country,
                            overseas=e.overseas,
                            agent_code=e.agent_code,
                        ),
                        actor="test",
                    )
                _row, key = auth.create_key(
                    session,
                    name=f"{e.name} (test)",
                    role=CallerRole.enterprise,
                    enterprise=filing,
                    created_by="test",
                )
                self.keys[e.customs_code] = key
                self.ids[e.customs_code] = filing.id

    # -- sending ----------------------------------------------------------------------------------

    def key(self, who: DemoEnterprise | str) -> str:
        return self.keys[who if isinstance(who, str) else who.customs_code]

    def send(self, sender: DemoEnterprise, body: bytes, *, expect: str = "2") -> str:
        """POST one message as ``sender``; returns the access point's answer (asserting its status)."""
        r = self.client.post(
            "/api/v1/messages",
            content=body,
            headers={**auth_header(self.key(sender)), "Content-Type": "application/xml"},
        )
        assert r.status_code < 300, r.text  # noqa: PLR2004
        assert (
            f"<returnStatus>{expect}</returnStatus>" in r.text
            or f'"returnStatus":"{expect}"' in r.text.replace(" ", "")
        ), r.text
        return str(r.text)

    def send_set(self, shipment: DemoExport, *, skip: tuple[str, ...] = (), upto: str | None = None) -> None:
        for kind, sender, body in shipment.messages():
            if kind in skip:
                continue
            self.send(sender, body)
            if kind == upto:
                break

    def drain(self) -> None:
        self.client.app.state.worker.drain()  # type: ignore[attr-defined]

    # -- reading ------------------------------------------------------------------------------------

    @contextmanager
    def db(self) -> Iterator[Session]:
        session = session_factory(self.settings)()
        try:
            yield session
        finally:
            session.close()

    def order(self, order_no: str) -> ExportOrder:
        with self.db() as s:
            return s.scalars(select(ExportOrder).where(ExportOrder.order_no == order_no)).one()

    def order_of(self, ebc_code: str, order_no: str) -> ExportOrder:
        with self.db() as s:
            return s.scalars(
                select(ExportOrder).where(ExportOrder.ebc_code == ebc_code, ExportOrder.order_no == order_no)
            ).one()

    def receipts(self, message_type: str | None = None, *, to: DemoEnterprise | None = None) -> list[Receipt]:
        with self.db() as s:
            query = select(Receipt).order_by(Receipt.id)
            if message_type:
                query = query.where(Receipt.receipt_type == message_type)
            if to is not None:
                query = query.where(Receipt.recipient_enterprise_id == self.ids[to.customs_code])
            return list(s.scalars(query))

    def feed(self, who: DemoEnterprise, receipt_type: str) -> list[dict[str, Any]]:
        """Every receipt of a type in ``who``'s feed over HTTP (paged)."""
        items: list[dict[str, Any]] = []
        since = "0"
        while True:
            r = self.client.get(
                "/api/v1/receipts",
                params={"since": since, "type": receipt_type, "limit": 1000},
                headers=auth_header(self.key(who)),
            )
            assert r.status_code == 200, r.text  # noqa: PLR2004
            page = r.json()
            items += page["items"]
            if not page["has_more"]:
                return items
            since = page["next_cursor"]

    def lifecycle(self, ebp_code: str, order_no: str, key: str | None = None) -> dict[str, Any]:
        r = self.client.get(
            f"/api/v1/exports/{ebp_code}/{order_no}", headers=auth_header(key or self.operator_key)
        )
        assert r.status_code == 200, r.text  # noqa: PLR2004
        return r.json()  # type: ignore[no-any-return]


def shipments(n: int = 40, seed: int = 7, now: datetime | None = None) -> list[DemoExport]:
    """Demo shipments placed in the last days (so that release happens this month)."""
    return list(demo_export_orders(ZONE, FIRMS, n=n, seed=seed, now=now or utc_now()))


def summary_application(consignor: DemoEnterprise, agent: DemoEnterprise, month: date | None = None) -> bytes:
    """A CEB701 for ``month`` (default: this month, which is not over: appTime is set back to now)."""
    month = month or this_month()
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    later = datetime(following.year, following.month, following.day, 1, tzinfo=SHANGHAI) + timedelta(hours=1)
    body = demo_summary_application(consignor, month, agent=agent, now=max(later, utc_now()))
    return set_element(body, "appTime", utc_now().astimezone(SHANGHAI).strftime("%Y%m%d%H%M%S"))


__all__ = ["UTC"]
