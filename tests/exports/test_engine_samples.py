"""The repaired official export samples, end to end through the access point and the worker."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cbec.config import Settings
from tests.exports.support_exports import BY_KEY, ExportZone, fresh_guids, repaired, replace

ORDER_NO = "order2018050711340001"
SAMPLE_INVT_NO = "86002018E000000001"
PLATFORM, SELLER, PAYER = BY_KEY["platform-1"], BY_KEY["seller-1"], BY_KEY["payment-1"]
CARRIER, AGENT, SITE = BY_KEY["logistics-1"], BY_KEY["agent-1"], BY_KEY["warehouse-1"]

SEQUENCE = (
    ("CEB303Message", PLATFORM),
    ("CEB403Message", PAYER),
    ("CEB505Message", CARRIER),
    ("CEB603Message", AGENT),
    ("CEB507Message", SITE),
    ("CEB607Message", AGENT),
    ("CEB509Message", CARRIER),
)
ANSWERS = {
    "CEB303Message": "CEB304Message",
    "CEB403Message": "CEB404Message",
    "CEB505Message": "CEB506Message",
    "CEB507Message": "CEB508Message",
    "CEB607Message": "CEB608Message",
    "CEB509Message": "CEB510Message",
}


@pytest.fixture
def zone(client: TestClient, settings: Settings, operator_key: str) -> ExportZone:
    return ExportZone(client, settings, operator_key)


def _statuses(zone: ExportZone, receipt_type: str, to: object = None) -> list[str]:
    return [r.return_status for r in zone.receipts(receipt_type, to=to) if r.return_status != "2"]  # type: ignore[arg-type]


def _check_departed(zone: ExportZone) -> str:
    order = zone.order(ORDER_NO)
    assert order.state == "departed", (order.state, order.findings)
    assert order.invt_no and order.invt_no.startswith("8600") and "E" in order.invt_no
    assert _statuses(zone, "CEB604Message", AGENT) == ["120", "800", "899"]
    for answer in ANSWERS.values():
        assert _statuses(zone, answer) == ["120"], answer
    assert order.bill_no == "784-12345675"
    return order.invt_no


def test_sent_one_by_one_the_sample_set_departs_and_is_summarised(zone: ExportZone) -> None:
    for name, sender in SEQUENCE:
        zone.send(sender, repaired(name))
        zone.drain()
    invt_no = _check_departed(zone)
    life = zone.lifecycle(PLATFORM.customs_code, ORDER_NO)
    assert [h["returnStatus"] for h in life["history"] if h["returnStatus"] in ("120", "800", "899")] == [
        "120",
        "800",
        "899",
    ]

    application = replace(repaired("CEB701Message"), SAMPLE_INVT_NO, invt_no)
    zone.send(AGENT, application)
    zone.drain()
    (answer,) = [r for r in zone.receipts("CEB702Message") if r.return_status != "2"]
    assert answer.return_status == "399", answer.return_info
    sum_no = zone.order(ORDER_NO).sum_no
    assert sum_no
    assert sum_no in str(answer.body)
    for who in (AGENT, SELLER):
        results = zone.receipts("CEB792Message", to=who)
        assert len(results) == 1, who.key
        body = results[0].body
        text = str(body)
        assert sum_no in text
        head, lines = _summary_result(body)
        assert head["sumNo"] == sum_no
        assert head["declSeqNo"]
        assert sorted((line["invtNo"], line["gnum"]) for line in lines) == [(invt_no, "1"), (invt_no, "2")]
        assert {line["gcode"] for line in lines} == {"6109100022", "3926909090"}


def _summary_result(body: dict[str, object]) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The head and result lines of a stored CEB792 body (whatever the nesting)."""

    def find(node: object, key: str) -> object:
        if isinstance(node, dict):
            if key in node:
                return node[key]
            for value in node.values():
                got = find(value, key)
                if got is not None:
                    return got
        if isinstance(node, list):
            for value in node:
                got = find(value, key)
                if got is not None:
                    return got
        return None

    head = find(body, "SummaryResultHead")
    lines = find(body, "SummaryResultList")
    assert isinstance(head, dict), body
    assert isinstance(lines, list), body
    return head, lines


def test_sent_together_and_drained_once_the_sample_set_departs(zone: ExportZone) -> None:
    for name, sender in SEQUENCE:
        zone.send(sender, repaired(name))
    zone.drain()
    _check_departed(zone)


def test_cancellation_and_return_samples(zone: ExportZone) -> None:
    for name, sender in SEQUENCE:
        zone.send(sender, repaired(name))
        zone.drain()
    invt_no = zone.order(ORDER_NO).invt_no
    assert invt_no
    # The repaired CEB605 cancels another (unknown) inventory: refused.
    zone.send(AGENT, repaired("CEB605Message"))
    zone.drain()
    assert _statuses(zone, "CEB606Message") == ["100"]
    # Cancelling the departed one is refused too.
    again = replace(repaired("CEB605Message"), "86002018E000000002", invt_no)
    zone.send(AGENT, fresh_guids(replace(again, "Cop20180507002", "Cop20180507001")))
    zone.drain()
    assert _statuses(zone, "CEB606Message") == ["100", "100"]
    assert "EXPORT_CANCEL_STATE" in zone.receipts("CEB606Message")[-1].return_info
    assert zone.order(ORDER_NO).state == "departed"
    # The return application of the departed inventory is accepted: returned.
    zone.send(SELLER, replace(repaired("CEB213Message"), SAMPLE_INVT_NO, invt_no, count=0))
    zone.send(SITE, replace(repaired("CEB215Message"), SAMPLE_INVT_NO, invt_no, count=0))
    zone.drain()
    assert zone.order(ORDER_NO).state == "returned"
