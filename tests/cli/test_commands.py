"""The CLI: keys, filings, offline checks."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.main import app
from cbec.config import Settings
from tests.factories import make_customs_code, make_uscc

runner = CliRunner()


def test_create_key_prints_the_key_as_its_last_line(settings: Settings) -> None:
    result = runner.invoke(app, ["admin", "create-key", "--name", "ops", "--role", "operator"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("cbec_")


def test_file_and_list_enterprises(settings: Settings) -> None:
    code, customs = make_uscc(), make_customs_code()
    result = runner.invoke(
        app,
        [
            "registry",
            "file",
            "--name",
            "某某物流有限公司",
            "--role",
            "logistics",
            "--uscc",
            code,
            "--customs-code",
            customs,
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("cbec_")
    listing = runner.invoke(app, ["registry", "list"])
    assert listing.output.strip().splitlines() == [f"{code}\t{customs}\tactive\tlogistics\t某某物流有限公司"]


def test_file_refuses_a_bad_uscc_with_its_code(settings: Settings) -> None:
    result = runner.invoke(
        app, ["registry", "file", "--name", "x", "--role", "ebc", "--uscc", "911100006000373410"]
    )
    assert result.exit_code == 2  # noqa: PLR2004
    assert "INVALID_USCC" in result.output


def test_create_key_for_an_unknown_enterprise_is_a_clear_error(settings: Settings) -> None:
    result = runner.invoke(
        app, ["admin", "create-key", "--name", "x", "--role", "enterprise", "--enterprise", "3301000000"]
    )
    assert result.exit_code == 2 and "ENTERPRISE_NOT_FOUND" in result.output  # noqa: PLR2004


def test_messages_check_exit_codes(fixtures_dir: Path, tmp_path: Path) -> None:
    clean = runner.invoke(app, ["messages", "check", str(fixtures_dir / "CEB711Message.xml")])
    assert clean.exit_code == 0, clean.output
    findings = runner.invoke(app, ["messages", "check", str(fixtures_dir / "CEB311Message.xml")])
    assert findings.exit_code == 1 and "TOTAL_PRICE" in findings.output
    wrong_root = runner.invoke(app, ["messages", "check", str(fixtures_dir / "CEB214Message.xml")])
    assert wrong_root.exit_code == 1 and "CEB214" in wrong_root.output
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"\x00\x01 not a message")
    assert runner.invoke(app, ["messages", "check", str(junk)]).exit_code == 2  # noqa: PLR2004
    missing = runner.invoke(app, ["messages", "check", str(tmp_path / "missing.xml")])
    assert missing.exit_code == 2  # noqa: PLR2004


def test_codes_markdown_matches_the_published_docs() -> None:
    result = runner.invoke(app, ["codes", "--markdown"])
    docs = Path(__file__).resolve().parents[2] / "docs" / "error-codes.md"
    assert result.exit_code == 0
    assert docs.read_text(encoding="utf-8") == result.output, (
        "regenerate: cbec codes --markdown > docs/error-codes.md"
    )
