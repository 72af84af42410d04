"""In-memory repositories of the staff congress, surveys and nominations, for ``fake_unit_of_work``.

The repositories keep what is stored in dictionaries and hand out copies (frozen dataclasses), so a
use case changes what is stored only through their methods.
"""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from unionfed_events.domain.congress import VOTE_CLOSED, Choice, CongressSession, Motion, Proposal, Representative
from unionfed_events.domain.nominations import REJECTED, Nomination
from unionfed_events.domain.surveys import Answers, Recipient, Survey
from unionfed_events.domain.union_directory import Organization, UnionMember
from unionfed_shared import business_time

# When the fake store stamps a row (the database's now()).
STORED_AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


class FakeUnions:
    def __init__(self) -> None:
        self.organizations: dict[str, Organization] = {}
        self.active: list[UnionMember] = []

    def add_organization(self, id: str, kind: str, parent_id: str | None) -> Organization:
        path = (*self.organizations[parent_id].path, id) if parent_id else (id,)
        organization = Organization(id, kind, parent_id, path[0], path)
        self.organizations[id] = organization
        return organization

    def add_member(self, name: str, organization_id: str) -> UnionMember:
        member = UnionMember(uuid.uuid4(), name, organization_id, self.organizations[organization_id].path)
        self.active.append(member)
        return member

    async def organization(self, organization_id: str) -> Organization | None:
        return self.organizations.get(organization_id)

    async def path_of(self, organization_id: str) -> list[str] | None:
        found = self.organizations.get(organization_id)
        return list(found.path) if found else None

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return business_time.DEFAULT_ZONE

    async def grassroots_unions_under(self, root_id: str) -> list[tuple[str, str]]:
        found = [o for o in self.organizations.values() if root_id in o.path and o.kind == "grassroots_union"]
        return [(o.id, o.id) for o in sorted(found, key=lambda o: o.path)]

    async def active_members_under(
        self, root_id: str, member_ids: Iterable[uuid.UUID] | None = None
    ) -> list[UnionMember]:
        wanted = set(member_ids) if member_ids is not None else None
        found = [m for m in self.active if root_id in m.path and (wanted is None or m.id in wanted)]
        return sorted(found, key=lambda m: (m.display_name, m.id))


class FakeCongressSessions:
    def __init__(self, unions: FakeUnions) -> None:
        self.rows: dict[uuid.UUID, CongressSession] = {}
        self.representatives_of: dict[uuid.UUID, set[uuid.UUID]] = {}
        self._unions = unions

    async def add(self, planned: CongressSession) -> CongressSession | None:
        key = (planned.organization_id, planned.kind, planned.congress_number, planned.session_number)
        if any((s.organization_id, s.kind, s.congress_number, s.session_number) == key for s in self.rows.values()):
            return None
        self.rows[planned.id] = dataclasses.replace(planned, created_at=STORED_AT)
        return self.rows[planned.id]

    async def get(self, session_id: uuid.UUID, *, lock: bool = False) -> CongressSession | None:
        return self.rows.get(session_id)

    async def of_organization(self, organization_id: str) -> list[CongressSession]:
        found = [s for s in self.rows.values() if s.organization_id == organization_id]
        return sorted(found, key=lambda s: (s.congress_number, s.session_number))

    async def add_representatives(self, session_id: uuid.UUID, member_ids: Iterable[uuid.UUID], by: str) -> None:
        self.representatives_of.setdefault(session_id, set()).update(member_ids)

    async def representatives(self, session_id: uuid.UUID) -> list[Representative]:
        named = [m for m in self._unions.active if m.id in self.representatives_of.get(session_id, set())]
        return [
            Representative(m.id, m.display_name, m.organization_id) for m in sorted(named, key=lambda m: m.display_name)
        ]

    async def is_representative(self, session_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        return member_id in self.representatives_of.get(session_id, set())


class FakeProposals:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Proposal] = {}

    async def next_number(self, session_id: uuid.UUID) -> int:
        return 1 + max((p.number for p in self.rows.values() if p.session_id == session_id), default=0)

    async def add(self, proposal: Proposal) -> None:
        self.rows[proposal.id] = dataclasses.replace(proposal, created_at=STORED_AT, seconders=())

    async def get(self, proposal_id: uuid.UUID, *, lock: bool = False) -> Proposal | None:
        return self.rows.get(proposal_id)

    async def of_session(self, session_id: uuid.UUID) -> list[Proposal]:
        return sorted((p for p in self.rows.values() if p.session_id == session_id), key=lambda p: p.number)

    async def add_seconder(self, proposal_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        proposal = self.rows[proposal_id]
        if member_id in proposal.seconders:
            return False
        self.rows[proposal_id] = dataclasses.replace(proposal, seconders=(*proposal.seconders, member_id))
        return True

    async def mark_submitted(self, proposal_id: uuid.UUID, status: str, at: dt.datetime) -> None:
        self.rows[proposal_id] = dataclasses.replace(self.rows[proposal_id], status=status, submitted_at=at)

    async def save_answer(self, proposal: Proposal) -> None:
        stored = self.rows[proposal.id]
        self.rows[proposal.id] = dataclasses.replace(proposal, seconders=stored.seconders, created_at=stored.created_at)


class FakeMotions:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Motion] = {}
        self.attendance: set[tuple[uuid.UUID, uuid.UUID]] = set()
        self.voted: set[tuple[uuid.UUID, uuid.UUID]] = set()  # who voted, never how: as the store keeps it

    async def add(self, motion: Motion, present: Iterable[uuid.UUID]) -> None:
        self.rows[motion.id] = dataclasses.replace(motion, created_at=STORED_AT)
        self.attendance.update((motion.id, m) for m in present)

    async def get(self, motion_id: uuid.UUID, *, lock: bool = False) -> Motion | None:
        return self.rows.get(motion_id)

    async def of_session(self, session_id: uuid.UUID) -> list[Motion]:
        return [m for m in self.rows.values() if m.session_id == session_id]

    async def is_present(self, motion_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        return (motion_id, member_id) in self.attendance

    async def cast(self, motion_id: uuid.UUID, member_id: uuid.UUID, choice: Choice) -> bool:
        if (motion_id, member_id) in self.voted:
            return False
        self.voted.add((motion_id, member_id))
        column = {Choice.FOR: "votes_for", Choice.AGAINST: "votes_against", Choice.ABSTAIN: "votes_abstain"}[choice]
        motion = self.rows[motion_id]
        self.rows[motion_id] = dataclasses.replace(motion, **{column: getattr(motion, column) + 1})
        return True

    async def ballots_cast(self, motion_id: uuid.UUID) -> int:
        return sum(1 for motion, _ in self.voted if motion == motion_id)

    async def close(self, motion_id: uuid.UUID, result: str, by: str, at: dt.datetime) -> None:
        self.rows[motion_id] = dataclasses.replace(
            self.rows[motion_id], status=VOTE_CLOSED, result=result, closed_by=by, closed_at=at
        )


class FakeSurveys:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Survey] = {}
        self.recipients: dict[tuple[uuid.UUID, uuid.UUID], Recipient] = {}
        self.answer_sets: list[Answers] = []

    async def add(self, survey: Survey) -> None:
        self.rows[survey.id] = dataclasses.replace(survey, created_at=STORED_AT)

    async def get(self, survey_id: uuid.UUID, *, lock: str | None = None) -> Survey | None:
        return self.rows.get(survey_id)

    async def of_organization(self, organization_id: str) -> list[Survey]:
        return [s for s in self.rows.values() if s.organization_id == organization_id]

    async def save_state(self, survey: Survey) -> None:
        self.rows[survey.id] = survey

    async def add_recipients(self, recipients: Iterable[Recipient]) -> None:
        for r in recipients:
            self.recipients[(r.survey_id, r.member_id)] = r

    async def recipient(self, survey_id: uuid.UUID, member_id: uuid.UUID, *, lock: bool = False) -> Recipient | None:
        return self.recipients.get((survey_id, member_id))

    async def counts(self, survey_id: uuid.UUID) -> tuple[int, int]:
        asked = [r for (s, _), r in self.recipients.items() if s == survey_id]
        return len(asked), sum(r.responded for r in asked)

    async def record_answers(self, recipient: Recipient, answers: Answers) -> None:
        self.recipients[(recipient.survey_id, recipient.member_id)] = dataclasses.replace(recipient, responded=True)
        self.answer_sets.append(answers)

    async def answers(self, survey_id: uuid.UUID) -> list[Answers]:
        return [a for a in self.answer_sets if a.survey_id == survey_id]


class FakeNominations:
    def __init__(self, unions: FakeUnions) -> None:
        self.rows: dict[uuid.UUID, Nomination] = {}
        self._unions = unions

    async def add(self, nomination: Nomination) -> Nomination | None:
        key = (nomination.member_id, nomination.award, nomination.year)
        if any((n.member_id, n.award, n.year) == key and n.status != REJECTED for n in self.rows.values()):
            return None
        self.rows[nomination.id] = dataclasses.replace(nomination, created_at=STORED_AT)
        return self.rows[nomination.id]

    async def get(self, nomination_id: uuid.UUID, *, lock: bool = False) -> Nomination | None:
        return self.rows.get(nomination_id)

    async def save_step(self, nomination: Nomination) -> None:
        self.rows[nomination.id] = nomination

    async def made_under(self, organization_id: str) -> list[Nomination]:
        orgs = self._unions.organizations
        return [n for n in self.rows.values() if organization_id in orgs[n.organization_id].path]
