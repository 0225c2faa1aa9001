"""The figures, series and breakdowns equal a direct recomputation from the orders for random selections,
and a rebuild from the event history gives the same figures.

One history (eight demo days over thirteen months, through the real access point and workers, plus
three post records) serves every test of the module; nothing here writes to it except the rebuild,
which must leave it as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text

from cbec.stats import rollup, service
from cbec.stats.catalogue import load_catalogue
from cbec.stats.models import StatDeclaration
from cbec.store.session import unit_of_work
from tests.stats.conftest import History
from tests.stats.support import Row, declarations, expected, figures_only, select_rows

DIMENSIONS = (
    "direction",
    "segment",
    "trade_mode",
    "country",
    "hs_chapter",
    "park",
    "enterprise_id",
    "channel",
)


def _rows(history: History) -> list[Row]:
    with unit_of_work(history.settings) as session:
        return declarations(session, load_catalogue())


def _values(rows: list[Row], name: str) -> list[Any]:
    key = "ebc_id" if name == "enterprise_id" else name
    return sorted({getattr(r, key) for r in rows if getattr(r, key) is not None}, key=str)


def _random_selection(rng: random.Random, history: History, rows: list[Row]) -> dict[str, Any]:
    """A random day range and random dimensions: mostly the values of one declaration in the range (so
    that most selections hold rows), sometimes any known value or one that matches nothing."""
    first = history.first - timedelta(days=3)
    span = (history.last - first).days + 3
    a, b = sorted(rng.randrange(span) for _ in range(2))
    start, end = first + timedelta(days=a), first + timedelta(days=b)
    if rng.random() < 0.5:  # often days with trade (the history is eight days in thirteen months)
        start, end = sorted(rng.choice(history.dates) for _ in range(2))
    selection: dict[str, Any] = {"start": start, "end": end}
    inside = [r for r in rows if start <= r.day <= end]
    model = rng.choice(inside) if inside else None
    for name in DIMENSIONS:
        if rng.random() < 0.3:
            key = "ebc_id" if name == "enterprise_id" else name
            roll = rng.random()
            if model is not None and roll < 0.75 and getattr(model, key) is not None:
                selection[name] = getattr(model, key)
            elif roll < 0.95:
                selection[name] = rng.choice(_values(rows, name))
            elif name in ("country", "park", "trade_mode"):
                selection[name] = "999"
    return selection


def test_the_history_covers_what_the_figures_need(history: History) -> None:
    rows = _rows(history)
    assert {r.direction for r in rows} == {"import", "export"}
    assert {"b2c", "b2b"} <= {r.segment for r in rows}
    assert {"customs", "post"} <= {r.channel for r in rows}
    assert sum(r.inspected for r in rows) >= 5 and sum(r.refused for r in rows) >= 1
    assert len({r.day for r in rows}) == len(history.dates)
    assert len({r.seconds for r in rows if r.seconds is not None}) > 3  # clearance times spread
    assert any(r.released and r.value is None for r in rows)  # exports priced in foreign currency


def test_figures_equal_a_direct_recomputation_for_random_selections(history: History) -> None:
    rows = _rows(history)
    rng = random.Random(20261125)
    nonempty = 0
    with unit_of_work(history.settings) as session:
        assert rollup.refresh(session).facts == 0  # the facts are up to date: nothing new to apply
        for _ in range(100):
            selection = _random_selection(rng, history, rows)
            want = expected(select_rows(rows, **selection))
            got = service.figures(session, **selection)
            assert figures_only(got) == want, selection
            nonempty += bool(want["count"])
    assert nonempty >= 35  # the comparison is not vacuous


def test_percentiles_are_the_nearest_rank_as_postgresql_computes_them(history: History) -> None:
    with unit_of_work(history.settings) as session:
        found = service.figures(session, start=history.first, end=history.last)
        seconds = sorted(
            session.scalars(
                select(StatDeclaration.clearance_seconds).where(
                    StatDeclaration.clearance_seconds.is_not(None)
                )
            )
        )
        assert found["clearance_p50"] == seconds[-(-50 * len(seconds) // 100) - 1]
        assert found["clearance_p95"] == seconds[-(-95 * len(seconds) // 100) - 1]
        assert found["clearance_p95"] > found["clearance_p50"]  # inspections wait hours, the rest seconds
        if session.get_bind().dialect.name == "postgresql":
            p50, p95 = session.execute(
                text(
                    "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY clearance_seconds), "
                    "percentile_disc(0.95) WITHIN GROUP (ORDER BY clearance_seconds) FROM stat_declarations"
                )
            ).one()
            assert (found["clearance_p50"], found["clearance_p95"]) == (p50, p95)


def _growth(now: int | Decimal, before: int | Decimal, before_count: int) -> Decimal | None:
    if not before or not before_count:
        return None
    return ((Decimal(now) - Decimal(before)) / Decimal(before)).quantize(Decimal("0.0001"))


def test_series_equal_a_recomputation_per_period_with_growth(history: History) -> None:
    rows = _rows(history)
    start, end = history.first.replace(day=1), history.last
    with unit_of_work(history.settings) as session:
        months = service.series(session, start=start, end=end, grain="month")
        days = service.series(session, start=history.last - timedelta(days=40), end=end, grain="day")
        years = service.series(session, start=date(history.first.year, 1, 1), end=end, grain="year")
    assert len(months) >= 13 and sum(m["count"] for m in months) == len(rows)
    assert sum(y["count"] for y in years) == len(rows)
    for row in [*months, *days, *years]:
        chosen = select_rows(rows, row["start"], row["end"])
        assert {k: row[k] for k in expected([])} == expected(chosen), row["period"]
        a_year_ago = select_rows(rows, _year_before(row["start"]), _year_before(row["end"]))
        assert row["count_yoy"] == _growth(row["count"], len(a_year_ago), len(a_year_ago))
        assert row["value_yoy"] == _growth(row["value"], expected(a_year_ago)["value"], len(a_year_ago))
    for row in days:
        before = select_rows(rows, row["start"] - timedelta(days=1), row["end"] - timedelta(days=1))
        assert row["count_mom"] == _growth(row["count"], len(before), len(before))
    assert any(m["value_yoy"] is not None for m in months)  # the month a year after the first days
    assert any(d["count_mom"] is not None for d in days)  # consecutive days


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def test_breakdowns_equal_a_recomputation_and_rank_by_value(history: History) -> None:
    rows = _rows(history)
    with unit_of_work(history.settings) as session:
        for by in service.BREAKDOWNS:
            found = service.breakdown(session, start=history.first, end=history.last, by=by, limit=1000)
            attribute = "ebc_id" if by == "enterprise" else by
            groups = {getattr(r, attribute) for r in rows}
            assert {r["key"] for r in found} == groups, by
            for row in found:
                chosen = [r for r in rows if getattr(r, attribute) == row["key"]]
                assert figures_only(row) == expected(chosen), (by, row["key"])
            values = [r["value"] for r in found]
            assert values == sorted(values, reverse=True)
            assert sum(r["count"] for r in found) == len(rows)
        countries = service.breakdown(session, start=history.first, end=history.last, by="country", limit=3)
        assert len(countries) == 3 and all(
            r["label"] != r["key"] for r in countries
        )  # names from the code table


def _snapshot(history: History) -> dict[str, Any]:
    with unit_of_work(history.settings) as session:
        facts = sorted(
            tuple(str(v) for v in row)
            for row in session.execute(
                select(*[c for c in StatDeclaration.__table__.columns if c.name != "updated_at"])
            )
        )
        return {
            "facts": facts,
            "figures": service.figures(session, start=history.first, end=history.last),
            "months": service.series(session, start=history.first, end=history.last, grain="month"),
            "countries": service.breakdown(session, start=history.first, end=history.last, by="country"),
        }


def test_rebuild_from_the_event_history_gives_identical_figures(history: History) -> None:
    before = _snapshot(history)
    with unit_of_work(history.settings) as session:
        result = rollup.rebuild(session)
        assert result.channel_records == 3
        assert result.facts + result.channel_records == len(before["facts"])
    assert _snapshot(history) == before
    with unit_of_work(history.settings) as session:  # and applying every event again changes nothing
        session.execute(text("UPDATE stat_cursors SET last_id = 0"))
        again = rollup.refresh(session)
        assert again.events == session.scalar(text("SELECT COUNT(*) FROM clearance_events")) + session.scalar(
            text("SELECT COUNT(*) FROM export_events")
        )
        assert session.scalar(select(func.count()).select_from(StatDeclaration)) == len(before["facts"])
    assert _snapshot(history) == before
