"""The retail import tax (跨境电子商务零售进口税) as rules as code.

* :func:`assess` — the tax of one inventory under the law in force on its acceptance day
  (pure; parameters, tariff and the buyer's annual total are passed in);
* :func:`check_goods` — positive list, bonded-only goods, per-person annual caps;
* :func:`load_parameters` — the dated YAML parameters (``parameters/tax/…``);
* :func:`load_tariff` — the tariff table (``tariff/tariff_lines.csv``);
* :func:`inventory_from_ceb621` — a CEB621 record's fields as a :class:`TaxableInventory`.

Typical use::

    params, tariff = load_parameters(), load_tariff()
    result = assess(inventory, params=params, tariff=tariff, annual_used=Decimal("1200"))
    result.total, result.decision, result.to_json()
"""

from __future__ import annotations

from cbec.tax.calculator import (
    AssessmentIssue,
    Decision,
    Explanation,
    IssueCode,
    LineAssessment,
    RefusalCode,
    TaxAssessment,
    assess,
)
from cbec.tax.ceb621 import InventoryFieldError, inventory_from_ceb621
from cbec.tax.consumption import CONSUMPTION_TAX_RULES
from cbec.tax.goods import GoodsFinding, GoodsFindingCode, check_goods
from cbec.tax.inventory import InventoryLine, TaxableInventory, TradeMode
from cbec.tax.params import PARAMETERS_DIR, annual_period, load_parameters
from cbec.tax.tariff import Mark, TariffLine, TariffTable, VatClass, load_tariff

__all__ = [
    "CONSUMPTION_TAX_RULES",
    "PARAMETERS_DIR",
    "AssessmentIssue",
    "Decision",
    "Explanation",
    "GoodsFinding",
    "GoodsFindingCode",
    "InventoryFieldError",
    "InventoryLine",
    "IssueCode",
    "LineAssessment",
    "Mark",
    "RefusalCode",
    "TariffLine",
    "TariffTable",
    "TaxAssessment",
    "TaxableInventory",
    "TradeMode",
    "VatClass",
    "annual_period",
    "assess",
    "check_goods",
    "inventory_from_ceb621",
    "load_parameters",
    "load_tariff",
]
