"""The demo's credit day: agencies post their ratings of the demo enterprises, three enterprises are
given a bad record, and everyone is rated with the active model (the same calls the API makes).

Which enterprise gets which rating is fixed by its position in the filing order (deterministic), so
two runs give the same grades. The bad records: a tax D level with a serious violation on the market
list, a customs dishonest level, and a black listing by market regulation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cbec.auth.enums import CallerRole
from cbec.config import Settings
from cbec.credit import archive, scores
from cbec.credit import service as credit
from cbec.credit.models import CreditFact
from cbec.credit.rating import explain
from cbec.demo.generator import DemoEnterprise
from cbec.kernel.dates import today
from cbec.registry import repository as registry_repo
from cbec.store.session import unit_of_work

ACTOR = "demo"
#: Ratings the agencies post, cycled over the clean enterprises.
_CUSTOMS = ("regular", "regular", "advanced_certified", "regular", "certified")
_TAX = ("A", "B", "B", "M", "A")
_FOREX = ("A", "A", "B", "A")


def _post(session: Any, enterprise: Any, kind: str, value: str, role: CallerRole, basis: str) -> None:
    credit.post_fact(
        session,
        enterprise,
        kind=kind,
        value=value,
        role=role,
        actor=f"{ACTOR}-{role.value}",
        effective_from=today(),
        basis=basis,
    )


def run_credit(
    settings: Settings, enterprises: list[DemoEnterprise], *, explained: int = 3
) -> dict[str, Any]:
    """Post the agencies' ratings (once per database), rate everyone, and summarise."""
    domestic = [e for e in enterprises if not e.overseas]
    bad_keys = [e.key for e in domestic if "platform" not in e.key][-3:]
    with unit_of_work(settings) as session:
        filed = {e.key: registry_repo.by_code(session, e.customs_code) for e in domestic}
        already = session.scalar(  # the agencies' demo ratings are posted once per database
            select(CreditFact.id)
            .where(CreditFact.kind == "tax_level", CreditFact.posted_by == f"{ACTOR}-tax")
            .limit(1)
        )
        if already is None:
            for i, e in enumerate(domestic):
                row = filed[e.key]
                if row is None:
                    continue
                _post(
                    session, row, "customs_level", _CUSTOMS[i % len(_CUSTOMS)], CallerRole.customs, "演示认定"
                )
                _post(session, row, "tax_level", _TAX[i % len(_TAX)], CallerRole.tax, "演示年度评价")
                _post(session, row, "forex_class", _FOREX[i % len(_FOREX)], CallerRole.forex, "演示分类")
            tax_d, dishonest, black = (filed[k] for k in bad_keys)
            _post(session, tax_d, "tax_level", "D", CallerRole.tax, "演示：偷税处理决定")
            _post(session, tax_d, "serious_violation", "listed", CallerRole.market, "演示：严重违法失信决定")
            _post(session, dishonest, "customs_level", "dishonest", CallerRole.customs, "演示：失信认定")
            assert black is not None
            credit.list_enterprise(
                session,
                black,
                list_name="black",
                reason="演示：销售假冒商品，严重违法失信",
                basis="演示：市场监管严重违法失信名单决定书",
                role=CallerRole.market,
                actor=f"{ACTOR}-market",
                effective_from=today(),
            )
    with unit_of_work(settings) as session:
        everyone = archive.enterprises_to_rate(session)
        rated = scores.rescore(session, everyone, trigger="demo", actor=ACTOR)
        by_id = {e.id: e for e in everyone}
        bad_ids = {filed[k].id for k in bad_keys if filed[k] is not None}  # type: ignore[union-attr]
        rows = sorted(rated.values(), key=lambda r: (r.score, by_id[r.enterprise_id].name))
        bad = [
            (by_id[r.enterprise_id].name, r.grade, str(r.score)) for r in rows if r.enterprise_id in bad_ids
        ]
        clean_grades = sorted({r.grade for r in rows if r.enterprise_id not in bad_ids})
        examples = [rows[0], rows[len(rows) // 2], rows[-1]][:explained]
        return {
            "model_version": rows[0].model_version if rows else None,
            "distribution": scores.distribution(session),
            "bad": bad,
            "clean_grades": clean_grades,
            "explained": [
                {
                    "enterprise": by_id[r.enterprise_id].name,
                    "grade": r.grade,
                    "score": str(r.score),
                    "lines": explain(scores.reproduce(r)),
                }
                for r in examples
            ],
        }
