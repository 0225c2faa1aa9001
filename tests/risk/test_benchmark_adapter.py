"""The KCS loader and the adapter from a KCS row to risk features."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from cbec.risk.benchmark.adapter import KcsProfile, declaration_fields, row_features, train_features
from cbec.risk.benchmark.baselines import baselines
from cbec.risk.benchmark.dataset import SPLIT_FILES, KcsRow, default_data_dir, load_kcs, read_mapped_csv

ROW = KcsRow(
    declaration_id="41256141",
    date="2021-04-01",
    office_id="40",
    process_type="B",
    import_type="11",
    import_use="21",
    payment_type="11",
    mode_of_transport="40",
    declarant_id="LPA7LKZ",
    importer_id="Y3OM027",
    seller_id="FQKH1PD",
    courier_id="",
    hs6="042023",
    country_of_departure="IT",
    country_of_origin="RO",
    tax_rate=8.0,
    tax_type="A",
    origin_indicator="G",
    net_mass=2.0,
    item_price=1000.0,
    fraud=0,
    critical_fraud=0,
)


def _row(i: int, **changes: object) -> KcsRow:
    return dataclasses.replace(ROW, declaration_id=f"{i:08d}", **changes)  # type: ignore[arg-type]


def test_shipped_copy_loads_with_codes_as_strings() -> None:
    base = default_data_dir()
    assert all((base / name).is_file() for name in SPLIT_FILES.values())
    assert (base / "LICENSE-Customs-Declaration-Datasets.txt").is_file()
    splits = load_kcs(limit=5)
    assert [len(s) for s in splits] == [5, 5, 5]
    first = splits.test[0]
    assert (first.declaration_id, first.hs6, first.courier_id, first.fraud) == ("41256141", "420231", "", 0)
    assert splits.train[0].date < splits.valid[0].date < splits.test[0].date


def test_row_features_keep_the_goods_and_value() -> None:
    f = row_features(ROW)
    assert f["hs6_code"] == 42023.0
    assert f["hs2_code"] == 4.0
    assert f["unit_price"] == 500.0
    assert f["duty"] == 80.0
    assert (f["has_seller"], f["has_courier"], f["origin_is_departure"]) == (1.0, 0.0, 0.0)
    assert math.isnan(row_features(_row(1, net_mass=0.0))["unit_price"])
    assert "fraud" not in f


def test_profile_rates_are_smoothed_towards_the_base_rate() -> None:
    history = [_row(i, fraud=1 if i < 2 else 0, declarant_id="D1" if i < 4 else "D2") for i in range(10)]
    profile = KcsProfile.fit(history)
    assert profile.base_rate == 0.2
    assert profile.rate("declarant", "D1") == pytest.approx((2 + 10 * 0.2) / (4 + 10))
    assert profile.rate("declarant", "unseen") == pytest.approx(0.2)
    f = profile.features(_row(99, declarant_id="D1"))
    assert f["count_declarant"] == 4.0
    assert f["count_courier"] == 0.0  # no courier: no history
    assert f["unit_price_vs_hs6"] == 1.0


def test_training_rows_never_see_their_own_label() -> None:
    rows = [_row(i, declarant_id=f"D{i}", fraud=i % 2) for i in range(10)]
    feats = train_features(rows, folds=5)
    assert all(f["count_declarant"] == 0.0 for f in feats)  # each declarant only in its own row


def test_declaration_fields_follow_the_mapping() -> None:
    d = declaration_fields(ROW)
    assert (d["agentCode"], d["ebcCode"], d["gcode"], d["declTime"]) == (
        "LPA7LKZ",
        "FQKH1PD",
        "042023",
        "20210401",
    )


def test_baselines_score_every_row() -> None:
    train = [_row(i, fraud=1, net_mass=5.0) for i in range(3)] + [_row(3 + i) for i in range(7)]
    test = [_row(100, net_mass=5.0), _row(101, net_mass=2.0), _row(102, net_mass=7.0)]
    scored = {name: b(test) for name, b in baselines(train).items()}
    assert scored["lookup (HS6, net mass)"] == [1.0, 0.0, 0.3]
    assert all(len(s) == 3 for s in scored.values())


def test_platform_export_through_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("copNo,declTime,gcode,netWeight,totalPrice,hit\nA1,20240101,8518220000,1.5,20,1\n")
    mapping = {
        "declaration_id": "copNo",
        "date": "declTime",
        "hs6": "gcode",
        "net_mass": "netWeight",
        "item_price": "totalPrice",
        "fraud": "hit",
    }
    [row] = read_mapped_csv(path, mapping)
    assert (row.hs6, row.net_mass, row.fraud, row.tax_rate, row.seller_id) == ("851822", 1.5, 1, 0.0, "")
    with pytest.raises(ValueError, match="missing"):
        read_mapped_csv(path, {"declaration_id": "copNo"})
