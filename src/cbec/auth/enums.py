"""Caller roles."""

from __future__ import annotations

from enum import StrEnum


class CallerRole(StrEnum):
    """Who is calling: the zone operator, an agency, or an enterprise bound to one filing."""

    operator = "operator"  # 综试区平台运营方
    customs = "customs"  # 海关
    tax = "tax"  # 税务
    forex = "forex"  # 外汇管理
    commerce = "commerce"  # 商务主管部门
    market = "market"  # 市场监管
    enterprise = "enterprise"  # 备案企业

    @classmethod
    def agencies(cls) -> frozenset[CallerRole]:
        """Government agencies (政府部门)."""
        return frozenset({cls.customs, cls.tax, cls.forex, cls.commerce, cls.market})

    @classmethod
    def reads_everything(cls) -> frozenset[CallerRole]:
        """Roles that read every filing and message (agencies and the operator)."""
        return cls.agencies() | {cls.operator}
