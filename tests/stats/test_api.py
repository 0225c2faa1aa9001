"""The statistics API: agencies and the operator read everything, an enterprise only its own figures;
the operator alone imports, enters inputs and rebuilds; downloads parse back to the figures."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from cbec.kernel.dates import today
from tests.clearance.support import Zone, inventory_xml, order_xml, payment_xml, waybill_xml
from tests.factories import Filed


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


class Two:
    """Two platforms (each its own seller) trading through the same zone; the facts up to date."""

    def __init__(self, zone: Zone) -> None:
        self.zone = zone
        self.a = zone.platform
        self.b = zone.factory.file("另一家跨境电商平台有限公司", ["ebp", "ebc"], park="昆明综合保税区")
        for _ in range(2):
            zone.send_set(zone.spec())
        spec = zone.spec()
        for sender, body in (
            (self.b, order_xml(self.b, zone.payer, spec)),
            (zone.payer, payment_xml(zone.payer, self.b, spec)),
            (zone.carrier, waybill_xml(zone.carrier, spec)),
            (zone.agent, inventory_xml(zone.agent, self.b, zone.carrier, spec)),
        ):
            zone.send(sender, body)
        zone.drain()
        zone.worker.sweep()  # the sweep brings the statistics up to date

    def get(self, path: str, key: str, **params: Any) -> Any:
        return self.zone.client.get(f"/api/v1/stats/{path}", params=params, headers=auth(key))


@pytest.fixture
def two(zone: Zone) -> Two:
    return Two(zone)


def test_an_enterprise_reads_only_its_own_figures(two: Two) -> None:
    everything = two.get("figures", two.zone.customs)
    assert everything.status_code == 200, everything.text
    assert everything.json()["count"] == 3 and everything.json()["active_enterprises"] == 2
    own = two.get("figures", two.a.key).json()
    assert own["count"] == 2 and own["filters"]["enterprise_id"] == two.zone.enterprise_id(two.a)
    assert two.get("figures", two.b.key).json()["count"] == 1
    assert two.get("figures", two.a.key, enterprise=two.a.customs_code).json()["count"] == 2
    for asked in (two.b.customs_code, "9999999999"):  # another's, or no such filing: the same answer
        r = two.get("figures", two.a.key, enterprise=asked)
        assert (r.status_code, r.json()["code"]) == (403, "PERMISSION_DENIED")
    for path, params in (("series", {"grain": "month"}), ("breakdown", {"by": "enterprise"})):
        rows = two.get(path, two.b.key, **params).json()
        assert sum(r["count"] for r in rows) == 1, path
    names = {r["label"] for r in two.get("breakdown", two.zone.customs, by="enterprise").json()}
    assert names == {two.a.name, two.b.name}
    parks = {r["key"] for r in two.get("breakdown", two.zone.customs, by="park").json()}
    assert "昆明综合保税区" in parks


def test_zone_level_and_writing_endpoints_are_not_for_enterprises(two: Two) -> None:
    client, operator = two.zone.client, two.zone.factory.operator_key
    assert two.get("targets", two.a.key).status_code == 403
    assert two.get("channel-imports", two.a.key).status_code == 403
    assert two.get("targets", two.zone.customs, zone="taiyuan").status_code == 200
    body = (
        b"channel_ref,date,direction,segment,country,value_cny\nEMS-1,"
        + today().isoformat().encode()
        + b",import,b2c,116,10\n"
    )
    for key in (two.a.key, two.zone.customs):
        r = client.post("/api/v1/stats/channel-imports?channel=post", content=body, headers=auth(key))
        assert r.status_code == 403
        assert client.post("/api/v1/stats/rebuild", headers=auth(key)).status_code == 403
        r = client.post(
            "/api/v1/stats/inputs",
            json={"key": "foreign_trade_enterprises", "year": 2026, "value": "40", "source": "商务局"},
            headers=auth(key),
        )
        assert r.status_code == 403
    r = client.post(
        "/api/v1/stats/channel-imports?channel=post&filename=ems.csv", content=body, headers=auth(operator)
    )
    assert (r.status_code, r.json()["imported"]) == (201, 1)
    assert two.get("figures", two.zone.customs).json()["count"] == 4
    assert two.get("figures", two.zone.customs, channel="customs").json()["count"] == 3
    assert [b["filename"] for b in two.get("channel-imports", two.zone.customs).json()] == ["ems.csv"]
    template = two.get("channel-imports/template.csv", operator)
    r = client.post(
        "/api/v1/stats/channel-imports?channel=express", content=template.content, headers=auth(operator)
    )
    assert (r.status_code, r.json()["rows"], r.json()["imported"]) == (
        201,
        3,
        3,
    )  # the template imports as it is
    r = client.post("/api/v1/stats/rebuild", headers=auth(operator))
    assert (r.status_code, r.json()["facts"], r.json()["channel_records"]) == (200, 3, 4)
    bad = b"channel_ref,date,direction,segment,country,value_cny\nEMS-2,yesterday,import,b2c,116,10\n"
    r = client.post("/api/v1/stats/channel-imports?channel=post", content=bad, headers=auth(operator))
    assert (r.status_code, r.json()["code"]) == (422, "STATS_IMPORT_INVALID")
    assert r.json()["data"]["errors"][0] | {"message": "", "message_en": ""} == {
        "row": 2,
        "column": "date",
        "value": "yesterday",
        "message": "",
        "message_en": "",
    }


def test_the_operator_enters_the_adoption_denominator_and_the_target_is_measured(two: Two) -> None:
    year = today().year
    before = {t["key"]: t for t in two.get("targets", two.zone.customs, zone="kunming").json()}
    adoption = before["foreign_trade_adoption_2021"]
    assert adoption["measurable"] and adoption["current"] is None and "operator" in adoption["detail"]
    r = two.zone.client.post(
        "/api/v1/stats/inputs",
        json={
            "key": "foreign_trade_enterprises",
            "year": 2021,
            "value": "8",
            "source": "昆明市商务局2021年统计",
        },
        headers=auth(two.zone.factory.operator_key),
    )
    assert r.status_code == 201, r.text
    after = {t["key"]: t for t in two.get("targets", two.zone.customs, zone="kunming").json()}
    assert after["foreign_trade_adoption_2021"]["current"] == "0.00"  # no 2021 trade on this platform
    assert [i["value"] for i in two.get("inputs", two.zone.customs).json()] == ["8"]
    assert year >= 2026  # the zone plan's years are past: final values, not projections
    assert after["trade_volume_2021"]["projection_method"].startswith("final")
    assert not after["parks_2021"]["measurable"] and after["parks_2021"]["reason"]


def test_the_csv_download_parses_back_to_the_series(two: Two) -> None:
    r = two.get("export", two.zone.customs, format="csv", grain="day")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    series = two.get("series", two.zone.customs, grain="day").json()
    assert len(rows) == len(series) == 30
    for parsed, row in zip(rows, series, strict=True):
        assert parsed["period"] == row["period"]
        assert int(parsed["count"]) == row["count"]
        assert Decimal(parsed["value"]) == Decimal(row["value"])
        assert (parsed["inspection_rate"] or None) == row["inspection_rate"]


def test_the_excel_download_parses_back_to_the_figures(two: Two) -> None:
    r = two.get("export", two.a.key, format="xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    summary = {
        row[0]: row[2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if row and row[0]
    }
    figures = two.get("figures", two.a.key).json()
    assert summary["count"] == figures["count"] == 2
    assert Decimal(str(summary["value"])).quantize(Decimal("0.01")) == Decimal(figures["value"])
    assert summary["enterprise_id"] == two.zone.enterprise_id(two.a)  # the enterprise's own workbook
    assert len(book.sheetnames) == 2 + 8  # summary, series, one sheet per breakdown
    series = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert sum(row[3] for row in series) == 2  # the count column of the monthly series


def test_the_monthly_report_is_printable_html_with_charts(two: Two) -> None:
    month = today().strftime("%Y-%m")
    r = two.zone.client.get(
        f"/api/v1/stats/report?month={month}&zone=kunming", headers=auth(two.zone.customs)
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<div class="v" id="count">3</div>' in html
    assert html.count("<svg") == 4 and "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'id="targets"' in html and "@media print" in html
    own = two.zone.client.get(f"/api/v1/stats/report?month={month}", headers=auth(two.b.key))
    assert '<div class="v" id="count">1</div>' in own.text and 'id="targets"' not in own.text
    assert two.b.name in own.text
    r = two.zone.client.get("/api/v1/stats/report?month=2026-13", headers=auth(two.zone.customs))
    assert r.status_code == 422


def test_bad_queries_are_refused_with_the_statistics_code(two: Two, zone: Zone) -> None:
    for params in ({"direction": "sideways"}, {"hs_chapter": "1"}, {"channel": "pigeon"}):
        r = two.get("figures", zone.customs, **params)
        assert (r.status_code, r.json()["code"]) == (422, "STATS_FILTER_INVALID"), params
    r = two.get("figures", zone.customs, start="2026-02-01", end="2026-01-01")
    assert r.json()["code"] == "STATS_FILTER_INVALID"
    r = two.get("series", zone.customs, grain="day", start="2010-01-01")
    assert (r.status_code, r.json()["code"]) == (422, "STATS_FILTER_INVALID")  # too many days
    assert two.get("figures", Filed("", "", "", "cbec_bad_key", "").key).status_code == 401
    catalogue = two.get("catalogue", two.a.key).json()
    assert catalogue["classification"][0]["trade_modes"]["9710"]["segment"] == "b2b"
