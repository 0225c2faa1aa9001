"""Customs credit levels as dated configuration (Order 251, then Order 282 from 2026-04-01)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cbec.risk.params import dated_file_entry

PARAMETERS = Path(__file__).parent / "parameters" / "customs_levels.yaml"


@dataclass(frozen=True, slots=True)
class Level:
    """One customs credit level."""

    code: str
    label: str
    label_en: str
    sampling_grade: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Levels:
    """The levels in force on a day and the regulation they come from."""

    reference: str
    levels: Mapping[str, Level]


def customs_levels(on: date, path: Path = PARAMETERS) -> Levels:
    """The customs credit levels in force on ``on``."""
    entry = dated_file_entry(path, on)
    reference = entry["reference"]
    levels = {
        code: Level(
            code=code,
            label=str(item["label"]),
            label_en=str(item["label_en"]),
            sampling_grade=str(item["sampling_grade"]),
            verified=bool(item.get("verified", False)),
        )
        for code, item in entry["levels"].items()
    }
    return Levels(reference=f"{reference['document']} {reference['title']}", levels=levels)
