"""Tax records of zone retail exports (跨境电子商务综试区零售出口) — pure, explained.

* 无票免税 (财税〔2018〕103号): :func:`no_invoice_exemption_entry` — the register entry the zone
  platform keeps per released export line (export date, goods name, unit, quantity, unit price,
  amount, consignor); :func:`register_report` — one enterprise's entries over a period, with
  totals; :func:`qualifies` — what stands against the exemption for a line (goods on the list of
  cancelled rebates, procedure code, policy dates);
* 核定征收 (国家税务总局公告2019年第36号): :func:`deemed_income_tax_base` — revenue × the 4%
  应税所得率; :func:`deemed_income_tax` — at 25%, or with the small low-profit relief [U].

Parameters: ``cbec/tax/parameters/tax/export/`` (dated, with references), read through
:func:`cbec.tax.load_parameters`. The list of goods whose rebate or exemption was cancelled is data
(``rebate_cancelled_codes.yaml``), empty until a domain owner fills it from the official notices.
"""

from __future__ import annotations

from cbec.tax.export.income_tax import (
    DeemedIncome,
    DeemedIncomeTax,
    SmallLowProfitReliefNotInForceError,
    deemed_income_tax,
    deemed_income_tax_base,
)
from cbec.tax.export.qualification import (
    REBATE_CANCELLED_FILE,
    ExportTaxFinding,
    ExportTaxFindingCode,
    RebateCancelledCode,
    RebateCancelledList,
    RebateListError,
    load_rebate_cancelled_list,
    qualification_findings,
    qualifies,
)
from cbec.tax.export.register import (
    RegisterEntry,
    RegisterReport,
    ReportingPeriod,
    no_invoice_exemption_entry,
    register_report,
)

__all__ = [
    "REBATE_CANCELLED_FILE",
    "DeemedIncome",
    "DeemedIncomeTax",
    "ExportTaxFinding",
    "ExportTaxFindingCode",
    "RebateCancelledCode",
    "RebateCancelledList",
    "RebateListError",
    "RegisterEntry",
    "RegisterReport",
    "ReportingPeriod",
    "SmallLowProfitReliefNotInForceError",
    "deemed_income_tax",
    "deemed_income_tax_base",
    "load_rebate_cancelled_list",
    "no_invoice_exemption_entry",
    "qualification_findings",
    "qualifies",
    "register_report",
]
