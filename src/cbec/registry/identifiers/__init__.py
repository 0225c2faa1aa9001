"""Identifier validation with python-stdnum's interface.

One module per identifier, each with ``compact``, ``validate`` (returns the
canonical form or raises a specific subclass of
``stdnum.exceptions.ValidationError``), ``is_valid``, ``format_number`` and
``mask``:

* :mod:`.uscc` — 统一社会信用代码 (GB 32100-2015), own implementation
  (python-stdnum rejects codes starting with a letter);
* :mod:`.customs_code` — 海关注册登记编码 (10 characters, format only);
* :mod:`.ric` — 居民身份证号码 (GB 11643-1999), wraps ``stdnum.cn.ric``;
* :mod:`.enterprise_code` — the CEB enterprise code: customs code or USCC by length.
"""

from __future__ import annotations

from cbec.registry.identifiers import customs_code, enterprise_code, ric, uscc

__all__ = ["customs_code", "enterprise_code", "ric", "uscc"]
