"""Loading and saving registrations, and the members they are for as the directory knows them."""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.activity_tables import activity_registrations
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.registration_model import ListedRegistration, Registrant, Registration


class RegistrationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def live(self, activity_id: uuid.UUID, member_id: uuid.UUID) -> Registration | None:
        """The member's registration that is not cancelled (there is at most one)."""
        query = select(activity_registrations).where(
            activity_registrations.c.activity_id == activity_id,
            activity_registrations.c.member_id == member_id,
            activity_registrations.c.status != "cancelled",
        )
        row = (await self._session.execute(query)).mappings().first()
        return registration_of(row) if row else None

    async def live_of_member(self, member_id: uuid.UUID, activity_ids: list[uuid.UUID]) -> list[Registration]:
        """The member's registrations that are not cancelled, among these activities."""
        query = select(activity_registrations).where(
            activity_registrations.c.member_id == member_id,
            activity_registrations.c.activity_id.in_(activity_ids),
            activity_registrations.c.status != "cancelled",
        )
        return [registration_of(row) for row in (await self._session.execute(query)).mappings()]

    async def confirmed_among(self, activity_id: uuid.UUID, member_ids: Sequence[uuid.UUID]) -> list[Registration]:
        """The confirmed registrations of these members (those without one are left out)."""
        query = select(activity_registrations).where(
            activity_registrations.c.activity_id == activity_id,
            activity_registrations.c.status == "confirmed",
            activity_registrations.c.member_id.in_(list(member_ids)),
        )
        return [registration_of(row) for row in (await self._session.execute(query)).mappings()]

    async def mark_attended(self, registrations: Sequence[Registration], attended: bool) -> None:
        await self._session.execute(
            update(activity_registrations)
            .where(activity_registrations.c.id.in_([registration.id for registration in registrations]))
            .values(attended=attended)
        )

    async def join_team(self, registrations: Sequence[Registration], team_id: uuid.UUID) -> None:
        await self._session.execute(
            update(activity_registrations)
            .where(activity_registrations.c.id.in_([registration.id for registration in registrations]))
            .values(team_id=team_id)
        )

    async def count(self, activity_id: uuid.UUID, status: str) -> int:
        return (
            await self._session.execute(
                select(func.count()).where(
                    activity_registrations.c.activity_id == activity_id, activity_registrations.c.status == status
                )
            )
        ).scalar_one()

    async def waitlist_position(self, registration: Registration) -> int:
        """Where a waitlisted registration stands: 1 for the first waiting."""
        return (
            await self._session.execute(
                select(func.count()).where(
                    activity_registrations.c.activity_id == registration.activity_id,
                    activity_registrations.c.status == "waitlisted",
                    activity_registrations.c.sequence <= registration.sequence,
                )
            )
        ).scalar_one()

    async def queue(self, activity_id: uuid.UUID, status: str) -> list[ListedRegistration]:
        """The registrations of one status in the order asked, with their members as the directory has them."""
        members, organizations = directory.members, directory.organizations
        query = (
            select(
                activity_registrations,
                members.c.display_name,
                members.c.organization_id,
                organizations.c.path.label("member_path"),
            )
            .select_from(
                activity_registrations.outerjoin(members, members.c.id == activity_registrations.c.member_id).outerjoin(
                    organizations, organizations.c.id == members.c.organization_id
                )
            )
            .where(activity_registrations.c.activity_id == activity_id, activity_registrations.c.status == status)
            .order_by(activity_registrations.c.sequence)
        )
        return [
            ListedRegistration(
                registration_of(row),
                row["display_name"],
                row["organization_id"],
                tuple(row["member_path"]) if row["member_path"] is not None else None,
            )
            for row in (await self._session.execute(query)).mappings()
        ]

    async def add(self, registration: Registration) -> None:
        await self._session.execute(
            insert(activity_registrations).values(
                id=registration.id,
                activity_id=registration.activity_id,
                member_id=registration.member_id,
                sequence=registration.sequence,
                status=registration.status,
                registered_by=registration.registered_by,
            )
        )

    async def cancel(self, registration: Registration, at: dt.datetime) -> None:
        """Cancelled, and out of any team."""
        await self._session.execute(
            update(activity_registrations)
            .where(activity_registrations.c.id == registration.id)
            .values(status="cancelled", cancelled_at=at, team_id=None)
        )

    async def promote(self, waiting: Sequence[Registration], at: dt.datetime) -> None:
        """From the waitlist to a confirmed place."""
        await self._session.execute(
            update(activity_registrations)
            .where(activity_registrations.c.id.in_([registration.id for registration in waiting]))
            .values(status="confirmed", promoted_at=at)
        )


class MemberDirectory:
    """The copy of membership's organizations and members that events keeps."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def member(self, member_id: uuid.UUID) -> Registrant | None:
        """The member with the path of their organization; None if either is not known here."""
        row = (
            (await self._session.execute(select(directory.members).where(directory.members.c.id == member_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        path = await directory.path_of(self._session, row["organization_id"])
        if path is None:
            return None
        return Registrant(
            row["id"],
            row["display_name"],
            row["gender"],
            row["status"],
            row["organization_id"],
            tuple(path),
            row["federation_id"],
        )

    async def names_with_unions(self, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
        """``{id: (name, union's name)}`` for the members known here; an unknown id is left out. The
        union's id stands for its name until the directory has heard of it."""
        wanted = set(member_ids)
        if not wanted:
            return {}
        members, organizations = directory.members, directory.organizations
        query = (
            select(members.c.id, members.c.display_name, func.coalesce(organizations.c.name, members.c.organization_id))
            .join(organizations, organizations.c.id == members.c.organization_id, isouter=True)
            .where(members.c.id.in_(wanted))
        )
        return {row[0]: (row[1], row[2]) for row in await self._session.execute(query)}

    async def names_of(self, organization_ids: Iterable[str]) -> dict[str, str]:
        """The organizations' names by id; one not known here is left out."""
        return await directory.names_of(self._session, organization_ids)

    async def member_names_of(self, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        return await directory.member_names_of(self._session, member_ids)

    async def kind_of(self, organization_id: str) -> str | None:
        return (await directory.kinds_of(self._session, [organization_id])).get(organization_id)

    async def language_of(self, organization_id: str) -> str:
        return await directory.language_of(self._session, organization_id)

    async def path_of(self, organization_id: str) -> list[str] | None:
        return await directory.path_of(self._session, organization_id)

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return await directory.time_zone_of(self._session, organization_id)


def registration_of(row: Any) -> Registration:
    return Registration(**{column.name: row[column.name] for column in activity_registrations.columns})
