"""The pure rules that turn a declaration into its fact row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from cbec.stats.catalogue import load_catalogue
from cbec.stats.charts import bar_chart, hbar_chart
from cbec.stats.facts import (
    Declared,
    clearance_seconds,
    country_of,
    fact_of,
    goods_value,
    hs_chapter_of,
    main_line,
)
from cbec.stats.service import nearest_rank, ratio

LINES = [
    {"gnum": "1", "gcode": "1901101090", "country": "609", "currency": "142", "totalPrice": "573.20"},
    {"gnum": "2", "gcode": "3304990099", "country": "305", "currency": "142", "totalPrice": "573.20"},
    {"gnum": "3", "gcode": "0402101000", "country": "", "currency": "142", "totalPrice": "12"},
]


def test_the_main_line_is_the_most_valuable_the_first_on_a_tie() -> None:
    assert main_line(LINES) is LINES[0]
    assert main_line(LINES[2:]) is LINES[2]
    assert main_line([]) is None
    assert hs_chapter_of(LINES[2]) == "04" and hs_chapter_of({"gcode": "x"}) is None


def test_value_is_the_sum_of_the_lines_in_one_currency() -> None:
    assert goods_value(LINES) == (Decimal("1158.40"), "142")
    assert goods_value([*LINES, {"currency": "502", "totalPrice": "1"}]) == (None, "MIX")
    assert goods_value([]) == (None, None)


def test_country_comes_from_the_fields_the_catalogue_names() -> None:
    cat = load_catalogue()
    assert country_of("import", {"country": "142"}, LINES[0], cat) == "609"  # origin, not the bonded 142
    assert country_of("import", {"country": "116"}, LINES[2], cat) == "116"  # fallback to the head
    assert country_of("export", {}, None, cat) is None


def test_clearance_time_is_whole_seconds_never_negative() -> None:
    t = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert clearance_seconds(t, t + timedelta(minutes=2, seconds=5.9)) == 125
    assert clearance_seconds(t, t - timedelta(seconds=1)) == 0
    assert clearance_seconds(t, None) is None


def test_a_fact_row_in_fen_on_the_beijing_day() -> None:
    at = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 March in Beijing
    row = fact_of(
        Declared(
            key="I:x",
            source="clearance",
            direction="import",
            trade_mode="1210",
            state="closed",
            accepted=True,
            inspected=False,
            declared_at=at,
            released_at=at + timedelta(seconds=3),
            head={"country": "142"},
            lines=LINES,
            tax=Decimal("105.125"),
            order_no="O",
            waybill_no="W",
            ebp_id="p",
            ebc_id="s",
            park=None,
        ),
        load_catalogue(),
    )
    assert (row["day"].isoformat(), row["month"], row["year"]) == ("2026-03-02", "2026-03", 2026)
    assert (row["value_fen"], row["tax_fen"], row["segment"]) == (115840, 10513, "b2c")
    assert (
        row["released"]
        and row["clearance_seconds"] == 3
        and (row["country"], row["hs_chapter"]) == ("609", "19")
    )


def test_ratios_and_ranks() -> None:
    assert ratio(1, 3) == Decimal("0.3333") and ratio(2, 3) == Decimal("0.6667") and ratio(1, 0) is None
    assert [nearest_rank(50, n) for n in (1, 2, 3, 4, 10)] == [1, 1, 2, 2, 5]
    assert [nearest_rank(95, n) for n in (1, 19, 20, 21, 100)] == [1, 19, 19, 20, 95]


def test_chart_labels_are_escaped() -> None:
    svg = str(bar_chart([("<b>", 3), ("x", None)], title='A & "B"'))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&amp;" in svg and svg.count("<rect") == 2
    svg = str(hbar_chart([("<script>", Decimal("12.5"))], title="t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
