"""What stands against 无票免税 for an export line: goods whose rebate or exemption was cancelled
(103号 一（三）; the list is data, empty by default), procedure codes other than 9610 ([S]), export
dates before 2018-10-01."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from cbec.rules import Trace
from cbec.tax import load_parameters
from cbec.tax.export import (
    REBATE_CANCELLED_FILE,
    ExportTaxFindingCode,
    RebateListError,
    load_rebate_cancelled_list,
    qualification_findings,
    qualifies,
)

PARAMS = load_parameters()
EXPORTED = date(2025, 3, 9)


@dataclass(frozen=True)
class Line:
    gnum: int
    gcode: str


def codes(
    line: Line, trade_mode: str = "9610", on: date = EXPORTED, listed: frozenset[str] = frozenset()
) -> list[str]:
    findings = qualifies(line, trade_mode=trade_mode, params=PARAMS.at(on), rebate_cancelled_codes=listed)
    return [finding.code.value for finding in findings]


def test_a_9610_line_not_on_the_list_qualifies() -> None:
    assert codes(Line(1, "6109100011")) == []


@pytest.mark.parametrize("trade_mode", ["9710", "9810", "1210", "0110"])
def test_other_procedure_codes_do_not_qualify(trade_mode: str) -> None:
    assert codes(Line(1, "6109100011"), trade_mode=trade_mode) == ["TAX_EXPORT_TRADE_MODE_NOT_ELIGIBLE"]


def test_the_9610_only_reading_is_marked_secondary_and_unverified() -> None:
    trace = Trace()
    findings = qualifies(
        Line(1, "6109100011"),
        trade_mode="9710",
        params=PARAMS.at(EXPORTED, trace=trace),
        rebate_cancelled_codes=(),
    )
    assert "[S]" in findings[0].detail
    (lookup,) = trace.lookups
    assert lookup.path == "tax.export.no_invoice_exemption.trade_modes"
    assert not lookup.verified
    assert trace.steps[0].code == "tax.export.no_invoice_exemption.trade_modes"


def test_before_the_policy_took_effect_only_that_is_said() -> None:
    assert codes(Line(3, "6109100011"), trade_mode="9710", on=date(2018, 9, 30)) == [
        "TAX_EXPORT_POLICY_NOT_IN_FORCE"
    ]
    assert codes(Line(3, "6109100011"), on=date(2018, 10, 1)) == []


@pytest.mark.parametrize("listed", ["61", "6109", "61091000", "6109100011"])
def test_goods_under_a_listed_code_do_not_qualify(listed: str) -> None:
    assert codes(Line(2, "6109100011"), listed=frozenset({listed, "2716"})) == [
        "TAX_EXPORT_REBATE_CANCELLED_GOODS"
    ]


def test_a_code_too_short_to_tell_gets_its_own_finding() -> None:
    # 简化申报 (statisticsFlag A) declares 4 digits; a listed 8-digit code lies under it.
    assert codes(Line(1, "6109"), listed=frozenset({"61091000"})) == ["TAX_EXPORT_REBATE_LIST_UNDECIDABLE"]
    assert codes(Line(1, "6109"), listed=frozenset({"6110"})) == []


@pytest.mark.parametrize("gcode", ["", "61O9100011", "6109.10"])
def test_a_non_numeric_code_cannot_be_checked(gcode: str) -> None:
    assert codes(Line(1, gcode), listed=frozenset({"61"})) == ["TAX_EXPORT_COMMODITY_CODE_INVALID"]


def test_all_findings_at_once() -> None:
    findings = qualifies(
        Line(4, "2716000000"), trade_mode="9810", params=PARAMS.at(EXPORTED), rebate_cancelled_codes={"2716"}
    )
    assert [(f.code, f.gnum) for f in findings] == [
        (ExportTaxFindingCode.TRADE_MODE_NOT_ELIGIBLE, 4),
        (ExportTaxFindingCode.REBATE_CANCELLED_GOODS, 4),
    ]
    assert findings[1].zh == "属于明确取消出口退（免）税的货物，不适用无票免税"
    assert findings[1].to_dict()["code"] == "TAX_EXPORT_REBATE_CANCELLED_GOODS"


class TestRebateCancelledList:
    def test_the_packaged_list_is_empty_and_says_why(self) -> None:
        packaged = load_rebate_cancelled_list()
        assert packaged.entries == ()
        assert "not in our reference material" in packaged.note
        raw = yaml.safe_load(REBATE_CANCELLED_FILE.read_text(encoding="utf-8"))
        assert raw["reference"]["document"] == "财税〔2018〕103号"
        assert raw["reference"]["article"] == "一（三）"
        assert raw["verified"] is False

    def _write(self, tmp_path: Path, codes_: list[dict[str, Any]]) -> Path:
        data = yaml.safe_load(REBATE_CANCELLED_FILE.read_text(encoding="utf-8"))
        data["codes"] = codes_
        path = tmp_path / "list.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    def test_entries_apply_from_their_date(self, tmp_path: Path) -> None:
        path = self._write(
            tmp_path,
            [
                {
                    "code": "2716",
                    "document": "财税〔0000〕0号",
                    "title": "测试",
                    "from": date(2025, 1, 1),
                    "note": "test",
                }
            ],
        )
        loaded = load_rebate_cancelled_list(path)
        assert loaded.codes_on(date(2024, 12, 31)) == frozenset()
        assert loaded.codes_on(date(2025, 1, 1)) == frozenset({"2716"})
        assert loaded.entries[0].note == "test"

    @pytest.mark.parametrize(
        "bad",
        [
            {"code": 2716, "document": "d", "title": "t", "from": date(2025, 1, 1)},
            {"code": "2", "document": "d", "title": "t", "from": date(2025, 1, 1)},
            {"code": "27160000001", "document": "d", "title": "t", "from": date(2025, 1, 1)},
            {"code": "2716", "title": "t", "from": date(2025, 1, 1)},
            {"code": "2716", "document": "d", "title": "t", "from": "2025"},
            "2716",
        ],
    )
    def test_malformed_entries_are_refused(self, tmp_path: Path, bad: Any) -> None:
        with pytest.raises(RebateListError):
            load_rebate_cancelled_list(self._write(tmp_path, [bad]))

    @pytest.mark.parametrize("key", ["codes", "reference", "note"])
    def test_the_file_needs_its_list_reference_and_note(self, tmp_path: Path, key: str) -> None:
        data = yaml.safe_load(REBATE_CANCELLED_FILE.read_text(encoding="utf-8"))
        data[key] = None
        path = tmp_path / "list.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(RebateListError, match=key):
            load_rebate_cancelled_list(path)


def test_the_adapter_for_ceb_fields_uses_the_packaged_data() -> None:
    assert qualification_findings({"gnum": "1", "gcode": "6109100011"}, trade_mode="9610", on=EXPORTED) == []
    (finding,) = qualification_findings({"gnum": "2", "gcode": "6109100011"}, trade_mode="9810", on=EXPORTED)
    assert finding["code"] == "TAX_EXPORT_TRADE_MODE_NOT_ELIGIBLE"
    assert finding["gnum"] == 2
