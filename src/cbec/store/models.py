"""Every context's tables, imported so that Alembic sees one metadata."""

from __future__ import annotations

from cbec.audit.models import AuditEvent
from cbec.auth.models import ApiKey
from cbec.clearance.models import ClearanceEvent, ClearanceOrder, Guarantee, GuaranteeEntry, QuotaLedger
from cbec.credit.models import CreditAppeal, CreditFact, CreditListing, CreditScore
from cbec.exports.models import (
    ExportEvent,
    ExportOrder,
    ExportSummary,
    ExportTaxEntry,
    OverseasStockMove,
    OverseasWarehouse,
)
from cbec.messages.models import Document, DocumentKey, Message, OutboxEvent, RawMessage, Receipt
from cbec.messages.serials import Counter
from cbec.registry.models import Enterprise, EnterpriseChange
from cbec.risk.models import (
    AgencySignalRow,
    PriceObservation,
    RiskAlert,
    RiskCase,
    RuleSetVersion,
    SafetyListEntry,
)
from cbec.stats.models import ChannelBatch, ChannelRecord, StatCursor, StatDeclaration, StatInput
from cbec.store.base import Base

metadata = Base.metadata

__all__ = [
    "ApiKey",
    "AgencySignalRow",
    "AuditEvent",
    "Base",
    "ChannelBatch",
    "ChannelRecord",
    "ClearanceEvent",
    "ClearanceOrder",
    "Counter",
    "CreditAppeal",
    "CreditFact",
    "CreditListing",
    "CreditScore",
    "Document",
    "DocumentKey",
    "Enterprise",
    "EnterpriseChange",
    "ExportEvent",
    "ExportOrder",
    "ExportSummary",
    "ExportTaxEntry",
    "Guarantee",
    "GuaranteeEntry",
    "Message",
    "PriceObservation",
    "QuotaLedger",
    "OutboxEvent",
    "OverseasStockMove",
    "OverseasWarehouse",
    "RawMessage",
    "Receipt",
    "RiskAlert",
    "RiskCase",
    "RuleSetVersion",
    "SafetyListEntry",
    "StatCursor",
    "StatDeclaration",
    "StatInput",
    "metadata",
]
