"""Computing, keeping and reproducing composite credit ratings (信用评价), with history.

A rating is recomputed when something about the enterprise changes (a fact, a listing, an appeal
decided, an inspection finding) and nightly for everyone (``cbec credit recompute``). A new row is
kept only when the score, grade, model or inputs changed, so the history shows every change and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cbec.credit import archive, autolist
from cbec.credit.models import CreditScore
from cbec.credit.rating import Rating, RatingModel, model_for, model_version, rate, rating_out
from cbec.kernel.dates import utc_now
from cbec.registry.models import Enterprise


def rescore(
    session: Session,
    enterprises: Sequence[Enterprise],
    *,
    trigger: str,
    actor: str,
    at: datetime | None = None,
    model: RatingModel | None = None,
) -> dict[str, CreditScore]:
    """Rate the enterprises now (or at ``at``); return each one's current score row (new or unchanged)."""
    if not enterprises:
        return {}
    at = at or utc_now()
    model = model or model_for(archive.day_of(at))
    inputs = archive.gather(session, enterprises, at=at, window_days=model.window_days)
    listed = autolist.apply_rules(session, inputs, at)
    if listed:  # a new listing is part of the archive now: read it again for those enterprises
        again = [e for e in enterprises if e.id in {x.enterprise_id for x in listed}]
        inputs.update(archive.gather(session, again, at=at, window_days=model.window_days))
    latest = latest_scores(session, [e.id for e in enterprises])
    current: dict[str, CreditScore] = {}
    for enterprise in enterprises:
        rating = rate(inputs[enterprise.id], model)
        before = latest.get(enterprise.id)
        if before is not None and _same(before, rating, inputs[enterprise.id], model):
            current[enterprise.id] = before
            continue
        row = CreditScore(
            enterprise_id=enterprise.id,
            computed_at=at,
            as_of=archive.day_of(at),
            model_version=model.version,
            model_sha256=model.sha256,
            score=rating.score,
            grade=rating.grade,
            inputs=inputs[enterprise.id],
            explanation=rating_out(rating),
            trigger=trigger[:60],
            computed_by=actor,
        )
        session.add(row)
        current[enterprise.id] = row
    session.flush()
    return current


def _same(before: CreditScore, rating: Rating, inputs: dict[str, Any], model: RatingModel) -> bool:
    return (
        before.model_version == model.version
        and before.model_sha256 == model.sha256
        and Decimal(before.score) == rating.score
        and before.grade == rating.grade
        and before.inputs == inputs
    )


def latest_scores(session: Session, enterprise_ids: Iterable[str]) -> dict[str, CreditScore]:
    """Each enterprise's latest rating (one query; enterprises never rated are absent)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    ranked = (
        select(
            CreditScore.id,
            func.row_number()
            .over(
                partition_by=CreditScore.enterprise_id,
                order_by=(CreditScore.computed_at.desc(), CreditScore.id.desc()),
            )
            .label("n"),
        )
        .where(CreditScore.enterprise_id.in_(ids))
        .subquery()
    )
    rows = session.scalars(
        select(CreditScore).join(ranked, ranked.c.id == CreditScore.id).where(ranked.c.n == 1)
    )
    return {row.enterprise_id: row for row in rows}


def history(session: Session, enterprise_id: str) -> Sequence[CreditScore]:
    """Every rating kept for the enterprise, newest first."""
    return session.scalars(
        select(CreditScore)
        .where(CreditScore.enterprise_id == enterprise_id)
        .order_by(CreditScore.computed_at.desc(), CreditScore.id.desc())
    ).all()


def reproduce(score: CreditScore) -> Rating:
    """Recompute a kept rating from its stored inputs and its model version."""
    return rate(score.inputs, model_version(score.model_version))


def distribution(session: Session) -> dict[str, int]:
    """How many enterprises hold each grade now (their latest rating)."""
    ids = session.scalars(select(CreditScore.enterprise_id).distinct()).all()
    counts: dict[str, int] = {}
    for row in latest_scores(session, ids).values():
        counts[row.grade] = counts.get(row.grade, 0) + 1
    return dict(sorted(counts.items()))


def score_out(score: CreditScore) -> dict[str, Any]:
    return {
        "id": score.id,
        "computed_at": score.computed_at.isoformat(),
        "as_of": score.as_of.isoformat(),
        "model_version": score.model_version,
        "model_sha256": score.model_sha256,
        "score": str(score.score),
        "grade": score.grade,
        "trigger": score.trigger,
        "explanation": score.explanation,
    }


NIGHTLY = "credit.nightly"


def nightly(session: Session, now: datetime, *, actor: str = "worker") -> int | None:
    """Rate every enterprise once per Beijing day (the first worker sweep of the day does it).

    Returns how many were rated, or None when today's run is already done (an audit entry marks it,
    so a restart does not run it twice; two workers racing only repeat work, never change results)."""
    from cbec.audit import service as audit  # noqa: PLC0415
    from cbec.audit.models import AuditEvent  # noqa: PLC0415

    subject = f"credit-nightly:{archive.day_of(now).isoformat()}"
    done = session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == NIGHTLY, AuditEvent.subject == subject).limit(1)
    )
    if done is not None:
        return None
    from cbec.credit.buyers import flag_buyers  # noqa: PLC0415

    flagged = flag_buyers(session, now, actor=actor)
    rows = rescore(session, archive.enterprises_to_rate(session), trigger="nightly", actor=actor, at=now)
    audit.record(
        session, actor=actor, action=NIGHTLY, subject=subject, rated=len(rows), buyers_flagged=flagged
    )
    return len(rows)
