"""Rows of the 无票免税 register for a released export (财税〔2018〕103号 condition 1).

The zone platform must record, per export line, the export date, goods name, unit, quantity, unit
price and amount (regulation.md §5.1); :mod:`cbec.tax.export` judges whether a line qualifies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cbec.exports.models import ExportOrder
from cbec.kernel.dates import SHANGHAI


def register_rows(
    order: ExportOrder, head: Mapping[str, str], lines: Sequence[Mapping[str, str]], released_at: datetime
) -> list[dict[str, Any]]:
    """One register row per inventory line, with the qualification findings of the tax rules."""
    from cbec.tax.export import qualification_findings

    day = released_at.astimezone(SHANGHAI).date()
    ie_date = head.get("ieDate", "")
    # 103号 counts by the export date on the inventory (ieDate); the release day stands in when absent.
    export_day = date(int(ie_date[:4]), int(ie_date[4:6]), int(ie_date[6:8])) if len(ie_date) == 8 else day  # noqa: PLR2004
    rows = []
    for line in lines:
        findings = qualification_findings(line, trade_mode=order.trade_mode or "", on=export_day)
        rows.append(
            {
                "enterprise_code": order.ebc_code,
                "invt_no": order.invt_no,
                "gnum": int(line["gnum"]),
                "export_date": export_day,
                "trade_mode": order.trade_mode or "",
                "goods_name": line.get("itemName") or line.get("gname", ""),
                "gcode": line.get("gcode", ""),
                "unit": line.get("unit", ""),
                "qty": Decimal(line["qty"]),
                "unit_price": Decimal(line["price"]),
                "amount": Decimal(line["totalPrice"]),
                "currency": line.get("currency", head.get("fCurrency", "")),
                "qualifies": not findings,
                "findings": findings,
            }
        )
    return rows
