"""``cbec``: serve, migrate, manage keys and filings, check messages offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cbec.auth import service as auth
from cbec.auth.enums import CallerRole
from cbec.cli.credit import credit_app
from cbec.cli.risk import risk_app
from cbec.cli.stats import stats_app
from cbec.cli.tax import tax_app
from cbec.config import Environment, Settings, get_settings
from cbec.errors import CbecError
from cbec.registry import repository as registry_repo
from cbec.registry import service as registry
from cbec.registry.enums import EnterpriseRole
from cbec.registry.schemas import EnterpriseCreate
from cbec.store import migrate
from cbec.store.session import unit_of_work

app = typer.Typer(help="CBEC Zone Platform 跨境电商综试区线上综合服务平台", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic).", no_args_is_help=True)
admin_app = typer.Typer(help="API keys.", no_args_is_help=True)
registry_app = typer.Typer(help="Enterprise registry (企业备案).", no_args_is_help=True)
messages_app = typer.Typer(help="CEB messages.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(registry_app, name="registry")
app.add_typer(messages_app, name="messages")
app.add_typer(tax_app, name="tax")
app.add_typer(risk_app, name="risk")
app.add_typer(credit_app, name="credit")
app.add_typer(stats_app, name="stats")

console = Console()
err = Console(stderr=True)
CLI_ACTOR = "cli:admin"


@app.callback()
def _configure() -> None:
    """Structured logs go to stderr, so that stdout carries only what a command prints."""
    from cbec.logging import configure_logging

    configure_logging(get_settings())


def _fail(exc: CbecError) -> None:
    err.print(
        f"[red]{exc.code}[/red]: {exc.message}"
        + (f" {json.dumps(exc.data, ensure_ascii=False)}" if exc.data else "")
    )
    raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations up to REVISION (default: head)."""
    migrate.upgrade(revision=revision)
    console.print(f"database at {revision}: {get_settings().database_url}")


@admin_app.command("create-key")
def create_key(
    name: Annotated[str, typer.Option(help="who the key is for")],
    role: Annotated[CallerRole, typer.Option(help="caller role")],
    enterprise: Annotated[str | None, typer.Option(help="USCC or customs code (role enterprise)")] = None,
) -> None:
    """Create an API key; the key is printed once, as the last line."""
    try:
        with unit_of_work() as session:
            filing = registry.get(session, enterprise) if enterprise else None
            row, key = auth.create_key(session, name=name, role=role, enterprise=filing, created_by=CLI_ACTOR)
            key_id = row.id
    except CbecError as exc:
        _fail(exc)
    console.print(f"key id {key_id} ({role.value}) for {name}; it is shown only now:")
    print(key)  # noqa: T201 - the key, alone on the last line, for scripts


@admin_app.command("revoke-key")
def revoke_key(key_id: Annotated[str, typer.Argument(help="key id or key prefix")]) -> None:
    """Revoke an API key."""
    try:
        with unit_of_work() as session:
            auth.revoke_key(session, key_id, actor=CLI_ACTOR)
    except CbecError as exc:
        _fail(exc)
    console.print(f"revoked {key_id}")


@admin_app.command("list-keys")
def list_keys() -> None:
    """Every API key (never the secret)."""
    with unit_of_work() as session:
        for row in auth.list_keys(session):
            state = "revoked" if row.revoked_at else "active"
            print(f"{row.id}\t{row.prefix}\t{row.role}\t{row.enterprise_id or '-'}\t{state}\t{row.name}")  # noqa: T201


@registry_app.command("file")
def registry_file(
    name: Annotated[str, typer.Option(help="exact registered name 登记名称")],
    role: Annotated[list[EnterpriseRole], typer.Option(help="role (repeatable)")],
    uscc: Annotated[str | None, typer.Option(help="统一社会信用代码")] = None,
    customs_code: Annotated[str | None, typer.Option(help="海关注册编码")] = None,
    dxp_id: Annotated[str | None, typer.Option()] = None,
    park: Annotated[str | None, typer.Option()] = None,
    overseas: Annotated[bool, typer.Option(help="overseas seller filed through an agent")] = False,
    agent_code: Annotated[str | None, typer.Option(help="domestic agent's code")] = None,
) -> None:
    """File an enterprise; prints the filing and its API key (last line)."""
    try:
        data = EnterpriseCreate(
            name=name,
            roles=role,
            uscc=uscc,
            customs_code=customs_code,
            dxp_id=dxp_id,
            park=park,
            overseas=overseas,
            agent_code=agent_code,
        )
        with unit_of_work() as session:
            filing = registry.file_enterprise(session, data, actor=CLI_ACTOR)
            _row, key = auth.create_key(
                session,
                name=f"{filing.name} (filing)",
                role=CallerRole.enterprise,
                enterprise=filing,
                created_by=CLI_ACTOR,
            )
            line = _line(filing.uscc, filing.customs_code, filing.status, filing.roles, filing.name)
    except CbecError as exc:
        _fail(exc)
    console.print(line)
    print(key)  # noqa: T201 - the key, alone on the last line, for scripts


def _line(uscc: str | None, customs_code: str | None, status: str, roles: list[str], name: str) -> str:
    return f"{uscc or '-'}\t{customs_code or '-'}\t{status}\t{','.join(roles)}\t{name}"


@registry_app.command("list")
def registry_list(
    role: Annotated[EnterpriseRole | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
) -> None:
    """One filing a line: USCC, customs code, status, roles, name."""
    with unit_of_work() as session:
        rows = registry_repo.search(session, role=role.value if role else None, status=status, limit=100000)
        for r in rows:
            print(_line(r.uscc, r.customs_code, r.status, r.roles, r.name))  # noqa: T201


@messages_app.command("check")
def messages_check(file: Annotated[Path, typer.Argument(help="CEB XML, DxpMsg or JSON file")]) -> None:
    """Check a message offline: exit 0 clean, 1 findings, 2 unreadable."""
    from cbec.messages.offline import check_file

    raise typer.Exit(check_file(file, console))


def _bootstrap_operator_key(settings: Settings) -> None:
    """On an empty development database, issue a first operator key so a newcomer can start."""
    if settings.environment is not Environment.development:
        return
    with unit_of_work(settings) as session:
        if any(k.role == CallerRole.operator.value for k in auth.list_keys(session)):
            return
        _row, key = auth.create_key(
            session, name="first operator", role=CallerRole.operator, created_by="bootstrap"
        )
    console.print("[bold]First start: an operator API key was created (development only, shown once):[/bold]")
    print(key)  # noqa: T201 - shown once, for the newcomer


@app.command()
def codes(markdown: Annotated[bool, typer.Option(help="render docs/error-codes.md")] = False) -> None:
    """Print the catalogue of every error code, receipt status and finding code."""
    from cbec.docs import code_catalogue_markdown

    if markdown:
        print(code_catalogue_markdown(), end="")  # noqa: T201
    else:
        from cbec.api.routes.codes import code_catalogue

        print(json.dumps(code_catalogue(), ensure_ascii=False, indent=2))  # noqa: T201


export_app = typer.Typer(help="Exports (出口): summary declaration.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("summarize")
def export_summarize(
    consignor: Annotated[str, typer.Option(help="收发货人 (ebcCode)")],
    month: Annotated[str, typer.Option(help="YYYY-MM (release month)")],
    summary_flag: Annotated[str, typer.Option(help="1 by consignor, 2 by consignor + producer/seller")] = "1",
    item_name_flag: Annotated[str | None, typer.Option(help="1 by enterprise goods name")] = None,
) -> None:
    """汇总申报: merge a consignor's released 9610 (B) inventories of a month into declarations (CEB792)."""
    from cbec.exports.service import _ExportBatch
    from cbec.exports.summarising import summarize_month
    from cbec.kernel.dates import utc_now

    with unit_of_work() as session:
        batch = _ExportBatch(session, utc_now())
        result, findings = summarize_month(
            batch, consignor, month, summary_flag=summary_flag, item_name_flag=item_name_flag
        )
        batch.finish()
        out = {
            "sumNo": result.sum_no if result else None,
            "late": result.late if result else None,
            "declarations": result.declarations if result else [],
            "findings": [f.as_dict() for f in findings],
        }
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))  # noqa: T201
    if result is None:
        raise typer.Exit(1)


customs_app = typer.Typer(help="Customs actions (海关): inspections, guarantees.", no_args_is_help=True)
app.add_typer(customs_app, name="customs")


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="process what is queued, then exit")] = False,
) -> None:
    """Run a clearance worker (in-process queue, or NATS JetStream when CBEC_BUS_URL is set)."""
    import signal
    import threading

    from cbec.store.session import session_factory
    from cbec.workers.runner import build_worker

    settings = get_settings()
    if settings.is_sqlite:
        migrate.upgrade(settings)
    runner = build_worker(settings, session_factory(settings))
    if once:
        runner.drain()
        runner.sweep()
        console.print(f"processed {runner.stats.events} event(s); states {runner.stats.states}")
        runner.stop()
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    runner.start()
    console.print(
        f"clearance worker running ({'NATS ' + settings.bus_url if settings.bus_url else 'in-process'})"
    )
    stop.wait()
    runner.stop()


@customs_app.command("inspect")
def customs_inspect(
    invt_no: Annotated[str, typer.Option(help="清单编号")],
    result: Annotated[
        str,
        typer.Option(
            help="clean | sent_back | detained_clearance | detained_smuggling | "
            "detained_legal | detained_other"
        ),
    ],
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Record an inspection result (clean → 800; sent back → 700; detained → 50x)."""
    from cbec.clearance.enums import InspectionResult
    from cbec.kernel.dates import utc_now
    from cbec.store.session import session_factory
    from cbec.workers.runner import build_worker

    settings = get_settings()
    engine = build_worker(settings, session_factory(settings)).engine
    try:
        outcome = InspectionResult(result)
    except ValueError:
        err.print(f"unknown result {result!r}; one of: {', '.join(r.value for r in InspectionResult)}")
        raise typer.Exit(2) from None
    try:
        with unit_of_work(settings) as session:
            order = engine.inspect(session, invt_no, outcome, note, actor=CLI_ACTOR, now=utc_now())
            line = f"{order.invt_no}\t{order.state}\t{order.return_status}"
    except CbecError as exc:
        _fail(exc)
    console.print(line)


@customs_app.command("guarantee")
def customs_guarantee(
    enterprise: Annotated[str, typer.Option(help="USCC or customs code of the collecting agent")],
    amount: Annotated[str, typer.Option(help="CNY")],
) -> None:
    """Lodge a tax guarantee (汇总征税担保) for a collecting agent."""
    from decimal import Decimal, InvalidOperation

    from cbec.clearance.service import guarantee_for

    try:
        value = Decimal(amount)
    except InvalidOperation:
        err.print(f"not an amount: {amount!r}")
        raise typer.Exit(2) from None
    try:
        with unit_of_work() as session:
            row = guarantee_for(session, enterprise, value, actor=CLI_ACTOR)
            line = f"{enterprise}\tamount {row.amount}\tbalance {row.balance}"
    except CbecError as exc:
        _fail(exc)
    console.print(line)


@app.command()
def demo(
    orders: Annotated[int, typer.Option(help="import orders in the demo day")] = 10_000,
    exports: Annotated[
        int | None, typer.Option(help="export shipments (default: a twentieth of --orders)")
    ] = None,
    zone: Annotated[str | None, typer.Option(help="kunming (default), taiyuan or luzhou")] = None,
    seed: Annotated[int, typer.Option(help="random seed of the generated trade")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    days: Annotated[
        int | None,
        typer.Option(
            help="lay down a history of N days ending today (--orders and --exports spread over them)"
        ),
    ] = None,
) -> None:
    """The platform's main job on its database: set up a zone, file ~20 enterprises, clear a day of trade."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from cbec.demo.run import run_demo
    from cbec.zones import ZoneFileError

    settings = get_settings()
    try:
        if as_json:
            summary = run_demo(settings, orders=orders, exports=exports, zone_name=zone, seed=seed, days=days)
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeRemainingColumn(),
                console=err,
            ) as bar:
                task = bar.add_task("days" if days else "messages", total=None)
                summary = run_demo(
                    settings,
                    orders=orders,
                    exports=exports,
                    zone_name=zone,
                    seed=seed,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    days=days,
                )
    except ZoneFileError as exc:
        err.print(f"{exc}")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))  # noqa: T201
        return
    data = summary.as_dict()
    console.print(
        f"[bold]Zone {data['zone']}[/bold]: {data['orders']} orders, {data['messages']} messages "
        f"in {data['seconds']} s ({data['orders_per_second']} orders/s)"
    )
    for state, n in sorted(data["by_state"].items(), key=lambda kv: -kv[1]):
        console.print(f"  {state:28} {n:7d}")
    console.print("reasons:")
    for reason, n in sorted(data["by_reason"].items(), key=lambda kv: -kv[1])[:15]:
        console.print(f"  {reason[:60]:60} {n:7d}", markup=False)
    console.print(
        f"tax collected ¥{data['tax_total']} (sum of assessments ¥{data['tax_sum_of_assessments']}); "
        f"inspected {data['inspected']} ({data['inspection_rate']})"
    )
    console.print(
        f"inspection by path {data['inspection_by_path']}; risk rule hits {data['rule_hits']}", markup=False
    )
    console.print(
        f"alerts by rule {data['alerts_by_rule']} (queue: cbec risk alerts; "
        "why each declaration was inspected: GET /api/v1/orders/{ebpCode}/{orderNo})",
        markup=False,
    )
    export_figures = data.get("exports") or {}
    if export_figures:
        console.print(
            f"exports: {export_figures['shipments']} shipments by mode {export_figures['by_trade_mode']}, "
            f"states {export_figures['by_state']}; {export_figures['summarised_inventories']} inventories in "
            f"{export_figures['summary_declarations']} summary declarations; "
            f"{export_figures['register_entries']} 无票免税 register entries"
        )
    credit_figures = data.get("credit") or {}
    if credit_figures:
        console.print(
            f"credit grades (model {credit_figures['model_version']}): {credit_figures['distribution']}; "
            f"seeded bad records (name, grade, score) {credit_figures['bad']}; "
            f"the others hold grades {credit_figures['clean_grades']}",
            markup=False,
        )
        for example in credit_figures["explained"]:
            console.print(f"  {example['enterprise']}: {example['grade']} {example['score']}", markup=False)
            for line in example["lines"]:
                console.print(f"    {line}", markup=False)
        console.print(
            "  (cbec credit score --enterprise CODE --explain; cbec credit report CODE --out r.html)"
        )
    history = data.get("history") or {}
    if history:
        figures = history["statistics"]
        console.print(
            f"history: {history['days']} days {history['first_day']} … {history['last_day']}: "
            f"{figures['count']} declarations, value ¥{figures['value']}, tax ¥{figures['tax']}, "
            f"inspection rate {figures['inspection_rate']}, clearance p50/p95 "
            f"{figures['clearance_p50']}/{figures['clearance_p95']} s (cbec stats show --grain month)",
            markup=False,
        )
        for month in history["by_month"]:
            console.print(
                f"  {month['period']}: {month['count']} declarations, ¥{month['value']} "
                f"(MoM {month['value_mom']}, YoY count {month['count_yoy']})",
                markup=False,
            )
    console.print(f"database: {settings.database_url} — `cbec serve` shows it")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
) -> None:
    """Run the HTTP API (on the embedded SQLite default the schema is brought up to date first)."""
    import uvicorn

    settings = get_settings()
    if settings.is_sqlite:
        migrate.upgrade(settings)
        _bootstrap_operator_key(settings)
    console.print(f"CBEC Zone Platform on http://{host}:{port}  (database {settings.database_url})")
    uvicorn.run(
        "cbec.api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning"
    )


if __name__ == "__main__":
    app()
