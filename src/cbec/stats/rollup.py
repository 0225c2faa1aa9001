"""Keeping ``stat_declarations`` up to date from the clearance and export event histories.

:func:`refresh` reads the events written since the cursor of each history, recomputes the fact row of
every order they touch (from the order, its linked list and its first status-2 event: never from raw
messages) and writes it with an upsert. Recomputing from the order's current state makes it idempotent:
running it twice, or re-reading an event, changes nothing. :func:`rebuild` empties the facts and applies
the whole history again, then the imported channel records; it gives the same rows.

Concurrency. Both start by updating their cursor rows, which takes the row locks on PostgreSQL and the
write lock on SQLite, so two processes (two workers' sweeps, a CLI rebuild) take turns. Event ids come
from a sequence on PostgreSQL, so a transaction that started earlier may commit a *lower* id after a
higher one was read: the cursor only moves over a contiguous run of ids, and over a gap only once the
event after it is older than :data:`LAG` (a clearance batch commits within seconds, so an id missing
for that long was rolled back). Events after a gap are applied at once and read again next time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from cbec.clearance.models import ClearanceEvent, ClearanceOrder
from cbec.exports.models import ExportEvent, ExportOrder
from cbec.kernel.dates import utc_now
from cbec.messages.models import Document
from cbec.registry.models import Enterprise
from cbec.stats.catalogue import Catalogue, load_catalogue
from cbec.stats.facts import Declared, fact_of
from cbec.stats.models import ChannelRecord, StatCursor, StatDeclaration
from cbec.store.upsert import insert_ignore

__all__ = ["LAG", "RefreshResult", "rebuild", "refresh"]

log = structlog.get_logger()

LAG = timedelta(minutes=5)
"""How long a gap in the event ids is waited for before the cursor moves over it."""

_PAGE = 2000  # events read per query
_IN = 500  # ids per IN (...) list
INVENTORY_RECEIVED = "2"  # the status of the event "清单已接收" (import and export)


@dataclass(frozen=True, slots=True)
class _History:
    """One event history and the orders it belongs to."""

    name: str
    event: Any
    order: Any
    prefix: str
    source: str
    direction: str


HISTORIES = (
    _History("clearance_events", ClearanceEvent, ClearanceOrder, "I:", "clearance", "import"),
    _History("export_events", ExportEvent, ExportOrder, "E:", "export", "export"),
)


@dataclass
class RefreshResult:
    """What a refresh or rebuild did."""

    events: int = 0
    orders: int = 0
    facts: int = 0
    channel_records: int = 0
    cursors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "orders": self.orders,
            "facts": self.facts,
            "channel_records": self.channel_records,
            "cursors": dict(self.cursors),
        }


def refresh(
    session: Session,
    *,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
    max_events: int = 50_000,
) -> RefreshResult:
    """Apply the events written since the cursors (at most about ``max_events`` per call)."""
    catalogue = catalogue or load_catalogue()
    now = now or utc_now()
    cursors = _lock_cursors(session, now)
    result = RefreshResult()
    parties = _Parties(session)
    for history in HISTORIES:
        seen = cursors[history.name]
        read: list[Any] = []
        while result.events < max_events:
            rows = session.execute(
                select(history.event.id, history.event.order_id, history.event.at)
                .where(history.event.id > seen)
                .order_by(history.event.id)
                .limit(_PAGE)
            ).all()
            if not rows:
                break
            orders = sorted({r.order_id for r in rows})
            result.facts += _apply(session, history, orders, catalogue, parties)
            result.events += len(rows)
            result.orders += len(orders)
            seen = rows[-1].id
            read += rows
        cursor = _advance(cursors[history.name], read, now)
        if cursor != cursors[history.name]:
            session.execute(
                update(StatCursor)
                .where(StatCursor.name == history.name, StatCursor.last_id < cursor)
                .values(last_id=cursor)
            )
        result.cursors[history.name] = max(cursor, cursors[history.name])
    return result


def rebuild(
    session: Session, *, now: datetime | None = None, catalogue: Catalogue | None = None
) -> RefreshResult:
    """Empty the facts and apply the whole event history again, then the imported channel records."""
    from cbec.stats import channels  # noqa: PLC0415 - channels writes facts through this module

    catalogue = catalogue or load_catalogue()
    now = now or utc_now()
    _lock_cursors(session, now)
    session.execute(delete(StatDeclaration))
    result = RefreshResult()
    parties = _Parties(session)
    for history in HISTORIES:
        top = session.scalar(select(func.max(history.event.id))) or 0
        settled = session.scalar(select(func.max(history.event.id)).where(history.event.at < now - LAG)) or 0
        last = ""
        while True:
            orders = list(
                session.scalars(
                    select(history.event.order_id)
                    .where(history.event.id <= top, history.event.order_id > last)
                    .group_by(history.event.order_id)
                    .order_by(history.event.order_id)
                    .limit(_PAGE)
                )
            )
            if not orders:
                break
            result.facts += _apply(session, history, orders, catalogue, parties)
            result.orders += len(orders)
            last = orders[-1]
        result.events += (
            session.scalar(select(func.count()).select_from(history.event).where(history.event.id <= top))
            or 0
        )
        # Events newer than the lag may sit behind a transaction still running: the next refresh reads them.
        session.execute(update(StatCursor).where(StatCursor.name == history.name).values(last_id=settled))
        result.cursors[history.name] = settled
    result.channel_records = channels.reapply(session, catalogue)
    return result


# --------------------------------------------------------------------------- cursors


def _lock_cursors(session: Session, now: datetime) -> dict[str, int]:
    """Create the cursor rows if needed and lock them for this transaction; return their values."""
    names = [h.name for h in HISTORIES]
    session.execute(
        insert_ignore(session, StatCursor, ["name"]),
        [{"name": name, "last_id": 0, "updated_at": now} for name in names],
    )
    session.execute(update(StatCursor).where(StatCursor.name.in_(names)).values(updated_at=now))
    return dict(
        session.execute(select(StatCursor.name, StatCursor.last_id).where(StatCursor.name.in_(names))).all()
    )


def _advance(cursor: int, rows: Sequence[Any], now: datetime) -> int:
    """The cursor after reading ``rows`` (ascending ids).

    An event older than :data:`LAG` vouches for every id below it (a transaction holding a lower id would
    have committed or rolled back by now); after that the cursor moves over contiguous ids only."""
    settled = [row.id for row in rows if row.at < now - LAG]
    if settled:
        cursor = max(cursor, max(settled))
    for row in rows:
        if row.id <= cursor:
            continue
        if row.id != cursor + 1:
            break
        cursor = row.id
    return cursor


# --------------------------------------------------------------------------- applying


class _Parties:
    """Filings by customs code or USCC (id and park), loaded once per code for one refresh."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[str, tuple[str, str | None] | None] = {}

    def load(self, codes: Iterable[str]) -> None:
        wanted = sorted({c for c in codes if c and c not in self.found})
        for start in range(0, len(wanted), _IN):
            chunk = wanted[start : start + _IN]
            for code in chunk:
                self.found[code] = None
            for row in self.session.execute(
                select(Enterprise.id, Enterprise.park, Enterprise.customs_code, Enterprise.uscc).where(
                    or_(Enterprise.customs_code.in_(chunk), Enterprise.uscc.in_(chunk))
                )
            ):
                for code in (row.customs_code, row.uscc):
                    if code in self.found:
                        self.found[code] = (row.id, row.park)

    def get(self, code: str | None) -> tuple[str, str | None] | None:
        return self.found.get((code or "").strip().upper())


def _code(head: Mapping[str, Any], name: str) -> str:
    return str(head.get(name) or "").strip().upper()


def _apply(
    session: Session, history: _History, order_ids: Sequence[str], catalogue: Catalogue, parties: _Parties
) -> int:
    """Recompute and write the facts of these orders (delete those no longer declared)."""
    written = 0
    for start in range(0, len(order_ids), _IN):
        chunk = list(order_ids[start : start + _IN])
        orders = session.execute(select(*_columns(history)).where(history.order.id.in_(chunk))).all()
        first: dict[str, datetime] = dict(
            session.execute(
                select(history.event.order_id, func.min(history.event.at))
                .where(history.event.order_id.in_(chunk), history.event.return_status == INVENTORY_RECEIVED)
                .group_by(history.event.order_id)
            ).all()
        )
        declared = [o for o in orders if o.inventory_doc_id is not None and o.id in first]
        documents = {
            row.id: row
            for row in session.execute(
                select(Document.id, Document.head, Document.lists).where(
                    Document.id.in_([o.inventory_doc_id for o in declared])
                )
            )
        }
        parties.load(
            _code(doc.head, name)
            for doc in documents.values()
            for name in ("ebpCode", "ebcCode", "agentCode")
        )
        rows = []
        for order in declared:
            doc = documents.get(order.inventory_doc_id)
            if doc is not None:
                rows.append(fact_of(_declared(history, order, doc, first[order.id], parties), catalogue))
        gone = sorted({history.prefix + i for i in chunk} - {r["id"] for r in rows})
        if gone:
            session.execute(delete(StatDeclaration).where(StatDeclaration.id.in_(gone)))
        if rows:
            upsert_facts(session, rows)
            _supersede_channel_records(session, rows)
        written += len(rows)
    return written


def _columns(history: _History) -> list[Any]:
    """What the facts read of an order (plain columns: no ORM objects pile up in a long rebuild)."""
    order = history.order
    columns = [
        order.id,
        order.inventory_doc_id,
        order.trade_mode,
        order.state,
        order.invt_no,
        order.released_at,
        order.order_no,
        order.logistics_no,
    ]
    if history.direction == "import":
        columns += [order.tax_total, order.inspection_path]
    return columns


def _declared(history: _History, order: Any, doc: Any, first_at: datetime, parties: _Parties) -> Declared:
    head: Mapping[str, Any] = doc.head or {}
    ebp, ebc, agent = (parties.get(_code(head, n)) for n in ("ebpCode", "ebcCode", "agentCode"))
    park = next((p[1] for p in (ebc, ebp, agent) if p is not None and p[1]), None)
    is_import = history.direction == "import"
    return Declared(
        key=history.prefix + order.id,
        source=history.source,
        direction=history.direction,
        trade_mode=order.trade_mode or head.get("tradeMode"),
        state=order.state,
        accepted=order.invt_no is not None,
        inspected=bool(order.inspection_path) if is_import else False,  # exports are not sampled here
        declared_at=first_at,
        released_at=order.released_at,
        head=head,
        lines=(doc.lists or {}).get("InventoryList", []),
        tax=order.tax_total if is_import else None,
        order_no=order.order_no,
        waybill_no=order.logistics_no,
        ebp_id=ebp[0] if ebp else None,
        ebc_id=ebc[0] if ebc else None,
        park=park,
    )


def upsert_facts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or replace fact rows (in id order, so that two writers lock rows in the same order)."""
    rows = sorted(rows, key=lambda r: str(r["id"]))
    now = utc_now()
    for row in rows:
        row["updated_at"] = now
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(StatDeclaration)
    columns = {
        c.name: statement.excluded[c.name] for c in StatDeclaration.__table__.columns if c.name != "id"
    }
    session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=columns), rows)


def _supersede_channel_records(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """A declaration that arrives for an order or waybill a channel already reported replaces that record."""
    orders = sorted({str(r["order_no"]) for r in rows if r.get("order_no")})
    waybills = sorted({str(r["waybill_no"]) for r in rows if r.get("waybill_no")})
    if not orders and not waybills:
        return
    exists = session.scalar(select(func.count()).select_from(ChannelRecord)) or 0
    if not exists:
        return
    session.execute(
        delete(StatDeclaration).where(
            StatDeclaration.source == "channel",
            or_(StatDeclaration.order_no.in_(orders), StatDeclaration.waybill_no.in_(waybills)),
        )
    )
