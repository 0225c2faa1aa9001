"""XSD findings: mapping lxml errors to records and JSON-form paths; validate_all."""

from __future__ import annotations

import dataclasses

from lxml import etree

from cbec.messages.ceb import parse_json, parse_xml, to_json, validate_all, xsd_findings
from cbec.messages.ceb.validate import field_findings

from .samples import official


def test_a_tree_or_element_can_be_validated_directly() -> None:
    tree = etree.ElementTree(etree.fromstring(official("CEB311Message.xml")))
    assert xsd_findings(tree) == []
    assert xsd_findings(tree.getroot()) == []


def test_unknown_roots_give_one_unsupported_finding() -> None:
    findings = xsd_findings(etree.fromstring(official("CEB214Message.xml")))
    assert [(f.code, f.path) for f in findings] == [("CEB_UNSUPPORTED_MESSAGE", "ceb:CEB214")]


def test_errors_in_default_namespace_receipts_are_located() -> None:
    data = official("CEB622Message.xml").replace(
        b"<preNo>B20160512000001882</preNo>", b"<preNo>B2016</preNo>", 1
    )
    findings = xsd_findings(parse_xml(data))
    assert [(f.record, f.path) for f in findings] == [(0, "InventoryReturn[0]/preNo")]
    assert "[facet 'length']" in findings[0].message_en
    assert findings[0].message_en.startswith("The message does not conform to the XSD: line ")


def test_errors_deep_in_a_list_name_record_and_line() -> None:
    message = parse_xml(official("CEB311Message.xml"))
    message.records[3].lists["OrderList"][1]["qty"] = "many"
    findings = xsd_findings(dataclasses.replace(message, source=None))
    assert [(f.record, f.path) for f in findings] == [(3, "Order[3]/OrderList[1]/qty")]
    assert "'many' is not a valid value of the local atomic type" in findings[0].message_en


def test_root_attribute_errors_point_at_the_message() -> None:
    obj = to_json(parse_xml(official("CEB312Message.xml")))
    del obj["CEB312Message"]["guid"]
    findings = xsd_findings(parse_json(obj))
    assert [(f.record, f.path) for f in findings] == [(None, "")]
    assert "The attribute 'guid' is required but missing" in findings[0].message_en


def test_a_missing_signature_is_an_xsd_error_for_ceb621() -> None:
    message = dataclasses.replace(parse_xml(official("CEB621Message.xml")), signature=None, source=None)
    findings = xsd_findings(message)
    assert [f.path for f in findings] == [""]
    assert "Missing child element(s)" in findings[0].message_en


def test_the_received_tree_is_validated_not_a_rebuilt_one() -> None:
    message = parse_xml(official("CEB303Message.xml"))
    assert [f.path for f in xsd_findings(message)] == ["BaseTransfer[1]"]
    assert xsd_findings(dataclasses.replace(message, source=None)) == []


def test_validate_all_is_xsd_then_field_findings() -> None:
    message = parse_xml(official("CEB303Message.xml"))
    assert validate_all(message) == xsd_findings(message) + field_findings(message)
    assert validate_all(message)[0].code == "CEB_XSD_INVALID"
