"""The credit report of one enterprise (信用报告): everything the archive holds and what follows from it.

One function gathers the report's content (used by the API's JSON and HTML forms and the CLI); the
HTML is a printable page rendered with Jinja2 (autoescaped), in Chinese with English labels beside.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from cbec.credit import appeals, measures, scores
from cbec.credit import service as credit
from cbec.credit.archive import day_of
from cbec.credit.rating import model_for, rate, rating_out
from cbec.kernel.dates import utc_now
from cbec.registry.models import Enterprise


@dataclass(frozen=True, slots=True)
class Report:
    enterprise: Enterprise
    at: datetime
    rating: dict[str, Any]  # the latest kept rating (or one computed now when none is kept)
    kept: bool
    history: list[dict[str, Any]]
    measures: dict[str, Any]
    facts: list[dict[str, Any]]
    listings: list[dict[str, Any]]
    appeals: list[dict[str, Any]]
    model_title: str


def build(session: Session, enterprise: Enterprise) -> Report:
    """The report as of now."""
    at = utc_now()
    day = day_of(at)
    latest = scores.latest_scores(session, [enterprise.id]).get(enterprise.id)
    if latest is not None:
        rating, kept = {**scores.score_out(latest)}, True
    else:  # never rated: compute now (not kept: the next event or the nightly run keeps one)
        from cbec.credit import archive  # noqa: PLC0415

        model = model_for(day)
        inputs = archive.gather(session, [enterprise], at=at, window_days=model.window_days)
        computed = rate(inputs[enterprise.id], model)
        rating = {
            "computed_at": at.isoformat(),
            "model_version": model.version,
            "score": str(computed.score),
            "grade": computed.grade,
            "trigger": "report",
            "explanation": rating_out(computed),
        }
        kept = False
    found = measures.measures_for(session, [enterprise.id], day)[enterprise.id]
    return Report(
        enterprise=enterprise,
        at=at,
        rating=rating,
        kept=kept,
        history=[scores.score_out(s) for s in scores.history(session, enterprise.id)[:24]],
        measures={
            **measures.measures_out(found),
            "sources_text": {k: measures.describe_source(v, day) for k, v in found.sources.items()},
        },
        facts=[credit.fact_out(f) for f in credit.facts(session, [enterprise.id])],
        listings=[credit.listing_out(x) for x in credit.listings(session, enterprise_ids=[enterprise.id])],
        appeals=[appeals.appeal_out(a) for a in appeals.appeals(session, enterprise_id=enterprise.id)],
        model_title=model_for(day).title,
    )


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("cbec.credit", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> str:
    """The printable HTML page."""
    return _environment().get_template("report.html").render(r=report)
