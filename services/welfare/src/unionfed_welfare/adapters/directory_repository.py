"""The organizations and members welfare knows from membership's events, read by the use cases."""

import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.auth import Principal
from unionfed_shared.contracts.membership import Language
from unionfed_shared.organization_locale import OrganizationLocale
from unionfed_welfare.adapters.tables import directory


class DirectoryRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def path_of(self, organization_id: str) -> list[str] | None:
        return await directory.path_of(self._session, organization_id)

    async def name_of(self, organization_id: str) -> str | None:
        return await directory.name_of(self._session, organization_id)

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return await directory.time_zone_of(self._session, organization_id)

    async def language_of(self, organization_id: str) -> Language:
        return await directory.language_of(self._session, organization_id)

    async def locale_of(self, organization_id: str) -> OrganizationLocale:
        """The federation's language and the union's sector: the words of its books."""
        return await directory.locale_of(self._session, organization_id)

    async def require_in_scope(self, principal: Principal, organization_id: str) -> None:
        await directory.require_in_scope(self._session, principal, organization_id)

    async def member(self, member_id: uuid.UUID) -> dict | None:
        """The member's card (id, organization, federation, name …), or None."""
        row = (
            (await self._session.execute(select(directory.members).where(directory.members.c.id == member_id)))
            .mappings()
            .first()
        )
        return dict(row) if row else None
