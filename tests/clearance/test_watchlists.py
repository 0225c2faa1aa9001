"""The product-safety list and agency signals: posted by agencies through the API, read by the risk
rules in the clearance batch, withdrawn (never deleted) — and a buyer is never named back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from cbec.clearance.service import EngineSettings
from cbec.risk.models import AgencySignalRow
from tests.clearance.support import Line, Zone, auth
from tests.factories import make_ric


def _hits(zone: Zone, order_no: str) -> list[str]:
    risk: dict[str, Any] = zone.lifecycle(order_no)["assessment"]["risk"]
    return [h["rule"] for h in risk["hits"]]


def test_a_listed_product_must_be_inspected_and_raises_an_alert(zone: Zone) -> None:
    market = zone.agency_key("market")
    r = zone.client.post(
        "/api/v1/risk/safety-list",
        json={
            "reason": "婴幼儿配方乳粉召回",
            "reference": "市场监管总局召回公告2026-01",
            "hs_prefix": "190110",
        },
        headers=auth(market),
    )
    assert r.status_code == 201, r.text
    entry = r.json()
    assert (entry["source"], entry["hs_prefix"]) == ("market", "190110")

    # the differentiated sampling decides (no forced rate): a must-inspect hit is mandatory
    zone.engine.settings = EngineSettings(match_wait=timedelta(hours=24), inspection_rate=None)
    listed = zone.send_set(zone.spec(lines=(Line(gcode="1901101090"),)))
    life = zone.lifecycle(listed.order_no)
    assert "RISK.GOODS.SAFETY_LIST" in _hits(zone, listed.order_no)
    assert life["state"] == "inspecting"
    assert life["assessment"]["sampling"]["path"] == "mandatory"
    alerts = zone.client.get("/api/v1/risk/alerts", headers=auth(zone.customs)).json()
    assert any(a["rule"] == "RISK.GOODS.SAFETY_LIST" for a in alerts)

    other = zone.send_set(zone.spec(lines=(Line(gcode="3304990099"),)))
    assert "RISK.GOODS.SAFETY_LIST" not in _hits(zone, other.order_no)

    # withdrawn: kept for the record, no longer applied
    r = zone.client.post(f"/api/v1/risk/safety-list/{entry['id']}/withdraw", headers=auth(market))
    assert r.status_code == 200, r.text
    assert r.json()["withdrawn_at"]
    later = zone.send_set(zone.spec(lines=(Line(gcode="1901101090"),)))
    assert "RISK.GOODS.SAFETY_LIST" not in _hits(zone, later.order_no)
    listed_now = zone.client.get("/api/v1/risk/safety-list", headers=auth(zone.customs)).json()
    assert entry["id"] not in [e["id"] for e in listed_now]
    everything = zone.client.get(
        "/api/v1/risk/safety-list", params={"in_force": "false"}, headers=auth(zone.customs)
    ).json()
    assert entry["id"] in [e["id"] for e in everything]


def test_safety_entries_are_checked_and_only_market_or_customs_post_them(zone: Zone) -> None:
    market = zone.agency_key("market")
    cases = [
        {"reason": "无条码", "barcode": "无"},  # "no barcode" would match every product without one
        {"reason": "无匹配条件"},
        {"reason": "错误税号", "hs_prefix": "19A"},
        {"reason": "日期", "brand": "某牌", "effective_from": "2026-05-01", "expires_on": "2026-04-01"},
    ]
    for body in cases:
        r = zone.client.post("/api/v1/risk/safety-list", json=body, headers=auth(market))
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == "VALIDATION_FAILED"
    tax = zone.agency_key("tax")
    for key in (tax, zone.agent.key):
        r = zone.client.post(
            "/api/v1/risk/safety-list", json={"reason": "x", "brand": "某牌"}, headers=auth(key)
        )
        assert r.status_code == 403, r.text
    r = zone.client.get("/api/v1/risk/safety-list", headers=auth(zone.agent.key))
    assert r.status_code == 403  # enterprises do not read the regulators' list


def test_an_agency_signal_on_a_buyer_is_scored_without_keeping_the_id_number(zone: Zone) -> None:
    tax = zone.agency_key("tax")
    buyer = make_ric(733)
    r = zone.client.post(
        "/api/v1/risk/signals",
        json={
            "subject": "buyer",
            "buyer_id_number": buyer,
            "code": "ID_REPORTED_STOLEN",
            "description": "公安通报身份证件被冒用",
        },
        headers=auth(tax),
    )
    assert r.status_code == 201, r.text
    signal = r.json()
    assert signal["subject_key"] is None  # the buyer is not named back
    with zone.db() as session:
        row = session.scalars(select(AgencySignalRow).where(AgencySignalRow.id == signal["id"])).one()
        assert buyer not in row.subject_key  # only the keyed hash is stored
        assert row.subject_key == zone.engine.cipher.lookup_hash(buyer)

    flagged = zone.send_set(zone.spec(buyer_id=buyer))
    assert "RISK.AGENCY.SIGNAL" in _hits(zone, flagged.order_no)
    clean = zone.send_set(zone.spec(buyer_id=make_ric(734)))
    assert "RISK.AGENCY.SIGNAL" not in _hits(zone, clean.order_no)

    # another agency may not withdraw tax's signal; tax may
    r = zone.client.post(f"/api/v1/risk/signals/{signal['id']}/withdraw", headers=auth(zone.customs))
    assert r.status_code == 403
    r = zone.client.post(f"/api/v1/risk/signals/{signal['id']}/withdraw", headers=auth(tax))
    assert r.status_code == 200, r.text
    again = zone.send_set(zone.spec(buyer_id=buyer))
    assert "RISK.AGENCY.SIGNAL" not in _hits(zone, again.order_no)


def test_an_agency_signal_on_an_enterprise_applies_to_its_declarations(zone: Zone) -> None:
    market = zone.agency_key("market")
    body = {
        "subject": "enterprise",
        "enterprise_code": zone.platform.customs_code,
        "code": "ABNORMAL_OPERATION",
    }
    r = zone.client.post("/api/v1/risk/signals", json=body, headers=auth(market))
    assert r.status_code == 201, r.text
    assert r.json()["subject_key"] == zone.platform.customs_code
    spec = zone.send_set(zone.spec())
    assert "RISK.AGENCY.SIGNAL" in _hits(zone, spec.order_no)
    # the subject must match its key; enterprises and the operator do not post signals
    bad = {"subject": "enterprise", "buyer_id_number": make_ric(735), "code": "X"}
    r = zone.client.post("/api/v1/risk/signals", json=bad, headers=auth(market))
    assert (r.status_code, r.json()["code"]) == (422, "VALIDATION_FAILED")
    for key in (zone.agent.key, zone.factory.operator_key):
        assert zone.client.post("/api/v1/risk/signals", json=body, headers=auth(key)).status_code == 403
