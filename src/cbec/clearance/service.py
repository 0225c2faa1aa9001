"""The clearance engine: accepted records in, decisions and receipts out, one transaction per batch.

For each batch of accepted-record events (DESIGN.md §2, steps 5–11):

* link every document to its order in clearance (``clearance_orders``, keyed by ebpCode + orderNo;
  the waybill by logisticsCode + logisticsNo of the inventory); orders, payments and waybills get
  a 120 receipt when they enter clearance;
* when an inventory's set is complete: three-document match (三单对碰), positive list, tax, the
  buyer's annual quota (reserved atomically), then the decision: 120 (``invtNo`` assigned) → 399
  → 800 released, or 500 inspection, or 100 refused with every finding, or -621005 / -621018;
* CEB816 e-tax bill and CEB818 status to the guarantor; inventory receipts to agent, seller and
  platform; every state with time and reason in ``clearance_events``.

Processing an event twice changes nothing: a decided order is not decided again and every receipt
carries a dedupe key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import structlog
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from cbec.clearance import adapters, risking
from cbec.clearance.batch import DocumentBatch
from cbec.clearance.enums import ClearanceState, InspectionResult
from cbec.clearance.models import ClearanceEvent, ClearanceOrder, Guarantee, GuaranteeEntry, QuotaLedger
from cbec.clearance.receipts import (
    CONCLUDED,
    INSPECTION,
    LOGIC_CHECK_PASSED,
    RELEASED,
    Outgoing,
    declaration_receipt,
)
from cbec.credit import measures as credit_measures
from cbec.credit import service as credit
from cbec.credit.measures import Measures
from cbec.errors import CbecError, ErrorCode, InvalidInputError, NotFoundError
from cbec.kernel.crypto import DataCipher, is_encrypted_token
from cbec.kernel.dates import SHANGHAI, ceb_time17
from cbec.kernel.pii import PERSONAL_FIELDS
from cbec.messages.ingest import receipt_fallbacks
from cbec.messages.models import Document, DocumentKey, Message, Receipt
from cbec.messages.serials import next_serial, next_serial_block
from cbec.registry import repository as registry_repo
from cbec.registry.models import Enterprise
from cbec.risk import activation, prices, watchlists
from cbec.risk.features import BuyerOrder, ContactOrder
from cbec.risk.models import PriceObservation
from cbec.risk.rules import RuleSet
from cbec.risk.scoring import Model
from cbec.store.upsert import insert_ignore

log = structlog.get_logger()

ORDER = "CEB311Message"
PAYMENT = "CEB411Message"
WAYBILL = "CEB511Message"
WAYBILL_STATUS = "CEB513Message"
INVENTORY = "CEB621Message"
CANCEL = "CEB623Message"
REFUND = "CEB625Message"
ARRIVAL = "CEB711Message"

_FEN = Decimal("0.01")
#: Enough earlier orders at one address or phone to see a ring (the rules count distinct buyers).
_CONTACT_HISTORY_MAX = 200

#: Inventory numbers are reserved in blocks (one counter update per block; gaps are allowed).
_INVT_BLOCK = 64

ENTERED = "120"  # 海关入库 / 逻辑校验通过
CONCLUDED_STATUS = "399"
RELEASED_STATUS = "800"
INSPECT_STATUS = "500"
REFUSED_STATUS = "100"
CLOSED_STATUS = "899"

_ACTOR = "clearance"


@dataclass(frozen=True)
class EngineSettings:
    """Operational parameters of the engine (not law: set per deployment)."""

    #: How long an inventory waits for its order, payment and waybill before it is refused.
    match_wait: timedelta = timedelta(hours=24)
    #: Forces the inspection rate (tests, drills); None = differentiated sampling of ``cbec.risk``.
    inspection_rate: Decimal | None = None
    #: Risk scoring on (off only to measure its cost; then the forced rate or no inspection applies).
    risk_scoring: bool = True
    #: Seed of the random sample (reproducible decisions).
    sample_seed: int = 20260101
    #: A trained risk model combined with the rules (``CBEC_RISK_MODEL``); None = rules only.
    model: Model | None = None


@dataclass
class BatchResult:
    """What one batch did (for logs, the demo summary and tests)."""

    events: int = 0
    decided: int = 0
    waiting: int = 0
    receipts: int = 0
    states: dict[str, int] = field(default_factory=dict)


class ClearanceEngine:
    """Stateless apart from its parameters; every call works inside the caller's transaction."""

    def __init__(self, cipher: DataCipher, settings: EngineSettings | None = None) -> None:
        self.cipher = cipher
        self.settings = settings or EngineSettings()

    @property
    def rules(self) -> adapters.Rules:
        """The rule modules, loaded on first use (parameter files and the tariff table)."""
        return adapters.Rules.load()

    # -- entry points --------------------------------------------------------------------------

    def process(self, session: Session, events: Sequence[dict[str, Any]], now: datetime) -> BatchResult:
        """Apply a batch of accepted-record events (``messages.accepted`` payloads)."""
        batch = _Batch(session, self, now)
        with session.no_autoflush:
            docs = batch.load_documents([e["document_id"] for e in events])
            batch.prefetch([docs[e["document_id"]] for e in events if e["document_id"] in docs])
            for event in events:
                document = docs.get(event["document_id"])
                if document is None:
                    continue
                batch.route(document, event.get("status", "accepted"))
            batch.prefetch_for_evaluation()
            for order in list(batch.touched.values()):
                if order.state == ClearanceState.waiting and order.inventory_doc_id is not None:
                    batch.evaluate(order)
            batch.finish()
        batch.result.events = len(events)
        return batch.result

    def sweep(self, session: Session, now: datetime) -> BatchResult:
        """Refuse inventories whose set is still incomplete after the wait (missing documents named)."""
        batch = _Batch(session, self, now)
        deadline = now - self.settings.match_wait
        stale = session.scalars(
            select(ClearanceOrder)
            .where(
                ClearanceOrder.state == ClearanceState.waiting.value,
                ClearanceOrder.inventory_doc_id.is_not(None),
                ClearanceOrder.waiting_since < deadline,
            )
            .with_for_update(skip_locked=True)
        ).all()
        for order in stale:
            batch.touched[(order.ebp_code, order.order_no)] = order
        batch.prefetch_for_evaluation()
        for order in stale:
            batch.evaluate(order, timed_out=True)
        self._settle(batch, now)
        batch.finish()
        return batch.result

    def _settle(self, batch: _Batch, now: datetime, limit: int = 1000) -> None:
        """汇总征税: released inventories past the return window are settled and closed (899).

        The collecting agent pays the batch between day 31 and day 45 after release
        (regulation.md §1.3, [S]); the platform closes the inventory, marks the e-tax bill
        summarised (CEB818 status 2) and restores the guarantee balance once the tax is paid —
        recorded here as paid at settlement, the payment itself being outside the platform."""
        due = now - self.rules.return_window
        orders = batch.session.scalars(
            select(ClearanceOrder)
            .where(ClearanceOrder.state == ClearanceState.released.value, ClearanceOrder.released_at < due)
            .order_by(ClearanceOrder.released_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not orders:
            return
        docs = batch.load_documents([o.inventory_doc_id or "" for o in orders])
        for order in orders:
            batch.touched[(order.ebp_code, order.order_no)] = order
            inventory = docs.get(order.inventory_doc_id or "")
            batch.transition(
                order,
                ClearanceState.closed,
                CLOSED_STATUS,
                "[Code:2700;Desc:结关（汇总征税已结算）]",
                actor=_ACTOR,
            )
            if inventory is not None:
                batch.inventory_receipt(order, inventory, CLOSED_STATUS, "[Code:2700;Desc:结关]")
                batch.tax_status(order, inventory, "2", "电子税单已汇总")
            if order.tax_total:
                batch.settle_guarantee(order)

    def inspect(
        self,
        session: Session,
        invt_no: str,
        result: InspectionResult,
        note: str,
        *,
        actor: str,
        now: datetime,
        record_credit: bool = True,
    ) -> ClearanceOrder:
        """Record customs' inspection result: clean → 800; else 700 sent back or 50x detained.

        A result other than clean is a credit fact of the seller (``inspection_finding``), unless the
        caller records it itself (a risk case does, with the revenue found)."""
        order = session.scalars(
            select(ClearanceOrder).where(ClearanceOrder.invt_no == invt_no).with_for_update()
        ).first()
        if order is None:
            raise NotFoundError(ErrorCode.NOT_FOUND, data={"invtNo": invt_no})
        if order.state != ClearanceState.inspecting:
            raise InvalidInputError(
                ErrorCode.INVALID_STATUS_CHANGE, "该清单不在查验状态", data={"state": order.state}
            )
        batch = _Batch(session, self, now)
        inventory = batch.load_documents([order.inventory_doc_id or ""])[order.inventory_doc_id or ""]
        if result is InspectionResult.clean:
            batch.release(order, inventory, f"[Code:2600;Desc:查验无异常，放行]{note}")
        else:
            state = (
                ClearanceState.sent_back if result is InspectionResult.sent_back else ClearanceState.detained
            )
            text = f"[Code:{result.value};Desc:查验异常]{note}"
            batch.transition(order, state, result.return_status, text, actor=actor)
            batch.inventory_receipt(order, inventory, result.return_status, text)
            batch.reverse_quota(order)
            batch.tax_status(order, inventory, "3", "电子税单作废（查验异常）")
            seller = registry_repo.by_code(
                session, str((order.assessment or {}).get("enterprise_code") or "")
            )
            if record_credit and seller is not None:
                credit.record_platform_fact(
                    session,
                    seller,
                    kind="inspection_finding",
                    value=result.value,
                    basis=f"inspection:{invt_no}",
                    note=note,
                    actor=actor,
                    on=now.astimezone(SHANGHAI).date(),
                )
        batch.finish()
        return order


class _Batch(DocumentBatch):
    """The working set of one import-clearance transaction."""

    def __init__(self, session: Session, engine: ClearanceEngine, now: datetime) -> None:
        super().__init__(session, now)
        self.engine = engine
        self.touched: dict[tuple[str, str], ClearanceOrder] = {}
        self.result = BatchResult()
        self._live: dict[tuple[str, str], str | None] = {}
        self._pre_nos: dict[str, str | None] = {}
        self._quota: dict[tuple[str, int], QuotaLedger] = {}
        self._guaranteed: set[str] | None = None
        self._events: list[dict[str, Any]] = []
        self._debits: dict[str, Decimal] = {}
        self._entries: list[dict[str, Any]] = []
        self._invt_serials: dict[str, Iterator[int]] = {}
        self._answered: set[str] = set()
        self._buyer_history: dict[str, list[BuyerOrder]] = {}
        self._alerts: list[dict[str, Any]] = []
        self._watch: watchlists.WatchLists | None = None
        self._prices: prices.ReferencePrices | None = None
        self._rules: RuleSet | None = None
        self._measures = credit_measures.BatchMeasures(session, now.astimezone(SHANGHAI).date())
        self._observations: list[dict[str, Any]] = []

    # -- loading -----------------------------------------------------------------------------------

    def live_document(self, message_type: str, key: str) -> str | None:
        if (message_type, key) not in self._live:
            row = self.session.get(DocumentKey, (message_type, key))
            self._live[(message_type, key)] = row.document_id if row else None
        return self._live[(message_type, key)]

    def prefetch(self, documents: list[Document]) -> None:
        """Load with a few set-based queries what routing the batch will read."""
        message_ids = {d.message_id for d in documents}
        if message_ids:
            for message_id, sender in self.session.execute(
                select(Message.id, Message.sender_enterprise_id).where(Message.id.in_(message_ids))
            ):
                self._senders[message_id] = sender
        keys: set[tuple[str, str]] = set()
        inventories = [d for d in documents if d.message_type == INVENTORY]
        for d in documents:
            if d.message_type in (ORDER, PAYMENT, INVENTORY):
                keys.add((d.head.get("ebpCode", ""), d.head.get("orderNo", "")))
        self._prefetch_orders(keys)
        wanted: dict[str, set[str]] = {ORDER: set(), WAYBILL: set()}
        for d in inventories:
            wanted[ORDER].add(f"{d.head.get('ebpCode', '')}|{d.head.get('orderNo', '')}")
            wanted[WAYBILL].add(f"{d.head.get('logisticsCode', '')}|{d.head.get('logisticsNo', '')}")
        for message_type, business_keys in wanted.items():
            for key in business_keys:
                self._live[(message_type, key)] = None
            if not business_keys:
                continue
            for key, doc_id in self.session.execute(
                select(DocumentKey.business_key, DocumentKey.document_id).where(
                    DocumentKey.message_type == message_type, DocumentKey.business_key.in_(business_keys)
                )
            ):
                self._live[(message_type, key)] = doc_id
        if inventories:
            ids = [d.id for d in inventories]
            for doc_id in ids:
                self._pre_nos[doc_id] = None
            for doc_id, body in self.session.execute(
                select(Receipt.document_id, Receipt.body).where(
                    Receipt.document_id.in_(ids), Receipt.dedupe_key.is_(None)
                )
            ):
                if doc_id is not None and body and body.get("preNo"):
                    self._pre_nos[doc_id] = str(body["preNo"])

    def _prefetch_orders(self, keys: set[tuple[str, str]]) -> None:
        """Create the batch's missing orders in one statement and lock them all with one query."""
        keys = {k for k in keys if k not in self.touched and all(k)}
        if not keys:
            return
        self.session.execute(
            insert_ignore(self.session, ClearanceOrder, ["ebp_code", "order_no"]),
            [
                {
                    "id": _new_id(),
                    "ebp_code": ebp,
                    "order_no": no,
                    "state": "waiting",
                    "parties": [],
                    "findings": [],
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                for ebp, no in sorted(keys)
            ],
        )
        order_nos = sorted({no for _ebp, no in keys})
        platforms = sorted({ebp for ebp, _no in keys})
        for start in range(0, len(order_nos), 500):
            for order in self.session.scalars(
                select(ClearanceOrder)
                .where(  # both columns, so the (ebp_code, order_no) unique index serves the lookup
                    ClearanceOrder.ebp_code.in_(platforms),
                    ClearanceOrder.order_no.in_(order_nos[start : start + 500]),
                )
                .with_for_update()
            ):
                if (order.ebp_code, order.order_no) in keys:
                    self.touched[(order.ebp_code, order.order_no)] = order

    def prefetch_for_evaluation(self) -> None:
        """Documents, quota rows and guarantees the decisions of this batch will read."""
        orders = [
            o
            for o in self.touched.values()
            if o.state == ClearanceState.waiting and o.inventory_doc_id is not None
        ]
        self.load_documents(
            i
            for o in orders
            for i in (o.order_doc_id, o.payment_doc_id, o.waybill_doc_id, o.inventory_doc_id)
            if i
        )
        buyers = {o.buyer_hash for o in orders if o.buyer_hash}
        if buyers:
            self._load_buyer_history(buyers)
            for row in self.session.scalars(
                select(QuotaLedger).where(QuotaLedger.buyer_hash.in_(buyers)).with_for_update()
            ):
                self._quota[(row.buyer_hash, row.year)] = row
        if self._guaranteed is None:
            self._guaranteed = set(self.session.scalars(select(Guarantee.enterprise_id)))

    def finish(self) -> None:
        """Write what the batch collected: events, alerts, guarantee debits, receipts."""
        if self._alerts:
            from cbec.risk.models import RiskAlert

            self.session.execute(insert(RiskAlert), self._alerts)
            self._alerts = []
        if self._observations:
            self.session.execute(
                insert(PriceObservation), [{"id": _new_id(), **row} for row in self._observations]
            )
            self._observations = []
        if self._events:
            self.session.execute(insert(ClearanceEvent), self._events)
            self._events = []
        for enterprise_id, amount in self._debits.items():
            self.session.execute(
                update(Guarantee)
                .where(Guarantee.enterprise_id == enterprise_id)
                .values(balance=Guarantee.balance - amount)
            )
        self._debits = {}
        if self._entries:
            self.session.execute(insert(GuaranteeEntry), self._entries)
            self._entries = []
        self.flush_receipts()

    def order_for(self, ebp_code: str, order_no: str, *, create: bool) -> ClearanceOrder | None:
        key = (ebp_code, order_no)
        if key in self.touched:
            return self.touched[key]
        order = self.session.scalars(
            select(ClearanceOrder)
            .where(ClearanceOrder.ebp_code == ebp_code, ClearanceOrder.order_no == order_no)
            .with_for_update()
        ).first()
        if order is None and create:
            self.session.execute(
                insert_ignore(self.session, ClearanceOrder, ["ebp_code", "order_no"]),
                [
                    {
                        "id": _new_id(),
                        "ebp_code": ebp_code,
                        "order_no": order_no,
                        "state": "waiting",
                        "parties": [],
                        "findings": [],
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                ],
            )
            order = self.session.scalars(
                select(ClearanceOrder)
                .where(ClearanceOrder.ebp_code == ebp_code, ClearanceOrder.order_no == order_no)
                .with_for_update()
            ).one()
        if order is not None:
            self.touched[key] = order
        return order

    def order_by_logistics(self, logistics_code: str, logistics_no: str) -> ClearanceOrder | None:
        for order in self.touched.values():
            if (order.logistics_code, order.logistics_no) == (logistics_code, logistics_no):
                return order
        found = self.session.scalars(
            select(ClearanceOrder)
            .where(
                ClearanceOrder.logistics_code == logistics_code, ClearanceOrder.logistics_no == logistics_no
            )
            .with_for_update()
        ).first()
        if found is not None:
            self.touched[(found.ebp_code, found.order_no)] = found
        return found

    # -- routing ---------------------------------------------------------------------------------------

    def route(self, document: Document, status: str) -> None:
        head = document.head
        kind = document.message_type
        live = status != "deleted"
        if kind == ORDER:
            order = self.order_for(head["ebpCode"], head["orderNo"], create=live)
            if order is not None and order.state == ClearanceState.waiting:
                order.order_doc_id = document.id if live else None
            if live:
                self.ack(document)
        elif kind == PAYMENT:
            order = self.order_for(head["ebpCode"], head["orderNo"], create=live)
            if order is not None and order.state == ClearanceState.waiting:
                order.payment_doc_id = document.id if live else None
            if live:
                self.ack(document)
        elif kind == WAYBILL:
            order = self.order_by_logistics(head["logisticsCode"], head["logisticsNo"])
            if order is not None and order.state == ClearanceState.waiting:
                order.waybill_doc_id = document.id if live else None
            if live:
                self.ack(document)
        elif kind == INVENTORY:
            self.route_inventory(document, live)
        elif kind in (CANCEL, REFUND, ARRIVAL) and live and not self.already_answered(document):
            {CANCEL: self.cancel, REFUND: self.refund, ARRIVAL: self.arrival}[kind](document)
        elif kind == WAYBILL_STATUS and live:
            order = self.order_by_logistics(head["logisticsCode"], head["logisticsNo"])
            if order is not None and order.signed_at is None:
                order.signed_at = self.now
                self.event(order, order.state, "S", "运单已签收", actor=_ACTOR)

    def route_inventory(self, document: Document, live: bool) -> None:
        head = document.head
        order = self.order_for(head["ebpCode"], head["orderNo"], create=live)
        if order is None or order.state != ClearanceState.waiting:
            return
        if not live:
            order.inventory_doc_id = None
            order.waiting_since = None
            return
        newly_linked = order.inventory_doc_id != document.id
        order.inventory_doc_id = document.id
        order.parties = sorted(set(order.parties or []) | set(document.parties or []))
        order.trade_mode = head.get("tradeMode")
        order.logistics_code = head.get("logisticsCode")
        order.logistics_no = head.get("logisticsNo")
        order.assure_code = head.get("assureCode")
        order.buyer_hash = document.buyer_hash
        order.waiting_since = order.waiting_since or self.now
        order.pre_no = self.pre_no_of(document)
        if order.order_doc_id is None:
            order.order_doc_id = self.live_document(ORDER, f"{head['ebpCode']}|{head['orderNo']}")
        if order.waybill_doc_id is None and order.logistics_code and order.logistics_no:
            order.waybill_doc_id = self.live_document(WAYBILL, f"{order.logistics_code}|{order.logistics_no}")
        if newly_linked:
            self.event(order, ClearanceState.waiting, "2", "清单已接收，等待三单对碰", actor=_ACTOR)

    def pre_no_of(self, document: Document) -> str | None:
        if document.id in self._pre_nos:
            return self._pre_nos[document.id]
        body = self.session.scalars(
            select(Receipt.body)
            .where(Receipt.document_id == document.id, Receipt.dedupe_key.is_(None))
            .limit(1)
        ).first()
        return str(body.get("preNo")) if body and body.get("preNo") else None

    # -- evaluation ------------------------------------------------------------------------------------

    def evaluate(self, order: ClearanceOrder, *, timed_out: bool = False) -> None:
        """Decide an inventory whose set is complete; refuse one whose wait is over."""
        missing = [
            name
            for name, doc_id in (
                ("order", order.order_doc_id),
                ("payment", order.payment_doc_id),
                ("waybill", order.waybill_doc_id),
            )
            if doc_id is None
        ]
        docs = self.load_documents(
            [
                i
                for i in (
                    order.order_doc_id,
                    order.payment_doc_id,
                    order.waybill_doc_id,
                    order.inventory_doc_id,
                )
                if i
            ]
        )
        inventory = docs[order.inventory_doc_id or ""]
        if missing and not timed_out:
            self.result.waiting += 1
            return
        heads = {
            name: self.clear_head(docs[doc_id]) if doc_id else None
            for name, doc_id in (
                ("order", order.order_doc_id),
                ("payment", order.payment_doc_id),
                ("waybill", order.waybill_doc_id),
                ("inventory", order.inventory_doc_id),
            )
        }
        lists = {
            name: docs[doc_id].lists if doc_id else {}
            for name, doc_id in (("order", order.order_doc_id), ("inventory", order.inventory_doc_id))
        }
        filings = self.filing_facts(heads)
        order.parties = sorted({f.filing_id for f in filings.values()})
        findings = self.engine.rules.match(heads, lists, filings)
        if timed_out:
            findings = [*self.engine.rules.timeout_findings(missing), *findings]
        accepted_at = inventory.created_at
        findings += self.engine.rules.goods_findings(
            heads["inventory"] or {}, lists["inventory"], accepted_at
        )
        if findings:
            self.refuse(order, inventory, REFUSED_STATUS, findings)
            return
        year = accepted_at.astimezone(SHANGHAI).year
        used = self.quota_used(order.buyer_hash, year)
        assessment = self.engine.rules.assess(heads["inventory"] or {}, lists["inventory"], accepted_at, used)
        if assessment.refusal is not None:
            code, refusal = assessment.refusal
            self.refuse(order, inventory, code, [refusal])
            return
        if not self.reserve_quota(
            order, heads["inventory"] or {}, year, assessment.quota_amount, assessment.annual_limit
        ):
            code, refusal = self.engine.rules.annual_limit_refusal()
            self.refuse(order, inventory, code, [refusal])
            return
        self.accept(order, inventory, assessment, heads, lists)

    def clear_head(self, document: Document) -> dict[str, str]:
        """The head with personal data decrypted (only inside the engine's memory)."""
        head = dict(document.head)
        for name in PERSONAL_FIELDS:
            value = head.get(name)
            if isinstance(value, str) and is_encrypted_token(value):
                head[name] = self.engine.cipher.decrypt_text(value)
        return head

    def filing_facts(self, heads: dict[str, dict[str, str] | None]) -> dict[str, adapters.Filing]:
        codes = {
            v.strip().upper()
            for head in heads.values()
            if head
            for k, v in head.items()
            if k.endswith("Code") and k not in ("customsCode", "portCode", "currency") and v
        }
        if self._guaranteed is None:
            self._guaranteed = set(self.session.scalars(select(Guarantee.enterprise_id)))
        found = {code: self.enterprise(code) for code in codes}
        return {
            code: adapters.Filing.of(row, row.id in self._guaranteed)
            for code, row in found.items()
            if row is not None
        }

    # -- quota -----------------------------------------------------------------------------------------

    def quota_row(self, buyer_hash: str, year: int) -> QuotaLedger | None:
        """The buyer's ledger row for the year, locked for this transaction (cached per batch)."""
        key = (buyer_hash, year)
        if key not in self._quota:
            row = self.session.scalars(
                select(QuotaLedger)
                .where(QuotaLedger.buyer_hash == buyer_hash, QuotaLedger.year == year)
                .with_for_update()
            ).first()
            if row is None:
                return None
            self._quota[key] = row
        return self._quota[key]

    def quota_used(self, buyer_hash: str | None, year: int) -> Decimal:
        if buyer_hash is None:
            return Decimal(0)
        row = self.quota_row(buyer_hash, year)
        return Decimal(row.used) if row is not None else Decimal(0)

    def reserve_quota(
        self, order: ClearanceOrder, head: dict[str, str], year: int, amount: Decimal, limit: Decimal
    ) -> bool:
        """Add ``amount`` to the buyer's year, never past ``limit``.

        The row is read ``FOR UPDATE`` (PostgreSQL) before the decision, so two workers serialise on
        one buyer; on SQLite the second writer's stale snapshot cannot commit and its batch is retried.
        A new buyer's row is inserted; two workers inserting it race on the primary key and the loser
        retries.  Either way no buyer is ever overspent."""
        if order.buyer_hash is None:
            return True
        row = self.quota_row(order.buyer_hash, year)
        if row is None:
            row = QuotaLedger(
                buyer_hash=order.buyer_hash,
                year=year,
                used=Decimal(0),
                name_hash=self.engine.cipher.lookup_hash(head.get("buyerName", "")),
                phone_hash=self.engine.cipher.lookup_hash(head.get("buyerTelephone", "")),
            )
            self.session.add(row)
            self._quota[(order.buyer_hash, year)] = row
        if row.used + amount > limit:
            return False
        row.used = row.used + amount
        order.quota_used = amount
        order.quota_year = year
        return True

    def reverse_quota(self, order: ClearanceOrder) -> None:
        """Give everything still counted back to the buyer's year."""
        self.reverse_quota_amount(order, order.quota_used or Decimal(0))

    def reverse_quota_amount(self, order: ClearanceOrder, amount: Decimal) -> None:
        """Give ``amount`` (at most what is still counted) back to the buyer's year."""
        if not order.quota_used or order.buyer_hash is None or order.quota_year is None:
            return
        amount = min(amount, order.quota_used)
        row = self.quota_row(order.buyer_hash, order.quota_year)
        if row is not None:
            row.used = row.used - amount
        order.quota_used = order.quota_used - amount

    # -- decisions -------------------------------------------------------------------------------------

    def refuse(
        self, order: ClearanceOrder, inventory: Document, status: str, findings: list[adapters.Finding]
    ) -> None:
        info = adapters.return_info(findings)
        order.findings = [f.as_dict() for f in findings]
        order.decided_at = self.now
        self.transition(order, ClearanceState.refused, status, info, actor=_ACTOR)
        self.inventory_receipt(order, inventory, status, info)
        self.result.decided += 1

    def accept(
        self,
        order: ClearanceOrder,
        inventory: Document,
        assessment: adapters.Assessment,
        heads: dict[str, dict[str, str] | None],
        lists: dict[str, dict[str, Any]],
    ) -> None:
        head = inventory.head
        order.taxable_price = assessment.taxable_price
        order.customs_duty = assessment.customs_duty
        order.vat = assessment.vat
        order.consumption_tax = assessment.consumption_tax
        order.tax_total = assessment.total
        order.assessment = assessment.as_json
        order.invt_no = self.new_invt_no(head.get("customsCode") or "0000")
        order.decided_at = self.now
        self.transition(order, ClearanceState.waiting, ENTERED, LOGIC_CHECK_PASSED, actor=_ACTOR)
        self.inventory_receipt(order, inventory, ENTERED, LOGIC_CHECK_PASSED)
        self.tax_bill(order, inventory, assessment)
        self.result.decided += 1
        path = self.inspection_path(order, inventory, heads, lists)
        if path is not None:
            order.inspection_path = path
            self.transition(order, ClearanceState.inspecting, INSPECT_STATUS, INSPECTION, actor=_ACTOR)
            self.inventory_receipt(order, inventory, INSPECT_STATUS, INSPECTION)
            return
        self.release(order, inventory, RELEASED)

    def release(self, order: ClearanceOrder, inventory: Document, info: str) -> None:
        self.transition(order, order.state, CONCLUDED_STATUS, CONCLUDED, actor=_ACTOR)
        self.inventory_receipt(order, inventory, CONCLUDED_STATUS, CONCLUDED)
        order.released_at = self.now
        self.transition(order, ClearanceState.released, RELEASED_STATUS, info, actor=_ACTOR)
        self.inventory_receipt(order, inventory, RELEASED_STATUS, info)
        self.debit_guarantee(order)

    def inspection_path(
        self,
        order: ClearanceOrder,
        inventory: Document,
        heads: dict[str, dict[str, str] | None],
        lists: dict[str, dict[str, Any]],
    ) -> str | None:
        """Risk scoring and differentiated sampling (cbec.risk); the result is kept with the assessment.

        ``CBEC_INSPECTION_RATE`` (when set) overrides the sampling rate — a knob for tests and drills;
        the risk assessment is still made and recorded."""
        forced = self.engine.settings.inspection_rate
        if not self.engine.settings.risk_scoring:
            key = f"{order.ebp_code}|{order.order_no}"
            rate = forced or Decimal(0)
            return "random" if risking.draw_for(self.engine.settings.sample_seed, key) < rate else None
        seller = self.enterprise((heads["inventory"] or {}).get("ebcCode", ""))
        age = (self.now - seller.created_at).days if seller is not None else 0
        declaration = risking.declaration_of(
            f"{order.ebp_code}|{order.order_no}",
            heads["inventory"] or {},
            lists["inventory"].get("InventoryList", []),
            heads.get("payment"),
            declared_at=inventory.created_at,
            buyer_hash=order.buyer_hash,
            taxable_price=order.taxable_price or Decimal(0),
            enterprise_age_days=age,
            cipher=self.engine.cipher,
        )
        order.address_hash = declaration.consignee_address_hash
        order.phone_hash = declaration.phone_hash
        price_hs6, price_sku = self.reference_prices().for_declaration(declaration)
        seller_measures = self.credit_measures(seller)
        outcome = risking.assess_and_decide(
            declaration,
            self.buyer_history(order),
            seed=self.engine.settings.sample_seed,
            credit_grade=seller_measures.sampling_grade if seller_measures else None,
            credit_inspect=self.credit_inspect(
                (seller, self.enterprise(order.ebp_code), self.enterprise(declaration.agent_code))
            ),
            address_orders=self.contact_history(
                ClearanceOrder.address_hash, declaration.consignee_address_hash
            ),
            phone_orders=self.contact_history(ClearanceOrder.phone_hash, declaration.phone_hash),
            safety_list=self.watch_lists().safety_list,
            agency_signals=self.watch_lists().signals_about(
                (declaration.enterprise_code, order.ebp_code, declaration.agent_code), order.buyer_hash
            ),
            price_hs6=price_hs6,
            price_sku=price_sku,
            rules=self.rules(),
            model=self.engine.settings.model,
        )
        # accepted: its prices join the references (after its own assessment, never in it)
        self._observations += prices.observations(declaration, order_id=order.id, at=self.now)
        order.assessment = {
            **(order.assessment or {}),
            **outcome.as_json(),
            "enterprise_code": declaration.enterprise_code,  # the seller: whom a finding is a credit fact of
        }
        for hit in outcome.assessment.hits:
            if str(hit.action) in risking.ALERT_ACTIONS:
                self._alerts.append(
                    {
                        "id": _new_id(),
                        "created_at": self.now,
                        "order_id": order.id,
                        "declaration_key": declaration.key,
                        "rule_id": hit.rule_id,
                        "action": str(hit.action),
                        "score": Decimal(str(outcome.assessment.score)).quantize(_FEN),
                        "description": hit.description,
                        "status": "open",
                        "case_id": None,
                    }
                )
        if forced is not None:
            draw = risking.draw_for(self.engine.settings.sample_seed, declaration.key)
            path = "random" if draw < forced else None
            # The forced rate decided, not the differentiated sampling: say so where the officer reads.
            order.assessment["sampling"] = {
                **order.assessment["sampling"],
                "inspect": path is not None,
                "path": path,
                "override": f"CBEC_INSPECTION_RATE={forced}",
                "explanation": f"抽样率被设定为{forced}（测试或演练）/ inspection rate forced to {forced}",
            }
            return path
        return outcome.decision.path if outcome.decision.inspect else None

    def buyer_history(self, order: ClearanceOrder) -> list[BuyerOrder]:
        """The buyer's other orders of the last 30 days (prefetched per batch)."""
        if order.buyer_hash is None:
            return []
        if order.buyer_hash not in self._buyer_history:
            self._load_buyer_history({order.buyer_hash})
        return [
            b
            for b in self._buyer_history.get(order.buyer_hash, [])
            if b.key != f"{order.ebp_code}|{order.order_no}"
        ]

    def reference_prices(self) -> prices.ReferencePrices:
        """Reference prices per HS6 and SKU (each key loaded once per batch)."""
        if self._prices is None:
            window = risking.reference_window(self.now.astimezone(SHANGHAI).date())
            self._prices = prices.ReferencePrices(self.session, window=window)
        return self._prices

    def credit_measures(self, enterprise: Enterprise | None) -> Measures | None:
        """The joint credit measures on the enterprise today (cbec.credit.measures), once per batch."""
        if enterprise is None:
            return None
        known = (e.id for e in self._enterprises.values() if e is not None)  # one load for all met so far
        return self._measures.get(enterprise.id, known=known)

    def credit_inspect(self, parties: Iterable[Enterprise | None]) -> str | None:
        """Why every declaration naming one of these enterprises is inspected (``orders: inspect``)."""
        for enterprise in parties:
            measures = self.credit_measures(enterprise)
            if enterprise is not None and measures is not None and measures.inspects_orders:
                source = credit_measures.describe_source(measures.sources.get("orders", ""))
                return f"{enterprise.name}：{source}"
        return None

    def rules(self) -> RuleSet:
        """The risk rule set in force today (asked once per batch: an activation needs no restart)."""
        if self._rules is None:
            self._rules = activation.in_force(self.session, self.now.astimezone(SHANGHAI).date())
        return self._rules

    def watch_lists(self) -> watchlists.WatchLists:
        """The product-safety list and agency signals in force today (loaded once per batch)."""
        if self._watch is None:
            self._watch = watchlists.in_force(self.session, self.now.astimezone(SHANGHAI).date())
        return self._watch

    def contact_history(self, column: Any, value: str) -> list[ContactOrder]:
        """Orders of the last 30 days to the same address (or with the same phone), with their buyers."""
        if not value:
            return []
        since = self.now - risking.HISTORY_WINDOW
        rows = self.session.execute(
            select(
                ClearanceOrder.ebp_code,
                ClearanceOrder.order_no,
                ClearanceOrder.created_at,
                ClearanceOrder.buyer_hash,
            )
            .where(column == value, ClearanceOrder.created_at >= since)
            .limit(_CONTACT_HISTORY_MAX)
        ).all()
        return [
            ContactOrder(key=f"{ebp}|{number}", declared_at=created, buyer_hash=buyer or "")
            for ebp, number, created, buyer in rows
        ]

    def _load_buyer_history(self, buyers: set[str]) -> None:
        since = self.now - risking.HISTORY_WINDOW
        for buyer in buyers:
            self._buyer_history.setdefault(buyer, [])
        rows = self.session.execute(
            select(
                ClearanceOrder.buyer_hash,
                ClearanceOrder.ebp_code,
                ClearanceOrder.order_no,
                ClearanceOrder.created_at,
                ClearanceOrder.taxable_price,
            ).where(ClearanceOrder.buyer_hash.in_(buyers), ClearanceOrder.created_at >= since)
        ).all()
        for row in rows:
            holder, ebp, number, created, price = row
            self._buyer_history[holder or ""].append(
                BuyerOrder(
                    key=f"{ebp}|{number}",
                    declared_at=created,
                    taxable_price=price or Decimal(0),
                    consignee_address_hash="",
                    phone_hash="",
                )
            )

    def new_invt_no(self, customs_code: str) -> str:
        """Customs inventory number: 4-digit customs office + 4-digit year + ``I`` + 9-digit serial."""
        year = self.now.astimezone(SHANGHAI).year
        name = f"invtNo:{customs_code}:{year}"
        serial = next(self._invt_serials.get(name, iter(())), None)
        if serial is None:  # reserve a block: one counter update per block, gaps allowed
            self._invt_serials[name] = iter(next_serial_block(self.session, name, _INVT_BLOCK))
            serial = next(self._invt_serials[name])
        return f"{customs_code[:4]}{year}I{serial:09d}"

    def transition(
        self, order: ClearanceOrder, state: ClearanceState | str, status: str, info: str, *, actor: str
    ) -> None:
        order.state = ClearanceState(state).value
        order.return_status = status
        self.event(order, state, status, info, actor=actor)
        self.result.states[order.state] = self.result.states.get(order.state, 0) + 1

    def event(
        self, order: ClearanceOrder, state: ClearanceState | str, status: str, info: str, *, actor: str
    ) -> None:
        self._events.append(
            {
                "order_id": order.id,
                "at": self.now,
                "state": ClearanceState(state).value,
                "return_status": status,
                "info": info,
                "actor": actor,
            }
        )

    # -- receipts --------------------------------------------------------------------------------------

    def ack(self, document: Document) -> None:
        """120: an order, payment or waybill entered clearance (海关入库)."""
        self.outgoing.append(
            declaration_receipt(
                document,
                ENTERED,
                "海关入库",
                self.now,
                recipients=(self.sender_of(document),),
                dedupe=f"ack:{document.id}",
            )
        )

    def inventory_receipt(self, order: ClearanceOrder, inventory: Document, status: str, info: str) -> None:
        """CEB622 to the agent, the seller and the platform."""
        head = inventory.head
        found = (self.enterprise(head.get(k, "")) for k in ("agentCode", "ebcCode", "ebpCode"))
        recipients = tuple(dict.fromkeys(e.id for e in found if e is not None)) or (
            self.sender_of(inventory),
        )
        extra: dict[str, str | int] = dict(receipt_fallbacks(_spec(INVENTORY), _record(inventory)))
        if order.pre_no:
            extra["preNo"] = order.pre_no
        else:
            extra["preNoSerial"] = next_serial(self.session, f"preNo:{ceb_time17(self.now)[:8]}")
        if order.invt_no:
            extra["invtNo"] = order.invt_no
        self.outgoing.append(
            declaration_receipt(
                inventory,
                status,
                info,
                self.now,
                recipients=recipients,
                dedupe=f"622:{inventory.id}:{status}",
                extra=extra,
            )
        )

    def tax_bill(self, order: ClearanceOrder, inventory: Document, assessment: adapters.Assessment) -> None:
        """CEB816 e-tax bill and CEB818 status (1 generated) to the guarantor (assureCode)."""
        guarantor = self.enterprise(order.assure_code or "")
        if guarantor is None:
            return
        tax_no = f"{order.invt_no}01"
        head = {
            "guid": inventory.record_guid or "",
            "returnTime": ceb_time17(self.now),
            "invtNo": order.invt_no or "",
            "taxNo": tax_no,
            "customsTax": f"{assessment.customs_duty:.5f}",
            "valueAddedTax": f"{assessment.vat:.5f}",
            "consumptionTax": f"{assessment.consumption_tax:.5f}",
            "status": "1",
            "assureCode": order.assure_code or "",
        }
        lines = [
            {
                "gnum": str(line.gnum),
                "gcode": line.gcode,
                "taxPrice": f"{line.taxable_price:.5f}",
                "customsTax": f"{line.customs_duty:.5f}",
                "valueAddedTax": f"{line.vat:.5f}",
                "consumptionTax": f"{line.consumption_tax:.5f}",
            }
            for line in assessment.lines
        ]
        for receipt_type, body, status, dedupe in (
            ("CEB816Message", {"TaxHeadRd": head, "TaxListRd": lines}, "1", f"816:{inventory.id}"),
            (
                "CEB818Message",
                {
                    "TaxHeadStatus": {
                        k: head[k] for k in ("guid", "returnTime", "invtNo", "taxNo", "status", "assureCode")
                    }
                },
                "1",
                f"818:{inventory.id}:1",
            ),
        ):
            self.outgoing.append(
                Outgoing(inventory, receipt_type, status, "电子税单已生成", body, (guarantor.id,), dedupe)
            )

    def tax_status(self, order: ClearanceOrder, inventory: Document, status: str, text: str) -> None:
        """CEB818 tax-bill status (2 summarised, 3 void) to the guarantor."""
        guarantor = self.enterprise(order.assure_code or "")
        if guarantor is None or not order.invt_no:
            return
        body = {
            "TaxHeadStatus": {
                "guid": inventory.record_guid or "",
                "returnTime": ceb_time17(self.now),
                "invtNo": order.invt_no,
                "taxNo": f"{order.invt_no}01",
                "status": status,
                "assureCode": order.assure_code or "",
            }
        }
        self.outgoing.append(
            Outgoing(
                inventory,
                "CEB818Message",
                status,
                text,
                body,
                (guarantor.id,),
                f"818:{inventory.id}:{status}",
            )
        )

    def flush_receipts(self) -> None:
        before = self.receipts_sent
        super().flush_receipts()
        self.result.receipts += self.receipts_sent - before

    # -- guarantee, cancel, return, arrival ------------------------------------------------------------

    def debit_guarantee(self, order: ClearanceOrder) -> None:
        """汇总征税: the tax is debited from the guarantor's balance at release (one update per batch)."""
        guarantor = self.enterprise(order.assure_code or "")
        if guarantor is None or not order.tax_total:
            return
        self._debits[guarantor.id] = self._debits.get(guarantor.id, Decimal(0)) + order.tax_total
        self._entries.append(
            {
                "enterprise_id": guarantor.id,
                "order_id": order.id,
                "at": self.now,
                "kind": "debit",
                "amount": order.tax_total,
            }
        )

    def settle_guarantee(self, order: ClearanceOrder) -> None:
        """The batch tax is paid: the guarantee balance is restored by the order's tax."""
        guarantor = self.enterprise(order.assure_code or "")
        owed = self.tax_outstanding(order)
        if guarantor is None or not owed:
            return
        self._debits[guarantor.id] = self._debits.get(guarantor.id, Decimal(0)) - owed
        order.tax_credited = (order.tax_credited or Decimal(0)) + owed
        self._entries.append(
            {
                "enterprise_id": guarantor.id,
                "order_id": order.id,
                "at": self.now,
                "kind": "settled",
                "amount": owed,
            }
        )

    def tax_outstanding(self, order: ClearanceOrder) -> Decimal:
        """Tax debited at release and not yet credited back or settled."""
        if order.released_at is None or not order.tax_total:
            return Decimal(0)
        return max(order.tax_total - (order.tax_credited or Decimal(0)), Decimal(0))

    def credit_guarantee(self, order: ClearanceOrder, amount: Decimal) -> None:
        """Give ``amount`` of an order's debited tax back to the guarantee (returns, cancellations)."""
        guarantor = self.enterprise(order.assure_code or "")
        if guarantor is None or not amount:
            return
        order.tax_credited = (order.tax_credited or Decimal(0)) + amount
        self.session.execute(
            update(Guarantee)
            .where(Guarantee.enterprise_id == guarantor.id)
            .values(balance=Guarantee.balance + amount)
        )
        self.session.add(
            GuaranteeEntry(
                enterprise_id=guarantor.id, order_id=order.id, at=self.now, kind="credit", amount=amount
            )
        )

    def by_invt_no(self, invt_no: str) -> ClearanceOrder | None:
        order = self.session.scalars(
            select(ClearanceOrder).where(ClearanceOrder.invt_no == invt_no).with_for_update()
        ).first()
        if order is not None:
            self.touched[(order.ebp_code, order.order_no)] = order
        return order

    def cancel(self, document: Document) -> None:
        """CEB623 撤单: before release, or after release within the return window; tax and quota reversed."""
        order = self.by_invt_no(document.head.get("invtNo", ""))
        window = self.engine.rules.return_window
        if order is None:
            self.answer(document, "100", "[Code:CANCEL_NOT_FOUND;Desc:原清单不存在]")
            return
        released_late = order.released_at is not None and self.now - order.released_at > window
        if order.state not in (ClearanceState.released, ClearanceState.inspecting) or released_late:
            self.answer(document, "100", f"[Code:CANCEL_STATE;Desc:清单状态{order.state}不允许撤单]")
            return
        inventory = self.load_documents([order.inventory_doc_id or ""])[order.inventory_doc_id or ""]
        was_released = order.state == ClearanceState.released
        self.reverse_quota(order)
        if was_released:
            self.credit_guarantee(order, self.tax_outstanding(order))
        self.transition(
            order, ClearanceState.cancelled, "399", "[Code:CANCELLED;Desc:撤单审结]", actor=_ACTOR
        )
        self.tax_status(order, inventory, "3", "电子税单作废")
        self.answer(document, "399", "撤单审结")

    def refund(self, document: Document) -> None:
        """CEB625 退货: within the window after release; lines ≤ original; reverses tax and quota."""
        order = self.by_invt_no(document.head.get("invtNo", ""))
        if order is None or order.state != ClearanceState.released or order.released_at is None:
            self.answer(document, "100", "[Code:REFUND_STATE;Desc:原清单不存在或未放行]")
            return
        if self.now - order.released_at > self.engine.rules.return_window:
            self.answer(document, "100", "[Code:REFUND_LATE;Desc:超过放行之日起30日的退货申请期限]")
            return
        inventory = self.load_documents([order.inventory_doc_id or ""])[order.inventory_doc_id or ""]
        original = {int(line["gnum"]): line for line in inventory.lists.get("InventoryList", [])}
        # appType 2 changes the earlier application: its quantities replace what was returned so far.
        replaces = document.head.get("appType") == "2"
        returned = {} if replaces else {int(k): Decimal(v) for k, v in (order.returned_qty or {}).items()}
        for line in document.lists.get("InvtRefundList", []):
            gnum, qty = int(line["gnum"]), Decimal(line["qty"])
            source = original.get(gnum)
            total = returned.get(gnum, Decimal(0)) + qty
            if source is None or total > Decimal(source["qty"]):
                self.answer(
                    document, "100", f"[Code:REFUND_LINE;Desc:退货项{line['gnum']}超出原清单未退数量]"
                )
                return
            returned[gnum] = total
        order.returned_qty = {str(k): str(v) for k, v in sorted(returned.items())}
        total_value = sum((Decimal(x["totalPrice"]) for x in original.values()), Decimal(0))
        returned_value = sum(
            (
                Decimal(original[g]["totalPrice"]) * q / Decimal(original[g]["qty"])
                for g, q in returned.items()
            ),
            Decimal(0),
        )
        everything_back = all(returned.get(g, Decimal(0)) >= Decimal(x["qty"]) for g, x in original.items())
        share = Decimal(1) if everything_back or not total_value else returned_value / total_value
        # Targets for everything returned so far; what was already given back is not given twice.
        tax_total, counted = order.tax_total or Decimal(0), order.taxable_price or Decimal(0)
        tax_target = tax_total if everything_back else (tax_total * share).quantize(_FEN)
        quota_target = counted if everything_back else (counted * share).quantize(_FEN)
        self.credit_guarantee(
            order,
            max(
                min(tax_target - (order.tax_credited or Decimal(0)), self.tax_outstanding(order)), Decimal(0)
            ),
        )
        already_reversed = counted - (order.quota_used or Decimal(0))
        self.reverse_quota_amount(order, max(quota_target - already_reversed, Decimal(0)))
        state = ClearanceState.returned if everything_back else ClearanceState.released
        self.transition(
            order, state, "399", f"[Code:RETURNED;Desc:退货审结，退货比例{share:.4f}]", actor=_ACTOR
        )
        if everything_back:
            self.tax_status(order, inventory, "3", "电子税单作废")
        self.answer(document, "399", "退货审结")

    def arrival(self, document: Document) -> None:
        """CEB711 入库明细单: the listed waybills arrived at the supervised site."""
        code = document.head.get("logisticsCode", "")
        for line in document.lists.get("DeliveryList", []):
            order = self.order_by_logistics(code, line.get("logisticsNo", ""))
            if order is not None and order.arrived_at is None:
                order.arrived_at = self.now
                self.event(order, order.state, "ARRIVED", "运抵监管场所（入库明细单）", actor=_ACTOR)
        self.answer(document, ENTERED, "入库明细单已入库")

    def answer(self, document: Document, status: str, info: str) -> None:  # type: ignore[override]
        self._answered.add(document.id)
        super().answer(document, status, info, dedupe=f"ans:{document.id}")

    def already_answered(self, document: Document) -> bool:
        """A cancel, return or arrival document is acted on once: its answer is the proof."""
        if document.id in self._answered:
            return True
        sender = self.sender_of(document)
        return (
            self.session.scalar(select(Receipt.id).where(Receipt.dedupe_key == f"ans:{document.id}:{sender}"))
            is not None
        )


def _spec(message_type: str) -> Any:
    from cbec.messages.ceb import CATALOGUE

    return CATALOGUE[message_type]


def _record(document: Document) -> Any:
    from cbec.clearance.receipts import record_of

    return record_of(document)


def _new_id() -> str:
    from cbec.store.base import new_id

    return new_id()


def guarantee_for(session: Session, code: str, amount: Decimal, *, actor: str) -> Guarantee:
    """Lodge (or top up) a collecting agent's tax guarantee."""
    enterprise = registry_repo.by_code(session, code)
    if enterprise is None:
        raise NotFoundError(ErrorCode.ENTERPRISE_NOT_FOUND, data={"code": code})
    if amount <= 0:
        raise CbecError(ErrorCode.VALIDATION_FAILED, "担保金额须为正数", data={"amount": str(amount)})
    row = session.get(Guarantee, enterprise.id)
    if row is None:
        row = Guarantee(enterprise_id=enterprise.id, amount=amount, balance=amount)
        session.add(row)
    else:
        row.amount += amount
        row.balance += amount
    session.add(GuaranteeEntry(enterprise_id=enterprise.id, kind="lodged", amount=amount))
    session.flush()
    return row


__all__ = ["BatchResult", "ClearanceEngine", "EngineSettings", "Enterprise", "guarantee_for"]
