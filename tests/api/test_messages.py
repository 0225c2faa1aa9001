"""The access point over HTTP, as an outside client: the acceptance checks of the foundation issue."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from fastapi.testclient import TestClient
from lxml import etree

from cbec.messages.ceb import build_xml
from tests.factories import Factory, Filed, ceb311, ceb411, ceb511, make_ric, new_guid

NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}
XML = {"Content-Type": "application/xml"}


def _auth(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def statuses(body: bytes) -> list[tuple[str, str]]:
    """(returnStatus, returnInfo) of every return record in a receipt message."""
    root = etree.fromstring(body)
    return [
        (
            el.findtext("ceb:returnStatus", namespaces=NS) or "",
            el.findtext("ceb:returnInfo", namespaces=NS) or "",
        )
        for el in root
        if el.find("ceb:returnStatus", namespaces=NS) is not None
    ]


class Parties:
    def __init__(self, factory: Factory) -> None:
        self.platform = factory.file("杭州某某跨境电商平台有限公司", ["ebp", "ebc"])
        self.payer = factory.file("某某支付有限公司", ["payment"])
        self.carrier = factory.file("某某国际物流有限公司", ["logistics"])


def post(
    client: TestClient,
    sender: Filed,
    body: bytes,
    path: str = "/api/v1/messages",
    ctype: str = "application/xml",
):  # type: ignore[no-untyped-def]
    return client.post(path, content=body, headers=_auth(sender.key, **{"Content-Type": ctype}))


def test_three_documents_accepted_duplicate_refused_resend_idempotent(
    factory: Factory, client: TestClient
) -> None:
    check_three_documents_flow(factory, client)


def check_three_documents_flow(factory: Factory, client: TestClient) -> None:
    """The issue's acceptance flow; also run against a live server process in test_durability."""
    p = Parties(factory)
    order_guid = new_guid()
    order = ceb311(p.platform, p.platform, p.payer, order_no="ORDER0001", guid=order_guid)
    r = post(client, p.platform, order)
    assert r.status_code == 200, r.text
    assert etree.fromstring(r.content).tag == "{http://www.chinaport.gov.cn/ceb}CEB312Message"
    assert [s for s, _ in statuses(r.content)] == ["2"]
    first_receipt = r.content

    r = post(client, p.payer, ceb411(p.payer, p.platform, order_no="ORDER0001"))
    assert [s for s, _ in statuses(r.content)] == ["2"], r.text
    r = post(client, p.carrier, ceb511(p.carrier, order_no="ORDER0001", logistics_no="LP0001"))
    assert [s for s, _ in statuses(r.content)] == ["2"], r.text

    # The same order number under a new message guid: duplicate order.
    r = post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="ORDER0001"))
    assert r.status_code == 200
    [(status, info)] = statuses(r.content)
    assert status == "-301010" and "DUPLICATE_BUSINESS_KEY" in info

    # The first message resent unchanged: the original receipt, byte for byte.
    r = post(client, p.platform, order)
    assert r.status_code == 200 and r.content == first_receipt

    # The same guid with other bytes is refused.
    changed = order.replace(b"ORDER0001", b"ORDER0002")
    r = post(client, p.platform, changed)
    assert r.status_code == 409 and r.json()["code"] == "MESSAGE_GUID_REUSED"

    # Receipts back by guid and by feed.
    r = client.get(f"/api/v1/receipts?guid={order_guid}", headers=_auth(p.platform.key))
    items = r.json()["items"]
    assert [i["return_status"] for i in items] == ["2"] and items[0]["receipt_type"] == "CEB312Message"
    feed = client.get("/api/v1/receipts?since=0", headers=_auth(p.platform.key)).json()
    assert [i["return_status"] for i in feed["items"]] == ["2", "-301010"]
    after = client.get(f"/api/v1/receipts?since={feed['next_cursor']}", headers=_auth(p.platform.key)).json()
    assert after["items"] == [] and after["has_more"] is False
    # Another enterprise sees none of them.
    assert client.get(f"/api/v1/receipts?guid={order_guid}", headers=_auth(p.payer.key)).json()["items"] == []
    # A payment sent with another enterprise's key is refused; an XXE payload gets a 4xx.
    r = post(client, p.carrier, ceb411(p.payer, p.platform, order_no="ORDER0001"))
    assert r.status_code == 403
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    r = post(client, p.platform, xxe)
    assert 400 <= r.status_code < 500


def test_payment_with_another_enterprises_key_is_403(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    r = post(client, p.carrier, ceb411(p.payer, p.platform, order_no="O1"))
    assert r.status_code == 403 and r.json()["code"] == "SENDER_ROLE_MISMATCH"
    other_payer = factory.file("另一支付公司", ["payment"])
    r = post(client, other_payer, ceb411(p.payer, p.platform, order_no="O1"))
    assert r.status_code == 403 and r.json()["code"] == "SENDER_COP_CODE_MISMATCH"
    # copCode is the caller but the record names another payment company: refused record.
    r = post(client, other_payer, ceb411(p.payer, p.platform, order_no="O1", cop=other_payer))
    [(status, info)] = statuses(r.content)
    assert status == "-10101" and "SENDER_NOT_RESPONSIBLE_PARTY" in info


def test_xxe_and_billion_laughs_are_refused(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&x;'
        b"</ceb:CEB311Message>"
    )
    r = post(client, p.platform, xxe)
    assert r.status_code == 400 and r.json()["code"] == "MESSAGE_UNSAFE"
    assert "root:" not in r.text
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'
    )
    r = post(client, p.platform, lol)
    assert r.status_code == 400 and r.json()["code"] == "MESSAGE_UNSAFE"


def test_garbage_and_oversized_bodies(factory: Factory, client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    p = Parties(factory)
    r = post(client, p.platform, b"\x00\x01 not xml", ctype="application/octet-stream")
    assert r.status_code in (400, 415)
    r = post(client, p.platform, b"<unclosed")
    assert r.status_code == 400 and r.json()["code"] == "MESSAGE_UNREADABLE"
    big = b"<a>" + b"x" * (settings.max_message_bytes + 1) + b"</a>"
    r = post(client, p.platform, big)
    assert r.status_code == 413 and r.json()["code"] == "PAYLOAD_TOO_LARGE"


def test_json_in_json_out(factory: Factory, client: TestClient) -> None:
    from cbec.messages.ceb import parse_xml

    p = Parties(factory)
    doc = parse_xml(ceb311(p.platform, p.platform, p.payer, order_no="JSON0001")).to_json()
    r = client.post("/api/v1/messages", json=doc, headers=_auth(p.platform.key))
    assert r.status_code == 200, r.text
    body = r.json()
    returns = body["CEB312Message"]["OrderReturn"]
    assert [x["returnStatus"] for x in returns] == ["2"]


def test_dxp_envelope_is_unwrapped(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    inner = ceb311(p.platform, p.platform, p.payer, order_no="DXP0001")
    dxp = f"""<?xml version="1.0" encoding="UTF-8"?>
<dxp:DxpMsg ver="1.0" xmlns:dxp="http://www.chinaport.gov.cn/dxp" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dxp:TransInfo><dxp:CopMsgId>{new_guid()}</dxp:CopMsgId><dxp:SenderId>{p.platform.dxp_id}</dxp:SenderId>
<dxp:ReceiverIds><dxp:ReceiverId>DXPEDCCEB0000002</dxp:ReceiverId></dxp:ReceiverIds>
<dxp:CreatTime>2026-03-01T12:00:00</dxp:CreatTime><dxp:MsgType>CEB311Message</dxp:MsgType></dxp:TransInfo>
<dxp:Data>{base64.b64encode(inner).decode()}</dxp:Data></dxp:DxpMsg>""".encode()
    r = post(client, p.platform, dxp)
    assert r.status_code == 200, r.text
    assert [s for s, _ in statuses(r.content)] == ["2"]


def test_field_rule_failures_name_every_finding(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    bad = ceb311(p.platform, p.platform, p.payer, order_no="BAD0001", buyer_id="110101199003070000")
    bad = bad.replace(b"<ceb:totalPrice>200</ceb:totalPrice>", b"<ceb:totalPrice>199</ceb:totalPrice>")
    r = post(client, p.platform, bad)
    [(status, info)] = statuses(r.content)
    assert status == "-301008"
    assert "[Code:" in info and info.count("[Code:") >= 2


def test_suspended_sender_is_refused_with_a_clear_code(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    client.patch(
        f"/api/v1/enterprises/{p.platform.uscc}",
        json={"status": "suspended", "reason": "整改"},
        headers=_auth(factory.operator_key),
    )
    r = post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="SUSP0001"))
    [(status, _info)] = statuses(r.content)
    assert status == "-10103"


def test_unfiled_party_is_refused(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    ghost = Filed("91330100000000000X", "3301999999", "未备案支付公司", "", "")
    r = post(client, p.platform, ceb311(p.platform, p.platform, ghost, order_no="GHOST0001"))
    [(status, info)] = statuses(r.content)
    assert status == "-10102" and "3301999999" in info


def test_modify_and_delete(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="MOD0001"))
    r = post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="MOD0001", app_type="2"))
    assert [s for s, _ in statuses(r.content)] == ["2"]
    r = post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="MOD0001", app_type="3"))
    assert [s for s, _ in statuses(r.content)] == ["2"]
    # Deleted: the number is free again.
    r = post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="MOD0001"))
    assert [s for s, _ in statuses(r.content)] == ["2"]
    r = post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="NONE0001", app_type="2"))
    assert [s for s, _ in statuses(r.content)] == ["-301009"]


def test_check_endpoint_stores_nothing(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    body = ceb311(p.platform, p.platform, p.payer, order_no="CHK0001")
    r = post(client, p.platform, body, path="/api/v1/messages/check")
    assert [s for s, _ in statuses(r.content)] == ["2"]
    r = post(client, p.platform, body)
    assert [s for s, _ in statuses(r.content)] == ["2"]  # not a duplicate: the check stored nothing
    assert (
        client.get("/api/v1/receipts?since=0", headers=_auth(p.platform.key)).json()["items"][0][
            "return_status"
        ]
        == "2"
    )


def test_accepted_records_are_put_on_the_bus(factory: Factory, client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from cbec.messages.models import OutboxEvent
    from cbec.store.session import unit_of_work

    p = Parties(factory)
    post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="BUS0001"))
    post(
        client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="BUS0001")
    )  # duplicate: refused
    with unit_of_work(settings) as session:
        events = session.scalars(select(OutboxEvent)).all()
        assert [(e.topic, e.payload["business_key"], e.published_at) for e in events] == [
            ("messages.accepted", f"{p.platform.customs_code}|BUS0001", None)
        ]


def test_personal_data_is_encrypted_at_rest(factory: Factory, client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from cbec.store.models import metadata
    from cbec.store.session import get_engine

    p = Parties(factory)
    buyer = make_ric(321)
    post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="PII0001", buyer_id=buyer))
    post(client, p.payer, ceb411(p.payer, p.platform, order_no="PII0001", buyer_id=buyer))
    dump = []
    with get_engine(settings).connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):  # noqa: S608 - our own table names
                dump.append(repr(tuple(row)))
    everything = "\n".join(dump)
    assert buyer not in everything
    # A refused record's finding names the bad ID number masked, so receipts keep no personal data.
    bad = "110101199003070000"
    r = post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="PII0002", buyer_id=bad))
    [(status, info)] = statuses(r.content)
    assert status == "-301008"
    assert bad not in info
    assert "110***********0000" in info
    assert "13800138000" not in everything
    assert "PII0001" in everything  # the business data is there, in clear


def test_codes_catalogue_is_published(client: TestClient, operator_key: str) -> None:
    body = client.get("/api/v1/codes", headers=_auth(operator_key)).json()
    http_codes = {c["code"] for c in body["http_errors"]}
    assert {"INVALID_USCC", "MESSAGE_UNSAFE", "SENDER_ROLE_MISMATCH"} <= http_codes
    assert {"-301010", "-10102", "2"} <= {c["code"] for c in body["receipt_statuses"]}
    assert body["findings"] and all(f["zh"] and f["en"] for f in body["findings"])
    schema = client.get("/api/v1/schemas/CEB311Message", headers=_auth(operator_key)).json()
    assert json.dumps(schema)  # a JSON document
    assert "CEB311Message" in json.dumps(schema)


def test_documents_read_back_with_personal_data_masked(factory: Factory, client: TestClient) -> None:
    p = Parties(factory)
    buyer = make_ric(99)
    post(client, p.platform, ceb311(p.platform, p.platform, p.payer, order_no="READ0001", buyer_id=buyer))
    key = f"{p.platform.customs_code}|READ0001"
    own = client.get(f"/api/v1/documents/CEB311Message/{key}", headers=_auth(p.platform.key))
    assert own.status_code == 200, own.text
    [doc] = own.json()
    assert doc["live"] is True and doc["head"]["orderNo"] == "READ0001"
    assert doc["head"]["buyerIdNumber"] == buyer[:3] + "*" * 11 + buyer[-4:]
    assert doc["head"]["buyerTelephone"] == "138****8000"
    # The payment company is named in the order (payCode), so it may read it too, masked.
    assert client.get(f"/api/v1/documents/CEB311Message/{key}", headers=_auth(p.payer.key)).status_code == 200
    # The carrier is not named: 404, as if it did not exist.
    assert (
        client.get(f"/api/v1/documents/CEB311Message/{key}", headers=_auth(p.carrier.key)).status_code == 404
    )
    customs = client.post(
        "/api/v1/keys", json={"name": "海关", "role": "customs"}, headers=_auth(factory.operator_key)
    ).json()["api_key"]
    [clear] = client.get(f"/api/v1/documents/CEB311Message/{key}", headers=_auth(customs)).json()
    assert clear["head"]["buyerIdNumber"] == buyer


def test_inventory_without_copno_gets_a_schema_valid_receipt(factory: Factory, client: TestClient) -> None:
    from cbec.messages.ceb import parse_xml, xsd_findings

    fixtures = Path(__file__).resolve().parents[1] / "messages" / "ceb" / "fixtures"
    sample = parse_xml((fixtures / "CEB621Message.xml").read_bytes())
    agent = factory.file("申报企业有限公司", ["agent"])
    for record in sample.records:
        record.head.pop("copNo", None)
        record.head["agentCode"] = agent.customs_code
    sample.base_transfer["copCode"] = agent.customs_code  # type: ignore[index]
    body = build_xml(sample)
    r = post(client, agent, body)
    receipt = parse_xml(r.content)
    assert receipt.message_type == "CEB622Message"
    assert xsd_findings(receipt) == []
    assert receipt.records[0].head["copNo"] == sample.records[0].head["orderNo"][:20]
