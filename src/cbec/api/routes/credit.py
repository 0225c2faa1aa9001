"""Credit archive endpoints: agencies post credit facts; an enterprise reads its own archive."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.credit import service as credit
from cbec.credit.levels import customs_levels
from cbec.credit.measures import list_measures
from cbec.errors import ErrorCode, NotFoundError
from cbec.kernel import dates
from cbec.registry import service as registry

router = APIRouter(prefix="/api/v1/credit", tags=["credit 信用"])


class FactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=40)
    value: str = Field(min_length=1, max_length=40)
    basis: str | None = Field(default=None, max_length=200)
    note: str = Field(default="", max_length=500)
    effective_from: date | None = None
    expires_on: date | None = None


@router.post("/{code}/facts", status_code=201)
def post_fact(code: str, body: FactIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """An agency records a credit fact (customs level, tax level, forex class, market lists)."""
    require_roles(caller, *CallerRole.agencies())
    enterprise = registry.get(session, code)
    fact = credit.post_fact(
        session,
        enterprise,
        kind=body.kind,
        value=body.value,
        role=caller.role,
        actor=caller.actor,
        effective_from=body.effective_from or dates.today(),
        expires_on=body.expires_on,
        basis=body.basis,
        note=body.note,
    )
    audit.record(
        session,
        actor=caller.actor,
        action="credit.fact_posted",
        subject=f"enterprise:{enterprise.id}",
        kind=fact.kind,
        value=fact.value,
    )
    return credit.fact_out(fact)


@router.post("/facts/{fact_id}/withdraw")
def withdraw_fact(fact_id: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The posting agency withdraws a fact (kept for the record)."""
    require_roles(caller, *CallerRole.agencies())
    fact = credit.withdraw_fact(session, fact_id, role=caller.role, actor=caller.actor)
    audit.record(
        session, actor=caller.actor, action="credit.fact_withdrawn", subject=f"credit_fact:{fact.id}"
    )
    return credit.fact_out(fact)


@router.get("/{code}")
def archive(code: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """信用档案: every fact (with its origin) and what is in force today; an enterprise sees only its own."""
    enterprise = registry.get(session, code)
    if caller.role is CallerRole.enterprise and caller.enterprise_id != enterprise.id:
        raise NotFoundError(ErrorCode.ENTERPRISE_NOT_FOUND)  # another's archive is not revealed
    today = dates.today()
    levels = customs_levels(today)
    in_force = credit.current(session, enterprise.id, today)
    level_fact = in_force.get("customs_level")
    level = levels.levels.get(level_fact.value) if level_fact else None
    return {
        "enterprise": {"id": enterprise.id, "name": enterprise.name, "customs_code": enterprise.customs_code},
        "customs_level": {
            "code": level.code,
            "label": level.label,
            "label_en": level.label_en,
            "sampling_grade": level.sampling_grade,
            "verified": level.verified,
            "reference": levels.reference,
        }
        if level
        else None,
        "in_force": {kind: credit.fact_out(f) for kind, f in in_force.items()},
        "facts": [credit.fact_out(f) for f in credit.facts(session, [enterprise.id])],
    }


lists_router = APIRouter(prefix="/api/v1/credit-lists", tags=["credit 信用"])


class ListingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise: str = Field(min_length=10, max_length=18, description="USCC or customs code")
    list: str = Field(min_length=1, max_length=8)
    reason: str = Field(min_length=1, max_length=500)
    basis: str = Field(min_length=1, max_length=200)
    effective_from: date | None = None
    expires_on: date | None = None


@lists_router.post("", status_code=201)
def add_listing(body: ListingIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """An agency lists an enterprise (red / black / watch) with reason and legal basis."""
    require_roles(caller, *CallerRole.agencies())
    enterprise = registry.get(session, body.enterprise)
    listing = credit.list_enterprise(
        session,
        enterprise,
        list_name=body.list,
        reason=body.reason,
        basis=body.basis,
        role=caller.role,
        actor=caller.actor,
        effective_from=body.effective_from or dates.today(),
        expires_on=body.expires_on,
    )
    audit.record(
        session,
        actor=caller.actor,
        action="credit.listed",
        subject=f"enterprise:{enterprise.id}",
        list=body.list,
    )
    return credit.listing_out(listing, enterprise)


@lists_router.post("/{listing_id}/withdraw")
def withdraw_listing(listing_id: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The listing agency takes the enterprise off the list (kept for the record)."""
    require_roles(caller, *CallerRole.agencies())
    listing = credit.delist(session, listing_id, role=caller.role, actor=caller.actor)
    audit.record(
        session, actor=caller.actor, action="credit.delisted", subject=f"credit_listing:{listing.id}"
    )
    return credit.listing_out(listing)


def _with_enterprises(session: SessionDep, rows: Any) -> list[dict[str, Any]]:
    from cbec.registry.models import Enterprise

    out = []
    for listing in rows:
        out.append(credit.listing_out(listing, session.get(Enterprise, listing.enterprise_id)))
    return out


@lists_router.get("")
def all_listings(
    caller: CallerDep,
    session: SessionDep,
    list_name: Annotated[str | None, Query(alias="list")] = None,
    in_force: bool = True,
) -> list[dict[str, Any]]:
    """Every listing (agencies and the operator), in force today by default."""
    require_roles(caller, *CallerRole.reads_everything())
    return _with_enterprises(
        session, credit.listings(session, list_name=list_name, day=dates.today() if in_force else None)
    )


@lists_router.get("/public/{list_name}")
def public_listings(list_name: str, session: SessionDep) -> list[dict[str, Any]]:
    """公示: the public lists in force today, readable without an account (the watch list is not public)."""
    today = dates.today()
    measure = list_measures(today).get(list_name)
    if measure is None or not measure.public:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"list": list_name})
    return _with_enterprises(session, credit.listings(session, list_name=list_name, day=today))
