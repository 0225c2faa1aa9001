"""The message catalogue agrees with the XSDs and with the spec notes (ceb.md §1.3, §2, §7.4)."""

from __future__ import annotations

import pytest

from cbec.messages.ceb import CATALOGUE, MessageSpec, SignatureRule, spec_for
from cbec.messages.ceb.xsd import layout, layouts

SPECS = sorted(CATALOGUE.values(), key=lambda spec: spec.name)


def test_all_42_types_are_catalogued() -> None:
    assert sorted(CATALOGUE) == sorted(layouts())
    assert len(CATALOGUE) == 42
    assert spec_for("CEB311Message") is CATALOGUE["CEB311Message"]
    assert spec_for("CEB999Message") is None


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.name)
def test_shape_matches_the_xsd(spec: MessageSpec) -> None:
    lay = layout(spec.name)
    assert lay is not None
    assert spec.direction == lay.schema
    assert spec.record_element == lay.record.name
    assert spec.head_element == (lay.head.name if lay.head else None)
    assert spec.list_elements == lay.list_names
    fields = {decl.name for decl in lay.fields.children}
    assert set(spec.party_fields) <= fields
    assert set(spec.business_key) <= fields
    has_transfer = lay.trailer_decl("BaseTransfer") is not None
    assert has_transfer == spec.is_declaration
    signature = lay.trailer_decl("Signature")
    if spec.signature_required is SignatureRule.ALWAYS:
        assert signature is not None and signature.min_occurs == 1
    elif signature is not None:
        assert signature.min_occurs == 0


@pytest.mark.parametrize("spec", [s for s in SPECS if s.is_declaration], ids=lambda spec: spec.name)
def test_declarations_have_receipts_senders_keys_and_codes(spec: MessageSpec) -> None:
    assert spec.receipt_type is not None
    receipt = CATALOGUE[spec.receipt_type]
    assert (receipt.kind, receipt.answers) == ("receipt", spec.name)
    assert spec.sender_roles
    assert spec.business_key
    assert spec.duplicate_code and spec.duplicate_code.startswith("-")
    assert spec.check_failed_code and spec.check_failed_code.startswith("-")
    assert spec.duplicate_code_source in {"spec", "our choice"}
    assert spec.check_failed_code_source in {"spec", "our choice"}


SENDER_ROLES = {
    "311": ("ebp", "ebc"), "303": ("ebp", "ebc"),
    "411": ("payment",), "403": ("payment",),
    "511": ("logistics",), "513": ("logistics",), "505": ("logistics",), "509": ("logistics",),
    "507": ("logistics", "warehouse"),
    "621": ("agent", "ebc"), "623": ("agent", "ebc"), "625": ("agent", "ebc"), "603": ("agent", "ebc"),
    "605": ("agent", "ebc"), "607": ("agent", "ebc"), "701": ("agent", "ebc"), "213": ("agent", "ebc"),
    "711": ("warehouse",), "215": ("warehouse",),
}  # fmt: skip


@pytest.mark.parametrize(("number", "roles"), sorted(SENDER_ROLES.items()))
def test_sender_roles_follow_the_brief(number: str, roles: tuple[str, ...]) -> None:
    assert CATALOGUE[f"CEB{number}Message"].sender_roles == roles


@pytest.mark.parametrize(
    ("number", "key", "duplicate", "check_failed"),
    [
        ("311", ("ebpCode", "orderNo"), ("-301010", "spec"), ("-301008", "spec")),
        ("411", ("payCode", "payTransactionId"), ("-401007", "spec"), ("-401009", "spec")),
        ("511", ("logisticsCode", "logisticsNo"), ("-504015", "spec"), ("-504001", "our choice")),
        (
            "513",
            ("logisticsCode", "logisticsNo", "logisticsStatus"),
            ("-505012", "spec"),
            ("-505001", "our choice"),
        ),
        ("621", ("ebpCode", "orderNo"), ("-621004", "spec"), ("-621001", "spec")),
        ("711", ("operatorCode", "billNo"), ("-800003", "spec"), ("-800001", "our choice")),
        ("303", ("ebpCode", "ebcCode", "orderNo"), ("-303004", "our choice"), ("-303001", "our choice")),
    ],
)
def test_keys_and_negative_codes(
    number: str, key: tuple[str, ...], duplicate: tuple[str, str], check_failed: tuple[str, str]
) -> None:
    spec = CATALOGUE[f"CEB{number}Message"]
    assert spec.business_key == key
    assert (spec.duplicate_code, spec.duplicate_code_source) == duplicate
    assert (spec.check_failed_code, spec.check_failed_code_source) == check_failed


def test_party_fields_of_ceb311() -> None:
    assert dict(CATALOGUE["CEB311Message"].party_fields) == {
        "ebpCode": "ebp",
        "ebcCode": "ebc",
        "payCode": "payment",
    }


def test_signature_rules() -> None:
    always = {s.number for s in SPECS if s.signature_required is SignatureRule.ALWAYS}
    declared = {s.number for s in SPECS if s.signature_required is SignatureRule.WHEN_APP_STATUS_2}
    assert always == {"621", "623", "625", "711"}
    assert declared == {"603", "607"}


def test_kinds() -> None:
    assert {s.number for s in SPECS if s.kind == "customs"} == {"816", "818", "792", "900"}
    assert len([s for s in SPECS if s.kind == "declaration"]) == 19
    assert len([s for s in SPECS if s.kind == "receipt"]) == 19
    assert CATALOGUE["CEB621Message"].chinese_name == "进口申报清单"
