"""Other channels' data: validated row by row (all or nothing, each problem with its row and column),
deduplicated against declarations and earlier imports, counted with their channel marked."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from cbec.errors import CbecError, ErrorCode
from cbec.kernel.dates import today
from cbec.stats import channels, rollup, service
from cbec.stats.models import ChannelBatch, ChannelRecord, StatDeclaration
from tests.clearance.support import Zone

HEADER = (
    "channel_ref,date,direction,trade_mode,segment,country,hs_code,value_cny,enterprise,order_no,waybill_no\n"
)


def _import(
    zone: Zone, body: bytes, *, channel: str = "express", filename: str = "f.csv"
) -> channels.ImportResult:
    with zone.db() as s:
        return channels.import_file(s, body, channel=channel, filename=filename, actor="test")


def _count(zone: Zone, model: type) -> int:
    with zone.db() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _errors(zone: Zone, body: bytes, **kw: str) -> list[dict[str, object]]:
    with pytest.raises(CbecError) as caught:
        _import(zone, body, **kw)
    assert caught.value.code is ErrorCode.STATS_IMPORT_INVALID
    errors: list[dict[str, object]] = caught.value.data["errors"]
    return errors


def test_every_problem_is_named_by_row_and_column_and_nothing_is_imported(zone: Zone) -> None:
    day = today().isoformat()
    future = (today() + timedelta(days=3)).isoformat()
    body = (
        HEADER
        + f"SF-1,{day},import,,b2c,116,3304990000,128.50,,,\n"  # good
        + f"SF-2,{future},sideways,,b2c,142,33X,12.345,,,\n"
        + "SF-3,2026-13-01,export,0110,,502,6404,-1,NOPE000000,,\n"
        + f"SF-4,{day},export,9710,b2c,502,,10,,,\n"
        + f",{day},import,,,116,,5,,,\n"
    ).encode()
    errors = _errors(zone, body)
    found = {(e["row"], e["column"]) for e in errors}
    assert found == {
        (3, "date"),
        (3, "direction"),
        (3, "country"),  # 142 is China
        (3, "hs_code"),
        (3, "value_cny"),  # three decimals
        (4, "date"),
        (4, "trade_mode"),  # general trade is not in the catalogue
        (4, "value_cny"),
        (4, "enterprise"),
        (5, "segment"),  # 9710 is B2B by the catalogue
        (6, "channel_ref"),
        (6, "segment"),  # neither a trade mode nor a segment
    }
    assert all(e["message"] and e["message_en"] for e in errors)
    assert _count(zone, ChannelRecord) == _count(zone, ChannelBatch) == _count(zone, StatDeclaration) == 0


def test_a_bad_header_or_an_unreadable_file_is_refused(zone: Zone) -> None:
    errors = _errors(zone, b"channel_ref,date,colour\nX,2026-01-01,red\n")
    assert {(e["row"], e["column"]) for e in errors} >= {(1, "colour"), (1, "direction"), (1, "value_cny")}
    with pytest.raises(CbecError) as caught:
        _import(zone, b"\xff\xfe\x00garbage\x81", filename="x.xlsx")
    assert caught.value.code is ErrorCode.STATS_IMPORT_UNREADABLE
    with pytest.raises(CbecError) as caught:
        _import(zone, HEADER.encode(), channel="pigeon")
    assert caught.value.code is ErrorCode.STATS_FILTER_INVALID


def test_duplicates_of_declarations_earlier_imports_and_the_file_itself_are_skipped(zone: Zone) -> None:
    declared = zone.send_set(zone.spec())
    day = today().isoformat()
    first = (
        HEADER
        + f"JD-1,{day},import,,b2c,116,,100,,{declared.order_no},\n"  # the platform declared this order
        + f"JD-2,{day},import,,b2c,116,,100,,,{declared.logistics_no}\n"  # ... and this waybill
        + f"JD-3,{day},import,,b2c,116,,100,,P-3,\n"
        + f"JD-3,{day},import,,b2c,116,,100,,,\n"  # the same reference again in the file
        + f"JD-4,{day},import,,b2c,116,,100,,P-3,\n"  # the same order again in the file
    ).encode()
    result = _import(zone, first)
    assert (result.rows, result.imported) == (5, 1)
    assert [(d["row"], d["reason"]) for d in result.duplicates] == [
        (2, "declared"),
        (3, "declared"),
        (5, "repeated_in_file"),
        (6, "repeated_in_file"),
    ]
    second = (HEADER + f"JD-3,{day},import,,b2c,116,,100,,,\n").encode()  # imported before
    assert [d["reason"] for d in _import(zone, second).duplicates] == ["already_imported"]
    by_post = (HEADER + f"EMS-9,{day},import,,b2c,116,,100,,P-3,\n").encode()  # another channel, same order
    assert [d["reason"] for d in _import(zone, by_post, channel="post").duplicates] == ["already_imported"]
    assert _count(zone, ChannelRecord) == 1


def test_imported_records_count_with_their_channel_and_can_be_left_out(zone: Zone) -> None:
    zone.send_set(zone.spec())
    day = today()
    body = (
        HEADER
        + f"JD-1,{day},import,,b2c,116,3304990000,128.50,{zone.platform.customs_code},,\n"
        + f"JD-2,{day},export,9710,,502,8471300000,45000,,,\n"
    ).encode()
    _import(zone, body)
    with zone.db() as s:
        rollup.refresh(s)
        everything = service.figures(s, start=day, end=day)
        customs = service.figures(s, start=day, end=day, channel="customs")
        express = service.figures(s, start=day, end=day, channel="express")
        b2b = service.figures(s, start=day, end=day, segment="b2b")
        mine = service.figures(s, start=day, end=day, enterprise_id=zone.enterprise_id(zone.platform))
    assert (everything["count"], customs["count"], express["count"]) == (3, 1, 2)
    assert express["value"] == everything["value"] - customs["value"] == Decimal("45128.50")
    assert express["tax"] == 0 and express["accepted"] == 0  # no customs decision on a channel record
    assert b2b["count"] == 1  # 9710 → B2B by the catalogue
    assert mine["count"] == 2  # the platform's declaration and the record naming it as seller


def test_an_excel_file_with_chinese_headers_is_imported(zone: Zone) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["渠道单号", "日期", "进出口", "业务类型", "国别", "商品编码", "金额"])
    sheet.append(["PF-1", today(), "出口", "零售", 502, 402101000, 88.8])  # 0402… lost its leading zero
    sheet.append(["PF-2", today().isoformat(), "进口", "b2c", "116", "3304990000", "12"])
    out = io.BytesIO()
    book.save(out)
    result = _import(zone, out.getvalue(), channel="platform", filename="platform.xlsx")
    assert (result.rows, result.imported) == (2, 2)
    with zone.db() as s:
        records = {r.channel_ref: r for r in s.scalars(select(ChannelRecord))}
    assert (records["PF-1"].hs_code, records["PF-1"].country, records["PF-1"].direction) == (
        "0402101000",
        "502",
        "export",
    )
    assert records["PF-1"].value_cny == Decimal("88.80") and records["PF-2"].segment == "b2c"


def test_gb18030_csv_from_excel_is_read(zone: Zone) -> None:
    body = ("渠道单号,日期,进出口,业务类型,国别,金额\n" + f"YZ-1,{today()},进口,零售,116,66\n").encode(
        "gb18030"
    )
    assert _import(zone, body, channel="post").imported == 1


def test_a_declaration_that_arrives_later_replaces_the_channel_record(zone: Zone) -> None:
    spec = zone.spec()
    day = today()
    _import(zone, (HEADER + f"JD-7,{day},import,,b2c,116,,100,,{spec.order_no},\n").encode())
    with zone.db() as s:
        rollup.refresh(s)
        assert service.figures(s, start=day, end=day, channel="express")["count"] == 1
    zone.send_set(spec)
    with zone.db() as s:
        rollup.refresh(s)
        assert service.figures(s, start=day, end=day, channel="express")["count"] == 0
        assert service.figures(s, start=day, end=day)["count"] == 1
        rollup.rebuild(s)  # the rebuild reaches the same answer
        assert service.figures(s, start=day, end=day, channel="express")["count"] == 0
        assert service.figures(s, start=day, end=day)["count"] == 1
