"""Loading and saving surveys, who they were sent to, and what was answered.

Anonymity is kept by the storage: ``survey_recipients`` says who was asked and whether they
answered; ``survey_responses`` holds the answers under a random id, with the respondent's branch
of the scope and nothing else (no member, no time), so no query can join one to the other.
Known limit: both rows are written by one transaction, so a database superuser reading system
columns (xmin) could pair them; nothing in the API or schema can.
"""

import dataclasses
import uuid
from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.congress_tables import survey_recipients, survey_responses, surveys
from unionfed_events.domain.surveys import Answers, Question, Recipient, Survey

# What changes of a survey once drafted: it is sent, then closed.
STATE_COLUMNS = ("status", "sent_by", "sent_at", "closed_by", "closed_at")


class SurveyRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, survey: Survey) -> None:
        values = {k: v for k, v in dataclasses.asdict(survey).items() if k != "created_at"}
        await self._session.execute(insert(surveys).values(**values))

    async def get(self, survey_id: uuid.UUID, *, lock: Literal["update", "share"] | None = None) -> Survey | None:
        """``lock="update"`` while its state changes; ``"share"`` while it is answered, so answers
        are taken by many at once but not while it is being closed."""
        query = select(surveys).where(surveys.c.id == survey_id)
        if lock:
            query = query.with_for_update(read=lock == "share")
        row = (await self._session.execute(query)).first()
        return survey_of(row) if row else None

    async def of_organization(self, organization_id: str) -> list[Survey]:
        rows = await self._session.execute(
            select(surveys).where(surveys.c.organization_id == organization_id).order_by(surveys.c.created_at)
        )
        return [survey_of(row) for row in rows]

    async def save_state(self, survey: Survey) -> None:
        await self._session.execute(
            update(surveys)
            .where(surveys.c.id == survey.id)
            .values({column: getattr(survey, column) for column in STATE_COLUMNS})
        )

    async def add_recipients(self, recipients: Iterable[Recipient]) -> None:
        rows = [dataclasses.asdict(r) for r in recipients]
        if rows:
            await self._session.execute(insert(survey_recipients), rows)

    async def recipient(self, survey_id: uuid.UUID, member_id: uuid.UUID, *, lock: bool = False) -> Recipient | None:
        """``lock``: the row locked, so a recipient's two answers at once are taken one after the other."""
        query = select(survey_recipients).where(
            survey_recipients.c.survey_id == survey_id, survey_recipients.c.member_id == member_id
        )
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return Recipient(**row._mapping) if row else None

    async def counts(self, survey_id: uuid.UUID) -> tuple[int, int]:
        """How many were asked, and how many of them answered."""
        row = (
            await self._session.execute(
                select(func.count(), func.count().filter(survey_recipients.c.responded)).where(
                    survey_recipients.c.survey_id == survey_id
                )
            )
        ).one()
        return row[0], row[1]

    async def record_answers(self, recipient: Recipient, answers: Answers) -> None:
        """The recipient marked as having answered, and the answers kept apart from them."""
        await self._session.execute(
            update(survey_recipients)
            .where(
                survey_recipients.c.survey_id == recipient.survey_id,
                survey_recipients.c.member_id == recipient.member_id,
            )
            .values(responded=True)
        )
        await self._session.execute(insert(survey_responses).values(**dataclasses.asdict(answers)))

    async def answers(self, survey_id: uuid.UUID) -> list[Answers]:
        rows = await self._session.execute(select(survey_responses).where(survey_responses.c.survey_id == survey_id))
        return [Answers(**row._mapping) for row in rows]


def survey_of(row: Any) -> Survey:
    values = {column.name: row._mapping[column.name] for column in surveys.columns}
    questions = tuple(Question(**{**q, "options": tuple(q["options"])}) for q in values["questions"])
    return Survey(**{**values, "questions": questions})
