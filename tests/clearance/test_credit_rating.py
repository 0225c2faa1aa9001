"""The composite credit rating on a real archive: indicators measured from clearance, messages and
cases; ratings kept with history and reproducible; repair and objection; the report's access rules;
the grade's sampling factor; the nightly run."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cbec.audit.models import AuditEvent
from cbec.cli.main import app
from cbec.credit import archive, scores
from cbec.credit import service as credit
from cbec.credit.models import CreditScore
from cbec.credit.rating import model_for, rating_out
from cbec.kernel.dates import utc_now
from cbec.messages import receipt_codes as rc
from cbec.registry.models import Enterprise
from cbec.risk.models import AgencySignalRow
from tests.clearance.support import Zone, auth, payment_xml
from tests.factories import make_ric


def _post(zone: Zone, key: str, code: str, **body: Any) -> Any:
    r = zone.client.post(f"/api/v1/credit/{code}/facts", json=body, headers=auth(key))
    assert r.status_code == 201, r.text
    return r.json()


def _inputs(zone: Zone, code: str) -> dict[str, Any]:
    with zone.db() as session:
        enterprise = session.scalar(select(Enterprise).where(Enterprise.uscc == code))
        assert enterprise is not None
        model = model_for(archive.day_of(utc_now()))
        return archive.gather(session, [enterprise], at=utc_now(), window_days=model.window_days)[
            enterprise.id
        ]


def _rating(zone: Zone, code: str, key: str | None = None) -> dict[str, Any]:
    r = zone.client.get(f"/api/v1/credit/{code}/rating", headers=auth(key or zone.customs))
    assert r.status_code == 200, r.text
    current: dict[str, Any] = r.json()["current"]
    return current


def test_indicators_are_measured_from_the_archive(zone: Zone) -> None:
    released = [zone.send_set(zone.spec()) for _ in range(3)]
    # a payment that disagrees with its order: the set is refused at the match (三单对碰)
    bad = zone.spec()
    docs = zone.documents(bad)
    docs["payment"] = (
        zone.payer,
        payment_xml(zone.payer, zone.platform, dataclasses.replace(bad, freight="20")),
    )
    for sender, body in docs.values():
        zone.send(sender, body)
    zone.drain()
    assert zone.lifecycle(bad.order_no)["state"] == "refused"
    # the platform sends an order twice: the second is refused at the access point (a data error)
    sender, body = zone.documents(released[0])["order"]
    zone.send(sender, body, expect="-301010")
    # one released order comes back in full
    invt_no = zone.lifecycle(released[1].order_no)["invtNo"]
    zone.refund(released[1], invt_no, {1: "2"})
    zone.drain()
    assert zone.lifecycle(released[1].order_no)["state"] == "returned"

    _post(zone, zone.customs, zone.platform.uscc, kind="customs_level", value="regular", basis="认定书1")
    _post(zone, zone.agency_key("tax"), zone.platform.uscc, kind="tax_level", value="C")
    _post(zone, zone.agency_key("market"), zone.platform.uscc, kind="serious_violation", value="listed")
    found = _inputs(zone, zone.platform.uscc)
    assert found["customs_level"] == "regular"
    assert found["tax_level"] == "C"
    assert found["forex_class"] is None
    assert found["serious_violations"] == 1
    assert (found["orders_decided"], found["orders_released"]) == (4, 3)
    assert Decimal(found["refusal_rate"]) == Decimal("0.25")  # 1 of 4
    assert Decimal(found["returns_rate"]) == Decimal("0.3333")  # 1 of 3
    # the platform sent 5 order records (4 sets + the duplicate) and the 625 return; 1 refused
    assert found["records_sent"] >= 5
    assert Decimal(found["data_error_rate"]) == (Decimal(1) / Decimal(found["records_sent"])).quantize(
        Decimal("0.0001")
    )
    # the carrier took part in the same orders but sent no refused record of its own
    carrier = _inputs(zone, zone.carrier.uscc)
    assert carrier["orders_decided"] == 4 and Decimal(carrier["data_error_rate"]) == 0

    rating = _rating(zone, zone.platform.uscc)
    explanation = rating["explanation"]
    rows = {row["indicator"]: row for row in explanation["indicators"]}
    assert rows["tax_level"]["points"] == "40.00" and rows["customs_level"]["points"] == "70.00"
    # the behaviour indicators need 20 orders: too few here, so they score the model's `missing` points
    assert "数据不足" in rows["refusal_rate"]["note"]
    assert [o["id"] for o in explanation["overrides"]] == ["serious_violation_12m"]
    assert rating["grade"] in {"C", "D"}


def test_a_kept_rating_is_reproducible_from_its_inputs_and_from_the_archive_as_known_then(
    zone: Zone,
) -> None:
    _post(zone, zone.agency_key("tax"), zone.platform.uscc, kind="tax_level", value="B")
    with zone.db() as session:
        kept = session.scalars(select(CreditScore).order_by(CreditScore.computed_at.desc())).first()
        assert kept is not None
        assert rating_out(scores.reproduce(kept)) == kept.explanation
        kept_at, kept_inputs = kept.computed_at, kept.inputs
    _post(zone, zone.agency_key("tax"), zone.platform.uscc, kind="tax_level", value="D")  # later news
    with zone.db() as session:
        enterprise = session.scalar(select(Enterprise).where(Enterprise.uscc == zone.platform.uscc))
        assert enterprise is not None
        model = model_for(archive.day_of(kept_at))
        again = archive.gather(session, [enterprise], at=kept_at, window_days=model.window_days)
        assert again[enterprise.id] == kept_inputs  # the later fact was not known then
        history = scores.history(session, enterprise.id)
        assert [h.inputs["tax_level"] for h in history[:2]] == ["D", "B"]


def test_repair_changes_the_score_and_only_the_posting_agency_decides(zone: Zone) -> None:
    tax = zone.agency_key("tax")
    fact = _post(zone, tax, zone.platform.uscc, kind="tax_level", value="D", basis="税务处理决定书")
    before = _rating(zone, zone.platform.uscc)
    assert before["grade"] == "C"  # tax D caps the grade at C

    # another enterprise cannot appeal the platform's record; the platform can
    body = {"kind": "repair", "target_type": "fact", "target_id": fact["id"], "reason": "已补缴税款"}
    r = zone.client.post(
        f"/api/v1/credit/{zone.payer.uscc}/appeals", json=body, headers=auth(zone.platform.key)
    )
    assert r.status_code == 404
    r = zone.client.post(
        f"/api/v1/credit/{zone.platform.uscc}/appeals", json=body, headers=auth(zone.payer.key)
    )
    assert r.status_code == 404
    r = zone.client.post(
        f"/api/v1/credit/{zone.platform.uscc}/appeals",
        json={**body, "evidence": "完税凭证 2026-001"},
        headers=auth(zone.platform.key),
    )
    assert r.status_code == 201, r.text
    appeal = r.json()
    assert appeal["decider"] == "tax" and appeal["status"] == "pending"
    again = zone.client.post(
        f"/api/v1/credit/{zone.platform.uscc}/appeals", json=body, headers=auth(zone.platform.key)
    )
    assert again.status_code == 409 and again.json()["code"] == "APPEAL_ALREADY_PENDING"

    queue = zone.client.get("/api/v1/credit-appeals", params={"status": "pending"}, headers=auth(tax))
    assert [a["id"] for a in queue.json()] == [appeal["id"]]
    assert zone.client.get("/api/v1/credit-appeals", headers=auth(zone.customs)).json() == []

    decision = {"upheld": True, "note": "核实已补缴，准予修复"}
    r = zone.client.post(
        f"/api/v1/credit-appeals/{appeal['id']}/decide", json=decision, headers=auth(zone.customs)
    )
    assert r.status_code == 403
    r = zone.client.post(f"/api/v1/credit-appeals/{appeal['id']}/decide", json=decision, headers=auth(tax))
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["status"] == "upheld"
    assert (decided["grade_before"], decided["score_before"]) == ("C", before["score"])
    assert Decimal(decided["score_after"]) > Decimal(decided["score_before"])
    assert decided["grade_after"] != "C"
    after = _rating(zone, zone.platform.uscc)
    assert after["score"] == decided["score_after"] and after["trigger"].startswith("appeal:repair:")
    r = zone.client.post(f"/api/v1/credit-appeals/{appeal['id']}/decide", json=decision, headers=auth(tax))
    assert r.status_code == 409 and r.json()["code"] == "APPEAL_ALREADY_DECIDED"
    archive_view = zone.client.get(f"/api/v1/credit/{zone.platform.uscc}", headers=auth(tax)).json()
    assert archive_view["facts"][0]["withdrawn_at"] is not None  # kept for the record, not deleted


def test_a_rejected_objection_leaves_the_score(zone: Zone) -> None:
    fact = _post(zone, zone.customs, zone.platform.uscc, kind="customs_level", value="dishonest")
    body = {"kind": "objection", "target_type": "fact", "target_id": fact["id"], "reason": "认定有误"}
    appeal = zone.client.post(
        f"/api/v1/credit/{zone.platform.uscc}/appeals", json=body, headers=auth(zone.platform.key)
    ).json()
    r = zone.client.post(
        f"/api/v1/credit-appeals/{appeal['id']}/decide",
        json={"upheld": False, "note": "认定依据充分"},
        headers=auth(zone.customs),
    )
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["status"] == "rejected"
    assert (decided["score_before"], decided["grade_before"]) == (
        decided["score_after"],
        decided["grade_after"],
    )


def test_an_enterprise_reads_only_its_own_report(zone: Zone) -> None:
    own = zone.client.get(f"/api/v1/credit/{zone.platform.uscc}/report", headers=auth(zone.platform.key))
    assert own.status_code == 200
    assert own.headers["content-type"].startswith("text/html")
    assert zone.platform.name in own.text and 'id="grade"' in own.text and "海关企业信用等级" in own.text
    for path in ("report", "rating", "measures", ""):
        url = f"/api/v1/credit/{zone.payer.uscc}/{path}".rstrip("/")
        r = zone.client.get(url, headers=auth(zone.platform.key))
        assert r.status_code == 404, path
        assert zone.payer.name not in r.text
    assert (
        zone.client.get(f"/api/v1/credit/{zone.payer.uscc}/report", headers=auth(zone.customs)).status_code
        == 200
    )


def test_the_sampling_rate_follows_the_grade_factor(zone: Zone) -> None:
    def routine_rate() -> Decimal:
        zone.set_engine(inspection_rate=None)
        spec = zone.send_set(zone.spec())
        return Decimal(zone.lifecycle(spec.order_no)["assessment"]["sampling"]["routine_rate"])

    baseline = routine_rate()
    _post(zone, zone.agency_key("tax"), zone.platform.uscc, kind="tax_level", value="D")
    assert _rating(zone, zone.platform.uscc)["grade"] == "C"
    watched = routine_rate()
    # grade C → credit_watch (factor 3 in sampling.yaml); the customs level, when known, comes first
    assert watched == baseline * 3
    r = zone.client.get(f"/api/v1/credit/{zone.platform.uscc}/measures", headers=auth(zone.platform.key))
    assert r.json()["sampling_grade"] == "credit_watch" and r.json()["sources"]["sampling_grade"] == "grade:C"
    _post(zone, zone.customs, zone.platform.uscc, kind="customs_level", value="advanced_certified")
    assert routine_rate() < baseline


def test_the_nightly_run_rates_everyone_once_a_day(zone: Zone) -> None:
    zone.worker.sweep()
    zone.worker.sweep()
    with zone.db() as session:
        runs = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "credit.nightly")
        )
        assert runs == 1
        rated = session.scalar(select(func.count(func.distinct(CreditScore.enterprise_id))))
        filed = session.scalar(select(func.count()).select_from(Enterprise))
        assert rated == filed
    r = zone.client.get("/api/v1/credit-ratings", headers=auth(zone.customs))
    assert sum(r.json()["distribution"].values()) == filed


def test_cli_scores_with_an_explanation(zone: Zone, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBEC_DATABASE_URL", zone.settings.database_url)
    _post(zone, zone.agency_key("tax"), zone.platform.uscc, kind="tax_level", value="A")
    result = CliRunner().invoke(app, ["credit", "score", "--enterprise", zone.platform.uscc, "--explain"])
    assert result.exit_code == 0, result.output
    assert "纳税信用级别: A → 100.00" in result.output and "得分" in result.output
    english = CliRunner().invoke(
        app, ["credit", "score", "--enterprise", zone.platform.uscc, "--explain", "--en"]
    )
    assert "tax credit level: A → 100.00" in english.output
    missing = CliRunner().invoke(app, ["credit", "score", "--enterprise", "91330100MA0000000X"])
    assert missing.exit_code == 2
    recompute = CliRunner().invoke(app, ["credit", "recompute"])
    assert recompute.exit_code == 0 and "rated" in recompute.output


def test_repeated_smuggling_findings_black_list_the_enterprise_by_rule(zone: Zone) -> None:
    """listing_rules.yaml: two anti-smuggling findings in 12 months → the platform black-lists."""
    with zone.db() as session:
        enterprise = session.scalar(select(Enterprise).where(Enterprise.uscc == zone.platform.uscc))
        assert enterprise is not None
        for n in (1, 2):
            credit.record_platform_fact(
                session,
                enterprise,
                kind="inspection_finding",
                value="detained_smuggling",
                basis=f"case:test-{n}",
                note="走私嫌疑",
                actor="关员甲",
                on=archive.day_of(utc_now()),
            )
        session.commit()
    listings = zone.client.get("/api/v1/credit-lists", params={"list": "black"}, headers=auth(zone.customs))
    [listing] = listings.json()
    assert listing["source"] == "platform" and "缉私" in listing["reason"]
    rating = _rating(zone, zone.platform.uscc)
    assert rating["grade"] == "D"
    assert "black_list" in [o["id"] for o in rating["explanation"]["overrides"]]
    # the catalogue's black-list measure applies at once: the platform's new documents are refused
    sender, body = zone.documents(zone.spec())["order"]
    zone.send(sender, body, expect=rc.CREDIT_RESTRICTED)
    # the rule does not list twice; the operator (not customs) may withdraw the platform's listing
    _post(zone, zone.agency_key("tax"), zone.platform.uscc, kind="tax_level", value="B")
    assert len(zone.client.get("/api/v1/credit-lists", headers=auth(zone.customs)).json()) == 1
    url = f"/api/v1/credit-lists/{listing['id']}/withdraw"
    assert zone.client.post(url, headers=auth(zone.customs)).status_code == 403
    assert zone.client.post(url, headers=auth(zone.factory.operator_key)).status_code == 200


def test_a_buyer_who_returns_again_and_again_is_flagged_privately_for_risk(zone: Zone) -> None:
    buyer = make_ric(77)
    for _ in range(3):
        spec = zone.send_set(zone.spec(buyer_id=buyer))
        zone.refund(spec, zone.lifecycle(spec.order_no)["invtNo"], {1: "2"})
    zone.drain()
    zone.worker.sweep()  # the first sweep of the day runs the nightly credit job
    with zone.db() as session:
        flags = session.scalars(select(AgencySignalRow).where(AgencySignalRow.subject == "buyer")).all()
        assert [(f.source, f.code) for f in flags] == [("platform", "CREDIT.BUYER.RETURNS_ABUSE")]
        assert flags[0].subject_key != buyer and buyer not in flags[0].description  # keyed hash only
    # risk reads the flag on the buyer's next order
    zone.set_engine(inspection_rate=None)
    spec = zone.send_set(zone.spec(buyer_id=buyer))
    hits = [h["rule"] for h in zone.lifecycle(spec.order_no)["assessment"]["risk"]["hits"]]
    assert "RISK.AGENCY.SIGNAL" in hits
    # never shown to enterprises
    assert zone.client.get("/api/v1/risk/signals", headers=auth(zone.platform.key)).status_code == 403


def test_the_operator_enters_the_court_list_and_third_party_ratings(zone: Zone) -> None:
    operator = zone.factory.operator_key
    body = {"kind": "third_party_rating", "value": "AAA", "basis": "某信用评级公司 2026 年度评级报告"}
    r = zone.client.post(f"/api/v1/credit/{zone.platform.uscc}/facts", json=body, headers=auth(zone.customs))
    assert r.status_code == 403  # each kind has one poster
    _post(zone, operator, zone.platform.uscc, **body)
    _post(
        zone,
        operator,
        zone.platform.uscc,
        kind="court_dishonest_debtor",
        value="listed",
        basis="信用中国公示",
    )
    rows = {row["indicator"]: row for row in _rating(zone, zone.platform.uscc)["explanation"]["indicators"]}
    assert (rows["third_party_rating"]["value"], rows["third_party_rating"]["points"]) == ("AAA", "100.00")
    assert (rows["court_dishonest_debtor"]["value"], rows["court_dishonest_debtor"]["points"]) == (
        "true",
        "0.00",
    )
    r = zone.client.post(
        f"/api/v1/credit/{zone.platform.uscc}/facts", json=body, headers=auth(zone.platform.key)
    )
    assert r.status_code == 403  # never the enterprise itself
