"""What awaits one member in self-service: the surveys sent to them and the proposals they may second."""

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.congress_tables import (
    congress_proposals,
    congress_representatives,
    congress_sessions,
    survey_recipients,
    surveys,
)


class MemberInbox:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def surveys_to_answer(self, member_id: uuid.UUID) -> list[uuid.UUID]:
        """Surveys sent to the member, still open, that they have not answered, oldest first."""
        ids = await self._session.scalars(
            select(surveys.c.id)
            .join(survey_recipients, survey_recipients.c.survey_id == surveys.c.id)
            .where(
                survey_recipients.c.member_id == member_id,
                survey_recipients.c.responded.is_(False),
                surveys.c.status == "sent",
            )
            .order_by(surveys.c.sent_at, surveys.c.id)
        )
        return list(ids)

    async def proposals_before(self, member_id: uuid.UUID, statuses: Sequence[str]) -> list[uuid.UUID]:
        """Proposals in these statuses of the sessions the member represents, by session date and number."""
        ids = await self._session.scalars(
            select(congress_proposals.c.id)
            .join(congress_sessions, congress_sessions.c.id == congress_proposals.c.session_id)
            .join(
                congress_representatives,
                and_(
                    congress_representatives.c.session_id == congress_sessions.c.id,
                    congress_representatives.c.member_id == member_id,
                ),
            )
            .where(congress_proposals.c.status.in_(list(statuses)))
            .order_by(congress_sessions.c.starts_on, congress_proposals.c.number)
        )
        return list(ids)
