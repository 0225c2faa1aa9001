"""What every engine batch shares: documents, filings and senders cached for one transaction, and the
receipts it sends (stored at the end, one row per recipient, deduplicated)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.clearance.receipts import Outgoing, declaration_receipt, record_of, store
from cbec.kernel.dates import ceb_time17
from cbec.messages.ceb import CATALOGUE
from cbec.messages.ingest import receipt_fallbacks
from cbec.messages.models import Document, Message
from cbec.messages.serials import next_serial
from cbec.registry import repository as registry_repo
from cbec.registry.models import Enterprise


class DocumentBatch:
    """The working set of one engine transaction."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self.docs: dict[str, Document] = {}
        self.outgoing: list[Outgoing] = []
        self.receipts_sent = 0
        self._enterprises: dict[str, Enterprise | None] = {}
        self._senders: dict[str, str] = {}

    def load_documents(self, ids: Iterable[str]) -> dict[str, Document]:
        """Documents by id (one query for those not loaded yet)."""
        wanted = [i for i in dict.fromkeys(ids) if i and i not in self.docs]
        if wanted:
            for d in self.session.scalars(select(Document).where(Document.id.in_(wanted))):
                self.docs[d.id] = d
        return self.docs

    def enterprise(self, code: str) -> Enterprise | None:
        """A filing by either code, cached for the batch."""
        code = code.strip().upper()
        if code not in self._enterprises:
            self._enterprises[code] = registry_repo.by_code(self.session, code) if code else None
        return self._enterprises[code]

    def sender_of(self, document: Document) -> str:
        """The filing that sent the document's message."""
        if document.message_id not in self._senders:
            message = self.session.get(Message, document.message_id)
            assert message is not None
            self._senders[document.message_id] = message.sender_enterprise_id
        return self._senders[document.message_id]

    def answer(
        self, document: Document, status: str, info: str, *, dedupe: str, fields: dict[str, str] | None = None
    ) -> None:
        """A receipt to the document's sender (its spec's receipt type); ``fields`` fill receipt fields."""
        extra: dict[str, str | int] = dict(
            receipt_fallbacks(CATALOGUE[document.message_type], record_of(document))
        )
        extra["preNoSerial"] = next_serial(self.session, f"preNo:{ceb_time17(self.now)[:8]}")
        extra.update(fields or {})
        self.outgoing.append(
            declaration_receipt(
                document,
                status,
                info,
                self.now,
                recipients=(self.sender_of(document),),
                dedupe=dedupe,
                extra=extra,
            )
        )

    def flush_receipts(self) -> None:
        """Store the collected receipts (one row per recipient; a dedupe key already sent is skipped)."""
        if not self.outgoing:
            return
        guids = dict(
            self.session.execute(
                select(Message.id, Message.guid).where(
                    Message.id.in_({o.document.message_id for o in self.outgoing})
                )
            ).all()
        )
        store(self.session, self.outgoing, guids)
        self.receipts_sent += sum(len(set(o.recipients)) for o in self.outgoing)
        self.outgoing = []
