"""The zone dashboard (综试区大屏) and an enterprise's own statistics: page context and chart data.

Every figure comes from :mod:`cbec.stats.service` (the statistics fact table, never raw messages).
The public variant shows no enterprise names and needs no login when ``CBEC_PUBLIC_DASHBOARD`` is on.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.orm import Session

from cbec.kernel.dates import today
from cbec.stats import service as stats
from cbec.stats.catalogue import load_catalogue
from cbec.web.i18n import translate
from cbec.zones import load_zone

#: Headline figures on the dashboard, in order.
KPIS = (
    "count",
    "value",
    "tax",
    "inspection_rate",
    "refusal_rate",
    "clearance_p50",
    "clearance_p95",
    "active_enterprises",
)
LIVE = ("count", "released", "inspection_rate", "clearance_p50")


def period(start: str | None, end: str | None) -> tuple[date, date]:
    """The selected days (default: the last 30 days through today)."""
    last = _day(end) or today()
    first = _day(start) or last - timedelta(days=29)
    return (first, last) if first <= last else (last, first)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _label(key: str, lang: str) -> str:
    zh, en = stats.FIGURE_LABELS[key]
    return en if lang == "en" else zh


def _text(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.endswith("_rate"):
        return f"{Decimal(value) * 100:.2f}%"
    if key in ("value", "tax"):
        return f"¥{Decimal(value):,.0f}"
    if key.startswith("clearance_"):
        minutes = int(value) // 60
        return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{int(value)}s"  # noqa: PLR2004
    return f"{int(value):,}"


def kpis(figures: dict[str, Any], keys: tuple[str, ...], lang: str) -> list[dict[str, str]]:
    return [{"key": k, "label": _label(k, lang), "text": _text(k, figures.get(k))} for k in keys]


def segments(lang: str) -> list[dict[str, str]]:
    return [
        {"key": key, "label": en if lang == "en" else zh}
        for key, (zh, en) in load_catalogue().segments().items()
    ]


def target_rows(session: Session, lang: str) -> list[dict[str, Any]]:
    """The zone's measurable targets with progress and projection (the others are left out here)."""
    rows = []
    for row in stats.targets(session, load_zone(), today=today()):
        if not row.get("measurable"):
            continue
        unit = row.get("unit") or ""
        rows.append(
            {
                "label": row["label_en"] if lang == "en" else row["label_zh"],
                "target": f"{row['target']} {unit} ({row.get('target_date') or row.get('year') or ''})",
                "current": _plain(row.get("current")),
                "progress": _percent(row.get("progress")),
                "projection": _plain(row.get("projection")),
            }
        )
    return rows


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}" if value != value.to_integral_value() else f"{value:,.0f}"
    return str(value)


def _percent(value: Any) -> str:
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


def context(
    session: Session,
    *,
    lang: str,
    start: date,
    end: date,
    direction: str | None,
    segment: str | None,
    public: bool,
    enterprise_id: str | None = None,
) -> dict[str, Any]:
    filters = {"direction": direction or None, "segment": segment or None, "enterprise_id": enterprise_id}
    headline = stats.figures(session, start=start, end=end, **filters)
    now = today()
    live = stats.figures(session, start=now, end=now, enterprise_id=enterprise_id)
    zone = load_zone()
    return {
        "zone_name": zone.name_en if lang == "en" else zone.name_zh,
        "kpis": kpis(headline, KPIS, lang),
        "live": kpis(live, LIVE, lang),
        "targets": [] if enterprise_id else target_rows(session, lang),
        "segments": segments(lang),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "direction": direction or "",
        "segment": segment or "",
        "public": public,
    }


def _pairs(rows: list[dict[str, Any]], lang: str, *, key: str = "value") -> list[dict[str, Any]]:
    out = []
    for row in rows:
        name = row.get("label_en") if lang == "en" else row.get("label")
        out.append({"name": name or str(row.get("key") or "—"), "value": float(row.get(key) or 0)})
    return out


def chart_data(
    session: Session,
    *,
    lang: str,
    start: date,
    end: date,
    direction: str | None,
    segment: str | None,
    public: bool,
    enterprise_id: str | None = None,
) -> dict[str, Any]:
    """What dashboard.js draws."""
    filters: dict[str, Any] = {
        "direction": direction or None,
        "segment": segment or None,
        "enterprise_id": enterprise_id,
    }
    grain: Literal["day", "month"] = "day" if (end - start).days <= 92 else "month"  # noqa: PLR2004 - a quarter
    trend = stats.series(session, start=start, end=end, grain=grain, **filters)

    def split(by: str, limit: int = 10) -> list[dict[str, Any]]:
        return _pairs(stats.breakdown(session, start=start, end=end, by=by, limit=limit, **filters), lang)  # type: ignore[arg-type]

    return {
        "units": {"value": translate("dash.unit_value", lang)},
        "trend": {
            "legend": [_label("value", lang), _label("count", lang)],
            "periods": [str(r.get("period")) for r in trend],
            "value": [float(r.get("value") or 0) for r in trend],
            "count": [int(r.get("count") or 0) for r in trend],
        },
        "modes": split("trade_mode"),
        "directions": split("direction"),
        "countries": split("country"),
        "chapters": split("hs_chapter"),
        "parks": split("park"),
        "enterprises": None if public or enterprise_id else split("enterprise"),
    }
