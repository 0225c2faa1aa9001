"""Background entry point of the statistics: thin, idempotent, in its own unit of work."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from sqlalchemy.orm import Session

from cbec.stats.rollup import refresh
from cbec.store.session import unit_of_work

log = structlog.get_logger()


def refresh_facts(sessions: Callable[[], Session]) -> None:
    """Bring the statistics facts up to the latest events, in a transaction of its own.

    Called by the worker's sweep; a failure is logged and never holds up clearance (the next sweep
    carries on from the cursor)."""
    try:
        with unit_of_work(sessions=sessions) as session:
            result = refresh(session)
        if result.facts:
            log.info("stats.refresh", **result.as_dict())
    except Exception:
        log.exception("stats.refresh_failed")
