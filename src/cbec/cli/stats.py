"""``cbec stats``: rebuild the statistics facts, show figures, export them, import other channels' data."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["stats_app"]

stats_app = typer.Typer(
    help="Statistics monitoring (统计监测): figures, targets, exports, channel data.", no_args_is_help=True
)

_ACTOR = "cli:stats"

Start = Annotated[
    date | None, typer.Option("--from", help="first day YYYY-MM-DD (default: 29 days before --to)")
]
End = Annotated[date | None, typer.Option("--to", help="last day YYYY-MM-DD (default: today)")]
Direction = Annotated[str | None, typer.Option(help="import | export")]
Segment = Annotated[str | None, typer.Option(help="b2c | b2b | unclassified")]
TradeMode = Annotated[str | None, typer.Option("--trade-mode", help="9610, 1210, 1239, 9710, 9810")]
Country = Annotated[str | None, typer.Option(help="customs country code")]
Chapter = Annotated[str | None, typer.Option("--hs-chapter", help="2-digit HS chapter")]
Park = Annotated[str | None, typer.Option(help="park name as filed")]
EnterpriseCode = Annotated[str | None, typer.Option("--enterprise", help="USCC or customs code")]
Channel = Annotated[str | None, typer.Option(help="customs | post | express | platform")]


def _fail(exc: Exception) -> None:
    from cbec.errors import CbecError

    if isinstance(exc, CbecError):
        typer.echo(f"{exc.code}: {exc.message}", err=True)
        if exc.data:
            typer.echo(json.dumps(exc.data, ensure_ascii=False, indent=1, default=str), err=True)
    else:
        typer.echo(str(exc), err=True)
    raise typer.Exit(1)


def _filters(session: Any, start: date | None, end: date | None, **dims: str | None) -> Any:
    from cbec.kernel.dates import today
    from cbec.registry import service as registry
    from cbec.stats.service import Filters

    end = end or today()
    code = dims.pop("enterprise")
    enterprise_id = registry.get(session, code).id if code else None
    return Filters(
        start=start or end - timedelta(days=29), end=end, enterprise_id=enterprise_id, **dims
    ).check()


def _text(value: Any) -> str:
    return "—" if value is None else str(value)


@stats_app.command("rebuild")
def rebuild() -> None:
    """Empty the facts and apply the whole clearance and export history again (same figures)."""
    from cbec.audit import service as audit
    from cbec.stats import rollup
    from cbec.store.session import unit_of_work

    with unit_of_work() as session:
        result = rollup.rebuild(session)
        audit.record(
            session, actor=_ACTOR, action="stats.rebuilt", subject="stat_declarations", **result.as_dict()
        )
    typer.echo(json.dumps(result.as_dict()))


@stats_app.command("show")
def show(
    start: Start = None,
    end: End = None,
    direction: Direction = None,
    segment: Segment = None,
    trade_mode: TradeMode = None,
    country: Country = None,
    hs_chapter: Chapter = None,
    park: Park = None,
    enterprise: EnterpriseCode = None,
    channel: Channel = None,
    grain: Annotated[str | None, typer.Option(help="day | month | year: also print the series")] = None,
    by: Annotated[str | None, typer.Option(help="also print a breakdown by this dimension")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of text")] = False,
) -> None:
    """The figures of a selection (facts brought up to date first), optionally a series and a breakdown."""
    from cbec.errors import CbecError
    from cbec.stats import rollup, service
    from cbec.stats.service import FIGURE_LABELS, FIGURES
    from cbec.store.session import unit_of_work

    try:
        with unit_of_work() as session:
            rollup.refresh(session)
            f = _filters(
                session,
                start,
                end,
                direction=direction,
                segment=segment,
                trade_mode=trade_mode,
                country=country,
                hs_chapter=hs_chapter,
                park=park,
                enterprise=enterprise,
                channel=channel,
            )
            out: dict[str, Any] = {"figures": service.figures(session, **f.kwargs())}
            if grain:
                out["series"] = service.series(session, grain=grain, **f.kwargs())  # type: ignore[arg-type]
            if by:
                out["breakdown"] = service.breakdown(session, by=by, **f.kwargs())  # type: ignore[arg-type]
    except CbecError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        return
    typer.echo(f"{f.start} … {f.end}")
    for key in FIGURES:
        zh, en = FIGURE_LABELS[key]
        typer.echo(f"  {zh} {en}: {_text(out['figures'][key])}")
    for row in out.get("series", []):
        typer.echo(
            f"  {row['period']:10} {row['count']:8d} {row['value']:>16} "
            f"yoy {_text(row['value_yoy']):>8} mom {_text(row['value_mom']):>8}"
        )
    for row in out.get("breakdown", []):
        typer.echo(
            f"  {str(row['label'])[:30]:30} {row['count']:8d} {row['value']:>16} {_text(row['value_share'])}"
        )


@stats_app.command("targets")
def targets(
    zone: Annotated[str | None, typer.Option(help="kunming (default), taiyuan or luzhou")] = None,
    on: Annotated[date | None, typer.Option("--on", help="the day to measure on (default today)")] = None,
) -> None:
    """Progress of the zone plan's targets (and why the others cannot be measured)."""
    from cbec.kernel.dates import today
    from cbec.stats import rollup, service
    from cbec.store.session import unit_of_work
    from cbec.zones import load_zone

    with unit_of_work() as session:
        rollup.refresh(session)
        rows = service.targets(session, load_zone(zone), today=on or today())
    for t in rows:
        head = (
            f"{t['label_zh']} ({t['key']}) target {_text(t['target'])} {t['unit'] or ''} "
            f"by {_text(t['target_date'])}"
        )
        if t["measurable"]:
            typer.echo(
                f"{head}: current {_text(t['current'])}, progress {_text(t['progress'])}, "
                f"projection {_text(t['projection'])} [{t['projection_method']}]"
                + (f" — {t['detail']}" if t.get("detail") else "")
            )
        else:
            typer.echo(f"{head}: not measurable — {t['reason']}")


@stats_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="the file to write")],
    fmt: Annotated[str, typer.Option("--format", help="csv | xlsx | html (the monthly report)")] = "csv",
    grain: Annotated[str, typer.Option(help="series grain for csv/xlsx: day | month | year")] = "month",
    month: Annotated[
        str | None, typer.Option(help="YYYY-MM of the html report (default: this month)")
    ] = None,
    zone: Annotated[str | None, typer.Option(help="zone of the report's targets")] = None,
    start: Start = None,
    end: End = None,
    direction: Direction = None,
    segment: Segment = None,
    trade_mode: TradeMode = None,
    country: Country = None,
    hs_chapter: Chapter = None,
    park: Park = None,
    enterprise: EnterpriseCode = None,
    channel: Channel = None,
) -> None:
    """Write the figures as CSV (the series), an Excel workbook, or the printable monthly HTML report."""
    from cbec.errors import CbecError
    from cbec.kernel.dates import today
    from cbec.stats import downloads, rollup, service
    from cbec.store.session import unit_of_work
    from cbec.zones import load_zone

    if fmt not in ("csv", "xlsx", "html"):
        _fail(ValueError("--format must be csv, xlsx or html"))
    try:
        with unit_of_work() as session:
            rollup.refresh(session)
            f = _filters(
                session,
                start,
                end,
                direction=direction,
                segment=segment,
                trade_mode=trade_mode,
                country=country,
                hs_chapter=hs_chapter,
                park=park,
                enterprise=enterprise,
                channel=channel,
            )
            if fmt == "csv":
                body = downloads.series_csv(service.series(session, grain=grain, **f.kwargs()))  # type: ignore[arg-type]
            elif fmt == "xlsx":
                body = downloads.figures_xlsx(session, f, grain=grain)
            else:
                report = downloads.build_report(
                    session,
                    month or today().strftime("%Y-%m"),
                    zone=load_zone(zone),
                    enterprise_id=f.enterprise_id,
                )
                body = downloads.render_report(report).encode("utf-8")
    except CbecError as exc:
        _fail(exc)
    out.write_bytes(body)
    typer.echo(f"{out} ({len(body)} bytes)")


@stats_app.command("import-channel")
def import_channel(
    file: Annotated[Path, typer.Argument(help="CSV or .xlsx following docs/stats-channel-import.md")],
    channel: Annotated[str, typer.Option(help="post | express | platform")],
) -> None:
    """Import another channel's file: all rows or none (every problem listed by row and column)."""
    from cbec.audit import service as audit
    from cbec.errors import CbecError
    from cbec.stats import channels
    from cbec.store.session import unit_of_work

    try:
        with unit_of_work() as session:
            result = channels.import_file(
                session, file.read_bytes(), channel=channel, filename=file.name, actor=_ACTOR
            )
            audit.record(
                session,
                actor=_ACTOR,
                action="stats.channel_imported",
                subject=f"stat_channel_batch:{result.batch_id}",
                channel=channel,
                filename=file.name,
                rows=result.rows,
                imported=result.imported,
                duplicates=len(result.duplicates),
            )
    except CbecError as exc:
        _fail(exc)
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
