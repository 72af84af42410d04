"""What callers ask of the membership service."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from unionfed_membership.domain.model import PERIOD_PATTERN, Period
from unionfed_shared import business_time
from unionfed_shared.commands import Command
from unionfed_shared.contracts.base import OrgId
from unionfed_shared.contracts.membership import DEFAULT_LANGUAGE, Language, Sector, TimeZoneName
from unionfed_shared.wire_values import Day, PositiveRequestFen, whole


class FoundFederation(Command):
    id: OrgId
    name: str = Field(min_length=1, max_length=200)
    time_zone: TimeZoneName = Field(
        default=business_time.DEFAULT_TIME_ZONE, description="IANA name; every business date is a date there"
    )
    language: Language = DEFAULT_LANGUAGE
    sector: Sector | None = None


class RegisterOrganization(Command):
    id: OrgId
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["federation", "grassroots_union", "union_group"]
    parent_id: OrgId
    sector: Sector | None = Field(
        default=None, description="education, enterprise or public_sector; omitted: the parent's"
    )


if TYPE_CHECKING:  # a type checker cannot evaluate whole(…): to it a bounded Whole is an int
    NonNegativeFen = int
else:
    NonNegativeFen = whole(ge=0, le=10**12)


class EnrolMember(Command):
    display_name: str = Field(min_length=1, max_length=100)
    gender: Literal["female", "male"]
    joined_on: dt.date
    # Checked by the domain (GB 11643 check digit, 11-digit phone) so a refusal names the rule
    # without echoing the number back, as a schema error would.
    id_number: str | None = Field(default=None, max_length=40, description="身份证号, 18 characters (GB 11643)")
    phone: str | None = Field(default=None, max_length=40, description="11-digit mobile number")
    staff_no: str | None = Field(default=None, max_length=40, description="The employer's staff number (工号)")
    base_salary_fen: NonNegativeFen | None = Field(default=None, description="Monthly base salary, integer fen")


class MoveOrganization(Command):
    new_parent_id: OrgId
    moved_on: dt.date | None = Field(default=None, description="Defaults to today; not in the future")


class TransferMember(Command):
    to_organization_id: OrgId
    effective_on: dt.date = Field(description="Today or earlier applies now; a later date is scheduled")


class ChangeMemberStatus(Command):
    status: Literal["retired", "left", "deceased", "active"] = Field(
        description="retired (stays a member), left, deceased, or active again (rejoined after leaving)"
    )
    effective_on: dt.date = Field(description="Today or earlier applies now; a later date is scheduled")


class CommitteeSeat(Command):
    role: Literal["chair", "vice_chair", "treasurer", "women_committee", "culture_sports", "member"]
    subject: str = Field(min_length=1, max_length=200, description="The holder's token subject (member or user id)")
    display_name: str = Field(min_length=1, max_length=100)


class ElectCommittee(Command):
    number: int = Field(ge=1, le=1000, description="The term's number (第N届); the next after the current one")
    elected_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    roster: list[CommitteeSeat] = Field(min_length=1, max_length=100)


class RecordDuesPayment(Command):
    member_id: uuid.UUID
    period: Period = Field(json_schema_extra={"pattern": PERIOD_PATTERN}, examples=["2026-11"])
    amount_fen: PositiveRequestFen = Field(description="Integer fen (1 yuan = 100 fen)", examples=[2150])


if TYPE_CHECKING:  # as NonNegativeFen above
    WorkerCount = int
    CoveredWorkers = int
    NegotiationRounds = int
    WageIncreasePerMille = int
else:
    WorkerCount = whole(ge=0, le=10_000_000)
    CoveredWorkers = whole(ge=1, le=10_000_000)
    NegotiationRounds = whole(ge=1, le=100)
    WageIncreasePerMille = whole(ge=-1000, le=10_000)


class RegisterEnterprise(Command):
    name: str = Field(min_length=1, max_length=200)
    # Checked by the domain (GB 32100 check character) so the refusal names the rule.
    credit_code: str = Field(max_length=40, description="统一社会信用代码, 18 characters (GB 32100-2015)")
    workers: WorkerCount = Field(description="职工人数")


class EditEnterprise(Command):
    workers: WorkerCount = Field(description="职工人数")


class FoundEnterpriseUnion(Command):
    """建会: the grassroots union founded in the enterprise, registered in the tree under the
    organization that registers the enterprise."""

    union_id: OrgId
    union_name: str = Field(min_length=1, max_length=200)
    founded_on: Day = Field(description="The founding date, a business date not after today")


class NegotiationRecord(Command):
    """工资集体协商: rounds held and the wage increase agreed, in whole per-mille (35 = 3.5 %)."""

    rounds: NegotiationRounds
    wage_increase_per_mille: WageIncreasePerMille | None = None


class SignCollectiveContract(Command):
    kind: Literal["comprehensive", "wage", "women_workers"] = Field(
        description="comprehensive 综合性, wage 工资专项, women_workers 女职工权益保护专项"
    )
    employer_party: str = Field(min_length=1, max_length=200)
    union_party: str = Field(min_length=1, max_length=200)
    signed_on: Day
    valid_from: Day
    valid_until: Day
    workers_covered: CoveredWorkers
    negotiation: NegotiationRecord | None = None
    filed_on: Day | None = Field(default=None, description="备案 date with the labour administration")


class DesignateJointUnion(Command):
    """A grassroots union whose members have no fixed employer union: a joint union (联合工会) or a
    trade union (行业工会) of migrant and new-form workers."""

    form: Literal["joint", "trade"] = Field(description="joint 联合工会, trade 行业工会")
    trade: str | None = Field(default=None, max_length=100, description="a trade union's trade, e.g. 外卖配送")
    designated_on: Day = Field(description="a business date not after today")


class RecordWorkerCategory(Command):
    migrant_worker: bool = Field(description="农民工")
    new_form: Literal["delivery_rider", "courier", "ride_hailing_driver", "truck_driver", "other"] | None = Field(
        default=None,
        description="新就业形态: delivery_rider 外卖骑手, courier 快递员, ride_hailing_driver 网约车司机, "
        "truck_driver 货车司机, other; null: not a new-form worker",
    )
    effective_on: Day = Field(description="from this business date; not after today")


class ChangeEmployer(Command):
    """The member's employer from ``effective_on``: an enterprise of the register, an employer by name
    (a platform company), or neither (no employer from that day). The membership stays as it is."""

    enterprise_id: uuid.UUID | None = None
    employer_name: str | None = Field(default=None, max_length=200, description="an employer not in the register")
    effective_on: Day = Field(description="the first day with the new employer; not after today")


class TransferToEmployerUnion(Command):
    """会籍接转: into the union of the member's current employer (an enterprise of the register)."""

    effective_on: Day = Field(description="Today or earlier applies now; a later date is scheduled")


if TYPE_CHECKING:  # as NonNegativeFen above
    CheckedWorkers = int
    CountedWorkers = int
else:
    CheckedWorkers = whole(ge=1, le=10_000_000)
    CountedWorkers = whole(ge=0, le=10_000_000)


class RecordLabourContractCheck(Command):
    """One enterprise's labour-contract check (春暖行动): workers checked and of them with a signed contract."""

    checked_on: Day
    workers_checked: CheckedWorkers
    workers_signed: CountedWorkers
    migrant_checked: CountedWorkers = Field(default=0, description="of the workers checked, migrant workers")
    migrant_signed: CountedWorkers = Field(default=0, description="of the migrant workers checked, with a contract")
    note: str | None = Field(default=None, max_length=500)


class AppointSafetyInspector(Command):
    """群监员: a member of the enterprise's union when it has one; else a worker named here."""

    member_id: uuid.UUID | None = Field(default=None, description="a member of the enterprise's union")
    name: str | None = Field(default=None, max_length=100, description="the worker's name, when there is no union")
    phone: str | None = Field(default=None, max_length=20, description="the worker's mobile, stored encrypted")
    appointed_on: Day


class RetireSafetyInspector(Command):
    retired_on: Day


class FoundHazardRecord(Command):
    description: str = Field(min_length=1, max_length=2000)
    severity: Literal["general", "major"] = Field(description="general 一般隐患, major 重大隐患")
    deadline: Day = Field(description="the business date by which it is to be fixed")


class RecordSafetyInspection(Command):
    inspector_id: uuid.UUID
    inspected_on: Day
    findings: str = Field(min_length=1, max_length=4000)
    hazards: list[FoundHazardRecord] = Field(default_factory=list, max_length=200)


class FixHazard(Command):
    fixed_on: Day


class HomeChecklistItem(Command):
    code: str = Field(min_length=1, max_length=20, description="stable within a version, e.g. 2.1")
    section: str = Field(
        min_length=1, max_length=50, description="组织健全, 民主管理, 维权, 服务职工, 职工书屋, 经费管理 …"
    )
    text: str = Field(min_length=1, max_length=1000)
    max_points: int = Field(ge=1, le=100)
    evidence_required: bool = Field(description="at least one evidence entry before submitting")


class HomeThresholds(Command):
    """The least reviewed total for each level."""

    qualified: int = Field(ge=1, le=10_000, description="合格职工之家")
    advanced: int = Field(ge=1, le=10_000, description="先进职工之家")
    model: int = Field(ge=1, le=10_000, description="模范职工之家")


class PublishHomeChecklist(Command):
    """A new version of the federation's 职工之家 checklist; assessments already started keep theirs."""

    items: list[HomeChecklistItem] = Field(min_length=1, max_length=200)
    thresholds: HomeThresholds
    valid_years: int = Field(ge=1, le=10, description="how long an award holds before renewal")


class StartHomeAssessment(Command):
    year: int = Field(ge=2000, le=2999, description="the year assessed; not after this year")


class HomeSelfScore(Command):
    code: str = Field(min_length=1, max_length=20)
    self_score: int = Field(ge=0, le=100)
    note: str = Field(default="", max_length=2000)


class ScoreHomeAssessment(Command):
    """Self scores (0 .. the item's points) and notes of the items named; the others keep theirs."""

    items: list[HomeSelfScore] = Field(min_length=1, max_length=200)


class AddHomeEvidence(Command):
    item_code: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)


class ReturnWithReason(Command):
    """Give a submission back to the union that submitted it, saying why: a 职工之家 self-assessment
    (``POST /home-assessments/{id}/return``) or a statistics report (``POST /statistics-reports/{id}/return``)."""

    reason: str = Field(min_length=1, max_length=2000)


class HomeReviewScore(Command):
    code: str = Field(min_length=1, max_length=20)
    score: int = Field(ge=0, le=100)


class ReviewHomeAssessment(Command):
    """Every item's reviewed score; the level follows from the total by the checklist's thresholds."""

    items: list[HomeReviewScore] = Field(min_length=1, max_length=200)
    comment: str = Field(default="", max_length=4000)
    awarded_on: Day = Field(description="the award's date (a business date, not after today)")


if TYPE_CHECKING:
    Figure = int
    DeadlineDays = int
else:
    Figure = whole(ge=0, le=10**15)
    DeadlineDays = whole(ge=0, le=366)


class ManualIndicatorIn(Command):
    code: str = Field(
        min_length=2, max_length=40, description="lower-case letters, digits and _, e.g. `trainings_held`"
    )
    zh: str = Field(min_length=1, max_length=100)
    en: str = Field(min_length=1, max_length=100)
    unit: Literal["count", "fen"] = "count"


class DefineReportForm(Command):
    """A new version of the federation's form of this kind; reports already opened keep theirs."""

    kind: Literal["monthly", "annual"]
    indicators: list[str] = Field(max_length=100, description="standard indicator codes (the contract's catalogue)")
    manual: list[ManualIndicatorIn] = Field(default_factory=list, max_length=50)
    deadline_days: DeadlineDays = Field(description="due this many days after the period's last day")


class OpenStatisticsReport(Command):
    kind: Literal["monthly", "annual"]
    period: str = Field(min_length=4, max_length=7, description="a month YYYY-MM (monthly) or a year YYYY (annual)")


class ManualFigureIn(Command):
    value: Figure = Field(description="a count, or fen for an amount")
    note: str = Field(max_length=500, description="where the figure comes from")


class FillStatisticsReport(Command):
    figures: dict[str, ManualFigureIn] = Field(max_length=50, description="by manual indicator code")


# Export layouts of statistics reports (报表样式)

if TYPE_CHECKING:
    LayoutLevel = int
    LayoutDecimals = int
else:
    LayoutLevel = whole(ge=1, le=3)
    LayoutDecimals = whole(ge=0, le=6)


class LayoutFieldIn(Command):
    label: str = Field(max_length=30, description="填报单位, 报告期, 填报人, 联系电话, 单位负责人…")
    source: Literal["organization", "period", "version", "submitted_on", "reviewed_on", "today", "text", "blank"] = (
        Field(description="what follows the label: the union's name, the period, …, a fixed text, or room to write")
    )
    text: str = Field(default="", max_length=100, description="the fixed text of a `text` field")


class LayoutRowIn(Command):
    kind: Literal["heading", "indicator", "derived", "blank"]
    label: str = Field(default="", max_length=100, description="the row's label (an indicator's: its name by default)")
    level: LayoutLevel = Field(default=1, description="1: 一、 2: （一） 3: 1.")
    numbered: bool = True
    code: str = Field(default="", max_length=40, description="an indicator row's code")
    terms: list[str] = Field(default_factory=list, max_length=20, description="a derived row's codes; -code subtracts")
    per: list[str] = Field(default_factory=list, max_length=20, description="a derived row's divisor: a percent")
    unit_label: str = Field(default="", max_length=20, description="a count's unit: 人, 个, 次")


class DefineReportLayout(Command):
    """A new version of the federation's export layout with this kind and key (the first: version 1)."""

    kind: Literal["monthly", "annual"]
    key: str = Field(max_length=40, description="the layout's stable name across versions, e.g. city-monthly")
    title: str = Field(max_length=60, description="the sheet's title, e.g. 工会统计月报")
    header: list[LayoutFieldIn] = Field(default_factory=list, max_length=12)
    rows: list[LayoutRowIn] = Field(max_length=200)
    footer: list[LayoutFieldIn] = Field(default_factory=list, max_length=12)
    money_unit: Literal["yuan", "wan_yuan"] = "yuan"
    money_decimals: LayoutDecimals = 2
    percent_decimals: LayoutDecimals = 2
