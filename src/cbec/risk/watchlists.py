"""The product-safety list and agency signals (产品安全名单、部门预警信息) that feed the risk rules.

Market regulation (or customs) posts recalled and banned products — by barcode, brand or HS prefix —
and any agency posts a signal on an enterprise or a buyer (e.g. tax: invoice anomaly; police: a
buyer ID reported stolen). The clearance batch loads the entries in force on the declaration's day
and the rules ``RISK.SAFETY.LISTED`` and ``RISK.AGENCY.SIGNAL`` score them. Entries are withdrawn,
never deleted, so a past assessment can be explained from what was in force then.

A buyer is addressed by ID number on the way in and stored only as the keyed lookup hash that
clearance uses (cbec.kernel.crypto), so the platform never keeps the number in this table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.errors import ErrorCode, InvalidInputError, NotFoundError
from cbec.risk.features import AgencySignal, SafetyEntry
from cbec.risk.models import AgencySignalRow, SafetyListEntry
from cbec.store import dated
from cbec.store.dated import check_period

# Barcode values enterprises send when a product has none: they must not match a listed product.
NO_BARCODE = frozenset({"", "无", "0", "none", "n/a"})


def post_safety_entry(
    session: Session,
    *,
    actor: str,
    source: str,
    reason: str,
    barcode: str | None = None,
    brand: str | None = None,
    hs_prefix: str | None = None,
    reference: str | None = None,
    effective_from: date,
    expires_on: date | None = None,
) -> SafetyListEntry:
    """Post a product-safety entry; at least one matcher is required and a "no barcode" value is refused."""
    barcode = (barcode or "").strip() or None
    brand = (brand or "").strip() or None
    hs_prefix = (hs_prefix or "").strip() or None
    if barcode is not None and barcode.casefold() in NO_BARCODE:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "条形码不能为“无”", data={"field": "barcode", "value": barcode}
        )
    if hs_prefix is not None and not (hs_prefix.isdigit() and 2 <= len(hs_prefix) <= 10):
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED, "税号前缀须为2至10位数字", data={"field": "hs_prefix"}
        )
    if barcode is None and brand is None and hs_prefix is None:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED,
            "至少给出条形码、品牌或税号前缀之一",
            data={"fields": ["barcode", "brand", "hs_prefix"]},
        )
    check_period(effective_from, expires_on)
    entry = SafetyListEntry(
        posted_by=actor,
        source=source,
        reason=reason,
        reference=reference,
        barcode=barcode,
        brand=brand,
        hs_prefix=hs_prefix,
        effective_from=effective_from,
        expires_on=expires_on,
    )
    session.add(entry)
    session.flush()
    return entry


def post_signal(
    session: Session,
    *,
    actor: str,
    source: str,
    subject: Literal["enterprise", "buyer"],
    subject_key: str,
    code: str,
    description: str = "",
    effective_from: date,
    expires_on: date | None = None,
) -> AgencySignalRow:
    """Post an agency signal; ``subject_key`` is an enterprise customs code or a buyer's lookup hash."""
    check_period(effective_from, expires_on)
    row = AgencySignalRow(
        posted_by=actor,
        source=source,
        subject=subject,
        subject_key=subject_key,
        code=code,
        description=description,
        effective_from=effective_from,
        expires_on=expires_on,
    )
    session.add(row)
    session.flush()
    return row


_Withdrawable = TypeVar("_Withdrawable", SafetyListEntry, AgencySignalRow)


def withdraw(session: Session, model: type[_Withdrawable], row_id: str, *, actor: str) -> _Withdrawable:
    """Withdraw an entry or a signal (kept for the record, no longer in force)."""
    row = session.get(model, row_id, with_for_update=True)
    if row is None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"id": row_id})
    dated.withdraw(row, actor=actor)
    return row


def safety_entries(session: Session, *, day: date | None = None) -> Sequence[SafetyListEntry]:
    """Entries, newest first; only those in force on ``day`` when given."""
    query = select(SafetyListEntry).order_by(SafetyListEntry.created_at.desc())
    if day is not None:
        query = query.where(*dated.in_force_on(SafetyListEntry, day))
    return session.scalars(query).all()


def signals(
    session: Session, *, day: date | None = None, subject_keys: Sequence[str] | None = None
) -> Sequence[AgencySignalRow]:
    """Signals, newest first; only those in force on ``day`` and about ``subject_keys`` when given."""
    query = select(AgencySignalRow).order_by(AgencySignalRow.created_at.desc())
    if day is not None:
        query = query.where(*dated.in_force_on(AgencySignalRow, day))
    if subject_keys is not None:
        query = query.where(AgencySignalRow.subject_key.in_([k for k in subject_keys if k]))
    return session.scalars(query).all()


@dataclass(frozen=True, slots=True)
class WatchLists:
    """What is in force on one day: the product-safety list and the agency signals by subject key."""

    safety_list: tuple[SafetyEntry, ...]
    signals: Mapping[str, tuple[AgencySignal, ...]]

    def signals_about(
        self, enterprise_codes: Sequence[str], buyer_hash: str | None
    ) -> tuple[AgencySignal, ...]:
        """Signals on the declaration's enterprises (each once) or on its buyer."""
        found: list[AgencySignal] = []
        for code in dict.fromkeys(c for c in enterprise_codes if c):
            found += [s for s in self.signals.get(code, ()) if s.subject == "enterprise"]
        if buyer_hash:
            found += [s for s in self.signals.get(buyer_hash, ()) if s.subject == "buyer"]
        return tuple(found)


def in_force(session: Session, day: date) -> WatchLists:
    """Load the lists in force on ``day`` as the risk features read them (one query each)."""
    safety = tuple(
        SafetyEntry(reason=e.reason, barcode=e.barcode, brand=e.brand, hs_prefix=e.hs_prefix)
        for e in safety_entries(session, day=day)
    )
    by_key: dict[str, list[AgencySignal]] = {}
    for r in signals(session, day=day):
        by_key.setdefault(r.subject_key, []).append(
            AgencySignal(
                subject="buyer" if r.subject == "buyer" else "enterprise",
                source=r.source,
                code=r.code,
                description=r.description,
            )
        )
    return WatchLists(safety, MappingProxyType({k: tuple(v) for k, v in by_key.items()}))


def safety_out(e: SafetyListEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "created_at": e.created_at.isoformat(),
        "posted_by": e.posted_by,
        "source": e.source,
        "reason": e.reason,
        "reference": e.reference,
        "barcode": e.barcode,
        "brand": e.brand,
        "hs_prefix": e.hs_prefix,
        "effective_from": e.effective_from.isoformat(),
        "expires_on": e.expires_on.isoformat() if e.expires_on else None,
        "withdrawn_at": e.withdrawn_at.isoformat() if e.withdrawn_at else None,
    }


def signal_out(r: AgencySignalRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "created_at": r.created_at.isoformat(),
        "posted_by": r.posted_by,
        "source": r.source,
        "subject": r.subject,
        # a buyer's hash is an internal key: show only that a buyer is meant
        "subject_key": r.subject_key if r.subject == "enterprise" else None,
        "code": r.code,
        "description": r.description,
        "effective_from": r.effective_from.isoformat(),
        "expires_on": r.expires_on.isoformat() if r.expires_on else None,
        "withdrawn_at": r.withdrawn_at.isoformat() if r.withdrawn_at else None,
    }
