"""Every declaration message type goes through the access point and gets the receipt its spec defines."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cbec.messages.ceb import CATALOGUE, parse_xml, xsd_findings
from cbec.messages.ceb.errors import CebFormatError
from tests.factories import make_customs_code

FIXTURES = Path(__file__).resolve().parents[1] / "messages" / "ceb" / "fixtures"
DECLARATIONS = sorted(spec.name for spec in CATALOGUE.values() if spec.kind == "declaration")


def _sample(name: str) -> bytes:
    return (FIXTURES / f"{name}.xml").read_bytes()


def _file_parties(client: TestClient, operator_key: str, body: bytes) -> str:
    """File every enterprise the sample names, with the roles it names them in; return the sender's key."""
    msg = parse_xml(body)
    spec = CATALOGUE[msg.message_type]
    roles: dict[str, set[str]] = defaultdict(set)
    for record in msg.records:
        for field, role in spec.party_fields.items():
            code = record.head.get(field, "").strip().upper()
            if code:
                roles[code].add(role)
    cop = (msg.base_transfer or {}).get("copCode", "").strip().upper()
    roles[cop].add(spec.sender_roles[0])
    sender_key = ""
    for code, named in roles.items():
        kind = {18: "uscc", 10: "customs_code"}.get(len(code))
        if kind is None:
            continue
        r = client.post(
            "/api/v1/enterprises",
            json={kind: code, "name": f"企业{code}", "roles": sorted(named)},
            headers={"Authorization": f"Bearer {operator_key}"},
        )
        if r.status_code == 201 and code == cop:
            sender_key = r.json()["api_key"]
    assert sender_key, f"the sample's copCode {cop} could not be filed"
    return sender_key


@pytest.mark.parametrize("message_type", DECLARATIONS)
def test_each_declaration_gets_its_spec_receipt(
    client: TestClient, operator_key: str, message_type: str
) -> None:
    path = FIXTURES / f"{message_type}.xml"
    if not path.exists():
        pytest.skip(f"no official sample of {message_type}")
    body = _sample(message_type)
    cop = parse_xml(body).base_transfer or {}
    if len(cop.get("copCode", "")) not in (10, 18):  # e.g. CEB701's "JDGW20160310001": use a filed code
        body = body.replace(f">{cop['copCode']}<".encode(), f">{make_customs_code()}<".encode())
    try:
        parsed = parse_xml(body)
    except CebFormatError:
        pytest.skip("sample not parseable")
    schema_valid = not xsd_findings(parsed)
    key = _file_parties(client, operator_key, body)
    r = client.post(
        "/api/v1/messages",
        content=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/xml"},
    )
    assert r.status_code == 200, r.text
    receipt = parse_xml(r.content)
    assert xsd_findings(receipt) == []  # every receipt the platform sends is schema-valid
    if schema_valid:
        assert receipt.message_type == CATALOGUE[message_type].receipt_type
        assert len(receipt.records) == len(parsed.records)
        assert [rec.guid for rec in receipt.records] == [rec.guid for rec in parsed.records]
    else:  # the official samples that break the XSD get a CEB900 naming the defect
        assert receipt.message_type == "CEB900Message"
        [record] = receipt.records
        assert record.head["returnStatus"].startswith("-")
        assert "CEB_XSD_INVALID" in record.head["returnInfo"]
        assert record.head["oriMessageType"] == message_type
