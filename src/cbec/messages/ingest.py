"""The single access point (一点接入): receive → store raw → check → answer with a receipt → publish.

Order of work for ``POST /api/v1/messages`` (DESIGN.md §2):

1. the raw bytes are stored **first**, encrypted, in their own committed transaction;
2. synchronous checks: parse (XML, DxpMsg or JSON), XSD, sender identity and role, filing status,
   field rules, duplicate business keys — each business record decided on its own;
3. the answer is the receipt message the spec defines (CEB312 for CEB311 …), one return record per
   business record, in the format of the request (XML in → XML out, JSON in → JSON out);
4. accepted records go to the outbox in the same transaction and are published after the commit.

A message is known by (sender, root ``guid``): a resend of the same bytes gets the original receipt;
the same key with other bytes is refused (``MESSAGE_GUID_REUSED``).  A message refused at format
level (XSD) is not recorded under its guid, so the corrected message may reuse it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cbec.audit.models import AuditEvent
from cbec.auth.enums import CallerRole
from cbec.auth.service import Caller
from cbec.config import Settings
from cbec.credit import measures as credit_measures
from cbec.credit.measures import Measures
from cbec.errors import CbecError, ErrorCode, InvalidInputError, PayloadTooLargeError, PermissionDeniedError
from cbec.kernel import dates
from cbec.kernel.crypto import DataCipher
from cbec.kernel.dates import ceb_time17, utc_now
from cbec.kernel.pii import PERSONAL_FIELDS
from cbec.messages import receipt_codes as rc
from cbec.messages.ceb import (
    CATALOGUE,
    CebFormatError,
    CebMessage,
    CebRecord,
    CebTooLargeError,
    CebUnsafeXmlError,
    CebUnsupportedMessageError,
    Finding,
    MessageSpec,
    build_receipt,
    build_xml,
    dump_json,
    field_findings,
    format_error_receipt,
    parse_json,
    parse_xml,
    receipt_message,
    xsd_findings,
)
from cbec.messages.models import Document, DocumentKey, Message, OutboxEvent, RawMessage, Receipt
from cbec.messages.serials import next_serial_block
from cbec.registry import repository as registry_repo
from cbec.registry.enums import FilingStatus
from cbec.registry.models import Enterprise
from cbec.registry.service import NO_PLATFORM_CODE
from cbec.store.base import new_id
from cbec.store.session import unit_of_work

log = structlog.get_logger()

XML = "application/xml"
JSON = "application/json"

_FORMAT_RECEIPT = "CEB900Message"


def _receipt_types_with_pre_no() -> frozenset[str]:
    from cbec.messages.ceb.xsd import layout

    names = set()
    for spec in CATALOGUE.values():
        lay = layout(spec.name) if spec.kind == "receipt" else None
        if lay is not None and lay.fields.child("preNo") is not None:
            names.add(spec.name)
    return frozenset(names)


#: Receipt types that carry an e-port pre-entry number (``preNo``).
_RECEIPTS_WITH_PRE_NO = _receipt_types_with_pre_no()

#: Topic on which accepted records are published (``cbec.clearance`` consumes it).
ACCEPTED_TOPIC = "messages.accepted"

#: The returnInfo element is C..1000 in every receipt, C..5000 in CEB900.
_RETURN_INFO_MAX = 1000
_FORMAT_INFO_MAX = 5000


@dataclass(frozen=True)
class Answer:
    """What the access point answers: HTTP status, content type and body."""

    status: int
    content_type: str
    body: bytes
    message_guid: str | None = None
    outcome: str = "answered"


@dataclass
class RecordDecision:
    """The decision on one business record."""

    record: CebRecord
    return_status: str = rc.ACCEPTED
    findings: list[tuple[str, str]] = field(default_factory=list)  # (code, Chinese text)
    info: str = ""
    replaces: _LiveDoc | None = None
    deletes: _LiveDoc | None = None
    business_key: str = ""
    parties: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.return_status.startswith("-")

    def refuse(self, status: str, code: str, text: str) -> None:
        if not self.refused:
            self.return_status = status
        self.findings.append((code, text))


@dataclass(frozen=True)
class Submission:
    """One message handed to the access point."""

    caller: Caller
    body: bytes
    content_type: str | None


@dataclass(frozen=True)
class _Parsed:
    index: int
    caller: Caller
    msg: CebMessage
    fmt: str
    sha: str
    raw_id: int


@dataclass(frozen=True)
class _LiveDoc:
    """The live document behind a business key (enough to decide a duplicate or a replacement)."""

    id: str
    app_status: str


class _Lookups:
    """Everything a batch of decisions reads, fetched with a few set-based queries and kept current
    as the batch decides (so duplicates inside the batch are seen)."""

    def __init__(self, session: Session, msgs: Sequence[CebMessage]) -> None:
        self.session = session
        self.previous: dict[tuple[str, str], Message] = {}
        self.pending_answers: dict[tuple[str, str], Answer] = {}
        self._by_id: dict[str, Enterprise] = {}
        self._by_code: dict[str, Enterprise | None] = {}
        self._live: dict[tuple[str, str], _LiveDoc | None] = {}
        self._measures = credit_measures.BatchMeasures(session, dates.today())
        codes: set[str] = set()
        keys: dict[str, set[str]] = {}
        for msg in msgs:
            spec = CATALOGUE[msg.message_type]
            for record in msg.records:
                codes.update(
                    record.head.get(f, "").strip().upper() for f in spec.party_fields if record.head.get(f)
                )
                keys.setdefault(spec.name, set()).add(business_key(spec, record))
        self._load_codes(codes)
        self._load_live(keys)

    def _load_codes(self, codes: set[str]) -> None:
        found = registry_repo.by_codes(self.session, codes)
        for code in codes:
            self._by_code[code] = found.get(code)
        for row in found.values():
            self._by_id[row.id] = row

    def _load_live(self, keys: dict[str, set[str]]) -> None:
        for message_type, wanted in keys.items():
            for chunk in _chunks(sorted(wanted), 500):
                rows = self.session.execute(
                    select(DocumentKey.business_key, Document.id, Document.app_status)
                    .join(Document, Document.id == DocumentKey.document_id)
                    .where(DocumentKey.message_type == message_type, DocumentKey.business_key.in_(chunk))
                ).all()
                for key in chunk:
                    self._live[(message_type, key)] = None
                for key, doc_id, app_status in rows:
                    self._live[(message_type, key)] = _LiveDoc(doc_id, app_status)

    def load_enterprises_by_id(self, ids: set[str]) -> None:
        missing = [i for i in ids if i and i not in self._by_id]
        if missing:
            for row in self.session.scalars(select(Enterprise).where(Enterprise.id.in_(missing))):
                self._by_id[row.id] = row

    def load_previous(self, keys: set[tuple[str, str]]) -> None:
        guids = {guid for _sender, guid in keys if guid}
        if not guids:
            return
        senders = {sender for sender, _guid in keys if sender}
        query = select(Message).where(Message.sender_enterprise_id.in_(senders), Message.guid.in_(guids))
        for row in self.session.scalars(query):
            if (row.sender_enterprise_id, row.guid) in keys:
                self.previous[(row.sender_enterprise_id, row.guid)] = row

    def enterprise(self, enterprise_id: str) -> Enterprise | None:
        if enterprise_id not in self._by_id:
            self.load_enterprises_by_id({enterprise_id})
        return self._by_id.get(enterprise_id)

    def credit_measures(self, enterprise_id: str) -> Measures:
        """The credit measures on the enterprise today (loaded once per batch for every filing seen)."""
        return self._measures.get(enterprise_id, known=self._by_id)

    def by_code(self, code: str) -> Enterprise | None:
        if code not in self._by_code:
            self._load_codes({code})
        return self._by_code.get(code)

    def live(self, message_type: str, key: str) -> _LiveDoc | None:
        if (message_type, key) not in self._live:
            self._load_live({message_type: {key}})
        return self._live.get((message_type, key))

    def remember(self, key: tuple[str, str], doc: _LiveDoc) -> None:
        self._live[key] = doc

    def forget(self, key: tuple[str, str]) -> None:
        self._live[key] = None


@dataclass
class _Writer:
    """Rows a batch writes, flushed with bulk statements at the end of the transaction."""

    messages: list[Message] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)
    key_inserts: list[dict[str, Any]] = field(default_factory=list)
    key_moves: list[tuple[tuple[str, str], str]] = field(default_factory=list)
    key_deletes: list[tuple[str, str]] = field(default_factory=list)
    status_changes: list[tuple[str, str]] = field(default_factory=list)

    def write(self, session: Session) -> None:
        session.add_all(self.messages)
        session.flush()
        if self.documents:
            session.execute(insert(Document), self.documents)
        for doc_id, status in self.status_changes:
            session.execute(update(Document).where(Document.id == doc_id).values(status=status))
        for message_type, key in self.key_deletes:
            session.execute(
                delete(DocumentKey).where(
                    DocumentKey.message_type == message_type, DocumentKey.business_key == key
                )
            )
        for (message_type, key), doc_id in self.key_moves:
            session.execute(
                update(DocumentKey)
                .where(DocumentKey.message_type == message_type, DocumentKey.business_key == key)
                .values(document_id=doc_id)
            )
        if self.key_inserts:
            session.execute(insert(DocumentKey), self.key_inserts)
        if self.receipts:
            session.execute(insert(Receipt), self.receipts)
        if self.outbox:
            session.execute(insert(OutboxEvent), self.outbox)
        if self.audits:
            session.execute(insert(AuditEvent), self.audits)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sniff_format(body: bytes, content_type: str | None) -> str:
    """``XML`` or ``JSON`` from the content type, else from the first significant byte."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype.endswith("/json") or ctype.endswith("+json"):
        return JSON
    if ctype.endswith("/xml") or ctype.endswith("+xml"):
        return XML
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return XML
    if head in (b"{", b"["):
        return JSON
    raise InvalidInputError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, data={"content_type": content_type})


def parse_body(body: bytes, fmt: str, *, max_bytes: int) -> CebMessage:
    """Parse a body in ``fmt``; unsafe, unreadable or unknown documents raise ``CbecError``."""
    if len(body) > max_bytes:
        raise PayloadTooLargeError(data={"max_bytes": max_bytes, "size": len(body)})
    try:
        if fmt == XML:
            return parse_xml(body, max_bytes=max_bytes)
        return parse_json(body)
    except CebUnsafeXmlError as exc:
        raise InvalidInputError(ErrorCode.MESSAGE_UNSAFE, data={"detail": _first(exc)}) from exc
    except CebTooLargeError as exc:
        raise PayloadTooLargeError(data={"max_bytes": max_bytes}) from exc
    except CebUnsupportedMessageError as exc:
        raise InvalidInputError(ErrorCode.MESSAGE_UNSUPPORTED_TYPE, data={"detail": _first(exc)}) from exc


def _first(exc: CebFormatError) -> str:
    return exc.findings[0].message_en if exc.findings else str(exc)


class AccessPoint:
    """The access point service; the API and the CLI call it, it holds no HTTP concepts."""

    def __init__(
        self,
        settings: Settings,
        sessions: Callable[[], Session],
        publish: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.cipher = DataCipher(settings.data_key_bytes, settings.data_key_id)
        self.publish = publish

    # -- the public entry points -------------------------------------------------------------------

    def submit(self, caller: Caller, body: bytes, content_type: str | None) -> Answer:
        """Store, check, answer and publish one message (a batch of one)."""
        [result] = self.submit_many([Submission(caller, body, content_type)])
        if isinstance(result, CbecError):
            raise result
        return result

    def submit_many(self, items: Sequence[Submission]) -> list[Answer | CbecError]:
        """Store, check, answer and publish many messages: one transaction for the raw bytes, one for
        every decision.  Each message is decided on its own; the result list follows ``items``."""
        results: list[Answer | CbecError | None] = [None] * len(items)
        formats: dict[int, str] = {}
        for i, item in enumerate(items):
            try:
                self._require_enterprise_caller(item.caller)
                formats[i] = sniff_format(item.body, item.content_type)
            except CbecError as exc:
                results[i] = exc
        raw_ids = self._store_raw_many(items, formats)
        parsed: list[_Parsed] = []
        for i, fmt in formats.items():
            item = items[i]
            try:
                msg_or_answer = self._parse_and_validate(item.caller, item.body, fmt)
            except CbecError as exc:
                results[i] = exc
                continue
            if isinstance(msg_or_answer, Answer):
                results[i] = msg_or_answer
                continue
            sha = hashlib.sha256(item.body).hexdigest()
            parsed.append(_Parsed(i, item.caller, msg_or_answer, fmt, sha, raw_ids[i]))
        if parsed:
            try:
                decided = self._decide_and_persist(parsed)
            except IntegrityError:
                # A concurrent request took a business key or message guid of this batch: decide each
                # message again on its own; the second pass sees it as a duplicate or a resend.
                decided = {}
                for p in parsed:
                    for attempt in range(3):
                        try:
                            decided.update(self._decide_and_persist([p]))
                            break
                        except IntegrityError:
                            if attempt == 2:  # noqa: PLR2004 - third failure is a real error
                                raise
            for i, answer in decided.items():
                results[i] = answer
        if self.publish is not None:
            self.publish()
        return [r if r is not None else CbecError(ErrorCode.INTERNAL_ERROR) for r in results]

    def check(self, caller: Caller, body: bytes, content_type: str | None) -> Answer:
        """The same checks as :meth:`submit`; nothing is stored or published (conformance sandbox)."""
        self._require_enterprise_caller(caller)
        fmt = sniff_format(body, content_type)
        msg_or_answer = self._parse_and_validate(caller, body, fmt)
        if isinstance(msg_or_answer, Answer):
            return msg_or_answer
        msg = msg_or_answer
        session = self.sessions()
        try:
            look = _Lookups(session, [msg])
            sender = self._sender(look, caller, msg)
            decisions = self._decide(look, sender, msg)
            now = utc_now()
            receipts = [self._receipt_record(msg, d, now, 0) for d in decisions]
            return self._render(msg, receipts, fmt, str(uuid.uuid4()).upper())
        finally:
            session.rollback()
            session.close()

    # -- steps ---------------------------------------------------------------------------------------

    def _store_raw_many(self, items: Sequence[Submission], formats: dict[int, str]) -> dict[int, int]:
        """Store the request bodies, encrypted, and commit before anything else happens."""
        if not formats:
            return {}
        rows = []
        for i, fmt in formats.items():
            item = items[i]
            sha = hashlib.sha256(item.body).hexdigest()
            rows.append(
                {
                    "received_at": utc_now(),
                    "api_key_id": item.caller.key_id,
                    "sender_enterprise_id": item.caller.enterprise_id,
                    "content_type": fmt,
                    "size": len(item.body),
                    "sha256": sha,
                    "key_id": self.cipher.key_id,
                    "payload": self.cipher.encrypt(item.body, context=sha.encode()),
                }
            )
        with self._unit() as session:
            ids = session.scalars(
                insert(RawMessage).returning(RawMessage.id, sort_by_parameter_order=True), rows
            ).all()
        return dict(zip(formats, ids, strict=True))

    def _parse_and_validate(self, caller: Caller, body: bytes, fmt: str) -> CebMessage | Answer:
        """Parse and XSD-validate; an XSD failure is answered with a CEB900 format receipt."""
        try:
            msg = parse_body(body, fmt, max_bytes=self.settings.max_message_bytes)
        except CebFormatError as exc:
            if exc.message_type is None:  # not a readable CEB document: no receipt can be formed
                raise InvalidInputError(ErrorCode.MESSAGE_UNREADABLE, data={"detail": _first(exc)}) from exc
            return self._format_receipt(exc.findings, exc.message_type, body, fmt, None)
        spec = CATALOGUE.get(msg.message_type)
        if spec is None:
            raise InvalidInputError(
                ErrorCode.MESSAGE_UNSUPPORTED_TYPE, data={"message_type": msg.message_type}
            )
        if spec.kind != "declaration":
            raise InvalidInputError(
                ErrorCode.MESSAGE_NOT_DECLARATION, data={"message_type": msg.message_type}
            )
        findings = xsd_findings(msg)
        if findings:
            return self._format_receipt(findings, msg.message_type, body, fmt, msg.cop_msg_id)
        return msg

    @staticmethod
    def _require_enterprise_caller(caller: Caller) -> None:
        if caller.role is not CallerRole.enterprise or caller.enterprise_id is None:
            raise PermissionDeniedError(ErrorCode.SENDER_NOT_FILED, data={"role": caller.role.value})

    def _sender(self, look: _Lookups, caller: Caller, msg: CebMessage) -> Enterprise:
        """The caller's filing, checked against the spec's sender role and ``BaseTransfer/copCode``."""
        spec = CATALOGUE[msg.message_type]
        sender = look.enterprise(caller.enterprise_id or "")
        if sender is None:
            raise PermissionDeniedError(ErrorCode.SENDER_NOT_FILED)
        allowed = set(spec.sender_roles)
        if not allowed & set(sender.roles):
            raise PermissionDeniedError(
                ErrorCode.SENDER_ROLE_MISMATCH,
                data={
                    "message_type": msg.message_type,
                    "sender_roles": sorted(allowed),
                    "roles": sender.roles,
                },
            )
        cop_code = (msg.base_transfer or {}).get("copCode", "").strip().upper()
        if cop_code not in {sender.uscc, sender.customs_code}:
            raise PermissionDeniedError(
                ErrorCode.SENDER_COP_CODE_MISMATCH, data={"copCode": cop_code or None}
            )
        return sender

    def _decide_and_persist(self, parsed: Sequence[_Parsed]) -> dict[int, Answer | CbecError]:
        """Decide and store every parsed message of a batch in one transaction."""
        out: dict[int, Answer | CbecError] = {}
        now = utc_now()
        with self._unit() as session:
            look = _Lookups(session, [p.msg for p in parsed])
            look.load_enterprises_by_id({p.caller.enterprise_id or "" for p in parsed})
            look.load_previous({(p.caller.enterprise_id or "", p.msg.guid or "") for p in parsed})
            pre_no_needed = sum(
                len(p.msg.records)
                for p in parsed
                if CATALOGUE[p.msg.message_type].receipt_type in _RECEIPTS_WITH_PRE_NO
            )
            serials = iter(next_serial_block(session, f"preNo:{ceb_time17(now)[:8]}", pre_no_needed))
            writer = _Writer()
            for p in parsed:
                try:
                    out[p.index] = self._decide_one(look, writer, p, now, serials)
                except CbecError as exc:
                    out[p.index] = exc
            writer.write(session)
        return out

    def _decide_one(
        self, look: _Lookups, writer: _Writer, p: _Parsed, now: datetime, serials: Iterator[int]
    ) -> Answer:
        msg = p.msg
        sender = self._sender(look, p.caller, msg)
        previous = look.previous.get((sender.id, msg.guid or ""))
        if previous is not None:
            if previous.sha256 != p.sha:
                raise CbecError(
                    ErrorCode.MESSAGE_GUID_REUSED,
                    data={"guid": msg.guid, "first_received": str(previous.received_at)},
                )
            log.info("messages.resend", guid=msg.guid, sender=sender.id)
            pending = look.pending_answers.get((sender.id, msg.guid or ""))
            if pending is not None:  # sent twice inside this batch
                return pending
            body = self.cipher.decrypt(previous.response_body, context=previous.id.encode())
            return Answer(200, previous.response_content_type, body, msg.guid, "resend")
        spec = CATALOGUE[msg.message_type]
        decisions = self._decide(look, sender, msg)
        message = Message(
            id=new_id(),
            raw_id=p.raw_id,
            received_at=now,
            sender_enterprise_id=sender.id,
            message_type=msg.message_type,
            guid=msg.guid,
            cop_msg_id=msg.cop_msg_id,
            sha256=p.sha,
            record_count=len(msg.records),
            accepted_count=sum(1 for d in decisions if not d.refused),
            receipt_type=spec.receipt_type,
            response_content_type=p.fmt,
            response_body=b"",
        )
        receipt_records = []
        for decision in decisions:
            document = self._document(look, writer, message, decision, sender)
            serial = next(serials) if spec.receipt_type in _RECEIPTS_WITH_PRE_NO else 0
            receipt = self._receipt_record(msg, decision, now, serial)
            receipt_records.append(receipt)
            writer.receipts.append(
                {
                    "created_at": now,
                    "message_id": message.id,
                    "message_guid": msg.guid,
                    "document_id": document["id"],
                    "recipient_enterprise_id": sender.id,
                    "receipt_type": message.receipt_type,
                    "record_guid": decision.record.guid,
                    "return_status": decision.return_status,
                    "return_info": receipt.get("returnInfo", ""),
                    "body": receipt,
                    "dedupe_key": None,
                }
            )
        answer = self._render(msg, receipt_records, p.fmt, str(uuid.uuid4()).upper())
        message.response_body = self.cipher.encrypt(answer.body, context=message.id.encode())
        writer.messages.append(message)
        look.previous[(sender.id, msg.guid or "")] = message
        look.pending_answers[(sender.id, msg.guid or "")] = answer
        writer.audits.append(
            {
                "at": now,
                "actor": f"enterprise:{sender.id}",
                "action": "messages.decided",
                "subject": f"message:{message.id}",
                "data": {
                    "message_type": msg.message_type,
                    "guid": msg.guid,
                    "decisions": [[d.record.index, d.return_status] for d in decisions],
                },
            }
        )
        log.debug(
            "messages.decided",
            message_type=msg.message_type,
            guid=msg.guid,
            sender=sender.id,
            records=len(decisions),
            accepted=message.accepted_count,
        )
        return answer

    def _decide(self, look: _Lookups, sender: Enterprise, msg: CebMessage) -> list[RecordDecision]:
        """Decide every record on its own: filing status, parties, field rules, duplicates."""
        spec = CATALOGUE[msg.message_type]
        decisions = [RecordDecision(record=r) for r in msg.records]
        by_index = {d.record.index: d for d in decisions}
        # Filing status of the sender (暂停 / 撤销): every record is refused.
        if sender.status != FilingStatus.active:
            status = rc.SENDER_SUSPENDED if sender.status == FilingStatus.suspended else rc.SENDER_REVOKED
            for d in decisions:
                d.refuse(status, f"ENTERPRISE_{sender.status.upper()}", rc.describe(status))
        # Field rules: message-level findings apply to every record.
        for finding in field_findings(msg):
            targets = decisions if finding.record is None else [by_index[finding.record]]
            for d in targets:
                d.refuse(check_failed_code(spec), finding.code, _finding_text(finding))
        self._check_parties(look, spec, sender, decisions)
        self._check_keys(look, spec, decisions)
        for d in decisions:
            if d.refused:
                d.info = _return_info(d.findings)
            else:
                d.info = rc.success_text(d.record, d.return_status)
        return decisions

    def _check_parties(
        self, look: _Lookups, spec: MessageSpec, sender: Enterprise, decisions: Sequence[RecordDecision]
    ) -> None:
        """Every enterprise named must be filed; the sender must be the record's responsible party."""
        sender_codes = {sender.uscc, sender.customs_code} - {None}
        for d in decisions:
            parties: set[str] = set()
            responsible = False
            for fld, role in spec.party_fields.items():
                code = d.record.head.get(fld, "").strip().upper()
                if not code or code == NO_PLATFORM_CODE:
                    continue
                filing = look.by_code(code)
                if filing is None:
                    d.refuse(rc.UNFILED_ENTERPRISE, "ENTERPRISE_NOT_FILED", f"{fld}={code} 企业未备案")
                    continue
                parties.add(filing.id)
                measures = look.credit_measures(filing.id)
                if measures.refuses_new_messages:
                    why = credit_measures.describe_source(measures.sources.get("new_messages", ""))
                    d.refuse(
                        rc.CREDIT_RESTRICTED,
                        "CREDIT_RESTRICTED",
                        f"{fld}={code} {rc.describe(rc.CREDIT_RESTRICTED)}（{why}）",
                    )
                if role in spec.sender_roles and code in sender_codes:
                    responsible = True
            if not responsible:
                d.refuse(
                    rc.INVALID_ENTERPRISE,
                    "SENDER_NOT_RESPONSIBLE_PARTY",
                    "报文发送企业不是本单证的责任方（"
                    + "/".join(f for f, r in spec.party_fields.items() if r in spec.sender_roles)
                    + "）",
                )
            d.parties = sorted(parties | {sender.id})

    def _check_keys(self, look: _Lookups, spec: MessageSpec, decisions: Sequence[RecordDecision]) -> None:
        """Duplicate business keys within the message and against live documents; appType 2/3 targets."""
        seen: set[str] = set()
        for d in decisions:
            d.business_key = business_key(spec, d.record)
            if d.refused:
                continue
            if d.business_key in seen:
                d.refuse(duplicate_code(spec), "DUPLICATE_IN_MESSAGE", "同一报文内业务编号重复")
                continue
            seen.add(d.business_key)
            existing = look.live(spec.name, d.business_key)
            app_type = d.record.head.get("appType", "1")
            if app_type == "1":
                if existing is None:
                    pass
                elif existing.app_status == "1":
                    d.replaces = existing  # a stored-only (暂存) record is declared by resubmission
                else:
                    d.refuse(
                        duplicate_code(spec), "DUPLICATE_BUSINESS_KEY", rc.describe(duplicate_code(spec))
                    )
            elif app_type in ("2", "3"):
                if existing is None:
                    code = rc.not_found_code(spec)
                    d.refuse(code, "BUSINESS_KEY_NOT_FOUND", "不存在可变更或删除的原单证")
                elif app_type == "2":
                    d.replaces = existing
                else:
                    d.deletes = existing
            if not d.refused and d.record.head.get("appStatus") == "1" and app_type != "3":
                d.return_status = rc.STORED

    def _document(
        self, look: _Lookups, writer: _Writer, message: Message, d: RecordDecision, sender: Enterprise
    ) -> dict[str, Any]:
        """The document row of a decided record, its live key and its outbox event (written in bulk)."""
        head, buyer_hash = self._protect(d.record.head)
        status = "refused" if d.refused else ("stored" if d.return_status == rc.STORED else "accepted")
        if d.deletes is not None:
            status = "deleted"
        document: dict[str, Any] = {
            "id": new_id(),
            "message_id": message.id,
            "record_index": d.record.index,
            "message_type": message.message_type,
            "record_guid": d.record.guid,
            "business_key": d.business_key,
            "app_type": d.record.head.get("appType", "1"),
            "app_status": d.record.head.get("appStatus", "2"),
            "status": status,
            "return_status": d.return_status,
            "head": head,
            "lists": d.record.lists,
            "parties": d.parties,
            "buyer_hash": buyer_hash,
            "created_at": message.received_at,
        }
        writer.documents.append(document)
        if d.refused:
            return document
        key = (message.message_type, d.business_key)
        if d.deletes is not None:
            writer.status_changes.append((d.deletes.id, "deleted"))
            writer.key_deletes.append(key)
            look.forget(key)
        elif d.replaces is not None:
            writer.status_changes.append((d.replaces.id, "replaced"))
            writer.key_moves.append((key, document["id"]))
            look.remember(key, _LiveDoc(document["id"], document["app_status"]))
        else:
            writer.key_inserts.append(
                {"message_type": key[0], "business_key": key[1], "document_id": document["id"]}
            )
            look.remember(key, _LiveDoc(document["id"], document["app_status"]))
        if status in ("accepted", "deleted"):
            writer.outbox.append(
                {
                    "created_at": message.received_at,
                    "topic": ACCEPTED_TOPIC,
                    "key": f"{message.message_type}:{d.business_key}",
                    "payload": {
                        "document_id": document["id"],
                        "message_type": message.message_type,
                        "business_key": d.business_key,
                        "app_type": document["app_type"],
                        "status": status,
                        "sender_enterprise_id": sender.id,
                    },
                    "published_at": None,
                }
            )
        return document

    def _protect(self, head: dict[str, str]) -> tuple[dict[str, str], str | None]:
        """Encrypt personal-data fields of a head; compute the buyer lookup hash."""
        protected = dict(head)
        for name in PERSONAL_FIELDS:
            value = protected.get(name)
            if value:
                protected[name] = self.cipher.encrypt_text(value)
        buyer = head.get("buyerIdNumber") or head.get("payerIdNumber")
        return protected, self.cipher.lookup_hash(buyer) if buyer else None

    def _receipt_record(
        self, msg: CebMessage, d: RecordDecision, now: datetime, serial: int
    ) -> dict[str, Any]:
        spec = CATALOGUE[msg.message_type]
        extra: dict[str, str | int] = {}
        if spec.receipt_type in _RECEIPTS_WITH_PRE_NO:
            # e-port pre-entry number: prefix + date + 9-digit serial (C18), one counter per day.
            extra["preNoSerial"] = serial
        extra.update(receipt_fallbacks(spec, d.record))
        return build_receipt(spec, d.record, d.return_status, d.info, now, extra)

    def _render(self, msg: CebMessage, receipts: list[dict[str, Any]], fmt: str, guid: str) -> Answer:
        spec = CATALOGUE[msg.message_type]
        assert spec.receipt_type is not None
        receipt = receipt_message(spec.receipt_type, receipts, guid)
        body = dump_json(receipt) if fmt == JSON else build_xml(receipt)
        return Answer(200, fmt, body, msg.guid)

    def _format_receipt(
        self,
        findings: Sequence[Finding],
        message_type: str | None,
        body: bytes,
        fmt: str,
        cop_msg_id: str | None,
    ) -> Answer:
        """A CEB900 format-check receipt (报文格式校验回执) naming every defect."""
        spec = CATALOGUE.get(message_type or "")
        status = check_failed_code(spec) if spec is not None else rc.FORMAT_ERROR
        info = _return_info([(f.code, _finding_text(f)) for f in findings], limit=_FORMAT_INFO_MAX)
        record = format_error_receipt(
            message_type or "Unknown",
            cop_msg_id or "",
            body.decode("utf-8", errors="replace"),
            status,
            info,
            utc_now(),
            str(uuid.uuid4()).upper(),
        )
        receipt = receipt_message(_FORMAT_RECEIPT, [record], str(uuid.uuid4()).upper())
        out = dump_json(receipt) if fmt == JSON else build_xml(receipt)
        return Answer(200, fmt, out, None, "format_error")

    def _unit(self) -> AbstractContextManager[Session]:
        return unit_of_work(sessions=self.sessions)


#: A receipt field the XSD makes mandatory that the declaration may leave out.  ``copNo`` falls back to
#: the order number (cut to C..20); a CEB508 ``billNo`` (post may have none) and a CEB604 ``invtNo``
#: (customs assigns it later, at 120) are answered with ``无`` ("none"), as the spec does for ``ebpCode``.
_NONE = "无"
_COP_NO_MAX = 20


def receipt_fallbacks(spec: MessageSpec, record: CebRecord) -> dict[str, str | int]:
    head = record.head
    out: dict[str, str | int] = {}
    if not head.get("copNo") and spec.name in ("CEB621Message", "CEB623Message", "CEB625Message"):
        out["copNo"] = (head.get("orderNo") or record.guid or _NONE)[:_COP_NO_MAX]
    if spec.name == "CEB507Message" and not head.get("billNo"):
        out["billNo"] = _NONE
    if spec.name == "CEB603Message" and not head.get("invtNo"):
        out["invtNo"] = _NONE
    return out


def check_failed_code(spec: MessageSpec) -> str:
    """The negative code for a record that fails the field rules."""
    return spec.check_failed_code or rc.FORMAT_ERROR


def duplicate_code(spec: MessageSpec) -> str:
    """The negative code for a duplicate business key."""
    return spec.duplicate_code or check_failed_code(spec)


def business_key(spec: MessageSpec, record: CebRecord) -> str:
    """The record's business key as one string, e.g. ``ebpCode|orderNo`` values joined by ``|``."""
    return "|".join(record.head.get(f, "").strip() for f in spec.business_key)


def _finding_text(finding: Finding) -> str:
    return f"{finding.path}: {finding.message_zh}" if finding.path else finding.message_zh


def _return_info(findings: Sequence[tuple[str, str]], limit: int = _RETURN_INFO_MAX) -> str:
    """Every finding as ``[Code:…;Desc:…]`` pairs, cut to the C..1000 limit on a pair boundary."""
    parts: list[str] = []
    size = 0
    for code, text in findings:
        part = f"[Code:{code};Desc:{text}]"
        if size + len(part) > limit:
            more = f"[Code:MORE;Desc:另有{len(findings) - len(parts)}项]"
            if size + len(more) <= limit:
                parts.append(more)
            break
        parts.append(part)
        size += len(part)
    return "".join(parts)
