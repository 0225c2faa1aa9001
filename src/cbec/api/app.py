"""The FastAPI application factory and the one place errors become HTTP responses."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import cbec
from cbec.api.routes import clearance, codes, credit, documents, exports, keys, messages, registry, risk
from cbec.api.routes import stats as stats_routes
from cbec.config import Settings, get_settings
from cbec.errors import CODES, CbecError, ErrorCode
from cbec.logging import configure_logging
from cbec.messages.ingest import AccessPoint
from cbec.store.session import session_factory
from cbec.web import routes as web_routes
from cbec.web.render import LoginRequired, language, page
from cbec.workers.runner import build_worker

log = structlog.get_logger()


def _language(request: Request) -> str:
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "zh"


def error_body(code: ErrorCode, message: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code.value, "message": message, "data": data or {}}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (the process settings by default)."""
    settings = settings or get_settings()
    configure_logging(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = app.state.worker
        if settings.bus_url:  # NATS: this process only relays the outbox; `cbec worker` consumes
            worker.relay_only = True
            worker.start()
        elif settings.embedded_worker:
            worker.start()
        try:
            yield
        finally:
            worker.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="CBEC Zone Platform 跨境电商综试区线上综合服务平台",
        version=cbec.__version__,
        description="One access point for CEB messages, the enterprise registry and receipts.",
    )
    app.state.settings = settings
    sessions = session_factory(settings)
    worker = build_worker(settings, sessions)
    app.state.worker = worker
    app.state.access_point = AccessPoint(settings, sessions, worker.wake)

    @app.middleware("http")
    async def _started(request: Request, call_next: Any) -> Any:
        request.state.started = started = time.perf_counter()  # reported in Server-Timing
        response = await call_next(request)
        if "server-timing" not in response.headers:  # pages set it themselves, closer to the end
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> Response:
        return web_routes.login_redirect(exc)

    @app.exception_handler(CbecError)
    async def _cbec_error(request: Request, exc: CbecError) -> Response:
        if _is_web(request):  # a page: the error as a page, in the visitor's language
            lang = language(request)
            return page(
                request,
                "error.html",
                web=None,
                status=exc.http_status,
                code=exc.code.value,
                message=exc.message_in(lang),
            )
        return JSONResponse(
            error_body(exc.code, exc.message_in(_language(request)), exc.data), status_code=exc.http_status
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        info = CODES[ErrorCode.VALIDATION_FAILED]
        message = info.en if _language(request) == "en" else info.zh
        return JSONResponse(
            error_body(ErrorCode.VALIDATION_FAILED, message, {"errors": errors}), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = ErrorCode.NOT_FOUND if exc.status_code == 404 else ErrorCode.VALIDATION_FAILED  # noqa: PLR2004
        if _is_web(request):
            return page(
                request,
                "error.html",
                web=None,
                status=exc.status_code,
                code=code.value,
                message=str(exc.detail),
            )
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("api.unexpected_error", path=request.url.path, exc_info=exc)
        info = CODES[ErrorCode.INTERNAL_ERROR]
        message = info.en if _language(request) == "en" else info.zh
        return JSONResponse(error_body(ErrorCode.INTERNAL_ERROR, message), status_code=info.http_status)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": cbec.__version__}

    for module in (registry, keys, messages, documents, clearance, exports, risk, credit, codes):
        app.include_router(module.router)
    app.include_router(credit.lists_router)
    app.include_router(credit.appeals_router)
    app.include_router(credit.ratings_router)
    app.include_router(stats_routes.router)
    app.include_router(web_routes.router)
    app.mount("/static", StaticFiles(packages=[("cbec.web", "static")]), name="static")
    return app


def _is_web(request: Request) -> bool:
    """A request for a page (not the API, not a static file)."""
    path = request.url.path
    return not (path.startswith("/api/") or path.startswith("/static/") or path == "/healthz")
