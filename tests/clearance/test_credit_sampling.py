"""The credit archive's first use: customs posts an enterprise's credit level, the level in force
sets its inspection-sampling grade; agencies post only their own kinds of fact; an enterprise reads
only its own archive."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cbec.clearance.service import EngineSettings
from cbec.cli.main import app
from cbec.credit import measures
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.messages import receipt_codes as rc
from tests.clearance.support import Zone, auth


def _sampling(zone: Zone) -> dict[str, Any]:
    spec = zone.send_set(zone.spec())
    sampling: dict[str, Any] = zone.lifecycle(spec.order_no)["assessment"]["sampling"]
    return sampling


def _post(zone: Zone, key: str, code: str, **body: Any) -> Any:
    return zone.client.post(f"/api/v1/credit/{code}/facts", json=body, headers=auth(key))


def test_the_customs_level_in_force_sets_the_sampling_grade(zone: Zone) -> None:
    zone.engine.settings = EngineSettings(match_wait=timedelta(hours=24), inspection_rate=None)
    baseline = Decimal(_sampling(zone)["routine_rate"])
    code = zone.platform.customs_code

    r = _post(
        zone, zone.customs, code, kind="customs_level", value="dishonest", basis="海关失信认定书2026-001"
    )
    assert r.status_code == 201, r.text
    fact = r.json()
    dishonest = _sampling(zone)
    assert Decimal(dishonest["routine_rate"]) >= Decimal("0.8") > baseline
    assert "失信" in dishonest["explanation"]

    archive = zone.client.get(f"/api/v1/credit/{code}", headers=auth(zone.customs)).json()
    assert archive["customs_level"]["code"] == "dishonest"
    assert archive["customs_level"]["sampling_grade"] == "dishonest"
    assert "282" in archive["customs_level"]["reference"]  # Order 282 is in force from 2026-04-01

    r = _post(zone, zone.customs, code, kind="customs_level", value="advanced_certified")
    assert r.status_code == 201, r.text
    assert Decimal(_sampling(zone)["routine_rate"]) < baseline  # the latest level wins

    # withdrawn facts no longer count; with the advanced level withdrawn, dishonest is in force again
    later = r.json()["id"]
    assert (
        zone.client.post(f"/api/v1/credit/facts/{later}/withdraw", headers=auth(zone.customs)).status_code
        == 200
    )
    assert Decimal(_sampling(zone)["routine_rate"]) >= Decimal("0.8")
    assert (
        zone.client.post(
            f"/api/v1/credit/facts/{fact['id']}/withdraw", headers=auth(zone.customs)
        ).status_code
        == 200
    )
    assert Decimal(_sampling(zone)["routine_rate"]) == baseline


def test_facts_are_checked_against_their_kind_and_poster(zone: Zone) -> None:
    code = zone.platform.customs_code
    tax = zone.agency_key("tax")
    assert _post(zone, tax, code, kind="customs_level", value="regular").status_code == 403
    assert _post(zone, zone.agent.key, code, kind="tax_level", value="A").status_code == 403
    r = _post(zone, tax, code, kind="tax_level", value="E")
    assert (r.status_code, r.json()["code"]) == (422, "VALIDATION_FAILED")
    assert _post(zone, tax, code, kind="tax_level", value="M").status_code == 201
    assert _post(zone, zone.customs, code, kind="bribes", value="x").status_code == 422
    # "other" is an Order 251 level: accepted before 2026-04-01, refused under Order 282
    assert (
        _post(
            zone, zone.customs, code, kind="customs_level", value="other", effective_from="2026-03-01"
        ).status_code
        == 201
    )
    today = utc_now().astimezone(SHANGHAI).date().isoformat()
    assert (
        _post(zone, zone.customs, code, kind="customs_level", value="other", effective_from=today).status_code
        == 422
    )
    # only the posting agency withdraws its fact
    fact = _post(zone, tax, code, kind="tax_level", value="B").json()
    assert (
        zone.client.post(
            f"/api/v1/credit/facts/{fact['id']}/withdraw", headers=auth(zone.customs)
        ).status_code
        == 403
    )


def test_an_enterprise_reads_only_its_own_archive(zone: Zone) -> None:
    tax = zone.agency_key("tax")
    assert _post(zone, tax, zone.agent.customs_code, kind="tax_level", value="A").status_code == 201
    own = zone.client.get(f"/api/v1/credit/{zone.agent.customs_code}", headers=auth(zone.agent.key))
    assert own.status_code == 200
    assert own.json()["in_force"]["tax_level"]["value"] == "A"
    other = zone.client.get(f"/api/v1/credit/{zone.platform.customs_code}", headers=auth(zone.agent.key))
    assert other.status_code == 404


def _listing(zone: Zone, key: str, **body: Any) -> Any:
    return zone.client.post("/api/v1/credit-lists", json=body, headers=auth(key))


def _black_list(zone: Zone, key: str) -> dict[str, Any]:
    r = _listing(
        zone,
        key,
        enterprise=zone.platform.uscc,
        list="black",
        reason="严重违法失信",
        basis="市场监管严重违法失信名单决定书2026-9",
    )
    assert r.status_code == 201, r.text
    listing: dict[str, Any] = r.json()
    return listing


def test_a_black_listed_platform_s_new_documents_are_refused_and_it_is_published(zone: Zone) -> None:
    """The shipped catalogue: black list → new_messages: refuse (限制经营), with the reason in the receipt."""
    zone.engine.settings = EngineSettings(match_wait=timedelta(hours=24), inspection_rate=None)
    baseline = Decimal(_sampling(zone)["routine_rate"])
    market = zone.agency_key("market")
    listing = _black_list(zone, market)

    spec = zone.spec()
    sender, body = zone.documents(spec)["order"]
    text = zone.send(sender, body, expect=rc.CREDIT_RESTRICTED)
    assert "CREDIT_RESTRICTED" in text and "列入黑名单" in text
    sender, body = zone.documents(spec)["waybill"]  # the carrier's waybill names no restricted party
    zone.send(sender, body)
    sender, body = zone.documents(spec)["inventory"]  # the agent's inventory names the platform
    zone.send(sender, body, expect=rc.CREDIT_RESTRICTED)

    public = zone.client.get("/api/v1/credit-lists/public/black")  # no account needed
    assert public.status_code == 200
    assert [e["enterprise"]["uscc"] for e in public.json()] == [zone.platform.uscc]
    assert zone.client.get("/api/v1/credit-lists/public/watch").status_code == 404  # not public
    assert zone.client.get("/api/v1/credit-lists", headers=auth(zone.agent.key)).status_code == 403

    # only the listing agency delists; then documents are accepted and sampling is back to normal
    r = zone.client.post(f"/api/v1/credit-lists/{listing['id']}/withdraw", headers=auth(zone.customs))
    assert r.status_code == 403
    r = zone.client.post(f"/api/v1/credit-lists/{listing['id']}/withdraw", headers=auth(market))
    assert r.status_code == 200
    assert Decimal(_sampling(zone)["routine_rate"]) == baseline
    assert zone.client.get("/api/v1/credit-lists/public/black").json() == []


def test_a_catalogue_that_inspects_sends_every_order_of_a_black_listed_platform_to_inspection(
    zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same listing under a catalogue that says inspect rather than refuse: the measures are data."""
    text = measures.CATALOGUE.read_text(encoding="utf-8")
    text = text.replace(
        "        new_messages: refuse\n", "        new_messages: allow\n        orders: inspect\n"
    )
    assert "orders: inspect" in text
    catalogue = tmp_path / "measures.yaml"
    catalogue.write_text(text, encoding="utf-8")
    monkeypatch.setattr(measures, "CATALOGUE", catalogue)
    zone.engine.settings = EngineSettings(match_wait=timedelta(hours=24), inspection_rate=None)
    _black_list(zone, zone.agency_key("market"))

    sampling = _sampling(zone)
    assert sampling["inspect"] is True and sampling["path"] == "mandatory"
    assert "信用联合惩戒措施" in sampling["explanation"] and "黑名单" in sampling["explanation"]
    assert Decimal(sampling["routine_rate"]) >= Decimal("0.8")  # and sampled as dishonest


def test_a_listing_expires(zone: Zone) -> None:
    today = utc_now().astimezone(SHANGHAI).date()
    r = _listing(
        zone,
        zone.customs,
        enterprise=zone.platform.customs_code,
        list="black",
        reason="走私行为",
        basis="海关行政处罚决定书",
        effective_from=(today - timedelta(days=400)).isoformat(),
        expires_on=(today - timedelta(days=35)).isoformat(),
    )
    assert r.status_code == 201, r.text
    assert zone.client.get("/api/v1/credit-lists/public/black").json() == []
    every = zone.client.get("/api/v1/credit-lists", params={"in_force": "false"}, headers=auth(zone.customs))
    assert [e["id"] for e in every.json()] == [r.json()["id"]]
    bad = _listing(
        zone, zone.customs, enterprise=zone.platform.customs_code, list="grey", reason="x", basis="y"
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "VALIDATION_FAILED")


def test_cli_shows_lists_and_an_archive(zone: Zone, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBEC_DATABASE_URL", zone.settings.database_url)
    r = _listing(
        zone,
        zone.customs,
        enterprise=zone.platform.customs_code,
        list="black",
        reason="走私",
        basis="处罚决定书1",
    )
    assert r.status_code == 201, r.text
    assert (
        _post(
            zone, zone.customs, zone.platform.customs_code, kind="customs_level", value="dishonest"
        ).status_code
        == 201
    )
    runner = CliRunner()
    shown = runner.invoke(app, ["credit", "lists", "--list", "black"])
    assert shown.exit_code == 0, shown.output
    assert zone.platform.name in shown.output and "1 listings" in shown.output
    assert "0 listings" in runner.invoke(app, ["credit", "lists", "--list", "red"]).output
    archive = runner.invoke(app, ["credit", "archive", zone.platform.customs_code])
    assert archive.exit_code == 0, archive.output
    assert "* customs_level" in archive.output and "dishonest" in archive.output
    missing = runner.invoke(app, ["credit", "archive", "0000000000"])
    assert missing.exit_code == 2
