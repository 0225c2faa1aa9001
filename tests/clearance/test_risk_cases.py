"""The risk hook in clearance: split orders raise an alert, an officer works it as a case, the case
drives the declaration's outcome; every inspected declaration says why."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from cbec.clearance.models import ClearanceOrder
from cbec.cli.main import app
from tests.clearance.support import Line, Zone, auth
from tests.factories import make_ric

NEAR_LIMIT = Line(qty="2", price="2400")  # ¥4,800 + ¥10 freight: just under the ¥5,000 single limit


def _alerts(zone: Zone) -> list[dict[str, object]]:
    r = zone.client.get("/api/v1/risk/alerts", headers=auth(zone.customs))
    assert r.status_code == 200, r.text
    alerts: list[dict[str, object]] = r.json()
    return alerts


def test_split_orders_raise_an_alert_and_the_case_drives_the_outcome(zone: Zone) -> None:
    zone.set_engine(inspection_rate=Decimal(1))  # every accepted inventory goes to inspection
    buyer = make_ric(401)
    specs = [zone.send_set(zone.spec(lines=(NEAR_LIMIT,), buyer_id=buyer)) for _ in range(3)]
    alerts = [a for a in _alerts(zone) if a["rule"] == "RISK.SPLIT.NEAR_LIMIT"]
    assert alerts, "three orders just under the limit in a week must raise the split-order alert"
    third = zone.lifecycle(specs[-1].order_no)
    assert third["state"] == "inspecting"
    hits = [h["rule"] for h in third["assessment"]["risk"]["hits"]]
    assert "RISK.SPLIT.NEAR_LIMIT" in hits
    assert third["assessment"]["sampling"]["explanation"]  # why it was inspected, in words
    # A normal single order of another buyer raises no split alert.
    other = zone.send_set(zone.spec(buyer_id=make_ric(402)))
    assert "RISK.SPLIT.NEAR_LIMIT" not in [
        h["rule"] for h in zone.lifecycle(other.order_no)["assessment"]["risk"]["hits"]
    ]

    alert = alerts[0]
    r = zone.client.post(
        "/api/v1/risk/cases",
        json={"alert_ids": [alert["id"]], "assigned_to": "关员甲"},
        headers=auth(zone.customs),
    )
    assert r.status_code == 201, r.text
    case = r.json()
    # only customs closes a case
    denied = zone.client.post(
        f"/api/v1/risk/cases/{case['id']}/close", json={"result": "clean"}, headers=auth(zone.agent.key)
    )
    assert denied.status_code == 403
    r = zone.client.post(
        f"/api/v1/risk/cases/{case['id']}/close",
        json={
            "result": "detained_other",
            "findings": [{"kind": "misdeclared_value", "note": "拆单规避限值"}],
            "revenue_found": "1234.50",
        },
        headers=auth(zone.customs),
    )
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["status"] == "closed"
    assert closed["result"] == "detained_other"
    assert closed["revenue_found"] == "1234.50"
    with zone.db() as session:
        order = session.get(ClearanceOrder, alert["order_id"])
        assert order is not None
        assert (order.state, order.return_status) == ("detained", "599")
    assert [a["status"] for a in _alerts(zone) if a["id"] == alert["id"]] == []  # no longer open
    # the finding is a credit fact of the seller, from the platform, with the case as its basis
    archive = zone.client.get(
        f"/api/v1/credit/{zone.platform.customs_code}", headers=auth(zone.customs)
    ).json()
    finding = archive["in_force"]["inspection_finding"]
    assert (finding["source"], finding["value"], finding["basis"]) == (
        "platform",
        "detained_other",
        f"case:{case['id']}",
    )
    assert "misdeclared_value" in finding["note"]
    again = zone.client.post(
        f"/api/v1/risk/cases/{case['id']}/close", json={"result": "clean"}, headers=auth(zone.customs)
    )
    assert again.status_code == 422


def test_every_decided_inventory_carries_its_risk_assessment(zone: Zone) -> None:
    spec = zone.send_set(zone.spec())
    life = zone.lifecycle(spec.order_no)
    assert life["state"] == "released"
    risk = life["assessment"]["risk"]
    assert 0 <= float(risk["score"]) <= 1
    assert life["assessment"]["sampling"]["inspect"] is False
    with zone.db() as session:
        rows = session.scalars(select(ClearanceOrder).where(ClearanceOrder.order_no == spec.order_no)).all()
        assert rows[0].inspection_path is None


def test_a_ring_of_buyer_ids_at_one_address_is_alerted_and_a_household_is_not(zone: Zone) -> None:
    # Two people of one household: no ring.
    for seed in (501, 502):
        zone.send_set(zone.spec(buyer_id=make_ric(seed)))
    assert not [a for a in _alerts(zone) if a["rule"] == "RISK.ID.SHARED_ADDRESS"]
    # Many different buyer IDs shipping to the same address within days: a borrowed-ID ring.
    for seed in range(503, 510):
        zone.send_set(zone.spec(buyer_id=make_ric(seed)))
    ring = [a for a in _alerts(zone) if a["rule"] == "RISK.ID.SHARED_ADDRESS"]
    assert ring, "seven buyer IDs on one address must raise the shared-address alert"


def test_cli_lists_alerts_and_works_a_case(zone: Zone, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBEC_DATABASE_URL", zone.settings.database_url)
    zone.set_engine(inspection_rate=Decimal(1))
    buyer = make_ric(403)
    for _ in range(3):
        zone.send_set(zone.spec(lines=(NEAR_LIMIT,), buyer_id=buyer))
    runner = CliRunner()
    listed = runner.invoke(app, ["risk", "alerts"])
    assert listed.exit_code == 0, listed.output
    alert = next(a for a in _alerts(zone) if a["rule"] == "RISK.SPLIT.NEAR_LIMIT")
    assert f"{alert['id']}  open" in listed.output

    opened = runner.invoke(app, ["risk", "case-open", str(alert["id"]), "--assign", "关员乙"])
    assert opened.exit_code == 0, opened.output
    case_id = opened.output.split()[1]
    bad = runner.invoke(app, ["risk", "case-close", case_id, "--result", "maybe"])
    assert bad.exit_code == 2 and "invalid input" in bad.output
    closed = runner.invoke(
        app,
        [
            "risk",
            "case-close",
            case_id,
            "--result",
            "sent_back",
            "--finding",
            "quantity_mismatch:少件",
            "--revenue",
            "12.5",
        ],
    )
    assert closed.exit_code == 0, closed.output
    with zone.db() as session:
        order = session.get(ClearanceOrder, alert["order_id"])
        assert order is not None
        assert (order.state, order.return_status) == ("sent_back", "700")
    again = runner.invoke(app, ["risk", "case-close", case_id, "--result", "clean"])
    assert again.exit_code == 2 and "INVALID_STATUS_CHANGE" in again.output
