"""Helpers to build small parameter trees on disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest

WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """Write a file below tmp_path (dedented) and return its path."""

    def _write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
        return path

    return _write


RATE_FILE = """\
description: 增值税基本税率
description_en: standard VAT rate
unit: /1
values:
  2018-05-01:
    value: 0.16
    reference: {document: 财税〔2018〕32号, title: 关于调整增值税税率的通知, article: 一}
  2019-04-01:
    value: 0.13
    reference:
      document: 财政部 税务总局 海关总署公告2019年第39号
      title: 关于深化增值税改革有关政策的公告
      article: 一
      link: https://example.org/39
"""
