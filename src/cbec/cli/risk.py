"""``cbec risk``: run the public KCS benchmark, train the risk model.

Register in the main app with ``app.add_typer(risk_app, name="risk")``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["risk_app"]

risk_app = typer.Typer(
    help="Risk engine: alerts and cases, benchmark and learned model (风险预警、案件、模型).",
    no_args_is_help=True,
)


class DatasetName(StrEnum):
    kcs = "kcs"


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="folder of the KCS CSVs (default: data/customs-synthetic of the repository)",
        file_okay=False,
    ),
]
Limit = Annotated[
    int | None, typer.Option("--limit", min=1, help="keep the first N rows of each split (smoke runs)")
]


@risk_app.command("evaluate")
def evaluate(
    dataset: Annotated[DatasetName, typer.Option("--dataset")] = DatasetName.kcs,
    data_dir: DataDir = None,
    limit: Limit = None,
    platform: Annotated[
        bool, typer.Option("--platform", help="the platform's own concluded inspections instead of a dataset")
    ] = False,
    model_file: Annotated[
        Path | None,
        typer.Option("--model", exists=True, dir_okay=False, help="with --platform: a model to compare"),
    ] = None,
) -> None:
    """Score the test split with our model and the baselines; print the table.

    With ``--platform``: Precision/Recall@5 % and @10 % on the newest 20 % of the platform's concluded
    inspections, for the rules alone and (with ``--model``) for a trained model.

    The last line is ``p5=… p10=… novel_p5=… novel_p10=…`` (Precision@5 % / 10 % of our model on the
    full test set and on the novel (HS6, net mass) subset).
    """
    if platform:
        _evaluate_platform(model_file)
        return
    from cbec.risk.benchmark.dataset import load_kcs
    from cbec.risk.benchmark.evaluate import evaluate as run
    from cbec.risk.benchmark.evaluate import format_report

    try:
        splits = load_kcs(data_dir, limit=limit)
    except FileNotFoundError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(format_report(run(splits)))


@risk_app.command("train")
def train(
    out: Annotated[Path, typer.Option("--out", help="where to write the model (LightGBM text format)")],
    dataset: Annotated[DatasetName, typer.Option("--dataset")] = DatasetName.kcs,
    data_dir: DataDir = None,
    limit: Limit = None,
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", exists=True, dir_okay=False, help="a platform export instead of the dataset"),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", exists=True, dir_okay=False, help="JSON: KcsRow field -> CSV column"),
    ] = None,
    platform: Annotated[
        bool, typer.Option("--platform", help="train on the platform's own concluded inspections")
    ] = False,
    paths: Annotated[
        str | None, typer.Option("--paths", help="with --platform: only these inspection paths, e.g. random")
    ] = None,
) -> None:
    """Train the model (train split; early stopping on valid) and save it.

    With ``--platform`` the examples are the platform's declarations whose inspection concluded
    (found = sent back or detained); oldest 80 % train, newest 20 % validate. Point
    ``CBEC_RISK_MODEL`` at the file to combine it with the rules in clearance.

    With ``--csv FILE --mapping JSON`` the rows come from a platform export: they are sorted by date,
    the last 20 % serve as the validation period.
    """
    from cbec.risk.benchmark.dataset import load_kcs, read_mapped_csv
    from cbec.risk.benchmark.evaluate import fit_model

    if platform:
        _train_platform(out, paths)
        return
    if (csv_file is None) != (mapping is None):
        typer.echo("--csv and --mapping go together", err=True)
        raise typer.Exit(2)
    if csv_file is not None and mapping is not None:
        try:
            rows = read_mapped_csv(csv_file, json.loads(mapping.read_text(encoding="utf-8")))
        except (ValueError, KeyError) as exc:
            typer.echo(f"{csv_file}: {exc}", err=True)
            raise typer.Exit(2) from exc
        rows.sort(key=lambda r: (r.date, r.declaration_id))
        cut = max(1, int(len(rows) * 0.8))
        train_rows, valid_rows = rows[:cut], rows[cut:]
        if limit is not None:
            train_rows, valid_rows = train_rows[:limit], valid_rows[:limit]
    else:
        try:
            splits = load_kcs(data_dir, limit=limit)
        except FileNotFoundError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        train_rows, valid_rows = splits.train, splits.valid
    model, _ = fit_model(train_rows, valid_rows)
    model.save(out)
    typer.echo(
        f"trained on {len(train_rows)} rows (valid {len(valid_rows)}), "
        f"best iteration {model.best_iteration}, {len(model.feature_names)} features -> {out}"
    )


def _platform_examples(paths: str | None = None) -> list[Any]:
    from cbec.risk import training
    from cbec.store.session import unit_of_work

    chosen = {p.strip() for p in paths.split(",") if p.strip()} if paths else None
    with unit_of_work() as session:
        return training.examples(session, paths=chosen)


def _train_platform(out: Path, paths: str | None) -> None:
    from cbec.risk import training

    rows = _platform_examples(paths)
    try:
        model = training.train(rows)
    except training.NotEnoughDataError as exc:
        typer.echo(f"cannot train: {exc}", err=True)
        raise typer.Exit(2) from exc
    model.save(out)
    fit, valid = training.split(rows)
    found = sum(r.label for r in rows)
    typer.echo(
        f"trained on {len(fit)} concluded inspections (valid {len(valid)}; {found} with findings), "
        f"best iteration {model.best_iteration}, {len(model.feature_names)} features -> {out}"
    )


def _evaluate_platform(model_file: Path | None) -> None:
    from cbec.risk import model as risk_model
    from cbec.risk import training

    rows = _platform_examples()
    model = risk_model.load(model_file) if model_file is not None else None
    try:
        report = training.evaluate(model, rows)
    except training.NotEnoughDataError as exc:
        typer.echo(f"cannot evaluate: {exc}", err=True)
        raise typer.Exit(2) from exc
    _, held_out = training.split(rows)
    typer.echo(
        f"held-out: {len(held_out)} concluded inspections, {sum(r.label for r in held_out)} with findings"
    )
    for name, by_rate in report.items():
        cells = " ".join(f"p{n:g}={a.precision:.3f} r{n:g}={a.recall:.3f}" for n, a in by_rate.items())
        typer.echo(f"{name}: {cells}")


Actor = Annotated[str, typer.Option("--actor", help="who acts (recorded in the audit trail)")]


@risk_app.command("alerts")
def list_alerts(
    status: Annotated[str, typer.Option("--status", help="open | in_case | closed | all")] = "open",
) -> None:
    """The alert queue (风险预警队列), newest first."""
    from cbec.risk import cases
    from cbec.store.session import unit_of_work

    with unit_of_work() as session:
        rows = [cases.alert_out(a) for a in cases.alerts(session, status=None if status == "all" else status)]
    for a in rows:
        typer.echo(f"{a['id']}  {a['status']:8} {a['rule']:32} {a['action']:13} {a['declaration_key']}")
    typer.echo(f"{len(rows)} alerts")


@risk_app.command("case-open")
def open_case(
    alert_ids: Annotated[list[str], typer.Argument(help="alerts of one declaration")],
    assigned_to: Annotated[str | None, typer.Option("--assign")] = None,
    actor: Actor = "cli:officer",
) -> None:
    """Open a case on alerts of one declaration (立案)."""
    from cbec.audit import service as audit
    from cbec.errors import CbecError
    from cbec.risk import cases
    from cbec.store.session import unit_of_work

    try:
        with unit_of_work() as session:
            case = cases.open_case(session, alert_ids=alert_ids, actor=actor, assigned_to=assigned_to)
            audit.record(session, actor=actor, action="risk.case_opened", subject=f"case:{case.id}")
            typer.echo(f"case {case.id} opened on {len(alert_ids)} alerts")
    except CbecError as exc:
        typer.echo(f"{exc.code}: {exc}", err=True)
        raise typer.Exit(2) from exc


@risk_app.command("case-close")
def close_case(
    case_id: str,
    result: Annotated[str, typer.Option("--result", help="clean | sent_back | detained_* (查验结果)")],
    findings: Annotated[
        list[str] | None, typer.Option("--finding", help="KIND[:note], e.g. misdeclared_value:低报")
    ] = None,
    revenue_found: Annotated[str, typer.Option("--revenue", help="revenue found (CNY)")] = "0",
    actor: Actor = "cli:officer",
) -> None:
    """Close a case with the inspection result; the declaration takes its outcome (800 / 700 / 50x)."""
    from decimal import Decimal, InvalidOperation

    from cbec.audit import service as audit
    from cbec.clearance.enums import InspectionResult
    from cbec.clearance.service import ClearanceEngine
    from cbec.config import get_settings
    from cbec.errors import CbecError
    from cbec.kernel.crypto import DataCipher
    from cbec.risk import cases
    from cbec.store.session import unit_of_work

    try:
        outcome = InspectionResult(result)
        kinds = [cases.FindingKind(f.split(":", 1)[0]) for f in findings or []]
        revenue = Decimal(revenue_found)
    except (ValueError, InvalidOperation) as exc:
        typer.echo(f"invalid input: {exc}", err=True)
        raise typer.Exit(2) from exc
    recorded = [
        {"kind": kind.value, "note": f.split(":", 1)[1] if ":" in f else ""}
        for kind, f in zip(kinds, findings or [], strict=True)
    ]
    settings = get_settings()
    engine = ClearanceEngine(DataCipher(settings.data_key_bytes, settings.data_key_id))
    try:
        with unit_of_work() as session:
            case = cases.close_case(
                session,
                engine,
                case_id,
                result=outcome,
                findings=recorded,
                revenue_found=revenue,
                actor=actor,
            )
            audit.record(
                session, actor=actor, action="risk.case_closed", subject=f"case:{case.id}", result=result
            )
            typer.echo(f"case {case.id} closed: {result}")
    except CbecError as exc:
        typer.echo(f"{exc.code}: {exc}", err=True)
        raise typer.Exit(2) from exc
