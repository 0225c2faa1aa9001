"""Other channels' data (多渠道统计): CSV or Excel files from post, express carriers and platforms.

The template is ``templates/channel_import_template.csv`` (documented in ``docs/stats-channel-import.md``).
A file is read whole, every row is checked, and then either every good row is imported or — when any
row has a problem — nothing is, and the answer lists each problem with its row and column.

Rows that repeat what the platform already counts are skipped and reported, not imported:

* ``repeated_in_file`` — the same ``channel_ref`` earlier in the file;
* ``already_imported`` — the same ``channel_ref`` of this channel, or the same order or waybill number
  imported earlier (by any channel);
* ``declared`` — the same order or waybill number declared on this platform (a declaration list exists).

An imported record counts in the figures like a declaration, with its channel marked (filter
``channel=customs`` leaves the channels out). A declaration that arrives later for the same order or
waybill replaces the record in the figures (:mod:`cbec.stats.rollup`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from cbec.clearance.models import ClearanceOrder
from cbec.errors import ErrorCode, InvalidInputError
from cbec.exports.models import ExportOrder
from cbec.kernel import dates
from cbec.messages.ceb.code_tables import load_code_tables
from cbec.registry import repository as registry_repo
from cbec.stats.catalogue import UNCLASSIFIED, Catalogue, load_catalogue
from cbec.stats.facts import CNY, fen
from cbec.stats.models import ChannelBatch, ChannelRecord, StatDeclaration
from cbec.store.base import new_id

__all__ = [
    "CHANNELS",
    "COLUMNS",
    "ImportResult",
    "batches",
    "channel_fact",
    "import_file",
    "parse_rows",
    "reapply",
]

CHANNELS: dict[str, tuple[str, str]] = {
    "post": ("邮政", "post"),
    "express": ("快递", "express carriers"),
    "platform": ("电商平台", "e-commerce platforms"),
}
"""The channels whose data are imported (the zone plans' 邮政、物流快递企业、跨境电子商务平台)."""

MAX_ROWS = 100_000
_MAX_VALUE = Decimal("1e15")
_EARLIEST = date(2014, 1, 1)  # before the first CBEC procedure code (9610, 2014-02-10)
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the template: its name, Chinese name, whether it is required and what it holds."""

    name: str
    zh: str
    required: bool
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("channel_ref", "渠道单号", True, "the channel's own reference of the shipment or order (≤ 60)"),
    Column("date", "日期", True, "Beijing date of the shipment, YYYY-MM-DD"),
    Column("direction", "进出口", True, "import | export (进口 | 出口)"),
    Column("trade_mode", "监管方式", False, "4-digit customs procedure code of the catalogue (9610 …)"),
    Column("segment", "业务类型", False, "b2c | b2b (零售 | 企业对企业); needed when trade_mode is empty"),
    Column("country", "国别", True, "3-digit customs country code (JGS-20), not 142"),
    Column("hs_code", "商品编码", False, "HS code of the main goods, 2 to 10 digits"),
    Column("value_cny", "金额", True, "value in CNY (元), at most 2 decimals"),
    Column("enterprise", "企业编码", False, "USCC or customs code of the seller, if filed on the platform"),
    Column("order_no", "订单编号", False, "the platform order number (checked against declarations)"),
    Column("waybill_no", "运单编号", False, "the waybill number (checked against declarations)"),
)
_BY_NAME = {c.name: c for c in COLUMNS} | {c.zh: c for c in COLUMNS}
_DIRECTION_WORDS = {
    "import": "import",
    "进口": "import",
    "i": "import",
    "export": "export",
    "出口": "export",
    "e": "export",
}
_SEGMENT_WORDS = {"b2c": "b2c", "零售": "b2c", "b2b": "b2b", "企业对企业": "b2b"}


@dataclass
class ImportResult:
    """What became of a file."""

    batch_id: str
    channel: str
    rows: int
    imported: int
    duplicates: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "channel": self.channel,
            "rows": self.rows,
            "imported": self.imported,
            "duplicates": self.duplicates,
        }


@dataclass
class _Row:
    number: int
    values: dict[str, Any]


# --------------------------------------------------------------------------- reading


def parse_rows(content: bytes, filename: str) -> list[_Row]:
    """The data rows of a CSV or .xlsx file (headers mapped to the template), numbered as in the file."""
    if content.startswith(_XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        table = _xlsx_table(content)
    else:
        table = _csv_table(content)
    table = [row for row in table if any(_blank(v) is not None for v in row)]
    if not table:
        raise _invalid([_problem(1, "", "", "文件为空或没有表头", "the file is empty or has no header row")])
    header, *body = table
    problems = []
    columns: list[str | None] = []
    for value in header:
        name = str(value or "").strip().lower() if value is not None else ""
        column = _BY_NAME.get(name) or _BY_NAME.get(str(value or "").strip())
        if column is None and name:
            problems.append(_problem(1, name, name, "未知的列", "unknown column"))
        columns.append(column.name if column else None)
    for column in COLUMNS:
        if column.required and column.name not in columns:
            problems.append(_problem(1, column.name, "", "缺少必填列", "required column missing"))
    if problems:
        raise _invalid(problems)
    if len(body) > MAX_ROWS:
        raise _invalid(
            [_problem(1, "", str(len(body)), f"一次最多导入{MAX_ROWS}行", f"at most {MAX_ROWS} rows a file")]
        )
    rows = []
    for i, raw in enumerate(table[1:], start=2):
        if all(_blank(v) is None for v in raw):
            continue
        values = {name: _blank(raw[j]) if j < len(raw) else None for j, name in enumerate(columns) if name}
        rows.append(_Row(i, values))
    return rows


def _blank(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value


def _csv_table(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as exc:
            raise InvalidInputError(ErrorCode.STATS_IMPORT_UNREADABLE, data={"reason": str(exc)}) from exc
    raise InvalidInputError(ErrorCode.STATS_IMPORT_UNREADABLE, data={"reason": "not UTF-8 or GB18030 text"})


def _xlsx_table(content: bytes) -> list[list[Any]]:
    try:
        import openpyxl  # noqa: PLC0415 - only needed for Excel files
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise InvalidInputError(
            ErrorCode.STATS_IMPORT_UNREADABLE, data={"reason": "openpyxl is not installed"}
        ) from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InvalidInputError(
            ErrorCode.STATS_IMPORT_UNREADABLE, data={"reason": f"not a readable .xlsx: {exc}"}
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


# --------------------------------------------------------------------------- checking


def _problem(row: int, column: str, value: str, message: str, message_en: str) -> dict[str, Any]:
    return {"row": row, "column": column, "value": value[:100], "message": message, "message_en": message_en}


def _invalid(problems: list[dict[str, Any]]) -> InvalidInputError:
    return InvalidInputError(
        ErrorCode.STATS_IMPORT_INVALID, data={"error_count": len(problems), "errors": problems[:500]}
    )


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _code_text(value: Any) -> str:
    """A code cell; Excel numbers lose leading zeros (HS chapters 01–09): an odd length gets one back."""
    text = _text(value)
    if isinstance(value, int | float) and len(text) % 2 == 1:
        text = "0" + text
    return text


def _check_row(
    row: _Row,
    catalogue: Catalogue,
    countries: frozenset[str],
    today: date,
    enterprises: Mapping[str, tuple[str, str | None]],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The record of a row, or its problems."""
    v, n = row.values, row.number
    problems: list[dict[str, Any]] = []

    def bad(column: str, message: str, message_en: str) -> None:
        problems.append(
            _problem(
                n, column, _text(v.get(column)) if v.get(column) is not None else "", message, message_en
            )
        )

    for column in COLUMNS:
        if column.required and v.get(column.name) is None:
            bad(column.name, "必填项为空", "required value missing")
    ref = _text(v["channel_ref"]) if v.get("channel_ref") is not None else ""
    if ref and len(ref) > 60:  # noqa: PLR2004
        bad("channel_ref", "渠道单号超过60个字符", "channel_ref longer than 60 characters")
    day = _date(v.get("date"))
    if v.get("date") is not None and day is None:
        bad("date", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
    elif day is not None and not _EARLIEST <= day <= today:
        bad("date", f"日期须在{_EARLIEST}至今天之间", f"date must be between {_EARLIEST} and today")
    direction = (
        _DIRECTION_WORDS.get(_text(v["direction"]).lower()) if v.get("direction") is not None else None
    )
    if v.get("direction") is not None and direction is None:
        bad("direction", "进出口应为 import/export（进口/出口）", "direction must be import or export")
    mode = _text(v["trade_mode"]) if v.get("trade_mode") is not None else None
    segment = _SEGMENT_WORDS.get(_text(v["segment"]).lower()) if v.get("segment") is not None else None
    if v.get("segment") is not None and segment is None:
        bad("segment", "业务类型应为 b2c 或 b2b", "segment must be b2c or b2b")
    if mode is not None:
        known = catalogue.latest.trade_modes.get(mode)
        if known is None:
            bad("trade_mode", "监管方式不在统计目录中", "trade mode not in the statistics catalogue")
        else:
            if direction is not None and direction not in known.directions:
                bad(
                    "trade_mode",
                    f"监管方式{mode}不适用于该进出口方向",
                    f"trade mode {mode} is not used for {direction}",
                )
            by_mode = catalogue.segment_of(mode, day or today)
            if segment is not None and by_mode not in (segment, UNCLASSIFIED):
                bad(
                    "segment",
                    f"业务类型与监管方式{mode}的认定（{by_mode}）不一致",
                    f"segment disagrees with trade mode {mode} ({by_mode})",
                )
            segment = by_mode if by_mode != UNCLASSIFIED else segment
    elif segment is None and v.get("segment") is None:
        bad("segment", "监管方式为空时须填写业务类型", "segment is required when trade_mode is empty")
    country = _text(v["country"]) if v.get("country") is not None else None
    if country is not None and (country not in countries or country == CNY):
        bad(
            "country",
            "国别代码不在海关国别（地区）代码表中，或为中国",
            "not a customs country code (or China)",
        )
    hs = _code_text(v["hs_code"]) if v.get("hs_code") is not None else None
    if hs is not None and not (hs.isdigit() and 2 <= len(hs) <= 10):  # noqa: PLR2004
        bad("hs_code", "商品编码应为2至10位数字", "hs_code must be 2 to 10 digits")
    value = _decimal(v.get("value_cny"))
    if v.get("value_cny") is not None and value is None:
        bad(
            "value_cny",
            "金额应为不超过两位小数的非负数",
            "value_cny must be a non-negative amount with at most 2 decimals",
        )
    enterprise_id = None
    if v.get("enterprise") is not None:
        found = enterprises.get(_text(v["enterprise"]).upper())
        if found is None:
            bad("enterprise", "企业未在平台备案", "no such filed enterprise")
        else:
            enterprise_id = found[0]
    for name in ("order_no", "waybill_no"):
        if v.get(name) is not None and len(_text(v[name])) > 60:  # noqa: PLR2004
            bad(name, "编号超过60个字符", "longer than 60 characters")
    record = {
        "row_number": n,
        "channel_ref": ref,
        "day": day,
        "direction": direction,
        "trade_mode": mode,
        "segment": segment or UNCLASSIFIED,
        "country": country,
        "hs_code": hs,
        "enterprise_id": enterprise_id,
        "order_no": _text(v["order_no"]) if v.get("order_no") is not None else None,
        "waybill_no": _text(v["waybill_no"]) if v.get("waybill_no") is not None else None,
        "value_cny": value,
    }
    return record, problems


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except (TypeError, ValueError):
        return None


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(_text(value)) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        return None
    if (
        not number.is_finite()
        or number < 0
        or number >= _MAX_VALUE
        or number != number.quantize(Decimal("0.01"))
    ):
        return None
    return number.quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- importing


def import_file(
    session: Session,
    content: bytes,
    *,
    channel: str,
    filename: str,
    actor: str,
    catalogue: Catalogue | None = None,
    today: date | None = None,
) -> ImportResult:
    """Check a file whole and import its new rows (nothing when any row has a problem)."""
    if channel not in CHANNELS:
        raise InvalidInputError(
            ErrorCode.STATS_FILTER_INVALID, "渠道应为 post、express 或 platform", data={"channel": channel}
        )
    catalogue = catalogue or load_catalogue()
    today = today or dates.today()
    rows = parse_rows(content, filename)
    codes = {_text(r.values["enterprise"]).upper() for r in rows if r.values.get("enterprise") is not None}
    enterprises = {code: (e.id, e.park) for code, e in registry_repo.by_codes(session, codes).items()}
    countries = load_code_tables().country
    records, problems = [], []
    for row in rows:
        record, found = _check_row(row, catalogue, countries, today, enterprises)
        records.append(record)
        problems += found
    if problems:
        raise _invalid(problems)
    duplicates, fresh = _deduplicate(session, channel, records)
    batch = ChannelBatch(
        channel=channel,
        filename=filename[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        rows=len(records),
        imported=len(fresh),
        duplicates=len(duplicates),
        imported_by=actor,
    )
    session.add(batch)
    session.flush()
    parks = dict(enterprises.values())
    facts = []
    if fresh:
        rows_out = [{"id": new_id(), "batch_id": batch.id, "channel": channel, **r} for r in fresh]
        session.execute(insert(ChannelRecord), rows_out)
        facts = [channel_fact(_Record(**r), parks.get(r["enterprise_id"] or ""), catalogue) for r in rows_out]
        session.execute(insert(StatDeclaration), facts)
    return ImportResult(batch.id, channel, len(records), len(fresh), duplicates)


def _deduplicate(
    session: Session, channel: str, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    refs = {r["channel_ref"] for r in records}
    orders = {r["order_no"] for r in records if r["order_no"]}
    waybills = {r["waybill_no"] for r in records if r["waybill_no"]}
    known_refs = _existing(session, ChannelRecord.channel_ref, refs, ChannelRecord.channel == channel)
    imported_orders = _existing(session, ChannelRecord.order_no, orders)
    imported_waybills = _existing(session, ChannelRecord.waybill_no, waybills)
    declared_orders = _existing(
        session, ClearanceOrder.order_no, orders, ClearanceOrder.inventory_doc_id.is_not(None)
    ) | _existing(session, ExportOrder.order_no, orders, ExportOrder.inventory_doc_id.is_not(None))
    declared_waybills = _existing(
        session, ClearanceOrder.logistics_no, waybills, ClearanceOrder.inventory_doc_id.is_not(None)
    ) | _existing(session, ExportOrder.logistics_no, waybills, ExportOrder.inventory_doc_id.is_not(None))
    seen: set[str] = set()
    seen_orders: set[str] = set()
    seen_waybills: set[str] = set()
    duplicates, fresh = [], []
    for r in records:
        reason = None
        if r["order_no"] in declared_orders or r["waybill_no"] in declared_waybills:
            reason = "declared"
        elif (
            r["channel_ref"] in known_refs
            or r["order_no"] in imported_orders
            or r["waybill_no"] in imported_waybills
        ):
            reason = "already_imported"
        elif r["channel_ref"] in seen or r["order_no"] in seen_orders or r["waybill_no"] in seen_waybills:
            reason = "repeated_in_file"
        if reason is not None:
            duplicates.append({"row": r["row_number"], "channel_ref": r["channel_ref"], "reason": reason})
            continue
        seen.add(r["channel_ref"])
        for value, into in ((r["order_no"], seen_orders), (r["waybill_no"], seen_waybills)):
            if value:
                into.add(value)
        fresh.append(r)
    return duplicates, fresh


def _existing(session: Session, column: Any, values: Iterable[str], *where: Any) -> set[str]:
    wanted = sorted({v for v in values if v})
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found |= set(session.scalars(select(column).where(column.in_(wanted[start : start + 500]), *where)))
    return found


@dataclass(frozen=True, slots=True)
class _Record:
    """The fields of a channel record that make its fact (a row dict or a ``ChannelRecord``)."""

    id: str
    channel: str
    day: date
    direction: str
    trade_mode: str | None
    segment: str
    country: str
    hs_code: str | None
    enterprise_id: str | None
    order_no: str | None
    waybill_no: str | None
    value_cny: Decimal
    batch_id: str = ""
    row_number: int = 0
    channel_ref: str = ""


def channel_fact(record: Any, park: str | None, catalogue: Catalogue) -> dict[str, Any]:
    """The ``stat_declarations`` row of an imported record (counted as released, not as a decision)."""
    segment = catalogue.segment_of(record.trade_mode, record.day) if record.trade_mode else record.segment
    return {
        "id": f"C:{record.id}",
        "source": "channel",
        "channel": record.channel,
        "direction": record.direction,
        "trade_mode": record.trade_mode,
        "segment": segment,
        "day": record.day,
        "month": record.day.strftime("%Y-%m"),
        "year": record.day.year,
        "country": record.country,
        "hs_chapter": (record.hs_code or "")[:2] or None,
        "park": park,
        "ebp_id": None,
        "ebc_id": record.enterprise_id,
        "order_no": record.order_no,
        "waybill_no": record.waybill_no,
        "value": record.value_cny,
        "currency": CNY,
        "value_fen": fen(record.value_cny),
        "tax_fen": None,
        "state": "reported",
        "accepted": False,
        "refused": False,
        "inspected": False,
        "released": True,
        "declared_at": None,
        "released_at": None,
        "clearance_seconds": None,
    }


def reapply(session: Session, catalogue: Catalogue) -> int:
    """Write the facts of every imported record not replaced by a declaration (used by the rebuild)."""
    written = 0
    last = ""
    while True:
        records = session.scalars(
            select(ChannelRecord).where(ChannelRecord.id > last).order_by(ChannelRecord.id).limit(1000)
        ).all()
        if not records:
            return written
        last = records[-1].id
        declared = _declared_keys(session, records)
        parks = _parks(session, {r.enterprise_id for r in records if r.enterprise_id})
        facts = [
            channel_fact(r, parks.get(r.enterprise_id or ""), catalogue)
            for r in records
            if (r.order_no is None or ("o", r.order_no) not in declared)
            and (r.waybill_no is None or ("w", r.waybill_no) not in declared)
        ]
        if facts:
            session.execute(insert(StatDeclaration), facts)
        written += len(facts)


def _declared_keys(session: Session, records: Sequence[ChannelRecord]) -> set[tuple[str, str]]:
    orders = sorted({r.order_no for r in records if r.order_no})
    waybills = sorted({r.waybill_no for r in records if r.waybill_no})
    if not orders and not waybills:
        return set()
    rows = session.execute(
        select(StatDeclaration.order_no, StatDeclaration.waybill_no).where(
            StatDeclaration.source != "channel",
            or_(StatDeclaration.order_no.in_(orders), StatDeclaration.waybill_no.in_(waybills)),
        )
    ).all()
    return {("o", o) for o, _w in rows if o} | {("w", w) for _o, w in rows if w}


def _parks(session: Session, ids: set[str]) -> dict[str, str | None]:
    from cbec.registry.models import Enterprise  # noqa: PLC0415

    if not ids:
        return {}
    return dict(
        session.execute(select(Enterprise.id, Enterprise.park).where(Enterprise.id.in_(sorted(ids)))).all()
    )


def batches(session: Session, limit: int = 50) -> list[dict[str, Any]]:
    """The latest imports, newest first."""
    rows = session.scalars(select(ChannelBatch).order_by(ChannelBatch.imported_at.desc()).limit(limit)).all()
    counted = dict(
        session.execute(
            select(ChannelRecord.batch_id, func.count())
            .where(ChannelRecord.batch_id.in_([b.id for b in rows]))
            .group_by(ChannelRecord.batch_id)
        ).all()
    )
    return [
        {
            "id": b.id,
            "channel": b.channel,
            "filename": b.filename,
            "sha256": b.sha256,
            "rows": b.rows,
            "imported": b.imported,
            "duplicates": b.duplicates,
            "records": int(counted.get(b.id, 0)),
            "imported_by": b.imported_by,
            "imported_at": b.imported_at.isoformat(),
        }
        for b in rows
    ]
