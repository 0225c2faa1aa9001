"""Credit rating cost on a demo database: re-rating every enterprise, split into its parts.

    .venv/bin/python bench/credit.py [--db URL] [--orders N] [--repeat R]

Without ``--db`` it first runs the demo (N import orders, default 5,000) into a temporary SQLite file.
It then times, on the same database in the same run: reading the archive inputs of every enterprise
(``archive.gather`` in one pass, and one enterprise at a time as the event path does), applying the
model (``rating.rate``, pure), and the whole ``scores.rescore`` (inputs, rules, rating, history rows).

The last line is ``enterprises=<n> orders=<m> rescore_ms=<t> gather_share=<g> per_event_ms=<e>``:
``gather_share`` = the one-pass gather's time ÷ the whole re-rating's; ``per_event_ms`` = the mean
time to re-rate one enterprise on its own (what a fact posted or an appeal decided costs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import func, select  # noqa: E402

from cbec.clearance.models import ClearanceOrder  # noqa: E402
from cbec.config import Environment, Settings  # noqa: E402
from cbec.credit import archive, scores  # noqa: E402
from cbec.credit.rating import model_for, rate  # noqa: E402
from cbec.kernel.dates import utc_now  # noqa: E402
from cbec.store.session import unit_of_work  # noqa: E402


def _timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a fresh demo in a temporary SQLite file)")
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = args.db
    if url is None:
        from cbec.demo.run import run_demo

        url = f"sqlite:///{tempfile.mkdtemp()}/credit-bench.db"
        run_demo(Settings(database_url=url, environment=Environment.testing), orders=args.orders, exports=0)
    settings = Settings(database_url=url, environment=Environment.testing)
    with unit_of_work(settings) as session:
        everyone = archive.enterprises_to_rate(session)
        orders = session.scalar(select(func.count()).select_from(ClearanceOrder)) or 0
        at = utc_now()
        model = model_for(archive.day_of(at))
        inputs = archive.gather(session, everyone, at=at, window_days=model.window_days)
        gather_s = _timed(
            lambda: archive.gather(session, everyone, at=at, window_days=model.window_days), args.repeat
        )
        one_by_one_s = _timed(
            lambda: [archive.gather(session, [e], at=at, window_days=model.window_days) for e in everyone],
            args.repeat,
        )
        rate_s = _timed(lambda: [rate(inputs[e.id], model) for e in everyone], args.repeat)
        rescore_s = _timed(
            lambda: scores.rescore(session, everyone, trigger="bench", actor="bench"), args.repeat
        )
        session.rollback()
    n = len(everyone)
    print(f"gather (one pass, {n} enterprises): {gather_s * 1000:.1f} ms")  # noqa: T201
    print(f"gather one enterprise at a time: {one_by_one_s * 1000:.1f} ms ({one_by_one_s / gather_s:.1f}x)")  # noqa: T201
    print(f"rate (pure) for all: {rate_s * 1000:.2f} ms ({rate_s / n * 1e6:.0f} µs each)")  # noqa: T201
    print(f"rescore all: {rescore_s * 1000:.1f} ms")  # noqa: T201
    print(  # noqa: T201
        f"enterprises={n} orders={orders} rescore_ms={rescore_s * 1000:.1f} "
        f"gather_share={gather_s / rescore_s:.2f} per_event_ms={one_by_one_s / n * 1000:.1f}"
    )


if __name__ == "__main__":
    main()
