"""Pydantic shapes of the registry API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cbec.registry.enums import EnterpriseRole, FilingStatus


class EnterpriseCreate(BaseModel):
    """A new filing (备案)."""

    model_config = ConfigDict(extra="forbid")

    uscc: str | None = Field(default=None, description="统一社会信用代码 (18)")
    customs_code: str | None = Field(default=None, description="海关注册登记编码 (10)")
    name: str = Field(min_length=1, max_length=100, description="登记名称 (exact registered name)")
    name_en: str | None = Field(default=None, max_length=200)
    roles: list[EnterpriseRole] = Field(min_length=1)
    dxp_id: str | None = Field(default=None, max_length=30)
    contact_name: str | None = Field(default=None, max_length=60)
    contact_phone: str | None = Field(default=None, max_length=30)
    contact_email: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=200)
    park: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=3, description="国别代码 (overseas sellers)")
    overseas: bool = Field(default=False, description="境外跨境电商企业 (filed through a domestic agent)")
    agent_code: str | None = Field(default=None, description="境内代理人 code (overseas sellers)")


class EnterprisePatch(BaseModel):
    """A change to a filing; ``reason`` is required for every change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    name_en: str | None = None
    roles: list[EnterpriseRole] | None = None
    dxp_id: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    address: str | None = None
    park: str | None = None
    status: FilingStatus | None = None
    reason: str | None = Field(default=None, max_length=1000)


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    uscc: str | None
    customs_code: str | None
    name: str
    name_en: str | None
    roles: list[str]
    dxp_id: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    address: str | None
    park: str | None
    country: str | None
    overseas: bool
    agent_code: str | None = None
    status: str
    status_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class EnterpriseFiled(BaseModel):
    """The 201 answer: the filing and its first API key (shown once)."""

    enterprise: EnterpriseOut
    api_key: str


class EnterpriseChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    reason: str | None
    changes: dict[str, Any]
    version: int
