"""Shapes of the API's answers, for the OpenAPI document (``/openapi.json``).

The routes build their JSON themselves (status codes and bodies are decided in
``office.intake`` and friends); these models describe that JSON for clients.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Refused(BaseModel):
    error: str = Field(description="机器可读的错误代码，如 unauthorized、conflict")
    message: str = Field(description="给办事人员看的中文说明")


class Problem(BaseModel):
    field: str = Field(description="出问题的项目在交换格式中的路径，如 inspectors[1].cert_no")
    code: str
    severity: Literal["error", "warning"]
    message: str


class Invalid(Refused):
    problems: list[Problem]


class Stale(Refused):
    held_revision: int


class Receipt(BaseModel):
    id: str
    revision: int
    receipt: str = Field(description="回执编号，如 潭优备〔2026〕000123号")
    status: Literal["filed", "returned"]
    received_at: str = Field(description="ISO 8601，带时区")
    digest: str = Field(description="forms.record.content_digest of the filing")
    warnings: list[Problem]


class FilingView(BaseModel):
    id: str
    revision: int
    receipt: str
    status: Literal["filed", "returned"]
    reason: str | None
    received_at: str


class ReplyStaff(BaseModel):
    name: str = Field(description="园区派员姓名")
    phone: str = Field(description="联系电话（规范写法，如 13812345678、0731-58812345）")


class ParkReply(BaseModel):
    park: str = Field(description="园区全称")
    kind: Literal["send_staff", "nothing_to_add"] = Field(
        description="send_staff 派员参加；nothing_to_add 无补充意见"
    )
    staff: list[ReplyStaff]
    note: str
    at: str = Field(description="回复时间，ISO 8601，带时区")


class Change(BaseModel):
    seq: int
    type: Literal["receipt", "returned", "reviewed", "notice"]
    id: str
    revision: int
    receipt: str | None = Field(None, description="for type=receipt and type=returned")
    reason: str | None = Field(None, description="only for type=returned")
    code: str | None = Field(None, description="only for type=notice")
    other_unit: str | None = Field(None, description="only for type=notice: 另一单位名称")
    other_date: str | None = Field(None, description="only for type=notice: 另一单位检查日期")
    message: str | None = Field(None, description="only for type=notice")
    reply: ParkReply | None = Field(None, description="only for a notice with code park_reply")
    at: str


class Changes(BaseModel):
    cursor: str
    server_time: str
    changes: list[Change]


class Reference(BaseModel):
    version: int
    calendar: dict[str, dict[str, list[str]]]
    white_list: list[dict[str, str]]
    key_supervision: list[dict[str, str]]
    parks: list[dict[str, str]]
    cert_rules: dict[str, Any]
    forms: list[dict[str, Any]]
    verify_url: str = Field(description="核验页面的公开地址（二维码链接用）；空表示未公布")
    crosscheck: dict[str, Any] = Field(
        description="交叉检查设置：联合检查窗口（工作日）、重复检查天数、每年上限、事项比对"
    )


class Health(BaseModel):
    status: Literal["ok", "store_unwritable"]
    time: str
    version: str
    message: str | None = Field(None, description="only when the store cannot write")


class Officer(BaseModel):
    role: str
    name: str
    cert_no: str


class Verification(BaseModel):
    status: Literal["match", "mismatch", "unknown"]
    message: str = Field(description="标题：按 standing 说明此版次是否有效")
    standing: Literal["filed", "returned", "superseded"] | None = Field(
        None, description="filed 现行有效；returned 已退回待重新备案；superseded 已被后续版次取代"
    )
    id: str | None = None
    short_code: str | None = Field(None, description="查询码（forms.short_code）")
    revision: int | None = None
    receipt: str | None = None
    filing_status: Literal["filed", "returned"] | None = None
    filing_status_text: str | None = None
    latest_revision: int | None = None
    latest_receipt: str | None = None
    latest_status: Literal["filed", "returned"] | None = None
    superseded_by: int | None = None
    unit: str | None = None
    joint_units: list[str] | None = None
    enterprise: str | None = None
    inspection_date: dict[str, str | None] | None = None
    inspection_date_text: str | None = None
    officers: list[Officer] | None = None


class OfficeKey(BaseModel):
    format: str = Field(description="beian-office-key/1")
    algorithm: str = Field(description="ed25519")
    public_key: str = Field(description="公钥（32 字节，Base64）")
    fingerprint: str = Field(description="公钥指纹，供人工核对")


class CodeLookup(BaseModel):
    status: Literal["found", "unknown"]
    message: str
    code: str = Field(description="规范写法的查询码，如 DWE2M-ZHV9N")
    filings: list[Verification] = Field(description="该查询码对应的每份备案（最新版次）")


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status with the refusal body."""
    models: dict[int, type[BaseModel]] = {422: Invalid}
    return {s: {"model": models.get(s, Refused)} for s in statuses}
