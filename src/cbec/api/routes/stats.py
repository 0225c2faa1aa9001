"""Statistics endpoints (统计监测): figures, series, breakdowns, zone targets, downloads, the monthly
report, other channels' data, operator inputs and the rebuild.

Reading: the operator and the agencies read every figure; an enterprise reads only its own (its
declarations as platform or seller: the ``enterprise`` filter is forced to its filing, and asking for
another enterprise is refused). Writing (channel imports, inputs, rebuild) is the operator's.

The figures are read from the facts the worker keeps up to date on every sweep (seconds behind the
clearance decisions); the downloads and the report bring the facts up to date first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.api.routes.messages import read_body
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.auth.service import Caller
from cbec.errors import ErrorCode, InvalidInputError, PermissionDeniedError
from cbec.kernel import dates
from cbec.registry import repository as registry_repo
from cbec.registry import service as registry
from cbec.registry.models import Enterprise
from cbec.stats import channels, downloads, rollup, service
from cbec.stats.catalogue import load_catalogue
from cbec.stats.service import Filters
from cbec.zones import ZoneFileError, load_zone

router = APIRouter(prefix="/api/v1/stats", tags=["statistics 统计"])

_MAX_UPLOAD = 20_000_000


def jsonable(value: Any) -> Any:
    """Decimals as strings (exact), dates as ISO text, recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def as_json(value: dict[str, Any]) -> dict[str, Any]:
    """A dict made JSON-ready (:func:`jsonable`)."""
    return cast(dict[str, Any], jsonable(value))


def rows_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows made JSON-ready (:func:`jsonable`)."""
    return cast(list[dict[str, Any]], jsonable(rows))


def _enterprise_scope(session: SessionDep, caller: Caller, enterprise: str | None) -> str | None:
    """The filing id the selection is limited to: an enterprise only ever reads its own figures."""
    if caller.role is CallerRole.enterprise:
        if enterprise is not None:
            asked = registry_repo.by_code(session, enterprise)
            if asked is None or asked.id != caller.enterprise_id:  # the same answer whether it exists or not
                raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED, data={"enterprise": enterprise})
        return caller.enterprise_id
    require_roles(caller, *CallerRole.reads_everything())
    return registry.get(session, enterprise).id if enterprise else None


@dataclass(frozen=True)
class Selection:
    """The query parameters every read endpoint shares, resolved for the caller."""

    filters: Filters

    def kwargs(self) -> dict[str, Any]:
        return self.filters.kwargs()


def selection(
    caller: CallerDep,
    session: SessionDep,
    start: Annotated[
        date | None, Query(description="first day (Beijing), default 29 days before end")
    ] = None,
    end: Annotated[date | None, Query(description="last day (Beijing), default today")] = None,
    direction: Annotated[str | None, Query(description="import | export")] = None,
    segment: Annotated[str | None, Query(description="b2c | b2b | unclassified")] = None,
    trade_mode: Annotated[str | None, Query(description="9610, 1210, 1239, 9710, 9810 …")] = None,
    country: Annotated[str | None, Query(description="customs country code (JGS-20)")] = None,
    hs_chapter: Annotated[str | None, Query(description="2-digit HS chapter")] = None,
    park: Annotated[str | None, Query(description="park name as filed")] = None,
    enterprise: Annotated[str | None, Query(description="USCC or customs code")] = None,
    channel: Annotated[str | None, Query(description="customs | post | express | platform")] = None,
) -> Selection:
    end = end or dates.today()
    start = start or end - timedelta(days=29)
    filters = Filters(
        start=start,
        end=end,
        direction=direction,
        segment=segment,
        trade_mode=trade_mode,
        country=country,
        hs_chapter=hs_chapter,
        park=park,
        enterprise_id=_enterprise_scope(session, caller, enterprise),
        channel=channel,
    ).check()
    return Selection(filters)


SelectionDep = Annotated[Selection, Depends(selection)]


@router.get("/catalogue")
def catalogue(caller: CallerDep) -> dict[str, Any]:
    """The indicator catalogue: definitions, formulas, sources, B2C/B2B rules with their references."""
    return as_json(load_catalogue().as_json())


@router.get("/figures")
def figures(sel: SelectionDep, session: SessionDep) -> dict[str, Any]:
    """Headline figures of the selection (count, value, tax, rates, clearance time p50/p95, enterprises)."""
    return as_json(service.figures(session, **sel.kwargs()))


@router.get("/series")
def series(
    sel: SelectionDep,
    session: SessionDep,
    grain: Annotated[Literal["day", "month", "year"], Query()] = "day",
) -> list[dict[str, Any]]:
    """One row per day, month or year with the figures and YoY (同比) / MoM (环比) growth."""
    return rows_json(service.series(session, grain=grain, **sel.kwargs()))


@router.get("/breakdown")
def breakdown(
    sel: SelectionDep,
    session: SessionDep,
    by: Annotated[
        Literal[
            "trade_mode", "segment", "direction", "country", "hs_chapter", "park", "enterprise", "channel"
        ],
        Query(),
    ],
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> list[dict[str, Any]]:
    """The selection split by one dimension, ranked by value."""
    return rows_json(service.breakdown(session, by=by, limit=limit, **sel.kwargs()))


def _zone(name: str | None) -> Any:
    try:
        return load_zone(name)
    except ZoneFileError as exc:
        raise InvalidInputError(ErrorCode.STATS_FILTER_INVALID, data={"zone": name}) from exc


@router.get("/targets")
def targets(
    caller: CallerDep,
    session: SessionDep,
    zone: Annotated[str | None, Query(description="kunming (default), taiyuan, luzhou")] = None,
    today: Annotated[date | None, Query(description="the day to measure on (default today)")] = None,
) -> list[dict[str, Any]]:
    """The zone plan's targets: measured ones with progress and projection, the others with the reason."""
    require_roles(caller, *CallerRole.reads_everything())
    return rows_json(service.targets(session, _zone(zone), today=today or dates.today()))


@router.get("/export")
def export(
    sel: SelectionDep,
    session: SessionDep,
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",  # noqa: A002 - the query parameter's name
    grain: Annotated[Literal["day", "month", "year"], Query()] = "month",
) -> Response:
    """The selection as a file: CSV of the series, or an Excel workbook (summary, series, breakdowns)."""
    rollup.refresh(session)
    stamp = f"{sel.filters.start:%Y%m%d}-{sel.filters.end:%Y%m%d}"
    if format == "csv":
        body = downloads.series_csv(service.series(session, grain=grain, **sel.kwargs()))
        media, name = "text/csv; charset=utf-8", f"cbec-stats-{grain}-{stamp}.csv"
    else:
        body = downloads.figures_xlsx(session, sel.filters, grain=grain)
        media, name = downloads.XLSX_TYPE, f"cbec-stats-{stamp}.xlsx"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/report", response_class=HTMLResponse)
def report(
    caller: CallerDep,
    session: SessionDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")],
    zone: Annotated[str | None, Query()] = None,
    enterprise: Annotated[
        str | None, Query(description="USCC or customs code (an enterprise: its own)")
    ] = None,
) -> HTMLResponse:
    """The printable monthly report (月报) with charts; an enterprise gets the report of its own trade."""
    enterprise_id = _enterprise_scope(session, caller, enterprise)
    rollup.refresh(session)
    filing = session.get(Enterprise, enterprise_id) if enterprise_id is not None else None
    scope = filing.name if filing is not None else ""
    try:
        built = downloads.build_report(
            session, month, zone=_zone(zone), enterprise_id=enterprise_id, scope=scope
        )
    except ValueError as exc:
        raise InvalidInputError(ErrorCode.STATS_FILTER_INVALID, data={"month": month}) from exc
    return HTMLResponse(downloads.render_report(built))


@router.post("/channel-imports", status_code=201)
async def channel_import(
    request: Request,
    caller: CallerDep,
    session: SessionDep,
    channel: Annotated[str, Query(description="post | express | platform")],
    filename: Annotated[
        str, Query(max_length=200, description="the file's name (.csv or .xlsx)")
    ] = "upload.csv",
) -> dict[str, Any]:
    """The operator imports another channel's file (the body: CSV or .xlsx). Every row is checked; a file
    with any problem imports nothing and the answer lists every problem by row and column."""
    require_roles(caller, CallerRole.operator)
    content = await read_body(request, _MAX_UPLOAD)
    return await run_in_threadpool(_import, session, caller, content, channel, filename)


def _import(session: Session, caller: Caller, content: bytes, channel: str, filename: str) -> dict[str, Any]:
    result = channels.import_file(session, content, channel=channel, filename=filename, actor=caller.actor)
    audit.record(
        session,
        actor=caller.actor,
        action="stats.channel_imported",
        subject=f"stat_channel_batch:{result.batch_id}",
        channel=channel,
        filename=filename,
        rows=result.rows,
        imported=result.imported,
        duplicates=len(result.duplicates),
    )
    return result.as_dict()


@router.get("/channel-imports/template.csv")
def channel_template(caller: CallerDep) -> Response:
    """The CSV template of other channels' data (documented in docs/stats-channel-import.md)."""
    body = resources.files("cbec.stats").joinpath("templates/channel_import_template.csv").read_bytes()
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="channel_import_template.csv"'},
    )


@router.get("/channel-imports")
def channel_imports(caller: CallerDep, session: SessionDep) -> list[dict[str, Any]]:
    """The latest imports of other channels' data."""
    require_roles(caller, *CallerRole.reads_everything())
    return channels.batches(session)


class InputIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="foreign_trade_enterprises")
    year: int = Field(ge=2000, le=2100)
    value: Decimal = Field(ge=0)
    source: str = Field(min_length=1, max_length=500, description="where the figure comes from")


@router.post("/inputs", status_code=201)
def set_input(body: InputIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The operator enters a figure the platform cannot measure (the zone's foreign-trade enterprises …)."""
    require_roles(caller, CallerRole.operator)
    row = service.set_input(
        session, key=body.key, year=body.year, value=body.value, source=body.source, actor=caller.actor
    )
    audit.record(
        session,
        actor=caller.actor,
        action="stats.input_entered",
        subject=f"stat_input:{row.key}:{row.year}",
        value=str(row.value),
        source=row.source,
    )
    return as_json(
        {"key": row.key, "year": row.year, "value": service.plain(row.value), "source": row.source}
    )


@router.get("/inputs")
def list_inputs(caller: CallerDep, session: SessionDep) -> list[dict[str, Any]]:
    """The figures the operator entered."""
    require_roles(caller, *CallerRole.reads_everything())
    return rows_json(service.inputs(session))


@router.post("/rebuild")
def rebuild(caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The operator rebuilds the facts from the whole event history (same figures; for a catalogue change)."""
    require_roles(caller, CallerRole.operator)
    result = rollup.rebuild(session)
    audit.record(
        session, actor=caller.actor, action="stats.rebuilt", subject="stat_declarations", **result.as_dict()
    )
    return result.as_dict()
