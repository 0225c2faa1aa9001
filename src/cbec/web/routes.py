"""The web pages: login, the zone dashboard, the regulator console and the enterprise portal.

Every page resolves its caller from the session cookie (no cookie → the login page) and applies the
same access rules as the API: the console is for the operator and the agencies, the portal for an
enterprise and only its own data; a declaration another enterprise does not appear in answers 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from cbec.api.deps import SessionDep, SettingsDep
from cbec.audit import service as audit
from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.clearance import lifecycle
from cbec.clearance.enums import ClearanceState, InspectionResult
from cbec.config import Settings
from cbec.credit import appeals as credit_appeals
from cbec.credit import measures as credit_measures
from cbec.credit import report as credit_report
from cbec.credit import scores as credit_scores
from cbec.credit import service as credit
from cbec.errors import (
    AuthError,
    CbecError,
    ErrorCode,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from cbec.kernel.dates import today
from cbec.registry import service as registry
from cbec.registry.models import Enterprise
from cbec.risk import cases as risk_cases
from cbec.stats import downloads
from cbec.stats import service as stats_service
from cbec.stats.service import Filters
from cbec.store.session import session_factory
from cbec.web import dashboard, queries
from cbec.web import session as web_session
from cbec.web.render import LoginRequired, WebCaller, home_of, language, page

router = APIRouter(include_in_schema=False)

OFFICERS = (CallerRole.customs, CallerRole.operator)


def _caller(request: Request, settings: Settings) -> WebCaller | None:
    cookie = request.cookies.get(web_session.COOKIE)
    key_id = web_session.verify(settings, cookie)
    if key_id is None or cookie is None:
        return None
    session = session_factory(settings)()
    try:
        caller = auth.caller_by_id(session, key_id)
    except AuthError:
        return None
    finally:
        session.close()
    return WebCaller(caller=caller, lang=language(request), csrf=web_session.csrf_token(settings, cookie))


async def web_caller(request: Request, settings: SettingsDep) -> WebCaller:
    """The logged-in caller, or a redirect to the login page; a POST must carry the CSRF token."""
    found = _caller(request, settings)
    if found is None:
        raise LoginRequired(request.url.path)
    if request.method == "POST":
        token = request.headers.get("x-csrf-token")
        kind = request.headers.get("content-type", "")
        if token is None and kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get("csrf")  # parsed once; the endpoint reads the same form
            token = value if isinstance(value, str) else None
        if not web_session.csrf_ok(settings, request.cookies.get(web_session.COOKIE), token):
            raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED, data={"csrf": "missing or wrong"})
    return found


WebDep = Annotated[WebCaller, Depends(web_caller)]


def _require(web: WebCaller, *roles: CallerRole) -> None:
    if web.caller.role not in roles:
        raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED, data={"role": web.caller.role.value})


# ------------------------------------------------------------------------------------------------
# login


@router.get("/", response_class=HTMLResponse)
def home(request: Request, settings: SettingsDep) -> Response:
    """A visitor goes to the login page; a logged-in caller to their home."""
    found = _caller(request, settings)
    return RedirectResponse(found.home if found else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "") -> HTMLResponse:  # noqa: A002 - the usual name
    return page(request, "login.html", web=None, next=next if next.startswith("/") else "", error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    settings: SettingsDep,
    session: SessionDep,
    api_key: Annotated[str, Form()],
    next: Annotated[str, Form()] = "",  # noqa: A002
) -> Response:
    """Log in with a platform API key; the browser gets a signed session cookie."""
    try:
        caller = auth.authenticate(session, api_key)
    except AuthError:
        return page(request, "login.html", web=None, next=next, error="login.invalid", status=401)
    audit.record(session, actor=caller.actor, action="web.login", subject=f"api_key:{caller.key_id}")
    target = next if next.startswith("/") and not next.startswith("//") else home_of(caller)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        web_session.COOKIE,
        web_session.issue(settings, caller.key_id),
        max_age=web_session.LIFETIME_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(web_session.COOKIE)
    return response


# ------------------------------------------------------------------------------------------------
# console (operator, customs, other agencies)


def _console(web: WebCaller) -> None:
    _require(web, *CallerRole.reads_everything())


@router.get("/console", response_class=HTMLResponse)
def console_home(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    _console(web)
    recent = queries.declarations(session, limit=10)
    return page(request, "console/home.html", web=web, counts=queries.counts(session), recent=recent)


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/console/declarations", response_class=HTMLResponse)
def console_declarations(
    request: Request, web: WebDep, session: SessionDep, q: str = "", state: str = "", day: str = ""
) -> HTMLResponse:
    """Declarations search; HTMX asks for the table alone."""
    _console(web)
    rows = queries.declarations(session, q=q, state=state, day=_parse_day(day))
    template = (
        "console/_declarations_table.html"
        if request.headers.get("hx-request")
        else "console/declarations.html"
    )
    return page(
        request,
        template,
        web=web,
        rows=rows,
        q=q,
        state=state,
        day=day,
        states=[s.value for s in ClearanceState],
        base="/console/declarations",
    )


def _declaration(session: Session, web: WebCaller, order_id: str) -> dict[str, Any]:
    order = queries.order_by_id(session, order_id)
    if order is None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"order": order_id})
    view = lifecycle.view(session, web.caller, order.ebp_code, order.order_no)  # 404 unless a party
    view["id"] = order.id
    return view


@router.get("/console/declarations/{order_id}", response_class=HTMLResponse)
def console_declaration(request: Request, order_id: str, web: WebDep, session: SessionDep) -> HTMLResponse:
    _console(web)
    return page(
        request,
        "declaration.html",
        web=web,
        d=_declaration(session, web, order_id),
        back="/console/declarations",
    )


@router.get("/console/alerts", response_class=HTMLResponse)
def console_alerts(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    _require(web, *OFFICERS)
    return page(request, "console/alerts.html", web=web, alerts=risk_cases.alerts(session, status="open"))


@router.post("/console/alerts/{alert_id}/case", response_class=HTMLResponse)
def console_open_case(request: Request, alert_id: str, web: WebDep, session: SessionDep) -> Response:
    """Open a case on one alert (HTMX replaces the alert's row)."""
    _require(web, *OFFICERS)
    case = risk_cases.open_case(
        session, alert_ids=[alert_id], actor=web.caller.actor, assigned_to=web.caller.name
    )
    audit.record(session, actor=web.caller.actor, action="risk.case_opened", subject=f"case:{case.id}")
    return page(request, "console/_case_opened.html", web=web, case=case)


@router.get("/console/cases", response_class=HTMLResponse)
def console_cases(request: Request, web: WebDep, session: SessionDep, status: str = "open") -> HTMLResponse:
    _require(web, *OFFICERS)
    return page(
        request,
        "console/cases.html",
        web=web,
        cases=queries.cases(session, status=status),
        case_status=status,
        results=[r.value for r in InspectionResult],
        kinds=[k.value for k in risk_cases.FindingKind],
    )


@router.post("/console/cases/{case_id}/close", response_class=HTMLResponse)
def console_close_case(
    request: Request,
    case_id: str,
    web: WebDep,
    session: SessionDep,
    result: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "other",
    note: Annotated[str, Form()] = "",
    revenue_found: Annotated[str, Form()] = "0",
) -> Response:
    """Customs records the inspection result; the declaration takes its outcome."""
    _require(web, CallerRole.customs)
    try:
        outcome = InspectionResult(result)
        revenue = Decimal(revenue_found or "0")
    except (ValueError, InvalidOperation) as exc:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "查验结果或补税金额无效", data={"field": "result"}
        ) from exc
    findings = [] if outcome is InspectionResult.clean else [{"kind": kind, "note": note}]
    worker = request.app.state.worker
    case = risk_cases.close_case(
        session,
        worker.engine,
        case_id,
        result=outcome,
        findings=findings,
        revenue_found=revenue,
        actor=web.caller.actor,
    )
    audit.record(
        session,
        actor=web.caller.actor,
        action="risk.case_closed",
        subject=f"case:{case.id}",
        result=outcome.value,
    )
    return page(request, "console/_case_closed.html", web=web, case=case)


@router.get("/console/credit", response_class=HTMLResponse)
def console_credit(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    _console(web)
    rows = credit.listings(session, day=today())
    everyone = queries.enterprises(session, limit=1000)
    names = {e.id: e for e in everyone}
    latest = credit_scores.latest_scores(session, names)
    pending = credit_appeals.appeals(session, status="pending")
    return page(
        request,
        "console/credit.html",
        web=web,
        listings=rows,
        names=names,
        distribution=credit_scores.distribution(session),
        enterprises=everyone,
        latest=latest,
        appeals=pending,
    )


@router.get("/console/enterprises", response_class=HTMLResponse)
def console_enterprises(request: Request, web: WebDep, session: SessionDep, q: str = "") -> HTMLResponse:
    _console(web)
    return page(request, "console/enterprises.html", web=web, rows=queries.enterprises(session, q=q), q=q)


@router.get("/credit/{code}/report", response_class=HTMLResponse)
def credit_report_page(code: str, web: WebDep, session: SessionDep) -> HTMLResponse:
    """The printable credit report; an enterprise reads only its own."""
    enterprise = registry.get(session, code)
    if web.caller.role is CallerRole.enterprise and web.caller.enterprise_id != enterprise.id:
        raise NotFoundError(ErrorCode.ENTERPRISE_NOT_FOUND)
    return HTMLResponse(credit_report.render_html(credit_report.build(session, enterprise)))


# ------------------------------------------------------------------------------------------------
# portal (an enterprise, its own data only)


def _portal(web: WebCaller, session: Session) -> Enterprise:
    _require(web, CallerRole.enterprise)
    enterprise = session.get(Enterprise, web.caller.enterprise_id)
    if enterprise is None:
        raise NotFoundError(ErrorCode.ENTERPRISE_NOT_FOUND)
    return enterprise


@router.get("/portal", response_class=HTMLResponse)
def portal_home(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    me = _portal(web, session)
    latest = credit_scores.latest_scores(session, [me.id]).get(me.id)
    measures = credit_measures.measures_for(session, [me.id], today())[me.id]
    return page(request, "portal/home.html", web=web, me=me, latest=latest, measures=measures)


@router.get("/portal/orders", response_class=HTMLResponse)
def portal_orders(
    request: Request, web: WebDep, session: SessionDep, q: str = "", state: str = "", day: str = ""
) -> HTMLResponse:
    me = _portal(web, session)
    rows = queries.declarations(session, q=q, state=state, day=_parse_day(day), party_id=me.id)
    template = (
        "console/_declarations_table.html" if request.headers.get("hx-request") else "portal/orders.html"
    )
    return page(
        request,
        template,
        web=web,
        rows=rows,
        q=q,
        state=state,
        day=day,
        states=[s.value for s in ClearanceState],
        base="/portal/orders",
    )


@router.get("/portal/orders/{order_id}", response_class=HTMLResponse)
def portal_order(request: Request, order_id: str, web: WebDep, session: SessionDep) -> HTMLResponse:
    _portal(web, session)
    return page(
        request, "declaration.html", web=web, d=_declaration(session, web, order_id), back="/portal/orders"
    )


@router.get("/portal/receipts", response_class=HTMLResponse)
def portal_receipts(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    me = _portal(web, session)
    return page(request, "portal/receipts.html", web=web, rows=queries.receipts(session, me.id))


@router.get("/portal/tax", response_class=HTMLResponse)
def portal_tax(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    me = _portal(web, session)
    return page(request, "portal/tax.html", web=web, bills=queries.tax_bills(session, me.id))


@router.get("/portal/submit", response_class=HTMLResponse)
def portal_submit_form(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    _portal(web, session)
    return page(request, "portal/submit.html", web=web, answer=None)


@router.post("/portal/submit", response_class=HTMLResponse)
async def portal_submit(request: Request, web: WebDep, file: Annotated[UploadFile, File()]) -> HTMLResponse:
    """Submit one CEB message (XML or JSON) by upload; the receipt is shown as answered."""
    _require(web, CallerRole.enterprise)
    body = await file.read()
    access_point = request.app.state.access_point
    try:
        answer = access_point.submit(web.caller, body, file.content_type)
        text, status = answer.body.decode("utf-8", errors="replace"), answer.status
    except CbecError as exc:
        text, status = f"{exc.code}: {exc.message_in(web.lang)}", exc.http_status
    return page(
        request, "portal/submit.html", web=web, answer={"status": status, "text": text, "name": file.filename}
    )


@router.get("/portal/credit", response_class=HTMLResponse)
def portal_credit(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    me = _portal(web, session)
    facts = credit.facts(session, [me.id])
    listings = credit.listings(session, enterprise_ids=[me.id])
    return page(
        request,
        "portal/credit.html",
        web=web,
        me=me,
        facts=facts,
        listings=listings,
        appeals=credit_appeals.appeals(session, enterprise_id=me.id),
        message=None,
    )


@router.post("/portal/credit/appeals", response_class=HTMLResponse)
def portal_appeal(
    request: Request,
    web: WebDep,
    session: SessionDep,
    kind: Annotated[str, Form()],
    target: Annotated[str, Form()],
    reason: Annotated[str, Form()],
    evidence: Annotated[str, Form()] = "",
) -> Response:
    me = _portal(web, session)
    target_type, _, target_id = target.partition(":")
    appeal = credit_appeals.file_appeal(
        session,
        me,
        kind=kind,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        evidence=evidence,
        actor=web.caller.actor,
    )
    audit.record(
        session,
        actor=web.caller.actor,
        action="credit.appeal_filed",
        subject=f"enterprise:{me.id}",
        appeal=appeal.id,
    )
    return RedirectResponse("/portal/credit", status_code=303)


# ------------------------------------------------------------------------------------------------
# dashboards


def _dashboard_page(
    request: Request,
    session: Session,
    web: WebCaller | None,
    *,
    public: bool,
    source: str,
    enterprise_id: str | None = None,
    own: str = "",
) -> HTMLResponse:
    start, end = dashboard.period(request.query_params.get("start"), request.query_params.get("end"))
    lang = web.lang if web else language(request)
    context = dashboard.context(
        session,
        lang=lang,
        start=start,
        end=end,
        direction=request.query_params.get("direction"),
        segment=request.query_params.get("segment"),
        public=public,
        enterprise_id=enterprise_id,
    )
    return page(request, "dashboard.html", web=web, source=source, own=own, **context)


def _dashboard_data(
    request: Request,
    session: Session,
    web: WebCaller | None,
    *,
    public: bool,
    enterprise_id: str | None = None,
) -> JSONResponse:
    start, end = dashboard.period(request.query_params.get("start"), request.query_params.get("end"))
    data = dashboard.chart_data(
        session,
        lang=web.lang if web else language(request),
        start=start,
        end=end,
        direction=request.query_params.get("direction"),
        segment=request.query_params.get("segment"),
        public=public,
        enterprise_id=enterprise_id,
    )
    return JSONResponse(data)


def _officer_or_agency(web: WebCaller) -> None:
    _require(web, *CallerRole.reads_everything())


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    """The zone dashboard for the operator and the agencies."""
    _officer_or_agency(web)
    return _dashboard_page(request, session, web, public=False, source="/dashboard/data.json")


@router.get("/dashboard/data.json")
def dashboard_data(request: Request, web: WebDep, session: SessionDep) -> JSONResponse:
    _officer_or_agency(web)
    return _dashboard_data(request, session, web, public=False)


def _public_enabled(settings: Settings) -> None:
    if not settings.public_dashboard:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"page": "/dashboard/public"})


@router.get("/dashboard/public", response_class=HTMLResponse)
def public_dashboard(request: Request, settings: SettingsDep, session: SessionDep) -> HTMLResponse:
    """The public variant (no enterprise names), when the operator switches it on."""
    _public_enabled(settings)
    return _dashboard_page(
        request, session, _caller(request, settings), public=True, source="/dashboard/public/data.json"
    )


@router.get("/dashboard/public/data.json")
def public_dashboard_data(request: Request, settings: SettingsDep, session: SessionDep) -> JSONResponse:
    _public_enabled(settings)
    return _dashboard_data(request, session, None, public=True)


@router.get("/dashboard/live", response_class=HTMLResponse)
def dashboard_live(request: Request, settings: SettingsDep, session: SessionDep) -> HTMLResponse:
    """Today's live figures (the dashboard polls it)."""
    web = _caller(request, settings)
    if web is None:
        _public_enabled(settings)
    elif web.caller.role is CallerRole.enterprise:
        raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED, data={"role": web.caller.role.value})
    lang = web.lang if web else language(request)
    now = today()
    live = dashboard.kpis(stats_service.figures(session, start=now, end=now), dashboard.LIVE, lang)
    return page(request, "dashboard_live.html", web=web, live=live)


@router.get("/portal/stats", response_class=HTMLResponse)
def portal_stats(request: Request, web: WebDep, session: SessionDep) -> HTMLResponse:
    """The enterprise's own trade figures (as platform or seller)."""
    me = _portal(web, session)
    return _dashboard_page(
        request, session, web, public=True, source="/portal/stats/data.json", enterprise_id=me.id, own=me.name
    )


@router.get("/portal/stats/data.json")
def portal_stats_data(request: Request, web: WebDep, session: SessionDep) -> JSONResponse:
    me = _portal(web, session)
    return _dashboard_data(request, session, web, public=True, enterprise_id=me.id)


@router.get("/dashboard/export")
def dashboard_export(request: Request, web: WebDep, session: SessionDep, format: str = "csv") -> Response:  # noqa: A002
    """The dashboard's selection as CSV (the daily series) or an Excel workbook; an enterprise its own."""
    enterprise_id = _scope(web, session)
    start, end = dashboard.period(request.query_params.get("start"), request.query_params.get("end"))
    filters = Filters(
        start=start,
        end=end,
        direction=request.query_params.get("direction") or None,
        segment=request.query_params.get("segment") or None,
        enterprise_id=enterprise_id,
    ).check()
    stamp = f"{start:%Y%m%d}-{end:%Y%m%d}"
    if format == "xlsx":
        body = downloads.figures_xlsx(session, filters, grain="day")
        media, name = downloads.XLSX_TYPE, f"cbec-stats-{stamp}.xlsx"
    else:
        rows = stats_service.series(session, grain="day", **filters.kwargs())
        body, media, name = (
            downloads.series_csv(rows),
            "text/csv; charset=utf-8",
            f"cbec-stats-day-{stamp}.csv",
        )
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/dashboard/report", response_class=HTMLResponse)
def dashboard_report(request: Request, web: WebDep, session: SessionDep, month: str = "") -> HTMLResponse:
    """The printable monthly report (月报) of the zone, or of the enterprise's own trade."""
    enterprise_id = _scope(web, session)
    month = month or today().strftime("%Y-%m")
    filing = session.get(Enterprise, enterprise_id) if enterprise_id else None
    try:
        built = downloads.build_report(
            session, month, enterprise_id=enterprise_id, scope=filing.name if filing else ""
        )
    except ValueError as exc:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "月份应为 YYYY-MM", data={"month": month}
        ) from exc
    return HTMLResponse(downloads.render_report(built))


def _scope(web: WebCaller, session: Session) -> str | None:
    """None for the operator and the agencies (the whole zone); an enterprise's own filing id."""
    if web.caller.role is CallerRole.enterprise:
        return _portal(web, session).id
    return None


def login_redirect(exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)
