"""Clearance workers: take batches from the bus, process each batch in one transaction."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.orm import Session

from cbec.clearance.service import BatchResult, ClearanceEngine, EngineSettings
from cbec.config import Settings
from cbec.exports.service import ExportEngine
from cbec.kernel.crypto import DataCipher
from cbec.kernel.dates import utc_now
from cbec.messages.ingest import ACCEPTED_TOPIC
from cbec.stats import tasks as stats_tasks
from cbec.store.session import unit_of_work

if TYPE_CHECKING:
    from cbec.workers.nats_bus import NatsBus
from cbec.workers.bus import Event, OutboxQueue

log = structlog.get_logger()


@dataclass
class WorkerStats:
    batches: int = 0
    events: int = 0
    decided: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def add(self, result: BatchResult) -> None:
        self.batches += 1
        self.events += result.events
        self.decided += result.decided
        for state, n in result.states.items():
            self.states[state] = self.states.get(state, 0) + n


class ClearanceWorker:
    """Runs batches until told to stop; wakes early when the access point pokes it."""

    def __init__(
        self,
        engine: ClearanceEngine,
        sessions: Callable[[], Session],
        *,
        batch_size: int = 500,
        idle_sleep: float = 0.2,
        sweep_every: float = 5.0,
    ) -> None:
        self.engine = engine
        self.exports = ExportEngine()
        self.sessions = sessions
        self.queue = OutboxQueue()
        self.batch_size = batch_size
        self.idle_sleep = idle_sleep
        self.sweep_every = sweep_every
        self.stats = WorkerStats()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_sweep = 0.0
        self.nats: NatsBus | None = None
        self.bus_url: str | None = None
        self.relay_only = False

    def connect(self) -> None:
        """Connect to NATS JetStream when a bus URL is configured (embedded mode needs nothing)."""
        if self.bus_url and self.nats is None:
            from cbec.workers.nats_bus import NatsBus

            self.nats = NatsBus(self.bus_url)

    def run_once(self) -> int:
        """Process one batch; returns how many events it took (0 = nothing to do)."""
        self.connect()
        if self.nats is not None:
            return self._run_once_nats()
        now = utc_now()
        with unit_of_work(sessions=self.sessions) as session:
            rows = self.queue.claim(session, self.batch_size)
            if not rows:
                return 0
            events = [r.payload for r in rows if r.topic == ACCEPTED_TOPIC]
            result = self.engine.process(session, events, now)
            self.exports.process(session, events, now)
            self.queue.done(rows, now)
        self.stats.add(result)
        return len(rows)

    def relay(self) -> int:
        """NATS mode: publish unpublished outbox rows to JetStream, then mark them published."""
        assert self.nats is not None
        with unit_of_work(sessions=self.sessions) as session:
            rows = self.queue.claim(session, 1000)
            if rows:
                self.nats.publish([Event(r.id, r.topic, r.key, r.payload) for r in rows])
                self.queue.done(rows, utc_now())
            return len(rows)

    def _run_once_nats(self) -> int:
        assert self.nats is not None
        if not self.relay_only:
            self.relay()
        else:
            return self.relay()
        deliveries = self.nats.fetch(self.batch_size, timeout=self.idle_sleep)
        if not deliveries:
            return 0
        with unit_of_work(sessions=self.sessions) as session:
            payloads = [payload for payload, _msg in deliveries]
            now = utc_now()
            result = self.engine.process(session, payloads, now)
            self.exports.process(session, payloads, now)
        self.nats.ack([msg for _payload, msg in deliveries])  # only after the commit
        self.stats.add(result)
        return len(deliveries)

    def sweep(self) -> None:
        from cbec.exports.service import sweep_exports

        with unit_of_work(sessions=self.sessions) as session:
            now = utc_now()
            self.stats.add(self.engine.sweep(session, now))
            sweep_exports(session, now, self.engine.settings.match_wait)
        self._last_sweep = time.monotonic()
        self.credit_nightly()
        stats_tasks.refresh_facts(self.sessions)  # own unit of work; a failure is logged, never raised

    def credit_nightly(self) -> None:
        """The daily credit re-rating (its own unit of work: a failure never holds up clearance)."""
        from cbec.credit.scores import nightly

        try:
            with unit_of_work(sessions=self.sessions) as session:
                rated = nightly(session, utc_now())
            if rated is not None:
                log.info("credit.nightly", rated=rated)
        except Exception:
            log.exception("credit.nightly_failed")

    def drain(self) -> None:
        """Process until the queue is empty (the demo, tests and the CLI use it)."""
        while self.run_once():
            pass

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self.connect()
        self._thread = threading.Thread(target=self._loop, name="clearance-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self.nats is not None:
            self.nats.close()
            self.nats = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                took = self.run_once()
                if time.monotonic() - self._last_sweep > self.sweep_every:
                    self.sweep()
            except Exception:
                log.exception("worker.batch_failed")
                took = 0
            if not took:
                self._wake.wait(self.idle_sleep)
                self._wake.clear()


def _risk_model(settings: Settings) -> Any:  # a cbec.risk.model.RiskModel
    """The trained model named by ``CBEC_RISK_MODEL`` (None: rules only)."""
    if settings.risk_model is None:
        return None
    from cbec.risk import model as risk_model  # LightGBM loads only when a model is configured

    return risk_model.load(settings.risk_model)


def build_worker(settings: Settings, sessions: Callable[[], Session]) -> ClearanceWorker:
    """A clearance worker configured from the settings."""
    engine = ClearanceEngine(
        DataCipher(settings.data_key_bytes, settings.data_key_id),
        EngineSettings(
            match_wait=timedelta(seconds=settings.match_wait_seconds),
            inspection_rate=settings.inspection_rate,
            risk_scoring=settings.risk_scoring,
            sample_seed=settings.sample_seed,
            model=_risk_model(settings),
        ),
    )
    worker = ClearanceWorker(engine, sessions, batch_size=settings.worker_batch_size)
    worker.bus_url = settings.bus_url
    return worker
