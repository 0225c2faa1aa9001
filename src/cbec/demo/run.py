"""``cbec demo``: set up a zone, file its enterprises and push a day of trade through the real platform.

Everything goes through the same code paths as production: the access point (``submit_many``, the
function the HTTP API calls), the outbox, the clearance worker, the inspection service.  Only the
transport is skipped (no HTTP): the enterprises' messages are handed to the access point in process.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.auth.service import Caller
from cbec.clearance.enums import ClearanceState, InspectionResult
from cbec.clearance.models import ClearanceOrder
from cbec.clearance.service import guarantee_for
from cbec.config import Settings
from cbec.demo.credit import run_credit
from cbec.demo.generator import DemoEnterprise, DemoOrder, demo_enterprises, demo_orders
from cbec.errors import CbecError
from cbec.kernel.dates import SHANGHAI, utc_now
from cbec.messages.ingest import AccessPoint, Answer, Submission
from cbec.registry import repository as registry_repo
from cbec.registry import service as registry
from cbec.registry.schemas import EnterpriseCreate
from cbec.risk.models import RiskAlert
from cbec.stats import tasks as stats_tasks
from cbec.store import migrate
from cbec.store.session import session_factory, unit_of_work
from cbec.workers.runner import build_worker
from cbec.zones import load_zone

#: Tax guarantee lodged for each guarantor of the demo (CNY).
DEMO_GUARANTEE = Decimal("50000000")
#: Messages per access-point batch.
CHUNK = 1000
#: Every n-th inspected inventory is found with a problem (the rest are clean).
FINDING_EVERY = 10

ProgressHook = Callable[[int, int], None]
_EXPORT_SEED_OFFSET = 1_000_003


@dataclass
class DemoSummary:
    zone: str
    orders: int
    messages: int
    seconds: float
    by_state: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)
    by_expected: dict[str, dict[str, int]] = field(default_factory=dict)
    tax_total: str = "0.00"
    tax_sum_of_assessments: str = "0.00"
    inspected: int = 0
    inspection_rate: str = "0"
    orders_per_second: float = 0.0
    exports: dict[str, Any] = field(default_factory=dict)
    inspection_by_path: dict[str, int] = field(default_factory=dict)
    rule_hits: dict[str, int] = field(default_factory=dict)
    alerts_by_rule: dict[str, int] = field(default_factory=dict)
    credit: dict[str, Any] = field(default_factory=dict)
    history: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        extra = {"history": self.history} if self.history else {}
        return {
            "zone": self.zone,
            "orders": self.orders,
            "messages": self.messages,
            "seconds": round(self.seconds, 2),
            "orders_per_second": round(self.orders_per_second, 1),
            "by_state": self.by_state,
            "by_reason": self.by_reason,
            "by_expected": self.by_expected,
            "tax_total": self.tax_total,
            "tax_sum_of_assessments": self.tax_sum_of_assessments,
            "inspected": self.inspected,
            "inspection_rate": self.inspection_rate,
            "inspection_by_path": self.inspection_by_path,
            "rule_hits": self.rule_hits,
            "alerts_by_rule": self.alerts_by_rule,
            "exports": self.exports,
            "credit": self.credit,
            **extra,
        }


def _file_enterprises(settings: Settings, enterprises: list[DemoEnterprise]) -> dict[str, Caller]:
    """File (or find) every demo enterprise; lodge guarantees; return a caller per enterprise key."""
    callers: dict[str, Caller] = {}
    ordered = sorted(enterprises, key=lambda e: e.overseas)  # agents before the sellers they file
    with unit_of_work(settings) as session:
        for e in ordered:
            filing = registry_repo.by_code(session, e.customs_code)
            if filing is None:
                filing = registry.file_enterprise(
                    session,
                    EnterpriseCreate(
                        uscc=e.uscc,
                        customs_code=e.customs_code,
                        name=e.name,
                        name_en=e.name_en,
                        roles=list(e.roles),
                        dxp_id=e.dxp_id,
                        contact_name=e.contact_name,
                        contact_phone=e.contact_phone,
                        address=e.address,
                        park=e.park,
                        country=e.country,
                        overseas=e.overseas,
                        agent_code=e.agent_code,
                    ),
                    actor="demo",
                )
                if e.has_tax_guarantee:
                    guarantee_for(session, e.customs_code, DEMO_GUARANTEE, actor="demo")
            row, _key = auth.create_key(
                session,
                name=f"{e.name} (demo)",
                role=CallerRole.enterprise,
                enterprise=filing,
                created_by="demo",
            )
            callers[e.key] = Caller(
                key_id=row.id, name=e.name, role=CallerRole.enterprise, enterprise_id=filing.id
            )
    return callers


def run_demo(
    settings: Settings,
    *,
    orders: int = 10_000,
    exports: int | None = None,
    zone_name: str | None = None,
    seed: int = 1,
    now: datetime | None = None,
    progress: ProgressHook | None = None,
    days: int | None = None,
) -> DemoSummary:
    """Run one demo day and return its summary; with ``days``, lay down a history of that many days
    (``orders`` and ``exports`` spread over them) ending today (:func:`run_history`)."""
    if days is not None:
        return run_history(
            settings,
            days=days,
            orders=orders,
            exports=exports,
            zone_name=zone_name,
            seed=seed,
            progress=progress,
        )
    migrate.upgrade(settings)
    zone = load_zone(zone_name)
    started = time.perf_counter()
    now = now or utc_now()
    enterprises = demo_enterprises(zone)
    callers = _file_enterprises(settings, enterprises)
    sessions = session_factory(settings)
    worker = build_worker(settings, sessions)
    access_point = AccessPoint(settings, sessions)
    generated = list(demo_orders(zone, enterprises, n=orders, seed=seed, now=now))
    sync_refusals: dict[str, Counter[str]] = {}
    pending: list[tuple[DemoOrder, Submission]] = []
    sent = 0
    total_messages = sum(len(o.messages()) for o in generated)

    def flush() -> None:
        nonlocal sent
        answers = access_point.submit_many([s for _o, s in pending])
        for (order, _s), answer in zip(pending, answers, strict=True):
            for code in _negative_statuses(answer):
                sync_refusals.setdefault(order.order_no, Counter())[code] += 1
        sent += len(pending)
        pending.clear()
        worker.drain()
        if progress is not None:
            progress(sent, total_messages)

    for order in generated:
        for _message_type, sender, body in order.messages():
            pending.append((order, Submission(callers[sender.key], body, "application/xml")))
        if len(pending) >= CHUNK:
            flush()
    if pending:
        flush()
    # The day is over: sets still incomplete are refused (the demo's wait is the rest of the day).
    worker.engine.settings = type(worker.engine.settings)(
        match_wait=timedelta(0),
        inspection_rate=worker.engine.settings.inspection_rate,
        sample_seed=worker.engine.settings.sample_seed,
    )
    worker.sweep()
    inspected = _record_inspections(settings, worker)
    export_figures = _run_exports(
        settings,
        zone,
        enterprises,
        callers,
        access_point,
        worker,
        n=orders // 20 if exports is None else exports,
        seed=seed,
        now=now,
    )
    credit_figures = run_credit(settings, enterprises)
    stats_tasks.refresh_facts(sessions)  # the statistics include the inspections and exports above
    elapsed = time.perf_counter() - started
    summary = _summarise(settings, zone.key, generated, sync_refusals, total_messages, elapsed, inspected)
    summary.exports = export_figures
    summary.credit = credit_figures
    worker.stop()
    return summary


def _run_exports(
    settings: Settings,
    zone: Any,
    enterprises: list[DemoEnterprise],
    callers: dict[str, Caller],
    access_point: AccessPoint,
    worker: Any,
    *,
    n: int,
    seed: int,
    now: datetime,
) -> dict[str, Any]:
    """A day of exports (9610 parcels, some 9710 B2B, 9810 stock to two overseas warehouses), then the
    month-end summary declaration of every consignor."""
    if n <= 0:
        return {}
    shipments, refused = _send_exports(
        settings, zone, enterprises, callers, access_point, worker, n=n, seed=seed, now=now
    )
    return _export_figures(settings, shipments, refused)


def _send_exports(
    settings: Settings,
    zone: Any,
    enterprises: list[DemoEnterprise],
    callers: dict[str, Caller],
    access_point: AccessPoint,
    worker: Any,
    *,
    n: int,
    seed: int,
    now: datetime,
) -> tuple[list[Any], dict[str, int]]:
    """Send ``n`` export shipments through the access point and the worker; the refusals by code."""
    from cbec.demo.exports import demo_export_orders
    from cbec.exports.models import OverseasWarehouse

    # Another seed than the imports': both generators draw message guids from their seed, and one
    # enterprise (a platform, a carrier) sends both kinds, so equal seeds would reuse guids.
    shipments = list(demo_export_orders(zone, enterprises, n=n, seed=seed + _EXPORT_SEED_OFFSET, now=now))
    with unit_of_work(settings) as session:  # the 9810 consignors file their overseas warehouses
        for s in shipments:
            w = s.overseas_warehouse
            if (
                w is None
                or session.scalars(select(OverseasWarehouse).where(OverseasWarehouse.code == w.key)).first()
            ):
                continue
            owner = registry_repo.by_code(session, s.consignor.customs_code)
            if owner is not None:
                session.add(
                    OverseasWarehouse(
                        code=w.key,
                        name=w.name,
                        owner_enterprise_id=owner.id,
                        country=w.country,
                        address=w.address,
                        operator=w.name_en,
                    )
                )
                session.flush()
    items = [
        Submission(callers[sender.key], body, "application/xml")
        for s in shipments
        for _t, sender, body in s.messages()
    ]
    refused: dict[str, int] = {}
    for i in range(0, len(items), CHUNK):
        for answer in access_point.submit_many(items[i : i + CHUNK]):
            for code in _negative_statuses(answer):
                refused[code] = refused.get(code, 0) + 1
            if isinstance(answer, Answer) and answer.outcome == "format_error":
                refused["CEB900"] = refused.get("CEB900", 0) + 1
        worker.drain()
    return shipments, refused


def _export_figures(settings: Settings, shipments: list[Any], refused: dict[str, int]) -> dict[str, Any]:
    """The month-end summary declarations of every consignor, and what came of the shipments."""
    from cbec.demo.exports import OVERSEAS_WAREHOUSES
    from cbec.exports.models import ExportOrder, ExportTaxEntry
    from cbec.exports.service import _ExportBatch
    from cbec.exports.summarising import summarize_month

    months = sorted({s.departed_at.astimezone(SHANGHAI).strftime("%Y-%m") for s in shipments})
    consignors = sorted({s.consignor.customs_code for s in shipments})
    declarations = 0
    with unit_of_work(settings) as session:
        batch = _ExportBatch(session, utc_now())
        for month in months:
            for consignor in consignors:
                result, _findings = summarize_month(batch, consignor, month)
                if result is not None:
                    declarations += len(result.declarations)
        batch.finish()
    with unit_of_work(settings) as session:
        numbers = [s.order_no for s in shipments]
        rows: list[ExportOrder] = []
        for start in range(0, len(numbers), 500):
            rows += session.scalars(
                select(ExportOrder).where(ExportOrder.order_no.in_(numbers[start : start + 500]))
            ).all()
        by_state: dict[str, int] = {}
        by_mode: dict[str, int] = {}
        for r in rows:
            by_state[r.state] = by_state.get(r.state, 0) + 1
            by_mode[r.trade_mode or "?"] = by_mode.get(r.trade_mode or "?", 0) + 1
        summarised = sum(1 for r in rows if r.sum_no)
        invt_nos = [r.invt_no for r in rows if r.invt_no]
        register = 0
        for start in range(0, len(invt_nos), 500):
            register += (
                session.scalar(
                    select(func.count())
                    .select_from(ExportTaxEntry)
                    .where(ExportTaxEntry.invt_no.in_(invt_nos[start : start + 500]))
                )
                or 0
            )
    return {
        "shipments": len(shipments),
        "refused_at_access_point": refused,
        "by_state": by_state,
        "by_trade_mode": by_mode,
        "summarised_inventories": summarised,
        "summary_declarations": declarations,
        "register_entries": int(register),
        "overseas_warehouses": [w.key for w in OVERSEAS_WAREHOUSES],
    }


def _negative_statuses(answer: Answer | CbecError) -> list[str]:
    if isinstance(answer, CbecError):
        return [f"{answer.code}:{answer.data}"[:120]]
    text = answer.body.decode("utf-8", errors="replace")
    out = []
    for part in text.split("<returnStatus>")[1:]:
        status = part.split("</returnStatus>", 1)[0]
        if status.startswith("-"):
            out.append(status)
    return out


def _record_inspections(settings: Settings, worker: Any) -> int:
    """Customs records a result for every inspected inventory: most clean, every tenth detained."""
    with unit_of_work(settings) as session:
        invt_nos = session.scalars(
            select(ClearanceOrder.invt_no)
            .where(ClearanceOrder.state == ClearanceState.inspecting.value)
            .order_by(ClearanceOrder.invt_no)
        ).all()
    for i, invt_no in enumerate(invt_nos, start=1):
        result = InspectionResult.detained_other if i % FINDING_EVERY == 0 else InspectionResult.clean
        with unit_of_work(settings) as session:
            worker.engine.inspect(
                session, invt_no or "", result, "演示查验", actor="demo-customs", now=utc_now()
            )
    return len(invt_nos)


def _summarise(
    settings: Settings,
    zone: str,
    generated: list[DemoOrder],
    sync_refusals: dict[str, Counter[str]],
    messages: int,
    elapsed: float,
    inspected: int,
) -> DemoSummary:
    summary = DemoSummary(zone=zone, orders=len(generated), messages=messages, seconds=elapsed)
    with unit_of_work(settings) as session:
        rows = {
            (o.ebp_code, o.order_no): o
            for o in session.scalars(
                select(ClearanceOrder).where(ClearanceOrder.order_no.in_([g.order_no for g in generated]))
            )
        }
        summary.alerts_by_rule = {
            rule: int(n)
            for rule, n in session.execute(
                select(RiskAlert.rule_id, func.count())
                .join(ClearanceOrder, ClearanceOrder.id == RiskAlert.order_id)
                .where(ClearanceOrder.order_no.in_([g.order_no for g in generated]))
                .group_by(RiskAlert.rule_id)
                .order_by(RiskAlert.rule_id)
            )
        }
        tax_total = Decimal(
            session.scalar(
                select(func.coalesce(func.sum(ClearanceOrder.tax_total), 0)).where(
                    ClearanceOrder.state.in_([ClearanceState.released.value, ClearanceState.closed.value]),
                    ClearanceOrder.order_no.in_([g.order_no for g in generated]),
                )
            )
            or 0
        )
    assessed = Decimal(0)
    seen: set[tuple[str, str]] = set()
    counted: set[tuple[str, str]] = set()
    for g in generated:
        key = (g.platform.customs_code, g.order_no)
        row = rows.get(key)
        refusals = sync_refusals.get(g.order_no)
        if key in seen:  # a duplicate set of an order already counted: refused at the access point
            state, reason = "refused_at_access_point", ",".join(sorted(refusals or {"DUPLICATE"}))
        elif row is None:
            state, reason = "refused_at_access_point", ",".join(sorted(refusals or {"NO_INVENTORY"}))
        else:
            state = row.state
            reason = row.return_status or ""
            if row.findings:
                reason = ",".join(sorted({f["code"] for f in row.findings}))
            if (
                state in (ClearanceState.released.value, ClearanceState.closed.value)
                and row.tax_total is not None
            ):
                assessed += row.tax_total
        seen.add(key)
        if row is not None and key not in counted:
            counted.add(key)
            if row.inspection_path:
                summary.inspection_by_path[row.inspection_path] = (
                    summary.inspection_by_path.get(row.inspection_path, 0) + 1
                )
            for hit in ((row.assessment or {}).get("risk") or {}).get("hits", []):
                rule = str(hit.get("rule"))
                summary.rule_hits[rule] = summary.rule_hits.get(rule, 0) + 1
        summary.by_state[state] = summary.by_state.get(state, 0) + 1
        summary.by_reason[f"{state}:{reason}"] = summary.by_reason.get(f"{state}:{reason}", 0) + 1
        bucket = summary.by_expected.setdefault(g.expected.value, {})
        bucket[state] = bucket.get(state, 0) + 1
    summary.tax_total = f"{tax_total:.2f}"
    summary.tax_sum_of_assessments = f"{assessed:.2f}"
    summary.inspected = inspected
    summary.inspection_rate = f"{Decimal(inspected) / Decimal(max(len(generated), 1)):.4f}"
    summary.orders_per_second = len(generated) / elapsed if elapsed else 0.0
    return summary


# --------------------------------------------------------------------------- a history of days


#: When the demo day's events happen (Beijing time): orders are placed over the day and reach the
#: platform a few minutes later; customs records inspection results in the evening.
_DAY_END = time_of_day(23, 0)
_ORDER_SPAN = timedelta(hours=12)
_SEND_DELAY = timedelta(minutes=15)
_SENDS_PER_DAY = 24  # the day's orders reach the platform in about this many batches, as they are placed
_HISTORY_SEED = 100_003  # day d of seed s uses s × this + d (imports) and that + the export offset


def _spread(total: int, days: int) -> list[int]:
    """``total`` split over ``days`` as evenly as possible, the remainder on the last days."""
    base, extra = divmod(total, days)
    return [base + (1 if i >= days - extra else 0) for i in range(days)]


def run_history(
    settings: Settings,
    *,
    days: int,
    orders: int = 10_000,
    exports: int | None = None,
    zone_name: str | None = None,
    seed: int = 1,
    progress: ProgressHook | None = None,
    dates: list[date] | None = None,
) -> DemoSummary:
    """Lay down ``days`` days of trade ending today (or on the given ``dates``): each day's orders and
    exports are generated with that day's times and go through the same access point, worker, sweep and
    inspections, with the platform's clock set to that day (:mod:`cbec.demo.clock`), so that every
    timestamp — receipts, events, releases — falls on it."""
    from cbec.demo.clock import simulated_clock
    from cbec.stats import rollup
    from cbec.stats import service as stats

    if days < 1:
        raise ValueError("days must be at least 1")
    migrate.upgrade(settings)
    zone = load_zone(zone_name)
    started = time.perf_counter()
    real_now = utc_now()
    today = real_now.astimezone(SHANGHAI).date()
    dates = sorted(dates) if dates else [today - timedelta(days=days - 1 - i) for i in range(days)]
    enterprises = demo_enterprises(zone)
    sessions = session_factory(settings)
    worker = build_worker(settings, sessions)
    normal = worker.engine.settings
    access_point = AccessPoint(settings, sessions)
    order_counts = _spread(orders, len(dates))
    export_counts = _spread(orders // 20 if exports is None else exports, len(dates))
    generated: list[DemoOrder] = []
    sync_refusals: dict[str, Counter[str]] = {}
    shipments: list[Any] = []
    refused_exports: dict[str, int] = {}
    messages = inspected = 0
    unscored: list[str] = []
    with simulated_clock() as set_clock:
        # The enterprises are filed the day before the history starts (as the one-day demo files them
        # on its day), so that no declaration is older than its filing.
        set_clock(datetime.combine(dates[0] - timedelta(days=1), time_of_day(9, 0), tzinfo=SHANGHAI))
        callers = _file_enterprises(settings, enterprises)
        for d, day in enumerate(dates):
            scored = _risk_rules_in_force(settings, day)
            if not scored:  # before the first risk rule set: cleared without scoring (summary says so)
                unscored.append(day.isoformat())
            worker.engine.settings = replace(normal, risk_scoring=normal.risk_scoring and scored)
            # The day's moments: from its midnight to 23:00 (today: to now, however early that is).
            midnight = datetime.combine(day, time_of_day(0, 0), tzinfo=SHANGHAI)
            end = max(min(datetime.combine(day, _DAY_END, tzinfo=SHANGHAI), real_now), midnight)
            step = min(_SEND_DELAY, (end - midnight) / 8)
            day_seed = seed * _HISTORY_SEED + d
            todays = list(
                demo_orders(
                    zone,
                    enterprises,
                    n=order_counts[d],
                    seed=day_seed,
                    now=end - step,
                    span=_ORDER_SPAN,
                )
            )
            generated += todays
            messages += sum(len(o.messages()) for o in todays)
            size = min(max(-(-len(todays) // _SENDS_PER_DAY), 1), CHUNK // 4)
            sends = max(-(-len(todays) // size), 1)
            for k, start in enumerate(range(0, len(todays), size)):
                chunk = todays[start : start + size]
                # a batch reaches the platform shortly after its orders are placed, on the day
                spread = midnight + step + (end - midnight - 4 * step) * (k + 1) / sends
                set_clock(min(max(max(o.ordered_at for o in chunk) + step, spread), end - 3 * step))
                items = [
                    (o, Submission(callers[snd.key], body, "application/xml"))
                    for o in chunk
                    for _t, snd, body in o.messages()
                ]
                answers = access_point.submit_many([sub for _o, sub in items])
                for (order, _sub), answer in zip(items, answers, strict=True):
                    for code in _negative_statuses(answer):
                        sync_refusals.setdefault(order.order_no, Counter())[code] += 1
                worker.drain()
            set_clock(end - 2 * step)
            worker.engine.settings = replace(worker.engine.settings, match_wait=timedelta(0))
            worker.sweep()  # the day is over: incomplete sets are refused
            worker.engine.settings = replace(normal, risk_scoring=normal.risk_scoring and scored)
            inspected += _record_inspections(settings, worker)
            set_clock(end - step)
            if export_counts[d]:
                sent, refused = _send_exports(
                    settings,
                    zone,
                    enterprises,
                    callers,
                    access_point,
                    worker,
                    n=export_counts[d],
                    seed=day_seed,
                    now=end,
                )
                shipments += sent
                for code, n in refused.items():
                    refused_exports[code] = refused_exports.get(code, 0) + n
            worker.sweep()  # settlement of old releases, the nightly credit run, the statistics
            if progress is not None:
                progress(d + 1, len(dates))
    worker.engine.settings = normal
    export_figures = _export_figures(settings, shipments, refused_exports) if shipments else {}
    credit_figures = run_credit(settings, enterprises)
    with unit_of_work(settings) as session:
        rollup.refresh(session)
        whole = stats.figures(session, start=dates[0], end=dates[-1])
        months = stats.series(session, start=dates[0], end=dates[-1], grain="month")
    elapsed = time.perf_counter() - started
    summary = _summarise(settings, zone.key, generated, sync_refusals, messages, elapsed, inspected)
    summary.exports = export_figures
    summary.credit = credit_figures
    summary.history = {
        "days": len(dates),
        "first_day": dates[0].isoformat(),
        "last_day": dates[-1].isoformat(),
        "statistics": _json(whole),
        "unscored_days": unscored,
        "by_month": [
            {
                k: _json(m[k])
                for k in ("period", "count", "value", "tax", "count_mom", "value_mom", "count_yoy")
            }
            for m in months
        ],
    }
    worker.stop()
    return summary


def _risk_rules_in_force(settings: Settings, day: date) -> bool:
    """Whether a risk rule set is in force on ``day`` (the shipped v1 applies from 2026-01-01); earlier
    days of a history are cleared without risk scoring, by the forced sampling rate if one is set."""
    from cbec.risk import activation
    from cbec.risk.rules import RuleSetError

    with unit_of_work(settings) as session:
        try:
            activation.in_force(session, day)
        except RuleSetError:
            return False
    return True


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value
