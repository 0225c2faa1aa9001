"""Reference prices (参考价格): robust statistics of the platform's own unit prices, per HS6 and per SKU.

Every accepted import declaration adds its lines' unit prices as observations; a declaration is
compared with the median and the median absolute deviation (MAD) of the most recent
``reference_window`` observations of its HS6 and of its seller's SKU (``sellerCode|itemNo`` — an
item number means nothing outside its seller). Median and MAD resist the very outliers we are
looking for: a burst of undervalued declarations moves a mean, not a median. The declaration being
assessed is never part of its own reference (observations are written after the assessment).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.risk.features import Declaration, PriceStats
from cbec.risk.models import PriceObservation

HS6 = "hs6"
SKU = "sku"


def robust_stats(values: Sequence[Decimal]) -> PriceStats | None:
    """Median, MAD and count of a sample (None when empty).

    >>> robust_stats([Decimal(10), Decimal(12), Decimal(11), Decimal(50)])
    PriceStats(median=Decimal('11.5'), mad=Decimal('1.0'), count=4)
    """
    if not values:
        return None
    median = statistics.median(values)
    mad = statistics.median([abs(v - median) for v in values])
    return PriceStats(median=Decimal(median), mad=Decimal(mad), count=len(values))


def sku_key(seller_code: str, item_no: str) -> str:
    """The key of a seller's SKU."""
    return f"{seller_code}|{item_no}"


def keys_of(declaration: Declaration) -> tuple[set[str], set[str]]:
    """The HS6 and SKU keys a declaration's lines are compared on (lines with a price only)."""
    lines = [line for line in declaration.lines if line.unit_price > 0]
    hs6 = {line.hs_code[:6] for line in lines if len(line.hs_code) >= 6}
    sku = {sku_key(declaration.enterprise_code, line.sku) for line in lines if line.sku}
    return hs6, sku


def observations(declaration: Declaration, *, order_id: str, at: datetime) -> list[dict[str, Any]]:
    """Rows to insert for an accepted declaration: one per priced line and key."""
    rows: list[dict[str, Any]] = []
    for line in declaration.lines:
        if line.unit_price <= 0:
            continue
        if len(line.hs_code) >= 6:
            rows.append({"kind": HS6, "key": line.hs_code[:6], "unit_price": line.unit_price})
        if line.sku:
            rows.append(
                {
                    "kind": SKU,
                    "key": sku_key(declaration.enterprise_code, line.sku),
                    "unit_price": line.unit_price,
                }
            )
    return [{**row, "observed_at": at, "order_id": order_id} for row in rows]


def load_stats(session: Session, kind: str, keys: Iterable[str], *, window: int) -> dict[str, PriceStats]:
    """Reference statistics of ``keys`` from their ``window`` most recent observations (one query)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=PriceObservation.key,
            order_by=(PriceObservation.observed_at.desc(), PriceObservation.id.desc()),
        )
        .label("rank")
    )
    recent = (
        select(PriceObservation.key, PriceObservation.unit_price, rank)
        .where(PriceObservation.kind == kind, PriceObservation.key.in_(wanted))
        .subquery()
    )
    by_key: dict[str, list[Decimal]] = {}
    for key, price in session.execute(
        select(recent.c.key, recent.c.unit_price).where(recent.c.rank <= window)
    ):
        by_key.setdefault(key, []).append(Decimal(price))
    return {key: stats for key, values in by_key.items() if (stats := robust_stats(values)) is not None}


class ReferencePrices:
    """Reference statistics cached for one clearance batch (each key loaded once)."""

    def __init__(self, session: Session, *, window: int) -> None:
        self.session = session
        self.window = window
        self._cache: dict[str, dict[str, PriceStats | None]] = {HS6: {}, SKU: {}}

    def _get(self, kind: str, keys: set[str]) -> dict[str, PriceStats]:
        cache = self._cache[kind]
        missing = keys - cache.keys()
        if missing:
            loaded = load_stats(self.session, kind, missing, window=self.window)
            cache.update({key: loaded.get(key) for key in missing})
        return {key: stats for key in keys if (stats := cache[key]) is not None}

    def for_declaration(
        self, declaration: Declaration
    ) -> tuple[Mapping[str, PriceStats], Mapping[str, PriceStats]]:
        """(per HS6, per item number of this seller) as :class:`cbec.risk.features.History` reads them."""
        hs6_keys, sku_keys = keys_of(declaration)
        hs6, sku = self._get(HS6, hs6_keys), self._get(SKU, sku_keys)
        prefix = f"{declaration.enterprise_code}|"
        return hs6, {key.removeprefix(prefix): stats for key, stats in sku.items()}
