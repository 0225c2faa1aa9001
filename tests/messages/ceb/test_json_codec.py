"""The JSON form mirrors the XML, and JSON input gets the same checks as XML."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest

from cbec.messages.ceb import (
    CebFormatError,
    CebUnsupportedMessageError,
    dump_json,
    field_findings,
    parse_json,
    parse_xml,
    to_json,
    xsd_findings,
)

from .samples import official, synthetic, valid_document


def order_json() -> dict[str, Any]:
    return to_json(parse_xml(official("CEB311Message.xml")))


class TestShape:
    def test_root_key_attributes_and_arrays(self) -> None:
        body = order_json()["CEB311Message"]
        assert list(body)[:2] == ["guid", "version"]
        assert body["version"] == "1.0"
        assert isinstance(body["Order"], list)
        assert len(body["Order"]) == 6
        order = body["Order"][0]
        assert set(order) == {"OrderHead", "OrderList"}
        assert isinstance(order["OrderHead"], dict)
        assert isinstance(order["OrderList"], list)
        assert order["OrderHead"]["acturalPaid"] == "19050"
        assert order["OrderList"][0]["note"] == ""
        assert isinstance(body["BaseTransfer"], dict)

    def test_repeated_elements_are_arrays_even_with_one_item(self) -> None:
        body = to_json(parse_xml(official("CEB711Message.xml")))["CEB711Message"]
        assert isinstance(body["Delivery"], dict)  # maxOccurs 1: an object
        assert isinstance(body["Delivery"]["DeliveryList"], list)  # maxOccurs unbounded: array of one
        assert len(body["Delivery"]["DeliveryList"]) == 1

    def test_single_return_record_of_ceb900_is_an_object(self) -> None:
        body = to_json(parse_xml(synthetic("CEB900Message")))["CEB900Message"]
        assert isinstance(body["MessageReturn"], dict)

    def test_every_leaf_is_a_string(self) -> None:
        def leaves(value: Any) -> list[Any]:
            if isinstance(value, dict):
                return [leaf for item in value.values() for leaf in leaves(item)]
            if isinstance(value, list):
                return [leaf for item in value for leaf in leaves(item)]
            return [value]

        assert all(isinstance(leaf, str) for leaf in leaves(order_json()))

    def test_signature_is_base64_of_the_raw_xml(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        encoded = to_json(message)["CEB311Message"]["Signature"]
        assert base64.b64decode(encoded) == message.signature

    def test_receipts_carry_no_trailer_keys(self) -> None:
        body = to_json(parse_xml(official("CEB312Message.xml")))["CEB312Message"]
        assert set(body) == {"guid", "version", "OrderReturn"}

    def test_dump_json_keeps_chinese_readable(self) -> None:
        data = dump_json(parse_xml(official("CEB311Message.xml")))
        assert "东方物通科技".encode() in data
        assert json.loads(data) == order_json()

    def test_method_on_the_model(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        assert message.to_json() == to_json(message)


class TestInput:
    def test_accepts_bytes_with_bom_str_and_objects(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        data = dump_json(message)
        assert parse_json(b"\xef\xbb\xbf" + data) == message
        assert parse_json(data.decode()) == message
        assert parse_json(json.loads(data)) == message

    @pytest.mark.parametrize(
        ("data", "words"),
        [
            (b"{", "not valid UTF-8 JSON"),
            (b"\xff\xfe{}", "not valid UTF-8 JSON"),
            (b"[]", "top level"),
            (b'{"a": 1, "b": 2}', "top level"),
            (b'{"CEB311Message": {"guid": "x", "guid": "y"}}', "duplicate key: guid"),
            (b'{"CEB311Message": []}', "must be a JSON object"),
        ],
    )
    def test_malformed_json_is_refused(self, data: bytes, words: str) -> None:
        with pytest.raises(CebFormatError) as caught:
            parse_json(data)
        assert caught.value.findings[0].code == "CEB_JSON_MALFORMED"
        assert words in caught.value.findings[0].message_en

    def test_unknown_message_type_is_unsupported(self) -> None:
        with pytest.raises(CebUnsupportedMessageError):
            parse_json(b'{"CEB999Message": {}}')

    @pytest.mark.parametrize(
        ("mutate", "path"),
        [
            (
                lambda b: b["Order"][0]["OrderHead"].__setitem__("freight", None),
                "CEB311Message/Order[0]/OrderHead/freight",
            ),
            (
                lambda b: b["Order"][0]["OrderHead"].__setitem__("freight", 5000),
                "CEB311Message/Order[0]/OrderHead/freight",
            ),
            (lambda b: b.__setitem__("Order", b["Order"][0]), "CEB311Message/Order"),
            (lambda b: b["Order"][0].__setitem__("OrderHead", "x"), "CEB311Message/Order[0]/OrderHead"),
            (lambda b: b.__setitem__("Signature", "***"), "CEB311Message/Signature"),
            (
                lambda b: b.__setitem__("Signature", base64.b64encode(b"<a>").decode()),
                "CEB311Message/Signature",
            ),
            (lambda b: b.__setitem__("version", 1), "CEB311Message/version"),
            (
                lambda b: b["Order"][0]["OrderHead"].__setitem__("bad name", "1"),
                "CEB311Message/Order[0]/OrderHead/bad name",
            ),
            (
                lambda b: b["Order"][0]["OrderHead"].__setitem__("note", "\x01"),
                "CEB311Message/Order[0]/OrderHead/note",
            ),
            (lambda b: b.__setitem__("extra", True), "CEB311Message/extra"),
        ],
    )
    def test_values_that_xml_cannot_carry_are_refused_with_their_path(self, mutate: Any, path: str) -> None:
        obj = order_json()
        mutate(obj["CEB311Message"])
        with pytest.raises(CebFormatError) as caught:
            parse_json(obj)
        finding = caught.value.findings[0]
        assert finding.code == "CEB_JSON_MALFORMED"
        assert finding.path == path.removeprefix("CEB311Message/")
        assert caught.value.message_type == "CEB311Message"


class TestSameChecksAsXml:
    def test_a_missing_mandatory_field_gives_the_same_xsd_finding(self) -> None:
        xml_data = official("CEB311Message.xml").replace(b"<ceb:freight>5000</ceb:freight>", b"", 1)
        from_xml = xsd_findings(parse_xml(xml_data))
        obj = order_json()
        del obj["CEB311Message"]["Order"][0]["OrderHead"]["freight"]
        from_json = xsd_findings(parse_json(obj))
        assert [(f.code, f.record, f.path) for f in from_json] == [
            (f.code, f.record, f.path) for f in from_xml
        ]
        assert from_json[0].path == "Order[0]/OrderHead/discount"
        assert "Expected is ( ceb:freight )" in from_json[0].message_en

    def test_unknown_keys_become_elements_the_xsd_refuses(self) -> None:
        obj = order_json()
        obj["CEB311Message"]["Order"][1]["OrderList"][0]["colour"] = "red"
        obj["CEB311Message"]["Order"][2]["Gift"] = {"name": "pen"}
        obj["CEB311Message"]["Remark"] = ["a", "b"]
        findings = xsd_findings(parse_json(obj))
        assert [(f.record, f.path) for f in findings] == [
            (1, "Order[1]/OrderList[0]/colour"),
            (2, "Order[2]/Gift"),
            (None, "Remark[0]"),
        ]

    def test_too_many_repetitions_are_refused_by_the_xsd(self) -> None:
        obj = to_json(parse_xml(valid_document("CEB711Message")))
        delivery = obj["CEB711Message"]["Delivery"]
        obj["CEB711Message"]["Delivery"] = [delivery, copy.deepcopy(delivery)]
        findings = xsd_findings(parse_json(obj))
        assert [(f.code, f.path) for f in findings] == [("CEB_XSD_INVALID", "Delivery[1]")]

    def test_json_field_findings_equal_xml_field_findings(self) -> None:
        message = parse_xml(official("CEB621Message.xml"))
        assert field_findings(parse_json(to_json(message))) == field_findings(message)

    def test_an_empty_optional_array_is_like_an_absent_element(self) -> None:
        obj = order_json()
        obj["CEB311Message"]["BaseSubscribe"] = []
        message = parse_json(obj)
        assert message.base_subscribe == []
        assert xsd_findings(message) == []
