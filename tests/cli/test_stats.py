"""``cbec stats``: show, targets, export, import-channel, rebuild on the configured database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.config import Settings
from cbec.kernel.dates import today
from tests.clearance.support import Zone
from tests.factories import Factory

runner = CliRunner()


@pytest.fixture
def zone(factory: Factory, client: TestClient, settings: Settings) -> Zone:
    return Zone(factory, client, settings)


def test_show_export_import_and_rebuild(zone: Zone, tmp_path: Path) -> None:
    zone.send_set(zone.spec())
    shown = runner.invoke(app, ["stats", "show", "--json", "--grain", "month", "--by", "trade_mode"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["figures"]["count"] == 1 and data["breakdown"][0]["key"] == "9610"
    text = runner.invoke(app, ["stats", "show", "--enterprise", zone.platform.customs_code])
    assert text.exit_code == 0 and "申报清单数 declarations: 1" in text.output

    header, good = (
        "channel_ref,date,direction,segment,country,value_cny\n",
        f"EMS-1,{today()},import,b2c,116,10\n",
    )
    channel = tmp_path / "ems.csv"
    channel.write_text(header + good + "EMS-2,not-a-day,import,b2c,116,10\n", encoding="utf-8")
    refused = runner.invoke(app, ["stats", "import-channel", str(channel), "--channel", "post"])
    assert (
        refused.exit_code == 1 and "STATS_IMPORT_INVALID" in refused.output and '"row": 3' in refused.output
    )
    channel.write_text(header + good, encoding="utf-8")
    imported = runner.invoke(app, ["stats", "import-channel", str(channel), "--channel", "post"])
    assert imported.exit_code == 0 and json.loads(imported.output)["imported"] == 1

    out = tmp_path / "series.csv"
    assert runner.invoke(app, ["stats", "export", "--out", str(out), "--grain", "day"]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert sum(int(r["count"]) for r in rows) == 2
    book_path = tmp_path / "figures.xlsx"
    assert runner.invoke(app, ["stats", "export", "--out", str(book_path), "--format", "xlsx"]).exit_code == 0
    summary = {
        r[0]: r[2] for r in openpyxl.load_workbook(book_path).worksheets[0].iter_rows(values_only=True)
    }
    assert summary["count"] == 2
    report = tmp_path / "report.html"
    assert runner.invoke(app, ["stats", "export", "--out", str(report), "--format", "html"]).exit_code == 0
    assert "跨境电子商务统计月报" in report.read_text(encoding="utf-8")

    rebuilt = runner.invoke(app, ["stats", "rebuild"])
    assert rebuilt.exit_code == 0 and json.loads(rebuilt.output)["facts"] == 1
    targets = runner.invoke(app, ["stats", "targets", "--zone", "luzhou"])
    assert targets.exit_code == 0 and "not measurable" in targets.output and "备案企业" in targets.output
