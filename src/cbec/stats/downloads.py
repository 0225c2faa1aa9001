"""Figures to files: CSV and Excel (``openpyxl``) of a selection, and the printable monthly report (HTML
with inline SVG charts, rendered from ``templates/report.html``).

The CSV has one header row of field ids (stable, documented in :data:`cbec.stats.service.FIGURE_LABELS`),
UTF-8 with a byte-order mark so that Excel shows the Chinese text. The workbook has a summary sheet, the
series and one sheet per breakdown, each with Chinese and English column titles.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.stats import charts, service
from cbec.stats.catalogue import load_catalogue
from cbec.stats.service import FIGURE_LABELS, FIGURES, By, Filters, Grain
from cbec.zones.loader import Zone

__all__ = ["SERIES_COLUMNS", "Report", "build_report", "figures_xlsx", "render_report", "series_csv"]

SERIES_COLUMNS: tuple[str, ...] = (
    "period",
    "start",
    "end",
    *FIGURES,
    "count_yoy",
    "value_yoy",
    "count_mom",
    "value_mom",
)
_GROWTH_LABELS = {
    "count_yoy": ("清单数同比", "declarations YoY"),
    "value_yoy": ("交易额同比", "value YoY"),
    "count_mom": ("清单数环比", "declarations MoM"),
    "value_mom": ("交易额环比", "value MoM"),
    "period": ("期间", "period"),
    "start": ("起", "from"),
    "end": ("止", "to"),
}
_BREAKDOWN_LABELS = {
    "trade_mode": ("监管方式", "trade mode"),
    "segment": ("业务类型", "segment"),
    "direction": ("进出口", "direction"),
    "country": ("国别（地区）", "country"),
    "hs_chapter": ("商品章", "HS chapter"),
    "park": ("园区", "park"),
    "enterprise": ("企业", "enterprise"),
    "channel": ("渠道", "channel"),
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _title(key: str) -> str:
    zh, en = FIGURE_LABELS.get(key) or _GROWTH_LABELS.get(key) or (key, key)
    return f"{zh} {en}"


def series_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """The series as CSV: a header of field ids, one row per period."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(SERIES_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(k)) for k in SERIES_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def breakdown_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """A breakdown as CSV: key, labels, figures, shares."""
    columns = ("key", "label", "label_en", *FIGURES, "value_share", "count_share")
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(k)) for k in columns])
    return out.getvalue().encode("utf-8-sig")


def figures_xlsx(session: Session, filters: Filters, *, grain: str = "month", limit: int = 50) -> bytes:
    """A workbook of the selection: summary, series by ``grain`` and every breakdown."""
    import openpyxl  # noqa: PLC0415 - loaded only for Excel downloads
    from openpyxl.styles import Font  # noqa: PLC0415

    dims = {k: v for k, v in filters.as_dict().items() if k not in ("start", "end")}
    headline = service.figures(session, start=filters.start, end=filters.end, **dims)
    book = openpyxl.Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "总览 Summary"
    summary.append(["字段 field", "指标 figure", "数值 value"])
    for key in FIGURES:
        summary.append([key, _title(key), _xl(headline[key])])
    summary.append([])
    summary.append(["filter", "筛选条件 filters", ""])
    for key, value in headline["filters"].items():
        summary.append([key, key, _xl(value)])
    summary.append(
        ["generated_at", "生成时间 generated", utc_now().astimezone(SHANGHAI).isoformat(timespec="seconds")]
    )
    sheets = [
        (
            "趋势 Series",
            list(SERIES_COLUMNS),
            service.series(session, grain=cast(Grain, grain), **filters.kwargs()),
        )
    ]
    for by in service.BREAKDOWNS:
        rows = service.breakdown(session, by=cast(By, by), limit=limit, **filters.kwargs())
        zh, en = _BREAKDOWN_LABELS[by]
        columns = ["key", "label", "label_en", *FIGURES, "value_share", "count_share"]
        sheets.append((f"{zh} {en}"[:31], columns, rows))
    for name, columns, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.append([_title(c) for c in columns])
        sheet.append(columns)
        for row in rows:
            sheet.append([_xl(row.get(c)) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for cell in summary[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xl(value: Any) -> Any:
    """A value Excel keeps exactly: text for dates, numbers for counts and amounts."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value) if abs(value) < Decimal("1e15") else str(value)
    return value


# --------------------------------------------------------------------------- the monthly report


@dataclass(frozen=True)
class Report:
    """What the monthly report shows."""

    month: str
    first: date
    last: date
    scope: str
    generated_at: datetime
    headline: dict[str, Any]
    previous: dict[str, Any]
    year_ago: dict[str, Any]
    growth: dict[str, Decimal | None]
    days: list[dict[str, Any]]
    months: list[dict[str, Any]]
    breakdowns: dict[str, list[dict[str, Any]]]
    targets: list[dict[str, Any]]
    charts: dict[str, Any]
    indicators: list[Any]
    figure_labels: dict[str, tuple[str, str]]
    breakdown_labels: dict[str, tuple[str, str]]
    zone_name: str | None


def _month_range(month: str) -> tuple[date, date]:
    first = datetime.strptime(month, "%Y-%m").replace(tzinfo=SHANGHAI).date()
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def build_report(
    session: Session,
    month: str,
    *,
    zone: Zone | None = None,
    enterprise_id: str | None = None,
    scope: str = "",
    today: date | None = None,
) -> Report:
    """The content of the report of ``month`` (``YYYY-MM``): the zone's, or one enterprise's."""
    first, last = _month_range(month)
    today = today or utc_now().astimezone(SHANGHAI).date()
    scoped = {"enterprise_id": enterprise_id}
    headline = service.figures(session, start=first, end=last, **scoped)
    before = _shift_month(first, -1)
    previous = service.figures(session, start=before, end=_month_range(before.strftime("%Y-%m"))[1], **scoped)
    ago = first.replace(year=first.year - 1)
    year_ago = service.figures(session, start=ago, end=_month_range(ago.strftime("%Y-%m"))[1], **scoped)
    days = service.series(session, start=first, end=last, grain="day", **scoped)
    months = service.series(session, start=_shift_month(first, -12), end=last, grain="month", **scoped)
    # the series' rule: this month's days against the same days of the previous month and of a year ago
    growth = {k: months[-1][k] for k in ("count_mom", "value_mom", "count_yoy", "value_yoy")}
    dims = ["direction", "segment", "trade_mode", "channel", "country", "hs_chapter", "park"]
    if enterprise_id is None:
        dims.append("enterprise")
    breakdowns = {
        by: service.breakdown(session, start=first, end=last, by=cast(By, by), limit=10, **scoped)
        for by in dims
    }
    targets = (
        service.targets(session, zone, today=today) if zone is not None and enterprise_id is None else []
    )
    figure_charts = {
        "daily_value": charts.bar_chart(
            [(d["period"][8:], d["value"]) for d in days],
            title="每日交易额（元）Value per day (CNY)",
            every=2,
        ),
        "daily_count": charts.bar_chart(
            [(d["period"][8:], d["count"]) for d in days],
            title="每日申报清单数 Declarations per day",
            every=2,
        ),
        "monthly_value": charts.bar_chart(
            [(m["period"][2:], m["value"]) for m in months], title="近13个月交易额（元）Value by month (CNY)"
        ),
        "countries": charts.hbar_chart(
            [(r["label"], r["value"]) for r in breakdowns["country"]],
            title="主要国别（地区）交易额 Top countries by value",
        ),
    }
    return Report(
        month=month,
        first=first,
        last=last,
        scope=scope,
        generated_at=utc_now(),
        headline=headline,
        previous=previous,
        year_ago=year_ago,
        growth=growth,
        days=days,
        months=months,
        breakdowns=breakdowns,
        targets=targets,
        charts=figure_charts,
        indicators=list(load_catalogue().indicators),
        figure_labels=FIGURE_LABELS,
        breakdown_labels=_BREAKDOWN_LABELS,
        zone_name=zone.name_zh if zone is not None else None,
    )


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cbec.stats", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rate"] = _rate
    env.filters["money"] = _money
    env.filters["duration"] = _duration
    return env


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def render_report(report: Report) -> str:
    """The printable HTML page of the report."""
    return _environment().get_template("report.html").render(r=report)
