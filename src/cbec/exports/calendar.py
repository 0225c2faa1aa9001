"""Working days in mainland China and the deadline of the monthly export summary declaration.

What the law requires (海关总署公告2018年第194号 十; regulation.md §3.1.4): the inventories
released in a month are summarised **by the 15th of the next month**; when the 15th is a legal
holiday or a rest day (法定节假日或者法定休息日) the deadline moves to the next working day.

Which days are holidays and which weekend days are worked (调休上班日) changes every year, by a
notice of the State Council General Office (国务院办公厅关于<year>年部分节假日安排的通知). Those
arrangements are **data** (``parameters/holidays.yaml``), one entry per year with its document
number, date, sources and how sure we are of it. A day is a working day when:

* it is listed as an adjusted working day → working day (even on a Saturday or Sunday);
* it falls in a listed holiday period → rest day;
* otherwise it is a working day unless it is a weekly rest day (Saturday, Sunday; also data).

A day in a year the data do not cover raises :class:`CalendarYearNotCoveredError`: the calendar
never guesses from weekends alone, because a missing notice would silently move deadlines.

The day of the month (15) is a dated parameter of the summary parameter tree
(``parameters/summary_declaration/deadline_day_of_month.yaml``), loaded by
:func:`load_summary_parameters`.

Nothing here reads the clock: "today" is always passed in.

>>> from datetime import date
>>> summary_deadline(date(2025, 1, 31))   # 2025-02-15 is a Saturday
datetime.date(2025, 2, 17)
>>> summary_deadline(date(2026, 1, 1))    # 2026-02-15 opens the Spring Festival (15–23 Feb)
datetime.date(2026, 2, 24)
>>> is_working_day(date(2024, 2, 18))     # a Sunday worked for the Spring Festival
True
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from cbec.rules import ParameterNode, load_parameter_tree

__all__ = [
    "HOLIDAYS_FILE",
    "PARAMETERS_DIR",
    "SUMMARY_PARAMETERS_DIR",
    "CalendarDataError",
    "CalendarYearNotCoveredError",
    "Holiday",
    "HolidayCalendar",
    "YearArrangement",
    "is_working_day",
    "load_calendar",
    "load_summary_parameters",
    "next_working_day",
    "parse_calendar",
    "summary_deadline",
    "working_day_on_or_after",
]

PARAMETERS_DIR = Path(__file__).resolve().parent / "parameters"
"""The exports data folder."""

HOLIDAYS_FILE = PARAMETERS_DIR / "holidays.yaml"
"""The holiday arrangements, one entry per year."""

SUMMARY_PARAMETERS_DIR = PARAMETERS_DIR / "summary_declaration"
"""The dated parameter tree of the summary declaration (deadline, merge keys)."""

_DEADLINE_DAY = "deadline_day_of_month"
_MONTHS_PER_YEAR = 12
_ISO_WEEKDAYS = range(1, 8)  # Monday 1 … Sunday 7, as date.isoweekday()
# Longest run of consecutive rest days a search may cross before we call the data broken: a year.
_SEARCH_LIMIT = timedelta(days=366)


class CalendarDataError(ValueError):
    """``holidays.yaml`` is malformed; the message lists every problem."""


class CalendarYearNotCoveredError(LookupError):
    """The calendar has no holiday arrangement for the year of the day asked about.

    Attributes:
        year: the year that is missing.
        covered: the years the calendar does cover.
    """

    def __init__(self, year: int, covered: Iterable[int]) -> None:
        self.year = year
        self.covered = tuple(sorted(covered))
        known = ", ".join(str(y) for y in self.covered) or "none"
        super().__init__(
            f"no holiday arrangement for {year} in the calendar (covered: {known}); add the State "
            f"Council General Office notice for {year} to {HOLIDAYS_FILE.name} after checking it"
        )


@dataclass(frozen=True, slots=True)
class Holiday:
    """One holiday period of a notice (放假调休), first to last day inclusive."""

    name: str
    name_en: str
    first: date
    last: date

    def days(self) -> tuple[date, ...]:
        """Every day of the period."""
        count = (self.last - self.first).days + 1
        return tuple(self.first + timedelta(days=offset) for offset in range(count))


@dataclass(frozen=True, slots=True)
class YearArrangement:
    """A year's arrangement, as published by the State Council General Office.

    Attributes:
        year: the calendar year.
        document: document number, e.g. ``国办发明电〔2024〕12号``.
        title: the notice's title.
        issued: the date it was signed.
        verified: True when the dates were checked against the notice's full text.
        document_verified: True when the document number was seen with that text.
        sources: where the text was read.
        holidays: the holiday periods.
        working_days: the adjusted working days (weekend days that are worked).
        note: remarks (what is not certain, special cases).
    """

    year: int
    document: str
    title: str
    issued: date
    verified: bool
    document_verified: bool
    sources: tuple[str, ...]
    holidays: tuple[Holiday, ...]
    working_days: tuple[date, ...]
    note: str | None = None

    def cite(self) -> str:
        """One-line citation with the verification marks."""
        mark = "[V]" if self.verified else "[U]"
        number = self.document if self.document_verified else f"{self.document} [S]"
        return f"{number}《{self.title}》({self.issued.isoformat()}) {mark}"


@dataclass(frozen=True)
class HolidayCalendar:
    """Working days for the years whose holiday arrangement is known.

    Attributes:
        years: the arrangements by year.
        weekly_rest_days: ISO weekdays that are rest days unless listed as working days.
    """

    years: Mapping[int, YearArrangement]
    weekly_rest_days: frozenset[int]

    @functools.cached_property
    def _rest_days(self) -> frozenset[date]:
        return frozenset(day for year in self.years.values() for h in year.holidays for day in h.days())

    @functools.cached_property
    def _working_days(self) -> frozenset[date]:
        return frozenset(day for year in self.years.values() for day in year.working_days)

    def covers(self, year: int) -> bool:
        """Return whether the calendar holds the arrangement of ``year``."""
        return year in self.years

    def arrangement(self, year: int) -> YearArrangement:
        """Return the arrangement of a year.

        Raises:
            CalendarYearNotCoveredError: the year is not in the calendar.
        """
        try:
            return self.years[year]
        except KeyError:
            raise CalendarYearNotCoveredError(year, self.years) from None

    def _check(self, day: date) -> None:
        if day.year not in self.years:
            raise CalendarYearNotCoveredError(day.year, self.years)

    def is_holiday(self, day: date) -> bool:
        """Return whether the day lies in a listed holiday period.

        Raises:
            CalendarYearNotCoveredError: the day's year is not in the calendar.
        """
        self._check(day)
        return day in self._rest_days

    def is_adjusted_working_day(self, day: date) -> bool:
        """Return whether the day is a weekend day worked by the year's arrangement (调休上班日).

        Raises:
            CalendarYearNotCoveredError: the day's year is not in the calendar.
        """
        self._check(day)
        return day in self._working_days

    def is_working_day(self, day: date) -> bool:
        """Return whether people work that day: listed working day, else not a holiday nor a weekly rest day.

        Raises:
            CalendarYearNotCoveredError: the day's year is not in the calendar.
        """
        self._check(day)
        if day in self._working_days:
            return True
        if day in self._rest_days:
            return False
        return day.isoweekday() not in self.weekly_rest_days

    def working_day_on_or_after(self, day: date) -> date:
        """Return ``day`` when it is a working day, else the first working day after it (顺延).

        Raises:
            CalendarYearNotCoveredError: a day to examine lies in a year not in the calendar.
        """
        candidate = day
        while not self.is_working_day(candidate):
            candidate += timedelta(days=1)
            if candidate - day > _SEARCH_LIMIT:  # pragma: no cover - only with broken data
                raise CalendarDataError(f"no working day within a year after {day.isoformat()}")
        return candidate

    def next_working_day(self, day: date) -> date:
        """Return the first working day strictly after ``day``.

        Raises:
            CalendarYearNotCoveredError: a day to examine lies in a year not in the calendar.
        """
        return self.working_day_on_or_after(day + timedelta(days=1))


# --- loading -------------------------------------------------------------------------------------


def _as_date(raw: Any, where: str, problems: list[str]) -> date | None:
    if isinstance(raw, date):
        return raw
    problems.append(f"{where}: {raw!r} is not a date written YYYY-MM-DD")
    return None


def _as_text(data: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    raw = data.get(key)
    if not isinstance(raw, str) or not raw.strip():
        problems.append(f"{where}: `{key}` must be a non-empty text")
        return ""
    return raw.strip()


def _as_flag(data: Mapping[str, Any], key: str, where: str, problems: list[str]) -> bool:
    raw = data.get(key)
    if not isinstance(raw, bool):
        problems.append(f"{where}: `{key}` must be true or false")
        return False
    return raw


def _holidays(raw: Any, where: str, problems: list[str]) -> tuple[Holiday, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: `holidays` must be a non-empty list")
        return ()
    found: list[Holiday] = []
    for index, item in enumerate(raw):
        here = f"{where}.holidays[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{here}: must be a mapping with name, name_en, first, last")
            continue
        first = _as_date(item.get("first"), f"{here}.first", problems)
        last = _as_date(item.get("last"), f"{here}.last", problems)
        name = _as_text(item, "name", here, problems)
        name_en = _as_text(item, "name_en", here, problems)
        if first is None or last is None:
            continue
        if last < first:
            problems.append(f"{here}: last day {last} before first day {first}")
            continue
        found.append(Holiday(name=name, name_en=name_en, first=first, last=last))
    return tuple(found)


def _working_days(raw: Any, where: str, problems: list[str], rest: frozenset[int]) -> tuple[date, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: `working_days` must be a list")
        return ()
    found: list[date] = []
    for index, item in enumerate(raw):
        here = f"{where}.working_days[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{here}: must be a mapping with day and for")
            continue
        _as_text(item, "for", here, problems)
        day = _as_date(item.get("day"), f"{here}.day", problems)
        if day is None:
            continue
        if day.isoweekday() not in rest:
            # An adjusted working day makes up for a holiday on a weekend day; a weekday listed here
            # would be a typo in the data.
            problems.append(
                f"{here}: {day} is not a weekly rest day, so it cannot be an adjusted working day"
            )
        found.append(day)
    return tuple(found)


def _year(key: Any, raw: Any, problems: list[str], rest: frozenset[int]) -> YearArrangement | None:
    where = f"years.{key}"
    if not isinstance(key, int) or isinstance(key, bool):
        problems.append(f"{where}: the key must be a year")
        return None
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be a mapping")
        return None
    issued = _as_date(raw.get("issued"), f"{where}.issued", problems)
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        problems.append(f"{where}: `sources` must list where the notice was read")
        sources = []
    arrangement = YearArrangement(
        year=key,
        document=_as_text(raw, "document", where, problems),
        title=_as_text(raw, "title", where, problems),
        issued=issued or date.min,
        verified=_as_flag(raw, "verified", where, problems),
        document_verified=_as_flag(raw, "document_verified", where, problems),
        sources=tuple(sources),
        holidays=_holidays(raw.get("holidays"), where, problems),
        working_days=_working_days(raw.get("working_days"), where, problems, rest),
        note=raw.get("note") if isinstance(raw.get("note"), str) else None,
    )
    if not arrangement.verified and arrangement.note is None:
        problems.append(f"{where}: an unverified year needs a `note` saying what is not confirmed")
    overlap = {day for h in arrangement.holidays for day in h.days()} & set(arrangement.working_days)
    if overlap:
        days = ", ".join(sorted(day.isoformat() for day in overlap))
        problems.append(f"{where}: days both holiday and working day: {days}")
    if str(key) not in arrangement.title:
        problems.append(f"{where}: the title does not name the year {key}")
    return arrangement


def _rest_weekdays(raw: Any, problems: list[str]) -> frozenset[int]:
    days = raw.get("isoweekdays") if isinstance(raw, Mapping) else None
    reference = raw.get("reference") if isinstance(raw, Mapping) else None
    if not isinstance(reference, Mapping) or "document" not in reference:
        problems.append("weekly_rest_days: a `reference` with its document is required")
    if (
        not isinstance(days, list)
        or not days
        or not all(isinstance(d, int) and not isinstance(d, bool) and d in _ISO_WEEKDAYS for d in days)
    ):
        problems.append("weekly_rest_days.isoweekdays: a non-empty list of ISO weekdays (1–7)")
        return frozenset()
    return frozenset(days)


def parse_calendar(data: Any, *, source: str = "holidays.yaml") -> HolidayCalendar:
    """Check the parsed holiday data and build the calendar.

    Raises:
        CalendarDataError: with every problem found.
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise CalendarDataError(f"{source}: must be a mapping")
    rest = _rest_weekdays(data.get("weekly_rest_days"), problems)
    raw_years = data.get("years")
    years: dict[int, YearArrangement] = {}
    if not isinstance(raw_years, Mapping) or not raw_years:
        problems.append("`years` must map each covered year to its arrangement")
    else:
        for key, raw in raw_years.items():
            arrangement = _year(key, raw, problems, rest)
            if arrangement is not None:
                years[arrangement.year] = arrangement
    if problems:
        raise CalendarDataError(f"{source}: " + "; ".join(problems))
    return HolidayCalendar(years=MappingProxyType(years), weekly_rest_days=rest)


@functools.cache
def _packaged_calendar() -> HolidayCalendar:
    return load_calendar(HOLIDAYS_FILE)


def load_calendar(path: Path | None = None) -> HolidayCalendar:
    """Load the holiday calendar (the packaged ``holidays.yaml`` by default, loaded once).

    Args:
        path: another file in the same format (tests, a newer notice not yet packaged).

    Raises:
        CalendarDataError: the file is malformed.
    """
    if path is None:
        return _packaged_calendar()
    with path.open(encoding="utf-8") as stream:
        data = yaml.safe_load(stream)
    return parse_calendar(data, source=str(path))


@functools.cache
def _packaged_summary_parameters() -> ParameterNode:
    return load_parameter_tree(SUMMARY_PARAMETERS_DIR)


def load_summary_parameters(root: Path | None = None) -> ParameterNode:
    """Load the summary declaration's parameter tree (the packaged one by default, loaded once).

    Read it at a day: ``load_summary_parameters().at(day).text("head_keys.summary_flag_2")``.

    Raises:
        cbec.rules.ParameterSchemaError: a file is malformed.
    """
    return _packaged_summary_parameters() if root is None else load_parameter_tree(root)


# --- the functions callers use -------------------------------------------------------------------


def is_working_day(day: date, *, calendar: HolidayCalendar | None = None) -> bool:
    """Return whether ``day`` is a working day in mainland China.

    Weekends are rest days unless listed as adjusted working days; listed holidays are rest days.

    Raises:
        CalendarYearNotCoveredError: the day's year is not in the calendar.
    """
    return (calendar or load_calendar()).is_working_day(day)


def next_working_day(day: date, *, calendar: HolidayCalendar | None = None) -> date:
    """Return the first working day strictly after ``day``.

    Raises:
        CalendarYearNotCoveredError: a day to examine lies in a year not in the calendar.
    """
    return (calendar or load_calendar()).next_working_day(day)


def working_day_on_or_after(day: date, *, calendar: HolidayCalendar | None = None) -> date:
    """Return ``day`` if it is a working day, else the next one (the law's 顺延).

    Raises:
        CalendarYearNotCoveredError: a day to examine lies in a year not in the calendar.
    """
    return (calendar or load_calendar()).working_day_on_or_after(day)


def _following_month(month: date) -> tuple[int, int]:
    if month.month == _MONTHS_PER_YEAR:
        return month.year + 1, 1
    return month.year, month.month + 1


def summary_deadline(
    month: date, *, calendar: HolidayCalendar | None = None, params: ParameterNode | None = None
) -> date:
    """Inventories released in ``month`` are summarised by the 15th of the next month (or next working day).

    Args:
        month: any day of the month whose released inventories are summarised.
        calendar: the holiday calendar (packaged by default).
        params: the summary parameter tree (packaged by default); the day of the month is read as
            in force on the first day of the following month.

    Returns:
        The last day on which the summary is on time.

    Raises:
        CalendarYearNotCoveredError: the deadline's year is not in the calendar.
    """
    year, number = _following_month(month)
    tree = params or load_summary_parameters()
    day_of_month = int(tree.at(date(year, number, 1)).decimal(_DEADLINE_DAY))
    return working_day_on_or_after(date(year, number, day_of_month), calendar=calendar)
