"""Gap-tolerant serial numbers per name (pre-entry numbers, inventory numbers)."""

from __future__ import annotations

from sqlalchemy import String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from cbec.store.base import Base


class Counter(Base):
    """One named counter; incremented under the row lock of the calling transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int]


def next_serial(session: Session, name: str) -> int:
    """The next value of counter ``name`` (starting at 1), inside the caller's transaction."""
    result = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if result is not None:
        return int(result)
    try:
        with session.begin_nested():
            session.add(Counter(name=name, value=1))
        return 1
    except IntegrityError:
        return int(
            session.execute(
                update(Counter)
                .where(Counter.name == name)
                .values(value=Counter.value + 1)
                .returning(Counter.value)
            ).scalar_one()
        )


def current(session: Session, name: str) -> int:
    return int(session.scalar(select(Counter.value).where(Counter.name == name)) or 0)


def next_serial_block(session: Session, name: str, count: int) -> range:
    """``count`` consecutive serials of counter ``name`` reserved in one statement."""
    if count <= 0:
        return range(0)
    bump = (
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    )
    result = session.execute(bump).scalar()
    if result is None:
        try:
            with session.begin_nested():
                session.add(Counter(name=name, value=count))
            return range(1, count + 1)
        except IntegrityError:
            result = session.execute(bump).scalar_one()
    end = int(result)
    return range(end - count + 1, end + 1)
