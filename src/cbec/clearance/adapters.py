"""The clearance engine's view of the pure rule modules: matching, goods, tax and limits.

The engine works on stored documents (heads of exact strings); the rule modules work on their own
plain types.  This module translates between them and nothing else, so the engine stays readable
and each rule module stays free of the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from cbec.clearance.reasons import ReasonCode
from cbec.clearance.reasons import return_info as _return_info
from cbec.kernel.dates import SHANGHAI
from cbec.registry.models import Enterprise

#: GACC 2020 No.45: a return may be applied for within 30 days of release (regulation.md §3.1.7).
#: Kept with the tax parameters when they carry it; this is the lifecycle's reading of that rule.
RETURN_WINDOW_DAYS_DEFAULT = 30


@dataclass(frozen=True)
class Filing:
    """What the rules need to know about a filed enterprise."""

    filing_id: str
    code: str
    name: str
    roles: frozenset[str]
    status: str
    has_guarantee: bool

    @classmethod
    def of(cls, row: Enterprise, guaranteed: bool) -> Filing:
        return cls(
            row.id, row.uscc or row.customs_code or "", row.name, frozenset(row.roles), row.status, guaranteed
        )


@dataclass(frozen=True)
class Finding:
    """One reason an inventory is refused (stored on the order and rendered in ``returnInfo``)."""

    code: ReasonCode
    field: str
    message_zh: str
    message_en: str
    gnum: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "field": self.field,
            "zh": self.message_zh,
            "en": self.message_en,
            "gnum": self.gnum,
        }


@dataclass(frozen=True)
class TaxLine:
    gnum: int
    gcode: str
    taxable_price: Decimal
    customs_duty: Decimal
    vat: Decimal
    consumption_tax: Decimal


@dataclass(frozen=True)
class Assessment:
    """The tax of one inventory, or why the limits refuse it."""

    taxable_price: Decimal
    customs_duty: Decimal
    vat: Decimal
    consumption_tax: Decimal
    total: Decimal
    lines: tuple[TaxLine, ...]
    as_json: dict[str, Any]
    refusal: tuple[str, Finding] | None
    #: The amount counted against the buyer's annual limit.
    quota_amount: Decimal
    annual_limit: Decimal


def return_info(findings: list[Finding]) -> str:
    """Every finding as ``[Code:…;Desc:…]`` pairs, cut to C..1000."""
    return _return_info(findings)


def _finding(code: ReasonCode, field: str, zh: str, en: str, gnum: int | None = None) -> Finding:
    return Finding(code, field, zh, en, gnum)


class Rules:
    """The rule modules, loaded once (parameter files, tariff table)."""

    def __init__(self) -> None:
        from cbec.clearance import matching
        from cbec.tax import load_parameters, load_tariff

        self.match_params = matching.load_match_parameters()
        self.tax_params = load_parameters()
        self.tariff = load_tariff()
        self.return_window = timedelta(days=RETURN_WINDOW_DAYS_DEFAULT)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> Rules:
        return cls()

    # -- matching ----------------------------------------------------------------------------------

    def match(
        self,
        heads: dict[str, dict[str, str] | None],
        lists: dict[str, dict[str, Any]],
        filings: dict[str, Filing],
    ) -> list[Finding]:
        from cbec.clearance import matching

        def doc(name: str) -> Any:
            head = heads.get(name)
            return matching.Doc(head, lists.get(name, {})) if head is not None else None

        inventory = doc("inventory")
        assert inventory is not None
        found = matching.match(
            matching.DocumentSet(
                order=doc("order"), payment=doc("payment"), waybill=doc("waybill"), inventory=inventory
            ),
            {
                code: matching.FilingFacts(
                    code=f.code, name=f.name, roles=f.roles, status=f.status, has_guarantee=f.has_guarantee
                )
                for code, f in filings.items()
            },
            params=self.match_params,
        )
        return [_finding(f.code, f.field, f.message_zh, f.message_en, f.gnum) for f in found]

    @staticmethod
    def timeout_findings(missing: list[str]) -> list[Finding]:
        names = {"order": "电子订单", "payment": "支付凭证", "waybill": "物流运单"}
        text = "、".join(names[m] for m in missing)
        return [
            _finding(
                ReasonCode.SET_INCOMPLETE_TIMEOUT,
                ",".join(missing),
                f"等待超时，缺少：{text}",
                f"wait over, missing: {', '.join(missing)}",
            )
        ]

    # -- goods and tax --------------------------------------------------------------------------------

    def taxable(self, head: dict[str, str], lists: dict[str, Any], accepted_at: datetime) -> Any:
        """The inventory as the tax sees it; the law is taken at the platform's acceptance time."""
        from cbec.tax import inventory_from_ceb621

        inventory = inventory_from_ceb621(
            head, lists.get("InventoryList", []), default_accepted_at=accepted_at
        )
        return replace(inventory, accepted_at=accepted_at)

    def goods_findings(
        self, head: dict[str, str], lists: dict[str, Any], accepted_at: datetime
    ) -> list[Finding]:
        """Positive list, 1210-only goods, per-person annual caps."""
        from cbec.tax import GoodsFindingCode, InventoryFieldError, check_goods

        try:
            inventory = self.taxable(head, lists, accepted_at)
        except InventoryFieldError as exc:
            return [
                _finding(ReasonCode.MATCH_AMOUNT_INVALID, exc.args[0] if exc.args else "", str(exc), str(exc))
            ]
        found = check_goods(inventory, tariff=self.tariff, bought_this_year={})
        codes = {
            GoodsFindingCode.NOT_ON_POSITIVE_LIST: ReasonCode.GOODS_NOT_ON_POSITIVE_LIST,
            GoodsFindingCode.UNKNOWN_TARIFF_LINE: ReasonCode.GOODS_NOT_ON_POSITIVE_LIST,
            GoodsFindingCode.BONDED_IMPORT_ONLY: ReasonCode.GOODS_1210_ONLY,
            GoodsFindingCode.ANNUAL_QUANTITY_CAP_EXCEEDED: ReasonCode.GOODS_QUANTITY_CAP,
            GoodsFindingCode.QUANTITY_NOT_MEASURABLE: ReasonCode.GOODS_QUANTITY_CAP,
        }
        return [_finding(codes[f.code], "gcode", f.zh, f.en, f.gnum) for f in found]

    def assess(
        self, head: dict[str, str], lists: dict[str, Any], accepted_at: datetime, annual_used: Decimal
    ) -> Assessment:
        """The tax of one inventory, or why the limits refuse it (-621005 / -621018)."""
        from cbec.tax import Decision, RefusalCode, assess

        inventory = self.taxable(head, lists, accepted_at)
        result = assess(inventory, params=self.tax_params, tariff=self.tariff, annual_used=annual_used)
        refusal = None
        if result.decision is Decision.REFUSED and result.refusal is not None:
            code = (
                ReasonCode.LIMIT_SINGLE_EXCEEDED
                if result.refusal is RefusalCode.OVER_SINGLE_LIMIT
                else ReasonCode.LIMIT_ANNUAL_EXCEEDED
            )
            refusal = (
                code.return_status,
                _finding(code, "taxable_price", result.refusal.zh, result.refusal.en),
            )
        elif result.decision is Decision.NOT_ASSESSABLE:
            issue = "；".join(f"{i.zh}" + (f"（第{i.gnum}项）" if i.gnum else "") for i in result.issues)
            code = ReasonCode.GOODS_NOT_ON_POSITIVE_LIST
            refusal = (
                code.return_status,
                _finding(code, "gcode", f"无法计税：{issue}", "cannot assess the tax"),
            )
        return Assessment(
            taxable_price=result.taxable_price,
            customs_duty=result.customs_duty,
            vat=result.vat,
            consumption_tax=result.consumption_tax,
            total=result.total,
            lines=tuple(
                TaxLine(
                    line.gnum,
                    line.gcode,
                    line.taxable_price,
                    line.customs_duty,
                    line.vat,
                    line.consumption_tax,
                )
                for line in result.lines
            ),
            as_json=result.to_dict(),
            refusal=refusal,
            quota_amount=result.counted_toward_annual_limit,
            annual_limit=self.annual_limit_at(accepted_at),
        )

    def annual_limit_at(self, at: datetime) -> Decimal:
        """The annual limit per person in force at ``at`` (Beijing date)."""
        return self.tax_params.at(at.astimezone(SHANGHAI).date()).decimal(
            "tax.retail_import.annual_limit_per_person"
        )

    @staticmethod
    def annual_limit_refusal() -> tuple[str, Finding]:
        code = ReasonCode.LIMIT_ANNUAL_EXCEEDED
        return code.return_status, _finding(code, "taxable_price", code.zh, code.en)
