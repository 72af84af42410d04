"""The language and sector an organization's texts are written in, as the directory knows them."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Locale:
    language: str = "zh-CN"
    sector: str | None = None  # "education", "enterprise", or not known


async def locale_of(session: AsyncSession, organization_id: str) -> Locale:
    return Locale()
