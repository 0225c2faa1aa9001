"""Micro-benchmark of the CEB hot path: parse + XSD validation + field checks, per message.

Compares with a naive baseline (``lxml.etree.fromstring`` only) and prints µs per message and
the ratio. Messages: the first record of the official CEB311 (1 order, 2 lines) and CEB621
(1 inventory, 2 lines) samples, rebuilt as compact XML with their signature — the "one CEB311
or CEB621 of one record" of docs/DESIGN.md §3 — and the full official samples (6 / 10 records).

Run:  .venv/bin/python bench/ceb_codec.py
"""

from __future__ import annotations

import dataclasses
import timeit
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from cbec.messages.ceb import build_xml, field_findings, parse_json, parse_xml, to_json, xsd_findings

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "messages" / "ceb" / "fixtures"
REPEAT = 7


def one_record(name: str) -> bytes:
    message = parse_xml((FIXTURES / name).read_bytes())
    return build_xml(dataclasses.replace(message, records=message.records[:1], source=None))


def best_us(function: Callable[[], object]) -> float:
    number = 200
    timings = timeit.repeat(function, number=number, repeat=REPEAT)
    return min(timings) / number * 1e6


def main() -> None:
    cases = {
        "CEB311 1 record": one_record("CEB311Message.xml"),
        "CEB621 1 record": one_record("CEB621Message.xml"),
        "CEB311 sample (6 rec)": (FIXTURES / "CEB311Message.xml").read_bytes(),
        "CEB621 sample (10 rec)": (FIXTURES / "CEB621Message.xml").read_bytes(),
    }
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    for data in cases.values():  # warm up: compile the XSDs, load the code tables
        message = parse_xml(data)
        xsd_findings(message)
        field_findings(message)
    header = (
        f"{'message':24} {'bytes':>6} {'baseline':>9} {'parse':>8} {'+xsd':>8} {'+checks':>8} "
        f"{'total':>8} {'ratio':>6} {'json in':>8}"
    )
    print(header)  # noqa: T201
    print("-" * len(header))  # noqa: T201
    for label, data in cases.items():
        message = parse_xml(data)
        json_body = to_json(message)
        baseline = best_us(lambda data=data: etree.fromstring(data, parser))
        parse = best_us(lambda data=data: parse_xml(data))
        xsd = best_us(lambda message=message: xsd_findings(message))
        checks = best_us(lambda message=message: field_findings(message))

        def pipeline(data: bytes = data) -> None:
            parsed = parse_xml(data)
            xsd_findings(parsed)
            field_findings(parsed)

        def json_pipeline(body: dict[str, object] = json_body) -> None:
            parsed = parse_json(body)
            xsd_findings(parsed)
            field_findings(parsed)

        total = best_us(pipeline)
        json_total = best_us(json_pipeline)
        print(  # noqa: T201
            f"{label:24} {len(data):>6} {baseline:>8.1f}µ {parse:>7.1f}µ {xsd:>7.1f}µ {checks:>7.1f}µ "
            f"{total:>7.1f}µ {total / baseline:>5.1f}x {json_total:>7.1f}µ"
        )
    print(  # noqa: T201
        "\nbaseline = lxml.etree.fromstring only; parse = safe parse + walk into the model; "
        "+xsd = XSD validation of the received tree; +checks = field rules; total = all three in one call; "
        "json in = parse_json (from a decoded object) + XSD + checks."
    )


if __name__ == "__main__":
    main()
