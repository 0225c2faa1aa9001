"""Request dependencies: the unit of work and the authenticated caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.auth.service import Caller
from cbec.config import Settings, get_settings
from cbec.errors import AuthError, ErrorCode, PermissionDeniedError
from cbec.store.session import session_factory, unit_of_work


def get_app_settings(request: Request) -> Settings:
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    """One unit of work per request: commit when the endpoint returns, roll back on error."""
    with unit_of_work(settings) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def bearer_key(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise AuthError(ErrorCode.AUTH_REQUIRED)
    return key.strip()


def get_caller(request: Request, settings: SettingsDep) -> Caller:
    """The authenticated caller (its own short transaction, so a refused request leaves no trace)."""
    key = bearer_key(request)
    session = session_factory(settings)()
    try:
        return auth.authenticate(session, key)
    finally:
        session.close()


CallerDep = Annotated[Caller, Depends(get_caller)]


def require_roles(caller: Caller, *roles: CallerRole) -> None:
    """403 unless the caller holds one of ``roles``."""
    if caller.role not in roles:
        raise PermissionDeniedError(
            ErrorCode.PERMISSION_DENIED, data={"role": caller.role.value, "allowed": [r.value for r in roles]}
        )
