"""Rendering pages: one Jinja2 environment, the request's language, caller and CSRF token."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from cbec.auth.enums import CallerRole
from cbec.auth.service import Caller
from cbec.web import session as web_session
from cbec.web.i18n import LANGS, translate


class LoginRequired(Exception):  # noqa: N818 - a control-flow signal, turned into a redirect
    """No valid web session: the visitor goes to the login page."""

    def __init__(self, next_url: str = "/") -> None:
        super().__init__(next_url)
        self.next_url = next_url


@dataclass(frozen=True, slots=True)
class WebCaller:
    """The logged-in caller of a page and what the page needs to know about the request."""

    caller: Caller
    lang: str
    csrf: str

    @property
    def home(self) -> str:
        return home_of(self.caller)


def home_of(caller: Caller) -> str:
    """Where a caller lands after login."""
    return "/portal" if caller.role is CallerRole.enterprise else "/console"


def language(request: Request) -> str:
    """``?lang=`` first, then the language cookie, then Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(web_session.LANG_COOKIE) or "zh"
    return asked if asked in LANGS else "zh"


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cbec.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda v: "—" if v is None else f"{float(v):,.2f}"
    env.filters["pct"] = lambda v: "—" if v is None else f"{float(v) * 100:.2f}%"
    return env


def page(
    request: Request, template: str, *, web: WebCaller | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page; the Server-Timing header says how long the server took."""
    lang = web.lang if web else language(request)
    started = getattr(request.state, "started", None) or time.perf_counter()

    def t(key: str) -> str:
        return translate(key, lang)

    html = (
        environment()
        .get_template(template)
        .render(request=request, web=web, lang=lang, t=t, path=request.url.path, **context)
    )
    elapsed_ms = (time.perf_counter() - started) * 1000
    response = HTMLResponse(html, status_code=status)
    response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(
            web_session.LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict"
        )
    return response
