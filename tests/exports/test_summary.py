"""The 汇总申报 merge: inventories → declarations by the head keys of 194号 十 (and the CEB701
summaryFlag), lines → declaration lines by the line keys (and itemNameFlag), quantities and values
added exactly, every inventory line mapped to one declaration line; once-only; deadlines."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbec.exports.calendar import SUMMARY_PARAMETERS_DIR
from cbec.exports.summary import (
    ExportInventory,
    ExportInventoryLine,
    SummaryFindingCode,
    SummaryFlag,
    SummaryParameterError,
    SummaryResult,
    deadline_findings,
    load_summary_parameters,
    once_only,
    summarize,
)
from cbec.rules import ParametersAt, Trace, load_parameter_tree

PARAMS = load_summary_parameters()
DAY = date(2025, 4, 1)


def params() -> ParametersAt:
    return PARAMS.at(DAY)


def line(gnum: int = 1, **changes: Any) -> ExportInventoryLine:
    base = ExportInventoryLine(
        gnum=gnum,
        gcode="6109100011",
        gname="棉制针织T恤衫",
        item_name="Cotton T-shirt",
        country="502",
        currency="502",
        qty=Decimal(2),
        unit="011",
        qty1=Decimal(2),
        unit1="011",
        qty2=Decimal("0.4"),
        unit2="035",
        price=Decimal("9.5"),
        total_price=Decimal(19),
    )
    return replace(base, **changes)


def inventory(invt_no: str, *lines: ExportInventoryLine, **changes: Any) -> ExportInventory:
    base = ExportInventory(
        invt_no=invt_no,
        released_on=date(2025, 3, 10),
        ie_date=date(2025, 3, 9),
        trade_mode="9610",
        statistics_flag="B",
        customs_code="2901",
        agent_code="3301960AAA",
        ebc_code="330196XXXX",
        ebc_name="杭州某某电子商务有限公司",
        owner_code="330196YYYY",
        traf_mode="5",
        country="502",
        port_code="2991",
        logistics_no=f"LP{invt_no}",
        gross_weight=Decimal("0.5"),
        net_weight=Decimal("0.4"),
        lines=lines or (line(),),
    )
    return replace(base, **changes)


def run(*inventories: ExportInventory, flag: str = "2", item_name_flag: str | None = "1") -> SummaryResult:
    return summarize(inventories, summary_flag=flag, item_name_flag=item_name_flag, params=params())


class TestHeadKeys:
    @pytest.mark.parametrize(
        ("field", "other"),
        [
            ("ebc_code", "330196ZZZZ"),  # 收发货人
            ("traf_mode", "4"),  # 运输方式
            ("owner_code", "330196WWWW"),  # 生产销售单位 (summaryFlag 2)
            ("country", "133"),  # 运抵国
            ("port_code", "2992"),  # 出境关别
            ("customs_code", "2902"),  # 申报海关 (one CEB701 per customs: our reading)
            ("agent_code", "3301960BBB"),  # 申报企业 (one CEB701 per agent: our reading)
            ("released_on", date(2025, 4, 2)),  # another month: another summary
        ],
    )
    def test_one_differing_head_key_gives_two_declarations(self, field: str, other: Any) -> None:
        result = run(inventory("A"), inventory("B", **{field: other}))
        assert sorted(d.inventories for d in result.declarations) == [("A",), ("B",)]
        assert [len(d.lines) for d in result.declarations] == [1, 1]
        assert result.refusals == ()

    def test_identical_heads_give_one_declaration(self) -> None:
        result = run(inventory("A"), inventory("B"), inventory("C"))
        (declaration,) = result.declarations
        assert declaration.inventories == ("A", "B", "C")
        assert declaration.number == 1
        assert declaration.month == date(2025, 3, 1)
        assert declaration.ebc_code == "330196XXXX"
        assert declaration.owner_code == "330196YYYY"
        assert dict(declaration.keys) == {
            "customsCode": "2901",
            "agentCode": "3301960AAA",
            "ebcCode": "330196XXXX",
            "trafMode": "5",
            "ownerCode": "330196YYYY",
            "country": "502",
            "portCode": "2991",
        }

    def test_declarations_are_numbered_from_one_in_key_order(self) -> None:
        result = run(
            inventory("A", country="133"), inventory("B", country="502"), inventory("C", country="110")
        )
        assert [d.number for d in result.declarations] == [1, 2, 3]
        assert [d.keys["country"] for d in result.declarations] == ["110", "133", "502"]


class TestSummaryFlag:
    def test_flag_2_splits_by_producer_seller(self) -> None:
        result = run(inventory("A"), inventory("B", owner_code="330196WWWW"), flag="2")
        assert len(result.declarations) == 2
        assert all(len(d.owner_codes) == 1 for d in result.declarations)

    def test_flag_1_merges_producers_sellers_of_one_consignor_and_lists_them(self) -> None:
        result = run(inventory("A"), inventory("B", owner_code="330196WWWW"), flag="1")
        (declaration,) = result.declarations
        assert declaration.inventories == ("A", "B")
        assert declaration.owner_code is None
        assert declaration.owner_codes == ("330196YYYY", "330196WWWW")
        (merged,) = declaration.lines
        assert merged.sources == (("A", 1), ("B", 1))
        assert "ownerCode" not in declaration.keys
        assert any("2 producers/sellers" in note for note in result.explanation.notes)
        assert any("summaryFlag 1" in note for note in result.explanation.notes)

    def test_flag_1_still_splits_by_consignor(self) -> None:
        result = run(inventory("A"), inventory("B", ebc_code="330196ZZZZ"), flag="1")
        assert len(result.declarations) == 2

    @pytest.mark.parametrize("flag", ["0", "3", "", "A"])
    def test_unknown_summary_flag_is_refused(self, flag: str) -> None:
        with pytest.raises(SummaryParameterError, match="summaryFlag"):
            run(inventory("A"), flag=flag)

    @pytest.mark.parametrize("flag", ["0", "2", "Y"])
    def test_unknown_item_name_flag_is_refused(self, flag: str) -> None:
        with pytest.raises(SummaryParameterError, match="itemNameFlag"):
            run(inventory("A"), item_name_flag=flag)

    @pytest.mark.parametrize("flag", ["", " "])
    def test_an_empty_item_name_flag_is_blank(self, flag: str) -> None:
        result = run(inventory("A"), item_name_flag=flag)
        assert result.item_name_flag is None
        assert "gname" in result.keys.line


class TestLineKeys:
    @pytest.mark.parametrize(
        ("field", "other"),
        [
            ("country", "133"),  # 最终目的国
            ("gcode", "6109100021"),  # 10位海关商品编码
            ("currency", "142"),  # 币制
        ],
    )
    @pytest.mark.parametrize("item_name_flag", ["1", None])
    def test_one_differing_line_key_gives_two_lines(
        self, field: str, other: str, item_name_flag: str | None
    ) -> None:
        result = run(
            inventory("A", line(1)), inventory("B", line(1, **{field: other})), item_name_flag=item_name_flag
        )
        (declaration,) = result.declarations
        assert [merged.sources for merged in declaration.lines] == [(("A", 1),), (("B", 1),)]
        assert [merged.gnum for merged in declaration.lines] == [1, 2]
        assert all(merged.split_reason is None for merged in declaration.lines)

    def test_item_name_flag_1_splits_by_enterprise_goods_name(self) -> None:
        result = run(inventory("A"), inventory("B", line(1, item_name="Cotton tee")), item_name_flag="1")
        assert len(result.declarations[0].lines) == 2

    def test_item_name_flag_1_ignores_the_customs_name(self) -> None:
        result = run(inventory("A"), inventory("B", line(1, gname="针织T恤")), item_name_flag="1")
        (merged,) = result.declarations[0].lines
        assert merged.sources == (("A", 1), ("B", 1))
        assert merged.keys["itemName"] == "Cotton T-shirt"

    def test_blank_item_name_flag_ignores_the_enterprise_name(self) -> None:
        result = run(inventory("A"), inventory("B", line(1, item_name="Cotton tee")), item_name_flag=None)
        (merged,) = result.declarations[0].lines
        assert merged.sources == (("A", 1), ("B", 1))
        assert "itemName" not in merged.keys

    def test_blank_item_name_flag_splits_by_customs_name_in_place_of_the_classification_name(self) -> None:
        result = run(inventory("A"), inventory("B", line(1, gname="针织T恤")), item_name_flag=None)
        assert len(result.declarations[0].lines) == 2
        assert any("classification name" in note for note in result.explanation.notes)

    def test_lines_without_item_name_merge_among_themselves(self) -> None:
        result = run(
            inventory("A", line(1, item_name=None)),
            inventory("B", line(1, item_name=None)),
            inventory("C", line(1)),
            item_name_flag="1",
        )
        assert [m.sources for m in result.declarations[0].lines] == [(("A", 1), ("B", 1)), (("C", 1),)]

    @pytest.mark.parametrize(
        ("field", "other"), [("unit", "035"), ("unit1", "035"), ("unit2", "011"), ("unit2", None)]
    )
    def test_a_different_unit_for_the_same_keys_gives_a_separate_line_saying_why(
        self, field: str, other: str | None
    ) -> None:
        changes: dict[str, Any] = {field: other}
        if field == "unit2" and other is None:
            changes["qty2"] = None
        result = run(inventory("A"), inventory("B", line(1, **changes)), inventory("C"))
        (declaration,) = result.declarations
        first, second = declaration.lines
        assert first.sources == (("A", 1), ("C", 1))
        assert second.sources == (("B", 1),)
        assert first.split_reason is None
        assert second.split_reason is not None
        assert "declaration line 1" in second.split_reason
        assert "different units cannot be added" in second.split_reason
        assert any("line 2:" in note for note in result.explanation.notes)


class TestAddingUp:
    def test_identical_keys_merge_and_add_exactly(self) -> None:
        result = run(
            inventory(
                "A",
                line(
                    1,
                    qty=Decimal("1.00001"),
                    qty1=Decimal("0.5"),
                    qty2=Decimal("0.1"),
                    total_price=Decimal("0.1"),
                ),
            ),
            inventory(
                "B",
                line(
                    1,
                    qty=Decimal("12345678901234.99999"),
                    qty1=Decimal("0.25"),
                    qty2=Decimal("0.2"),
                    total_price=Decimal("0.2"),
                ),
            ),
        )
        (merged,) = result.declarations[0].lines
        assert merged.qty == Decimal("12345678901236.00000")
        assert merged.qty1 == Decimal("0.75")
        assert merged.qty2 == Decimal("0.3")
        assert merged.total_price == Decimal("0.3")
        assert merged.sources == (("A", 1), ("B", 1))

    def test_second_quantity_absent_everywhere_stays_absent(self) -> None:
        bare = {"qty2": None, "unit2": None}
        result = run(inventory("A", line(1, **bare)), inventory("B", line(1, **bare)))
        (merged,) = result.declarations[0].lines
        assert merged.qty2 is None and merged.unit2 is None

    def test_lines_of_one_inventory_merge_too_and_keep_their_own_line_numbers(self) -> None:
        result = run(
            inventory("A", line(1), line(2, gcode="6110200011"), line(3)),
            inventory("B", line(1, gcode="6110200011"), line(2)),
        )
        (declaration,) = result.declarations
        assert [(m.gnum, m.gcode, m.sources) for m in declaration.lines] == [
            (1, "6109100011", (("A", 1), ("A", 3), ("B", 2))),
            (2, "6110200011", (("A", 2), ("B", 1))),
        ]
        assert declaration.source_line_count == 5

    def test_ceb792_result_list_maps_every_inventory_line(self) -> None:
        result = run(inventory("A", line(1), line(2, gcode="6110200011")), inventory("B", line(1)))
        rows = result.declarations[0].result_list()
        assert [tuple(row) for row in rows] == [
            ("A", "LPA", 1, 1, "6109100011"),
            ("B", "LPB", 1, 1, "6109100011"),
            ("A", "LPA", 2, 2, "6110200011"),
        ]

    def test_declaration_totals_per_currency_and_weights(self) -> None:
        result = run(
            inventory("A", line(1, total_price=Decimal("10.10"))),
            inventory(
                "B", line(1, total_price=Decimal("0.01"), currency="142"), gross_weight=Decimal("1.25")
            ),
        )
        (declaration,) = result.declarations
        assert dict(declaration.total_price_by_currency) == {"142": Decimal("0.01"), "502": Decimal("10.10")}
        assert declaration.gross_weight == Decimal("1.75")
        assert declaration.net_weight == Decimal("0.8")

    def test_the_result_does_not_depend_on_input_order(self) -> None:
        invs = [
            inventory("C", line(1), line(2, gcode="6110200011")),
            inventory("A", line(1, unit="035")),
            inventory("B", line(1), country="133"),
            inventory("D", line(1), released_on=date(2025, 3, 1)),
        ]
        assert run(*invs).to_dict() == run(*reversed(invs)).to_dict()


class TestRefusals:
    @pytest.mark.parametrize(
        ("changes", "detail"),
        [
            ({"statistics_flag": "A"}, "statisticsFlag A"),
            ({"trade_mode": "9710"}, "tradeMode 9710"),
            ({"trade_mode": "1210"}, "tradeMode 1210"),
        ],
    )
    def test_inventories_that_are_not_summary_declared_9610_are_left_out(
        self, changes: dict[str, Any], detail: str
    ) -> None:
        result = run(inventory("A"), inventory("B", **changes))
        assert [d.inventories for d in result.declarations] == [("A",)]
        (refusal,) = result.refusals
        assert refusal.code is SummaryFindingCode.NOT_ELIGIBLE
        assert refusal.code.value == "EXPORT_SUMMARY_NOT_ELIGIBLE"
        assert refusal.invt_no == "B"
        assert detail in refusal.detail

    def test_an_inventory_given_twice_is_summarised_once(self) -> None:
        result = run(inventory("A"), inventory("A"))
        (declaration,) = result.declarations
        assert declaration.inventories == ("A",)
        assert declaration.source_line_count == 1
        assert [(r.code.value, r.invt_no) for r in result.refusals] == [("EXPORT_SUMMARY_DUPLICATE", "A")]
        assert result.summarised == frozenset({"A"})

    def test_nothing_to_summarise(self) -> None:
        result = run(inventory("A", statistics_flag="A"))
        assert result.declarations == ()
        assert len(result.refusals) == 1


class TestOnceOnly:
    def test_already_summarised_inventories_are_refused_with_a_stable_code(self) -> None:
        pending, refusals = once_only([inventory("A"), inventory("B"), inventory("C")], {"B", "X"})
        assert [i.invt_no for i in pending] == ["A", "C"]
        assert [(r.code.value, r.invt_no) for r in refusals] == [("EXPORT_SUMMARY_ALREADY", "B")]
        assert refusals[0].zh == "清单已汇总，不能重复汇总"

    def test_repeats_in_the_input_are_refused(self) -> None:
        pending, refusals = once_only([inventory("A"), inventory("B"), inventory("A")], set())
        assert [i.invt_no for i in pending] == ["A", "B"]
        assert [(r.code, r.invt_no) for r in refusals] == [(SummaryFindingCode.DUPLICATE, "A")]

    def test_nothing_refused(self) -> None:
        assert once_only([inventory("A")], set()).refusals == ()

    def test_summarising_the_pending_ones_then_again_refuses_them_all(self) -> None:
        first = run(*once_only([inventory("A"), inventory("B")], set()).pending)
        again = once_only([inventory("A"), inventory("B"), inventory("C")], first.summarised)
        assert [i.invt_no for i in again.pending] == ["C"]
        assert {r.invt_no for r in again.refusals} == {"A", "B"}


class TestDeadlineFindings:
    @pytest.mark.parametrize(
        ("month", "today", "late_days"),
        [
            (date(2025, 1, 20), date(2025, 2, 14), None),  # before the 15th
            (date(2025, 1, 20), date(2025, 2, 17), None),  # 15th a Saturday → Monday 17th is on time
            (date(2025, 1, 20), date(2025, 2, 18), 1),
            (date(2026, 1, 5), date(2026, 2, 24), None),  # 15th opens the Spring Festival → 24th
            (date(2026, 1, 5), date(2026, 2, 25), 1),
            (date(2024, 1, 5), date(2024, 2, 18), None),  # the Sunday worked for the Spring Festival
            (date(2024, 1, 5), date(2024, 2, 19), 1),
            (date(2025, 2, 1), date(2025, 4, 16), 30),
        ],
    )
    def test_a_late_summary_gets_a_finding(self, month: date, today: date, late_days: int | None) -> None:
        findings = deadline_findings(month, today)
        if late_days is None:
            assert findings == ()
            return
        (finding,) = findings
        assert finding.code is SummaryFindingCode.LATE
        assert finding.code.value == "EXPORT_SUMMARY_LATE"
        assert f"{late_days} day(s) late" in finding.detail
        assert finding.invt_no is None


class TestParametersAndExplanation:
    def test_explain_names_the_keys_their_sources_and_each_line(self) -> None:
        text = run(inventory("A"), inventory("B"), inventory("C", statistics_flag="A")).explain()
        assert "summaryFlag 2 (按收发货人和生产销售单位汇总)" in text
        assert (
            "收发货人 ebcCode, 运输方式 trafMode, 生产销售单位 ownerCode, 运抵国 country, 出境关别 portCode"
            in text
        )
        assert "海关总署公告2018年第194号" in text
        assert "line 1: gcode 6109100011" in text
        assert "A#1, B#1" in text
        assert "not summarised: C: EXPORT_SUMMARY_NOT_ELIGIBLE" in text
        assert "[unverified]" in text  # application keys and units are our reading

    def test_rules_and_parameters_are_traced_with_their_dates(self) -> None:
        result = run(inventory("A"))
        codes = [step.code for step in result.explanation.steps]
        assert codes == [
            "exports.summary.trade_modes",
            "exports.summary.statistics_flags",
            "exports.summary.application_keys",
            "exports.summary.head_keys",
            "exports.summary.line_keys",
            "exports.summary.unit_keys",
        ]
        unverified = {lookup.path for lookup in result.explanation.unverified_parameters}
        assert unverified == {"application_keys", "unit_keys"}
        assert all(
            lookup.effective_from == date(2019, 1, 1)
            for step in result.explanation.steps
            for lookup in step.parameters
        )

    def test_a_traced_view_of_the_caller_receives_the_steps(self) -> None:
        trace = Trace()
        summarize([inventory("A")], summary_flag="1", item_name_flag=None, params=PARAMS.at(DAY, trace=trace))
        assert "head_keys.summary_flag_1" in {lookup.path for lookup in trace.lookups}
        assert "line_keys.item_name_flag_blank" in {lookup.path for lookup in trace.lookups}

    def test_merge_keys_come_from_the_parameter_files(self, tmp_path: Path) -> None:
        root = tmp_path / "summary_declaration"
        shutil.copytree(SUMMARY_PARAMETERS_DIR, root)
        path = root / "line_keys" / "item_name_flag_1.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("country,gcode,currency,itemName", "gcode"),
            encoding="utf-8",
        )
        changed = load_parameter_tree(root).at(DAY)
        result = summarize(
            [inventory("A"), inventory("B", line(1, country="133", item_name="x"))],
            summary_flag="2",
            item_name_flag="1",
            params=changed,
        )
        assert result.keys.line == ("gcode",)
        assert len(result.declarations[0].lines) == 1

    def test_a_parameter_naming_an_unknown_field_is_refused(self, tmp_path: Path) -> None:
        root = tmp_path / "summary_declaration"
        shutil.copytree(SUMMARY_PARAMETERS_DIR, root)
        path = root / "head_keys" / "summary_flag_2.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("portCode", "exitPort"), encoding="utf-8")
        with pytest.raises(SummaryParameterError, match="exitPort"):
            summarize(
                [inventory("A")],
                summary_flag="2",
                item_name_flag="1",
                params=load_parameter_tree(root).at(DAY),
            )

    def test_json_form(self) -> None:
        result = run(inventory("A"), inventory("B", line(1, unit="035")))
        data = json.loads(result.to_json())
        assert data["summaryFlag"] == "2"
        assert data["keys"]["head"] == ["ebcCode", "trafMode", "ownerCode", "country", "portCode"]
        assert data["declarations"][0]["lines"][1]["sources"] == [{"invtNo": "B", "gnum": 1}]
        assert data["declarations"][0]["lines"][0]["qty"] == "2"
        assert data["declarations"][0]["month"] == "2025-03"

    def test_summary_flag_enum_values_are_the_ceb_codes(self) -> None:
        assert [flag.value for flag in SummaryFlag] == ["1", "2"]


# --- properties ----------------------------------------------------------------------------------

HEADS = st.fixed_dictionaries(
    {
        "ebc_code": st.sampled_from(["E1", "E2"]),
        "owner_code": st.sampled_from(["O1", "O2"]),
        "traf_mode": st.sampled_from(["4", "5"]),
        "country": st.sampled_from(["502", "133"]),
        "port_code": st.sampled_from(["2991"]),
        "released_on": st.sampled_from([date(2025, 3, 3), date(2025, 3, 31), date(2025, 4, 1)]),
        "statistics_flag": st.sampled_from(["B", "B", "B", "A"]),
    }
)
AMOUNTS = st.decimals(min_value=Decimal(0), max_value=Decimal("99999999999999.99999"), places=5)
LINES = st.fixed_dictionaries(
    {
        "gcode": st.sampled_from(["6109100011", "6110200011"]),
        "country": st.sampled_from(["502", "133"]),
        "currency": st.sampled_from(["502", "142"]),
        "item_name": st.sampled_from(["a", "b", None]),
        "gname": st.sampled_from(["甲", "乙"]),
        "unit": st.sampled_from(["011", "035"]),
        "qty": AMOUNTS,
        "qty1": AMOUNTS,
        "qty2": st.one_of(st.none(), AMOUNTS),
        "total_price": AMOUNTS,
    }
)


@st.composite
def inventories(draw: st.DrawFn) -> list[ExportInventory]:
    count = draw(st.integers(min_value=0, max_value=8))
    found = []
    for number in range(count):
        head = draw(HEADS)
        lines = []
        for gnum, raw in enumerate(draw(st.lists(LINES, min_size=1, max_size=4)), start=1):
            unit2 = None if raw["qty2"] is None else "035"
            lines.append(line(gnum, unit2=unit2, **raw))
        found.append(inventory(f"I{number:03d}", *lines, **head))
    return found


def _totals(pairs: list[tuple[Any, Decimal]]) -> dict[Any, Decimal]:
    totals: dict[Any, Decimal] = {}
    for key, value in pairs:
        totals[key] = totals.get(key, Decimal(0)) + value
    return totals


@settings(max_examples=80, deadline=None)
@given(invs=inventories(), flag=st.sampled_from(["1", "2"]), item_name_flag=st.sampled_from(["1", None]))
def test_merge_conserves_totals_and_maps_every_line_once(
    invs: list[ExportInventory], flag: str, item_name_flag: str | None
) -> None:
    result = run(*invs, flag=flag, item_name_flag=item_name_flag)
    summarised = [i for i in invs if i.statistics_flag == "B"]
    by_no = {i.invt_no: i for i in summarised}
    assert {r.invt_no for r in result.refusals} == {i.invt_no for i in invs if i.statistics_flag != "B"}
    # every summarised inventory line lands in exactly one declaration line
    expected = sorted((i.invt_no, ln.gnum) for i in summarised for ln in i.lines)
    mapped = sorted(src for d in result.declarations for m in d.lines for src in m.sources)
    assert mapped == expected
    # values per currency and quantities per (code, unit) are conserved exactly
    source_lines = [ln for i in summarised for ln in i.lines]
    merged = [m for d in result.declarations for m in d.lines]
    assert _totals([(ln.currency, ln.total_price) for ln in source_lines]) == _totals(
        [(m.currency, m.total_price) for m in merged]
    )
    assert _totals([((ln.gcode, ln.unit), ln.qty) for ln in source_lines]) == _totals(
        [((m.gcode, m.unit), m.qty) for m in merged]
    )
    assert _totals([(ln.gcode, ln.qty1) for ln in source_lines]) == _totals(
        [(m.gcode, m.qty1) for m in merged]
    )
    assert _totals([(ln.gcode, ln.qty2) for ln in source_lines if ln.qty2 is not None]) == _totals(
        [(m.gcode, m.qty2) for m in merged if m.qty2 is not None]
    )
    for declaration in result.declarations:
        members = [by_no[no] for no in declaration.inventories]
        # one declaration: one month and the same head keys
        assert len({i.month for i in members}) == 1
        head = ("ebc_code", "traf_mode", "country", "port_code") + (("owner_code",) if flag == "2" else ())
        assert len({tuple(getattr(i, f) for f in head) for i in members}) == 1
        assert [m.gnum for m in declaration.lines] == list(range(1, len(declaration.lines) + 1))
        name = "item_name" if item_name_flag == "1" else "gname"
        groups = set()
        for m in declaration.lines:
            sources = [next(ln for ln in by_no[no].lines if ln.gnum == g) for no, g in m.sources]
            keys = {
                (ln.country, ln.gcode, ln.currency, getattr(ln, name), ln.unit, ln.unit2) for ln in sources
            }
            assert len(keys) == 1  # a declaration line never mixes keys or units
            groups.add(keys.pop())
        assert len(groups) == len(declaration.lines)  # and lines with the same keys and units are merged
