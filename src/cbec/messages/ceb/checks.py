"""Field rules beyond the XSD: every finding, never only the first.

Each rule is a small named function whose docstring gives the rule and its spec
reference. Code lists, limits and tolerances come from ``codes/*.csv`` through
:func:`~cbec.messages.ceb.code_tables.load_code_tables`; no code value or limit is
written in the logic. Field names (which element a rule looks at) are the spec's
structure and are listed here.

Three kinds of rules:

* **field rules** — look at one leaf value (with its siblings for context), run in
  one pass over every head, list line and ``BaseTransfer``: enterprise codes, ID
  numbers, dates/times, code tables, customs district format, ``packNo``;
* **record rules** — look at one record: amounts (``acturalPaid``, ``totalPrice``,
  ``goodsValue``), ``gnum`` numbering, line counts, ``msgSeqNo``, signature when
  ``appStatus`` is 2;
* **message rules** — signature presence, record ``guid`` and business-key uniqueness.

Empty values are left to the XSD (it knows which fields are mandatory); values
that are not numbers where a number is expected are likewise left to the XSD and
skipped by the arithmetic rules. Rules apply by field name to every message type
that has the field, so receipts are checked too (e.g. their ``returnTime``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal, InvalidOperation
from functools import cache

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError

from cbec.kernel.pii import mask_id_number
from cbec.messages.ceb.catalogue import MessageSpec, SignatureRule, spec_for
from cbec.messages.ceb.code_tables import CodeTables, load_code_tables
from cbec.messages.ceb.findings import Finding, FindingCode, finding
from cbec.messages.ceb.model import CebMessage, CebRecord
from cbec.messages.ceb.tree import BASE_TRANSFER, SIGNATURE
from cbec.messages.ceb.xsd import MessageLayout, layout
from cbec.registry.identifiers import enterprise_code, ric

__all__ = ["CheckContext", "FIELD_RULES", "MESSAGE_RULES", "RECORD_RULES", "field_findings", "record_path"]

_EXACT = Context(prec=200)  # N19,5 × N19,5 needs 38 digits; never round

# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class CheckContext:
    """What every rule may look at.

    Attributes:
        message: the message under check.
        layout: its XSD layout.
        spec: its catalogue entry.
        direction: ``"import"`` or ``"export"``.
        tables: code tables and parameters.
    """

    message: CebMessage
    layout: MessageLayout
    spec: MessageSpec | None
    direction: str
    tables: CodeTables


FieldRule = Callable[[CheckContext, int | None, str, str, str, Mapping[str, str]], Finding | None]
"""``rule(ctx, record index, path, field name, value, sibling fields) -> Finding | None``."""

RecordRule = Callable[[CheckContext, CebRecord, str], Iterable[Finding]]
"""``rule(ctx, record, record path) -> findings``."""

MessageRule = Callable[[CheckContext], Iterable[Finding]]
"""``rule(ctx) -> findings``."""


def record_path(lay: MessageLayout, index: int) -> str:
    """Path of a record in JSON-form notation: ``Order[0]``, or ``Delivery`` when it cannot repeat.

    Args:
        lay: the message layout.
        index: 0-based record index.

    Returns:
        The path.
    """
    return f"{lay.record.name}[{index}]" if lay.record.repeated else lay.record.name


def _fields_path(lay: MessageLayout, index: int) -> str:
    base = record_path(lay, index)
    return base if lay.head is None else f"{base}/{lay.head.name}"


def _decimal(value: str | None) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not text or not text.lstrip("+-").isdigit() or not text.isascii():
        return None
    return int(text)


# --------------------------------------------------------------------------- field rules

ENTERPRISE_CODE_FIELDS = (
    "ebpCode",
    "ebcCode",
    "payCode",
    "logisticsCode",
    "agentCode",
    "copCode",
    "operatorCode",
    "ownerCode",
    "areaCode",
    "assureCode",
    "declAgentCode",
    "iacCode",
)
"""Fields naming an enterprise (ceb.md §2 "Company codes"; XSD: 10位海关代码或者18位信用代码)."""


def enterprise_code_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """An enterprise code is a valid 10-character customs code or a valid 18-character USCC.

    ceb.md §2 "Company codes": ``ebpCode``, ``ebcCode``, ``payCode``, ``logisticsCode``,
    ``agentCode``, ``copCode`` … carry the 10-char 海关注册登记编号 or the 18-char
    统一社会信用代码 (GB 32100 check character verified). Export ``ebpCode`` may be
    ``无`` for foreign platforms (202205 revision, ceb.md §1.1; parameter
    ``foreign_platform_ebp_code``). Letter case is not held against the sender.
    """
    if (
        name == "ebpCode"
        and ctx.direction == "export"
        and value == ctx.tables.parameter("foreign_platform_ebp_code")
    ):
        return None
    try:
        if enterprise_code.compact(value) != value.upper():
            reason_zh, reason_en = "含空格或分隔符", "contains spaces or separators"
        else:
            enterprise_code.validate(value)
            return None
    except InvalidLength:
        reason_zh, reason_en = f"长度为{len(value)}，应为10或18位", f"length {len(value)}, expected 10 or 18"
    except InvalidChecksum:
        reason_zh, reason_en = "统一社会信用代码校验码错误", "USCC check character does not match"
    except ValidationError:
        reason_zh, reason_en = "含不允许的字符", "contains characters that are not allowed"
    return finding(
        FindingCode.ENTERPRISE_CODE_INVALID,
        record,
        path,
        # The number itself is personal data: findings end up in stored receipts and logs, so mask it.
        f"{name}={mask_id_number(value)}，{reason_zh}",
        f"{name}={mask_id_number(value)}: {reason_en}",
    )


ID_NUMBER_FIELDS: Mapping[str, str] = {"buyerIdNumber": "buyerIdType", "payerIdNumber": "payerIdType"}
"""ID number field → the field giving its document type."""


def id_number_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """When the ID type is 1 (身份证), the ID number is a valid resident ID (GB 11643-1999).

    ceb.md §3.1/§3.3/§3.9 ``buyerIdType`` / ``payerIdType``: 1-身份证; regulation.md §4.5
    (MOD 11-2 check character and a real date of birth).
    """
    if fields.get(ID_NUMBER_FIELDS[name]) != ctx.tables.parameter("id_card_type"):
        return None
    try:
        if ric.compact(value) != value.upper():
            reason_zh, reason_en = "含空格或分隔符", "contains spaces or separators"
        else:
            ric.validate(value)
            return None
    except InvalidLength:
        reason_zh, reason_en = "长度应为18位", "must be 18 characters"
    except InvalidChecksum:
        reason_zh, reason_en = "校验码错误", "check character does not match"
    except InvalidComponent:
        reason_zh, reason_en = "出生日期无效", "date of birth is not a real date"
    except ValidationError:
        reason_zh, reason_en = "格式错误", "invalid format"
    return finding(
        FindingCode.ID_NUMBER_INVALID,
        record,
        path,
        # The number itself is personal data: findings end up in stored receipts and logs, so mask it.
        f"{name}={mask_id_number(value)}，{reason_zh}",
        f"{name}={mask_id_number(value)}: {reason_en}",
    )


_DATE = "YYYYMMDD"
_DATETIME = "YYYYMMDDhhmmss"
_TIMESTAMP = "YYYYMMDDhhmmssSSS"
DATETIME_FIELDS: Mapping[str, str] = {
    "appTime": _DATETIME,
    "payTime": _DATETIME,
    "logisticsTime": _DATETIME,
    "accountingDate": _DATETIME,
    "leaveTime": _DATETIME,
    "startTime": _DATETIME,
    "endTime": _DATETIME,
    "declTime": _DATE,
    "ieDate": _DATE,
    "returnTime": _TIMESTAMP,
    "opDate": _TIMESTAMP,
}
"""Date/time fields and their formats (ceb.md §2 "Times": C14, C8, C17)."""


def _is_real_datetime(value: str, pattern: str) -> bool:
    if len(value) != len(pattern) or not (value.isascii() and value.isdigit()):
        return False
    try:
        if pattern == _DATE:
            date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
        else:
            datetime(  # noqa: DTZ001 - only checks that the fields form a real calendar time
                int(value[0:4]),
                int(value[4:6]),
                int(value[6:8]),
                int(value[8:10]),
                int(value[10:12]),
                int(value[12:14]),
            )
    except ValueError:
        return False
    return True


def datetime_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """Dates and times are real calendar values in the spec's fixed-width format.

    ceb.md §2 "Times": ``appTime`` … C14 ``YYYYMMDDhhmmss``; ``declTime``, ``ieDate`` C8
    ``YYYYMMDD``; ``returnTime`` (and CEB792 ``opDate``) C17 ``YYYYMMDDhhmmssSSS``.
    The XSD only checks the length.
    """
    pattern = DATETIME_FIELDS[name]
    if _is_real_datetime(value, pattern):
        return None
    return finding(
        FindingCode.DATETIME_INVALID,
        record,
        path,
        f"{name}={value}，应为格式{pattern}的真实日期时间",
        f"{name}={value}: expected a real date/time as {pattern}",
    )


def _not_in_table(
    code: FindingCode,
    record: int | None,
    path: str,
    name: str,
    value: str,
    allowed: frozenset[str],
    table_zh: str,
) -> Finding | None:
    if value in allowed:
        return None
    return finding(
        code,
        record,
        path,
        f"{name}={value}，不在{table_zh}中",
        f"{name}={value}: not in the code list",
    )


def currency_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """Currency: import messages use 142 (人民币); export codes are in the JGS-20 currency table.

    ceb.md §2 "Import money is always RMB" (XSD: 限定为人民币，填写“142”); §8.2 currency
    table (parameter ``import_currency``, ``codes/currency.csv``).
    """
    if ctx.direction == "import":
        expected = ctx.tables.parameter("import_currency")
        if value == expected:
            return None
        return finding(
            FindingCode.CURRENCY_NOT_CNY,
            record,
            path,
            f"{name}={value}，应为{expected}",
            f"{name}={value}, expected {expected}",
        )
    return _not_in_table(
        FindingCode.CURRENCY_INVALID, record, path, name, value, ctx.tables.currency, "币制代码表"
    )


def country_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """Country/region codes are in the JGS-20 国别(地区) table (ceb.md §8.2, ``codes/country.csv``)."""
    return _not_in_table(
        FindingCode.COUNTRY_INVALID, record, path, name, value, ctx.tables.country, "国别(地区)代码表"
    )


def unit_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """Units (``unit``, ``unit1``, ``unit2``) are JGS-20 计量单位 codes (ceb.md §8.2, ``codes/unit.csv``)."""
    return _not_in_table(
        FindingCode.UNIT_INVALID, record, path, name, value, ctx.tables.unit, "计量单位代码表"
    )


def traf_mode_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``trafMode`` is a JGS-20 运输方式 code (ceb.md §8.2, regulation.md §7.4, ``codes/traf_mode.csv``)."""
    return _not_in_table(
        FindingCode.TRAF_MODE_INVALID, record, path, name, value, ctx.tables.traf_mode, "运输方式代码表"
    )


def wrap_type_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``wrapType`` is a 1-character 包装种类 code (ceb.md §8.2, ``codes/wrap_type.csv``)."""
    return _not_in_table(
        FindingCode.WRAP_TYPE_INVALID, record, path, name, value, ctx.tables.wrap_type, "包装种类代码表"
    )


def _spec_code(code: FindingCode, table: str, table_zh: str) -> FieldRule:
    def rule(
        ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
    ) -> Finding | None:
        allowed = ctx.tables.allowed(table, ctx.layout.message_type, ctx.direction)
        if not allowed:
            return None
        return _not_in_table(code, record, path, name, value, allowed, table_zh)

    return rule


def ie_flag_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``ieFlag`` is I (进口) or E (出口) (ceb.md §8.1, ``codes/ceb_codes.csv`` table ieFlag)."""
    return _IE_FLAG(ctx, record, path, name, value, fields)


def app_type_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``appType`` is 1 新增 / 2 变更 / 3 删除; CEB623 only 1 (ceb.md §2, §3.11; table appType)."""
    return _APP_TYPE(ctx, record, path, name, value, fields)


def app_status_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``appStatus`` is 1 暂存 or 2 申报 (ceb.md §2; table appStatus)."""
    return _APP_STATUS(ctx, record, path, name, value, fields)


def order_type_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``orderType``: CEB311 I; CEB303 I/E/B/W (ceb.md §3.1, §4.1, §8.1; table orderType)."""
    return _ORDER_TYPE(ctx, record, path, name, value, fields)


def statistics_flag_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``statisticsFlag`` is A 简化申报 or B 汇总申报 (ceb.md §4.11, §8.1; table statisticsFlag)."""
    return _STATISTICS_FLAG(ctx, record, path, name, value, fields)


def charge_flag_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``fFlag`` / ``iFlag`` (运费/保费标志) are 1 率, 2 单价, 3 总价 (ceb.md §8.1; table chargeFlag)."""
    return _CHARGE_FLAG(ctx, record, path, name, value, fields)


def id_type_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``buyerIdType`` / ``payerIdType``: 1 身份证 or 2 其它; import only 1 (ceb.md §3.1; table idType)."""
    return _ID_TYPE(ctx, record, path, name, value, fields)


def logistics_status_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """CEB513/514 ``logisticsStatus`` is S (签收; XSD: 限定S) (ceb.md §3.7; table logisticsStatus)."""
    return _LOGISTICS_STATUS(ctx, record, path, name, value, fields)


def trade_mode_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``tradeMode``: import 9610/1210/1239; export also 9710/9810 (ceb.md §3.9, §4.11; table tradeMode)."""
    return _TRADE_MODE(ctx, record, path, name, value, fields)


_IE_FLAG = _spec_code(FindingCode.IE_FLAG_INVALID, "ieFlag", "进出口标记代码")
_APP_TYPE = _spec_code(FindingCode.APP_TYPE_INVALID, "appType", "企业报送类型代码")
_APP_STATUS = _spec_code(FindingCode.APP_STATUS_INVALID, "appStatus", "业务状态代码")
_ORDER_TYPE = _spec_code(FindingCode.ORDER_TYPE_INVALID, "orderType", "订单类型代码")
_STATISTICS_FLAG = _spec_code(FindingCode.STATISTICS_FLAG_INVALID, "statisticsFlag", "申报业务类型代码")
_CHARGE_FLAG = _spec_code(FindingCode.CHARGE_FLAG_INVALID, "chargeFlag", "运费/保费标志代码")
_ID_TYPE = _spec_code(FindingCode.ID_TYPE_INVALID, "idType", "证件类型代码")
_LOGISTICS_STATUS = _spec_code(FindingCode.LOGISTICS_STATUS_INVALID, "logisticsStatus", "物流签收状态代码")
_TRADE_MODE = _spec_code(FindingCode.TRADE_MODE_INVALID, "tradeMode", "贸易方式代码")


def customs_district_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """``customsCode`` / ``portCode`` are 4-character customs district codes (关区代码, JGS/T 18).

    ceb.md §8.2: head offices and sub-offices (e.g. 5141 广州机场) all have 4 letters or
    digits; only the format is checked (parameter ``customs_district_pattern``), because
    the public district list is incomplete.
    """
    if _district_pattern(ctx.tables.parameter("customs_district_pattern")).fullmatch(value):
        return None
    return finding(
        FindingCode.CUSTOMS_DISTRICT_INVALID,
        record,
        path,
        f"{name}={value}",
        f"{name}={value}",
    )


@cache
def _district_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.removeprefix("^").removesuffix("$"))


def pack_no_rule(
    ctx: CheckContext, record: int | None, path: str, name: str, value: str, fields: Mapping[str, str]
) -> Finding | None:
    """Import waybills and inventories declare exactly one package (件数限定为“1”).

    ceb.md §3.5 (CEB511 ``packNo``: 单个运单下包裹数，限定为“1”) and §3.9 (CEB621
    ``packNo``: 件数为包裹数量，限定为“1”); parameter ``import_pack_no``.
    """
    if ctx.direction != "import":
        return None
    expected = ctx.tables.parameter("import_pack_no")
    number = _int(value)
    if number is None or number == int(expected):
        return None
    return finding(
        FindingCode.PACK_NO_INVALID,
        record,
        path,
        f"packNo={value}，进口限定为{expected}",
        f"packNo={value}, import must be {expected}",
    )


def _build_field_rules() -> dict[str, tuple[FieldRule, ...]]:
    rules: dict[str, list[FieldRule]] = {}

    def add(rule: FieldRule, *names: str) -> None:
        for name in names:
            rules.setdefault(name, []).append(rule)

    add(enterprise_code_rule, *ENTERPRISE_CODE_FIELDS)
    add(id_number_rule, *ID_NUMBER_FIELDS)
    add(datetime_rule, *DATETIME_FIELDS)
    add(currency_rule, "currency", "fCurrency", "iCurrency")
    add(country_rule, "country", "tradeCountry")
    add(unit_rule, "unit", "unit1", "unit2")
    add(traf_mode_rule, "trafMode")
    add(wrap_type_rule, "wrapType")
    add(ie_flag_rule, "ieFlag")
    add(app_type_rule, "appType")
    add(app_status_rule, "appStatus")
    add(order_type_rule, "orderType")
    add(statistics_flag_rule, "statisticsFlag")
    add(charge_flag_rule, "fFlag", "iFlag")
    add(id_type_rule, "buyerIdType", "payerIdType")
    add(logistics_status_rule, "logisticsStatus")
    add(trade_mode_rule, "tradeMode")
    add(customs_district_rule, "customsCode", "portCode")
    add(pack_no_rule, "packNo")
    return {name: tuple(found) for name, found in rules.items()}


FIELD_RULES: Mapping[str, tuple[FieldRule, ...]] = _build_field_rules()
"""Field name → the rules applied to every value of that field."""


def _field_pass(
    ctx: CheckContext, record: int | None, prefix: str, fields: Mapping[str, str], out: list[Finding]
) -> None:
    rules_by_name = FIELD_RULES
    for name, value in fields.items():
        rules = rules_by_name.get(name)
        if rules is None or not value:
            continue
        path = f"{prefix}/{name}" if prefix else name
        for rule in rules:
            found = rule(ctx, record, path, name, value, fields)
            if found is not None:
                out.append(found)


# --------------------------------------------------------------------------- record rules


def actural_paid_rule(ctx: CheckContext, record: CebRecord, path: str) -> Iterator[Finding]:
    """``acturalPaid = goodsValue + freight + taxTotal − discount`` (CEB311 OrderHead).

    ceb.md §3.1 (XSD text of ``acturalPaid``: 商品价格+运杂费+代扣税款-非现金抵扣金额);
    parameter ``actural_paid_tolerance``.
    """
    head = record.head
    values = [
        _decimal(head.get(name)) for name in ("goodsValue", "freight", "taxTotal", "discount", "acturalPaid")
    ]
    goods, freight, tax, discount, paid = values
    if goods is None or freight is None or tax is None or discount is None or paid is None:
        return
    expected = _EXACT.subtract(_EXACT.add(_EXACT.add(goods, freight), tax), discount)
    if abs(_EXACT.subtract(expected, paid)) > ctx.tables.decimal("actural_paid_tolerance"):
        yield finding(
            FindingCode.ACTURAL_PAID_MISMATCH,
            record.index,
            f"{path}/acturalPaid",
            f"acturalPaid={head['acturalPaid']}，应为{goods}+{freight}+{tax}-{discount}={expected}",
            f"acturalPaid={head['acturalPaid']}, expected {goods}+{freight}+{tax}-{discount}={expected}",
        )


def line_total_rule(ctx: CheckContext, record: CebRecord, path: str) -> Iterator[Finding]:
    """Each line's ``totalPrice = price × qty`` (商品总价，等于单价乘以数量).

    ceb.md §3.1 ``OrderList.totalPrice`` definition; applied to every list line that has
    ``price``, ``qty`` and ``totalPrice`` (orders and inventories, import and export).
    Parameter ``total_price_tolerance`` (our choice: rounding to the fen).
    """
    tolerance = ctx.tables.decimal("total_price_tolerance")
    base = record_path(ctx.layout, record.index)
    for list_name, lines in record.lists.items():
        for j, line in enumerate(lines):
            price, qty, total = (
                _decimal(line.get("price")),
                _decimal(line.get("qty")),
                _decimal(line.get("totalPrice")),
            )
            if price is None or qty is None or total is None:
                continue
            product = _EXACT.multiply(price, qty)
            if abs(_EXACT.subtract(product, total)) > tolerance:
                yield finding(
                    FindingCode.TOTAL_PRICE_MISMATCH,
                    record.index,
                    f"{base}/{list_name}[{j}]/totalPrice",
                    f"totalPrice={line['totalPrice']}，单价{price}×数量{qty}={product}",
                    f"totalPrice={line['totalPrice']}, price {price} × qty {qty} = {product}",
                )


GOODS_VALUE_SUM: Mapping[str, str] = {"CEB311Message": "OrderList"}
"""Message types whose ``goodsValue`` must equal the sum of a list's ``totalPrice``."""


def goods_value_rule(ctx: CheckContext, record: CebRecord, path: str) -> Iterator[Finding]:
    """CEB311 ``goodsValue = Σ OrderList.totalPrice``.

    This is **practice, not XSD text** (ceb.md §3.1 note: the XSD defines goodsValue as
    商品实际成交价，含非现金抵扣金额; platforms and the e-port compare it with the sum of
    the lines). Parameter ``goods_value_tolerance``.
    """
    list_name = GOODS_VALUE_SUM.get(ctx.layout.message_type)
    goods = _decimal(record.head.get("goodsValue"))
    if list_name is None or goods is None:
        return
    totals = [_decimal(line.get("totalPrice")) for line in record.lists.get(list_name, [])]
    if not totals or any(total is None for total in totals):
        return
    total_sum = Decimal(0)
    for total in totals:
        assert total is not None
        total_sum = _EXACT.add(total_sum, total)
    if abs(_EXACT.subtract(total_sum, goods)) > ctx.tables.decimal("goods_value_tolerance"):
        yield finding(
            FindingCode.GOODS_VALUE_MISMATCH,
            record.index,
            f"{path}/goodsValue",
            f"goodsValue={record.head['goodsValue']}，表体商品总价之和为{total_sum}",
            f"goodsValue={record.head['goodsValue']}, the lines' totalPrice sum to {total_sum}",
        )


def gnum_rule(ctx: CheckContext, record: CebRecord, path: str) -> Iterator[Finding]:
    """``gnum`` numbers lines 1, 2, … n in order ("从1开始的递增/连续序号") and never repeats.

    ceb.md §3.1/§3.9/§4.x ``gnum`` definitions; which lists are sequential and which only
    unique (refund lists number after the original inventory) is in ``codes/line_rules.csv``.
    e-port errors -301002 重复商品序号 / -621027 表体gnum重复.
    """
    base = record_path(ctx.layout, record.index)
    for list_name, lines in record.lists.items():
        rule = ctx.tables.line_rules.get((ctx.layout.message_type, list_name))
        if rule is None:
            continue
        seen: set[int] = set()
        for j, line in enumerate(lines):
            gnum = _int(line.get("gnum"))
            if gnum is None:
                continue
            where = f"{base}/{list_name}[{j}]/gnum"
            if gnum in seen:
                yield finding(
                    FindingCode.GNUM_DUPLICATE,
                    record.index,
                    where,
                    f"gnum={gnum}重复",
                    f"gnum {gnum} repeats",
                )
            seen.add(gnum)
            if rule.gnum == "sequential" and gnum != j + 1:
                yield finding(
                    FindingCode.GNUM_NOT_SEQUENTIAL,
                    record.index,
                    where,
                    f"第{j + 1}行gnum={gnum}，应为{j + 1}",
                    f"line {j + 1} has gnum {gnum}, expected {j + 1}",
                )


def line_count_rule(ctx: CheckContext, record: CebRecord, path: str) -> Iterator[Finding]:
    """A record has at most 99 list lines on the import side and 100 on the export side.

    ceb.md §2 "Batching"; limits per list in ``codes/line_rules.csv``.
    """
    base = record_path(ctx.layout, record.index)
    for list_name, lines in record.lists.items():
        rule = ctx.tables.line_rules.get((ctx.layout.message_type, list_name))
        if rule is None or rule.max_lines is None or len(lines) <= rule.max_lines:
            continue
        yield finding(
            FindingCode.LINE_COUNT_EXCEEDED,
            record.index,
            f"{base}/{list_name}",
            f"{list_name}共{len(lines)}条，上限{rule.max_lines}条",
            f"{len(lines)} {list_name} lines, limit {rule.max_lines}",
        )


def msg_seq_rule(ctx: CheckContext, record: CebRecord, path: str) -> Iterator[Finding]:
    """``msgSeqNo`` runs from 1 to ``msgCount`` (报文序号以1开始，拆分的报文需要连续编号).

    ceb.md §4.7/§4.9/§4.15/§4.21 (split documents: 运抵单, 离境单, 总分单, 汇总申请单).
    """
    seq, count = _int(record.head.get("msgSeqNo")), _int(record.head.get("msgCount"))
    if seq is None or count is None or 1 <= seq <= count:
        return
    yield finding(
        FindingCode.MSG_SEQ_INVALID,
        record.index,
        f"{path}/msgSeqNo",
        f"msgSeqNo={seq}，msgCount={count}",
        f"msgSeqNo={seq}, msgCount={count}",
    )


def declared_signature_rule(ctx: CheckContext, record: CebRecord, path: str) -> Iterator[Finding]:
    """A record with ``appStatus`` 2 (申报) needs the message signed (CEB603, CEB607).

    ceb.md §4.11/§4.15 (appStatus: 填写2时需要业务加签申报即Signature节点必须填写);
    parameter ``declare_app_status``. For 621/623/625/711 see :func:`signature_rule`.
    """
    if ctx.spec is None or ctx.spec.signature_required is not SignatureRule.WHEN_APP_STATUS_2:
        return
    if ctx.message.signature is not None or record.app_status != ctx.tables.parameter("declare_app_status"):
        return
    yield finding(
        FindingCode.SIGNATURE_MISSING,
        record.index,
        SIGNATURE,
        f"{path}/appStatus=2（申报）时报文必须加签",
        f"{path}/appStatus is 2 (declare): the message must be signed",
    )


RECORD_RULES: tuple[RecordRule, ...] = (
    actural_paid_rule,
    goods_value_rule,
    line_total_rule,
    gnum_rule,
    line_count_rule,
    msg_seq_rule,
    declared_signature_rule,
)
"""Rules run once per record."""


# --------------------------------------------------------------------------- message rules


def signature_rule(ctx: CheckContext) -> Iterator[Finding]:
    """CEB621/623/625/711 must carry ``ds:Signature`` (the import XSD makes it mandatory).

    ceb.md §1.3 (Signature 1..1) and §5.1.
    """
    if ctx.spec is None or ctx.spec.signature_required is not SignatureRule.ALWAYS or ctx.message.signature:
        return
    yield finding(
        FindingCode.SIGNATURE_MISSING,
        None,
        SIGNATURE,
        f"{ctx.layout.message_type}必须加签",
        f"{ctx.layout.message_type} must be signed",
    )


def record_guid_rule(ctx: CheckContext) -> Iterator[Finding]:
    """Each record's ``guid`` is unique within the message (ceb.md §2: 36位唯一序号, unique per submission).

    Also applied to receipts: every receipt record has its own guid.
    """
    seen: set[str] = set()
    for record in ctx.message.records:
        guid = record.guid
        if not guid:
            continue
        if guid in seen:
            yield finding(
                FindingCode.RECORD_GUID_DUPLICATE,
                record.index,
                f"{_fields_path(ctx.layout, record.index)}/guid",
                f"guid={guid}",
                f"guid={guid}",
            )
        seen.add(guid)


def business_key_rule(ctx: CheckContext) -> Iterator[Finding]:
    """Two declarations in one message do not share a business key (e.g. ebpCode + orderNo).

    ceb.md §2 "Business keys / uniqueness"; the keys are in the catalogue
    (:attr:`MessageSpec.business_key`). Checked for declarations only: receipts repeat keys
    legitimately (several statuses of one document).
    """
    spec = ctx.spec
    if spec is None or not spec.is_declaration or not spec.business_key:
        return
    seen: set[tuple[str | None, ...]] = set()
    for record in ctx.message.records:
        key = record.key(spec.business_key)
        if any(value is None or value == "" for value in key):
            continue
        if key in seen:
            shown = "+".join(f"{name}={value}" for name, value in zip(spec.business_key, key, strict=True))
            yield finding(
                FindingCode.BUSINESS_KEY_DUPLICATE,
                record.index,
                f"{_fields_path(ctx.layout, record.index)}/{spec.business_key[-1]}",
                shown,
                shown,
            )
        seen.add(key)


MESSAGE_RULES: tuple[MessageRule, ...] = (signature_rule, record_guid_rule, business_key_rule)
"""Rules run once per message."""


# --------------------------------------------------------------------------- entry point


def field_findings(message: CebMessage, *, tables: CodeTables | None = None) -> list[Finding]:
    """Run every field, record and message rule and return all findings.

    Args:
        message: the message (any CEB type).
        tables: code tables and parameters (default: the packaged ``codes/*.csv``).

    Returns:
        All findings, records in order, message-level findings last. Empty for an
        unknown message type (the XSD check reports that).
    """
    lay = layout(message.message_type)
    if lay is None:
        return []
    ctx = CheckContext(
        message=message,
        layout=lay,
        spec=spec_for(message.message_type),
        direction=lay.schema,
        tables=tables if tables is not None else load_code_tables(),
    )
    out: list[Finding] = []
    for record in message.records:
        head_path = _fields_path(lay, record.index)
        _field_pass(ctx, record.index, head_path, record.head, out)
        base = record_path(lay, record.index)
        for list_name, lines in record.lists.items():
            for j, line in enumerate(lines):
                _field_pass(ctx, record.index, f"{base}/{list_name}[{j}]", line, out)
        for record_rule in RECORD_RULES:
            out.extend(record_rule(ctx, record, head_path))
    if message.base_transfer is not None:
        _field_pass(ctx, None, BASE_TRANSFER, message.base_transfer, out)
    for message_rule in MESSAGE_RULES:
        out.extend(message_rule(ctx))
    return out
