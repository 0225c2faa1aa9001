"""The reason table (code, texts, returnStatus) and the ``returnInfo`` rendering."""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cbec.clearance import reasons
from cbec.clearance.reasons import (
    REASONS,
    RETURN_INFO_MAX_CHARS,
    ReasonCode,
    reason_catalogue,
    return_info,
)
from cbec.messages.receipt_codes import RECEIPT_CODES


@dataclass(frozen=True)
class Found:
    """A stand-in for any finding with a code and a Chinese message."""

    code: ReasonCode
    message_zh: str


PAIR = re.compile(r"\[Code:([A-Z0-9_]+);Desc:([^\[\]]*)\]")

EXPECTED_STATUS = {
    ReasonCode.LIMIT_SINGLE_EXCEEDED: "-621005",
    ReasonCode.LIMIT_ANNUAL_EXCEEDED: "-621018",
    ReasonCode.RISK_MANUAL_REVIEW: "300",
    ReasonCode.INSPECTION_SELECTED: "500",
}


@pytest.mark.parametrize("code", list(ReasonCode), ids=str)
def test_each_code_has_its_row(code: ReasonCode) -> None:
    row = REASONS[code]
    assert code.value == code.name  # the published value is the name, never renamed
    assert row.zh and row.en and row.reference
    assert code.zh == row.zh and code.en == row.en
    assert code.return_status == EXPECTED_STATUS.get(code, "100")


@pytest.mark.parametrize("code", list(ReasonCode), ids=str)
def test_each_code_renders_in_return_info(code: ReasonCode) -> None:
    text = return_info([Found(code, f"{code.zh}：清单 orderNo=order20260321116421002")])
    assert PAIR.fullmatch(text)
    assert text.startswith(f"[Code:{code.value};Desc:{code.zh}")
    other = next(c for c in ReasonCode if c is not code)
    assert f"[Code:{code.value};" not in return_info([Found(other, other.zh)])


def test_return_statuses_are_receipt_statuses() -> None:
    known = {c.code for c in RECEIPT_CODES} | {"-621005", "-621018"}  # §7.4 limit codes
    assert {row.return_status for row in REASONS.values()} <= known


def test_table_is_complete_and_texts_are_unique() -> None:
    assert set(REASONS) == set(ReasonCode)
    assert len({row.zh for row in REASONS.values()}) == len(REASONS)
    assert len({row.en for row in REASONS.values()}) == len(REASONS)


def test_catalogue_publishes_every_code_in_order() -> None:
    catalogue = reason_catalogue()
    assert [row["code"] for row in catalogue] == [code.value for code in ReasonCode]
    assert all(set(row) == {"code", "zh", "en", "return_status", "reference"} for row in catalogue)
    limit = next(row for row in catalogue if row["code"] == "LIMIT_SINGLE_EXCEEDED")
    assert limit["return_status"] == "-621005"
    assert limit["zh"] == "超过单次交易限值"


def test_return_info_of_nothing_is_empty() -> None:
    assert return_info([]) == ""


def test_return_info_keeps_every_pair_when_they_fit() -> None:
    findings = [Found(ReasonCode.MATCH_ORDER_MISSING, "a"), Found(ReasonCode.MATCH_PAYMENT_MISSING, "b")]
    assert return_info(findings) == "[Code:MATCH_ORDER_MISSING;Desc:a][Code:MATCH_PAYMENT_MISSING;Desc:b]"


def test_return_info_is_cut_on_a_pair_boundary_with_a_count() -> None:
    findings = [
        Found(ReasonCode.MATCH_LINE_QTY_MISMATCH, f"第{n}项 数量不一致" + "。" * 40) for n in range(1, 31)
    ]
    text = return_info(findings)
    assert len(text) <= RETURN_INFO_MAX_CHARS
    pairs = PAIR.findall(text)
    assert "".join(f"[Code:{c};Desc:{d}]" for c, d in pairs) == text
    assert pairs[-1] == ("MORE", f"另有{len(findings) - len(pairs) + 1}项")
    assert pairs[0][1] == findings[0].message_zh


def test_return_info_exactly_at_the_limit_is_not_cut() -> None:
    overhead = len("[Code:MATCH_ORDER_MISSING;Desc:]")
    findings = [Found(ReasonCode.MATCH_ORDER_MISSING, "x" * (RETURN_INFO_MAX_CHARS - overhead))]
    assert len(return_info(findings)) == RETURN_INFO_MAX_CHARS
    assert "MORE" not in return_info(findings)


def test_one_overlong_finding_becomes_a_count() -> None:
    findings = [Found(ReasonCode.MATCH_ORDER_MISSING, "x" * RETURN_INFO_MAX_CHARS)]
    assert return_info(findings) == "[Code:MORE;Desc:另有1项]"


def test_brackets_in_a_message_do_not_break_the_pairs() -> None:
    text = return_info([Found(ReasonCode.MATCH_LINE_NAME_MISMATCH, "商品名称与订单不一致：[赠品]面膜")])
    assert text == "[Code:MATCH_LINE_NAME_MISMATCH;Desc:商品名称与订单不一致：［赠品］面膜]"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(ReasonCode)), st.text(max_size=120)),
        max_size=60,
    )
)
def test_return_info_fits_and_counts_every_finding(items: list[tuple[ReasonCode, str]]) -> None:
    findings = [Found(code, text) for code, text in items]
    rendered = return_info(findings)
    assert len(rendered) <= RETURN_INFO_MAX_CHARS
    pairs = PAIR.findall(rendered)
    assert "".join(f"[Code:{c};Desc:{d}]" for c, d in pairs) == rendered
    if pairs and pairs[-1][0] == "MORE":
        assert len(pairs) - 1 + int(pairs[-1][1][2:-1]) == len(findings)
    else:
        assert [c for c, _ in pairs] == [f.code.value for f in findings]


def test_doctests() -> None:
    result = doctest.testmod(reasons, raise_on_error=False, verbose=False)
    assert result.attempted >= 2
    assert result.failed == 0


def test_public_names() -> None:
    assert all(hasattr(reasons, name) for name in reasons.__all__)
