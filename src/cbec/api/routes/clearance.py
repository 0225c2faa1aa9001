"""Import clearance endpoints: order lifecycle, inspections, guarantees, the consumer quota query."""

from __future__ import annotations

import threading
import time
from collections import deque
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from cbec.api.deps import CallerDep, SessionDep, SettingsDep, require_roles
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.clearance import lifecycle
from cbec.clearance.enums import InspectionResult
from cbec.clearance.models import QuotaLedger
from cbec.clearance.service import guarantee_for
from cbec.errors import CbecError, ErrorCode
from cbec.kernel.crypto import DataCipher
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.workers.runner import ClearanceWorker

router = APIRouter(prefix="/api/v1", tags=["clearance 通关"])


@router.get("/orders/{ebp_code}/{order_no}")
def order_lifecycle(ebp_code: str, order_no: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """An order's whole life: documents present, match findings, tax with explanation, quota, decision
    and every status with time and reason.  Parties named on the order see it; customs and the operator
    see all."""
    return lifecycle.view(session, caller, ebp_code, order_no)


class InspectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    invt_no: str = Field(description="customs inventory number 清单编号")
    result: InspectionResult
    note: str = Field(default="", max_length=500)


@router.post("/inspections")
def record_inspection(
    body: InspectionIn, request: Request, caller: CallerDep, session: SessionDep
) -> dict[str, Any]:
    """Customs records an inspection result: clean → 800; else 700 sent back or 50x detained."""
    require_roles(caller, CallerRole.customs)
    worker = request.app.state.worker
    assert isinstance(worker, ClearanceWorker)
    order = worker.engine.inspect(
        session, body.invt_no, body.result, body.note, actor=caller.actor, now=utc_now()
    )
    audit.record(
        session,
        actor=caller.actor,
        action="clearance.inspected",
        subject=f"invt:{body.invt_no}",
        result=body.result.value,
    )
    return {"invtNo": order.invt_no, "state": order.state, "returnStatus": order.return_status}


class GuaranteeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise: str
    amount: Decimal = Field(gt=0)


@router.post("/guarantees")
def lodge_guarantee(body: GuaranteeIn, caller: CallerDep, session: SessionDep) -> dict[str, str]:
    """Customs records a collecting agent's tax guarantee (汇总征税担保)."""
    require_roles(caller, CallerRole.customs, CallerRole.operator)
    row = guarantee_for(session, body.enterprise, body.amount, actor=caller.actor)
    audit.record(
        session,
        actor=caller.actor,
        action="clearance.guarantee_lodged",
        subject=f"enterprise:{row.enterprise_id}",
        amount=str(body.amount),
    )
    return {"enterprise_id": row.enterprise_id, "amount": str(row.amount), "balance": str(row.balance)}


class QuotaQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    id_number: str = Field(min_length=15, max_length=18)
    phone: str = Field(min_length=5, max_length=30)


class _RateLimiter:
    """At most ``limit`` calls per ``window`` seconds per client address (in-process)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


_QUOTA_LIMITER = _RateLimiter(limit=10, window=60.0)


@router.post("/quota/query")
def quota_query(
    body: QuotaQuery, request: Request, session: SessionDep, settings: SettingsDep
) -> dict[str, str]:
    """个人额度查询: a consumer checks their own remaining annual quota with name + ID number + phone.

    The one anonymous endpoint: rate-limited per client address and logged (without the personal data).
    """
    client = request.client.host if request.client else "unknown"
    if not _QUOTA_LIMITER.allow(client):
        raise CbecError(ErrorCode.RATE_LIMITED)
    cipher = DataCipher(settings.data_key_bytes, settings.data_key_id)
    buyer = cipher.lookup_hash(body.id_number)
    year = utc_now().astimezone(SHANGHAI).year
    row = session.scalars(
        select(QuotaLedger).where(QuotaLedger.buyer_hash == buyer, QuotaLedger.year == year)
    ).first()
    matches = (
        row is not None
        and row.name_hash == cipher.lookup_hash(body.name)
        and row.phone_hash == cipher.lookup_hash(body.phone)
    )
    limit = lifecycle.annual_limit(utc_now())
    used = row.used if (row is not None and matches) else Decimal(0)
    audit.record(
        session,
        actor=f"anonymous:{client}",
        action="clearance.quota_queried",
        subject=f"buyer:{buyer[:12]}",
        found=matches,
    )
    return {"year": str(year), "annual_limit": str(limit), "used": str(used), "remaining": str(limit - used)}
