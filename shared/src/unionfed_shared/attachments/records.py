"""The kinds of record a service lets carry files, and how a use case names one (no I/O)."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.auth import Principal


@dataclass(frozen=True)
class RecordRef:
    organization_id: str
    record_id: str
    title: str


class OrganizationScope(Protocol):
    """What the archive route asks of the organization tree: a consuming service's
    :class:`~unionfed_shared.directory.Directory`, or membership's own tree."""

    async def require_in_scope(self, session: AsyncSession, principal: Principal, organization_id: str) -> None: ...

    async def time_zone_of(self, session: AsyncSession, organization_id: str) -> ZoneInfo: ...

    async def name_of(self, session: AsyncSession, organization_id: str) -> str | None: ...


Resolver = Callable[[Any, Principal, uuid.UUID], Awaitable[RecordRef]]
Titles = Callable[[Any, list[str]], Awaitable[dict[str, str]]]
Attached = Callable[[Any, RecordRef, dict], Awaitable[None]]


@dataclass(frozen=True)
class RecordKind:
    kind: str  # stored in attachments.record_kind: activity, congress_session, grant, ledger_entry
    path: str  # "/activities/{activity_id}"
    parameter: str  # "activity_id"
    label_zh: str  # 活动
    purposes: tuple[str, ...]  # minutes, plan, summary, photo, receipt, voucher, other
    readable: Resolver  # the record if the caller may read it, else the record's own refusal
    writable: Resolver  # the record if the caller may change it
    titles: Titles  # record id -> its title, for the archive's index
    on_attached: Attached | None = None  # e.g. finance chains a voucher into the ledger


PURPOSES_ZH = {
    "minutes": "会议记录",
    "plan": "方案",
    "summary": "总结",
    "photo": "照片",
    "receipt": "签收单/票据",
    "voucher": "记账凭证票据",
    "evidence": "佐证材料",
    "rectification": "整改材料",
    "other": "其他",
}
