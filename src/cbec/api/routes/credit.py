"""Credit archive endpoints: agencies post credit facts; an enterprise reads its own archive."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.credit import appeals, measures, report, scores
from cbec.credit import archive as archive_inputs
from cbec.credit import service as credit
from cbec.credit.levels import customs_levels
from cbec.credit.measures import list_measures
from cbec.credit.rating import model_for
from cbec.errors import ErrorCode, NotFoundError
from cbec.kernel import dates
from cbec.registry import service as registry
from cbec.registry.models import Enterprise

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
    """An agency records a credit fact (customs level, tax level, forex class, market lists); the
    operator enters the court list and third-party ratings (each kind has one poster: ``KINDS``)."""
    require_roles(caller, *CallerRole.reads_everything())
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
    require_roles(caller, *CallerRole.reads_everything())
    fact = credit.withdraw_fact(session, fact_id, role=caller.role, actor=caller.actor)
    audit.record(
        session, actor=caller.actor, action="credit.fact_withdrawn", subject=f"credit_fact:{fact.id}"
    )
    return credit.fact_out(fact)


def _readable(session: SessionDep, code: str, caller: CallerDep) -> Enterprise:
    """The enterprise, when the caller may read its credit (agencies, the operator, itself)."""
    enterprise = registry.get(session, code)
    if caller.role is CallerRole.enterprise and caller.enterprise_id != enterprise.id:
        raise NotFoundError(ErrorCode.ENTERPRISE_NOT_FOUND)  # another's archive is not revealed
    return enterprise


@router.get("/{code}/rating")
def rating(code: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The composite grade with its explanation, and its history (an enterprise reads its own)."""
    enterprise = _readable(session, code, caller)
    found = report.build(session, enterprise)
    return {"current": found.rating, "kept": found.kept, "history": found.history}


@router.get("/{code}/measures")
def measures_of(code: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The joint measures (联合奖惩) that apply today and where each comes from."""
    enterprise = _readable(session, code, caller)
    return measures.measures_out(
        measures.measures_for(session, [enterprise.id], dates.today())[enterprise.id]
    )


@router.get("/{code}/report", response_class=HTMLResponse)
def report_html(code: str, caller: CallerDep, session: SessionDep) -> HTMLResponse:
    """The printable credit report (信用报告) as HTML."""
    enterprise = _readable(session, code, caller)
    return HTMLResponse(report.render_html(report.build(session, enterprise)))


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="objection (异议) | repair (信用修复)")
    target_type: str = Field(description="fact | listing")
    target_id: str = Field(min_length=1, max_length=36)
    reason: str = Field(min_length=1, max_length=1000)
    evidence: str = Field(default="", max_length=2000)


@router.post("/{code}/appeals", status_code=201)
def file_appeal(code: str, body: AppealIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """An enterprise objects to one of its records or applies for repair."""
    require_roles(caller, CallerRole.enterprise)
    enterprise = _readable(session, code, caller)
    appeal = appeals.file_appeal(
        session,
        enterprise,
        kind=body.kind,
        target_type=body.target_type,
        target_id=body.target_id,
        reason=body.reason,
        evidence=body.evidence,
        actor=caller.actor,
    )
    audit.record(
        session,
        actor=caller.actor,
        action="credit.appeal_filed",
        subject=f"enterprise:{enterprise.id}",
        appeal=appeal.id,
        kind=appeal.kind,
    )
    return appeals.appeal_out(appeal)


@router.get("/{code}")
def archive(code: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """信用档案: every fact (with its origin) and what is in force today; an enterprise sees only its own."""
    enterprise = _readable(session, code, caller)
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
    """The listing agency (the operator for the platform's own listings) takes the enterprise off the
    list (kept for the record)."""
    require_roles(caller, *CallerRole.reads_everything())
    listing = credit.delist(session, listing_id, role=caller.role, actor=caller.actor)
    audit.record(
        session, actor=caller.actor, action="credit.delisted", subject=f"credit_listing:{listing.id}"
    )
    return credit.listing_out(listing)


def _with_enterprises(session: SessionDep, rows: Any) -> list[dict[str, Any]]:
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


appeals_router = APIRouter(prefix="/api/v1/credit-appeals", tags=["credit 信用"])


@appeals_router.get("")
def list_appeals(caller: CallerDep, session: SessionDep, status: str | None = None) -> list[dict[str, Any]]:
    """Appeals: an agency sees those it decides, the operator all, an enterprise its own."""
    if caller.role is CallerRole.enterprise:
        rows = appeals.appeals(session, enterprise_id=caller.enterprise_id, status=status)
    elif caller.role is CallerRole.operator:
        rows = appeals.appeals(session, status=status)
    else:
        rows = appeals.appeals(session, decider=caller.role.value, status=status)
    return [appeals.appeal_out(a) for a in rows]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upheld: bool
    note: str = Field(min_length=1, max_length=1000)


@appeals_router.post("/{appeal_id}/decide")
def decide_appeal(appeal_id: str, body: DecisionIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """The agency that posted the record (the operator for platform records) decides."""
    require_roles(caller, *CallerRole.reads_everything())
    appeal = appeals.decide_appeal(
        session, appeal_id, upheld=body.upheld, note=body.note, role=caller.role, actor=caller.actor
    )
    audit.record(
        session,
        actor=caller.actor,
        action="credit.appeal_decided",
        subject=f"credit_appeal:{appeal.id}",
        upheld=body.upheld,
        grade_before=appeal.grade_before,
        grade_after=appeal.grade_after,
    )
    return appeals.appeal_out(appeal)


ratings_router = APIRouter(prefix="/api/v1/credit-ratings", tags=["credit 信用"])


@ratings_router.get("")
def grade_distribution(caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """How many enterprises hold each composite grade now, and the active model."""
    require_roles(caller, *CallerRole.reads_everything())
    model = model_for(dates.today())
    return {
        "model_version": model.version,
        "model_title": model.title,
        "distribution": scores.distribution(session),
    }


@ratings_router.post("/recompute")
def recompute(caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """Rate every enterprise now (what the nightly run does); the operator only."""
    require_roles(caller, CallerRole.operator)
    everyone = archive_inputs.enterprises_to_rate(session)
    rows = scores.rescore(session, everyone, trigger="manual", actor=caller.actor)
    audit.record(session, actor=caller.actor, action="credit.recomputed", subject="credit", rated=len(rows))
    return {"rated": len(rows), "distribution": scores.distribution(session)}
