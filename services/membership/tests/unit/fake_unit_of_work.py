"""An in-memory unit of work for the use cases' unit tests (cosmicpython's fake repositories).

The repositories keep what is added in dictionaries and answer the few questions the use cases
ask; ``emitted`` holds the events a use case staged and ``committed`` whether it committed them,
so a test sees both what changed and what would have been published.
"""

import dataclasses
import datetime as dt
import uuid

from services.membership.tests.unit.fake_enterprises import FakeCollectiveContracts, FakeEnterprises
from services.membership.tests.unit.fake_home import FakeHomeAssessments, FakeHomeChecklists
from services.membership.tests.unit.fake_mobile_workers import (
    FakeEmployments,
    FakeJointUnions,
    FakeLabourContractChecks,
    FakeWorkerCategories,
)
from services.membership.tests.unit.fake_report_layouts import FakeReportLayouts
from services.membership.tests.unit.fake_safety import FakeSafetyInspections, FakeSafetyInspectors
from services.membership.tests.unit.fake_statistics import FakeReportForms, FakeStatistics, FakeStatisticsReports
from tests.fake_outbox import FakeOutbox
from unionfed_membership.domain.committee import Term
from unionfed_membership.domain.dues import DuesPolicy, MemberDues
from unionfed_membership.domain.lifecycle import HistoryEntry, MemberChange
from unionfed_membership.domain.model import DuesPayment, Member, Organization


class FakeOrganizations:
    def __init__(self) -> None:
        self.rows: dict[str, Organization] = {}

    async def get(self, organization_id: str) -> Organization | None:
        return self.rows.get(organization_id)

    get_for_update = get

    async def add(self, organization: Organization) -> None:
        self.rows[organization.id] = organization

    async def lock_tree(self, federation_id: str) -> None:
        """Nothing interleaves in memory."""

    async def subtree(self, root: Organization) -> list[Organization]:
        return sorted((o for o in self.rows.values() if root.id in o.path), key=lambda o: o.path)


class FakeMembers:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Member] = {}

    async def get(self, member_id: uuid.UUID) -> Member | None:
        return self.rows.get(member_id)

    get_for_update = get

    async def add(self, member: Member) -> None:
        self.rows[member.id] = member

    async def find_by_id_number(self, federation_id: str, id_number: str) -> Member | None:
        return next(
            (m for m in self.rows.values() if m.federation_id == federation_id and m.id_number == id_number), None
        )

    async def save_state(self, member: Member) -> None:
        self.rows[member.id] = member


class FakeHistory:
    def __init__(self) -> None:
        self.entries: list[HistoryEntry] = []

    async def add(self, entries: list[HistoryEntry]) -> None:
        self.entries.extend(entries)

    async def version_of(self, member_id: uuid.UUID) -> int:
        return sum(1 for e in self.entries if e.member_id == member_id)

    async def last_change_on(self, member: Member) -> dt.date:
        return max([e.effective_on for e in self.entries if e.member_id == member.id] + [member.joined_on])


class FakeScheduledChanges:
    def __init__(self) -> None:
        self.pending: dict[uuid.UUID, MemberChange] = {}

    async def pending_for(self, member_id: uuid.UUID) -> MemberChange | None:
        return self.pending.get(member_id)

    async def add(self, change: MemberChange) -> None:
        self.pending[change.member_id] = change

    async def settle(self, change_id: uuid.UUID, status: str, by: str, now: dt.datetime) -> None:
        self.pending = {m: c for m, c in self.pending.items() if c.id != change_id}

    async def due_member_ids(self, today: dt.date) -> list[uuid.UUID]:
        return [m for m, c in self.pending.items() if c.is_due(today)]


class FakeCommittees:
    def __init__(self) -> None:
        self.current_terms: dict[str, Term] = {}

    async def current(self, organization_id: str, *, for_update: bool = False) -> Term | None:
        return self.current_terms.get(organization_id)


class FakeDues:
    def __init__(self) -> None:
        self.payments: list[DuesPayment] = []

    async def paid_periods(self, member_id: uuid.UUID) -> set[str]:
        return {p.period for p in self.payments if p.member_id == member_id}

    async def add(self, payment: DuesPayment) -> None:
        self.payments.append(payment)


class FakeDuesStore:
    """Dues collection's SQL in memory: the roster's dues slice (``roster``), policies and payments
    with their chunk (``batch_of``), kept once per (member, period) as the unique constraint does."""

    def __init__(self) -> None:
        self.roster: list[MemberDues] = []
        self.saved_policies: list[DuesPolicy] = []
        self.payments: dict[tuple[uuid.UUID, str], DuesPayment] = {}
        self.batch_of: dict[uuid.UUID, uuid.UUID] = {}
        self.statements = 0  # how many round trips the use case made for the payments

    async def save_policy(self, policy: DuesPolicy, set_by: str) -> None:
        self.saved_policies.append(policy)

    async def policies(self, federation_id: str) -> list[DuesPolicy]:
        return sorted((p for p in self.saved_policies if p.federation_id == federation_id), key=lambda p: p.valid_from)

    async def members_in(self, organization_ids) -> list[MemberDues]:
        wanted = set(organization_ids)
        return sorted((m for m in self.roster if m.organization_id in wanted), key=lambda m: m.organization_id)

    async def lock_collection(self, organization_id: str, period: str) -> None:
        """Nothing interleaves in memory."""

    async def paid_for(self, member_ids, period: str) -> set[uuid.UUID]:
        return {m for m in member_ids if (m, period) in self.payments}

    async def add_payments(self, payments, batch_of) -> set[uuid.UUID]:
        self.statements += 1
        active = {(m.id, m.organization_id) for m in self.roster if m.status == "active"}
        recorded = set()
        for payment in payments:
            key = (payment.member_id, payment.period)
            if key in self.payments or (payment.member_id, payment.organization_id) not in active:
                continue
            self.payments[key] = payment
            self.batch_of[payment.id] = batch_of[payment.id]
            recorded.add(payment.id)
        return recorded


@dataclasses.dataclass
class FakeUnitOfWork(FakeOutbox):
    organizations: FakeOrganizations = dataclasses.field(default_factory=FakeOrganizations)
    members: FakeMembers = dataclasses.field(default_factory=FakeMembers)
    history: FakeHistory = dataclasses.field(default_factory=FakeHistory)
    scheduled_changes: FakeScheduledChanges = dataclasses.field(default_factory=FakeScheduledChanges)
    committees: FakeCommittees = dataclasses.field(default_factory=FakeCommittees)
    dues: FakeDues = dataclasses.field(default_factory=FakeDues)
    dues_collection: FakeDuesStore = dataclasses.field(default_factory=FakeDuesStore)
    enterprises: FakeEnterprises = dataclasses.field(init=False)
    collective_contracts: FakeCollectiveContracts = dataclasses.field(init=False)
    joint_unions: FakeJointUnions = dataclasses.field(init=False)
    worker_categories: FakeWorkerCategories = dataclasses.field(init=False)
    employments: FakeEmployments = dataclasses.field(default_factory=FakeEmployments)
    labour_contract_checks: FakeLabourContractChecks = dataclasses.field(init=False)
    safety_inspectors: FakeSafetyInspectors = dataclasses.field(default_factory=FakeSafetyInspectors)
    safety_inspections: FakeSafetyInspections = dataclasses.field(init=False)
    home_checklists: FakeHomeChecklists = dataclasses.field(default_factory=FakeHomeChecklists)
    home_assessments: FakeHomeAssessments = dataclasses.field(init=False)
    report_forms: FakeReportForms = dataclasses.field(default_factory=FakeReportForms)
    statistics_reports: FakeStatisticsReports = dataclasses.field(default_factory=FakeStatisticsReports)
    statistics: FakeStatistics = dataclasses.field(default_factory=FakeStatistics)
    report_layouts: FakeReportLayouts = dataclasses.field(default_factory=FakeReportLayouts)

    def __post_init__(self) -> None:
        self.enterprises = FakeEnterprises(self.organizations.rows)
        self.collective_contracts = FakeCollectiveContracts(self.enterprises)
        self.joint_unions = FakeJointUnions(self.organizations.rows, self.enterprises)
        self.worker_categories = FakeWorkerCategories(self.organizations.rows, self.members.rows)
        self.labour_contract_checks = FakeLabourContractChecks(self.enterprises)
        self.safety_inspections = FakeSafetyInspections(self.enterprises)
        self.home_assessments = FakeHomeAssessments(self.organizations.rows)
