"""XML codec details: namespaces, exact values, signature placement, DxpMsg envelopes."""

from __future__ import annotations

import base64
import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from lxml import etree

from cbec.messages.ceb import (
    CebFormatError,
    CebMessage,
    CebRecord,
    CebUnsupportedMessageError,
    build_dxp,
    build_xml,
    parse_xml,
    xsd_findings,
)
from cbec.messages.ceb.xsd import dxp_schema

from .samples import official, valid_document

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"


def children(xml: bytes) -> list[str]:
    return [etree.QName(child).localname for child in etree.fromstring(xml)]


class TestNamespaces:
    def test_any_prefix_or_the_default_namespace_reads_the_same(self) -> None:
        data = official("CEB311Message.xml")
        other_prefix = data.replace(b"ceb:", b"x:").replace(b"xmlns:ceb=", b"xmlns:x=")
        default = data.replace(b"ceb:", b"").replace(b"xmlns:ceb=", b"xmlns=")
        message = parse_xml(data)
        for variant in (other_prefix, default):
            parsed = parse_xml(variant)
            # The signature bytes carry the namespace declarations in scope, which differ here.
            assert dataclasses.replace(parsed, signature=None) == dataclasses.replace(message, signature=None)
            assert parsed.signature is not None
            assert etree.tostring(
                etree.fromstring(parsed.signature), method="c14n", exclusive=True
            ) == etree.tostring(etree.fromstring(message.signature or b""), method="c14n", exclusive=True)

    def test_a_root_without_the_ceb_namespace_is_unsupported(self) -> None:
        with pytest.raises(CebUnsupportedMessageError) as caught:
            parse_xml(b'<CEB311Message guid="x" version="1.0"/>')
        assert caught.value.findings[0].code == "CEB_UNSUPPORTED_MESSAGE"

    def test_an_unknown_message_name_is_unsupported(self) -> None:
        with pytest.raises(CebUnsupportedMessageError) as caught:
            parse_xml(f'<ceb:CEB999Message xmlns:ceb="{CEB_NS}" guid="g"/>'.encode())
        assert caught.value.findings[0].path == "ceb:CEB999Message"
        assert caught.value.guid == "g"

    def test_declarations_are_built_with_the_ceb_prefix(self) -> None:
        xml = build_xml(parse_xml(official("CEB311Message.xml")))
        assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB311Message xmlns:ceb=')

    def test_receipts_are_built_in_the_default_namespace(self) -> None:
        xml = build_xml(parse_xml(official("CEB312Message.xml")))
        assert b"<CEB312Message xmlns=" in xml

    def test_the_prefix_can_be_chosen(self) -> None:
        message = parse_xml(official("CEB312Message.xml"))
        assert b"<ceb:CEB312Message" in build_xml(message, prefix="ceb")
        assert b"<CEB311Message xmlns=" in build_xml(parse_xml(official("CEB311Message.xml")), prefix="")


class TestValuesAreExact:
    def test_decimals_and_codes_stay_strings(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        head = message.records[0].head
        assert head["acturalPaid"] == "19050"
        assert message.records[0].lists["OrderList"][0]["unit"] == "007"

    def test_empty_elements_are_empty_strings_and_absent_ones_absent(self) -> None:
        message = parse_xml(official("CEB621Message.xml"))
        head = message.records[0].head
        assert head["preNo"] == ""
        assert "rkdNo" not in head
        assert message.records[0].lists["InventoryList"][0]["note"] == ""

    def test_whitespace_inside_values_is_kept(self) -> None:
        message = parse_xml(official("CEB624Message.xml"))
        assert message.records[0].head["copNo"] == "cop2016032210052\t"
        assert parse_xml(build_xml(message)).records[0].head["copNo"] == "cop2016032210052\t"

    def test_records_know_their_place(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        assert [r.index for r in message.records] == list(range(6))
        record = message.records[0]
        assert record.element == "Order"
        assert record.guid == "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"
        assert record.app_type == "1"
        assert record.app_status == "2"
        assert record.line_count == 2
        assert record.key(("ebpCode", "orderNo")) == ("1105910159", "order20160321116421002")
        assert message.cop_code == "1101180326"
        assert message.is_signed

    def test_a_record_without_head_wrapper_holds_its_fields_directly(self) -> None:
        message = parse_xml(official("CEB513Message.xml"))
        record = message.records[0]
        assert record.element == "LogisticsStatus"
        assert record.head["logisticsStatus"] == "R"
        assert record.lists == {}

    def test_list_elements_always_have_a_key(self) -> None:
        message = parse_xml(official("CEB411Message.xml"))
        assert message.records[0].lists == {}
        arrival = parse_xml(official("CEB507Message.xml"))
        assert list(arrival.records[0].lists) == ["ArrivalList"]


class TestSignature:
    def test_signature_bytes_are_the_element_as_received(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        assert message.signature is not None
        signature = etree.fromstring(message.signature)
        assert signature.tag == f"{{{DS_NS}}}Signature"
        value = signature.findtext(f"{{{DS_NS}}}SignatureValue")
        assert value is not None
        assert value.startswith(
            "\nAI0wdcUHaaOR+FZ7W8lN6FrjzS+iru1qoBTCxm4S6knmLFLunPkLueELV69nYZr4x+uCPnNDD/wq\n"
        )

    def test_signature_is_re_inserted_unchanged_even_when_pretty_printing(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        for xml in (build_xml(message), build_xml(message, pretty=True)):
            assert parse_xml(xml).signature == message.signature
            assert xsd_findings(parse_xml(xml)) == []

    def test_import_order_puts_the_signature_after_extend_message(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        with_extension = dataclasses.replace(message, extend_message=_extend_message(), source=None)
        xml = build_xml(with_extension)
        assert children(xml)[-3:] == ["BaseTransfer", "ExtendMessage", "Signature"]
        assert xsd_findings(parse_xml(xml)) == []
        assert parse_xml(xml) == with_extension

    def test_export_order_puts_the_signature_before_extend_message(self) -> None:
        message = parse_xml(valid_document("CEB303Message"))
        with_extension = dataclasses.replace(message, extend_message=_extend_message(), source=None)
        xml = build_xml(with_extension)
        assert children(xml)[-3:] == ["BaseTransfer", "Signature", "ExtendMessage"]
        assert xsd_findings(parse_xml(xml)) == []

    def test_base_subscribe_blocks_go_between_base_transfer_and_the_rest(self) -> None:
        message = parse_xml(official("CEB311Message.xml"))
        subscribe = [{"status": "ALL", "dxpMode": "DXP", "dxpAddress": "DXPENT0000000001"}] * 2
        xml = build_xml(dataclasses.replace(message, base_subscribe=subscribe, source=None))
        assert children(xml)[-4:] == ["BaseTransfer", "BaseSubscribe", "BaseSubscribe", "Signature"]
        assert parse_xml(xml).base_subscribe == subscribe
        assert xsd_findings(parse_xml(xml)) == []


def _extend_message() -> bytes:
    return (
        f'<ceb:ExtendMessage xmlns:ceb="{CEB_NS}"><ceb:name>zone</ceb:name><ceb:version>1</ceb:version>'
        '<ceb:Message><any xmlns="urn:x">free</any></ceb:Message></ceb:ExtendMessage>'
    ).encode()


class TestBuildFromCode:
    def test_a_message_built_in_code_validates_and_round_trips(self) -> None:
        receipt = CebMessage(
            message_type="CEB312Message",
            guid="A" * 36,
            version="1.0",
            records=[
                CebRecord(
                    0,
                    "OrderReturn",
                    "B" * 36,
                    {
                        "returnInfo": "新增申报成功",  # dict order does not matter: schema order is used
                        "guid": "B" * 36,
                        "ebpCode": "1105910159",
                        "ebcCode": "1105910159",
                        "orderNo": "O1",
                        "returnStatus": "2",
                        "returnTime": "20240501120000000",
                    },
                )
            ],
        )
        xml = build_xml(receipt)
        assert xsd_findings(receipt) == []
        assert children(etree.tostring(etree.fromstring(xml)[0])) == [
            "guid", "ebpCode", "ebcCode", "orderNo", "returnStatus", "returnTime", "returnInfo",
        ]  # fmt: skip
        assert parse_xml(xml) == receipt

    def test_unknown_fields_are_built_so_the_xsd_reports_them(self) -> None:
        message = parse_xml(official("CEB312Message.xml"))
        message.records[0].head["bogus"] = "1"
        findings = xsd_findings(dataclasses.replace(message, source=None))
        assert [f.path for f in findings] == ["OrderReturn[0]/bogus"]


class TestDxpEnvelope:
    def test_build_dxp_is_valid_and_carries_the_bytes_unchanged(self) -> None:
        inner = official("CEB311Message.xml")
        created = datetime(2024, 5, 1, 2, 3, 4, tzinfo=UTC)
        envelope = build_dxp(
            inner,
            "DXPENT0000458763",
            ["DXPEDCCEB0000002"],
            "COP1",
            created=created,
            file_name="CEB311Message_1.xml",
        )
        root = etree.fromstring(envelope)
        assert dxp_schema().validate(root)
        dxp = "{http://www.chinaport.gov.cn/dxp}"
        assert root.findtext(f"{dxp}TransInfo/{dxp}CreatTime") == "2024-05-01T10:03:04"
        assert root.findtext(f"{dxp}TransInfo/{dxp}MsgType") == "CEB311Message"
        assert base64.b64decode(root.findtext(f"{dxp}Data") or "") == inner

    def test_parse_unwraps_dxp_msg_and_keeps_cop_msg_id(self) -> None:
        inner = official("CEB621Message.xml")
        message = parse_xml(build_dxp(inner, "DXPENT0000458763", "DXPEDCCEB0000002", "COP-621"))
        assert message.cop_msg_id == "COP-621"
        assert message.message_type == "CEB621Message"
        assert message.signature == parse_xml(inner).signature

    def test_parse_unwraps_dxp_msg_sv(self) -> None:
        envelope = etree.fromstring(build_dxp(official("CEB311Message.xml"), "S", "R", "COP-SV"))
        dxp = "http://www.chinaport.gov.cn/dxp"
        sv = etree.Element(f"{{{dxp}}}DxpMsgSv", nsmap={"dxp": dxp}, ver="1.0")
        sv_no = etree.SubElement(sv, f"{{{dxp}}}SvNo", Ver="1.0")
        for name, value in [
            ("MsgId", "1234567820240501120000000000001"),
            ("SubMsgId", "1"),
            ("SendTime", "2024-05-01T12:00:00"),
            ("EndNode", "12345678"),
            ("StaNode", "87654321"),
        ]:
            etree.SubElement(sv_no, f"{{{dxp}}}{name}").text = value
        sv.append(envelope)
        message = parse_xml(etree.tostring(sv))
        assert message.cop_msg_id == "COP-SV"

    def test_an_envelope_without_data_is_refused(self) -> None:
        envelope = etree.fromstring(build_dxp(official("CEB311Message.xml"), "S", "R", "C"))
        envelope.remove(envelope[1])
        with pytest.raises(CebFormatError) as caught:
            parse_xml(etree.tostring(envelope))
        assert {f.code for f in caught.value.findings} == {"CEB_DXP_INVALID"}

    def test_data_that_is_not_base64_is_refused(self) -> None:
        envelope = etree.fromstring(build_dxp(official("CEB311Message.xml"), "S", "R", "C"))
        envelope[1].text = "!!!not base64!!!"
        with pytest.raises(CebFormatError) as caught:
            parse_xml(etree.tostring(envelope))
        assert {f.code for f in caught.value.findings} == {"CEB_DXP_INVALID"}

    def test_receivers_are_one_to_five(self) -> None:
        with pytest.raises(ValueError, match="1 to 5"):
            build_dxp(official("CEB311Message.xml"), "S", [], "C")
        with pytest.raises(ValueError, match="1 to 5"):
            build_dxp(official("CEB311Message.xml"), "S", ["R"] * 6, "C")

    def test_msg_type_must_be_a_ceb_message_when_detected(self) -> None:
        with pytest.raises(CebUnsupportedMessageError):
            build_dxp(b"<x/>", "S", "R", "C")

    def test_naive_creation_time_is_taken_as_china_time(self) -> None:
        naive = datetime(2024, 1, 2, 3, 4, 5)  # noqa: DTZ001 - naive on purpose
        envelope = build_dxp(official("CEB311Message.xml"), "S", "R", "C", created=naive)
        assert b"<dxp:CreatTime>2024-01-02T03:04:05</dxp:CreatTime>" in envelope

    def test_default_creation_time_is_now(self) -> None:
        before = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0, tzinfo=None)
        envelope = etree.fromstring(build_dxp(official("CEB311Message.xml"), "S", "R", "C"))
        dxp = "{http://www.chinaport.gov.cn/dxp}"
        created = datetime.fromisoformat(envelope.findtext(f"{dxp}TransInfo/{dxp}CreatTime") or "")
        assert created >= before
