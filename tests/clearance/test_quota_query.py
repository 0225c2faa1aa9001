"""The consumer's own quota query (个人额度查询): anonymous, by name + ID number + phone, rate-limited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cbec.api.routes import clearance as routes
from cbec.audit.models import AuditEvent
from tests.clearance.support import BUYER_NAME, BUYER_PHONE, Line, Zone, this_year
from tests.factories import make_ric


@pytest.fixture(autouse=True)
def fresh_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limiter is per process: give each test its own ten calls a minute."""
    monkeypatch.setattr(routes, "_QUOTA_LIMITER", routes._RateLimiter(limit=10, window=60.0))


def _query(zone: Zone, name: str, id_number: str, phone: str) -> tuple[int, dict[str, str]]:
    r = zone.client.post("/api/v1/quota/query", json={"name": name, "id_number": id_number, "phone": phone})
    return r.status_code, r.json()


def test_a_buyer_sees_what_is_used_and_what_remains_this_year(zone: Zone) -> None:
    buyer = make_ric(401)
    zone.send_set(zone.spec(buyer_id=buyer))
    zone.send_set(zone.spec(buyer_id=buyer, lines=(Line(qty="1", price="990"),)))
    year = str(this_year())
    status, body = _query(zone, BUYER_NAME, buyer, BUYER_PHONE)
    assert status == 200, body
    # ¥210 + ¥1,000 (goods + freight) counted
    assert body == {"year": year, "annual_limit": "26000", "used": "1210.00", "remaining": "24790.00"}
    # the audit trail records the query without the personal data
    with zone.db() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "clearance.quota_queried")).all()
        assert [(r.actor, r.data.get("found")) for r in rows] == [("anonymous:testclient", True)]
        assert buyer not in repr([(r.subject, r.data) for r in rows])


@pytest.mark.parametrize(
    ("name", "phone"),
    [(BUYER_NAME, "13900139000"), ("李四", BUYER_PHONE)],
    ids=["wrong phone", "wrong name"],
)
def test_a_wrong_name_or_phone_reveals_nothing(zone: Zone, name: str, phone: str) -> None:
    buyer = make_ric(402)
    zone.send_set(zone.spec(buyer_id=buyer))
    status, body = _query(zone, name, buyer, phone)
    assert status == 200
    assert (body["used"], body["remaining"]) == ("0", "26000")
    unknown = _query(zone, BUYER_NAME, make_ric(403), BUYER_PHONE)
    assert unknown == (200, body)  # the same answer as for a buyer who bought nothing


def test_more_than_ten_queries_a_minute_are_refused(zone: Zone) -> None:
    buyer = make_ric(404)
    for _ in range(10):
        assert _query(zone, BUYER_NAME, buyer, BUYER_PHONE)[0] == 200
    status, body = _query(zone, BUYER_NAME, buyer, BUYER_PHONE)
    assert (status, body["code"]) == (429, "RATE_LIMITED")


def test_a_cancelled_order_no_longer_counts(zone: Zone) -> None:
    buyer = make_ric(405)
    spec = zone.send_set(zone.spec(buyer_id=buyer))
    assert _query(zone, BUYER_NAME, buyer, BUYER_PHONE)[1]["used"] == "210.00"
    zone.cancel(spec, zone.lifecycle(spec.order_no)["invtNo"])
    zone.drain()
    assert _query(zone, BUYER_NAME, buyer, BUYER_PHONE)[1] == {
        "year": str(this_year()),
        "annual_limit": "26000",
        "used": "0.00",
        "remaining": "26000.00",
    }
