"""The organization tree, members and their dues: rules only, no I/O."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

from unionfed_membership.domain import personal_data
from unionfed_membership.domain.labels import kind_zh, status_zh
from unionfed_shared import business_time
from unionfed_shared.auth import RESERVED_ORGANIZATION_IDS
from unionfed_shared.contracts.membership import DEFAULT_LANGUAGE, Language, Sector
from unionfed_shared.errors import Conflict, Invalid, field_refusal

OrganizationKind = Literal["federation", "grassroots_union", "union_group"]
MemberStatus = Literal["active", "retired", "left", "deceased"]
ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
# A dues month. Years 1900-2999 only: year 0000 passed the old pattern and failed deep inside
# date arithmetic (a 500 instead of a 422).
PERIOD_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
PERIOD = re.compile(PERIOD_PATTERN)


def _checked_period(value: str) -> str:
    if not PERIOD.match(value):
        raise field_refusal(
            "period_invalid",
            zh="会费月份须为 YYYY-MM 格式，且在 1900-01 至 2999-12 之间",
            en="a period is a month YYYY-MM from 1900-01 to 2999-12",
        )
    return value


# A dues month in a request: refused under its own code rather than a bare pattern mismatch.
# (Give the pattern to the schema at the field: ``json_schema_extra={"pattern": PERIOD_PATTERN}``.)
Period = Annotated[str, AfterValidator(_checked_period)]

# Which kind of organization may be founded under which.
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    "federation": ("federation", "grassroots_union"),
    "grassroots_union": ("union_group",),
    "union_group": (),
}
# Members belong to a grassroots union, or to one of its union groups.
MEMBER_HOLDING_KINDS = ("grassroots_union", "union_group")


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: OrganizationKind
    parent_id: str | None
    path: tuple[str, ...]
    # The federation's time zone (IANA name) and language, set when the root is founded and
    # shared by its whole tree; every business date of the organization is a date in that zone.
    time_zone: str = business_time.DEFAULT_TIME_ZONE
    language: Language = DEFAULT_LANGUAGE
    # The organization's own sector; None inherits its nearest ancestor's.
    sector: Sector | None = None

    @property
    def federation_id(self) -> str:
        return self.path[0]

    @property
    def zone(self) -> ZoneInfo:
        return business_time.zone(self.time_zone)

    @classmethod
    def found_federation(
        cls,
        id: str,
        name: str,
        time_zone: str = business_time.DEFAULT_TIME_ZONE,
        language: Language = DEFAULT_LANGUAGE,
        sector: Sector | None = None,
    ) -> "Organization":
        _check_org_id(id)
        business_time.zone(time_zone)  # refuses a name that is not an IANA time zone
        return cls(
            id=id,
            name=_clean_name(name),
            kind="federation",
            parent_id=None,
            path=(id,),
            time_zone=time_zone,
            language=language,
            sector=sector,
        )

    def found_child(self, id: str, name: str, kind: OrganizationKind, sector: Sector | None = None) -> "Organization":
        _check_org_id(id)
        if kind not in CHILD_KINDS[self.kind]:
            allowed = ", ".join(CHILD_KINDS[self.kind]) or "nothing"
            allowed_zh = "、".join(map(kind_zh, CHILD_KINDS[self.kind])) or "无"
            raise Invalid(
                "organization_kind_not_allowed",
                zh=f"{kind_zh(self.kind)}下不能设立{kind_zh(kind)}（可设立：{allowed_zh}）",
                en=f"a {self.kind} can hold {allowed}, not a {kind}",
            )
        return Organization(
            id=id,
            name=_clean_name(name),
            kind=kind,
            parent_id=self.id,
            path=(*self.path, id),
            time_zone=self.time_zone,
            language=self.language,
            sector=sector,
        )

    def check_can_hold_members(self) -> None:
        if self.kind not in MEMBER_HOLDING_KINDS:
            raise Invalid(
                "organization_cannot_hold_members",
                zh=f"会员只能加入基层工会或工会小组，不能加入{kind_zh(self.kind)}",
                en=f"members join a grassroots union or union group, not a {self.kind}",
            )

    def is_ancestor_or_self_of(self, other: "Organization") -> bool:
        return self.id in other.path

    def moved_under(self, new_parent: "Organization") -> "Organization":
        """This organization re-attached under ``new_parent``; its subtree moves with it."""
        if self.parent_id is None:
            raise Invalid(
                "organization_is_root",
                zh=f"{self.id} 是联合会的最高一级，没有可迁出的上级组织",
                en=f"{self.id} is the root of its federation and has no parent to move from",
            )
        if new_parent.federation_id != self.federation_id:
            raise Invalid(
                "organization_move_outside_federation",
                zh="组织只能在本联合会内迁移，不能迁往其他联合会",
                en="an organization moves within its federation, not to another federation",
            )
        if self.is_ancestor_or_self_of(new_parent):
            raise Invalid(
                "organization_move_cycle",
                zh=f"{new_parent.id} 就是 {self.id} 本身或其下级组织，迁移到那里会形成循环",
                en=f"{new_parent.id} is {self.id} or lies under it; moving there would make a cycle",
            )
        if new_parent.id == self.parent_id:
            raise Invalid(
                "organization_already_under_parent",
                zh=f"{self.id} 已隶属于 {new_parent.id}",
                en=f"{self.id} is already under {new_parent.id}",
            )
        if self.kind not in CHILD_KINDS[new_parent.kind]:
            allowed = ", ".join(CHILD_KINDS[new_parent.kind]) or "nothing"
            allowed_zh = "、".join(map(kind_zh, CHILD_KINDS[new_parent.kind])) or "无"
            raise Invalid(
                "organization_kind_not_allowed",
                zh=f"{kind_zh(new_parent.kind)}下不能设立{kind_zh(self.kind)}（可设立：{allowed_zh}）",
                en=f"a {new_parent.kind} can hold {allowed}, not a {self.kind}",
            )
        return replace(self, parent_id=new_parent.id, path=(*new_parent.path, self.id))


@dataclass(frozen=True)
class Member:
    id: uuid.UUID
    organization_id: str
    federation_id: str
    display_name: str
    gender: Literal["female", "male"]
    joined_on: dt.date
    status: MemberStatus = "active"
    staff_no: str | None = None
    base_salary_fen: int | None = None
    # Personal data is held in clear only in memory (encrypted at rest by the repository);
    # kept out of repr so a logged or printed member never carries it.
    id_number: str | None = field(default=None, repr=False)
    phone: str | None = field(default=None, repr=False)

    @classmethod
    def join(
        cls,
        organization: Organization,
        display_name: str,
        gender: Literal["female", "male"],
        joined_on: dt.date,
        today: dt.date,
        *,
        id_number: str | None = None,
        phone: str | None = None,
        staff_no: str | None = None,
        base_salary_fen: int | None = None,
    ) -> "Member":
        organization.check_can_hold_members()
        if joined_on > today:
            raise Invalid("join_date_in_future", zh="入会日期不能晚于今天", en="joined_on cannot be in the future")
        return cls(
            id=uuid.uuid4(),
            organization_id=organization.id,
            federation_id=organization.federation_id,
            display_name=_clean_name(display_name),
            gender=gender,
            joined_on=joined_on,
            staff_no=personal_data.check_staff_no(staff_no),
            base_salary_fen=personal_data.check_base_salary(base_salary_fen),
            id_number=personal_data.normalise_id_number(id_number) if id_number is not None else None,
            phone=personal_data.normalise_phone(phone) if phone is not None else None,
        )

    @property
    def masked_id_number(self) -> str | None:
        return personal_data.mask_id_number(self.id_number) if self.id_number else None


@dataclass(frozen=True)
class DuesPayment:
    id: uuid.UUID
    member_id: uuid.UUID
    organization_id: str
    federation_id: str
    period: str
    amount_fen: int
    collected_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def collect(
        cls, member: Member, period: str, amount_fen: int, already_paid_periods: set[str], now: dt.datetime
    ) -> "DuesPayment":
        if member.status != "active":
            raise Conflict(
                "member_not_active",
                zh=f"会员 {member.id} 当前为{status_zh(member.status)}状态，只向在册会员收取会费",
                en=f"member {member.id} is {member.status}; dues are collected from active members",
            )
        if not PERIOD.match(period):
            raise Invalid(
                "period_invalid",
                zh=f"会费月份 {period!r} 无效，须为 1900-01 至 2999-12 之间的 YYYY-MM",
                en=f"period {period!r} is not YYYY-MM",
            )
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
            raise Invalid(
                "amount_invalid",
                zh="金额须为正整数（单位：分）",
                en="amount_fen must be a positive whole number of fen",
            )
        if period in already_paid_periods:
            raise Conflict(
                "dues_already_collected",
                zh=f"会员 {member.id} {period} 的会费已收取",
                en=f"dues for {period} were already collected from member {member.id}",
            )
        return cls(
            id=uuid.uuid4(),
            member_id=member.id,
            organization_id=member.organization_id,
            federation_id=member.federation_id,
            period=period,
            amount_fen=amount_fen,
            collected_at=now,
        )


def _check_org_id(id: str) -> None:
    if not ORG_ID.match(id):
        raise Invalid(
            "organization_id_invalid",
            zh=f"组织编号 {id!r} 须为 2 至 63 位小写字母、数字或连字符",
            en=f"organization id {id!r} must be 2-63 lowercase letters, digits or hyphens",
        )
    if id in RESERVED_ORGANIZATION_IDS:
        # A platform administrator's token names this id; an organization carrying it would be in their scope.
        raise Invalid(
            "organization_id_reserved",
            zh=f"组织编号 {id!r} 为平台保留，请换一个",
            en=f"organization id {id!r} is reserved for the platform",
            pointer="#/id",
        )


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise Invalid(
            "organization_name_invalid", zh="名称须为 1 至 200 个字符", en="a name must have 1 to 200 characters"
        )
    return name
