"""All registry queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cbec.registry.models import Enterprise, EnterpriseChange


def by_code(session: Session, code: str) -> Enterprise | None:
    """The filing named by either code (USCC or customs code)."""
    code = code.strip().upper()
    return session.scalars(
        select(Enterprise).where(or_(Enterprise.uscc == code, Enterprise.customs_code == code))
    ).first()


def by_codes(session: Session, codes: Iterable[str]) -> dict[str, Enterprise]:
    """Filings for many codes at once, keyed by every code given that resolves."""
    wanted = {c.strip().upper() for c in codes if c}
    if not wanted:
        return {}
    rows = session.scalars(
        select(Enterprise).where(or_(Enterprise.uscc.in_(wanted), Enterprise.customs_code.in_(wanted)))
    ).all()
    found: dict[str, Enterprise] = {}
    for row in rows:
        for code in (row.uscc, row.customs_code):
            if code in wanted:
                found[code] = row
    return found


def by_id(session: Session, enterprise_id: str) -> Enterprise | None:
    return session.get(Enterprise, enterprise_id)


def search(
    session: Session,
    *,
    role: str | None = None,
    status: str | None = None,
    park: str | None = None,
    name: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Enterprise]:
    query = select(Enterprise).order_by(Enterprise.created_at, Enterprise.id)
    if status:
        query = query.where(Enterprise.status == status)
    if park:
        query = query.where(Enterprise.park == park)
    if name:
        query = query.where(Enterprise.name.contains(name))
    rows = session.scalars(query).all()
    if role:  # roles is a JSON list: filter portably in Python
        rows = [r for r in rows if role in r.roles]
    return list(rows)[offset : offset + limit]


def history(session: Session, enterprise_id: str) -> Sequence[EnterpriseChange]:
    return session.scalars(
        select(EnterpriseChange)
        .where(EnterpriseChange.enterprise_id == enterprise_id)
        .order_by(EnterpriseChange.version)
    ).all()
