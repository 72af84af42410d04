"""What callers ask of the welfare service: the command models the use cases take."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from unionfed_shared.commands import Command
from unionfed_shared.contracts.donations import DriveCode
from unionfed_shared.errors import field_refusal
from unionfed_shared.wire_values import Day, PositiveRequestFen, whole
from unionfed_welfare.domain.campaigns import CampaignKind
from unionfed_welfare.domain.donations import ANONYMOUS, donor_label
from unionfed_welfare.domain.grants import VISIT_TYPES
from unionfed_welfare.domain.greetings import FESTIVALS, Eligibility, Festival
from unionfed_welfare.domain.hardship import CAUSES, LEVELS
from unionfed_welfare.domain.mutual_aid import STATUSES as LOAN_STATUSES
from unionfed_welfare.domain.outside_help import ORGANIZATION_KINDS
from unionfed_welfare.domain.rights_cases import CLAIM_KINDS, STAGES

# --- grants, hardship and greetings ---

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"\S")]
if TYPE_CHECKING:  # a type checker cannot evaluate these calls: to it they are int and str
    Fen = int
    PositiveFen = int
    VisitType = str
    HardshipLevel = str
    HardshipCause = str
    ClaimKind = str
    CaseStage = str
    OrganizationKind = str
    Headcount = int
    SchemeYear = int
else:
    Fen = whole(ge=0, le=10**12)
    PositiveFen = whole(gt=0, le=10**12)
    # The closed sets of the domain, as enums in the document.
    VisitType = Literal[tuple(VISIT_TYPES)]
    HardshipLevel = Literal[tuple(LEVELS)]
    HardshipCause = Literal[tuple(CAUSES)]
    ClaimKind = Literal[tuple(CLAIM_KINDS)]
    CaseStage = Literal[tuple(s for s in STAGES if s != "accepted")]  # a case is accepted when opened
    OrganizationKind = Literal[tuple(ORGANIZATION_KINDS)]
    Headcount = whole(gt=0, le=10_000_000)
    SchemeYear = whole(ge=2000, le=2100)


class OpenFile(Command):
    member_id: uuid.UUID
    level: HardshipLevel
    cause: HardshipCause
    cause_detail: Text = ""
    family_situation: Text = ""
    documents: list[Name] = Field(default_factory=list, max_length=50)
    opened_on: dt.date
    next_review_on: dt.date | None = None


class ReviewFile(Command):
    reviewed_on: dt.date
    level: HardshipLevel | None = None  # another level: the file is upgraded or eased
    notes: Text = ""
    family_situation: Text | None = None
    documents: list[Name] = Field(default_factory=list, max_length=50)
    next_review_on: dt.date | None = None


class CloseFile(Command):
    closed_on: dt.date
    reason: Name


class VisitPolicy(Command):
    amounts_fen: dict[VisitType, PositiveFen] = Field(min_length=1)
    yearly_cap_fen: PositiveFen


class Goods(Command):
    item: Name
    quantity: whole(gt=0, le=1_000_000)  # type: ignore[valid-type]  # whole(…) is built at run time; to mypy, Any
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20, pattern=r"\S")]
    value_fen: PositiveFen  # the value of all of them together, as posted to the ledger


class RecordGrant(Command):
    member_id: uuid.UUID
    visit_type: VisitType
    occasion_on: dt.date
    # What tells this occasion from another of the same day (a hospital admission number …).
    occasion_ref: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    money_fen: Fen | None = None  # default: the policy's standard amount less the goods
    goods: list[Goods] = Field(default_factory=list, max_length=20)
    hardship_file_id: uuid.UUID | None = None
    note: Text = ""


class ApproveGrant(Command):
    paid_on: dt.date | None = None  # default: today in the federation's time zone


class CancelGrant(Command):
    reason: Name


class CreateGreeting(Command):
    festival: Festival
    amount_fen: PositiveRequestFen
    eligibility: Eligibility = Eligibility()
    paid_on: Day  # a date as written, never a number read as a timestamp

    def purpose(self) -> str:
        return FESTIVALS[self.festival]


# --- campaigns and drives ---


class CreateCampaign(Command):
    kind: CampaignKind
    title: Annotated[str, Field(min_length=1, max_length=120)]
    provider: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    cost_per_member_fen: PositiveRequestFen
    eligibility: Eligibility = Eligibility()
    # Named members instead of everyone eligible in the subtree (e.g. the 44 women who signed up).
    member_ids: Annotated[list[uuid.UUID], Field(max_length=10_000)] | None = None


class PayCampaign(Command):
    amount_fen: PositiveRequestFen
    paid_on: dt.date
    description: Annotated[str, Field(min_length=1, max_length=200)]


class CancelCampaign(Command):
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class FileClaim(Command):
    member_id: uuid.UUID
    claimed_fen: PositiveRequestFen
    description: Annotated[str, Field(min_length=1, max_length=500)]


class DecideClaim(Command):
    action: Literal["review", "pay", "reject"]
    paid_fen: PositiveRequestFen | None = None
    reason: Annotated[str, Field(min_length=1, max_length=300)] | None = None


class CreateDrive(Command):
    code: DriveCode
    title: Annotated[str, Field(min_length=1, max_length=120)]
    beneficiary_member_id: uuid.UUID
    pseudonym: Annotated[str, Field(min_length=1, max_length=60)] | None = None


class RecordDonation(Command):
    amount_fen: PositiveRequestFen
    received_on: dt.date
    # ``anonymous`` comes first so the donor's rule sees it; checked even when no donor is sent,
    # and the refusal points at ``#/donor``, the field to fill in or leave out.
    anonymous: bool = False
    donor: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(default=None, validate_default=True)

    @field_validator("donor")
    @classmethod
    def _named_or_anonymous(cls, donor: str | None, info: ValidationInfo) -> str | None:
        if "anonymous" not in info.data:  # anonymous itself was refused; that error says enough
            return donor
        anonymous = info.data["anonymous"]
        if not anonymous and not donor:
            raise field_refusal("donor_missing", zh="请填写捐款人，或选择匿名", en="name the donor or set anonymous")
        if anonymous and donor:
            raise field_refusal(
                "anonymous_donation_names_donor", zh="匿名捐款不填写捐款人", en="an anonymous donation names no donor"
            )
        if donor and donor.strip().lower() == ANONYMOUS:
            raise field_refusal(
                "anonymous_donation_names_donor",
                zh="匿名捐款请选择匿名（anonymous=true），不要把捐款人写作 anonymous",
                en="use anonymous=true for an anonymous donation",
            )
        return donor

    def donor_label(self) -> str:
        return donor_label(self.donor, self.anonymous)


class Disburse(Command):
    amount_fen: PositiveRequestFen
    paid_on: dt.date


# --- workers' rights cases ---

# The unified social credit code (统一社会信用代码): 18 characters, no I, O, S, V or Z.
# Upper-cased before the check (a BeforeValidator listed last runs first), so codes match later.
CreditCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{4,19}$")]
RightsWeek = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]


class CaseWorker(Command):
    """A member from the directory by id, or a non-member by name and phone."""

    member_id: uuid.UUID | None = None
    name: Name | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _member_or_named(self) -> "CaseWorker":
        if self.member_id is not None and (self.name is not None or self.phone is not None):
            raise field_refusal(
                "rights_case_worker_ambiguous",
                zh="会员只填会员编号；非会员填写姓名和电话",
                en="a member is given by member_id alone; a non-member by name and phone",
            )
        if self.member_id is None and (self.name is None or self.phone is None):
            raise field_refusal(
                "rights_case_worker_unnamed",
                zh="请填写会员编号，或非会员的姓名和电话",
                en="give a member_id, or a non-member's name and phone",
            )
        return self


class OpenRightsCase(Command):
    employer_name: Name
    employer_credit_code: CreditCode | None = None
    workers: list[CaseWorker] = Field(min_length=1, max_length=200)
    claim_kind: ClaimKind
    claimed_fen: Fen
    accepted_on: Day | None = None  # today in the federation's zone when left out
    deadline_on: Day | None = None  # acceptance + 15 days when left out
    rights_week: RightsWeek | None = None
    # The rights week activity (events, kind rights_week) the case was opened at; sets rights_week.
    rights_week_id: uuid.UUID | None = None
    note: Text = ""


class MoveRightsCase(Command):
    stage: CaseStage
    on: Day | None = None  # today in the federation's zone when left out
    deadline_on: Day | None = None  # the stage's default when left out
    recovered_fen: Fen | None = None  # the total recovered so far; may exceed the claim
    outcome: Text | None = None
    note: Text = ""


class HandRightsCase(Command):
    handled_by: Name


# --- the mutual-aid fund (互助金) ---

if TYPE_CHECKING:
    LoanMonths = int
    LoanStatus = str
else:
    LoanMonths = whole(ge=1, le=12)  # the fund's own rule (6) is checked by the domain, with its code
    LoanStatus = Literal[tuple(LOAN_STATUSES)]


class RecordContribution(Command):
    """Money paid into the fund: by members (one member named, or a collection) or by the union."""

    contributor: Literal["member", "union"]
    member_id: uuid.UUID | None = None  # the member who paid, when one did
    amount_fen: PositiveFen
    received_on: Day | None = None  # today in the federation's zone when left out
    note: Text = ""

    @model_validator(mode="after")
    def _member_only_for_members(self) -> "RecordContribution":
        if self.contributor == "union" and self.member_id is not None:
            raise field_refusal(
                "mutual_aid_contributor_ambiguous",
                zh="工会拨入的互助金不填会员",
                en="a contribution of the union names no member",
            )
        return self


class ApplyForLoan(Command):
    member_id: uuid.UUID
    amount_fen: PositiveFen
    purpose: Name
    months: LoanMonths
    applied_on: Day | None = None  # today in the federation's zone when left out


class DecideLoan(Command):
    on: Day | None = None  # today in the federation's zone when left out; the schedule starts a month later
    note: Text = ""


class RecordRepayment(Command):
    amount_fen: PositiveFen
    repaid_on: Day | None = None  # today in the federation's zone when left out


# --- help beyond the members: non-members, organizations, student aid ---

# The resident identity card number (居民身份证号): 17 digits and a check digit or X, upper-cased.
IdNumber = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{17}[0-9X]$"),
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
]


class OutsideRecipient(Command):
    """A person who is not a member (name; phone and ID number protected), or an organization (its kind
    and how many people the help reached)."""

    kind: Literal["person", "organization"]
    name: Name
    phone: Phone | None = None
    id_number: IdNumber | None = None
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""  # 农民工 …
    organization_kind: OrganizationKind | None = None
    headcount: Headcount | None = None

    @model_validator(mode="after")
    def _person_or_organization(self) -> "OutsideRecipient":
        if self.kind == "person" and (self.organization_kind is not None or self.headcount is not None):
            raise field_refusal(
                "outside_recipient_person_with_organization",
                zh="个人受助者不填写组织类别和受益人数",
                en="a person is given no organization_kind nor headcount",
            )
        if self.kind == "organization" and (self.phone is not None or self.id_number is not None):
            raise field_refusal(
                "outside_recipient_organization_with_person",
                zh="组织受助者不填写电话和身份证号",
                en="an organization is given no phone nor id_number",
            )
        if self.kind == "organization" and (self.organization_kind is None or self.headcount is None):
            raise field_refusal(
                "outside_recipient_organization_incomplete",
                zh="组织受助者须填写组织类别和受益人数",
                en="an organization needs its organization_kind and headcount",
            )
        return self


class RecordOutsideGrant(Command):
    recipient: OutsideRecipient
    purpose: Name = "送温暖"
    given_on: Day | None = None  # today in the federation's zone when left out
    money_fen: Fen = 0
    goods: list[Goods] = Field(default_factory=list, max_length=50)
    note: Text = ""


class AidLevelIn(Command):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"\S")]
    amount_fen: PositiveFen


class CreateStudentAidScheme(Command):
    year: SchemeYear
    name: Name  # 金秋助学, 寒窗助学 …
    criteria: Text = ""
    levels: list[AidLevelIn] = Field(min_length=1, max_length=20)


class ApplyStudentAid(Command):
    scheme_id: uuid.UUID
    member_id: uuid.UUID | None = None  # the parent, for a member's child; left out: a non-member student
    student_name: Name
    id_number: IdNumber
    school: Name
    level: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    applied_on: Day | None = None  # today in the federation's zone when left out
    note: Text = ""


class ReviewStudentAid(Command):
    decision: Literal["approve", "refuse"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = None
    paid_on: Day | None = None  # on approval; default today in the federation's zone

    @model_validator(mode="after")
    def _refusal_has_reason(self) -> "ReviewStudentAid":
        if self.decision == "refuse" and not self.reason:
            raise field_refusal(
                "student_aid_refusal_reason_missing",
                zh="不予批准须说明理由",
                en="a refusal needs a reason",
            )
        return self
