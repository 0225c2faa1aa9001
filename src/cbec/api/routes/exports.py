"""Export endpoints: lifecycle, per inventory, overseas warehouses and their stock, the 无票免税 register."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from cbec.api.deps import CallerDep, SessionDep, require_roles
from cbec.audit import service as audit
from cbec.auth.enums import CallerRole
from cbec.errors import CbecError, ErrorCode, NotFoundError, PermissionDeniedError
from cbec.exports import views
from cbec.exports.models import OverseasStockMove, OverseasWarehouse
from cbec.kernel.dates import utc_now
from cbec.registry import service as registry

router = APIRouter(prefix="/api/v1", tags=["exports 出口"])


@router.get("/exports/{ebp_code}/{order_no}")
def export_lifecycle(ebp_code: str, order_no: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """An export's life by platform code (may be 无) and order number."""
    order = views.by_key(session, ebp_code, order_no, caller)
    return views.lifecycle(session, caller, order, {"ebpCode": ebp_code, "orderNo": order_no})


@router.get("/export-inventories/{invt_no}")
def export_inventory(invt_no: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """An export's life by its customs inventory number."""
    return views.lifecycle(session, caller, views.by_invt_no(session, invt_no), {"invtNo": invt_no})


@router.get("/export-register")
def export_register(
    caller: CallerDep,
    session: SessionDep,
    enterprise: Annotated[str, Query(description="consignor code")],
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
) -> dict[str, Any]:
    """The 无票免税 register of an enterprise for a period (the enterprise itself and the agencies)."""
    filing = registry.get(session, enterprise)
    if not (caller.reads_everything or caller.enterprise_id == filing.id):
        raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED)
    code = filing.customs_code or filing.uscc or enterprise
    report = views.register_report(session, code, start, end)
    if filing.uscc and filing.customs_code:  # a register row carries the code the inventory used
        other = views.register_report(session, filing.uscc, start, end)
        report["entries"] += other["entries"]
        report["lines"] += other["lines"]
    return report


class WarehouseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=200)
    owner: str = Field(description="owner's USCC or customs code")
    country: str = Field(min_length=3, max_length=3, description="customs country code")
    address: str = Field(min_length=1, max_length=300)
    area_m2: Decimal | None = Field(default=None, ge=0)
    operator: str | None = None


def _warehouse_out(session: SessionDep, w: OverseasWarehouse) -> dict[str, Any]:
    return {
        "id": w.id,
        "code": w.code,
        "name": w.name,
        "owner_enterprise_id": w.owner_enterprise_id,
        "country": w.country,
        "address": w.address,
        "area_m2": str(w.area_m2) if w.area_m2 is not None else None,
        "operator": w.operator,
        "stock": views.stock(session, w),
    }


@router.post("/overseas-warehouses", status_code=201)
def file_warehouse(body: WarehouseIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """File an overseas warehouse (海外仓备案): by its owner, or by the operator / commerce."""
    owner = registry.get(session, body.owner)
    if not (caller.role in (CallerRole.operator, CallerRole.commerce) or caller.enterprise_id == owner.id):
        raise PermissionDeniedError(ErrorCode.PERMISSION_DENIED)
    if session.scalars(select(OverseasWarehouse).where(OverseasWarehouse.code == body.code)).first():
        raise CbecError(ErrorCode.ENTERPRISE_CODE_TAKEN, "海外仓编号已备案", data={"code": body.code})
    w = OverseasWarehouse(
        code=body.code,
        name=body.name,
        owner_enterprise_id=owner.id,
        country=body.country,
        address=body.address,
        area_m2=body.area_m2,
        operator=body.operator,
    )
    session.add(w)
    session.flush()
    audit.record(session, actor=caller.actor, action="exports.warehouse_filed", subject=f"warehouse:{w.id}")
    return _warehouse_out(session, w)


def _warehouse(session: SessionDep, caller: CallerDep, code: str) -> OverseasWarehouse:
    w = session.scalars(select(OverseasWarehouse).where(OverseasWarehouse.code == code)).first()
    if w is None or not (caller.reads_everything or caller.enterprise_id == w.owner_enterprise_id):
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"code": code})
    return w


@router.get("/overseas-warehouses/{code}")
def get_warehouse(code: str, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """A warehouse and its stock (exported in by 9810, minus sales)."""
    return _warehouse_out(session, _warehouse(session, caller, code))


class SaleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_no: str
    qty: Decimal = Field(gt=0)
    reference: str | None = Field(
        default=None, max_length=100, description="the overseas sale's order number"
    )


@router.post("/overseas-warehouses/{code}/sales")
def record_sale(code: str, body: SaleIn, caller: CallerDep, session: SessionDep) -> dict[str, Any]:
    """A sale out of the warehouse, recorded against the exported stock (never below zero)."""
    w = _warehouse(session, caller, code)
    if caller.enterprise_id != w.owner_enterprise_id:
        require_roles(caller, CallerRole.operator)
    on_hand = {s["item_no"]: s for s in views.stock(session, w)}
    item = on_hand.get(body.item_no)
    if item is None or Decimal(item["qty"]) < body.qty:
        raise CbecError(
            ErrorCode.VALIDATION_FAILED,
            "海外仓库存不足",
            data={"item_no": body.item_no, "on_hand": item["qty"] if item else "0"},
        )
    session.add(
        OverseasStockMove(
            warehouse_id=w.id,
            item_no=body.item_no,
            gcode=item["gcode"],
            qty=-body.qty,
            unit=item["unit"],
            kind="sale",
            reference=body.reference,
            at=utc_now(),
        )
    )
    session.flush()
    return _warehouse_out(session, w)
