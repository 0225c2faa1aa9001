"""Zone files: they load, every target carries its plan sentence, and the figures are the plans' own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cbec.zones import DEFAULT_ZONE, Zone, ZoneFileError, list_zones, load_zone
from cbec.zones.loader import COMPARISONS, UNITS, _Reader, _target, _zone

PLANS = Path("/work/shared/reference/zone-plans")
ZONES = ["kunming", "luzhou", "taiyuan"]


def test_the_three_zones_are_listed_and_kunming_is_the_default() -> None:
    assert list_zones() == ZONES
    assert DEFAULT_ZONE == "kunming"
    assert load_zone() is load_zone("kunming")
    assert load_zone(" Kunming ") is load_zone("kunming")


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ZoneFileError, match="unknown zone"):
        load_zone("atlantis")


@pytest.mark.parametrize("key", ZONES)
class TestEveryZoneFile:
    def test_every_target_has_its_source_quote_and_a_consistent_figure(self, key: str) -> None:
        zone = load_zone(key)
        files = {doc.file for doc in zone.documents}
        assert zone.targets
        for target in zone.targets:
            assert target.source in files
            assert target.source == zone.document(target.document).file
            assert target.quote.strip() and target.section.strip()
            if target.value is None:
                assert target.unit is None and target.comparison is None and target.note
            else:
                assert isinstance(target.value, Decimal)
                assert target.unit in UNITS and target.comparison in COMPARISONS
            if target.year is None and target.deadline is None:
                assert target.note, target.key

    def test_quotes_are_verbatim_in_the_stored_plan_texts(self, key: str) -> None:
        if not PLANS.is_dir():
            pytest.skip("reference plan texts not available")
        zone = load_zone(key)
        text = {doc.key: (PLANS / doc.file).read_text(encoding="utf-8") for doc in zone.documents}
        quotes = [(t.document, t.quote) for t in zone.targets]
        quotes += [(p.document, p.quote) for p in zone.parks]
        quotes += [(zone.park_layout.document, zone.park_layout.quote)]
        quotes += [(d.title_quote_document, d.title_quote) for d in zone.documents]
        quotes += [(d.key, d.approval_quote) for d in zone.documents if d.approval_quote]
        if zone.customs.named_in_plan_quote:
            assert zone.customs.named_in_plan_document is not None
            quotes.append((zone.customs.named_in_plan_document, zone.customs.named_in_plan_quote))
        missing = [q for doc, q in quotes if q not in text[doc]]
        assert missing == []
        for park in zone.parks:
            assert park.name.strip("“”") in text[park.document]

    def test_the_zone_has_districts_a_customs_code_and_bonded_parks(self, key: str) -> None:
        zone = load_zone(key)
        assert len(zone.customs.code) == 4
        assert zone.region_code.isdigit() and len(zone.region_code) == 6
        assert all(d.code.startswith(zone.region_code[:4]) for d in zone.districts)
        assert zone.bonded_parks, "1210 warehouses need a bonded park"
        assert zone.customs.sub_office_code is None  # never guessed


def _values(zone: Zone, metric: str) -> list[tuple[int | None, Decimal | None]]:
    return [(t.year, t.value) for t in zone.targets_for(metric)]


def test_kunming_figures_are_the_plans() -> None:
    zone = load_zone("kunming")
    assert zone.customs.code == "8600" and zone.customs.name == "昆明关区"
    assert _values(zone, "trade_volume") == [
        (2019, Decimal("500000000")),
        (2020, Decimal("750000000")),
        (2021, Decimal("1125000000")),
    ]
    growth = zone.targets_for("trade_volume_growth")
    assert [(t.from_year, t.year, t.value, t.comparison) for t in growth] == [
        (2019, 2020, Decimal(50), "at_least"),
        (2019, 2021, Decimal(50), "at_least"),
    ]
    assert _values(zone, "parks") == [(2019, Decimal(4)), (2020, Decimal(7)), (2021, Decimal(10))]
    assert zone.target("backbone_enterprises_2020").value == Decimal(20)
    assert zone.target("overseas_warehouses").deadline == date(2019, 12, 31)
    doc = zone.document("implementation_plan")
    assert (doc.number, doc.issued, doc.approval) == (
        "云政发〔2019〕6号",
        date(2019, 1, 25),
        "国函〔2018〕93号",
    )
    assert zone.document("action_plan").published == date(2019, 12, 4)


def test_kunming_parks_are_the_3_5_2_layout() -> None:
    zone = load_zone("kunming")
    assert zone.park_layout.label == "3+5+2"
    tiers = [p.tier for p in zone.parks]
    assert (tiers.count("core"), tiers.count("export"), tiers.count("import_platform")) == (3, 5, 2)
    assert [p.name for p in zone.bonded_parks] == [
        "昆明综合保税区",
        "昆明高新保税物流中心",
        "昆明腾俊国际陆港保税物流中心",
    ]


def test_taiyuan_figures_are_the_plans() -> None:
    zone = load_zone("taiyuan")
    assert zone.customs.code == "0500"
    enterprises = zone.target("enterprises_2025")
    assert (enterprises.value, enterprises.comparison, enterprises.year) == (Decimal(2000), "more_than", 2025)
    assert zone.target("featured_parks_2025").value == Decimal(10)
    retail = zone.target("retail_trade_2025")
    assert (retail.value, retail.unit, retail.comparison) == (Decimal("10000000000"), "CNY", "more_than")
    assert zone.target("b2b_export_growth").value == Decimal(30)
    assert zone.target("first_stage_pattern").year is None  # "经过3年左右" from an unstated start
    assert [p.name for p in zone.parks] == [
        "太原武宿综合保税区",
        "太原武宿国际机场",
        "太原国际邮件互换局",
        "中鼎物流园区",
    ]
    assert zone.document("implementation_plan").issued == date(2020, 5, 30)


def test_luzhou_figures_are_the_plans() -> None:
    zone = load_zone("luzhou")
    assert (zone.customs.code, zone.customs.named_in_plan) == ("7900", None)
    filed = zone.target("filed_enterprises")
    assert (filed.value, filed.comparison, filed.year, filed.when_zh) == (
        Decimal(100),
        "more_than",
        None,
        "通过5年的建设",
    )
    assert zone.target("trade_volume").value == Decimal("1000000000")
    refund = zone.target("export_refund_days")
    assert (refund.value, refund.unit, refund.comparison) == (Decimal(8), "working_days", "at_most")
    assert zone.target("parks_2025").value == Decimal(11)
    # "1+4+7": the seven county parks are not named, so only 1 (+ its 综保区) and 4 are listed
    assert [p.tier for p in zone.parks].count("support") == 4
    assert len(zone.parks) == 6
    doc = zone.document("implementation_plan")
    assert (doc.number, doc.issued) == ("川府函〔2020〕151号", date(2020, 8, 5))


def _target_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": "t",
        "metric": "trade_volume",
        "label_zh": "交易额",
        "label_en": "volume",
        "value": "100",
        "unit": "CNY",
        "comparison": "at_least",
        "year": 2020,
        "document": "plan",
        "section": "一",
        "quote": "交易额达到100元",
    }
    data.update(changes)
    return data


class TestMalformedTargetsAreRefused:
    def test_a_float_figure(self) -> None:
        with pytest.raises(ZoneFileError, match="quoted string"):
            _target(_Reader("t", _target_data(value=7.5)), {"plan": "plan.txt"})

    def test_a_figure_without_its_unit(self) -> None:
        with pytest.raises(ZoneFileError, match="together"):
            _target(_Reader("t", _target_data(unit=None)), {"plan": "plan.txt"})

    def test_a_missing_quote(self) -> None:
        data = _target_data()
        del data["quote"]
        with pytest.raises(ZoneFileError, match="quote"):
            _target(_Reader("t", data), {"plan": "plan.txt"})

    def test_a_vague_target_without_a_note(self) -> None:
        with pytest.raises(ZoneFileError, match="note"):
            _target(_Reader("t", _target_data(year=None)), {"plan": "plan.txt"})

    def test_an_unknown_document(self) -> None:
        with pytest.raises(ZoneFileError, match="unknown document"):
            _target(_Reader("t", _target_data(document="other")), {"plan": "plan.txt"})

    def test_a_zone_that_is_not_a_mapping(self) -> None:
        with pytest.raises(ZoneFileError, match="mapping"):
            _zone(_Reader("z", ["not", "a", "mapping"]))
