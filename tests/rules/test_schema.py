"""A parameter file must have a Chinese description, an English gloss, a known unit and dated,
referenced values in ascending order; anything else raises at load, naming every problem."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.rules import ParameterSchemaError, Reference, load_yaml, parse_folder_index, parse_parameter_file

from .conftest import RATE_FILE, WriteFile


def parse(write: WriteFile, text: str) -> object:
    path = write("p.yaml", text)
    return parse_parameter_file(load_yaml(path), source=str(path))


def problems(write: WriteFile, text: str) -> list[str]:
    with pytest.raises(ParameterSchemaError) as caught:
        parse(write, text)
    return caught.value.problems


class TestValidFiles:
    def test_a_rate_file_parses_with_decimal_values_and_references(self, write: WriteFile) -> None:
        spec = parse(write, RATE_FILE)
        assert spec.unit == "/1"  # type: ignore[attr-defined]
        first, second = spec.values  # type: ignore[attr-defined]
        assert first.start == date(2018, 5, 1)
        assert first.value == Decimal("0.16")
        assert isinstance(second.value, Decimal)
        assert second.reference == Reference(
            "财政部 税务总局 海关总署公告2019年第39号",
            "关于深化增值税改革有关政策的公告",
            "一",
            "https://example.org/39",
        )

    def test_numbers_are_never_floats(self, tmp_path: Path) -> None:
        path = tmp_path / "n.yaml"
        path.write_text("a: 0.1\nb: 2000\nc: 1_000\n", encoding="utf-8")
        assert load_yaml(path) == {"a": Decimal("0.1"), "b": Decimal(2000), "c": Decimal(1000)}

    def test_text_values_expected_entries_and_endings_are_allowed(self, write: WriteFile) -> None:
        spec = parse(
            write,
            """\
            description: 年度
            description_en: period
            unit: text
            verified: false
            note: the law is silent
            values:
              2016-04-08: {value: calendar_year, reference: {document: 某号, title: 某通知}}
              2030-01-01: {expected: fiscal_year, reference: {document: 某号, title: 某通知}}
              2031-01-01: {value: null, reference: {document: 某号, title: 某通知}}
            """,
        )
        assert [entry.expected for entry in spec.values] == [False, True, False]  # type: ignore[attr-defined]
        assert spec.values[2].value is None  # type: ignore[attr-defined]
        assert spec.verified is False  # type: ignore[attr-defined]

    def test_a_folder_index_has_descriptions_and_an_optional_reference(self, write: WriteFile) -> None:
        path = write(
            "index.yaml",
            "description: 税收\ndescription_en: taxes\nreference: {document: 某号, title: 某通知}\n",
        )
        spec = parse_folder_index(load_yaml(path), source=str(path))
        assert spec.reference == Reference("某号", "某通知")

    def test_cite_names_document_title_and_article(self) -> None:
        assert (
            Reference("财关税〔2016〕18号", "某通知", "第三条").cite()
            == "财关税〔2016〕18号《某通知》 第三条"
        )
        assert Reference("某号", "某通知").cite() == "某号《某通知》"


class TestMalformedFiles:
    def test_every_problem_is_reported_at_once(self, write: WriteFile) -> None:
        found = problems(
            write,
            """\
            description: standard rate
            unit: percent
            values:
              2019-04-01: {value: 0.13}
            """,
        )
        assert any("Chinese" in p for p in found)
        assert any("description_en" in p for p in found)
        assert any("unknown unit" in p for p in found)
        assert any("reference" in p for p in found)

    def test_dates_must_ascend(self, write: WriteFile) -> None:
        text = RATE_FILE.replace("2018-05-01", "2020-01-01")
        assert any("ascending" in p for p in problems(write, text))

    def test_a_reference_needs_a_document_and_a_title(self, write: WriteFile) -> None:
        text = RATE_FILE.replace("title: 关于调整增值税税率的通知, ", "")
        assert any("reference: `title` is required" in p for p in problems(write, text))

    @pytest.mark.parametrize(
        ("entry", "fragment"),
        [
            ("{value: 1.3, reference: {document: a, title: b}}", "above 1"),
            ("{value: -1, reference: {document: a, title: b}}", "negative"),
            ("{value: thirteen, reference: {document: a, title: b}}", "text 'thirteen'"),
            ("{value: 0.1, expected: 0.2, reference: {document: a, title: b}}", "exactly one"),
            ("{reference: {document: a, title: b}}", "exactly one"),
            ("{value: 0.1, verified: false, reference: {document: a, title: b}}", "needs a `note`"),
            ("{value: 0.1, verified: maybe, reference: {document: a, title: b}}", "true or false"),
            ("{value: 0.1, colour: red, reference: {document: a, title: b}}", "unknown keys"),
            ("{value: [1], reference: {document: a, title: b}}", "not list"),
            ("{value: 0.1, reference: {document: a, title: b, page: 3}}", "unknown reference keys"),
            ("{value: 0.1, reference: 财税〔2018〕32号}", "must be a mapping"),
            ("0.13", "must be a mapping"),
        ],
    )
    def test_bad_dated_values_are_named(self, write: WriteFile, entry: str, fragment: str) -> None:
        text = f"description: 税率\ndescription_en: rate\nunit: /1\nvalues:\n  2019-04-01: {entry}\n"
        assert any(fragment in p for p in problems(write, text)), problems(write, text)

    def test_a_date_key_must_be_a_date(self, write: WriteFile) -> None:
        text = (
            "description: 税率\ndescription_en: rate\nunit: /1\nvalues:\n"
            "  soon: {value: 0.1, reference: {document: a, title: b}}\n"
        )
        assert any("YYYY-MM-DD" in p for p in problems(write, text))

    def test_a_number_for_a_text_parameter_is_refused(self, write: WriteFile) -> None:
        text = (
            "description: 年度\ndescription_en: period\nunit: text\nvalues:\n"
            "  2019-04-01: {value: 1, reference: {document: a, title: b}}\n"
        )
        assert any("`text` parameter" in p for p in problems(write, text))

    def test_values_must_not_be_empty(self, write: WriteFile) -> None:
        assert any(
            "at least one date" in p
            for p in problems(write, "description: 税率\ndescription_en: r\nunit: /1\nvalues: {}\n")
        )

    def test_file_level_keys_are_checked(self, write: WriteFile) -> None:
        text = RATE_FILE + "rounding: bankers\nverified: false\ncolour: red\n"
        found = problems(write, text)
        assert any("unknown rounding" in p for p in found)
        assert any("needs a `note`" in p for p in found)
        assert any("unknown keys" in p for p in found)

    def test_a_file_that_is_not_a_mapping_is_refused(self, write: WriteFile) -> None:
        assert problems(write, "- 1\n- 2\n") == ["a parameter file must be a mapping"]

    def test_invalid_yaml_raises_a_schema_error_naming_the_file(self, write: WriteFile) -> None:
        path = write("bad.yaml", "description: a: b\n")
        with pytest.raises(ParameterSchemaError, match="bad.yaml"):
            load_yaml(path)

    def test_an_index_needs_both_descriptions(self, write: WriteFile) -> None:
        path = write("index.yaml", "description: 税收\ncolour: red\n")
        with pytest.raises(ParameterSchemaError) as caught:
            parse_folder_index(load_yaml(path), source=str(path))
        assert any("description_en" in p for p in caught.value.problems)
        assert any("unknown keys" in p for p in caught.value.problems)
        with pytest.raises(ParameterSchemaError):
            parse_folder_index(["not", "a", "mapping"], source="x")
