"""The web UI in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Each role logs in with its key, walks every page, uses the filters, opens a declaration, works an alert
into a closed case and switches language; an enterprise cannot open another's order by URL.
Screenshots of the main pages go to ``test-artifacts/screenshots/`` and the server's page timings
(the ``Server-Timing`` header) to ``test-artifacts/page-timings-<role>.txt``.

Without Chromium the tests are skipped, unless ``CBEC_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which
makes a missing browser a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from cbec.api.app import create_app
from cbec.config import Settings
from tests.clearance.support import Line, Zone
from tests.factories import make_ric

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NEAR_LIMIT = Line(qty="2", price="2400")

pytestmark = pytest.mark.slow

if not Path(CHROMIUM).exists():
    if os.environ.get("CBEC_REQUIRE_BROWSER") == "1":
        raise RuntimeError("CBEC_REQUIRE_BROWSER=1 but Debian's chromium is not installed")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The platform served by uvicorn in a thread, on the test database."""
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:  # noqa: PLR2004
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


class Timings:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float]] = []

    def watch(self, page: Any) -> None:
        def on_response(response: Any) -> None:
            header = response.headers.get("server-timing", "")
            if header.startswith("app;dur="):
                self.rows.append((response.url.split("//", 1)[1].split("/", 1)[1], float(header[8:])))

        page.on("response", on_response)

    def write(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        with (ARTIFACTS / f"page-timings-{name}.txt").open("w", encoding="utf-8") as out:
            for url, ms in self.rows:
                out.write(f"{name}\t/{url}\t{ms:.1f} ms\n")


def _shot(page: Any, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _login(browser: Any, base: str, key: str, timings: Timings) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    timings.watch(page)
    page.goto(f"{base}/")
    assert page.url.endswith("/login")
    page.fill("#api-key", key)
    page.click("#login-button")
    page.wait_for_load_state("networkidle")
    return page


def test_customs_works_an_alert_into_a_closed_case_and_uses_every_console_page(
    zone: Zone, server: str, browser: Any
) -> None:
    zone.set_engine(inspection_rate=Decimal(1))
    buyer = make_ric(501)
    specs = [zone.send_set(zone.spec(lines=(NEAR_LIMIT,), buyer_id=buyer)) for _ in range(3)]
    timings = Timings()
    page = _login(browser, server, zone.customs, timings)
    assert page.url.endswith("/console")
    _shot(page, "console-home")

    # declarations: filter by order number (HTMX swaps the table), open one
    page.click("text=申报清单")
    page.fill("#filter-q", specs[0].order_no)
    page.click("#filter-submit")
    page.wait_for_function(
        "n => document.querySelectorAll('#declarations-table a.decl-link').length === n", arg=1
    )
    assert page.inner_text("#declarations-table").count(specs[0].order_no) == 1
    page.select_option("#filter-state", "inspecting")
    page.wait_for_load_state("networkidle")
    _shot(page, "console-declarations")
    page.fill("#filter-q", "")
    page.click("#filter-submit")
    page.wait_for_load_state("networkidle")
    page.click(f"a.decl-link:text('{specs[-1].order_no}')")
    page.wait_for_selector("#declaration-title")
    assert "查验" in page.inner_text("#declaration-state")
    assert page.is_visible("#history") and page.is_visible("#risk")
    _shot(page, "console-declaration")

    # the alert queue: open a case on the split-order alert; then close it as detained
    page.click("text=风险预警")
    page.wait_for_selector("#alerts-table")
    row = page.locator("#alerts-table tr", has_text="RISK.SPLIT.NEAR_LIMIT").first
    row.locator("button.open-case").click()
    page.wait_for_selector("tr.done")
    _shot(page, "console-alerts")
    page.click("text=查验案件")
    page.wait_for_selector("form.close-case")
    form = page.locator("form.close-case").first
    form.locator("select.case-result").select_option("detained_other")
    form.locator("button.close-button").click()
    page.wait_for_selector(".case-closed-result")
    assert "其它扣留" in page.inner_text(".case-closed-result")
    _shot(page, "console-cases")

    for label, shot in (("信用", "console-credit"), ("备案企业", "console-enterprises")):
        page.click(f"header nav >> text={label}")
        page.wait_for_load_state("networkidle")
        _shot(page, shot)
    assert page.is_visible("#enterprises-table")

    # English, and back
    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert "Enterprises" in page.inner_text("h1")
    page.click("#lang-switch")
    page.wait_for_load_state("networkidle")
    assert "备案企业" in page.inner_text("h1")
    timings.write("customs")


def test_an_enterprise_uses_its_portal_and_cannot_open_another_s_order(
    zone: Zone, server: str, browser: Any
) -> None:
    spec = zone.send_set(zone.spec())
    zone.worker.sweep()  # its statistics
    outsider = zone.factory.file("某某无关电商企业有限公司", ["ebc"])
    timings = Timings()
    page = _login(browser, server, zone.platform.key, timings)
    assert page.url.endswith("/portal")
    assert zone.platform.name in page.inner_text("#portal-title")
    _shot(page, "portal-home")
    for label, shot in (
        ("我的订单", "portal-orders"),
        ("回执", "portal-receipts"),
        ("税单", "portal-tax"),
        ("信用", "portal-credit"),
        ("我的统计", "portal-stats"),
    ):
        page.click(f"header nav >> text={label}")
        page.wait_for_load_state("networkidle")
        _shot(page, shot)
    page.click("header nav >> text=我的订单")
    page.click(f"a.decl-link:text('{spec.order_no}')")
    page.wait_for_selector("#declaration-title")
    order_url = page.url
    assert "放行" in page.inner_text("#declaration-state")

    # upload a message through the portal
    page.click("header nav >> text=上传报文")
    sender, body = zone.documents(zone.spec())["order"]
    page.set_input_files("#submit-file", {"name": "order.xml", "mimeType": "application/xml", "buffer": body})
    page.click("#submit-button")
    page.wait_for_selector("#submit-answer")
    assert "<returnStatus>2</returnStatus>" in page.inner_text("#submit-answer")
    _shot(page, "portal-submit")
    page.context.close()

    other = _login(browser, server, outsider.key, timings)
    response = other.goto(order_url)
    assert response is not None and response.status == 404
    assert spec.order_no not in other.content()
    timings.write("enterprise")


def test_the_operator_reads_the_zone_dashboard_on_a_laptop_and_a_large_display(
    zone: Zone, server: str, browser: Any
) -> None:
    for _ in range(4):
        zone.send_set(zone.spec())
    zone.worker.sweep()  # statistics follow the clearance events
    timings = Timings()
    page = _login(browser, server, zone.factory.operator_key, timings)
    page.click("header nav >> text=综试区大屏")
    page.wait_for_selector("#dashboard[data-drawn='yes']")
    assert page.inner_text("#kpi-count .v") == "4"
    assert page.locator("#chart-trend canvas").count() == 1
    _shot(page, "dashboard-laptop")
    page.select_option("#dash-direction", "export")  # HTMX swaps the figures; the charts redraw
    page.wait_for_function("document.querySelector('#kpi-count .v').innerText === '0'")
    page.select_option("#dash-direction", "")
    page.wait_for_function("document.querySelector('#kpi-count .v').innerText === '4'")
    page.set_viewport_size({"width": 2560, "height": 1440})
    _shot(page, "dashboard-large-display")
    page.click("#lang-switch")
    page.wait_for_selector("#dashboard[data-drawn='yes']")
    assert "Zone dashboard" in page.inner_text("h1")
    _shot(page, "dashboard-english")
    timings.write("operator")
