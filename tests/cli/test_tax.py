"""``cbec tax quote`` prices CEB621 inventories offline; ``cbec tax rates`` lists the tariff lines."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cbec.cli.tax import tax_app
from cbec.messages.ceb import dump_json, parse_xml

runner = CliRunner()
FIXTURE = Path(__file__).parents[1] / "messages" / "ceb" / "fixtures" / "CEB621Message.xml"


def inventory_2019(tmp_path: Path) -> Path:
    """The official sample, dated 2019-06-01 and declaring loudspeakers (8518220000, VAT 13%)."""
    text = FIXTURE.read_text(encoding="utf-8")
    text = text.replace("20160315153555", "20190601120000").replace("8541401000", "8518220000")
    path = tmp_path / "ceb621.xml"
    path.write_text(text, encoding="utf-8")
    return path


def quote(path: Path) -> list[dict[str, object]]:
    result = runner.invoke(tax_app, ["quote", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, list)
    return data


def test_quote_prints_one_priced_object_per_inventory(tmp_path: Path) -> None:
    data = quote(inventory_2019(tmp_path))
    assert len(data) == 10
    first = data[0]
    assert first["orderNo"] == "order2016030811340001"
    assert first["decision"] == "within_limits"
    # goods 20 + 12, freight 500 + insurance 200 apportioned 437.50 / 262.50; VAT 13% × 70%
    assert first["lines"] == [
        {
            "gnum": 1,
            "gcode": "8518220000",
            "tariff_code": "8518220000",
            "taxable_price": "457.50",
            "customs_duty": "0.00",
            "vat": "41.63",
            "consumption_tax": "0.00",
            "total": "41.63",
        },
        {
            "gnum": 2,
            "gcode": "8518220000",
            "tariff_code": "8518220000",
            "taxable_price": "274.50",
            "customs_duty": "0.00",
            "vat": "24.98",
            "consumption_tax": "0.00",
            "total": "24.98",
        },
    ]
    assert (first["customs_duty"], first["vat"], first["consumption_tax"], first["total"]) == (
        "0.00",
        "66.61",
        "0.00",
        "66.61",
    )
    assert first["explanation"]["steps"]  # type: ignore[index]


def test_quote_reads_the_json_form_too(tmp_path: Path) -> None:
    xml_path = inventory_2019(tmp_path)
    json_path = tmp_path / "ceb621.json"
    json_path.write_bytes(dump_json(parse_xml(xml_path.read_bytes())))
    assert quote(json_path) == quote(xml_path)


def test_the_official_sample_predates_the_retail_import_policy() -> None:
    first = quote(FIXTURE)[0]
    assert first["decision"] == "not_assessable"
    assert first["issues"][0]["code"] == "TAX_LAW_NOT_IN_FORCE"  # type: ignore[index]


def test_a_record_with_a_bad_field_is_reported_and_the_others_priced(tmp_path: Path) -> None:
    path = inventory_2019(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "<ceb:freight>500</ceb:freight>", "<ceb:freight>x</ceb:freight>", 1
    )
    path.write_text(text, encoding="utf-8")
    data = quote(path)
    assert data[0] == {
        "orderNo": "order2016030811340001",
        "error": "InventoryHead/freight: 'x' is not a number",
        "field": "InventoryHead/freight",
    }
    assert data[1]["decision"] == "within_limits"


def test_quote_refuses_other_messages_and_unreadable_files(tmp_path: Path) -> None:
    other = FIXTURE.parent / "CEB311Message.xml"
    result = runner.invoke(tax_app, ["quote", str(other)])
    assert result.exit_code == 2
    assert "CEB311Message is not a CEB621Message" in result.output
    junk = tmp_path / "junk.xml"
    junk.write_text("<not-ceb", encoding="utf-8")
    result = runner.invoke(tax_app, ["quote", str(junk)])
    assert result.exit_code == 2
    assert "not a readable CEB message" in result.output


def test_rates_lists_the_tariff_lines_with_source_and_mark() -> None:
    result = runner.invoke(tax_app, ["rates", "--hs", "3304"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data and all(row["hs_code"].startswith("3304") for row in data)
    skin = next(row for row in data if row["hs_code"] == "3304990099")
    assert (skin["mfn_rate_percent"], skin["vat_rate_percent"], skin["mark"]) == ("1", "13", "S")
    assert skin["source"] == "HSCIQ+HTS+T26"
    assert len(json.loads(runner.invoke(tax_app, ["rates"]).output)) >= 150
