"""Offline message check (``cbec messages check FILE``): parse, XSD, field rules; no database."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from cbec.errors import CbecError
from cbec.messages.ceb import (
    CebFormatError,
    CebUnsafeXmlError,
    CebUnsupportedMessageError,
    field_findings,
    parse_json,
    parse_xml,
    xsd_findings,
)
from cbec.messages.ingest import XML, sniff_format

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


def check_file(path: Path, console: Console) -> int:
    """Print every finding of the message in ``path``; return the exit code."""
    try:
        body = path.read_bytes()
    except OSError as exc:
        console.print(f"unreadable: {exc}")
        return EXIT_UNREADABLE
    try:
        fmt = sniff_format(body, None)
        msg = parse_xml(body, max_bytes=max(len(body), 1)) if fmt == XML else parse_json(body)
    except (CebUnsafeXmlError, CebUnsupportedMessageError) as exc:
        # Readable, but refused: a DTD/entities, or a root that is no CEB message (e.g. ``ceb:CEB214``).
        for f in exc.findings:
            console.print(f"{f.code}\tmessage\t{f.path}\t{f.message_zh}", markup=False)
        return EXIT_FINDINGS
    except CebFormatError as exc:
        for f in exc.findings:
            console.print(f"{f.code}\tmessage\t{f.path}\t{f.message_zh}", markup=False)
        return EXIT_FINDINGS if exc.message_type else EXIT_UNREADABLE
    except CbecError as exc:
        console.print(f"{exc.code}: {exc.message}", markup=False)
        return EXIT_UNREADABLE
    findings = xsd_findings(msg) or field_findings(msg)
    for f in findings:
        where = f"record {f.record}" if f.record is not None else "message"
        console.print(f"{f.code}\t{where}\t{f.path}\t{f.message_zh}", markup=False)
    if not findings:
        console.print(
            f"{msg.message_type} {msg.guid}: {len(msg.records)} record(s), no findings", markup=False
        )
    return EXIT_FINDINGS if findings else EXIT_CLEAN
