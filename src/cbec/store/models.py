"""Every context's tables, imported so that Alembic sees one metadata."""

from __future__ import annotations

from cbec.audit.models import AuditEvent
from cbec.auth.models import ApiKey
from cbec.messages.models import Document, DocumentKey, Message, OutboxEvent, RawMessage, Receipt
from cbec.messages.serials import Counter
from cbec.registry.models import Enterprise, EnterpriseChange
from cbec.store.base import Base

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Base",
    "Counter",
    "Document",
    "DocumentKey",
    "Enterprise",
    "EnterpriseChange",
    "Message",
    "OutboxEvent",
    "RawMessage",
    "Receipt",
    "metadata",
]
