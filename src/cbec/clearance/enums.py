"""States of an import inventory in clearance (清单状态)."""

from __future__ import annotations

from enum import StrEnum


class ClearanceState(StrEnum):
    """Where one import order (its inventory) stands."""

    waiting = "waiting"  # 等待三单齐全
    inspecting = "inspecting"  # 查验 (500)
    released = "released"  # 放行 (800)
    closed = "closed"  # 结关 (899)
    refused = "refused"  # 退单 (100) or a negative code
    cancelled = "cancelled"  # 撤单 (CEB623)
    returned = "returned"  # 退货 (CEB625)
    sent_back = "sent_back"  # 退运 (700)
    detained = "detained"  # 扣留 (501/502/503/599)

    @classmethod
    def final(cls) -> frozenset[ClearanceState]:
        """States an order does not leave by itself (released may still close, return or cancel)."""
        return frozenset({cls.closed, cls.refused, cls.cancelled, cls.returned, cls.sent_back, cls.detained})


class InspectionResult(StrEnum):
    """What customs found at inspection (查验结果)."""

    clean = "clean"  # 查验无异常 → 800
    sent_back = "sent_back"  # 退运 → 700
    detained_clearance = "detained_clearance"  # 扣留移送通关 → 501
    detained_smuggling = "detained_smuggling"  # 扣留移送缉私 → 502
    detained_legal = "detained_legal"  # 扣留移送法规 → 503
    detained_other = "detained_other"  # 其它扣留 → 599

    @property
    def return_status(self) -> str:
        return _INSPECTION_STATUS[self]


_INSPECTION_STATUS = {
    InspectionResult.clean: "800",
    InspectionResult.sent_back: "700",
    InspectionResult.detained_clearance: "501",
    InspectionResult.detained_smuggling: "502",
    InspectionResult.detained_legal: "503",
    InspectionResult.detained_other: "599",
}
