"""Score KCS rows with the platform's own engine: ``cbec.risk.scoring.assess`` (rules + model).

Each row becomes a ``Declaration`` (§6: seller -> enterprise, declarant -> agent, importer -> buyer,
one goods line ``hs6 + "0000"``, net mass, price) and a ``History`` whose reference prices per HS6
(unit value and value per kg) come from the train split only. KCS has no address, phone, payment or
shipping data, and its prices are not CNY, so most platform features are constant on it; the point is
to run the production code path, not to win the benchmark.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from cbec.risk import model as risk_model
from cbec.risk.benchmark.dataset import KcsRow
from cbec.risk.features import Declaration, History, Line, PriceStats, features
from cbec.risk.params import load_risk_parameters
from cbec.risk.rules import load_rules
from cbec.risk.scoring import assess

__all__ = ["PlatformScorer", "to_declaration"]


def _dec(x: float) -> Decimal:
    return Decimal(repr(x))


def to_declaration(row: KcsRow) -> Declaration:
    price = _dec(row.item_price)
    mass = _dec(row.net_mass) if row.net_mass > 0 else None
    return Declaration(
        key=row.declaration_id,
        trade_mode="9610",
        direction="import",
        declared_at=datetime.fromisoformat(row.date).replace(hour=12, tzinfo=UTC),
        buyer_hash=row.importer_id,
        consignee_address_hash="",
        phone_hash="",
        enterprise_code=row.seller_id,
        agent_code=row.declarant_id,
        country=row.country_of_origin,
        lines=(
            Line(
                hs_code=row.hs6 + "0000",
                sku=row.hs6,
                qty=Decimal(1),
                unit_price=price,
                total=price,
                net_weight=mass,
                gross_weight=mass,
            ),
        ),
        taxable_price=price,
    )


def _stats(values: list[float]) -> PriceStats:
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    return PriceStats(_dec(med), _dec(mad), len(values))


class PlatformScorer:
    """``assess`` with the shipped rule set and a model trained on the platform features of train."""

    def __init__(self, train: Sequence[KcsRow], valid: Sequence[KcsRow], *, on: date) -> None:
        unit: dict[str, list[float]] = defaultdict(list)
        per_kg: dict[str, list[float]] = defaultdict(list)
        for r in train:
            unit[r.hs6].append(r.item_price)
            if r.net_mass > 0:
                per_kg[r.hs6].append(r.item_price / r.net_mass)
        self.history = History(
            price_hs6={hs: _stats(v) for hs, v in unit.items()},
            value_per_kg_hs6={hs: _stats(v) for hs, v in per_kg.items()},
        )
        self.params = load_risk_parameters(on)
        self.rules = load_rules(on=on)
        self.model = risk_model.train(
            [self.features(r) for r in train],
            [r.fraud for r in train],
            valid=([self.features(r) for r in valid], [r.fraud for r in valid]),
        )

    def features(self, row: KcsRow) -> dict[str, float]:
        return features(to_declaration(row), self.history, self.params)

    def scores(self, rows: Sequence[KcsRow], *, with_model: bool = True) -> list[float]:
        model = self.model if with_model else None
        return [
            assess(to_declaration(r), self.history, rules=self.rules, params=self.params, model=model).score
            for r in rows
        ]
