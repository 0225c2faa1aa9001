"""The web pages over HTTP (no browser): login, every page per role, access rules, CSRF, language."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from cbec.web.i18n import strings
from tests.clearance.support import Zone


def _login(zone: Zone, key: str) -> TestClient:
    client = TestClient(zone.client.app, raise_server_exceptions=False)
    r = client.post("/login", data={"api_key": key}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def _csrf(page: str) -> str:
    found = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


def test_a_visitor_is_sent_to_login_and_a_bad_key_is_refused(zone: Zone) -> None:
    client = TestClient(zone.client.app, raise_server_exceptions=False)
    r = client.get("/", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    r = client.get("/console/declarations", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/console/declarations")
    r = client.post("/login", data={"api_key": "cbec_nothing_here"})
    assert r.status_code == 401 and "密钥无效" in r.text


def test_every_page_renders_for_its_role(zone: Zone) -> None:
    spec = zone.send_set(zone.spec())
    customs = _login(zone, zone.customs)
    assert customs.get("/", follow_redirects=False).headers["location"] == "/console"
    for path in (
        "/console",
        "/console/declarations",
        "/console/alerts",
        "/console/cases",
        "/console/credit",
        "/console/enterprises",
    ):
        r = customs.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        assert "Server-Timing" in r.headers
    listing = customs.get("/console/declarations", params={"q": spec.order_no})
    order_id = re.search(r'href="/console/declarations/([0-9a-f-]{36})"', listing.text)
    assert order_id is not None
    detail = customs.get(f"/console/declarations/{order_id.group(1)}")
    assert detail.status_code == 200 and spec.order_no in detail.text and "状态历史" in detail.text
    portal = _login(zone, zone.platform.key)
    for path in (
        "/portal",
        "/portal/orders",
        "/portal/receipts",
        "/portal/tax",
        "/portal/submit",
        "/portal/credit",
    ):
        r = portal.get(path)
        assert r.status_code == 200, (path, r.text[:300])
    assert spec.order_no in portal.get("/portal/orders").text
    assert portal.get("/console").status_code == 403  # an enterprise is not an officer


def test_an_enterprise_cannot_open_another_s_order_by_url(zone: Zone) -> None:
    spec = zone.send_set(zone.spec())
    customs = _login(zone, zone.customs)
    order_id = re.search(
        r'href="/console/declarations/([0-9a-f-]{36})"',
        customs.get("/console/declarations", params={"q": spec.order_no}).text,
    )
    assert order_id is not None
    outsider = zone.factory.file("某某无关电商企业有限公司", ["ebc"])
    other = _login(zone, outsider.key)
    r = other.get(f"/portal/orders/{order_id.group(1)}")
    assert r.status_code == 404 and spec.order_no not in r.text
    assert spec.order_no not in other.get("/portal/orders").text
    mine = _login(zone, zone.platform.key).get(f"/portal/orders/{order_id.group(1)}")
    assert mine.status_code == 200 and spec.order_no in mine.text
    report = other.get(f"/credit/{zone.platform.uscc}/report")
    assert report.status_code == 404


def test_posts_need_the_session_s_csrf_token(zone: Zone) -> None:
    portal = _login(zone, zone.platform.key)
    page = portal.get("/portal/submit").text
    sender, body = zone.documents(zone.spec())["order"]
    files = {"file": ("order.xml", body, "application/xml")}
    assert portal.post("/portal/submit", files=files).status_code == 403
    r = portal.post("/portal/submit", files=files, data={"csrf": _csrf(page)})
    assert r.status_code == 200 and "&lt;returnStatus&gt;2&lt;/returnStatus&gt;" in r.text


def test_the_language_switch_sticks(zone: Zone) -> None:
    customs = _login(zone, zone.customs)
    assert "申报清单" in customs.get("/console/declarations").text
    english = customs.get("/console/declarations", params={"lang": "en"})
    assert "Declarations" in english.text and "申报清单" not in english.text
    assert "Declarations" in customs.get("/console/declarations").text  # the cookie remembers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_key_the_templates_use_exists(lang: str) -> None:
    from pathlib import Path

    import cbec.web

    used: set[str] = set()
    for template in Path(cbec.web.__file__).parent.joinpath("templates").rglob("*.html"):
        used |= set(
            re.findall(r"""\bt\(["']([a-z_]+\.[a-z_.]+)["']\)""", template.read_text(encoding="utf-8"))
        )
    missing = sorted(used - set(strings()))
    assert missing == []
    assert all(strings()[k][lang] for k in used)


def test_the_dashboard_shows_the_zone_s_figures_and_an_enterprise_sees_only_its_own(zone: Zone) -> None:
    specs = [zone.send_set(zone.spec()) for _ in range(3)]
    zone.worker.sweep()  # the statistics facts follow the clearance events
    customs = _login(zone, zone.customs)
    page = customs.get("/dashboard")
    assert page.status_code == 200 and 'id="kpi-count"' in page.text
    count = re.search(r'id="kpi-count"><div class="v">([0-9,]+)<', page.text)
    assert count is not None and int(count.group(1).replace(",", "")) == len(specs)
    data = customs.get("/dashboard/data.json").json()
    assert sum(data["trend"]["count"]) == len(specs)
    assert data["enterprises"] is not None
    assert customs.get("/dashboard/public").status_code == 404  # off unless the operator turns it on
    portal = _login(zone, zone.platform.key)
    assert portal.get("/dashboard").status_code == 403
    mine = portal.get("/portal/stats/data.json").json()
    assert sum(mine["trend"]["count"]) == len(specs) and mine["enterprises"] is None
    outsider = _login(zone, zone.factory.file("某某无关电商企业有限公司", ["ebc"]).key)
    assert sum(outsider.get("/portal/stats/data.json").json()["trend"]["count"]) == 0


def test_the_dashboard_s_downloads_and_monthly_report_follow_the_caller_s_scope(zone: Zone) -> None:
    import io

    import openpyxl

    for _ in range(2):
        zone.send_set(zone.spec())
    zone.worker.sweep()
    customs = _login(zone, zone.customs)
    csv = customs.get("/dashboard/export", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == 31  # a header and the default 30 days
    report = customs.get("/dashboard/report")
    assert report.status_code == 200 and "<svg" in report.text
    outsider = _login(zone, zone.factory.file("某某无关电商企业有限公司", ["ebc"]).key)
    workbook = openpyxl.load_workbook(
        io.BytesIO(outsider.get("/dashboard/export", params={"format": "xlsx"}).content)
    )
    assert workbook.sheetnames  # a real workbook, of the outsider's own (empty) trade
    mine = _login(zone, zone.platform.key).get("/dashboard/export", params={"format": "csv"}).text
    theirs = outsider.get("/dashboard/export", params={"format": "csv"}).text
    assert mine != theirs
    assert outsider.get("/dashboard/report").status_code == 200


def test_other_agencies_read_the_dashboard_and_console_but_do_not_work_cases(zone: Zone) -> None:
    for role in ("tax", "market", "commerce", "forex"):
        agency = _login(zone, zone.agency_key(role))
        assert agency.get("/", follow_redirects=False).headers["location"] == "/console"
        for path in ("/dashboard", "/console", "/console/declarations", "/console/credit"):
            assert agency.get(path).status_code == 200, (role, path)
        assert agency.get("/console/alerts").status_code == 403
