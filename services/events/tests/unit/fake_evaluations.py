"""In-memory repository of democratic evaluations and 师德 assessments, for ``fake_unit_of_work``.

Like the real store it keeps who answered (``staff``, ``codes``) apart from what was answered
(``answer_sets``, no member and no code).
"""

import dataclasses
import uuid
from collections.abc import Iterable

from services.events.tests.unit.fake_civic_repositories import STORED_AT, FakeUnions
from unionfed_events.domain.evaluations import (
    EthicsAssessment,
    EthicsSubmission,
    Evaluation,
    EvaluationAnswers,
    FormCounts,
)


class FakeEvaluations:
    def __init__(self, unions: FakeUnions) -> None:
        self._unions = unions
        self.rows: dict[uuid.UUID, Evaluation] = {}
        self.staff: dict[tuple[uuid.UUID, uuid.UUID], bool] = {}
        self.issued: dict[str, tuple[uuid.UUID, bool]] = {}
        self.answer_sets: list[EvaluationAnswers] = []
        self.ethics: dict[tuple[str, int, uuid.UUID], EthicsAssessment] = {}
        self.submissions: dict[tuple[str, int], EthicsSubmission] = {}

    async def add(self, evaluation: Evaluation) -> None:
        self.rows[evaluation.id] = dataclasses.replace(evaluation, created_at=STORED_AT)

    async def get(self, evaluation_id: uuid.UUID, *, lock: str | None = None) -> Evaluation | None:
        return self.rows.get(evaluation_id)

    async def of_organization(self, organization_id: str) -> list[Evaluation]:
        return [e for e in self.rows.values() if e.organization_id == organization_id]

    async def submitted_under(self, root_id: str, year: int) -> list[Evaluation]:
        return [
            e
            for e in self.rows.values()
            if e.submitted_at and e.year == year and root_id in self._unions.organizations[e.organization_id].path
        ]

    async def save_state(self, evaluation: Evaluation) -> None:
        self.rows[evaluation.id] = evaluation

    async def add_staff(self, evaluation_id: uuid.UUID, member_ids: Iterable[uuid.UUID]) -> None:
        for member_id in member_ids:
            self.staff[(evaluation_id, member_id)] = False

    async def staff_answered(
        self, evaluation_id: uuid.UUID, member_id: uuid.UUID, *, lock: bool = False
    ) -> bool | None:
        return self.staff.get((evaluation_id, member_id))

    async def add_codes(self, evaluation_id: uuid.UUID, codes: Iterable[str]) -> None:
        for code in codes:
            self.issued[code] = (evaluation_id, False)

    async def codes(self, evaluation_id: uuid.UUID) -> list[tuple[str, bool]]:
        return sorted((c, used) for c, (e, used) in self.issued.items() if e == evaluation_id)

    async def code(self, code: str, *, lock: bool = False) -> tuple[uuid.UUID, bool] | None:
        return self.issued.get(code)

    async def record_staff_answers(self, member_id: uuid.UUID, answers: EvaluationAnswers) -> None:
        self.staff[(answers.evaluation_id, member_id)] = True
        self.answer_sets.append(answers)

    async def record_code_answers(self, code: str, answers: EvaluationAnswers) -> None:
        self.issued[code] = (answers.evaluation_id, True)
        self.answer_sets.append(answers)

    async def counts(self, evaluation_id: uuid.UUID) -> dict[str, FormCounts]:
        staff = [answered for (e, _), answered in self.staff.items() if e == evaluation_id]
        codes = [used for e, used in self.issued.values() if e == evaluation_id]
        return {"staff": FormCounts(len(staff), sum(staff)), "outside": FormCounts(len(codes), sum(codes))}

    async def answers(self, evaluation_id: uuid.UUID) -> list[EvaluationAnswers]:
        return [a for a in self.answer_sets if a.evaluation_id == evaluation_id]

    async def to_answer(self, member_id: uuid.UUID) -> list[uuid.UUID]:
        return [
            e
            for (e, m), answered in self.staff.items()
            if m == member_id and not answered and self.rows[e].status == "open"
        ]

    async def ethics_of(self, organization_id: str, year: int) -> list[EthicsAssessment]:
        return [a for (o, y, _), a in self.ethics.items() if (o, y) == (organization_id, year)]

    async def save_ethics(self, assessment: EthicsAssessment) -> None:
        key = (assessment.organization_id, assessment.year, assessment.member_id)
        self.ethics[key] = dataclasses.replace(assessment, assessed_at=STORED_AT)

    async def ethics_submission(
        self, organization_id: str, year: int, *, lock: bool = False
    ) -> EthicsSubmission | None:
        return self.submissions.get((organization_id, year))

    async def submit_ethics(self, submission: EthicsSubmission) -> None:
        key = (submission.organization_id, submission.year)
        self.submissions[key] = dataclasses.replace(submission, submitted_at=STORED_AT)
