"""Clearance throughput: N orders (CEB311 + 411 + 511 + 621 each) from first ingest to last decision.

    .venv/bin/python bench/clearance.py --orders N [--db URL] [--workers K] [--batch B]

The messages are generated before the clock starts.  They enter through ``AccessPoint.submit_many``
(the function the HTTP API calls) in this process; K ``cbec worker`` processes clear them from the
outbox.  The clock runs from the first ingest to the moment every order has its final decision
committed.  The baseline, measured in the same run on the same database, is a raw bulk insert of the
4N raw-message rows the pipeline stores (COPY on PostgreSQL, executemany on SQLite).

The last line is ``orders_per_s=<x> copy_ratio=<r> peak_rss_mb=<m>``: ``copy_ratio`` = our orders/s ÷
the baseline's orders/s; ``peak_rss_mb`` = the largest worker process's peak resident memory.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import func, select, text  # noqa: E402

from cbec.clearance.enums import ClearanceState  # noqa: E402
from cbec.clearance.models import ClearanceOrder  # noqa: E402
from cbec.config import Environment, Settings  # noqa: E402
from cbec.demo.generator import demo_enterprises, demo_orders  # noqa: E402
from cbec.demo.run import _file_enterprises  # noqa: E402
from cbec.kernel.crypto import DataCipher  # noqa: E402
from cbec.logging import configure_logging  # noqa: E402
from cbec.messages.ingest import AccessPoint, Submission  # noqa: E402
from cbec.messages.models import OutboxEvent  # noqa: E402
from cbec.store import migrate  # noqa: E402
from cbec.store.session import get_engine, session_factory, unit_of_work  # noqa: E402
from cbec.zones import load_zone  # noqa: E402

DECIDED = [s.value for s in ClearanceState if s is not ClearanceState.waiting]


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _baseline(settings: Settings, bodies: list[bytes]) -> float:
    """Seconds to bulk-insert the raw rows the pipeline stores (encrypted payload + hash)."""
    cipher = DataCipher(settings.data_key_bytes, settings.data_key_id)
    rows = []
    for body in bodies:
        sha = hashlib.sha256(body).hexdigest()
        rows.append(
            (
                datetime.now(UTC),
                "bench",
                None,
                "application/xml",
                len(body),
                sha,
                cipher.key_id,
                cipher.encrypt(body, context=sha.encode()),
            )
        )
    engine = get_engine(settings)
    start = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cur:  # type: ignore[attr-defined]
                cur.execute("CREATE TEMP TABLE bench_raw (LIKE raw_messages INCLUDING DEFAULTS)")
                with cur.copy(
                    "COPY bench_raw (received_at, api_key_id, sender_enterprise_id, content_type, size, sha256, "
                    "key_id, payload) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
    else:
        with engine.begin() as conn:
            conn.execute(text("CREATE TEMP TABLE bench_raw AS SELECT * FROM raw_messages WHERE 0"))
            conn.connection.driver_connection.executemany(  # type: ignore[union-attr]
                "INSERT INTO bench_raw (received_at, api_key_id, sender_enterprise_id, content_type, size, sha256, "
                "key_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(r[0].isoformat(), *r[1:]) for r in rows],
            )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000, help="messages per ingest call")
    parser.add_argument("--no-risk", action="store_true", help="measure without risk scoring")
    args = parser.parse_args()
    configure_logging(Settings(log_level="WARNING"))
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    settings = Settings(database_url=url, environment=Environment.testing, inspection_rate=0)  # type: ignore[arg-type]
    if url.startswith("postgresql"):
        with get_engine(settings).begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(settings)
    zone = load_zone()
    enterprises = demo_enterprises(zone)
    callers = _file_enterprises(settings, enterprises)
    now = datetime.now(UTC)
    orders = list(demo_orders(zone, enterprises, n=args.orders, seed=7, now=now, fault_rate=0.0))
    items = [
        Submission(callers[sender.key], body, "application/xml")
        for o in orders
        for _t, sender, body in o.messages()
    ]
    print(
        f"database: {url.split(':')[0]}  orders: {len(orders)}  messages: {len(items)}  workers: {args.workers}"
    )

    env = {
        **os.environ,
        "CBEC_DATABASE_URL": url,
        "CBEC_ENVIRONMENT": "testing",
        "CBEC_INSPECTION_RATE": "0",
        "CBEC_WORKER_BATCH_SIZE": "1000",
        "CBEC_LOG_LEVEL": "WARNING",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "cbec.cli.main", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    time.sleep(2.0)  # let the workers start before the clock
    access_point = AccessPoint(settings, session_factory(settings))
    peak = 0.0
    start = time.perf_counter()
    ingest_done = 0.0
    for i in range(0, len(items), args.batch):
        access_point.submit_many(items[i : i + args.batch])
    ingest_done = time.perf_counter() - start
    decided = 0
    while True:
        with unit_of_work(settings) as session:
            decided = int(
                session.scalar(
                    select(func.count()).select_from(ClearanceOrder).where(ClearanceOrder.state.in_(DECIDED))
                )
                or 0
            )
            pending = int(
                session.scalar(
                    select(func.count()).select_from(OutboxEvent).where(OutboxEvent.published_at.is_(None))
                )
                or 0
            )
        peak = max([peak, *(_peak_rss_mb(w.pid) for w in workers)])
        if decided >= len(orders) and pending == 0:
            break
        if time.perf_counter() - start > 3600:  # noqa: PLR2004 - an hour is a hang
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    peak = max([peak, *(_peak_rss_mb(w.pid) for w in workers)])
    for w in workers:
        w.terminate()
    for w in workers:
        w.wait(timeout=30)
    baseline = _baseline(settings, [s.body for s in items])
    ours = len(orders) / elapsed
    base = len(orders) / baseline
    print(
        f"ingest: {ingest_done:.2f} s ({len(items) / ingest_done:.0f} msg/s); all decided after {elapsed:.2f} s; "
        f"decided {decided}/{len(orders)}"
    )
    print(f"baseline raw bulk insert of {len(items)} rows: {baseline:.2f} s ({base:.0f} orders/s)")
    print(f"orders_per_s={ours:.2f} copy_ratio={ours / base:.2f} peak_rss_mb={peak:.2f}")


if __name__ == "__main__":
    main()
