"""The working-day calendar (holiday notices as data) and the deadline of the monthly summary:
the 15th of the next month, moved to the next working day on a weekend or holiday (194号 十)."""

from __future__ import annotations

import doctest
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from cbec.exports import calendar
from cbec.exports.calendar import (
    HOLIDAYS_FILE,
    SUMMARY_PARAMETERS_DIR,
    CalendarDataError,
    CalendarYearNotCoveredError,
    is_working_day,
    load_calendar,
    load_summary_parameters,
    next_working_day,
    parse_calendar,
    summary_deadline,
    working_day_on_or_after,
)
from cbec.rules import Parameter, load_parameter_tree, load_yaml, parse_folder_index, parse_parameter_file
from cbec.rules.parameters import INDEX_FILE

CALENDAR = load_calendar()


def _raw() -> dict[str, Any]:
    with HOLIDAYS_FILE.open(encoding="utf-8") as stream:
        data: dict[str, Any] = yaml.safe_load(stream)
    return data


class TestHolidayData:
    def test_2024_to_2026_are_covered_and_nothing_else(self) -> None:
        assert sorted(CALENDAR.years) == [2024, 2025, 2026]

    @pytest.mark.parametrize(
        ("year", "document", "issued", "document_verified"),
        [
            (2024, "国办发明电〔2023〕7号", date(2023, 10, 25), True),
            (2025, "国办发明电〔2024〕12号", date(2024, 11, 12), True),
            (2026, "国办发明电〔2025〕7号", date(2025, 11, 4), False),
        ],
    )
    def test_each_year_names_its_notice_and_how_sure_we_are(
        self, year: int, document: str, issued: date, document_verified: bool
    ) -> None:
        arrangement = CALENDAR.arrangement(year)
        assert arrangement.document == document
        assert arrangement.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
        assert arrangement.issued == issued
        assert arrangement.verified is True
        assert arrangement.document_verified is document_verified
        assert arrangement.sources
        assert ("[S]" in arrangement.cite()) is not document_verified

    def test_the_2026_document_number_is_marked_secondary_in_the_file(self) -> None:
        note = CALENDAR.arrangement(2026).note
        assert note is not None and "[S]" in note

    @pytest.mark.parametrize(
        ("year", "name", "days"),
        [
            (2024, "春节", 8),
            (2024, "国庆节", 7),
            (2025, "春节", 8),
            (2025, "劳动节", 5),
            (2025, "国庆节、中秋节", 8),
            (2025, "元旦", 1),
            (2026, "春节", 9),
            (2026, "元旦", 3),
        ],
    )
    def test_holiday_lengths_match_the_notices(self, year: int, name: str, days: int) -> None:
        (holiday,) = [h for h in CALENDAR.arrangement(year).holidays if h.name == name]
        assert len(holiday.days()) == days

    def test_every_adjusted_working_day_is_a_weekend_day(self) -> None:
        for arrangement in CALENDAR.years.values():
            for day in arrangement.working_days:
                assert day.isoweekday() in (6, 7), day

    def test_adjusted_working_day_counts(self) -> None:
        assert [len(CALENDAR.arrangement(y).working_days) for y in (2024, 2025, 2026)] == [8, 5, 6]


class TestIsWorkingDay:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2025, 3, 12), True),  # an ordinary Wednesday
            (date(2025, 3, 15), False),  # an ordinary Saturday
            (date(2025, 3, 16), False),  # an ordinary Sunday
            (date(2025, 10, 8), False),  # a Wednesday inside the 8-day National Day holiday
            (date(2025, 1, 1), False),  # New Year's Day, a Wednesday, "不调休"
            (date(2025, 1, 26), True),  # a Sunday worked for the Spring Festival
            (date(2025, 2, 8), True),  # a Saturday worked for the Spring Festival
            (date(2024, 2, 18), True),  # a Sunday worked for the Spring Festival
            (date(2024, 2, 9), True),  # 除夕 2024: encouraged off, not a holiday
            (date(2024, 6, 8), False),  # weekend next to 端午 ("与周末连休"), not listed
            (date(2026, 1, 4), True),  # a Sunday worked for New Year's Day
            (date(2026, 2, 23), False),  # last day of the 9-day Spring Festival, a Monday
            (date(2026, 2, 24), True),
        ],
    )
    def test_weekends_and_holidays_rest_adjusted_days_work(self, day: date, working: bool) -> None:
        assert is_working_day(day) is working
        assert CALENDAR.is_working_day(day) is working

    def test_holiday_and_adjusted_flags(self) -> None:
        assert CALENDAR.is_holiday(date(2025, 10, 1))
        assert not CALENDAR.is_holiday(date(2025, 10, 11))
        assert CALENDAR.is_adjusted_working_day(date(2025, 10, 11))
        assert not CALENDAR.is_adjusted_working_day(date(2025, 10, 12))

    @pytest.mark.parametrize("day", [date(2023, 12, 29), date(2027, 1, 4), date(2030, 6, 3)])
    def test_a_year_not_in_the_calendar_is_an_error_not_a_guess(self, day: date) -> None:
        with pytest.raises(CalendarYearNotCoveredError) as caught:
            is_working_day(day)
        assert caught.value.year == day.year
        assert caught.value.covered == (2024, 2025, 2026)
        assert str(day.year) in str(caught.value)
        assert "holidays.yaml" in str(caught.value)

    def test_covers(self) -> None:
        assert CALENDAR.covers(2025)
        assert not CALENDAR.covers(2027)
        with pytest.raises(CalendarYearNotCoveredError):
            CALENDAR.arrangement(2027)


class TestNextWorkingDay:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2025, 3, 12), date(2025, 3, 13)),  # Wednesday → Thursday
            (date(2025, 3, 14), date(2025, 3, 17)),  # Friday → Monday
            (date(2025, 9, 26), date(2025, 9, 28)),  # Friday → Sunday worked for National Day
            (date(2025, 9, 30), date(2025, 10, 9)),  # over the 8-day holiday
            (date(2026, 2, 13), date(2026, 2, 14)),  # Friday → Saturday worked for the Spring Festival
            (date(2026, 2, 14), date(2026, 2, 24)),  # over the 9-day Spring Festival
            (date(2024, 12, 31), date(2025, 1, 2)),  # over New Year's Day, across the years
        ],
    )
    def test_first_working_day_strictly_after(self, day: date, expected: date) -> None:
        assert next_working_day(day) == expected

    def test_on_or_after_keeps_a_working_day(self) -> None:
        assert working_day_on_or_after(date(2025, 3, 13)) == date(2025, 3, 13)
        assert working_day_on_or_after(date(2025, 3, 15)) == date(2025, 3, 17)

    def test_running_into_an_uncovered_year_raises(self) -> None:
        with pytest.raises(CalendarYearNotCoveredError) as caught:
            next_working_day(date(2026, 12, 31))
        assert caught.value.year == 2027


class TestSummaryDeadline:
    @pytest.mark.parametrize(
        ("month", "deadline"),
        [
            (date(2023, 12, 1), date(2024, 1, 15)),  # a Monday: on the 15th
            (date(2024, 1, 1), date(2024, 2, 18)),  # 15th in the Spring Festival → the Sunday worked
            (date(2024, 5, 1), date(2024, 6, 17)),  # 15th a Saturday
            (date(2024, 8, 1), date(2024, 9, 18)),  # 15th a Sunday opening the Mid-Autumn holiday
            (date(2024, 9, 1), date(2024, 10, 15)),  # a Tuesday
            (date(2025, 1, 1), date(2025, 2, 17)),  # 15th a Saturday
            (date(2025, 2, 1), date(2025, 3, 17)),  # 15th a Saturday
            (date(2025, 5, 1), date(2025, 6, 16)),  # 15th a Sunday
            (date(2025, 9, 1), date(2025, 10, 15)),  # a Wednesday after the 8-day holiday
            (date(2025, 10, 1), date(2025, 11, 17)),  # 15th a Saturday
            (date(2025, 12, 1), date(2026, 1, 15)),  # across the year, a Thursday
            (date(2026, 1, 1), date(2026, 2, 24)),  # 15th a Sunday opening the 9-day Spring Festival
            (date(2026, 2, 1), date(2026, 3, 16)),  # 15th a Sunday
            (date(2026, 7, 1), date(2026, 8, 17)),  # 15th a Saturday
            (date(2026, 10, 1), date(2026, 11, 16)),  # 15th a Sunday
        ],
    )
    def test_fifteenth_of_next_month_moved_to_a_working_day(self, month: date, deadline: date) -> None:
        assert summary_deadline(month) == deadline
        assert is_working_day(deadline)

    def test_any_day_of_the_month_gives_the_same_deadline(self) -> None:
        assert summary_deadline(date(2025, 1, 31)) == summary_deadline(date(2025, 1, 1)) == date(2025, 2, 17)

    def test_a_deadline_in_an_uncovered_year_raises(self) -> None:
        with pytest.raises(CalendarYearNotCoveredError) as caught:
            summary_deadline(date(2026, 12, 1))
        assert caught.value.year == 2027

    def test_the_day_of_month_is_a_parameter_not_a_constant(self, tmp_path: Path) -> None:
        source = (SUMMARY_PARAMETERS_DIR / "deadline_day_of_month.yaml").read_text(encoding="utf-8")
        (tmp_path / "deadline_day_of_month.yaml").write_text(
            source.replace("value: 15", "value: 10"), encoding="utf-8"
        )
        params = load_summary_parameters(tmp_path)
        assert summary_deadline(date(2025, 2, 1), params=params) == date(2025, 3, 10)

    def test_the_packaged_day_is_the_15th_with_its_reference(self) -> None:
        lookup = load_summary_parameters().at(date(2025, 2, 1)).lookup("deadline_day_of_month")
        assert lookup.value == 15
        assert lookup.reference.document == "海关总署公告2018年第194号"
        assert lookup.reference.article == "十"


class TestCalendarData:
    def test_a_new_year_can_be_added_as_data(self, tmp_path: Path) -> None:
        data = _raw()
        data["years"][2027] = {
            "document": "国办发明电〔2026〕N号",
            "title": "国务院办公厅关于2027年部分节假日安排的通知",
            "issued": date(2026, 11, 1),
            "verified": False,
            "document_verified": False,
            "sources": ["test"],
            "note": "a made-up year for this test",
            "holidays": [
                {
                    "name": "元旦",
                    "name_en": "New Year's Day",
                    "first": date(2027, 1, 1),
                    "last": date(2027, 1, 3),
                }
            ],
            "working_days": [],
        }
        path = tmp_path / "holidays.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        extended = load_calendar(path)
        assert summary_deadline(date(2026, 12, 1), calendar=extended) == date(2027, 1, 15)
        assert not extended.is_working_day(date(2027, 1, 1))
        assert not extended.arrangement(2027).verified

    @pytest.mark.parametrize(
        ("change", "problem"),
        [
            (
                lambda d: d["years"][2025]["working_days"].append({"day": date(2025, 3, 12), "for": "x"}),
                "not a weekly rest day",
            ),
            (
                lambda d: d["years"][2025]["working_days"].append({"day": date(2025, 10, 4), "for": "x"}),
                "both holiday and working day",
            ),
            (lambda d: d["years"][2025].update(verified=False, note=None), "needs a `note`"),
            (lambda d: d["years"][2025].update(sources=[]), "`sources`"),
            (
                lambda d: d["years"][2025].update(title="国务院办公厅关于部分节假日安排的通知"),
                "does not name the year",
            ),
            (
                lambda d: d["years"][2025]["holidays"].append(
                    {"name": "x", "name_en": "x", "first": date(2025, 5, 2), "last": date(2025, 5, 1)}
                ),
                "before first day",
            ),
            (
                lambda d: d["years"][2025]["holidays"].append(
                    {"name": "x", "name_en": "x", "first": "May 1", "last": date(2025, 5, 1)}
                ),
                "not a date",
            ),
            (lambda d: d["weekly_rest_days"].update(isoweekdays=[0]), "ISO weekdays"),
            (lambda d: d["weekly_rest_days"].pop("reference"), "reference"),
            (lambda d: d.update(years={}), "`years`"),
            (lambda d: d["years"].update({"2027": {}}), "must be a year"),
            (lambda d: d["years"][2025].update(holidays=[]), "non-empty list"),
            (lambda d: d["years"][2025].update(document_verified="yes"), "true or false"),
        ],
    )
    def test_malformed_data_is_refused_with_the_problem(self, change: Any, problem: str) -> None:
        data = _raw()
        change(data)
        with pytest.raises(CalendarDataError, match=problem):
            parse_calendar(data)

    def test_not_a_mapping(self) -> None:
        with pytest.raises(CalendarDataError):
            parse_calendar([])


class TestSummaryParameterFiles:
    """The summary tree is not below a ``parameters/index.yaml`` root, so the repository-wide
    schema test does not reach it: the same checks run here."""

    FILES = sorted(SUMMARY_PARAMETERS_DIR.rglob("*.yaml"))

    @pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SUMMARY_PARAMETERS_DIR)))
    def test_file_passes_the_schema_with_dated_references(self, path: Path) -> None:
        data = load_yaml(path)
        if path.name == INDEX_FILE:
            parse_folder_index(data, source=str(path))
            return
        spec = parse_parameter_file(data, source=str(path))
        for entry in spec.values:
            assert entry.reference.document.strip() and entry.reference.title.strip()
        if not spec.verified:
            assert spec.note

    def test_the_tree_loads(self) -> None:
        tree = load_parameter_tree(SUMMARY_PARAMETERS_DIR)
        assert len(list(tree.walk())) == 9

    @pytest.mark.parametrize(
        "path",
        [
            "application_keys",
            "unit_keys",
            "head_keys.summary_flag_1",
            "line_keys.item_name_flag_blank",
        ],
    )
    def test_our_readings_are_marked_unverified(self, path: str) -> None:
        parameter = load_summary_parameters().get(path)
        assert isinstance(parameter, Parameter)
        assert not parameter.lookup(date(2025, 1, 1)).verified

    @pytest.mark.parametrize(
        "path", ["head_keys.summary_flag_2", "deadline_day_of_month", "line_keys.item_name_flag_1"]
    )
    def test_the_rules_of_194_and_the_spec_are_verified(self, path: str) -> None:
        parameter = load_summary_parameters().get(path)
        assert isinstance(parameter, Parameter)
        assert parameter.lookup(date(2025, 1, 1)).verified


def test_examples_in_the_module_docstrings() -> None:
    result = doctest.testmod(calendar, raise_on_error=False, verbose=False)
    assert result.attempted >= 3
    assert result.failed == 0


@pytest.mark.parametrize(("year", "count"), [(2024, 251), (2025, 248), (2026, 248)])
def test_working_days_per_year(year: int, count: int) -> None:
    # 2025: 261 weekdays − 18 weekday holidays + 5 worked weekend days = 248 (13 legal holidays from
    # 2025 on); 2026: 261 − 19 + 6 = 248; 2024: 262 − 19 + 8 = 251. Guards against a slip in the data.
    day, working = date(year, 1, 1), 0
    while day.year == year:
        working += is_working_day(day)
        day += timedelta(days=1)
    assert working == count
