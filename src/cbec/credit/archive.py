"""What the credit archive says about enterprises at a moment: the rating model's inputs.

Each input of :data:`cbec.credit.rating.INPUTS` is measured here by a small named query. Facts and
listings are read *as known at* the moment (posted before it, not withdrawn by then), so a past
rating can be recomputed from the archive; platform behaviour is counted over the model's window
(the last ``window_days`` days) from the clearance orders, the access point's messages and the
inspection cases.

Our reading, said here because no regulation fixes it: an order counts for every enterprise named
in it (platform, seller, logistics, payment, guarantor), so a refusal caused by one party's document
counts against all of them; the data-error rate, by contrast, counts only the enterprise's own
messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from cbec.clearance.enums import ClearanceState, InspectionResult
from cbec.clearance.models import ClearanceOrder
from cbec.credit.models import CreditFact, CreditListing
from cbec.kernel.dates import SHANGHAI
from cbec.messages.models import Message
from cbec.registry.models import Enterprise
from cbec.risk.models import RiskCase

_RATE = Decimal("0.0001")

#: Fact kinds whose value in force is an input of the same name.
_LEVEL_KINDS = ("customs_level", "tax_level", "forex_class", "third_party_rating")
#: Fact kinds that are lists: in force → True.
_FLAG_KINDS = ("abnormal_operation", "court_dishonest_debtor")


@dataclass(slots=True)
class _Behaviour:
    decided: int = 0
    refused: int = 0
    released: int = 0
    returned: int = 0
    records: int = 0
    accepted: int = 0
    findings: int = 0
    smuggling: int = 0
    revenue: Decimal = Decimal(0)
    case_ids: list[str] = field(default_factory=list)


def day_of(at: datetime) -> date:
    """The Beijing date of a moment."""
    return at.astimezone(SHANGHAI).date()


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def _known_at(model: type[CreditFact] | type[CreditListing], at: datetime) -> list[Any]:
    posted = model.posted_at if model is CreditFact else model.listed_at  # type: ignore[union-attr]
    return [posted <= at, or_(model.withdrawn_at.is_(None), model.withdrawn_at > at)]


def _in_force(row: CreditFact | CreditListing, day: date) -> bool:
    return row.effective_from <= day and (row.expires_on is None or row.expires_on >= day)


def _rate(part: int, whole: int) -> str | None:
    return str((Decimal(part) / Decimal(whole)).quantize(_RATE, ROUND_HALF_UP)) if whole else None


def gather(
    session: Session, enterprises: Sequence[Enterprise], *, at: datetime, window_days: int
) -> dict[str, dict[str, Any]]:
    """The rating inputs of each enterprise (by id), as known at ``at``."""
    day = day_of(at)
    since = _end_of(day - timedelta(days=window_days))
    ids = [e.id for e in enterprises]
    inputs: dict[str, dict[str, Any]] = {
        e.id: {
            "filing_status": e.status,
            "customs_level": None,
            "tax_level": None,
            "forex_class": None,
            "third_party_rating": None,
            "abnormal_operation": False,
            "court_dishonest_debtor": False,
            "serious_violations": 0,
            "black_listed": False,
            "red_listed": False,
            "watch_listed": False,
        }
        for e in enterprises
    }
    behaviour = {i: _Behaviour() for i in ids}
    _facts(session, ids, at, day, since, inputs, behaviour)
    _listings(session, ids, at, day, inputs)
    _orders(session, ids, since, at, behaviour)
    _messages(session, ids, since, at, behaviour)
    _revenue(session, behaviour)
    for enterprise_id, b in behaviour.items():
        inputs[enterprise_id].update(
            {
                "orders_decided": b.decided,
                "orders_released": b.released,
                "refusal_rate": _rate(b.refused, b.decided),
                "returns_rate": _rate(b.returned, b.released),
                "records_sent": b.records,
                "data_error_rate": _rate(b.records - b.accepted, b.records),
                "inspection_findings": b.findings,
                "smuggling_findings": b.smuggling,
                "revenue_found": str(b.revenue),
            }
        )
    return inputs


def _facts(
    session: Session,
    ids: list[str],
    at: datetime,
    day: date,
    since: datetime,
    inputs: dict[str, dict[str, Any]],
    behaviour: dict[str, _Behaviour],
) -> None:
    """Levels and list flags in force on ``day``; violations and findings effective in the window."""
    rows = session.scalars(
        select(CreditFact)
        .where(CreditFact.enterprise_id.in_(ids), *_known_at(CreditFact, at))
        .order_by(CreditFact.effective_from.desc(), CreditFact.posted_at.desc())
    )
    window_start = day_of(since)
    for fact in rows:
        found = inputs[fact.enterprise_id]
        if fact.kind in _LEVEL_KINDS and found[fact.kind] is None and _in_force(fact, day):
            found[fact.kind] = fact.value  # the latest effective one wins
        elif fact.kind in _FLAG_KINDS and _in_force(fact, day):
            found[fact.kind] = True
        elif window_start <= fact.effective_from <= day:
            if fact.kind == "serious_violation":
                found["serious_violations"] += 1
            elif fact.kind == "inspection_finding":
                b = behaviour[fact.enterprise_id]
                b.findings += 1
                b.smuggling += fact.value == InspectionResult.detained_smuggling
                if fact.basis and fact.basis.startswith("case:"):
                    b.case_ids.append(fact.basis.removeprefix("case:"))


def _listings(
    session: Session, ids: list[str], at: datetime, day: date, inputs: dict[str, dict[str, Any]]
) -> None:
    rows = session.scalars(
        select(CreditListing).where(CreditListing.enterprise_id.in_(ids), *_known_at(CreditListing, at))
    )
    for listing in rows:
        if _in_force(listing, day):
            inputs[listing.enterprise_id][f"{listing.list_name}_listed"] = True


def _orders(
    session: Session, ids: list[str], since: datetime, at: datetime, behaviour: dict[str, _Behaviour]
) -> None:
    """Orders decided in the window that name the enterprise (a text match narrows, Python confirms)."""
    query = select(ClearanceOrder.parties, ClearanceOrder.state, ClearanceOrder.released_at).where(
        ClearanceOrder.decided_at >= since, ClearanceOrder.decided_at <= at
    )
    if len(ids) <= 20:  # a few enterprises: narrow in the database; many: one pass over the window
        text = cast(ClearanceOrder.parties, String)
        query = query.where(or_(*(text.like(f"%{i}%") for i in ids)))
    wanted = set(ids)
    for parties, state, released_at in session.execute(query.execution_options(yield_per=2000)):
        for enterprise_id in wanted.intersection(parties or ()):
            b = behaviour[enterprise_id]
            b.decided += 1
            b.refused += state == ClearanceState.refused
            if released_at is not None:
                b.released += 1
                b.returned += state == ClearanceState.returned


def _messages(
    session: Session, ids: list[str], since: datetime, at: datetime, behaviour: dict[str, _Behaviour]
) -> None:
    rows = session.execute(
        select(Message.sender_enterprise_id, func.sum(Message.record_count), func.sum(Message.accepted_count))
        .where(Message.sender_enterprise_id.in_(ids), Message.received_at >= since, Message.received_at <= at)
        .group_by(Message.sender_enterprise_id)
    )
    for enterprise_id, records, accepted in rows:
        behaviour[enterprise_id].records = int(records or 0)
        behaviour[enterprise_id].accepted = int(accepted or 0)


def _revenue(session: Session, behaviour: Mapping[str, _Behaviour]) -> None:
    """Revenue found by the cases behind the inspection findings."""
    case_ids = sorted({c for b in behaviour.values() for c in b.case_ids})
    if not case_ids:
        return
    found = dict(
        session.execute(select(RiskCase.id, RiskCase.revenue_found).where(RiskCase.id.in_(case_ids))).all()
    )
    for b in behaviour.values():
        b.revenue = sum((found.get(c) or Decimal(0) for c in b.case_ids), Decimal(0))


def enterprises_to_rate(session: Session, codes: Iterable[str] | None = None) -> list[Enterprise]:
    """Every filed enterprise (or those named), in a stable order."""
    query = select(Enterprise).order_by(Enterprise.id)
    if codes is not None:
        wanted = sorted(set(codes))
        query = query.where(or_(Enterprise.uscc.in_(wanted), Enterprise.customs_code.in_(wanted)))
    return list(session.scalars(query))
