"""汇总申报: a CEB701 application (or ``cbec export summarize``) → declarations → CEB792 result.

The merging itself is the pure :func:`cbec.exports.summary.summarize`; this module selects the
inventories (explicit list or time range; released 9610 with ``statisticsFlag`` B; each once only),
records the summary, and answers with CEB702 to the applicant and CEB792 to the agent and consignor,
each declaration with its generated ``declSeqNo`` and the per-inventory line mapping.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from cbec.clearance.reasons import return_info
from cbec.clearance.receipts import Outgoing
from cbec.exports.checks import ExportFinding
from cbec.exports.models import ExportOrder, ExportSummary
from cbec.exports.reasons import ExportReason
from cbec.exports.summary import (
    ExportInventory,
    ExportInventoryLine,
    deadline_findings,
    load_summary_parameters,
    summarize,
)
from cbec.kernel.dates import SHANGHAI, ceb_time17
from cbec.messages.models import Document
from cbec.messages.serials import next_serial

if TYPE_CHECKING:
    from cbec.exports.service import _ExportBatch

#: The states of an inventory whose goods were released (and may have departed).
RELEASED_STATES = ("released", "departed")
DEC_STATE = "1"  # 报关单状态: 已生成 (the values are customs'; ceb.md §4.23)


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def export_inventory(order: ExportOrder, document: Document) -> ExportInventory:
    """A stored CEB603 as the merge sees it."""
    head = document.head
    released = (order.released_at or datetime.now(UTC)).astimezone(SHANGHAI).date()
    ie_date = head.get("ieDate", "")
    return ExportInventory(
        invt_no=order.invt_no or "",
        released_on=released,
        ie_date=date(int(ie_date[:4]), int(ie_date[4:6]), int(ie_date[6:8]))
        if len(ie_date) == 8
        else released,  # noqa: PLR2004
        trade_mode=head.get("tradeMode", ""),
        statistics_flag=head.get("statisticsFlag", ""),
        customs_code=head.get("customsCode", ""),
        agent_code=head.get("agentCode", ""),
        ebc_code=head.get("ebcCode", ""),
        ebc_name=head.get("ebcName", ""),
        owner_code=head.get("ownerCode", ""),
        traf_mode=head.get("trafMode", ""),
        country=head.get("country", ""),
        port_code=head.get("portCode", ""),
        logistics_no=head.get("logisticsNo", ""),
        gross_weight=_dec(head.get("grossWeight")) or Decimal(0),
        net_weight=_dec(head.get("netWeight")) or Decimal(0),
        lines=tuple(
            ExportInventoryLine(
                gnum=int(line["gnum"]),
                gcode=line.get("gcode", ""),
                gname=line.get("gname", ""),
                item_name=line.get("itemName") or None,
                country=line.get("country", ""),
                currency=line.get("currency", ""),
                qty=Decimal(line["qty"]),
                unit=line.get("unit", ""),
                qty1=_dec(line.get("qty1")) or Decimal(0),
                unit1=line.get("unit1", ""),
                qty2=_dec(line.get("qty2")),
                unit2=line.get("unit2") or None,
                price=Decimal(line["price"]),
                total_price=Decimal(line["totalPrice"]),
            )
            for line in document.lists.get("InventoryList", [])
        ),
    )


def _beijing_range(start: str, end: str) -> tuple[datetime, datetime]:
    """CEB701 ``startTime``/``endTime`` (C14, Beijing time) as UTC datetimes."""

    def parse(value: str) -> datetime:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=SHANGHAI).astimezone(UTC)

    return parse(start), parse(end)


def month_range(month: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` as the Beijing-time month [start, end]."""
    first = datetime.strptime(month, "%Y-%m").replace(tzinfo=SHANGHAI)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first.astimezone(UTC), (following - timedelta(microseconds=1)).astimezone(UTC)


def candidates(batch: _ExportBatch, ebc_code: str, start: datetime, end: datetime) -> list[ExportOrder]:
    """Released 9610 inventories of a consignor released in [start, end], not yet summarised."""
    return list(
        batch.session.scalars(
            select(ExportOrder)
            .where(
                ExportOrder.ebc_code == ebc_code.strip().upper(),
                ExportOrder.state.in_(RELEASED_STATES),
                ExportOrder.released_at >= start,
                ExportOrder.released_at <= end,
                ExportOrder.sum_no.is_(None),
            )
            .order_by(ExportOrder.released_at, ExportOrder.invt_no)
            .with_for_update()
        )
    )


def run_summary(
    batch: _ExportBatch,
    *,
    ebc_code: str,
    orders: list[ExportOrder],
    refused: list[ExportFinding],
    summary_flag: str,
    item_name_flag: str | None,
    customs_code: str,
    agent_code: str,
    application: Document | None,
    names: dict[str, str],
) -> tuple[ExportSummary | None, list[ExportFinding]]:
    """Merge the orders' inventories into declarations, record the summary, send CEB792."""
    findings = list(refused)
    docs = batch.load([o.inventory_doc_id or "" for o in orders])
    inventories = [export_inventory(o, docs[o.inventory_doc_id or ""]) for o in orders if o.inventory_doc_id]
    today = batch.now.astimezone(SHANGHAI).date()
    result = summarize(
        inventories,
        summary_flag=summary_flag,
        item_name_flag=item_name_flag,
        params=load_summary_parameters().at(today),
    )
    for refusal in result.refusals:
        findings.append(
            ExportFinding(
                ExportReason.EXPORT_SUMMARY_NOT_ELIGIBLE,
                "invtNo",
                f"{refusal.invt_no}：{refusal.zh}",
                refusal.en,
            )
        )
    if not result.declarations:
        findings.append(
            ExportFinding(
                ExportReason.EXPORT_SUMMARY_EMPTY,
                "invtNo",
                ExportReason.EXPORT_SUMMARY_EMPTY.zh,
                ExportReason.EXPORT_SUMMARY_EMPTY.en,
            )
        )
        return None, findings
    months = sorted({d.month for d in result.declarations})
    late = [f for month in months for f in deadline_findings(month, today)]
    year = batch.now.astimezone(SHANGHAI).year
    sum_no = f"{customs_code[:4]}{year}S{next_serial(batch.session, f'sumNo:{customs_code}:{year}'):09d}"
    by_invt = {o.invt_no: o for o in orders}
    declarations: list[dict[str, Any]] = []
    for declaration in result.declarations:
        decl_seq_no = (
            f"{customs_code[:4]}{year}D{next_serial(batch.session, f'declSeqNo:{customs_code}:{year}'):09d}"
        )
        rows = declaration.result_list()
        declarations.append({"declSeqNo": decl_seq_no, **declaration.to_dict()})
        for invt_no in declaration.inventories:
            order = by_invt.get(invt_no)
            if order is not None:
                order.sum_no = sum_no
                batch.event(order, order.state, "SUM", f"已汇总申报：{sum_no} / {decl_seq_no}")
        body = {
            "SummaryResultHead": {
                "guid": _guid(),
                "customsCode": customs_code[:4],
                "sumNo": sum_no,
                "opDate": ceb_time17(batch.now),
                "declSeqNo": decl_seq_no,
                "decState": DEC_STATE,
                "agentCode": agent_code,
                "agentName": names.get("agent", agent_code),
                "ebcCode": ebc_code,
                "ebcName": names.get("ebc", ebc_code),
                "declAgentCode": names.get("declAgentCode", agent_code),
                "declAgentName": names.get("declAgent", names.get("agent", agent_code)),
                "grossWeight": f"{declaration.gross_weight:.5f}",
                "netWeight": f"{declaration.net_weight:.5f}",
                "msgCount": "1",
                "msgSeqNo": "1",
            },
            "SummaryResultList": [
                {
                    "invtNo": r.invt_no,
                    "logisticsNo": r.logistics_no,
                    "gseqno": str(r.gseqno),
                    "gnum": str(r.gnum),
                    "gcode": r.gcode,
                }
                for r in rows
            ],
        }
        anchor = application or docs[orders[0].inventory_doc_id or ""]
        recipients = tuple(
            dict.fromkeys(
                e.id for code in (agent_code, ebc_code) if (e := batch.enterprise(code)) is not None
            )
        )
        if recipients:
            batch.outgoing.append(
                Outgoing(
                    anchor,
                    "CEB792Message",
                    "399",
                    f"汇总结果：{decl_seq_no}",
                    body,
                    recipients,
                    f"792:{sum_no}:{decl_seq_no}",
                )
            )
    start = min(i.released_on for i in inventories)
    summary = ExportSummary(
        sum_no=sum_no,
        ebc_code=ebc_code,
        agent_code=agent_code,
        application_doc_id=application.id if application else None,
        period_start=start,
        period_end=max(i.released_on for i in inventories),
        late=bool(late),
        declarations=declarations,
        deadline=None,
    )
    batch.session.add(summary)
    for finding in late:
        findings.append(ExportFinding(ExportReason.EXPORT_SUMMARY_LATE, "month", finding.zh, finding.en))
    return summary, findings


def _guid() -> str:
    import uuid

    return str(uuid.uuid4()).upper()


def apply_summary(batch: _ExportBatch, document: Document) -> None:
    """A CEB701 summary application: answer CEB702 (with ``sumNo``) and send CEB792 per declaration."""
    head = document.head
    ebc_code = head.get("ebcCode", "")
    refused: list[ExportFinding] = []
    if head.get("startTime") and head.get("endTime"):
        start, end = _beijing_range(head["startTime"], head["endTime"])
        orders = candidates(batch, ebc_code, start, end)
    else:
        wanted = [line.get("invtNo", "") for line in document.lists.get("SummaryApplyList", [])]
        orders = []
        for invt_no in wanted:
            order = batch.by_invt_no(invt_no)
            if (
                order is None
                or order.state not in RELEASED_STATES
                or order.ebc_code != ebc_code.strip().upper()
            ):
                refused.append(
                    ExportFinding(ExportReason.EXPORT_SUMMARY_NOT_ELIGIBLE, "invtNo", invt_no, invt_no)
                )
            elif order.sum_no is not None:
                refused.append(
                    ExportFinding(
                        ExportReason.EXPORT_SUMMARY_ALREADY, "invtNo", f"{invt_no} → {order.sum_no}", invt_no
                    )
                )
            else:
                orders.append(order)
    summary, findings = run_summary(
        batch,
        ebc_code=ebc_code,
        orders=orders,
        refused=refused,
        summary_flag=head.get("summaryFlag", "1"),
        item_name_flag=head.get("itemNameFlag") or None,
        customs_code=head.get("customsCode", "0000"),
        agent_code=head.get("agentCode", ""),
        application=document,
        names={
            "agent": head.get("agentName", ""),
            "ebc": head.get("ebcName", ""),
            "declAgentCode": head.get("declAgentCode", ""),
            "declAgent": head.get("declAgentName", ""),
        },
    )
    info = return_info(findings) if findings else "汇总申请审结"
    if summary is None:
        batch.answer(document, "100", info)
        return
    batch.answer(
        document, "399", f"汇总申请审结{('；' + info) if findings else ''}"[:1000], {"sumNo": summary.sum_no}
    )


def summarize_month(
    batch: _ExportBatch,
    ebc_code: str,
    month: str,
    *,
    summary_flag: str = "1",
    item_name_flag: str | None = None,
) -> tuple[ExportSummary | None, list[ExportFinding]]:
    """``cbec export summarize``: everything of a consignor released in a month, as one application."""
    start, end = month_range(month)
    orders = candidates(batch, ebc_code, start, end)
    customs = agent = ""
    if orders:
        docs = batch.load([o.inventory_doc_id or "" for o in orders])
        first = docs[orders[0].inventory_doc_id or ""].head
        customs, agent = first.get("customsCode", "0000"), first.get("agentCode", "")
    filing = batch.enterprise(ebc_code)
    agent_filing = batch.enterprise(agent) if agent else None
    return run_summary(
        batch,
        ebc_code=ebc_code.strip().upper(),
        orders=orders,
        refused=[],
        summary_flag=summary_flag,
        item_name_flag=item_name_flag,
        customs_code=customs or "0000",
        agent_code=agent,
        application=None,
        names={
            "agent": agent_filing.name if agent_filing else agent,
            "ebc": filing.name if filing else ebc_code,
        },
    )


__all__ = ["apply_summary", "month_range", "summarize_month", "time"]
