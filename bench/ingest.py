"""Access point throughput: full ``AccessPoint.submit`` (store raw → checks → documents → receipts)
against a baseline of the codec alone (parse + XSD + field rules), in the same process and run.

    .venv/bin/python bench/ingest.py [N] [database-url]

Prints messages/s and µs/message for both and their ratio.  SQLite file in a temp dir by default.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.factories import Filed, ceb311, make_customs_code, make_uscc  # noqa: E402

from cbec.auth import service as auth  # noqa: E402
from cbec.auth.enums import CallerRole  # noqa: E402
from cbec.config import Environment, Settings  # noqa: E402
from cbec.logging import configure_logging  # noqa: E402
from cbec.messages.ceb import field_findings, parse_xml, xsd_findings  # noqa: E402
from cbec.messages.ingest import AccessPoint, Submission  # noqa: E402
from cbec.registry import service as registry  # noqa: E402
from cbec.registry.schemas import EnterpriseCreate  # noqa: E402
from cbec.store import migrate  # noqa: E402
from cbec.store.session import session_factory, unit_of_work  # noqa: E402


def _file(settings: Settings, name: str, roles: list[str]) -> tuple[Filed, auth.Caller]:
    code, customs = make_uscc(), make_customs_code()
    with unit_of_work(settings) as session:
        filing = registry.file_enterprise(
            session,
            EnterpriseCreate(uscc=code, customs_code=customs, name=name, roles=roles),  # type: ignore[arg-type]
            actor="bench",
        )
        row, key = auth.create_key(
            session, name=name, role=CallerRole.enterprise, enterprise=filing, created_by="b"
        )
        caller = auth.Caller(key_id=row.id, name=name, role=CallerRole.enterprise, enterprise_id=filing.id)
    return Filed(code, customs, name, key, "DXPENT0000000001"), caller


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"  # noqa: PLR2004
    settings = Settings(database_url=url, environment=Environment.testing, log_level="WARNING")
    configure_logging(settings)
    migrate.upgrade(settings)
    platform, caller = _file(settings, "平台", ["ebp", "ebc"])
    payer, _ = _file(settings, "支付", ["payment"])
    bodies = [ceb311(platform, platform, payer, order_no=f"B{i:08d}") for i in range(n)]

    start = time.perf_counter()
    for body in bodies:
        msg = parse_xml(body)
        assert not xsd_findings(msg)
        field_findings(msg)
    codec = time.perf_counter() - start

    access_point = AccessPoint(settings, session_factory(settings))
    half = n // 2
    start = time.perf_counter()
    for body in bodies[:half]:
        access_point.submit(caller, body, "application/xml")
    full = (time.perf_counter() - start) * n / half

    start = time.perf_counter()
    rest = bodies[half:]
    for i in range(0, len(rest), 200):
        access_point.submit_many([Submission(caller, b, "application/xml") for b in rest[i : i + 200]])
    batched = (time.perf_counter() - start) * n / len(rest)

    print(f"database: {url.split(':')[0]}  messages: {n} (CEB311, one record, one line)")  # noqa: T201
    print(f"baseline codec only : {n / codec:8.0f} msg/s  {codec / n * 1e6:8.0f} µs/msg")  # noqa: T201
    print(f"full access point   : {n / full:8.0f} msg/s  {full / n * 1e6:8.0f} µs/msg")  # noqa: T201
    print(f"ratio full / codec  : {full / codec:8.1f} x")  # noqa: T201
    print(f"batches of 200      : {n / batched:8.0f} msg/s  {batched / n * 1e6:8.0f} µs/msg")  # noqa: T201
    print(f"ratio batched/codec : {batched / codec:8.1f} x")  # noqa: T201


if __name__ == "__main__":
    main()
