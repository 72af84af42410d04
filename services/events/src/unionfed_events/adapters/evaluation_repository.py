"""Loading and saving democratic evaluations, who was asked, the outside answer codes, the forms
answered; and the 师德 assessments with each year's submission.

Anonymity is kept by the storage (see ``evaluation_tables``): marking a member or a code as having
answered and storing the form are two writes to tables that share nothing but the evaluation's id.
Known limit, as for surveys: both rows are written by one transaction, so a database superuser
reading system columns (xmin) could pair them; nothing in the API or schema can.
"""

import dataclasses
import uuid
from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import any_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.evaluation_tables import (
    ethics_assessments,
    ethics_submissions,
    evaluation_answers,
    evaluation_codes,
    evaluation_staff,
    evaluations,
)
from unionfed_events.adapters.record_chains import chain_ethics_list, chain_evaluation
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.evaluations import (
    EthicsAssessment,
    EthicsSubmission,
    Evaluation,
    EvaluationAnswers,
    FormCounts,
    Subject,
)

STATE_COLUMNS = (
    "status",
    "outside_forms",
    "opened_at",
    "closed_at",
    "submitted_by",
    "submitted_at",
    "submitted_results",
)
orgs = directory.organizations


class EvaluationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, evaluation: Evaluation) -> None:
        values = {k: v for k, v in dataclasses.asdict(evaluation).items() if k != "created_at"}
        await self._session.execute(insert(evaluations).values(**values))

    async def get(
        self, evaluation_id: uuid.UUID, *, lock: Literal["update", "share"] | None = None
    ) -> Evaluation | None:
        query = select(evaluations).where(evaluations.c.id == evaluation_id)
        if lock:
            query = query.with_for_update(read=lock == "share")
        row = (await self._session.execute(query)).first()
        return evaluation_of(row) if row else None

    async def of_organization(self, organization_id: str) -> list[Evaluation]:
        rows = await self._session.execute(
            select(evaluations)
            .where(evaluations.c.organization_id == organization_id)
            .order_by(evaluations.c.created_at.desc())
        )
        return [evaluation_of(row) for row in rows]

    async def submitted_under(self, root_id: str, year: int) -> list[Evaluation]:
        """The year's submitted evaluations of the subtree of ``root_id``, in tree order."""
        rows = await self._session.execute(
            select(evaluations)
            .join(orgs, orgs.c.id == evaluations.c.organization_id)
            .where(
                any_(orgs.c.path) == root_id,
                evaluations.c.year == year,
                evaluations.c.submitted_at.is_not(None),
            )
            .order_by(orgs.c.path, evaluations.c.submitted_at)
        )
        return [evaluation_of(row) for row in rows]

    async def save_state(self, evaluation: Evaluation) -> None:
        await self._session.execute(
            update(evaluations)
            .where(evaluations.c.id == evaluation.id)
            .values({column: getattr(evaluation, column) for column in STATE_COLUMNS})
        )
        await chain_evaluation(self._session, evaluation.id)  # the results submitted upward: chained

    async def add_staff(self, evaluation_id: uuid.UUID, member_ids: Iterable[uuid.UUID]) -> None:
        rows = [{"evaluation_id": evaluation_id, "member_id": m} for m in member_ids]
        if rows:
            await self._session.execute(insert(evaluation_staff), rows)

    async def staff_answered(
        self, evaluation_id: uuid.UUID, member_id: uuid.UUID, *, lock: bool = False
    ) -> bool | None:
        """None: the member was not asked; else whether they answered (``lock``: the row locked)."""
        query = select(evaluation_staff.c.answered).where(
            evaluation_staff.c.evaluation_id == evaluation_id, evaluation_staff.c.member_id == member_id
        )
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return row.answered if row else None

    async def add_codes(self, evaluation_id: uuid.UUID, codes: Iterable[str]) -> None:
        rows = [{"evaluation_id": evaluation_id, "code": c} for c in codes]
        if rows:
            await self._session.execute(insert(evaluation_codes), rows)

    async def codes(self, evaluation_id: uuid.UUID) -> list[tuple[str, bool]]:
        rows = await self._session.execute(
            select(evaluation_codes.c.code, evaluation_codes.c.used)
            .where(evaluation_codes.c.evaluation_id == evaluation_id)
            .order_by(evaluation_codes.c.code)
        )
        return [(r.code, r.used) for r in rows]

    async def code(self, code: str, *, lock: bool = False) -> tuple[uuid.UUID, bool] | None:
        """The evaluation a code was issued for and whether it was used."""
        query = select(evaluation_codes).where(evaluation_codes.c.code == code)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return (row.evaluation_id, row.used) if row else None

    async def record_staff_answers(self, member_id: uuid.UUID, answers: EvaluationAnswers) -> None:
        await self._session.execute(
            update(evaluation_staff)
            .where(evaluation_staff.c.evaluation_id == answers.evaluation_id, evaluation_staff.c.member_id == member_id)
            .values(answered=True)
        )
        await self._session.execute(insert(evaluation_answers).values(**dataclasses.asdict(answers)))

    async def record_code_answers(self, code: str, answers: EvaluationAnswers) -> None:
        await self._session.execute(update(evaluation_codes).where(evaluation_codes.c.code == code).values(used=True))
        await self._session.execute(insert(evaluation_answers).values(**dataclasses.asdict(answers)))

    async def counts(self, evaluation_id: uuid.UUID) -> dict[str, FormCounts]:
        """Issued and returned forms per kind."""
        staff = (
            await self._session.execute(
                select(func.count(), func.count().filter(evaluation_staff.c.answered)).where(
                    evaluation_staff.c.evaluation_id == evaluation_id
                )
            )
        ).one()
        outside = (
            await self._session.execute(
                select(func.count(), func.count().filter(evaluation_codes.c.used)).where(
                    evaluation_codes.c.evaluation_id == evaluation_id
                )
            )
        ).one()
        return {"staff": FormCounts(staff[0], staff[1]), "outside": FormCounts(outside[0], outside[1])}

    async def answers(self, evaluation_id: uuid.UUID) -> list[EvaluationAnswers]:
        rows = await self._session.execute(
            select(evaluation_answers).where(evaluation_answers.c.evaluation_id == evaluation_id)
        )
        return [EvaluationAnswers(**row._mapping) for row in rows]

    async def to_answer(self, member_id: uuid.UUID) -> list[uuid.UUID]:
        """Open evaluations the member was asked to answer and has not."""
        rows = await self._session.execute(
            select(evaluations.c.id)
            .join(evaluation_staff, evaluation_staff.c.evaluation_id == evaluations.c.id)
            .where(
                evaluation_staff.c.member_id == member_id,
                evaluation_staff.c.answered.is_(False),
                evaluations.c.status == "open",
            )
            .order_by(evaluations.c.opened_at)
        )
        return [r.id for r in rows]

    # 师德考核

    async def ethics_of(self, organization_id: str, year: int) -> list[EthicsAssessment]:
        rows = await self._session.execute(
            select(ethics_assessments).where(
                ethics_assessments.c.organization_id == organization_id, ethics_assessments.c.year == year
            )
        )
        return [EthicsAssessment(**row._mapping) for row in rows]

    async def save_ethics(self, assessment: EthicsAssessment) -> None:
        values = {k: v for k, v in dataclasses.asdict(assessment).items() if k != "assessed_at"}
        statement = pg_insert(ethics_assessments).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["organization_id", "year", "member_id"],
                set_={
                    "result": statement.excluded.result,
                    "note": statement.excluded.note,
                    "assessed_by": statement.excluded.assessed_by,
                    "assessed_at": func.now(),
                },
            )
        )

    async def ethics_submission(
        self, organization_id: str, year: int, *, lock: bool = False
    ) -> EthicsSubmission | None:
        query = select(ethics_submissions).where(
            ethics_submissions.c.organization_id == organization_id, ethics_submissions.c.year == year
        )
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return EthicsSubmission(**row._mapping) if row else None

    async def submit_ethics(self, submission: EthicsSubmission) -> None:
        values = {k: v for k, v in dataclasses.asdict(submission).items() if k != "submitted_at"}
        await self._session.execute(insert(ethics_submissions).values(**values))
        await chain_ethics_list(self._session, submission.organization_id, submission.year)  # chained


def evaluation_of(row: Any) -> Evaluation:
    values = {column.name: row._mapping[column.name] for column in evaluations.columns}
    return Evaluation(**{**values, "subjects": tuple(Subject(**s) for s in values["subjects"])})
