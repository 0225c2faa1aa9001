"""A settable clock for laying down a demo history (``cbec demo --days N``).

The platform reads the time in one place, :func:`cbec.kernel.dates.utc_now` (column defaults, the
access point, the workers, ``today()``), which asks the module's ``datetime`` for ``now``. Inside
:func:`simulated_clock` that class is replaced by one whose ``now`` is the real time moved by an offset,
so every part of the pipeline sees the demo day's time and time still passes between two readings.
Only the demo uses it, on a single thread, and the real class is put back on exit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, tzinfo

from cbec.kernel import dates

__all__ = ["simulated_clock"]


@contextmanager
def simulated_clock() -> Iterator[Callable[[datetime], None]]:
    """Within the block, ``set_to(moment)`` makes the platform's clock read ``moment`` (then run on)."""
    real: type[datetime] = vars(dates)["datetime"]
    offset = [timedelta(0)]

    class _Shifted(real):  # type: ignore[valid-type,misc]
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:
            return real.now(tz) + offset[0]

    def set_to(moment: datetime) -> None:
        offset[0] = moment - real.now(UTC)

    vars(dates)["datetime"] = _Shifted
    try:
        yield set_to
    finally:
        vars(dates)["datetime"] = real
