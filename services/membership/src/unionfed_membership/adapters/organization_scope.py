"""Membership's own organization tree, as the attachment kit's archive route asks it (the other
services ask their directory copy the same three questions)."""

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.repository import OrganizationRepository
from unionfed_shared import business_time
from unionfed_shared.auth import Principal


class OrganizationTree:
    async def require_in_scope(self, session: AsyncSession, principal: Principal, organization_id: str) -> None:
        organization = await OrganizationRepository(session).get(organization_id)
        principal.require_scope(organization.path if organization else None)

    async def time_zone_of(self, session: AsyncSession, organization_id: str) -> ZoneInfo:
        organization = await OrganizationRepository(session).get(organization_id)
        return organization.zone if organization else business_time.zone(business_time.DEFAULT_TIME_ZONE)

    async def name_of(self, session: AsyncSession, organization_id: str) -> str | None:
        organization = await OrganizationRepository(session).get(organization_id)
        return organization.name if organization else None
