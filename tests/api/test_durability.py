"""Nothing accepted is lost: kill the server process right after it answers 200."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.config import Settings
from cbec.messages.models import Document, Message, RawMessage
from cbec.registry import service as registry
from cbec.registry.schemas import EnterpriseCreate
from cbec.store.session import unit_of_work
from tests.factories import Filed, ceb311, make_customs_code, make_ric, make_uscc, new_guid

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _file(settings: Settings, name: str, roles: list[str]) -> Filed:
    code, customs = make_uscc(), make_customs_code()
    with unit_of_work(settings) as session:
        filing = registry.file_enterprise(
            session,
            EnterpriseCreate(uscc=code, customs_code=customs, name=name, roles=roles),
            actor="test",  # type: ignore[arg-type]
        )
        _row, key = auth.create_key(
            session, name=name, role=CallerRole.enterprise, enterprise=filing, created_by="t"
        )
    return Filed(code, customs, name, key, "DXPENT0000000001")


def _start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CBEC_DATABASE_URL": settings.database_url,
        "CBEC_ENVIRONMENT": "testing",
        "CBEC_EMBEDDED_WORKER": os.environ.get("CBEC_TEST_EMBEDDED_WORKER", "false"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "cbec.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:  # noqa: PLR2004
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def test_the_acceptance_flow_as_an_outside_client_over_http(settings: Settings, operator_key: str) -> None:
    """File three enterprises, send 311/411/511 and the duplicate/resend/403/XXE cases over real HTTP."""
    from tests.api.test_messages import check_three_documents_flow
    from tests.factories import Factory

    port = _free_port()
    proc = _start_server(settings, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            check_three_documents_flow(Factory(client, operator_key), client)  # type: ignore[arg-type]
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def own_database(settings: Settings, tmp_path: Path) -> Settings:
    """On SQLite the killed server gets a database file of its own, apart from the suite's shared one."""
    if not settings.is_sqlite:
        return settings
    own = Settings(
        database_url=f"sqlite:///{tmp_path / 'killed.db'}",
        environment=settings.environment,
        embedded_worker=False,
    )
    from cbec.store import migrate

    migrate.upgrade(own)
    return own


def test_a_message_answered_200_survives_a_kill(own_database: Settings) -> None:
    settings = own_database
    platform = _file(settings, "平台有限公司", ["ebp", "ebc"])
    payer = _file(settings, "支付有限公司", ["payment"])
    buyer = make_ric(555)
    guids = [new_guid() for _ in range(5)]
    port = _free_port()
    proc = _start_server(settings, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for i, guid in enumerate(guids):
                body = ceb311(platform, platform, payer, order_no=f"KILL{i:04d}", guid=guid, buyer_id=buyer)
                r = client.post(
                    "/api/v1/messages",
                    content=body,
                    headers={"Authorization": f"Bearer {platform.key}", "Content-Type": "application/xml"},
                )
                assert r.status_code == 200  # noqa: PLR2004
        os.kill(proc.pid, signal.SIGKILL)  # right after the last 200
    finally:
        proc.kill()
        proc.wait()
    with unit_of_work(settings) as session:
        stored = set(session.scalars(select(Message.guid)).all())
        assert set(guids) <= stored
        assert len(session.scalars(select(RawMessage)).all()) == len(guids)
        assert {d.status for d in session.scalars(select(Document)).all()} == {"accepted"}
    if settings.is_sqlite:
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        for file in (path, Path(f"{path}-wal")):
            if file.exists():
                assert buyer.encode() not in file.read_bytes()
