"""An in-memory events unit of work for the use cases' unit tests (cosmicpython's fake repositories).

The repositories keep what is stored in dictionaries and lists and hand out copies, so a use case
changes what is stored only through their methods; ``emitted`` holds the events that went out with
a commit and ``committed`` says whether it committed (``tests/fake_outbox.py``).
"""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from services.events.tests.unit.fake_civic_repositories import (
    FakeCongressSessions,
    FakeMotions,
    FakeNominations,
    FakeProposals,
    FakeSurveys,
    FakeUnions,
)
from services.events.tests.unit.fake_evaluations import FakeEvaluations
from services.events.tests.unit.fake_improvements import FakeImprovements
from services.events.tests.unit.fake_information import FakeInformation
from services.events.tests.unit.fake_skills import FakeJobPlacements, FakeSkills
from tests.fake_outbox import FakeOutbox
from unionfed_events.domain.activities import Activity
from unionfed_events.domain.activity_budget import BudgetLine, HoldAnswer
from unionfed_events.domain.activity_results import Award, Team
from unionfed_events.domain.registration_model import ListedRegistration, Registrant, Registration
from unionfed_shared import business_time
from unionfed_shared.contracts.finance import MoneyRequestSettledV1

# When the fake store stamps a registration (the database's now()).
STORED_AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


class FakeDirectory:
    def __init__(self) -> None:
        self.paths: dict[str, list[str]] = {}
        self.members: dict[uuid.UUID, Registrant] = {}
        self.kinds: dict[str, str] = {}  # an organization's kind when not a grassroots union

    async def member(self, member_id: uuid.UUID) -> Registrant | None:
        return self.members.get(member_id)

    async def path_of(self, organization_id: str) -> list[str] | None:
        return self.paths.get(organization_id)

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return business_time.DEFAULT_ZONE

    async def language_of(self, organization_id: str) -> str:
        return "zh-CN"

    async def kind_of(self, organization_id: str) -> str | None:
        if organization_id not in self.paths:
            return None
        return self.kinds.get(organization_id, "grassroots_union")

    async def names_with_unions(self, member_ids) -> dict[uuid.UUID, tuple[str, str]]:
        return {i: (m.display_name, m.organization_id) for i, m in self.members.items() if i in set(member_ids)}


class FakeActivities:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Activity] = {}

    async def get(self, activity_id: uuid.UUID, *, lock: bool = False) -> Activity | None:
        """Nothing interleaves in memory, so the lock is nothing."""
        row = self.rows.get(activity_id)
        return dataclasses.replace(row) if row else None

    async def add(self, activity: Activity) -> None:
        self.rows[activity.id] = dataclasses.replace(activity, created_at=STORED_AT)

    async def save_state(self, activity: Activity) -> None:
        self.rows[activity.id] = dataclasses.replace(
            self.rows[activity.id],
            status=activity.status,
            published_at=activity.published_at,
            cancel_reason=activity.cancel_reason,
            cancelled_at=activity.cancelled_at,
            awards_published_on=activity.awards_published_on,
        )

    async def save_sequence(self, activity: Activity) -> None:
        self.rows[activity.id] = dataclasses.replace(self.rows[activity.id], next_sequence=activity.next_sequence)


class FakeBudget:
    def __init__(self) -> None:
        self.lines: dict[uuid.UUID, BudgetLine] = {}
        self.answers: list[HoldAnswer] = []

    async def lines_of(self, activity_id: uuid.UUID) -> list[BudgetLine]:
        found = [line for line in self.lines.values() if line.activity_id == activity_id]
        return [dataclasses.replace(line) for line in sorted(found, key=lambda line: (line.kind, line.label))]

    async def with_hold(self, hold_id: uuid.UUID) -> BudgetLine | None:
        return next((dataclasses.replace(line) for line in self.lines.values() if line.hold_id == hold_id), None)

    async def add(self, lines) -> None:
        for line in lines:
            self.lines[line.id] = dataclasses.replace(line)

    async def save_hold(self, line: BudgetLine) -> None:
        self.lines[line.id] = dataclasses.replace(line, updated_at=STORED_AT)

    async def answers_to(self, line_ids) -> list[HoldAnswer]:
        return [answer for answer in self.answers if answer.budget_item_id in set(line_ids)]

    async def keep_answer(self, settled: MoneyRequestSettledV1, line: BudgetLine) -> bool:
        if any(answer.journal_event_id == settled.journal_event_id for answer in self.answers):
            return False
        self.answers.append(
            HoldAnswer(
                settled.journal_event_id,
                line.id,
                settled.operation,
                settled.outcome,
                settled.reason,
                tuple(settled.warnings),
                STORED_AT,
            )
        )
        return True


class FakeTeams:
    def __init__(self, registrations: "FakeRegistrations") -> None:
        self.rows: dict[uuid.UUID, Team] = {}
        self._registrations = registrations

    async def exists(
        self, activity_id: uuid.UUID, *, name: str | None = None, team_id: uuid.UUID | None = None
    ) -> bool:
        return any(
            t.activity_id == activity_id and name in (None, t.name) and team_id in (None, t.id)
            for t in self.rows.values()
        )

    async def add(self, team: Team) -> None:
        self.rows[team.id] = dataclasses.replace(team, member_ids=())

    async def of_activity(self, activity_id: uuid.UUID) -> list[Team]:
        confirmed = self._registrations.of(activity_id, "confirmed")
        return [
            dataclasses.replace(team, member_ids=tuple(r.member_id for r in confirmed if r.team_id == team.id))
            for team in sorted(self.rows.values(), key=lambda t: t.name)
            if team.activity_id == activity_id
        ]


class FakeAwards:
    def __init__(self, teams: FakeTeams) -> None:
        self.rows: list[Award] = []
        self._teams = teams

    async def add(self, award: Award) -> None:
        self.rows.append(dataclasses.replace(award, recorded_at=STORED_AT))

    async def of_activity(self, activity_id: uuid.UUID) -> list[Award]:
        return [
            dataclasses.replace(a, team_name=self._teams.rows[a.team_id].name if a.team_id else None)
            for a in sorted(self.rows, key=lambda a: a.category)
            if a.activity_id == activity_id
        ]

    async def prize_total(self, activity_id: uuid.UUID) -> int:
        return sum(a.prize_fen for a in self.rows if a.activity_id == activity_id)


class FakeRegistrations:
    def __init__(self, directory: FakeDirectory) -> None:
        self.rows: list[Registration] = []
        self._directory = directory

    def of(self, activity_id: uuid.UUID, status: str | None = None) -> list[Registration]:
        """What is stored for an activity in the order asked (for the tests to read)."""
        return sorted(
            (r for r in self.rows if r.activity_id == activity_id and status in (None, r.status)),
            key=lambda r: r.sequence,
        )

    async def live(self, activity_id: uuid.UUID, member_id: uuid.UUID) -> Registration | None:
        found = [r for r in self.of(activity_id) if r.member_id == member_id and r.status != "cancelled"]
        return dataclasses.replace(found[0]) if found else None

    async def confirmed_among(self, activity_id: uuid.UUID, member_ids) -> list[Registration]:
        return [dataclasses.replace(r) for r in self.of(activity_id, "confirmed") if r.member_id in set(member_ids)]

    async def mark_attended(self, registrations: Sequence[Registration], attended: bool) -> None:
        for registration in registrations:
            self._update(registration.id, attended=attended)

    async def join_team(self, registrations: Sequence[Registration], team_id: uuid.UUID) -> None:
        for registration in registrations:
            self._update(registration.id, team_id=team_id)

    async def count(self, activity_id: uuid.UUID, status: str) -> int:
        return len(self.of(activity_id, status))

    async def waitlist_position(self, registration: Registration) -> int:
        return sum(1 for r in self.of(registration.activity_id, "waitlisted") if r.sequence <= registration.sequence)

    async def queue(self, activity_id: uuid.UUID, status: str) -> list[ListedRegistration]:
        listed = []
        for row in self.of(activity_id, status):
            member = self._directory.members.get(row.member_id)
            listed.append(
                ListedRegistration(
                    dataclasses.replace(row),
                    member.display_name if member else None,
                    member.organization_id if member else None,
                    member.path if member else None,
                )
            )
        return listed

    async def add(self, registration: Registration) -> None:
        self.rows.append(dataclasses.replace(registration, registered_at=STORED_AT))

    async def cancel(self, registration: Registration, at: dt.datetime) -> None:
        self._update(registration.id, status="cancelled", cancelled_at=at, team_id=None)

    async def promote(self, waiting: Sequence[Registration], at: dt.datetime) -> None:
        for registration in waiting:
            self._update(registration.id, status="confirmed", promoted_at=at)

    def _update(self, registration_id: uuid.UUID, **values: object) -> None:
        [index] = [i for i, r in enumerate(self.rows) if r.id == registration_id]
        self.rows[index] = dataclasses.replace(self.rows[index], **values)


@dataclasses.dataclass
class FakeUnitOfWork(FakeOutbox):
    directory: FakeDirectory = dataclasses.field(default_factory=FakeDirectory)
    activities: FakeActivities = dataclasses.field(default_factory=FakeActivities)
    budget: FakeBudget = dataclasses.field(default_factory=FakeBudget)
    registrations: FakeRegistrations = dataclasses.field(init=False)
    teams: FakeTeams = dataclasses.field(init=False)
    awards: FakeAwards = dataclasses.field(init=False)
    # The staff congress, surveys and nominations
    unions: FakeUnions = dataclasses.field(default_factory=FakeUnions)
    proposals: FakeProposals = dataclasses.field(default_factory=FakeProposals)
    motions: FakeMotions = dataclasses.field(default_factory=FakeMotions)
    surveys: FakeSurveys = dataclasses.field(default_factory=FakeSurveys)
    congress_sessions: FakeCongressSessions = dataclasses.field(init=False)
    nominations: FakeNominations = dataclasses.field(init=False)
    improvements: FakeImprovements = dataclasses.field(init=False)
    skills: FakeSkills = dataclasses.field(init=False)
    job_placements: FakeJobPlacements = dataclasses.field(init=False)
    information: FakeInformation = dataclasses.field(init=False)
    evaluations: FakeEvaluations = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.registrations = FakeRegistrations(self.directory)
        self.teams = FakeTeams(self.registrations)
        self.awards = FakeAwards(self.teams)
        self.congress_sessions = FakeCongressSessions(self.unions)
        self.nominations = FakeNominations(self.unions)
        self.improvements = FakeImprovements(self.unions)
        self.skills = FakeSkills(self.unions, self.activities)
        self.job_placements = FakeJobPlacements(self.unions)
        self.information = FakeInformation(self.unions)
        self.evaluations = FakeEvaluations(self.unions)

    def sharing_store(self) -> "FakeUnitOfWork":
        """A fresh transaction over the same stored rows."""
        again = FakeUnitOfWork(directory=self.directory, activities=self.activities, budget=self.budget)
        again.registrations, again.teams, again.awards = self.registrations, self.teams, self.awards
        return again
