"""Writing audit entries in the same transaction as the action they record."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cbec.audit.models import AuditEvent


def record(session: Session, *, actor: str, action: str, subject: str, **data: Any) -> None:
    """Append one audit entry (committed with the caller's unit of work)."""
    session.add(AuditEvent(actor=actor, action=action, subject=subject, data=data))
