"""Loading and saving an activity's teams and awards."""

import uuid
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.activity_tables import activity_awards, activity_registrations, activity_teams
from unionfed_events.domain.activity_results import Award, Team


class TeamRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def exists(
        self, activity_id: uuid.UUID, *, name: str | None = None, team_id: uuid.UUID | None = None
    ) -> bool:
        """Whether the activity has a team of this name, or with this id."""
        query = select(activity_teams.c.id).where(activity_teams.c.activity_id == activity_id)
        if name is not None:
            query = query.where(activity_teams.c.name == name)
        if team_id is not None:
            query = query.where(activity_teams.c.id == team_id)
        return await self._session.scalar(query) is not None

    async def add(self, team: Team) -> None:
        await self._session.execute(
            insert(activity_teams).values(id=team.id, activity_id=team.activity_id, name=team.name)
        )

    async def of_activity(self, activity_id: uuid.UUID) -> list[Team]:
        """The teams by name, each with its members holding confirmed places in the order they asked."""
        query = (
            select(activity_teams.c.id, activity_teams.c.name, activity_registrations.c.member_id)
            .select_from(
                activity_teams.outerjoin(
                    activity_registrations,
                    (activity_registrations.c.team_id == activity_teams.c.id)
                    & (activity_registrations.c.status == "confirmed"),
                )
            )
            .where(activity_teams.c.activity_id == activity_id)
            .order_by(activity_teams.c.name, activity_registrations.c.sequence)
        )
        names: dict[uuid.UUID, str] = {}
        members: dict[uuid.UUID, list[uuid.UUID]] = {}
        for row in await self._session.execute(query):
            names.setdefault(row.id, row.name)
            found = members.setdefault(row.id, [])
            if row.member_id is not None:
                found.append(row.member_id)
        return [Team(team_id, activity_id, name, tuple(members[team_id])) for team_id, name in names.items()]


class AwardRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, award: Award) -> None:
        await self._session.execute(
            insert(activity_awards).values(
                id=award.id,
                activity_id=award.activity_id,
                category=award.category,
                level=award.level,
                member_id=award.member_id,
                team_id=award.team_id,
                result=award.result,
                prize_fen=award.prize_fen,
                recorded_by=award.recorded_by,
            )
        )

    async def of_activity(self, activity_id: uuid.UUID) -> list[Award]:
        """The awards by category in the order recorded, a team's with the team's name."""
        query = (
            select(activity_awards, activity_teams.c.name.label("team_name"))
            .select_from(activity_awards.outerjoin(activity_teams, activity_teams.c.id == activity_awards.c.team_id))
            .where(activity_awards.c.activity_id == activity_id)
            .order_by(activity_awards.c.category, activity_awards.c.recorded_at)
        )
        return [_award_of(row) for row in (await self._session.execute(query)).mappings()]

    async def prize_total(self, activity_id: uuid.UUID) -> int:
        """The prize money awarded so far."""
        return (
            await self._session.execute(
                select(func.coalesce(func.sum(activity_awards.c.prize_fen), 0)).where(
                    activity_awards.c.activity_id == activity_id
                )
            )
        ).scalar_one()


def _award_of(row: Any) -> Award:
    return Award(**{column.name: row[column.name] for column in activity_awards.columns}, team_name=row["team_name"])
