"""Buyer-level credit flags (消费者信用标记): borrowed identity and returns abuse, from the platform's
own orders, kept as agency signals on the buyer's keyed hash (private: usable by risk, never shown)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.clearance.enums import ClearanceState
from cbec.clearance.models import ClearanceOrder
from cbec.kernel.dates import SHANGHAI
from cbec.risk import watchlists
from cbec.risk.models import AgencySignalRow
from cbec.risk.params import dated_file_entry
from cbec.store import dated

PARAMETERS = Path(__file__).parent / "parameters" / "buyer_flags.yaml"
SOURCE = "platform"


def _borrowed_ids(session: Session, since: datetime, at: datetime, at_least: int) -> set[str]:
    """Buyers whose orders in the window went to ``at_least`` or more different phones."""
    rows = session.execute(
        select(ClearanceOrder.buyer_hash)
        .where(
            ClearanceOrder.buyer_hash.is_not(None),
            ClearanceOrder.phone_hash.is_not(None),
            ClearanceOrder.created_at >= since,
            ClearanceOrder.created_at <= at,
        )
        .group_by(ClearanceOrder.buyer_hash)
        .having(func.count(func.distinct(ClearanceOrder.phone_hash)) >= at_least)
    )
    return {str(h) for (h,) in rows}


def _returns_abusers(session: Session, since: datetime, at: datetime, at_least: int) -> set[str]:
    """Buyers with ``at_least`` or more released orders returned in the window."""
    rows = session.execute(
        select(ClearanceOrder.buyer_hash)
        .where(
            ClearanceOrder.buyer_hash.is_not(None),
            ClearanceOrder.state == ClearanceState.returned.value,
            ClearanceOrder.released_at >= since,
            ClearanceOrder.released_at <= at,
        )
        .group_by(ClearanceOrder.buyer_hash)
        .having(func.count() >= at_least)
    )
    return {str(h) for (h,) in rows}


def flag_buyers(session: Session, at: datetime, *, actor: str = "worker") -> dict[str, int]:
    """Flag the buyers the parameters in force describe; a flag in force is not posted twice.

    Returns how many new flags of each kind were posted."""
    day = at.astimezone(SHANGHAI).date()
    entry = dated_file_entry(PARAMETERS, day)
    since = at - timedelta(days=int(entry["window_days"]))
    flags = entry["flags"]
    found = {
        "borrowed_id": _borrowed_ids(
            session, since, at, int(flags["borrowed_id"]["distinct_phones_at_least"])
        ),
        "returns_abuse": _returns_abusers(
            session, since, at, int(flags["returns_abuse"]["returns_at_least"])
        ),
    }
    codes = {flags[name]["code"] for name in found}
    existing = {
        (row.subject_key, row.code)
        for row in session.scalars(
            select(AgencySignalRow).where(
                AgencySignalRow.source == SOURCE,
                AgencySignalRow.subject == "buyer",
                AgencySignalRow.code.in_(sorted(codes)),
                *dated.in_force_on(AgencySignalRow, day),
            )
        )
    }
    posted: dict[str, int] = {}
    for name, buyers in found.items():
        spec = flags[name]
        posted[name] = 0
        for buyer_hash in sorted(buyers):
            if (buyer_hash, spec["code"]) in existing:
                continue
            watchlists.post_signal(
                session,
                actor=actor,
                source=SOURCE,
                subject="buyer",
                subject_key=buyer_hash,
                code=str(spec["code"]),
                description=f"{spec['description']} / {spec['description_en']}",
                effective_from=day,
                expires_on=day + timedelta(days=int(spec["days"]) - 1),
            )
            posted[name] += 1
    return posted
