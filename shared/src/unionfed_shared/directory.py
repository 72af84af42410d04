"""A consuming service's read model of the organization tree and its members.

Membership owns these facts; every other service keeps this copy, fed by membership's events,
to scope each request to the caller's subtree and to know who the members are.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import ARRAY, Column, Date, Integer, MetaData, Table, Text, Uuid, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared import business_time
from unionfed_shared.auth import Principal
from unionfed_shared.caller import CurrentPrincipal, CurrentRuntime
from unionfed_shared.contracts.membership import (
    DEFAULT_LANGUAGE,
    Language,
    MemberJoinedV1,
    MemberStatusChangedV1,
    MemberTransferredV1,
    OrganizationMovedV1,
    OrganizationRegisteredV1,
)
from unionfed_shared.messaging.consumer import Delivery
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_shared.organization_locale import DEFAULT_LOCALE, OrganizationLocale, read_locale


class Directory:
    def __init__(self, metadata: MetaData):
        self.organizations = Table(
            "directory_organizations",
            metadata,
            Column("id", Text, primary_key=True),
            Column("federation_id", Text, nullable=False),
            Column("parent_id", Text),
            Column("name", Text, nullable=False),
            Column("kind", Text, nullable=False),
            Column("path", ARRAY(Text), nullable=False),
            # The federation's time zone and language (the same on every row of a tree), and
            # the organization's own sector (null: its nearest ancestor's).
            Column("time_zone", Text, nullable=False, server_default=business_time.DEFAULT_TIME_ZONE),
            Column("language", Text, nullable=False, server_default=DEFAULT_LANGUAGE),
            Column("sector", Text),
        )
        self.members = Table(
            "directory_members",
            metadata,
            Column("id", Uuid, primary_key=True),
            Column("organization_id", Text, nullable=False, index=True),
            Column("federation_id", Text, nullable=False),
            Column("display_name", Text, nullable=False),
            Column("gender", Text, nullable=False),
            Column("joined_on", Date, nullable=False),
            Column("status", Text, nullable=False),
            # The member_version of the newest change applied: older ones arriving late are ignored.
            Column("version", Integer, nullable=False, server_default="0"),
        )
        # organization -> its federation's (time zone, language): set at the founding, never changed.
        self._federation_settings: dict[str, tuple[ZoneInfo, Language]] = {}

    # Event handlers. Each is idempotent, and none relies on events keyed by different
    # organizations (hence on different partitions) arriving in the order they were emitted:
    #  - a path is derived from the parent's row when it is known, and every change of an
    #    organization's path is carried down to the rows under it, so the tree converges;
    #  - a member's row changes only while it still shows the union the change happened in:
    #    a status change from the old union arriving after the transfer is already part of the
    #    status the transfer carried; a transfer arriving before the join creates the row and
    #    the late join leaves it alone.

    async def on_organization_registered(
        self, uow: UnitOfWork, event: OrganizationRegisteredV1, _delivery: Delivery
    ) -> None:
        parent_path = await self.path_of(uow.session, event.parent_id) if event.parent_id else None
        path = [*parent_path, event.organization_id] if parent_path else event.path
        values = {
            "id": event.organization_id,
            "federation_id": event.federation_id,
            "parent_id": event.parent_id,
            "name": event.name,
            "kind": event.kind,
            "path": path,
            "time_zone": event.time_zone,
            "language": event.language,
            "sector": event.sector,
        }
        statement = pg_insert(self.organizations).values(**values)
        # A move already applied to this row is newer than its registration: keep its parent.
        keep = {k: v for k, v in values.items() if k not in ("parent_id", "path")}
        await uow.session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=keep))
        current = await self.path_of(uow.session, event.organization_id)
        assert current is not None  # the row was just written
        await self._reroot(uow.session, event.organization_id, current)

    async def on_organization_moved(self, uow: UnitOfWork, event: OrganizationMovedV1, _delivery: Delivery) -> None:
        parent_path = await self.path_of(uow.session, event.new_parent_id)
        path = [*parent_path, event.organization_id] if parent_path else event.new_path
        await uow.session.execute(
            update(self.organizations)
            .where(self.organizations.c.id == event.organization_id)
            .values(parent_id=event.new_parent_id)
        )
        await self._reroot(uow.session, event.organization_id, path)

    async def _reroot(self, session: AsyncSession, organization_id: str, path: list[str]) -> None:
        """Give ``organization_id`` and everything under it ``path`` as the head of their paths."""
        column = self.organizations.c.path
        position = func.array_position(column, literal(organization_id, Text))
        tail = column[position + 1 : func.array_length(column, 1)]
        await session.execute(
            update(self.organizations)
            .where(column.any_() == organization_id)
            .values(path=func.array_cat(literal(path, ARRAY(Text)), tail))
        )

    async def on_member_joined(self, uow: UnitOfWork, event: MemberJoinedV1, _delivery: Delivery) -> None:
        values = _member_card(event, status="active")
        # A row already there came from this event or from a later change: keep it.
        await uow.session.execute(pg_insert(self.members).values(**values).on_conflict_do_nothing())

    async def on_members_joined(self, session: AsyncSession, events: Iterable[MemberJoinedV1]) -> None:
        """``on_member_joined`` for a batch's joinings at once: one statement, executed for every card.

        Any order of a member's joining and later changes gives the same row (the join keeps what is
        there, a change applies over a lower version), so applying a batch's joinings first is safe.
        """
        cards = [_member_card(event, status="active") for event in events]
        if cards:
            # executemany, not a multi-row VALUES: SQLAlchemy compiled a 4,000-row VALUES anew for
            # every batch, half a rebuild's CPU when it replayed a 100,000-member federation's roster.
            await session.execute(pg_insert(self.members).on_conflict_do_nothing(), cards)

    async def on_member_transferred(self, uow: UnitOfWork, event: MemberTransferredV1, _delivery: Delivery) -> bool:
        """Apply the transfer unless a newer change of the member is already applied; True if applied."""
        values = _member_card(event, status=event.status)
        statement = pg_insert(self.members).values(**values)
        applied = await uow.session.scalar(
            statement.on_conflict_do_update(
                index_elements=["id"],
                set_={
                    "organization_id": event.organization_id,
                    "status": event.status,
                    "version": event.member_version,
                },
                where=self.members.c.version < event.member_version,
            ).returning(self.members.c.id)
        )
        return applied is not None

    async def on_member_status_changed(
        self, uow: UnitOfWork, event: MemberStatusChangedV1, _delivery: Delivery
    ) -> None:
        # The row exists: a status change travels keyed by the member's union, behind the joining
        # or the transfer that put the member there.
        await uow.session.execute(
            update(self.members)
            .where(self.members.c.id == event.member_id, self.members.c.version < event.member_version)
            .values(status=event.status, version=event.member_version)
        )

    def handlers(self) -> dict:
        return {
            OrganizationRegisteredV1: self.on_organization_registered,
            OrganizationMovedV1: self.on_organization_moved,
            MemberJoinedV1: self.on_member_joined,
            MemberTransferredV1: self.on_member_transferred,
            MemberStatusChangedV1: self.on_member_status_changed,
        }

    # Queries

    def on(self, session: AsyncSession) -> "DirectoryReader":
        """The queries below on one session: what a service's unit of work holds as ``directory``."""
        return DirectoryReader(self, session)

    async def path_of(self, session: AsyncSession, organization_id: str) -> list[str] | None:
        return await session.scalar(select(self.organizations.c.path).where(self.organizations.c.id == organization_id))

    async def name_of(self, session: AsyncSession, organization_id: str) -> str | None:
        """The organization's name as registered (what a printed form is headed with); None if unknown."""
        return (await self.names_of(session, [organization_id])).get(organization_id)

    async def locale_of(self, session: AsyncSession, organization_id: str) -> OrganizationLocale:
        """The organization's federation time zone and language, and its (inherited) sector.

        One indexed query. An organization this copy has not heard of yet gets the defaults
        (Asia/Shanghai, zh-CN, no sector), as organizations registered before locales had.
        """
        return await read_locale(session, self.organizations, organization_id)

    async def time_zone_of(self, session: AsyncSession, organization_id: str) -> ZoneInfo:
        """The time zone the organization's business dates are in (see :meth:`locale_of`)."""
        return (await self._federation_settings_of(session, organization_id))[0]

    async def language_of(self, session: AsyncSession, organization_id: str) -> Language:
        """The language of the organization's federation (see :meth:`locale_of`)."""
        return (await self._federation_settings_of(session, organization_id))[1]

    async def _federation_settings_of(self, session: AsyncSession, organization_id: str) -> tuple[ZoneInfo, Language]:
        """Remembered once read: a federation's zone and language are set at its founding and never
        change, and an organization never leaves its federation. An organization not known yet is
        not remembered, so it gets its real settings once its registration has arrived.
        """
        settings = self._federation_settings.get(organization_id)
        if settings is None:
            row = (
                await session.execute(
                    select(self.organizations.c.time_zone, self.organizations.c.language).where(
                        self.organizations.c.id == organization_id
                    )
                )
            ).first()
            if row is None:
                return DEFAULT_LOCALE.time_zone, DEFAULT_LOCALE.language
            settings = self._federation_settings[organization_id] = (business_time.zone(row.time_zone), row.language)
        return settings

    async def kinds_of(self, session: AsyncSession, organization_ids: list[str]) -> dict[str, str]:
        query = select(self.organizations.c.id, self.organizations.c.kind).where(
            self.organizations.c.id.in_(organization_ids)
        )
        return {row.id: row.kind for row in await session.execute(query)}

    async def names_of(self, session: AsyncSession, organization_ids: Iterable[str]) -> dict[str, str]:
        """The organizations' names by id; one this copy has not heard of is left out."""
        query = select(self.organizations.c.id, self.organizations.c.name).where(
            self.organizations.c.id.in_(list(organization_ids))
        )
        return {row.id: row.name for row in await session.execute(query)}

    async def member_names_of(self, session: AsyncSession, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        query = select(self.members.c.id, self.members.c.display_name).where(self.members.c.id.in_(list(member_ids)))
        return {row.id: row.display_name for row in await session.execute(query)}

    async def require_in_scope(self, session: AsyncSession, principal: Principal, organization_id: str) -> None:
        principal.require_scope(await self.path_of(session, organization_id))

    async def members_of(self, session: AsyncSession, organization_id: str) -> list[dict]:
        query = (
            select(self.members)
            .where(self.members.c.organization_id == organization_id)
            .order_by(self.members.c.display_name, self.members.c.id)
        )
        return [dict(row._mapping) for row in await session.execute(query)]

    def router(self, tag: str) -> APIRouter:
        """``GET /v1/organizations/{id}/members``: this service's view of the roster."""
        router = APIRouter(prefix="/v1", tags=[tag])

        @router.get("/organizations/{organization_id}/members", response_model=list[DirectoryMember])
        async def members(
            organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
        ) -> list[DirectoryMember]:
            async with runtime.session_factory() as session:
                await self.require_in_scope(session, principal, organization_id)
                return [DirectoryMember(**row) for row in await self.members_of(session, organization_id)]

        return router


def _member_card(event: MemberJoinedV1 | MemberTransferredV1, status: str) -> dict:
    """The directory's row for a member, from either event that carries the whole card."""
    return {
        "id": event.member_id,
        "organization_id": event.organization_id,
        "federation_id": event.federation_id,
        "display_name": event.display_name,
        "gender": event.gender,
        "joined_on": event.joined_on,
        "status": status,
        "version": event.member_version,
    }


class DirectoryReader:
    """A :class:`Directory`'s queries on one session, so that a use case asks ``uow.directory``
    and never hands the session on."""

    def __init__(self, directory: Directory, session: AsyncSession):
        self._directory = directory
        self._session = session

    async def path_of(self, organization_id: str) -> list[str] | None:
        return await self._directory.path_of(self._session, organization_id)

    async def apply_joinings(self, events: Iterable[MemberJoinedV1]) -> None:
        """A batch's member joinings written at once (what a consumer's prefetch may do)."""
        await self._directory.on_members_joined(self._session, events)

    async def name_of(self, organization_id: str) -> str | None:
        return await self._directory.name_of(self._session, organization_id)

    async def locale_of(self, organization_id: str) -> OrganizationLocale:
        return await self._directory.locale_of(self._session, organization_id)

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return await self._directory.time_zone_of(self._session, organization_id)

    async def language_of(self, organization_id: str) -> Language:
        return await self._directory.language_of(self._session, organization_id)

    async def kinds_of(self, organization_ids: list[str]) -> dict[str, str]:
        return await self._directory.kinds_of(self._session, organization_ids)

    async def names_of(self, organization_ids: Iterable[str]) -> dict[str, str]:
        return await self._directory.names_of(self._session, organization_ids)

    async def member_names_of(self, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        return await self._directory.member_names_of(self._session, member_ids)

    async def require_in_scope(self, principal: Principal, organization_id: str) -> None:
        await self._directory.require_in_scope(self._session, principal, organization_id)


class DirectoryMember(BaseModel):
    id: uuid.UUID
    organization_id: str
    display_name: str
    gender: Literal["female", "male"]
    joined_on: dt.date
    status: str
