"""Rule sets at run time: a risk officer uploads a version, customs activates it from a day, the next
clearance batch scores with it (no restart), every step is audited with what changed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cbec.audit.models import AuditEvent
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.risk.rules.catalogue import RULES_DIR
from tests.clearance.support import Zone, auth

EVERY_ORDER = """
  - id: RISK.DRILL.EVERY_ORDER
    description: 演练规则：每票申报均命中
    description_en: drill rule that every declaration hits
    reference: {document: 内部演练, title: 风险规则启用演练}
    condition: {feature: line_count, op: ">=", value: 1}
    weight: 0.1
    action: alert
"""


def _v2() -> str:
    text = (RULES_DIR / "v1.yaml").read_text(encoding="utf-8").replace("version: v1", "version: v2", 1)
    return text.rstrip("\n") + "\n" + EVERY_ORDER


def _hits(zone: Zone, order_no: str) -> tuple[str, list[str]]:
    risk = zone.lifecycle(order_no)["assessment"]["risk"]
    return risk["rule_set"], [h["rule"] for h in risk["hits"]]


def test_an_activated_rule_set_scores_the_next_batch_and_the_change_is_audited(zone: Zone) -> None:
    before = zone.send_set(zone.spec())
    version, hits = _hits(zone, before.order_no)
    assert version == "v1" and "RISK.DRILL.EVERY_ORDER" not in hits

    r = zone.client.post("/api/v1/risk/rule-sets", json={"text": _v2()}, headers=auth(zone.customs))
    assert r.status_code == 201, r.text
    uploaded = r.json()
    assert uploaded["changes"] == {"added": ["RISK.DRILL.EVERY_ORDER"], "removed": [], "changed": []}
    assert uploaded["active_from"] is None
    draft = zone.send_set(zone.spec())
    assert _hits(zone, draft.order_no)[0] == "v1"  # a draft scores nothing

    # the operator may upload but not activate; customs activates from today
    r = zone.client.post(
        "/api/v1/risk/rule-sets/v2/activate", json={}, headers=auth(zone.factory.operator_key)
    )
    assert r.status_code == 403
    r = zone.client.post("/api/v1/risk/rule-sets/v2/activate", json={}, headers=auth(zone.customs))
    assert r.status_code == 200, r.text
    after = zone.send_set(zone.spec())
    version, hits = _hits(zone, after.order_no)
    assert version == "v2" and "RISK.DRILL.EVERY_ORDER" in hits
    assert set(hits) - {"RISK.DRILL.EVERY_ORDER"} == set(_hits(zone, before.order_no)[1])
    assert _hits(zone, before.order_no)[0] == "v1"  # a past decision keeps the version it used

    listing = zone.client.get("/api/v1/risk/rule-sets", headers=auth(zone.customs)).json()
    assert listing["in_force"]["version"] == "v2"
    with zone.db() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.subject == "rule_set:v2").order_by(AuditEvent.id)
        ).all()
    assert [e.action for e in events] == ["risk.rule_set_uploaded", "risk.rule_set_activated"]
    assert events[0].data["added"] == ["RISK.DRILL.EVERY_ORDER"]
    assert events[1].data["replaces"] == "v1"
    assert events[1].actor and events[0].data["sha256"] == uploaded["sha256"]


def test_bad_rule_sets_and_bad_activations_are_refused(zone: Zone) -> None:
    def upload(text: str) -> tuple[int, str]:
        r = zone.client.post("/api/v1/risk/rule-sets", json={"text": text}, headers=auth(zone.customs))
        return r.status_code, r.json().get("code", "")

    assert upload("rules: [oops") == (422, "RULE_SET_INVALID")  # not YAML
    assert upload(_v2().replace('op: ">="', 'op: "~~"', 1)) == (422, "RULE_SET_INVALID")
    assert upload(_v2().replace("version: v2", "version: v1", 1)) == (409, "RULE_SET_VERSION_TAKEN")
    r = zone.client.post("/api/v1/risk/rule-sets", json={"text": _v2()}, headers=auth(zone.agent.key))
    assert r.status_code == 403
    assert upload(_v2()) == (201, "")
    assert upload(_v2()) == (409, "RULE_SET_VERSION_TAKEN")  # a change is a new version

    yesterday = (utc_now().astimezone(SHANGHAI).date() - timedelta(days=1)).isoformat()
    r = zone.client.post(
        "/api/v1/risk/rule-sets/v2/activate", json={"active_from": yesterday}, headers=auth(zone.customs)
    )
    assert (r.status_code, r.json()["code"]) == (422, "VALIDATION_FAILED")  # decisions are not rewritten
    r = zone.client.post("/api/v1/risk/rule-sets/v9/activate", json={}, headers=auth(zone.customs))
    assert r.status_code == 404
    tomorrow = (utc_now().astimezone(SHANGHAI).date() + timedelta(days=1)).isoformat()
    r = zone.client.post(
        "/api/v1/risk/rule-sets/v2/activate", json={"active_from": tomorrow}, headers=auth(zone.customs)
    )
    assert r.status_code == 200, r.text
    spec = zone.send_set(zone.spec())
    assert _hits(zone, spec.order_no)[0] == "v1"  # not yet in force
    r = zone.client.post("/api/v1/risk/rule-sets/v2/activate", json={}, headers=auth(zone.customs))
    assert (r.status_code, r.json()["code"]) == (409, "RULE_SET_ALREADY_ACTIVE")
