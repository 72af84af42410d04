"""The reads behind a congress roll-up over a subtree: its unions, and its proposals counted by session and status.

Counting happens in PostgreSQL (one grouped query for the whole subtree); which counts are
answered or overdue is the domain's rule (``domain.congress.CongressYear``), applied to the groups.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import any_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.congress_tables import congress_proposals, congress_sessions
from unionfed_events.adapters.tables import directory
from unionfed_events.adapters.union_directory import UnionDirectory

orgs = directory.organizations


@dataclass(frozen=True)
class ProposalGroup:
    """The proposals of one session in one status, answered after the deadline or not; a session
    without proposals is one group of ``count`` 0 and ``status`` None. ``answered_at``: the latest
    answer of the group (None when it has none), which tells in time from late."""

    organization_id: str
    session_id: uuid.UUID
    answer_deadline: dt.datetime
    status: str | None
    count: int
    answered_at: dt.datetime | None = None


class CongressRollupQueries:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def unions_under(self, root_id: str) -> list[tuple[str, str]]:
        """(id, name) of the congress-holding unions in the subtree of ``root_id``, itself included, in tree order."""
        return await UnionDirectory(self.session).grassroots_unions_under(root_id)

    async def proposal_groups(self, root_id: str, first_day: dt.date, last_day: dt.date) -> list[ProposalGroup]:
        """Proposals per session and status, for the sessions of the subtree that start between the two days."""
        sessions, proposals = congress_sessions, congress_proposals
        rows = await self.session.execute(
            select(
                sessions.c.organization_id,
                sessions.c.id.label("session_id"),
                sessions.c.answer_deadline,
                proposals.c.status,
                func.count(proposals.c.id).label("count"),
                func.max(proposals.c.answered_at).label("answered_at"),
            )
            .join(orgs, orgs.c.id == sessions.c.organization_id)
            .outerjoin(proposals, proposals.c.session_id == sessions.c.id)
            .where(any_(orgs.c.path) == root_id, sessions.c.starts_on.between(first_day, last_day))
            .group_by(
                sessions.c.organization_id,
                sessions.c.id,
                sessions.c.answer_deadline,
                proposals.c.status,
                proposals.c.answered_at > sessions.c.answer_deadline,
            )
        )
        return [ProposalGroup(**r._mapping) for r in rows]
