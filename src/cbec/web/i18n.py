"""User-facing text of the web UI: Simplified Chinese by default, English on request.

Strings live in ``i18n.yaml`` (key → zh, en); a missing English text falls back to the Chinese one,
and a missing key shows the key itself (a test checks every key used by the templates exists).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

LANGS = ("zh", "en")
STRINGS = Path(__file__).parent / "i18n.yaml"


@functools.cache
def strings() -> dict[str, dict[str, str]]:
    data: dict[str, Any] = yaml.safe_load(STRINGS.read_text(encoding="utf-8"))
    return {str(k): {"zh": str(v["zh"]), "en": str(v.get("en") or v["zh"])} for k, v in data.items()}


def translate(key: str, lang: str) -> str:
    entry = strings().get(key)
    if entry is None:
        return key
    return entry["en"] if lang == "en" else entry["zh"]
