"""Errors with stable codes, mapped to HTTP in one place.

Hierarchy::

    CbecError                       every error the platform raises on purpose
    ├── AuthError                   401: no or bad credentials
    ├── PermissionDeniedError       403: authenticated, not allowed
    ├── NotFoundError               404
    ├── ConflictError               409
    ├── InvalidInputError           400 / 422: the request itself is wrong
    └── PayloadTooLargeError        413

Each error carries an :class:`ErrorCode`, a message (Chinese by default, English available) and
structured ``data``.  The HTTP body is always ``{"code", "message", "data"}``.  Codes never change
once published; ``GET /api/v1/codes`` and ``docs/error-codes.md`` list them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class CodeInfo:
    """What a code means and how it is answered over HTTP."""

    http_status: int
    zh: str
    en: str


class ErrorCode(StrEnum):
    """Stable, machine-readable error codes of the HTTP API."""

    AUTH_REQUIRED = "AUTH_REQUIRED"
    AUTH_INVALID_KEY = "AUTH_INVALID_KEY"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    SENDER_ROLE_MISMATCH = "SENDER_ROLE_MISMATCH"
    SENDER_COP_CODE_MISMATCH = "SENDER_COP_CODE_MISMATCH"
    SENDER_NOT_FILED = "SENDER_NOT_FILED"
    NOT_FOUND = "NOT_FOUND"
    ENTERPRISE_NOT_FOUND = "ENTERPRISE_NOT_FOUND"
    API_KEY_NOT_FOUND = "API_KEY_NOT_FOUND"
    ENTERPRISE_CODE_TAKEN = "ENTERPRISE_CODE_TAKEN"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    INVALID_USCC = "INVALID_USCC"
    INVALID_CUSTOMS_CODE = "INVALID_CUSTOMS_CODE"
    ENTERPRISE_CODE_REQUIRED = "ENTERPRISE_CODE_REQUIRED"
    INVALID_ROLE = "INVALID_ROLE"
    INVALID_STATUS_CHANGE = "INVALID_STATUS_CHANGE"
    RULE_SET_INVALID = "RULE_SET_INVALID"
    RULE_SET_VERSION_TAKEN = "RULE_SET_VERSION_TAKEN"
    RULE_SET_ALREADY_ACTIVE = "RULE_SET_ALREADY_ACTIVE"
    REASON_REQUIRED = "REASON_REQUIRED"
    APPEAL_ALREADY_PENDING = "APPEAL_ALREADY_PENDING"
    APPEAL_ALREADY_DECIDED = "APPEAL_ALREADY_DECIDED"
    OVERSEAS_AGENT_REQUIRED = "OVERSEAS_AGENT_REQUIRED"
    MESSAGE_UNREADABLE = "MESSAGE_UNREADABLE"
    MESSAGE_UNSAFE = "MESSAGE_UNSAFE"
    MESSAGE_UNSUPPORTED_TYPE = "MESSAGE_UNSUPPORTED_TYPE"
    MESSAGE_NOT_DECLARATION = "MESSAGE_NOT_DECLARATION"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    MESSAGE_GUID_REUSED = "MESSAGE_GUID_REUSED"
    INVALID_CURSOR = "INVALID_CURSOR"
    QUERY_REQUIRED = "QUERY_REQUIRED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    RATE_LIMITED = "RATE_LIMITED"
    STATS_FILTER_INVALID = "STATS_FILTER_INVALID"
    STATS_IMPORT_UNREADABLE = "STATS_IMPORT_UNREADABLE"
    STATS_IMPORT_INVALID = "STATS_IMPORT_INVALID"


CODES: dict[ErrorCode, CodeInfo] = {
    ErrorCode.AUTH_REQUIRED: CodeInfo(
        401,
        "需要认证：请在 Authorization 头中提供 Bearer API 密钥",
        "Authentication required: send an API key as Authorization: Bearer <key>",
    ),
    ErrorCode.AUTH_INVALID_KEY: CodeInfo(401, "API 密钥无效或已吊销", "The API key is invalid or revoked"),
    ErrorCode.PERMISSION_DENIED: CodeInfo(403, "无权执行此操作", "Not allowed for this caller"),
    ErrorCode.SENDER_ROLE_MISMATCH: CodeInfo(
        403,
        "发送方不具备该报文类型要求的企业角色",
        "The sender does not hold the role the spec makes responsible for this message type",
    ),
    ErrorCode.SENDER_COP_CODE_MISMATCH: CodeInfo(
        403,
        "BaseTransfer/copCode 与调用方备案企业不一致",
        "BaseTransfer/copCode is not the caller's filed enterprise",
    ),
    ErrorCode.SENDER_NOT_FILED: CodeInfo(
        403,
        "只有已备案企业的密钥可以报送报文",
        "Only an API key bound to a filed enterprise may send messages",
    ),
    ErrorCode.NOT_FOUND: CodeInfo(404, "资源不存在", "Not found"),
    ErrorCode.ENTERPRISE_NOT_FOUND: CodeInfo(404, "企业备案不存在", "No such enterprise filing"),
    ErrorCode.API_KEY_NOT_FOUND: CodeInfo(404, "API 密钥不存在", "No such API key"),
    ErrorCode.ENTERPRISE_CODE_TAKEN: CodeInfo(
        409, "该统一社会信用代码或海关编码已备案", "That USCC or customs code is already filed"
    ),
    ErrorCode.VALIDATION_FAILED: CodeInfo(422, "请求数据校验失败", "The request failed validation"),
    ErrorCode.INVALID_USCC: CodeInfo(
        422, "统一社会信用代码无效（GB 32100-2015）", "Invalid unified social credit code (GB 32100-2015)"
    ),
    ErrorCode.INVALID_CUSTOMS_CODE: CodeInfo(
        422,
        "海关注册编码无效（应为10位字母数字）",
        "Invalid customs registration code (10 alphanumeric characters)",
    ),
    ErrorCode.ENTERPRISE_CODE_REQUIRED: CodeInfo(
        422, "须至少提供统一社会信用代码或海关注册编码之一", "A USCC or a customs code is required"
    ),
    ErrorCode.INVALID_ROLE: CodeInfo(422, "企业角色无效", "Invalid enterprise role"),
    ErrorCode.INVALID_STATUS_CHANGE: CodeInfo(
        422, "不允许的备案状态变更", "That filing status change is not allowed"
    ),
    ErrorCode.RULE_SET_INVALID: CodeInfo(
        422, "风险规则集不合规（逐条列出问题）", "The risk rule set is invalid (every problem is listed)"
    ),
    ErrorCode.RULE_SET_VERSION_TAKEN: CodeInfo(
        409,
        "风险规则集版本号已存在（修改须另立新版本）",
        "That rule set version exists (a change is a new version)",
    ),
    ErrorCode.RULE_SET_ALREADY_ACTIVE: CodeInfo(
        409, "风险规则集已启用", "That rule set version is already activated"
    ),
    ErrorCode.APPEAL_ALREADY_PENDING: CodeInfo(
        409,
        "该信用信息已有待处理的异议或修复申请",
        "An objection or repair application on that record is pending",
    ),
    ErrorCode.APPEAL_ALREADY_DECIDED: CodeInfo(409, "该申请已处理", "That application has been decided"),
    ErrorCode.REASON_REQUIRED: CodeInfo(
        422, "暂停、撤销或变更备案须说明理由", "Suspending, revoking or changing a filing needs a reason"
    ),
    ErrorCode.OVERSEAS_AGENT_REQUIRED: CodeInfo(
        422,
        "境外跨境电商企业须通过已备案的境内代理人备案",
        "An overseas seller is filed through a filed domestic agent",
    ),
    ErrorCode.MESSAGE_UNREADABLE: CodeInfo(
        400, "报文无法解析为 XML 或 JSON", "The body is not readable XML or JSON"
    ),
    ErrorCode.MESSAGE_UNSAFE: CodeInfo(
        400,
        "报文含 DTD、实体声明或外部引用，已拒绝",
        "The XML declares a DTD, entities or external references and was refused",
    ),
    ErrorCode.MESSAGE_UNSUPPORTED_TYPE: CodeInfo(400, "不支持的报文类型", "Unsupported message type"),
    ErrorCode.MESSAGE_NOT_DECLARATION: CodeInfo(
        400,
        "该报文类型由海关或平台发出，企业不能报送",
        "This message type is issued by customs or the platform and cannot be sent by an enterprise",
    ),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: CodeInfo(
        415,
        "仅接受 application/xml 或 application/json",
        "Only application/xml or application/json is accepted",
    ),
    ErrorCode.PAYLOAD_TOO_LARGE: CodeInfo(413, "报文超过大小上限", "The message exceeds the size limit"),
    ErrorCode.MESSAGE_GUID_REUSED: CodeInfo(
        409,
        "同一发送方的报文 guid 已用于内容不同的报文",
        "This sender already used that message guid for different content",
    ),
    ErrorCode.INVALID_CURSOR: CodeInfo(400, "游标无效", "Invalid cursor"),
    ErrorCode.QUERY_REQUIRED: CodeInfo(400, "须提供 guid 或 since 参数", "Give guid or since"),
    ErrorCode.INTERNAL_ERROR: CodeInfo(500, "内部错误，已记录", "Internal error, logged"),
    ErrorCode.RATE_LIMITED: CodeInfo(429, "请求过于频繁，请稍后再试", "Too many requests, try again later"),
    ErrorCode.STATS_FILTER_INVALID: CodeInfo(
        422,
        "统计查询条件无效（日期范围、维度、粒度或筛选值）",
        "Invalid statistics query (date range, dimension, grain or filter value)",
    ),
    ErrorCode.STATS_IMPORT_UNREADABLE: CodeInfo(
        400,
        "渠道数据文件无法读取（应为 UTF-8 或 GB18030 编码的 CSV，或 .xlsx）",
        "The channel data file is unreadable (CSV in UTF-8 or GB18030, or .xlsx)",
    ),
    ErrorCode.STATS_IMPORT_INVALID: CodeInfo(
        422,
        "渠道数据校验未通过，整份文件未导入（逐行逐列列出问题）",
        "The channel data failed validation; nothing was imported (every problem listed by row and column)",
    ),
}


class CbecError(Exception):
    """Base of every deliberate platform error."""

    default_code: ErrorCode = ErrorCode.VALIDATION_FAILED

    def __init__(
        self,
        code: ErrorCode | None = None,
        message: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.code = code or self.default_code
        info = CODES[self.code]
        self.message = message or info.zh
        self.data = data or {}
        super().__init__(f"{self.code}: {self.message}")

    @property
    def http_status(self) -> int:
        return CODES[self.code].http_status

    def message_in(self, language: str) -> str:
        """The message in ``language`` (``zh`` or ``en``) when no custom message was given."""
        info = CODES[self.code]
        if self.message in (info.zh, info.en):
            return info.en if language == "en" else info.zh
        return self.message


class AuthError(CbecError):
    default_code = ErrorCode.AUTH_REQUIRED


class PermissionDeniedError(CbecError):
    default_code = ErrorCode.PERMISSION_DENIED


class NotFoundError(CbecError):
    default_code = ErrorCode.NOT_FOUND


class ConflictError(CbecError):
    default_code = ErrorCode.ENTERPRISE_CODE_TAKEN


class InvalidInputError(CbecError):
    default_code = ErrorCode.VALIDATION_FAILED


class PayloadTooLargeError(CbecError):
    default_code = ErrorCode.PAYLOAD_TOO_LARGE
