"""Learning from the platform's own inspections: concluded inspections become labelled examples, a
model trains on the older ones and is evaluated on the newest, and clearance can score with it."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.risk import model as risk_model
from cbec.risk import training
from tests.clearance.support import Line, Zone, auth

CHEAP = Line(qty="1", price="20")
DEAR = Line(qty="2", price="2000")


def _inspect_all(zone: Zone, n: int) -> None:
    """n declarations, all inspected; the dear ones are found (detained), the cheap ones clean."""
    zone.set_engine(inspection_rate=Decimal(1))
    for i in range(n):
        found = i % 3 == 0
        spec = zone.send_set(zone.spec(lines=(DEAR if found else CHEAP,)))
        invt_no = zone.lifecycle(spec.order_no)["invtNo"]
        r = zone.client.post(
            "/api/v1/inspections",
            json={"invt_no": invt_no, "result": "detained_other" if found else "clean", "note": ""},
            headers=auth(zone.customs),
        )
        assert r.status_code == 200, r.text


def test_concluded_inspections_are_labelled_examples_and_train_a_model(zone: Zone, tmp_path: Path) -> None:
    _inspect_all(zone, 30)
    zone.send_set(zone.spec())  # still inspecting: not an example yet
    with zone.db() as session:
        rows = training.examples(session)
    assert len(rows) == 30
    assert sum(r.label for r in rows) == 10
    assert all(r.path == "random" and r.features["taxable_price"] > 0 for r in rows)
    assert [r.declared_at for r in rows] == sorted(r.declared_at for r in rows)

    model = training.train(rows)
    out = tmp_path / "model.txt"
    model.save(out)
    loaded = risk_model.load(out)
    assert all(0.0 <= p <= 1.0 for p in loaded.predict_many([r.features for r in rows]))
    report = training.evaluate(loaded, rows)
    assert set(report) == {"rules", "model"}
    held_out = training.split(rows)[1]
    assert report["model"][10.0].positives == sum(r.label for r in held_out)

    # clearance combines the model with the rules once it is configured
    zone.engine.settings = replace(zone.engine.settings, model=loaded)
    spec = zone.send_set(zone.spec())
    risk = zone.lifecycle(spec.order_no)["assessment"]["risk"]
    assert risk["model_probability"] is not None
    assert "模型概率" in risk["explanation"]


def test_too_few_or_one_sided_outcomes_are_refused(zone: Zone) -> None:
    _inspect_all(zone, 4)
    with zone.db() as session:
        rows = training.examples(session)
    with pytest.raises(training.NotEnoughDataError):
        training.train(rows)
    clean_only = [replace(r, label=0) for r in rows * 6]
    with pytest.raises(training.NotEnoughDataError):
        training.train(clean_only)


def test_cli_train_and_evaluate_on_the_platform(
    zone: Zone, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CBEC_DATABASE_URL", zone.settings.database_url)
    runner = CliRunner()
    out = tmp_path / "m.txt"
    r = runner.invoke(app, ["risk", "train", "--platform", "--out", str(out)])
    assert r.exit_code == 2 and "cannot train" in r.output  # nothing inspected yet
    _inspect_all(zone, 25)
    r = runner.invoke(app, ["risk", "train", "--platform", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.is_file() and "concluded inspections" in r.output
    r = runner.invoke(app, ["risk", "evaluate", "--platform", "--model", str(out)])
    assert r.exit_code == 0, r.output
    assert "rules: p5=" in r.output and "model: p5=" in r.output
