"""``cbec risk``: run the public KCS benchmark, train the risk model.

Register in the main app with ``app.add_typer(risk_app, name="risk")``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["risk_app"]

risk_app = typer.Typer(help="Risk engine: benchmark and learned model (风险模型).", no_args_is_help=True)


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
) -> None:
    """Score the test split with our model and the baselines; print the table.

    The last line is ``p5=… p10=… novel_p5=… novel_p10=…`` (Precision@5 % / 10 % of our model on the
    full test set and on the novel (HS6, net mass) subset).
    """
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
) -> None:
    """Train the model (train split; early stopping on valid) and save it.

    With ``--csv FILE --mapping JSON`` the rows come from a platform export: they are sorted by date,
    the last 20 % serve as the validation period.
    """
    from cbec.risk.benchmark.dataset import load_kcs, read_mapped_csv
    from cbec.risk.benchmark.evaluate import fit_model

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
