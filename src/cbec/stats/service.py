"""Statistics queries for the dashboards, the API, the exports and the CLI (read side only).

Every figure is read from ``stat_declarations`` (one row per declaration or imported channel record,
kept by :mod:`cbec.stats.rollup`), never from raw messages. The functions take plain filters and return
plain data: counts are ``int``, money is :class:`~decimal.Decimal` CNY (exact: the facts hold whole fen),
rates and growth are ``Decimal`` ratios to 4 places (``0.0250`` = 2.5 %), clearance times are whole
seconds, and a figure that has no meaning for the selection (a rate without a denominator) is ``None``.

Filters (all optional, combined with AND): ``direction`` (import | export), ``segment`` (b2c | b2b |
unclassified), ``trade_mode``, ``country`` (JGS-20 code), ``hs_chapter`` (2 digits), ``park`` (the park
name of the filing), ``enterprise_id`` (a filing id: its declarations as platform or seller), ``channel``
(customs = this platform's declarations; post | express | platform = imported records).

Percentiles are exact by the nearest rank (the ceil(p·n)-th clearance time in order, as PostgreSQL's
``percentile_disc``): the database counts each distinct clearance time, the ranks are walked here. A
zone-wide selection reads only the fact table's day-first covering index.
"""

from __future__ import annotations

import calendar
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select, union
from sqlalchemy.orm import Session

from cbec.errors import ErrorCode, InvalidInputError
from cbec.kernel.dates import utc_now
from cbec.registry.enums import FilingStatus
from cbec.registry.models import Enterprise
from cbec.stats.catalogue import DIRECTIONS, Catalogue, TargetMeasure, load_catalogue
from cbec.stats.channels import CHANNELS
from cbec.stats.facts import yuan
from cbec.stats.models import StatDeclaration as F
from cbec.stats.models import StatInput
from cbec.zones.loader import Target, Zone

__all__ = [
    "BREAKDOWNS",
    "FIGURES",
    "GRAINS",
    "Filters",
    "breakdown",
    "figures",
    "inputs",
    "series",
    "set_input",
    "targets",
]

Grain = Literal["day", "month", "year"]
By = Literal["trade_mode", "segment", "direction", "country", "hs_chapter", "park", "enterprise", "channel"]

GRAINS: tuple[str, ...] = ("day", "month", "year")
BREAKDOWNS: tuple[str, ...] = (
    "trade_mode",
    "segment",
    "direction",
    "country",
    "hs_chapter",
    "park",
    "enterprise",
    "channel",
)
FIGURES: tuple[str, ...] = (
    "count",
    "released",
    "value",
    "value_unconverted",
    "tax",
    "accepted",
    "refused",
    "inspected",
    "inspection_rate",
    "refusal_rate",
    "clearance_p50",
    "clearance_p95",
    "active_enterprises",
)
"""The figures every row carries, in display order (labels in :data:`FIGURE_LABELS`)."""

FIGURE_LABELS: dict[str, tuple[str, str]] = {
    "count": ("申报清单数", "declarations"),
    "released": ("放行清单数", "released"),
    "value": ("交易额（元）", "value (CNY)"),
    "value_unconverted": ("未折算清单数（外币）", "not converted (foreign currency)"),
    "tax": ("代征税款（元）", "tax (CNY)"),
    "accepted": ("通过校验数", "accepted"),
    "refused": ("退单数", "refused"),
    "inspected": ("查验数", "inspected"),
    "inspection_rate": ("查验率", "inspection rate"),
    "refusal_rate": ("退单率", "refusal rate"),
    "clearance_p50": ("通关时长中位数（秒）", "clearance time p50 (s)"),
    "clearance_p95": ("通关时长P95（秒）", "clearance time p95 (s)"),
    "active_enterprises": ("活跃企业数", "active enterprises"),
}

_RATE = Decimal("0.0001")
_CHANNEL_NAMES = ("customs", *CHANNELS)
_MAX_PERIODS = {"day": 1100, "month": 600, "year": 100}
_P50, _P95 = 50, 95


@dataclass(frozen=True, slots=True)
class Filters:
    """A selection of declarations: a day range (Beijing dates, both ends included) and dimensions."""

    start: date
    end: date
    direction: str | None = None
    segment: str | None = None
    trade_mode: str | None = None
    country: str | None = None
    hs_chapter: str | None = None
    park: str | None = None
    enterprise_id: str | None = None
    channel: str | None = None

    def check(self, catalogue: Catalogue | None = None) -> Filters:
        """The filters, or :class:`InvalidInputError` naming what is wrong."""
        catalogue = catalogue or load_catalogue()
        problems = {}
        if self.start > self.end:
            problems["start"] = "开始日期晚于结束日期 / start is after end"
        if self.direction is not None and self.direction not in DIRECTIONS:
            problems["direction"] = f"应为 {'/'.join(DIRECTIONS)}"
        if self.segment is not None and self.segment not in catalogue.segments():
            problems["segment"] = f"应为 {'/'.join(catalogue.segments())}"
        if self.channel is not None and self.channel not in _CHANNEL_NAMES:
            problems["channel"] = f"应为 {'/'.join(_CHANNEL_NAMES)}"
        if self.hs_chapter is not None and not (len(self.hs_chapter) == 2 and self.hs_chapter.isdigit()):  # noqa: PLR2004
            problems["hs_chapter"] = "应为两位数字 / two digits"
        if problems:
            raise InvalidInputError(ErrorCode.STATS_FILTER_INVALID, data=problems)
        return self

    def where(self) -> list[ColumnElement[bool]]:
        """The SQL conditions of the selection."""
        out: list[ColumnElement[bool]] = [F.day >= self.start, F.day <= self.end]
        for name in ("direction", "segment", "trade_mode", "country", "hs_chapter", "park", "channel"):
            value = getattr(self, name)
            if value is not None:
                out.append(getattr(F, name) == value)
        if self.enterprise_id is not None:
            out.append(or_(F.ebp_id == self.enterprise_id, F.ebc_id == self.enterprise_id))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}

    def kwargs(self) -> dict[str, Any]:
        """The filters as keyword arguments of :func:`figures`, :func:`series` and :func:`breakdown`."""
        return {name: getattr(self, name) for name in Filters.__dataclass_fields__}


def _filters(start: date, end: date, **dimensions: str | None) -> Filters:
    known = {k: v for k, v in dimensions.items() if v is not None}
    unknown = set(known) - set(Filters.__dataclass_fields__)
    if unknown:
        raise InvalidInputError(ErrorCode.STATS_FILTER_INVALID, data={"unknown": sorted(unknown)})
    return Filters(start, end, **known).check()


# --------------------------------------------------------------------------- figures


def figures(
    session: Session,
    *,
    start: date,
    end: date,
    direction: str | None = None,
    segment: str | None = None,
    trade_mode: str | None = None,
    country: str | None = None,
    hs_chapter: str | None = None,
    park: str | None = None,
    enterprise_id: str | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """The headline figures of the selection (see :data:`FIGURES`), with the filters that made them."""
    f = _filters(
        start,
        end,
        direction=direction,
        segment=segment,
        trade_mode=trade_mode,
        country=country,
        hs_chapter=hs_chapter,
        park=park,
        enterprise_id=enterprise_id,
        channel=channel,
    )
    found = _grouped(session, f.where(), None).get(None) or _empty()
    return {"filters": f.as_dict(), **found}


def _empty() -> dict[str, Any]:
    return _figure_row({}, None, None, 0)


def _bool_sum(column: Any) -> Any:
    return func.coalesce(func.sum(case((column, 1), else_=0)), 0)


def _grouped(session: Session, where: Sequence[ColumnElement[bool]], group: Any) -> dict[Any, dict[str, Any]]:
    """Every figure per value of ``group`` (``None``: one row for the whole selection, key ``None``)."""
    key = group if group is not None else literal_column("'all'")
    query = select(
        key.label("g"),
        func.count().label("count"),
        _bool_sum(F.released).label("released"),
        func.sum(case((F.released, F.value_fen), else_=None)).label("value"),
        _bool_sum(and_(F.released, F.value_fen.is_(None))).label("value_unconverted"),
        func.sum(case((F.released, F.tax_fen), else_=None)).label("tax"),
        _bool_sum(F.accepted).label("accepted"),
        _bool_sum(F.refused).label("refused"),
        _bool_sum(F.inspected).label("inspected"),
    ).where(*where)
    totals = session.execute(query.group_by(group) if group is not None else query).all()
    times = _percentiles(session, where, key, group)
    active = _active(session, where, key, group)
    out = {}
    for row in totals:
        g = row.g if group is not None else None
        p50, p95 = times.get(row.g, (None, None))
        out[g] = _figure_row(dict(row._mapping), p50, p95, active.get(row.g, 0))
    return out


def _figure_row(row: Mapping[str, Any], p50: int | None, p95: int | None, active: int) -> dict[str, Any]:
    accepted, refused, inspected = (int(row.get(k) or 0) for k in ("accepted", "refused", "inspected"))
    return {
        "count": int(row.get("count") or 0),
        "released": int(row.get("released") or 0),
        "value": yuan(_int(row.get("value"))),
        "value_unconverted": int(row.get("value_unconverted") or 0),
        "tax": yuan(_int(row.get("tax"))),
        "accepted": accepted,
        "refused": refused,
        "inspected": inspected,
        "inspection_rate": ratio(inspected, accepted),
        "refusal_rate": ratio(refused, accepted + refused),
        "clearance_p50": p50,
        "clearance_p95": p95,
        "active_enterprises": active,
    }


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole`` to 4 places (half-up), ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_RATE, rounding=ROUND_HALF_UP)


def nearest_rank(percent: int, n: int) -> int:
    """The 1-based rank of the ``percent``-th percentile of ``n`` values by the nearest-rank method.

    >>> nearest_rank(50, 4), nearest_rank(95, 4), nearest_rank(95, 100), nearest_rank(50, 1)
    (2, 4, 95, 1)
    """
    return (percent * n + 99) // 100


def _percentiles(
    session: Session, where: Sequence[ColumnElement[bool]], key: Any, group: Any
) -> dict[Any, tuple[int, int]]:
    """p50 and p95 of the clearance time per group, exactly (nearest rank): the database counts each
    distinct time per group (a hash aggregate, no sort of every row) and the ranks are walked here."""
    query = select(key.label("g"), F.clearance_seconds, func.count()).where(
        *where, F.clearance_seconds.is_not(None)
    )
    columns = [group, F.clearance_seconds] if group is not None else [F.clearance_seconds]
    counts: dict[Any, list[tuple[int, int]]] = {}
    for g, seconds, n in session.execute(query.group_by(*columns)):
        counts.setdefault(g, []).append((int(seconds), int(n)))
    return {g: _ranks(sorted(found)) for g, found in counts.items()}


def _ranks(counted: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The p50 and p95 values of a sorted list of (value, how many)."""
    total = sum(n for _v, n in counted)
    wanted = [nearest_rank(_P50, total), nearest_rank(_P95, total)]
    found: list[int] = []
    seen = 0
    for value, n in counted:
        seen += n
        while wanted and wanted[0] <= seen:
            found.append(value)
            wanted.pop(0)
    return found[0], found[1]


def _active(session: Session, where: Sequence[ColumnElement[bool]], key: Any, group: Any) -> dict[Any, int]:
    """Distinct filings named as platform or seller, per group: the distinct (platform, seller) pairs in
    one pass, united here (they are few: platforms × their sellers)."""
    query = select(key.label("g"), F.ebp_id, F.ebc_id).where(*where)
    columns = [group, F.ebp_id, F.ebc_id] if group is not None else [F.ebp_id, F.ebc_id]
    named: dict[Any, set[str]] = {}
    for g, platform, seller in session.execute(query.group_by(*columns)):
        named.setdefault(g, set()).update(e for e in (platform, seller) if e is not None)
    return {g: len(found) for g, found in named.items()}


# --------------------------------------------------------------------------- series


def series(
    session: Session,
    *,
    start: date,
    end: date,
    grain: Grain,
    direction: str | None = None,
    segment: str | None = None,
    trade_mode: str | None = None,
    country: str | None = None,
    hs_chapter: str | None = None,
    park: str | None = None,
    enterprise_id: str | None = None,
    channel: str | None = None,
) -> list[dict[str, Any]]:
    """One row per period of ``grain`` overlapping [start, end] (periods without data have zeros).

    Besides the figures each row has ``count_yoy`` / ``value_yoy`` (同比: the same days a year earlier)
    and ``count_mom`` / ``value_mom`` (环比: the same days of the previous period — the previous day,
    month; none for years, whose 环比 is the 同比), as ratios; ``None`` where the earlier days have no
    declarations (or no value).
    """
    if grain not in GRAINS:
        raise InvalidInputError(
            ErrorCode.STATS_FILTER_INVALID, data={"grain": grain, "allowed": list(GRAINS)}
        )
    f = _filters(
        start,
        end,
        direction=direction,
        segment=segment,
        trade_mode=trade_mode,
        country=country,
        hs_chapter=hs_chapter,
        park=park,
        enterprise_id=enterprise_id,
        channel=channel,
    )
    periods = _periods(f.start, f.end, grain)
    if len(periods) > _MAX_PERIODS[grain]:
        raise InvalidInputError(
            ErrorCode.STATS_FILTER_INVALID,
            "时间范围过长 / range too long for this grain",
            data={"grain": grain, "periods": len(periods), "max": _MAX_PERIODS[grain]},
        )
    column = {"day": F.day, "month": F.month, "year": F.year}[grain]
    found = {_label(g, grain): row for g, row in _grouped(session, f.where(), column).items()}
    earliest = _year_earlier(f.start) - timedelta(days=31)
    daily = _Cumulative(_daily(session, Filters(**{**asdict(f), "start": earliest}).where()))
    out = []
    for label, first, last in periods:
        row = found.get(label) or _empty()
        yoy = daily.between(_year_earlier(first), _year_earlier(last))
        mom = daily.between(*_previous(first, last, grain)) if grain != "year" else None
        out.append(
            {
                "period": label,
                "start": first,
                "end": last,
                **row,
                "count_yoy": _growth(row["count"], yoy[0]),
                "value_yoy": _growth(row["value"], yoy[1], yoy[0]),
                "count_mom": _growth(row["count"], mom[0]) if mom else None,
                "value_mom": _growth(row["value"], mom[1], mom[0]) if mom else None,
            }
        )
    return out


def _label(value: Any, grain: str) -> str:
    if grain == "day":
        return value.isoformat() if isinstance(value, date) else str(value)[:10]
    return str(value)


def _periods(start: date, end: date, grain: str) -> list[tuple[str, date, date]]:
    """(label, first day, last day) of each period of ``grain`` overlapping [start, end], clipped to it."""
    out = []
    day = start
    while day <= end:
        if grain == "day":
            first, last, label = day, day, day.isoformat()
        elif grain == "month":
            first = day
            last = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
            label = day.strftime("%Y-%m")
        else:
            first, last, label = day, date(day.year, 12, 31), str(day.year)
        last = min(last, end)
        out.append((label, first, last))
        day = last + timedelta(days=1)
        if len(out) > max(_MAX_PERIODS.values()) + 1:
            break
    return out


def _year_earlier(day: date) -> date:
    """The same day a year earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _month_earlier(day: date) -> date:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _previous(first: date, last: date, grain: str) -> tuple[date, date]:
    if grain == "day":
        return first - timedelta(days=1), last - timedelta(days=1)
    return _month_earlier(first), _month_earlier(last)


def _daily(session: Session, where: Sequence[ColumnElement[bool]]) -> dict[date, tuple[int, Decimal]]:
    """Count and value per day (what the growth rates compare)."""
    rows = session.execute(
        select(F.day, func.count(), func.sum(case((F.released, F.value_fen), else_=None)))
        .where(*where)
        .group_by(F.day)
    ).all()
    return {day: (int(n), yuan(_int(value))) for day, n, value in rows}


class _Cumulative:
    """Count and value per day, summed over any range of days in O(log n)."""

    def __init__(self, daily: Mapping[date, tuple[int, Decimal]]) -> None:
        self.days = sorted(daily)
        self.counts, self.values = [0], [Decimal(0)]
        for day in self.days:
            self.counts.append(self.counts[-1] + daily[day][0])
            self.values.append(self.values[-1] + daily[day][1])

    def between(self, first: date, last: date) -> tuple[int, Decimal]:
        i, j = bisect_left(self.days, first), bisect_right(self.days, last)
        return self.counts[j] - self.counts[i], self.values[j] - self.values[i]


def _growth(
    current: int | Decimal, earlier: int | Decimal, earlier_count: int | None = None
) -> Decimal | None:
    """(current − earlier) / earlier, ``None`` when the earlier days have nothing to compare with."""
    if not earlier or (earlier_count is not None and not earlier_count):
        return None
    return ((Decimal(current) - Decimal(earlier)) / Decimal(earlier)).quantize(_RATE, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- breakdown


def breakdown(
    session: Session,
    *,
    start: date,
    end: date,
    by: By,
    limit: int = 20,
    direction: str | None = None,
    segment: str | None = None,
    trade_mode: str | None = None,
    country: str | None = None,
    hs_chapter: str | None = None,
    park: str | None = None,
    enterprise_id: str | None = None,
    channel: str | None = None,
) -> list[dict[str, Any]]:
    """The selection split by one dimension, ranked by value then count (at most ``limit`` rows).

    Each row has ``key`` (the stored value; ``None`` for declarations without one), ``label`` /
    ``label_en``, the figures, and ``value_share`` / ``count_share`` of the whole selection.
    """
    if by not in BREAKDOWNS:
        raise InvalidInputError(ErrorCode.STATS_FILTER_INVALID, data={"by": by, "allowed": list(BREAKDOWNS)})
    if not 1 <= limit <= 1000:  # noqa: PLR2004
        raise InvalidInputError(ErrorCode.STATS_FILTER_INVALID, data={"limit": limit})
    f = _filters(
        start,
        end,
        direction=direction,
        segment=segment,
        trade_mode=trade_mode,
        country=country,
        hs_chapter=hs_chapter,
        park=park,
        enterprise_id=enterprise_id,
        channel=channel,
    )
    column = F.ebc_id if by == "enterprise" else getattr(F, by)
    groups = _grouped(session, f.where(), column)
    total_value = sum((g["value"] for g in groups.values()), Decimal(0))
    total_count = sum(g["count"] for g in groups.values())
    ranked = sorted(groups.items(), key=lambda kv: (-kv[1]["value"], -kv[1]["count"], str(kv[0])))[:limit]
    labels = _labels(session, by, [k for k, _v in ranked])
    return [
        {
            "key": key,
            "label": labels.get(key, (str(key), str(key)))[0] if key is not None else "未知",
            "label_en": labels.get(key, (str(key), str(key)))[1] if key is not None else "unknown",
            **row,
            "value_share": ratio(row["value"], total_value),
            "count_share": ratio(row["count"], total_count),
        }
        for key, row in ranked
    ]


def _labels(session: Session, by: str, keys: Sequence[Any]) -> dict[Any, tuple[str, str]]:
    """Display names of breakdown keys (Chinese, English)."""
    catalogue = load_catalogue()
    if by == "enterprise":
        rows = session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.name_en).where(
                Enterprise.id.in_([k for k in keys if k])
            )
        ).all()
        return {i: (name, name_en or name) for i, name, name_en in rows}
    if by == "country":
        names = country_names()
        return {k: (names.get(k, k), k) for k in keys if k}
    if by == "trade_mode":
        modes = catalogue.latest.trade_modes
        return {k: (f"{k} {modes[k].label}", f"{k} {modes[k].label_en}") for k in keys if k in modes}
    if by == "segment":
        return catalogue.segments()
    if by == "direction":
        return {"import": ("进口", "import"), "export": ("出口", "export")}
    if by == "channel":
        return {"customs": ("海关申报清单", "customs declarations"), **CHANNELS}
    if by == "hs_chapter":
        return {k: (f"第{k}章", f"HS chapter {k}") for k in keys if k}
    return {k: (k, k) for k in keys if k}


def country_names() -> dict[str, str]:
    """JGS-20 country code → Chinese name (the CEB code table)."""
    from cbec.messages.ceb import code_tables  # noqa: PLC0415

    return {row["code"]: row["name_zh"] for row in code_tables._rows("country.csv")}  # noqa: SLF001


# --------------------------------------------------------------------------- inputs


def set_input(session: Session, *, key: str, year: int, value: Decimal, source: str, actor: str) -> StatInput:
    """Record a figure the platform cannot measure (the latest entry of a key and year counts)."""
    catalogue = load_catalogue()
    if key not in catalogue.inputs:
        raise InvalidInputError(
            ErrorCode.STATS_FILTER_INVALID, data={"key": key, "allowed": sorted(catalogue.inputs)}
        )
    if value < 0 or not 2000 <= year <= 2100:  # noqa: PLR2004
        raise InvalidInputError(ErrorCode.STATS_FILTER_INVALID, data={"value": str(value), "year": year})
    row = session.get(StatInput, (key, year))
    if row is None:
        row = StatInput(
            key=key, year=year, value=value, source=source, entered_by=actor, entered_at=utc_now()
        )
        session.add(row)
    else:
        row.value, row.source, row.entered_by, row.entered_at = value, source, actor, utc_now()
    session.flush()
    return row


def plain(value: Decimal) -> Decimal:
    """A stored figure without its trailing zeros (``8.00000`` → ``8``, ``12.50000`` → ``12.5``)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def inputs(session: Session) -> list[dict[str, Any]]:
    """Every operator input, by key and year."""
    return [
        {
            "key": r.key,
            "year": r.year,
            "value": plain(r.value),
            "source": r.source,
            "entered_by": r.entered_by,
            "entered_at": r.entered_at.isoformat(),
        }
        for r in session.scalars(select(StatInput).order_by(StatInput.key, StatInput.year))
    ]


# --------------------------------------------------------------------------- targets


def targets(
    session: Session, zone: Zone, *, today: date, catalogue: Catalogue | None = None
) -> list[dict[str, Any]]:
    """Each target of the zone file: measured (current value, progress, projection to the target date)
    when the platform can measure it, otherwise listed with the reason."""
    catalogue = catalogue or load_catalogue()
    out = []
    for target in zone.targets:
        row = _target_head(target)
        measure = catalogue.measurable.get(target.metric)
        if target.value is None:
            reason = catalogue.unmeasurable.get(
                target.metric, "定性目标，无数值 / qualitative target, no figure"
            )
            out.append({**row, "measurable": False, "reason": reason})
        elif measure is None:
            reason = catalogue.unmeasurable.get(
                target.metric, "统计目录未定义该指标的计量方法 / the catalogue has no measure for this metric"
            )
            out.append({**row, "measurable": False, "reason": reason})
        else:
            measured = _MEASURES[measure.measure](session, target, measure, today)
            out.append({**row, "measurable": True, "method_note": measure.note, **measured})
    return out


def _target_date(target: Target) -> date | None:
    if target.deadline is not None:
        return target.deadline
    return date(target.year, 12, 31) if target.year is not None else None


def _target_head(target: Target) -> dict[str, Any]:
    return {
        "key": target.key,
        "metric": target.metric,
        "label_zh": target.label_zh,
        "label_en": target.label_en,
        "target": target.value,
        "unit": target.unit,
        "comparison": target.comparison,
        "year": target.year,
        "from_year": target.from_year,
        "target_date": _target_date(target),
        "when_zh": target.when_zh,
        "quote": target.quote,
        "note": target.note,
    }


def _meets(value: Decimal | None, target: Target) -> bool | None:
    if value is None or target.value is None:
        return None
    if target.comparison == "more_than":
        return value > target.value
    if target.comparison == "at_most":
        return value <= target.value
    return value >= target.value


def _result(
    target: Target,
    current: Decimal | None,
    as_of: date,
    projection: Decimal | None,
    method: str,
    detail: str | None = None,
) -> dict[str, Any]:
    progress = None
    if current is not None and target.value:
        progress = (
            ratio(target.value, current) if target.comparison == "at_most" else ratio(current, target.value)
        )
    return {
        "current": current,
        "as_of": as_of,
        "progress": progress,
        "projection": projection,
        "projection_method": method,
        "on_track": _meets(projection if projection is not None else None, target),
        "detail": detail,
    }


def _value_between(session: Session, first: date, last: date, measure: TargetMeasure) -> tuple[Decimal, int]:
    found = figures(session, start=first, end=last, **measure.filter)
    return found["value"], found["count"]


def _year_value(
    session: Session, year: int, today: date, measure: TargetMeasure
) -> tuple[Decimal, int, Decimal]:
    """(value so far, declarations, linear projection of the whole year) for ``year`` as of ``today``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    if today < first:
        return Decimal(0), 0, Decimal(0)
    value, count = _value_between(session, first, min(last, today), measure)
    if today >= last:
        return value, count, value
    elapsed = (today - first).days + 1
    length = (last - first).days + 1
    return value, count, (value * length / elapsed).quantize(Decimal("0.01"))


def _annual_value(session: Session, target: Target, measure: TargetMeasure, today: date) -> dict[str, Any]:
    if target.year is None:  # no date: the last twelve months, no projection
        value, count = _value_between(session, today - timedelta(days=364), today, measure)
        return _result(
            target, value, today, None, "方案无目标年份，显示近12个月 / no target year: the last 12 months"
        )
    if target.year < today.year:
        value, count, _ = _year_value(session, target.year, today, measure)
        detail = None if count else "平台该年无数据 / no platform data for that year"
        return _result(target, value, date(target.year, 12, 31), value, "final (年度终值)", detail)
    if target.year == today.year:
        value, _count, projected = _year_value(session, target.year, today, measure)
        return _result(target, value, today, projected, "linear (当年累计按天数线性推算全年)")
    last12, _ = _value_between(session, today - timedelta(days=364), today, measure)
    prev12, _ = _value_between(session, today - timedelta(days=729), today - timedelta(days=365), measure)
    years = target.year - today.year
    if prev12 > 0:
        growth = last12 / prev12
        projection = (last12 * growth**years).quantize(Decimal("0.01"))
        method = f"growth (近12个月×(1+同比增速 {growth - 1:.4f})^{years})"
    else:
        projection, method = (
            last12,
            "flat (近12个月，无上年同期数据故不计增长 / no earlier year to grow from)",
        )
    return _result(target, Decimal(0), today, projection, method)


def _average_growth(session: Session, target: Target, measure: TargetMeasure, today: date) -> dict[str, Any]:
    last_year = target.year or today.year
    first_year = target.from_year or last_year
    base_year = first_year - 1
    base, base_count, _ = _year_value(session, base_year, today, measure)
    upto = min(last_year, today.year)
    if upto < first_year:
        return _result(target, None, today, None, "not started (目标期间尚未开始)")
    if not base_count or base <= 0:
        return {
            **_result(target, None, today, None, "compound (年均复合增长率)"),
            "detail": f"基年{base_year}无交易额，无法计算 / no value in the base year {base_year}",
        }
    _, _, latest = _year_value(session, upto, today, measure)
    years = upto - base_year
    growth = ((latest / base) ** (Decimal(1) / Decimal(years)) - 1) * 100 if latest > 0 else Decimal(-100)
    growth = growth.quantize(Decimal("0.01"))
    method = f"compound ({base_year}→{upto}{'（当年线性推算）' if upto == today.year else ''})"
    return _result(target, growth, today, growth, method)


def _latest_growth(session: Session, target: Target, measure: TargetMeasure, today: date) -> dict[str, Any]:
    year = min(target.year or today.year, today.year)
    _, _, current = _year_value(session, year, today, measure)
    previous, previous_count, _ = _year_value(session, year - 1, today, measure)
    if not previous_count or previous <= 0:
        return {
            **_result(target, None, today, None, "yoy (最近一年同比)"),
            "detail": f"{year - 1}年无交易额，无法计算增速 / no value in {year - 1}",
        }
    growth = ((current / previous - 1) * 100).quantize(Decimal("0.01"))
    return _result(
        target,
        growth,
        today,
        growth,
        f"yoy ({year} vs {year - 1}{'，当年线性推算' if year == today.year else ''})",
    )


def _enterprises_over(
    session: Session, target: Target, measure: TargetMeasure, today: date
) -> dict[str, Any]:
    year = min(target.year or today.year, today.year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    threshold = measure.threshold or Decimal(0)
    rows = breakdown(
        session, start=first, end=min(last, today), by="enterprise", limit=1000, **measure.filter
    )
    current = Decimal(sum(1 for r in rows if r["key"] is not None and r["value"] > threshold))
    if today >= last:
        return _result(target, current, last, current, "final (年度终值)")
    scale = Decimal((last - first).days + 1) / Decimal((today - first).days + 1)
    projected = Decimal(sum(1 for r in rows if r["key"] is not None and r["value"] * scale > threshold))
    return _result(target, current, today, projected, "linear (各企业当年累计按天数线性推算全年)")


def _trend(
    session: Session, target: Target, today: date, current: int, created: Sequence[date]
) -> dict[str, Any]:
    """A count and its linear trend (additions of the last 365 days) to the target date."""
    when = _target_date(target)
    if when is None:
        return _result(target, Decimal(current), today, None, "方案无目标日期，不推算 / no target date")
    if when <= today:
        final = Decimal(sum(1 for d in created if d <= when))
        return _result(target, final, when, final, "final (目标日期已过：截至该日的数量)")
    added = sum(1 for d in created if today - timedelta(days=364) <= d <= today)
    projected = Decimal(current) + Decimal(added) * Decimal((when - today).days) / Decimal(365)
    return _result(
        target,
        Decimal(current),
        today,
        projected.quantize(Decimal("0.1")),
        "linear (近365天新增数按天线性外推)",
    )


def _filed_enterprises(
    session: Session, target: Target, _measure: TargetMeasure, today: date
) -> dict[str, Any]:
    created = [
        c.date()
        for c in session.scalars(
            select(Enterprise.created_at).where(Enterprise.status == FilingStatus.active.value)
        )
    ]
    return _trend(session, target, today, len(created), created)


def _overseas_warehouses(
    session: Session, target: Target, _measure: TargetMeasure, today: date
) -> dict[str, Any]:
    from cbec.exports.models import OverseasWarehouse  # noqa: PLC0415

    created = [c.date() for c in session.scalars(select(OverseasWarehouse.created_at))]
    return _trend(session, target, today, len(created), created)


def _adoption(session: Session, target: Target, measure: TargetMeasure, today: date) -> dict[str, Any]:
    year = min(target.year or today.year, today.year)
    row = session.get(StatInput, ("foreign_trade_enterprises", year))
    if row is None or not row.value:
        return {
            **_result(target, None, today, None, "share (活跃境内企业 ÷ 外贸企业数)"),
            "detail": (
                f"须由运营方录入{year}年本区外贸企业数（foreign_trade_enterprises）/ "
                f"the operator must enter the zone's foreign-trade enterprises of {year}"
            ),
        }
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    active = _active_domestic(session, Filters(first, last, **measure.filter).where())
    share = (Decimal(active) / row.value * 100).quantize(Decimal("0.01"))
    return {
        **_result(target, share, last, share, "share (当年累计，不推算 / year to date, not projected)"),
        "detail": f"{active} / {plain(row.value)}（{row.source}）",
    }


def _active_domestic(session: Session, where: Sequence[ColumnElement[bool]]) -> int:
    parties = union(
        select(F.ebp_id.label("e")).where(*where, F.ebp_id.is_not(None)),
        select(F.ebc_id.label("e")).where(*where, F.ebc_id.is_not(None)),
    ).subquery()
    return int(
        session.scalar(
            select(func.count(func.distinct(parties.c.e)))
            .select_from(parties)
            .join(Enterprise, Enterprise.id == parties.c.e)
            .where(Enterprise.overseas.is_(False))
        )
        or 0
    )


_MEASURES: dict[str, Callable[[Session, Target, TargetMeasure, date], dict[str, Any]]] = {
    "annual_value": _annual_value,
    "average_growth": _average_growth,
    "latest_growth": _latest_growth,
    "enterprises_over": _enterprises_over,
    "filed_enterprises": _filed_enterprises,
    "overseas_warehouses": _overseas_warehouses,
    "adoption": _adoption,
}
