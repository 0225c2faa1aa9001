"""A parameter tree answers "what was the value on this day", records every lookup with its
provenance, and refuses malformed files at load."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cbec.rules import (
    Parameter,
    ParameterNode,
    ParameterNotFoundError,
    ParameterNotInForceError,
    ParameterSchemaError,
    Trace,
    load_parameter_tree,
)

from .conftest import RATE_FILE, WriteFile

TEXT_FILE = """\
description: 年度
description_en: period
unit: text
values:
  2016-04-08: {value: calendar_year, reference: {document: 某号, title: 某通知}}
"""


@pytest.fixture
def tree(write: WriteFile, tmp_path: Path) -> ParameterNode:
    write("index.yaml", "description: 根\ndescription_en: root\n")
    write("tax/vat/index.yaml", "description: 增值税\ndescription_en: VAT\n")
    write("tax/vat/standard_rate.yaml", RATE_FILE)
    write("tax/period.yaml", TEXT_FILE)
    write(
        "tax/ended.yaml",
        """\
        description: 已废止
        description_en: ended
        unit: CNY
        values:
          2016-01-01: {value: 50, reference: {document: a, title: b}}
          2016-04-08: {value: null, reference: {document: a, title: b}}
          2030-01-01: {expected: 60, reference: {document: a, title: b}}
        """,
    )
    write("tax/_draft.yaml", "not: [valid")
    write("tax/README.md", "ignored")
    return load_parameter_tree(tmp_path)


class TestReadingAtADate:
    def test_the_value_in_force_on_the_day_is_returned(self, tree: ParameterNode) -> None:
        assert tree.at(date(2019, 3, 31)).tax.vat.standard_rate == Decimal("0.16")
        assert tree.at(date(2019, 4, 1)).tax.vat.standard_rate == Decimal("0.13")
        assert tree.at(date(2030, 1, 1)).tax.vat.standard_rate == Decimal("0.13")

    def test_before_the_first_date_there_is_no_value(self, tree: ParameterNode) -> None:
        with pytest.raises(ParameterNotInForceError, match="2018-04-30"):
            _ = tree.at(date(2018, 4, 30)).tax.vat.standard_rate

    def test_an_ended_parameter_has_no_value_and_expected_values_are_never_returned(
        self, tree: ParameterNode
    ) -> None:
        assert tree.at(date(2016, 4, 7)).tax.ended == Decimal(50)
        for day in (date(2016, 4, 8), date(2031, 1, 1)):
            with pytest.raises(ParameterNotInForceError):
                _ = tree.at(day).tax.ended

    def test_typed_access_by_path(self, tree: ParameterNode) -> None:
        view = tree.at(date(2020, 1, 1))
        assert view.decimal("tax.vat.standard_rate") == Decimal("0.13")
        assert view.text("tax.period") == "calendar_year"
        assert view.folder("tax").text("period") == "calendar_year"
        with pytest.raises(TypeError):
            view.decimal("tax.period")
        with pytest.raises(TypeError):
            view.text("tax.vat.standard_rate")

    def test_unknown_names_fail_clearly(self, tree: ParameterNode) -> None:
        view = tree.at(date(2020, 1, 1))
        with pytest.raises(AttributeError, match="'customs'"):
            _ = view.tax.customs
        with pytest.raises(ParameterNotFoundError):
            view.lookup("tax.vat")
        with pytest.raises(ParameterNotFoundError):
            view.folder("tax.period")
        with pytest.raises(ParameterNotFoundError):
            tree.get("tax.period.more")

    def test_has_tells_whether_a_value_is_in_force(self, tree: ParameterNode) -> None:
        view = tree.at(date(2018, 1, 1))
        assert view.has("tax.period")
        assert not view.has("tax.vat.standard_rate")
        assert not view.has("tax.vat")
        assert not view.has("tax.nothing")

    def test_walk_and_folders_list_the_tree(self, tree: ParameterNode) -> None:
        assert [parameter.path for parameter in tree.walk()] == [
            "tax.ended",
            "tax.period",
            "tax.vat.standard_rate",
        ]
        assert [node.path for node in tree.folders()] == ["", "tax", "tax.vat"]
        assert tree.spec is not None and tree.spec.description_en == "root"
        assert repr(tree.at(date(2020, 1, 1)).tax) == "ParametersAt('tax', 2020-01-01)"
        leaf = tree.get("tax.vat.standard_rate")
        assert isinstance(leaf, Parameter) and leaf.name == "standard_rate"


class TestTracing:
    def test_every_lookup_is_recorded_with_date_and_reference(self, tree: ParameterNode) -> None:
        trace = Trace()
        rate = tree.at(date(2019, 6, 1), trace=trace).tax.vat.standard_rate
        assert rate == Decimal("0.13")
        (lookup,) = trace.lookups
        assert lookup.path == "tax.vat.standard_rate"
        assert lookup.effective_from == date(2019, 4, 1)
        assert lookup.reference.document == "财政部 税务总局 海关总署公告2019年第39号"
        assert lookup.to_dict()["value"] == "0.13"
        assert trace.unverified() == []

    def test_untraced_views_record_nothing(self, tree: ParameterNode) -> None:
        view = tree.at(date(2019, 6, 1))
        assert view.trace is None
        assert view.tax.vat.standard_rate == Decimal("0.13")


class TestLoading:
    def test_a_malformed_file_raises_at_load_naming_it(self, write: WriteFile, tmp_path: Path) -> None:
        write("tax/bad.yaml", "description: rate\nunit: /1\nvalues: {}\n")
        with pytest.raises(ParameterSchemaError, match="bad.yaml"):
            load_parameter_tree(tmp_path)

    def test_file_names_must_be_identifiers(self, write: WriteFile, tmp_path: Path) -> None:
        write("tax/vat-rate.yaml", RATE_FILE)
        with pytest.raises(ParameterSchemaError, match="identifiers"):
            load_parameter_tree(tmp_path)

    def test_a_missing_folder_is_reported(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            load_parameter_tree(tmp_path / "nowhere")
