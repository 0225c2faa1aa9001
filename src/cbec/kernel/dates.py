"""Time: stored in UTC, shown and applied by law in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Beijing time: the day rules, lists and ratings are in force on."""
    return utc_now().astimezone(SHANGHAI).date()


def ceb_time17(moment: datetime) -> str:
    """A CEB ``returnTime``: ``YYYYMMDDhhmmssSSS`` in Beijing time (C17).

    >>> from datetime import datetime, UTC
    >>> ceb_time17(datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC))
    '20260102110405678'
    """
    local = moment.astimezone(SHANGHAI)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"
