"""``cbec risk evaluate`` prints a table ending with the figures line; ``train`` writes a model."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.risk import risk_app
from cbec.risk import model as risk_model

runner = CliRunner()


def test_evaluate_last_line_format() -> None:
    result = runner.invoke(risk_app, ["evaluate", "--dataset", "kcs", "--limit", "800"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert re.fullmatch(r"p5=\d\.\d{3} p10=\d\.\d{3} novel_p5=\d\.\d{3} novel_p10=\d\.\d{3}", lines[-1])
    assert any(line.startswith("lookup (HS6, net mass)") for line in lines)
    assert any(line.startswith("published LightGBM") for line in lines)


def test_evaluate_missing_data_dir(tmp_path: Path) -> None:
    result = runner.invoke(risk_app, ["evaluate", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0


def test_train_writes_a_loadable_model(tmp_path: Path) -> None:
    out = tmp_path / "m.txt"
    result = runner.invoke(risk_app, ["train", "--dataset", "kcs", "--limit", "400", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert risk_model.load(out).feature_names
