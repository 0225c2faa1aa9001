"""The package exports exactly what its __all__ lists, including the names the access point calls."""

from __future__ import annotations

import inspect

import cbec.messages.ceb as ceb
from cbec.messages.ceb import FINDING_TITLES, FindingCode

REQUIRED = {
    "parse_xml", "parse_json", "build_xml", "to_json", "xsd_findings", "field_findings", "validate_all",
    "CATALOGUE", "MessageSpec", "CebMessage", "CebRecord", "Finding", "FindingCode", "CebFormatError",
    "CebUnsafeXmlError", "CebUnsupportedMessageError", "CebTooLargeError", "build_receipt", "receipt_message",
    "json_schemas", "build_dxp",
}  # fmt: skip


def test_all_lists_the_public_names() -> None:
    public = {
        name for name in dir(ceb) if not name.startswith("_") and not inspect.ismodule(getattr(ceb, name))
    }
    assert set(ceb.__all__) == public - {"annotations"}
    assert set(ceb.__all__) >= REQUIRED


def test_parse_xml_signature() -> None:
    parameters = inspect.signature(ceb.parse_xml).parameters
    assert list(parameters) == ["data", "max_bytes"]
    assert parameters["max_bytes"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["max_bytes"].default == 10_000_000


def test_every_finding_code_has_titles_and_a_stable_value() -> None:
    assert set(FINDING_TITLES) == set(FindingCode)
    for code in FindingCode:
        assert code.value == "CEB_" + code.name
        assert code.title_zh
        assert code.title_en


def test_error_hierarchy() -> None:
    for error in (ceb.CebUnsafeXmlError, ceb.CebUnsupportedMessageError, ceb.CebTooLargeError):
        assert issubclass(error, ceb.CebFormatError)
