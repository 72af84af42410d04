"""An in-memory welfare unit of work for the use cases' unit tests (cosmicpython's fake repositories).

The repositories keep what is added in dictionaries and answer the questions the use cases ask;
``emitted`` holds the events a use case staged and ``committed`` whether it committed them, so a
test sees both what changed and what would have been published.
"""

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from services.welfare.tests.unit.fake_funds_repositories import FakeCampaigns, FakeClaims, FakeDrives
from services.welfare.tests.unit.fake_greeting_repository import FakeGreetings
from services.welfare.tests.unit.fake_mutual_aid_repository import FakeMutualAid
from services.welfare.tests.unit.fake_outside_help_repositories import FakeOutsideGrants, FakeStudentAid
from services.welfare.tests.unit.fake_rights_case_repository import FakeRightsCases
from services.welfare.tests.unit.fake_rights_week_repository import FakeRightsWeeks
from tests.fake_outbox import FakeOutbox
from unionfed_shared import business_time
from unionfed_shared.auth import Principal
from unionfed_shared.contracts.membership import Sector
from unionfed_shared.errors import NotFound
from unionfed_shared.organization_locale import OrganizationLocale
from unionfed_welfare.domain.campaigns import Candidate
from unionfed_welfare.domain.grants import GoodsLine, Grant, OccasionTaken, VisitPolicy, YearGrant
from unionfed_welfare.domain.hardship import FileAlreadyOpen, HardshipFile, HardshipReview


class FakeDirectory:
    """The members and unions welfare knows, with what members carry for eligibility (gender, status)."""

    def __init__(self) -> None:
        self.paths: dict[str, list[str]] = {}
        self.members: dict[uuid.UUID, dict] = {}
        self.sectors: dict[str, Sector] = {}

    def add_member(
        self, organization_id: str, display_name: str, gender: str = "female", status: str = "active"
    ) -> uuid.UUID:
        member_id = uuid.uuid4()
        self.members[member_id] = {
            "id": member_id,
            "organization_id": organization_id,
            "federation_id": self.paths[organization_id][0],
            "display_name": display_name,
            "gender": gender,
            "status": status,
        }
        return member_id

    async def locale_of(self, organization_id: str) -> OrganizationLocale:
        return OrganizationLocale(business_time.DEFAULT_ZONE, "zh-CN", self.sectors.get(organization_id))

    def candidate(self, member_id: uuid.UUID) -> Candidate:
        member = self.members[member_id]
        fields = ("id", "display_name", "organization_id", "gender", "status")
        return Candidate(**{f: member[f] for f in fields}, path=self.paths[member["organization_id"]])

    async def path_of(self, organization_id: str) -> list[str] | None:
        return self.paths.get(organization_id)

    async def name_of(self, organization_id: str) -> str | None:
        return organization_id if organization_id in self.paths else None

    async def time_zone_of(self, organization_id: str) -> ZoneInfo:
        return business_time.DEFAULT_ZONE

    async def language_of(self, organization_id: str) -> str:
        return "zh-CN"

    async def require_in_scope(self, principal: Principal, organization_id: str) -> None:
        path = self.paths.get(organization_id)
        if path is None or not principal.can_see(path):
            raise NotFound("organization_not_found", zh="未找到", en="not found")

    async def member(self, member_id: uuid.UUID) -> dict | None:
        return self.members.get(member_id)


class FakeHolds:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, dict] = {}

    async def get(self, hold_id: uuid.UUID, *, for_update: bool = False) -> dict | None:
        return dict(self.rows[hold_id]) if hold_id in self.rows else None

    async def of(self, hold_ids) -> dict[uuid.UUID, dict]:
        return {i: dict(self.rows[i]) for i in hold_ids if i in self.rows}

    async def add(self, hold: dict) -> None:
        self.rows[hold["hold_id"]] = {"reason": None, "cancel_reason": None, "paid_fen": None, "paid_on": None, **hold}

    async def update(self, hold_id: uuid.UUID, **values) -> None:
        self.rows[hold_id].update(values)

    async def add_many(self, holds: list[dict]) -> None:
        for hold in holds:
            await self.add(hold)

    async def settle_many(self, answers) -> set[uuid.UUID]:
        moved = set()
        for hold_id, status, reason in answers:
            row = self.rows.get(hold_id)
            if row is not None and row["status"] == "capture_requested":
                row.update(status=status, reason=reason)
                moved.add(hold_id)
        return moved


class FakeGrants:
    def __init__(self, holds: FakeHolds) -> None:
        self.rows: dict[uuid.UUID, Grant] = {}
        self.goods: dict[uuid.UUID, list[GoodsLine]] = {}
        self._holds = holds

    async def get(self, grant_id: uuid.UUID, *, for_update: bool = False) -> Grant | None:
        grant = self.rows.get(grant_id)
        return dataclasses.replace(grant) if grant else None  # a copy, as a fresh read would be

    async def add(self, grant: Grant, goods: list[GoodsLine]) -> None:
        if await self.first_of_occasion(grant.occasion_key):  # the unique index on the occasion
            raise OccasionTaken
        self.rows[grant.id] = dataclasses.replace(grant, recorded_at=dt.datetime.now(dt.UTC))
        self.goods[grant.id] = list(goods)

    async def save_status(self, grant: Grant) -> None:
        self.rows[grant.id] = dataclasses.replace(grant)

    async def goods_of(self, grant_id: uuid.UUID) -> list[GoodsLine]:
        return list(self.goods.get(grant_id, []))

    async def first_of_occasion(self, occasion_key: str) -> Grant | None:
        return next((g for g in self.rows.values() if g.occasion_key == occasion_key and g.status != "cancelled"), None)

    async def lock_member_year(self, federation_id: str, member_id: uuid.UUID, year: int) -> None:
        """Nothing interleaves in memory."""

    async def year_of_member(self, federation_id: str, member_id: uuid.UUID, year: int) -> list[YearGrant]:
        return [
            YearGrant(g.amount_fen, g.status, self._holds.rows[g.hold_id]["status"])
            for g in self.rows.values()
            if (g.federation_id, g.member_id, g.year) == (federation_id, member_id, year)
        ]

    async def of_visit_in_year(
        self, federation_id: str, member_id: uuid.UUID, visit_type: str, year: int
    ) -> list[Grant]:
        return [
            g
            for g in self.rows.values()
            if (g.federation_id, g.member_id, g.visit_type, g.year) == (federation_id, member_id, visit_type, year)
            and g.status != "cancelled"
        ]


class FakeVisitPolicies:
    def __init__(self) -> None:
        self.rows: dict[str, VisitPolicy] = {}

    async def get(self, federation_id: str) -> VisitPolicy | None:
        return self.rows.get(federation_id)

    async def save(self, policy: VisitPolicy) -> None:
        self.rows[policy.federation_id] = policy


class FakeHardshipFiles:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, HardshipFile] = {}
        self.history: list[HardshipReview] = []

    async def owner_of(self, file_id: uuid.UUID) -> uuid.UUID | None:
        return self.rows[file_id].member_id if file_id in self.rows else None

    async def get(self, file_id: uuid.UUID, *, for_update: bool = False) -> HardshipFile | None:
        file = self.rows.get(file_id)
        return dataclasses.replace(file, documents=list(file.documents)) if file else None

    async def add(self, file: HardshipFile, opened: HardshipReview) -> None:
        if await self.open_file_of(file.member_id):  # the unique index of a member's open file
            raise FileAlreadyOpen
        now = dt.datetime.now(dt.UTC)
        self.rows[file.id] = dataclasses.replace(file, created_at=now, updated_at=now)
        await self.add_review(opened)

    async def save(self, file: HardshipFile) -> None:
        self.rows[file.id] = dataclasses.replace(file)

    async def add_review(self, review: HardshipReview) -> None:
        self.history.append(dataclasses.replace(review, created_at=dt.datetime.now(dt.UTC)))

    async def open_file_of(self, member_id: uuid.UUID) -> uuid.UUID | None:
        return next((f.id for f in self.rows.values() if f.member_id == member_id and f.status == "open"), None)

    async def history_of(self, file_id: uuid.UUID) -> list[HardshipReview]:
        return sorted((r for r in self.history if r.file_id == file_id), key=lambda r: r.reviewed_on)


@dataclasses.dataclass
class FakeUnitOfWork(FakeOutbox):
    directory: FakeDirectory = dataclasses.field(default_factory=FakeDirectory)
    holds: FakeHolds = dataclasses.field(default_factory=FakeHolds)
    visit_policies: FakeVisitPolicies = dataclasses.field(default_factory=FakeVisitPolicies)
    hardship_files: FakeHardshipFiles = dataclasses.field(default_factory=FakeHardshipFiles)
    grants: FakeGrants = dataclasses.field(init=False)
    claims: FakeClaims = dataclasses.field(default_factory=FakeClaims)
    drives: FakeDrives = dataclasses.field(default_factory=FakeDrives)
    campaigns: FakeCampaigns = dataclasses.field(init=False)
    greetings: FakeGreetings = dataclasses.field(init=False)
    rights_cases: FakeRightsCases = dataclasses.field(init=False)
    mutual_aid: FakeMutualAid = dataclasses.field(init=False)
    rights_weeks: FakeRightsWeeks = dataclasses.field(init=False)
    outside_grants: FakeOutsideGrants = dataclasses.field(init=False)
    student_aid: FakeStudentAid = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.grants = FakeGrants(self.holds)
        self.campaigns = FakeCampaigns(self.directory)
        self.greetings = FakeGreetings(self.directory)
        self.rights_cases = FakeRightsCases(self.directory)
        self.mutual_aid = FakeMutualAid(self.directory)
        self.rights_weeks = FakeRightsWeeks(self.directory, self.rights_cases)
        self.outside_grants = FakeOutsideGrants(self.directory, self.holds)
        self.student_aid = FakeStudentAid(self.directory, self.holds)

    # A use case that opens units of work of its own (the greeting run, chunk after chunk) is given
    # this one as its factory: every unit of work is the same, so each chunk sees what the one before
    # stored, as it would after a commit.
    def __call__(self) -> "FakeUnitOfWork":
        return self

    async def __aenter__(self) -> "FakeUnitOfWork":
        self.committed = False
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.staged.clear()  # what was not committed is rolled back
