"""Fixtures of the statistics tests: the clearance ``zone`` (real documents through the access point) and
a history of trade laid down by the demo on chosen days, shared by the read-only tests of a module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from cbec.config import Environment, Settings, get_settings
from cbec.demo.run import run_history
from cbec.kernel.dates import today
from cbec.stats import channels
from cbec.store.models import metadata
from cbec.store.session import get_engine, unit_of_work
from tests.clearance.support import Zone
from tests.factories import Factory


@pytest.fixture
def zone(factory: Factory, client: TestClient, settings: Settings) -> Zone:
    """Four filed enterprises, a guarantee, a customs key; no random inspection."""
    return Zone(factory, client, settings)


@dataclass(frozen=True)
class History:
    """A database holding a demo history: its settings and the days it covers."""

    settings: Settings
    dates: list[date]

    @property
    def first(self) -> date:
        return self.dates[0]

    @property
    def last(self) -> date:
        return self.dates[-1]


def history_dates(on: date) -> list[date]:
    """Days that give every comparison something: a year earlier, the previous month, consecutive days."""
    return [
        on - timedelta(days=400),
        on - timedelta(days=399),
        on - timedelta(days=371),
        on - timedelta(days=45),
        on - timedelta(days=35),
        on - timedelta(days=2),
        on - timedelta(days=1),
        on,
    ]


CHANNEL_CSV = """channel_ref,date,direction,trade_mode,segment,country,hs_code,value_cny,enterprise,order_no,waybill_no
EMS-0001,{d1},import,,b2c,116,3304990000,128.50,,,
EMS-0002,{d2},export,9610,,502,6404000000,310.00,,,
EMS-0003,{d2},export,,b2b,304,8471300000,45000.00,,,
"""


@pytest.fixture(scope="module")
def history(database_url: str) -> Iterator[History]:
    """Eight days of demo trade spread over 13 months (a fifth of the imports inspected, so that clearance
    times spread), plus three records imported from the post; emptied when the module is done."""
    settings = Settings(
        database_url=database_url,
        environment=Environment.testing,
        embedded_worker=False,
        inspection_rate=Decimal("0.2"),
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CBEC_DATABASE_URL", database_url)
        mp.setenv("CBEC_ENVIRONMENT", "testing")
        get_settings.cache_clear()
        dates = history_dates(today())
        run_history(settings, days=len(dates), dates=dates, orders=96, exports=24, seed=7)
        with unit_of_work(settings) as session:
            body = CHANNEL_CSV.format(d1=dates[-1].isoformat(), d2=dates[3].isoformat()).encode()
            channels.import_file(session, body, channel="post", filename="post.csv", actor="test")
        try:
            yield History(settings, dates)
        finally:
            get_settings.cache_clear()
            with get_engine(settings).begin() as conn:
                for table in reversed(metadata.sorted_tables):
                    conn.execute(table.delete())
