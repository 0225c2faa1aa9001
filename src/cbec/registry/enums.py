"""Enterprise roles and filing statuses (备案)."""

from __future__ import annotations

from enum import StrEnum


class EnterpriseRole(StrEnum):
    """Roles an enterprise is filed for (CEB party fields in brackets)."""

    ebp = "ebp"  # 电商平台 (ebpCode)
    ebc = "ebc"  # 电商企业 / 跨境电商企业 (ebcCode)
    logistics = "logistics"  # 物流企业 (logisticsCode)
    payment = "payment"  # 支付企业 (payCode)
    agent = "agent"  # 申报企业 / 报关企业 (agentCode)
    warehouse = "warehouse"  # 监管场所经营人 / 区内仓储企业 (operatorCode, areaCode)
    bank = "bank"  # 银行

    @property
    def label_zh(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    EnterpriseRole.ebp: "电商平台",
    EnterpriseRole.ebc: "电商企业",
    EnterpriseRole.logistics: "物流企业",
    EnterpriseRole.payment: "支付企业",
    EnterpriseRole.agent: "申报企业",
    EnterpriseRole.warehouse: "监管场所经营人/仓储企业",
    EnterpriseRole.bank: "银行",
}


class FilingStatus(StrEnum):
    """Status of a filing; only ``active`` enterprises may send messages."""

    active = "active"  # 正常
    suspended = "suspended"  # 暂停
    revoked = "revoked"  # 撤销 (final)

    @classmethod
    def allowed_changes(cls) -> dict[FilingStatus, set[FilingStatus]]:
        """Which status may follow which: a revoked filing stays revoked."""
        return {
            cls.active: {cls.suspended, cls.revoked},
            cls.suspended: {cls.active, cls.revoked},
            cls.revoked: set(),
        }
