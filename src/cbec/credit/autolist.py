"""Automatic listing (自动列入名单): rules as data (``parameters/listing_rules.yaml``) checked on the
archive inputs at every re-rating; a rule that holds lists the enterprise (source ``platform``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.credit.models import CreditListing
from cbec.credit.rating import Condition, Problems, RatingModelError, parse_condition
from cbec.credit.service import LIST_NAMES
from cbec.kernel.dates import SHANGHAI
from cbec.risk.params import dated_file_entry
from cbec.store import dated

RULES = Path(__file__).parent / "parameters" / "listing_rules.yaml"


@dataclass(frozen=True, slots=True)
class ListingRule:
    id: str
    list_name: str
    when: Condition
    days: int
    reason: str
    reason_en: str
    basis: str


def rules(on: date, path: Path | None = None) -> tuple[ListingRule, ...]:
    """The automatic listing rules in force on ``on``."""
    path = path or RULES
    entry = dated_file_entry(path, on)
    basis = f"{entry['reference']['document']} {entry['reference']['title']}"
    problems = Problems()
    found = []
    for i, item in enumerate(entry.get("rules") or []):
        where = f"rules[{i}]"
        when = parse_condition(item.get("when"), f"{where}.when", problems)
        days = item.get("days")
        if (
            item.get("list") not in LIST_NAMES
            or isinstance(days, bool)
            or not isinstance(days, int | Decimal)
            or days != int(days)
            or days <= 0
        ):
            problems.add(where, "needs `list` (red | black | watch) and a positive number of `days`")
        if when is not None:
            found.append(
                ListingRule(
                    id=str(item.get("id")),
                    list_name=str(item.get("list")),
                    when=when,
                    days=int(item.get("days") or 1),
                    reason=str(item.get("reason")),
                    reason_en=str(item.get("reason_en")),
                    basis=basis,
                )
            )
    if problems.items:
        raise RatingModelError(str(path), problems.items)
    return tuple(found)


def actor_of(rule: ListingRule) -> str:
    return f"rule:{rule.id}"


def apply_rules(
    session: Session, inputs: Mapping[str, Mapping[str, Any]], at: datetime
) -> Sequence[CreditListing]:
    """List every enterprise (by id in ``inputs``) a rule holds for, unless that rule's listing is in
    force already; return the new listings (listed as of ``at``)."""
    day = at.astimezone(SHANGHAI).date()
    in_force = rules(day)
    if not in_force or not inputs:
        return []
    current = {
        (row.enterprise_id, row.listed_by)
        for row in session.scalars(
            select(CreditListing).where(
                CreditListing.enterprise_id.in_(sorted(inputs)),
                CreditListing.source == "platform",
                *dated.in_force_on(CreditListing, day),
            )
        )
    }
    created = []
    for enterprise_id, values in inputs.items():
        for rule in in_force:
            if (enterprise_id, actor_of(rule)) in current or not rule.when.holds(values):
                continue
            listing = CreditListing(
                enterprise_id=enterprise_id,
                list_name=rule.list_name,
                reason=f"{rule.reason} / {rule.reason_en}",
                basis=rule.basis[:200],
                source="platform",
                effective_from=day,
                expires_on=day + timedelta(days=rule.days - 1),
                listed_by=actor_of(rule),
                listed_at=at,
            )
            session.add(listing)
            created.append(listing)
    session.flush()
    return created
