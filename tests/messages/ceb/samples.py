"""Test data: the official 202205 samples, the synthetic ones, and one XSD-valid document per message type."""

from __future__ import annotations

import functools
from pathlib import Path

from cbec.messages.ceb import CATALOGUE, build_xml, parse_xml

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
SYNTHETIC = HERE / "synthetic"

OFFICIAL = sorted(path.name for path in FIXTURES.glob("CEB*.xml"))
"""File names of the 39 official samples."""

REPEATED_BASE_TRANSFER = [
    "CEB303Message.xml",
    "CEB403Message.xml",
    "CEB505Message.xml",
    "CEB507Message.xml",
    "CEB509Message.xml",
    "CEB603Message.xml",
    "CEB605Message.xml",
    "CEB607Message.xml",
]
"""Official samples that are XSD-invalid only because BaseTransfer is repeated (ceb.md §9)."""

XSD_INVALID = {*REPEATED_BASE_TRANSFER, "CEB792Message.xml", "CEB214Message.xml"}
XSD_VALID = [name for name in OFFICIAL if name not in XSD_INVALID]

SYNTHETIC_FILES = {
    "CEB816Message": "ceb816__one_tax.xml",
    "CEB818Message": "ceb818__tax_status.xml",
    "CEB900Message": "ceb900__format_error.xml",
}


def official(name: str) -> bytes:
    """Bytes of an official sample."""
    return (FIXTURES / name).read_bytes()


def synthetic(message_type: str) -> bytes:
    """Bytes of a synthetic sample (816, 818, 900)."""
    return (SYNTHETIC / SYNTHETIC_FILES[message_type]).read_bytes()


def renamed_ceb214() -> bytes:
    """The CEB214 sample with its root renamed from ceb:CEB214 to ceb:CEB214Message."""
    data = official("CEB214Message.xml")
    return data.replace(b"ceb:CEB214 ", b"ceb:CEB214Message ").replace(
        b"</ceb:CEB214>", b"</ceb:CEB214Message>"
    )


@functools.cache
def valid_document(message_type: str) -> bytes:
    """An XSD-valid XML document of any of the 42 message types.

    Official sample when valid; the invalid ones repaired the minimal way (CEB214: root
    renamed and its undeclared appSenderId dropped; duplicate BaseTransfer dropped by the
    model; CEB792: gseqno added); synthetic ones for 816/818/900.
    """
    if message_type in SYNTHETIC_FILES:
        return synthetic(message_type)
    name = f"{message_type}.xml"
    data = official(name)
    if name == "CEB214Message.xml":
        message = parse_xml(renamed_ceb214())
        for record in message.records:
            del record.head["appSenderId"]  # not declared in the XSD either
        return build_xml(message)
    if name in REPEATED_BASE_TRANSFER:
        return build_xml(parse_xml(data))
    if name == "CEB792Message.xml":
        message = parse_xml(data)
        for record in message.records:
            for seq, line in enumerate(record.lists["SummaryResultList"], start=1):
                line["gseqno"] = str(seq)
        return build_xml(message)
    return data


ALL_TYPES = sorted(CATALOGUE)
