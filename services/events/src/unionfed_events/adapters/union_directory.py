"""The directory (events' copy of membership's organizations and members) as the congress, surveys
and nominations read it: an organization with its place in the tree, the active members under one."""

import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import any_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.tables import directory
from unionfed_events.domain.union_directory import GRASSROOTS_UNION, Organization, UnionMember

orgs, members = directory.organizations, directory.members


class UnionDirectory:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def organization(self, organization_id: str) -> Organization | None:
        row = (await self._session.execute(select(orgs).where(orgs.c.id == organization_id))).first()
        if row is None:
            return None
        return Organization(row.id, row.kind, row.parent_id, row.federation_id, tuple(row.path))

    async def path_of(self, organization_id: str) -> list[str] | None:
        return await directory.path_of(self._session, organization_id)

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return await directory.time_zone_of(self._session, organization_id)

    async def grassroots_unions_under(self, root_id: str) -> list[tuple[str, str]]:
        """(id, name) of the grassroots unions in the subtree of ``root_id``, itself included, in tree order."""
        rows = await self._session.execute(
            select(orgs.c.id, orgs.c.name)
            .where(any_(orgs.c.path) == root_id, orgs.c.kind == GRASSROOTS_UNION)
            .order_by(orgs.c.path)
        )
        return [(r.id, r.name) for r in rows]

    async def organization_ids_under(self, root_id: str) -> list[str]:
        """Every organization in the subtree of ``root_id``, itself included."""
        return list(await self._session.scalars(select(orgs.c.id).where(any_(orgs.c.path) == root_id)))

    async def active_members_under(
        self, root_id: str, member_ids: Iterable[uuid.UUID] | None = None
    ) -> list[UnionMember]:
        """Active members of ``root_id`` and the organizations under it, by name."""
        query = (
            select(members.c.id, members.c.display_name, members.c.organization_id, orgs.c.path)
            .join(orgs, orgs.c.id == members.c.organization_id)
            .where(any_(orgs.c.path) == root_id, members.c.status == "active")
            .order_by(members.c.display_name, members.c.id)
        )
        if member_ids is not None:
            query = query.where(members.c.id.in_(list(member_ids)))
        return [
            UnionMember(row.id, row.display_name, row.organization_id, tuple(row.path))
            for row in await self._session.execute(query)
        ]
