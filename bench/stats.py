"""Statistics read cost on a demo database: the fact table against a direct query of the orders.

    .venv/bin/python bench/stats.py [--db URL] [--orders N] [--days D] [--repeat R]

Without ``--db`` it first lays down a demo history (N import orders over D days, defaults 5,000 and 30) into a
temporary SQLite file. It then times, on the same database in the same run:

* ``figures`` over the whole period (every headline figure: counts, value, tax, rates, exact p50/p95,
  active enterprises) and with a filter (imports of one trade mode);
* ``series`` by day and ``breakdown`` by country;
* a direct ``GROUP BY`` on ``clearance_orders`` (count and Σ tax by state) — the cheapest query that answers
  far less (no value, no country, no clearance time: those need the lists' JSON and the events);
* the full recomputation those figures need without the fact table (orders + lists + first events, the
  test suite's reference computation);
* ``rebuild`` of the facts and a ``refresh`` with nothing new.

The last line is ``declarations=<n> figures_ms=<t> groupby_ms=<g> ratio=<t/g> recompute_ms=<r> speedup=<r/t>``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from cbec.clearance.models import ClearanceOrder  # noqa: E402
from cbec.config import Environment, Settings  # noqa: E402
from cbec.kernel.dates import today  # noqa: E402
from cbec.stats import rollup, service  # noqa: E402
from cbec.stats.catalogue import load_catalogue  # noqa: E402
from cbec.store.session import unit_of_work  # noqa: E402


def _timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db")
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = args.db
    if url is None:
        from cbec.demo.run import run_demo

        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        settings = Settings(database_url=url, environment=Environment.testing, embedded_worker=False)
        run_demo(settings, orders=args.orders, days=args.days)
    settings = Settings(database_url=url, environment=Environment.testing, embedded_worker=False)
    end = today()
    start = end - timedelta(days=max(args.days, 30))
    with unit_of_work(settings) as session:
        rollup.refresh(session)
    with unit_of_work(settings) as session:
        n = service.figures(session, start=start, end=end)["count"]
        figures = _timed(lambda: service.figures(session, start=start, end=end), args.repeat)
        filtered = _timed(
            lambda: service.figures(session, start=start, end=end, direction="import", trade_mode="1210"),
            args.repeat,
        )
        series = _timed(lambda: service.series(session, start=start, end=end, grain="day"), args.repeat)
        breakdown = _timed(lambda: service.breakdown(session, start=start, end=end, by="country"), args.repeat)
        groupby = _timed(
            lambda: session.execute(
                select(ClearanceOrder.state, func.count(), func.sum(ClearanceOrder.tax_total)).group_by(
                    ClearanceOrder.state
                )
            ).all(),
            args.repeat,
        )
        from tests.stats.support import declarations, expected

        recompute = _timed(lambda: expected(declarations(session, load_catalogue())), 1)
        refresh = _timed(lambda: rollup.refresh(session), args.repeat)
    with unit_of_work(settings) as session:
        started = time.perf_counter()
        result = rollup.rebuild(session)
        rebuild = (time.perf_counter() - started) * 1000
    print(  # noqa: T201
        f"figures {figures:.1f} ms, filtered {filtered:.1f} ms, series/day {series:.1f} ms, "
        f"breakdown/country {breakdown:.1f} ms, refresh (nothing new) {refresh:.1f} ms, "
        f"rebuild {rebuild:.0f} ms ({result.facts} facts, {result.events} events)"
    )
    print(  # noqa: T201
        f"declarations={n} figures_ms={figures:.1f} groupby_ms={groupby:.1f} ratio={figures / groupby:.1f} "
        f"recompute_ms={recompute:.0f} speedup={recompute / figures:.0f}"
    )


if __name__ == "__main__":
    main()
