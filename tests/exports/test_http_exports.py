"""Exports as an outside client sees them over HTTP (bearer keys): lifecycle, summary receipts, the
无票免税 register, overseas warehouses; and summary merging through the engine."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cbec.config import Settings
from cbec.demo.exports import DemoExport
from cbec.exports.models import ExportSummary
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.messages.ceb import parse_xml
from tests.exports.support_exports import (
    BY_KEY,
    ExportZone,
    auth_header,
    element,
    fresh_guids,
    repaired,
    set_element,
    shipments,
    summary_application,
)

SETS = shipments(n=60, seed=11)


@pytest.fixture
def zone(client: TestClient, settings: Settings, operator_key: str) -> ExportZone:
    return ExportZone(client, settings, operator_key)


def _retail_b() -> tuple[list[DemoExport], list[DemoExport]]:
    """The 9610 sets of the consignor with the most 9610-B sets: (all its 9610 sets, the B ones)."""
    counts = Counter(s.consignor.key for s in SETS if s.trade_mode == "9610" and s.statistics_flag == "B")
    consignor = counts.most_common(1)[0][0]
    mine = [s for s in SETS if s.trade_mode == "9610" and s.consignor.key == consignor]
    return mine, [s for s in mine if s.statistics_flag == "B"]


def _lines(body: bytes) -> list[dict[str, str]]:
    (record,) = parse_xml(body).records
    (lines,) = record.lists.values()
    return lines


def _release(zone: ExportZone, sets: list[DemoExport]) -> None:
    for s in sets:
        zone.send_set(s, upto="CEB507Message")
    zone.drain()


def test_a_9610_order_reaches_800_and_is_summarised_once(zone: ExportZone) -> None:
    mine, b_sets = _retail_b()
    _release(zone, mine)
    for s in mine:
        life = zone.lifecycle(s.platform.customs_code, s.order_no, zone.key(s.platform))
        assert (life["state"], life["returnStatus"]) == ("released", "800"), life["findings"]
        assert life["tradeMode"] == "9610"
        by_invt = zone.client.get(
            f"/api/v1/export-inventories/{life['invtNo']}", headers=auth_header(zone.key(s.agent))
        )
        assert by_invt.status_code == 200
        assert by_invt.json()["orderNo"] == s.order_no
    # another enterprise does not see it
    stranger = BY_KEY["payment-2"]
    s = b_sets[0]
    r = zone.client.get(
        f"/api/v1/exports/{s.platform.customs_code}/{s.order_no}", headers=auth_header(zone.key(stranger))
    )
    assert r.status_code == 404

    agent = b_sets[0].agent
    zone.send(agent, summary_application(b_sets[0].consignor, agent))
    zone.drain()
    results = zone.feed(agent, "CEB792Message")
    assert results
    listed = Counter(
        (line["invtNo"], line["gnum"]) for item in results for line in _result_lines(item["receipt"])
    )
    expected = Counter(
        (zone.order(s.order_no).invt_no, line["gnum"]) for s in b_sets for line in _lines(s.inventory)
    )
    assert listed == expected  # every released 9610-B line exactly once, nothing else (no A)
    heads = [_result_head(item["receipt"]) for item in results]
    assert len({h["declSeqNo"] for h in heads}) == len(heads)
    assert len({h["sumNo"] for h in heads}) == 1
    assert Counter(item["receipt_type"] for item in zone.feed(b_sets[0].consignor, "CEB792Message")) == {
        "CEB792Message": len(results)
    }

    # a second application for the same month: nothing left
    again = summary_application(b_sets[0].consignor, agent)
    zone.send(
        agent,
        fresh_guids(set_element(again, "copNo", "R" + element(again, "copNo")[:-1])),
    )
    zone.drain()
    assert len(zone.feed(agent, "CEB792Message")) == len(results)
    answers = [r for r in zone.feed(agent, "CEB702Message") if r["return_status"] != "2"]
    assert [a["return_status"] for a in answers] == ["399", "100"]
    assert "EXPORT_SUMMARY_EMPTY" in answers[1]["return_info"]


def _find(node: object, key: str) -> object:
    if isinstance(node, dict):
        if key in node:
            return node[key]
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            got = _find(value, key)
            if got is not None:
                return got
    return None


def _result_lines(body: dict[str, object]) -> list[dict[str, str]]:
    lines = _find(body, "SummaryResultList")
    assert isinstance(lines, list), body
    return lines


def _result_head(body: dict[str, object]) -> dict[str, str]:
    head = _find(body, "SummaryResultHead")
    assert isinstance(head, dict), body
    return head


def test_summary_merges_by_head_keys_and_adds_lines_exactly(zone: ExportZone) -> None:
    mine, b_sets = _retail_b()
    _release(zone, b_sets)
    agent = b_sets[0].agent
    zone.send(agent, summary_application(b_sets[0].consignor, agent))
    zone.drain()
    with zone.db() as db:
        (summary,) = db.scalars(select(ExportSummary)).all()
        declarations = summary.declarations
    invt = {zone.order(s.order_no).invt_no: s for s in b_sets}
    source_lines = {
        (invt_no, int(line["gnum"])): line for invt_no, s in invt.items() for line in _lines(s.inventory)
    }
    countries_of: dict[str, set[str]] = defaultdict(set)
    seen: Counter[tuple[str, int]] = Counter()
    for declaration in declarations:
        lines = _find(declaration, "lines")
        assert isinstance(lines, list) and lines, declaration
        for line in lines:
            sources = [(src["invtNo"], int(src["gnum"])) for src in line["sources"]]
            seen.update(sources)
            for src in sources:
                countries_of[declaration["declSeqNo"]].add(
                    parse_xml(invt[src[0]].inventory).records[0].head["country"]
                )
            assert Decimal(line["qty"]) == sum(Decimal(source_lines[src]["qty"]) for src in sources)
            assert Decimal(line["totalPrice"]) == sum(
                Decimal(source_lines[src]["totalPrice"]) for src in sources
            )
    assert seen == Counter(source_lines.keys())  # every line once
    # one country of arrival per declaration (a head merge key); two countries → two declarations
    assert all(len(c) == 1 for c in countries_of.values()), countries_of
    countries = {parse_xml(s.inventory).records[0].head["country"] for s in b_sets}
    assert len(declarations) >= len(countries)
    results = zone.feed(agent, "CEB792Message")
    assert len({_result_head(r["receipt"])["declSeqNo"] for r in results}) == len(declarations)


def test_register_lists_each_released_9610_line(zone: ExportZone) -> None:
    mine, _b = _retail_b()
    _release(zone, mine)
    consignor = mine[0].consignor
    today = utc_now().astimezone(SHANGHAI).date()
    params = {
        "enterprise": consignor.customs_code,
        "from": str(today - timedelta(days=40)),
        "to": str(today + timedelta(days=1)),
    }
    r = zone.client.get("/api/v1/export-register", params=params, headers=auth_header(zone.key(consignor)))
    assert r.status_code == 200, r.text
    entries = {(e["invtNo"], e["gnum"]): e for e in r.json()["entries"]}
    expected = {}
    for s in mine:
        invt_no = zone.order(s.order_no).invt_no
        head = parse_xml(s.inventory).records[0].head
        for line in _lines(s.inventory):
            expected[(invt_no, int(line["gnum"]))] = (head["ieDate"], line)
    assert set(entries) == set(expected)
    assert len(r.json()["entries"]) == len(expected)
    for key, (ie_date, line) in expected.items():
        e = entries[key]
        assert e["export_date"].replace("-", "") == ie_date
        assert e["goods_name"] == (line.get("itemName") or line["gname"])
        assert e["unit"] == line["unit"]
        assert Decimal(e["qty"]) == Decimal(line["qty"])
        assert Decimal(e["unit_price"]) == Decimal(line["price"])
        assert Decimal(e["amount"]) == Decimal(line["totalPrice"])
        assert e["trade_mode"] == "9610"
    # the operator may read it, an unrelated enterprise may not
    assert (
        zone.client.get(
            "/api/v1/export-register", params=params, headers=auth_header(zone.operator_key)
        ).status_code
        == 200
    )
    other = next(e for e in (BY_KEY["seller-2"], BY_KEY["seller-3"]) if e.key != consignor.key)
    r = zone.client.get("/api/v1/export-register", params=params, headers=auth_header(zone.key(other)))
    assert r.status_code == 403


def _cancel_body(invt_no: str) -> bytes:
    return fresh_guids(set_element(repaired("CEB605Message"), "invtNo", invt_no))


def test_9810_stock_in_sale_and_cancel(zone: ExportZone) -> None:
    s = next(x for x in SETS if x.trade_mode == "9810")
    owner = s.consignor
    code = "OW-TEST-1"
    body = {
        "code": code,
        "name": "测试海外仓",
        "owner": owner.customs_code,
        "country": s.country,
        "address": "Somewhere 1",
    }
    r = zone.client.post("/api/v1/overseas-warehouses", json=body, headers=auth_header(zone.key(owner)))
    assert r.status_code == 201, r.text
    assert r.json()["stock"] == []
    zone.send_set(s, upto="CEB507Message")
    zone.drain()
    order = zone.order(s.order_no)
    assert order.state == "released", order.findings
    lines = _lines(s.inventory)
    want: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        want[line["itemNo"]] += Decimal(line["qty"])

    def stock() -> dict[str, Decimal]:
        got = zone.client.get(f"/api/v1/overseas-warehouses/{code}", headers=auth_header(zone.key(owner)))
        assert got.status_code == 200, got.text
        return {i["item_no"]: Decimal(i["qty"]) for i in got.json()["stock"]}

    # Released is not yet shipped: the warehouse counts the goods once they depart (CEB509).
    assert stock() == {}
    zone.send_set(s, upto="CEB509Message")
    zone.drain()
    assert zone.order(s.order_no).state == "departed"
    assert stock() == want
    item = lines[0]["itemNo"]
    r = zone.client.post(
        f"/api/v1/overseas-warehouses/{code}/sales",
        json={"item_no": item, "qty": "1", "reference": "SALE-1"},
        headers=auth_header(zone.key(owner)),
    )
    assert r.status_code == 200, r.text
    assert stock()[item] == want[item] - 1
    r = zone.client.post(
        f"/api/v1/overseas-warehouses/{code}/sales",
        json={"item_no": item, "qty": str(want[item]), "reference": "SALE-2"},
        headers=auth_header(zone.key(owner)),
    )
    assert r.status_code == 422, r.text
    assert stock()[item] == want[item] - 1
    # another enterprise cannot see the warehouse
    assert (
        zone.client.get(
            f"/api/v1/overseas-warehouses/{code}", headers=auth_header(zone.key(BY_KEY["payment-1"]))
        ).status_code
        == 404
    )

    # a departed inventory cannot be cancelled: the stock stays as sold
    zone.send(BY_KEY["agent-1"], _cancel_body(order.invt_no or ""))
    zone.drain()
    assert zone.order(s.order_no).state == "departed"
    assert stock()[item] == want[item] - 1
