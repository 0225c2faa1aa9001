"""Risk features of one declaration, computed from what the caller loaded (pure: no database, no clock).

The caller (clearance worker, benchmark) builds a :class:`Declaration` and a :class:`History`
— the buyer's recent orders, orders sharing the address or phone, reference prices, the
product-safety list and agency signals — and :func:`features` returns named numbers. The
declaration's ``declared_at`` is "now": windows count back from it, and history entries after
it are ignored.

Feature names are listed in :data:`FEATURE_NAMES`; rules may only read those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from cbec.risk.params import RiskParameters

__all__ = [
    "FEATURE_NAMES",
    "AgencySignal",
    "BuyerOrder",
    "ContactOrder",
    "Declaration",
    "History",
    "Line",
    "PriceStats",
    "SafetyEntry",
    "features",
    "robust_z",
]

MAD_SCALE = 1.4826
"""MAD × this estimates the standard deviation of a normal distribution."""

FEATURE_NAMES: tuple[str, ...] = (
    "taxable_price",
    "line_count",
    "unit_value_z_hs6",
    "unit_value_ratio_hs6",
    "unit_value_z_sku",
    "unit_value_ratio_sku",
    "value_per_kg_z_hs6",
    "net_exceeds_gross_lines",
    "weight_missing_lines",
    "buyer_orders_24h",
    "buyer_orders_7d",
    "near_limit",
    "quota_pressure_7d",
    "buyer_value_7d",
    "buyers_per_address",
    "buyers_per_phone",
    "consignees_per_buyer",
    "phones_per_buyer",
    "paid_after_shipment",
    "payment_missing",
    "enterprise_age_days",
    "enterprise_orders_30d",
    "filing_changes_90d",
    "returns_90d",
    "hs_category_risk",
    "product_safety_hits",
    "agency_signals",
)
"""Every feature :func:`features` returns, in a stable order (model column order)."""


@dataclass(frozen=True, slots=True)
class Line:
    """One goods line of a declaration.

    Attributes:
        hs_code: 10-digit HS code.
        sku: the platform's item number.
        qty: declared quantity.
        unit_price: declared unit price (CNY).
        total: line total (CNY).
        gross_weight: kg, None when not declared.
        net_weight: kg, None when not declared.
        barcode: the item's barcode ("" when none).
        brand: the brand, None when not declared.
    """

    hs_code: str
    sku: str
    qty: Decimal
    unit_price: Decimal
    total: Decimal
    gross_weight: Decimal | None = None
    net_weight: Decimal | None = None
    barcode: str = ""
    brand: str | None = None


@dataclass(frozen=True, slots=True)
class Declaration:
    """What the risk engine knows about one declaration (an order with its inventory).

    Attributes:
        key: stable key, e.g. ``"ebpCode|orderNo"``; the sampling draw hashes it.
        trade_mode: customs procedure code (``1210``, ``9610`` …).
        direction: ``"import"`` or ``"export"``.
        declared_at: when it was declared (timezone-aware); "now" for the features.
        buyer_hash: keyed hash of the buyer's ID number.
        consignee_address_hash: keyed hash of the normalised consignee address.
        phone_hash: keyed hash of the buyer's / consignee's phone.
        enterprise_code: the seller (import) or consignor (export).
        agent_code: the declaring agent.
        country: origin (import) or destination (export) country code.
        lines: the goods lines.
        taxable_price: the order's dutiable price (CNY).
        paid_at: when the payment was made, None when not known.
        shipped_at: when the goods were shipped, None when not known.
        enterprise_age_days: days since the enterprise registered with customs.
        credit_grade: the enterprise's customs credit grade, None when not known.
        filing_changes_90d: changes to the enterprise's filing in the last 90 days.
        returns_90d: returns on the enterprise's orders in the last 90 days.
    """

    key: str
    trade_mode: str
    direction: Literal["import", "export"]
    declared_at: datetime
    buyer_hash: str
    consignee_address_hash: str
    phone_hash: str
    enterprise_code: str
    agent_code: str
    country: str
    lines: tuple[Line, ...]
    taxable_price: Decimal
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    enterprise_age_days: int = 0
    credit_grade: str | None = None
    filing_changes_90d: int = 0
    returns_90d: int = 0

    def __post_init__(self) -> None:
        if self.declared_at.tzinfo is None:
            raise ValueError("declared_at must be timezone-aware")
        if self.direction not in ("import", "export"):
            raise ValueError(f"direction must be import or export, not {self.direction!r}")


@dataclass(frozen=True, slots=True)
class BuyerOrder:
    """One recent declaration of the same buyer (not the one assessed)."""

    key: str
    declared_at: datetime
    taxable_price: Decimal
    consignee_address_hash: str
    phone_hash: str


@dataclass(frozen=True, slots=True)
class ContactOrder:
    """A recent declaration sharing the address or the phone, with its buyer."""

    key: str
    declared_at: datetime
    buyer_hash: str


@dataclass(frozen=True, slots=True)
class PriceStats:
    """Robust statistics of a reference price: median, median absolute deviation and count."""

    median: Decimal
    mad: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class SafetyEntry:
    """An entry of a product-safety list (recall, risk warning); at least one of the matchers is set.

    Attributes:
        reason: why the product is listed.
        barcode: exact barcode.
        brand: brand (compared case-insensitively).
        hs_prefix: leading digits of the HS code.
    """

    reason: str
    barcode: str | None = None
    brand: str | None = None
    hs_prefix: str | None = None

    def matches(self, line: Line) -> bool:
        """Return whether the line is listed (every matcher that is set must agree)."""
        checks: list[bool] = []
        if self.barcode:
            checks.append(line.barcode == self.barcode)
        if self.brand:
            checks.append(line.brand is not None and line.brand.casefold() == self.brand.casefold())
        if self.hs_prefix:
            checks.append(line.hs_code.startswith(self.hs_prefix))
        return bool(checks) and all(checks)


@dataclass(frozen=True, slots=True)
class AgencySignal:
    """A signal from another agency (market regulator, tax, police) on the enterprise or the buyer."""

    subject: Literal["enterprise", "buyer"]
    source: str
    code: str
    description: str = ""


_EMPTY: Mapping[str, PriceStats] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class History:
    """What the caller loaded around one declaration.

    Attributes:
        buyer_orders: the buyer's recent declarations (at least the last 30 days).
        address_orders: recent declarations to the same consignee address.
        phone_orders: recent declarations with the same phone.
        price_hs6: reference unit price per HS6.
        price_sku: reference unit price per SKU.
        value_per_kg_hs6: reference value per kg of net weight per HS6.
        safety_list: product-safety list entries.
        agency_signals: agency signals on the enterprise or the buyer.
        enterprise_orders_30d: the enterprise's declarations in the last 30 days.
    """

    buyer_orders: tuple[BuyerOrder, ...] = ()
    address_orders: tuple[ContactOrder, ...] = ()
    phone_orders: tuple[ContactOrder, ...] = ()
    price_hs6: Mapping[str, PriceStats] = field(default_factory=lambda: _EMPTY)
    price_sku: Mapping[str, PriceStats] = field(default_factory=lambda: _EMPTY)
    value_per_kg_hs6: Mapping[str, PriceStats] = field(default_factory=lambda: _EMPTY)
    safety_list: tuple[SafetyEntry, ...] = ()
    agency_signals: tuple[AgencySignal, ...] = ()
    enterprise_orders_30d: int = 0


def robust_z(value: Decimal, stats: PriceStats | None, params: RiskParameters) -> float | None:
    """Return the robust z-score ``(value − median) / (1.4826 × MAD)``, None without enough data.

    The MAD is floored at ``mad_floor_ratio × median`` so a constant history does not divide by 0.

    >>> from datetime import date
    >>> p = RiskParameters(on=date(2026, 1, 1), single_transaction_limit=Decimal(5000))
    >>> round(robust_z(Decimal(50), PriceStats(Decimal(100), Decimal(10), 20), p), 2)
    -3.37
    """
    if stats is None or stats.count < params.min_reference_count or stats.median <= 0:
        return None
    mad = max(stats.mad, stats.median * params.mad_floor_ratio)
    return float((value - stats.median) / (mad * Decimal(str(MAD_SCALE))))


def _min_or(values: Iterable[float | None], default: float) -> float:
    found = [v for v in values if v is not None]
    return min(found) if found else default


def _ratio(value: Decimal, stats: PriceStats | None, params: RiskParameters) -> float | None:
    if stats is None or stats.count < params.min_reference_count or stats.median <= 0:
        return None
    return float(value / stats.median)


def _within(at: datetime, now: datetime, window: timedelta) -> bool:
    return now - window < at <= now


def features(declaration: Declaration, history: History, params: RiskParameters) -> dict[str, float]:
    """Compute the declaration's risk features.

    Counts over a window include the declaration itself (``buyer_orders_24h`` is at least 1).
    Price features are 0 when the reference has too few observations; the z-scores and ratios
    report the most undervalued line (the minimum).

    Args:
        declaration: the declaration assessed.
        history: what the caller loaded around it.
        params: the risk parameters in force on its date.

    Returns:
        Every name of :data:`FEATURE_NAMES` with its value.
    """
    d, now = declaration, declaration.declared_at
    day, week = timedelta(hours=24), timedelta(days=7)
    contact_window = timedelta(days=params.contact_window_days)
    limit = params.single_transaction_limit
    near_floor = limit * (1 - params.near_limit_band)

    def near(price: Decimal) -> bool:
        return near_floor <= price <= limit

    buyer = [o for o in history.buyer_orders if o.key != d.key and o.declared_at <= now]
    buyer_24h = [o for o in buyer if _within(o.declared_at, now, day)]
    buyer_7d = [o for o in buyer if _within(o.declared_at, now, week)]
    buyer_window = [o for o in buyer if _within(o.declared_at, now, contact_window)]

    def buyers_sharing(orders: tuple[ContactOrder, ...]) -> float:
        recent = (o for o in orders if o.key != d.key and _within(o.declared_at, now, contact_window))
        return float(len({o.buyer_hash for o in recent} | {d.buyer_hash}))

    lines = d.lines
    net_total = sum((line.net_weight for line in lines if line.net_weight is not None), Decimal(0))
    weight_missing = sum(1 for line in lines if line.net_weight is None or line.gross_weight is None)
    value_per_kg_z: float | None = None
    if lines and weight_missing == 0 and net_total > 0:
        hs6 = lines[0].hs_code[:6]
        if all(line.hs_code[:6] == hs6 for line in lines):
            total = sum((line.total for line in lines), Decimal(0))
            value_per_kg_z = robust_z(total / net_total, history.value_per_kg_hs6.get(hs6), params)
    categories = [params.hs_category(line.hs_code) for line in lines]

    return {
        "taxable_price": float(d.taxable_price),
        "line_count": float(len(lines)),
        "unit_value_z_hs6": _min_or(
            (robust_z(line.unit_price, history.price_hs6.get(line.hs_code[:6]), params) for line in lines),
            0.0,
        ),
        "unit_value_ratio_hs6": _min_or(
            (_ratio(line.unit_price, history.price_hs6.get(line.hs_code[:6]), params) for line in lines), 1.0
        ),
        "unit_value_z_sku": _min_or(
            (robust_z(line.unit_price, history.price_sku.get(line.sku), params) for line in lines), 0.0
        ),
        "unit_value_ratio_sku": _min_or(
            (_ratio(line.unit_price, history.price_sku.get(line.sku), params) for line in lines), 1.0
        ),
        "value_per_kg_z_hs6": value_per_kg_z or 0.0,
        "net_exceeds_gross_lines": float(
            sum(
                1
                for line in lines
                if line.net_weight is not None
                and line.gross_weight is not None
                and line.net_weight > line.gross_weight
            )
        ),
        "weight_missing_lines": float(weight_missing),
        "buyer_orders_24h": float(len(buyer_24h) + 1),
        "buyer_orders_7d": float(len(buyer_7d) + 1),
        "near_limit": 1.0 if near(d.taxable_price) else 0.0,
        "quota_pressure_7d": float(sum(1 for o in buyer_7d if near(o.taxable_price)) + near(d.taxable_price)),
        "buyer_value_7d": float(sum((o.taxable_price for o in buyer_7d), d.taxable_price)),
        "buyers_per_address": buyers_sharing(history.address_orders),
        "buyers_per_phone": buyers_sharing(history.phone_orders),
        "consignees_per_buyer": float(
            len({o.consignee_address_hash for o in buyer_window} | {d.consignee_address_hash})
        ),
        "phones_per_buyer": float(len({o.phone_hash for o in buyer_window} | {d.phone_hash})),
        "paid_after_shipment": (
            1.0 if d.paid_at is not None and d.shipped_at is not None and d.paid_at > d.shipped_at else 0.0
        ),
        "payment_missing": 1.0 if d.paid_at is None else 0.0,
        "enterprise_age_days": float(d.enterprise_age_days),
        "enterprise_orders_30d": float(history.enterprise_orders_30d),
        "filing_changes_90d": float(d.filing_changes_90d),
        "returns_90d": float(d.returns_90d),
        "hs_category_risk": max((c.risk for c in categories if c is not None), default=0.0),
        "product_safety_hits": float(
            sum(1 for line in lines if any(entry.matches(line) for entry in history.safety_list))
        ),
        "agency_signals": float(len(history.agency_signals)),
    }
