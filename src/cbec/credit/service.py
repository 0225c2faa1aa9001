"""Posting and reading credit facts; the customs level in force feeds inspection sampling.

Which agency posts which kind of fact, and which values a kind takes, is below in ``KINDS`` —
each kind with its source document. The customs level's values are the levels in force on the
fact's date (Order 251, then Order 282: ``customs_levels.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.auth.enums import CallerRole
from cbec.credit.levels import customs_levels
from cbec.credit.models import CreditFact, CreditListing
from cbec.errors import ErrorCode, InvalidInputError, NotFoundError, PermissionDeniedError
from cbec.registry.models import Enterprise
from cbec.store import dated
from cbec.store.dated import check_period


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of credit fact: who posts it, the values it takes (None: the customs levels in force)."""

    poster: CallerRole
    values: frozenset[str] | None
    reference: str


KINDS: dict[str, Kind] = {
    "customs_level": Kind(CallerRole.customs, None, "海关总署令第251号 / 第282号 (regulation.md §4.1)"),
    "tax_level": Kind(
        CallerRole.tax,
        frozenset({"A", "B", "M", "C", "D"}),
        "纳税信用管理办法 A/B/M/C/D (regulation.md §4.2)",
    ),
    "forex_class": Kind(
        CallerRole.forex, frozenset({"A", "B", "C"}), "货物贸易外汇管理 企业分类 A/B/C (regulation.md §4.3)"
    ),
    "abnormal_operation": Kind(
        CallerRole.market,
        frozenset({"listed"}),
        "企业信息公示暂行条例 经营异常名录 (not in regulation.md: unverified)",
    ),
    "serious_violation": Kind(
        CallerRole.market,
        frozenset({"listed"}),
        "市场监督管理严重违法失信名单管理办法 (not in regulation.md: unverified)",
    ),
    # Sources outside the five agencies: the zone operator enters them from the published list or the
    # agency's report (信用中国 / 第三方信用服务机构), naming the source in `basis`.
    "court_dishonest_debtor": Kind(
        CallerRole.operator,
        frozenset({"listed"}),
        "最高人民法院关于公布失信被执行人名单信息的若干规定 (not in regulation.md: unverified)",
    ),
    "third_party_rating": Kind(
        CallerRole.operator,
        frozenset({"AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"}),
        "第三方信用服务机构评级 AAA–C (industry convention; our judgement)",
    ),
}


def rescore(session: Session, enterprise_id: str, *, trigger: str, actor: str) -> None:
    """Recompute the enterprise's composite rating after a change to its archive (kept if changed)."""
    from cbec.credit import scores  # noqa: PLC0415 - scores reads the archive, which reads these models

    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is not None:
        scores.rescore(session, [enterprise], trigger=trigger, actor=actor)


def _check(kind: str, value: str, role: CallerRole, effective_from: date, expires_on: date | None) -> None:
    spec = KINDS.get(kind)
    if spec is None:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "未知的信用信息类别", data={"kind": kind, "kinds": sorted(KINDS)}
        )
    if role is not spec.poster:
        raise PermissionDeniedError(
            ErrorCode.PERMISSION_DENIED, data={"kind": kind, "poster": spec.poster.value, "role": role.value}
        )
    allowed = spec.values if spec.values is not None else frozenset(customs_levels(effective_from).levels)
    if value not in allowed:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED,
            "信用信息取值无效",
            data={"kind": kind, "value": value, "allowed": sorted(allowed)},
        )
    check_period(effective_from, expires_on)


def post_fact(
    session: Session,
    enterprise: Enterprise,
    *,
    kind: str,
    value: str,
    role: CallerRole,
    actor: str,
    effective_from: date,
    expires_on: date | None = None,
    basis: str | None = None,
    note: str = "",
) -> CreditFact:
    """Record a credit fact posted by an agency (checked against ``KINDS``)."""
    _check(kind, value, role, effective_from, expires_on)
    fact = CreditFact(
        enterprise_id=enterprise.id,
        kind=kind,
        value=value,
        source=role.value,
        basis=basis,
        note=note,
        effective_from=effective_from,
        expires_on=expires_on,
        posted_by=actor,
    )
    session.add(fact)
    session.flush()
    rescore(session, enterprise.id, trigger=f"credit.fact_posted:{kind}", actor=actor)
    return fact


#: Facts the platform records from its own systems (not postable through the agency API).
PLATFORM_KINDS: dict[str, str] = {
    "inspection_finding": "查验发现问题的案件结果 (cbec.risk.cases) — 平台自身行为记录",
}


def record_platform_fact(
    session: Session,
    enterprise: Enterprise,
    *,
    kind: str,
    value: str,
    basis: str,
    note: str,
    actor: str,
    on: date,
) -> CreditFact:
    """Record a fact from the platform's own systems (source ``platform``)."""
    if kind not in PLATFORM_KINDS:
        raise ValueError(f"not a platform fact kind: {kind!r}")
    fact = CreditFact(
        enterprise_id=enterprise.id,
        kind=kind,
        value=value,
        source="platform",
        basis=basis,
        note=note,
        effective_from=on,
        posted_by=actor,
    )
    session.add(fact)
    session.flush()
    rescore(session, enterprise.id, trigger=f"credit.fact_posted:{kind}", actor=actor)
    return fact


def withdraw_fact(session: Session, fact_id: str, *, role: CallerRole, actor: str) -> CreditFact:
    """Withdraw a fact (kept for the record); only its source agency may."""
    fact = session.get(CreditFact, fact_id, with_for_update=True)
    if fact is None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"fact": fact_id})
    if fact.source != role.value:
        raise PermissionDeniedError(
            ErrorCode.PERMISSION_DENIED, data={"fact": fact_id, "source": fact.source}
        )
    dated.withdraw(fact, actor=actor)
    session.flush()
    rescore(session, fact.enterprise_id, trigger=f"credit.fact_withdrawn:{fact.kind}", actor=actor)
    return fact


def facts(
    session: Session, enterprise_ids: Iterable[str], *, day: date | None = None
) -> Sequence[CreditFact]:
    """Facts of the enterprises, newest first; only those in force on ``day`` when given."""
    query = (
        select(CreditFact)
        .where(CreditFact.enterprise_id.in_(sorted(set(enterprise_ids))))
        .order_by(CreditFact.effective_from.desc(), CreditFact.posted_at.desc())
    )
    if day is not None:
        query = query.where(*dated.in_force_on(CreditFact, day))
    return session.scalars(query).all()


def current(session: Session, enterprise_id: str, day: date) -> dict[str, CreditFact]:
    """The fact in force of each kind (the latest effective one wins)."""
    found: dict[str, CreditFact] = {}
    for fact in facts(session, [enterprise_id], day=day):
        found.setdefault(fact.kind, fact)
    return found


def fact_out(fact: CreditFact) -> dict[str, Any]:
    return {
        "id": fact.id,
        "kind": fact.kind,
        "value": fact.value,
        "source": fact.source,
        "basis": fact.basis,
        "note": fact.note,
        "effective_from": fact.effective_from.isoformat(),
        "expires_on": fact.expires_on.isoformat() if fact.expires_on else None,
        "posted_by": fact.posted_by,
        "posted_at": fact.posted_at.isoformat(),
        "withdrawn_at": fact.withdrawn_at.isoformat() if fact.withdrawn_at else None,
    }


LIST_NAMES = ("red", "black", "watch")


def list_enterprise(
    session: Session,
    enterprise: Enterprise,
    *,
    list_name: str,
    reason: str,
    basis: str,
    role: CallerRole,
    actor: str,
    effective_from: date,
    expires_on: date | None = None,
) -> CreditListing:
    """Put an enterprise on a list (by an agency, with reason and legal basis)."""
    if list_name not in LIST_NAMES:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "未知名单", data={"list": list_name, "lists": list(LIST_NAMES)}
        )
    check_period(effective_from, expires_on)
    listing = CreditListing(
        enterprise_id=enterprise.id,
        list_name=list_name,
        reason=reason,
        basis=basis,
        source=role.value,
        effective_from=effective_from,
        expires_on=expires_on,
        listed_by=actor,
    )
    session.add(listing)
    session.flush()
    rescore(session, enterprise.id, trigger=f"credit.listed:{list_name}", actor=actor)
    return listing


def delist(session: Session, listing_id: str, *, role: CallerRole, actor: str) -> CreditListing:
    """Take an enterprise off a list (kept for the record); only the listing agency may."""
    listing = session.get(CreditListing, listing_id, with_for_update=True)
    if listing is None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"listing": listing_id})
    if listing.source != role.value and not (listing.source == "platform" and role is CallerRole.operator):
        raise PermissionDeniedError(
            ErrorCode.PERMISSION_DENIED, data={"listing": listing_id, "source": listing.source}
        )
    dated.withdraw(listing, actor=actor)
    session.flush()
    rescore(session, listing.enterprise_id, trigger=f"credit.delisted:{listing.list_name}", actor=actor)
    return listing


def listings(
    session: Session,
    *,
    list_name: str | None = None,
    enterprise_ids: Iterable[str] | None = None,
    day: date | None = None,
) -> Sequence[CreditListing]:
    """Listings, newest first; filtered by list, enterprises, and in force on ``day`` when given."""
    query = select(CreditListing).order_by(
        CreditListing.effective_from.desc(), CreditListing.listed_at.desc()
    )
    if list_name is not None:
        query = query.where(CreditListing.list_name == list_name)
    if enterprise_ids is not None:
        query = query.where(CreditListing.enterprise_id.in_(sorted(set(enterprise_ids))))
    if day is not None:
        query = query.where(*dated.in_force_on(CreditListing, day))
    return session.scalars(query).all()


def listing_out(listing: CreditListing, enterprise: Enterprise | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": listing.id,
        "list": listing.list_name,
        "reason": listing.reason,
        "basis": listing.basis,
        "source": listing.source,
        "effective_from": listing.effective_from.isoformat(),
        "expires_on": listing.expires_on.isoformat() if listing.expires_on else None,
        "withdrawn_at": listing.withdrawn_at.isoformat() if listing.withdrawn_at else None,
    }
    if enterprise is not None:
        out["enterprise"] = {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "customs_code": enterprise.customs_code,
        }
    return out
