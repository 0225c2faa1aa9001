"""The clearance engine's risk hook: build the risk view of a decided inventory, score it and decide
whether it is inspected (``cbec.risk``: rules + optional model, differentiated sampling).

This replaces the placeholder random sample. The decision records its path (mandatory / targeted /
random) and the assessment keeps every rule hit with its explanation, so an officer can see why a
declaration was inspected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from cbec.kernel.crypto import DataCipher
from cbec.kernel.dates import SHANGHAI
from cbec.risk.features import (
    AgencySignal,
    BuyerOrder,
    ContactOrder,
    Declaration,
    History,
    Line,
    PriceStats,
    SafetyEntry,
)
from cbec.risk.params import RiskParameters, load_risk_parameters
from cbec.risk.rules import RuleSet, load_rules
from cbec.risk.sampling import SamplingDecision, SamplingParameters, decide, load_sampling_parameters
from cbec.risk.scoring import Model, RiskAssessment, assess

#: Rule actions that put an alert in the officers' queue.
ALERT_ACTIONS = frozenset({"alert", "hold", "must_inspect"})

#: How far back a buyer's earlier orders are read (the longest rule window is 30 days).
HISTORY_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class RiskOutcome:
    assessment: RiskAssessment
    decision: SamplingDecision

    def as_json(self) -> dict[str, Any]:
        return {
            # the full feature vector too: the training example once the inspection concludes
            "risk": {
                **self.assessment.to_dict(),
                "features": {k: round(v, 6) for k, v in self.assessment.features.items()},
            },
            "sampling": {
                "inspect": self.decision.inspect,
                "path": self.decision.path,
                "probability": str(self.decision.probability),
                "routine_rate": str(self.decision.routine_rate),
                "verified": self.decision.verified,
                "explanation": self.decision.explanation,
            },
        }


@lru_cache(maxsize=8)
def _parameters(day: date) -> tuple[RuleSet, RiskParameters, SamplingParameters]:
    return load_rules(on=day), load_risk_parameters(day), load_sampling_parameters(day)


def reference_window(day: date) -> int:
    """How many recent observations make a reference price on ``day`` (risk parameters)."""
    return load_risk_parameters(day).reference_window


def _dec(value: str | None) -> Decimal:
    try:
        return Decimal(value) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _ceb_time(value: str | None) -> datetime | None:
    if not value or len(value) < 14:  # noqa: PLR2004 - C14 YYYYMMDDhhmmss
        return None
    try:
        return datetime.strptime(value[:14], "%Y%m%d%H%M%S").replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


def declaration_of(
    key: str,
    inventory: Mapping[str, str],
    lines: Sequence[Mapping[str, str]],
    payment: Mapping[str, str] | None,
    *,
    declared_at: datetime,
    buyer_hash: str | None,
    taxable_price: Decimal,
    enterprise_age_days: int,
    cipher: DataCipher,
) -> Declaration:
    """An import inventory (heads decrypted) as the risk engine sees it."""
    return Declaration(
        key=key,
        trade_mode=inventory.get("tradeMode", ""),
        direction="import",
        declared_at=declared_at,
        buyer_hash=buyer_hash or "",
        consignee_address_hash=cipher.lookup_hash(inventory.get("consigneeAddress", "")),
        phone_hash=cipher.lookup_hash(inventory.get("buyerTelephone", "")),
        enterprise_code=inventory.get("ebcCode", ""),
        agent_code=inventory.get("agentCode", ""),
        country=inventory.get("country", ""),
        lines=tuple(
            Line(
                hs_code=line.get("gcode", ""),
                sku=line.get("itemNo", ""),
                qty=_dec(line.get("qty")),
                unit_price=_dec(line.get("price")),
                total=_dec(line.get("totalPrice")),
                barcode=line.get("barCode", ""),
            )
            for line in lines
        ),
        taxable_price=taxable_price,
        paid_at=_ceb_time(payment.get("payTime")) if payment else None,
        enterprise_age_days=enterprise_age_days,
    )


def assess_and_decide(
    declaration: Declaration,
    buyer_orders: Sequence[BuyerOrder],
    *,
    seed: int,
    credit_grade: str | None = None,
    credit_inspect: str | None = None,
    address_orders: Sequence[ContactOrder] = (),
    phone_orders: Sequence[ContactOrder] = (),
    safety_list: Sequence[SafetyEntry] = (),
    agency_signals: Sequence[AgencySignal] = (),
    price_hs6: Mapping[str, PriceStats] | None = None,
    price_sku: Mapping[str, PriceStats] | None = None,
    rules: RuleSet | None = None,
    model: Model | None = None,
) -> RiskOutcome:
    """Score the declaration and decide inspection (the one function the worker calls)."""
    day = declaration.declared_at.astimezone(SHANGHAI).date()
    shipped, risk_params, sampling_params = _parameters(day)
    rules = rules or shipped  # the version activated at run time, else the one shipped
    history = History(
        buyer_orders=tuple(buyer_orders),
        address_orders=tuple(address_orders),
        phone_orders=tuple(phone_orders),
        safety_list=tuple(safety_list),
        agency_signals=tuple(agency_signals),
        price_hs6=price_hs6 or {},
        price_sku=price_sku or {},
    )
    assessment = assess(declaration, history, rules=rules, params=risk_params, model=model)
    decision = decide(
        declaration.key,
        trade_mode=declaration.trade_mode,
        direction=declaration.direction,
        credit_grade=credit_grade,
        assessment=assessment,
        seed=seed,
        params=sampling_params,
        credit_inspect=credit_inspect,
    )
    return RiskOutcome(assessment, decision)


def draw_for(seed: int, key: str) -> Decimal:
    """The deterministic draw in [0, 1) of a declaration (the same one sampling uses)."""
    from cbec.risk.sampling import draw

    return draw(seed, key)
