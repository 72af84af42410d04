"""In-memory joint unions, worker categories, employments and labour-contract checks for the use
cases' unit tests."""

import datetime as dt
import uuid
from dataclasses import replace

from services.membership.tests.unit.fake_enterprises import FakeEnterprises
from unionfed_membership.domain.labour_contracts import LabourContractCheck
from unionfed_membership.domain.mobile_workers import Employment, JointUnion, WorkerCategory
from unionfed_membership.domain.model import Member, Organization


class FakeJointUnions:
    def __init__(self, organizations: dict[str, Organization], enterprises: FakeEnterprises) -> None:
        self.rows: dict[str, JointUnion] = {}
        self._organizations = organizations
        self._enterprises = enterprises

    async def get(self, organization_id: str) -> JointUnion | None:
        return self.rows.get(organization_id)

    async def save(self, union: JointUnion, by: str) -> None:
        self.rows[union.organization_id] = union

    async def in_subtree(self, root_id: str) -> list[JointUnion]:
        return sorted(
            (j for j in self.rows.values() if root_id in self._organizations[j.organization_id].path),
            key=lambda j: j.organization_id,
        )

    async def is_enterprise_union(self, organization_id: str) -> bool:
        return any(e.union_id == organization_id for e in self._enterprises.rows.values())


class FakeWorkerCategories:
    def __init__(self, organizations: dict[str, Organization], members: dict[uuid.UUID, Member]) -> None:
        self.rows: list[WorkerCategory] = []  # in the order recorded
        self._organizations = organizations
        self._members = members

    def _latest(self, member_id: uuid.UUID, on: dt.date | None = None) -> WorkerCategory | None:
        mine = [c for c in self.rows if c.member_id == member_id and (on is None or c.effective_on <= on)]
        # The latest effective date wins; of two on one day, the later recorded.
        return max(reversed(mine), key=lambda c: c.effective_on, default=None) if mine else None

    async def current(self, member_id: uuid.UUID) -> WorkerCategory | None:
        return self._latest(member_id)

    async def add(self, category: WorkerCategory, by: str, now: dt.datetime) -> None:
        self.rows.append(category)

    async def of_member(self, member_id: uuid.UUID) -> list[WorkerCategory]:
        return sorted((c for c in self.rows if c.member_id == member_id), key=lambda c: c.effective_on)

    async def active_members_in_subtree(self, root_id: str, on: dt.date) -> list[tuple[dt.date, WorkerCategory]]:
        found = []
        for member in self._members.values():
            category = self._latest(member.id, on)
            if (
                category is not None
                and member.status == "active"
                and root_id in self._organizations[member.organization_id].path
            ):
                found.append((member.joined_on, category))
        return found


class FakeEmployments:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Employment] = {}

    async def current(self, member_id: uuid.UUID) -> Employment | None:
        return next((e for e in self.rows.values() if e.member_id == member_id and e.ended_on is None), None)

    async def end(self, employment: Employment) -> None:
        self.rows[employment.id] = replace(self.rows[employment.id], ended_on=employment.ended_on)

    async def add(self, employment: Employment, by: str, now: dt.datetime) -> None:
        assert await self.current(employment.member_id) is None, "one current employment per member"
        self.rows[employment.id] = employment

    async def of_member(self, member_id: uuid.UUID) -> list[Employment]:
        return sorted((e for e in self.rows.values() if e.member_id == member_id), key=lambda e: e.started_on)


class FakeLabourContractChecks:
    def __init__(self, enterprises: FakeEnterprises) -> None:
        self.rows: list[LabourContractCheck] = []  # in the order recorded
        self._enterprises = enterprises

    async def add(self, check: LabourContractCheck, by: str, now: dt.datetime) -> None:
        self.rows.append(check)

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[LabourContractCheck]:
        return sorted((c for c in self.rows if c.enterprise_id == enterprise_id), key=lambda c: c.checked_on)

    async def in_subtree(self, root_id: str, first: dt.date, last: dt.date) -> list[LabourContractCheck]:
        under = {e.id for e in self._enterprises._under(root_id)}
        return [c for c in self.rows if c.enterprise_id in under and first <= c.checked_on <= last]
