"""Help beyond the members (送温暖 to non-members and organizations): rules with no I/O.

A federation or union gives money and goods at their value to a person who is not a member (a
migrant worker, 农民工) or to an organization (a village school, a group of migrant workers, a
community), through finance like any grant: the same hold is reserved when the help is recorded,
paid when it is approved and voided when it is cancelled. A person's name, phone and ID number are
personal data, shown like a rights case's workers: to the officer who recorded the help, federation
admins and auditors; other readers in scope see a pseudonym. An organization is named to every reader.
"""

import dataclasses
import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable

from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Invalid
from unionfed_welfare.domain.grants import APPROVED, CANCELLED, RECORDED

# The reference of the help's hold in finance (``outside-grant/<id>``): finance's answers find it by it.
REFERENCE_PREFIX = "outside-grant/"

PERSON, ORGANIZATION = "person", "organization"
RECIPIENT_KINDS = {PERSON: "个人（非会员）", ORGANIZATION: "组织"}
ORGANIZATION_KINDS = {
    "village_school": "村小",
    "migrant_workers": "农民工群体",
    "community": "社区",
    "other": "其他",
}
# The groups the welfare report counts help by: persons, then each kind of organization.
GROUP_LABELS = {
    "zh-CN": {PERSON: "非会员个人", **ORGANIZATION_KINDS},
    "en": {
        PERSON: "Non-member persons",
        "village_school": "Village schools",
        "migrant_workers": "Migrant workers' groups",
        "community": "Communities",
        "other": "Other organizations",
    },
}
_RESERVED = {"zh-CN": "{purpose}（{whom}）", "en": "{purpose} ({whom})"}
_PAID = {"zh-CN": "{purpose}（{whom}，帮扶单 {id}）", "en": "{purpose} ({whom}, help {id})"}
_A_PERSON = {"zh-CN": "非会员个人", "en": "a non-member"}
STATUS_ZH = {RECORDED: "待审批", APPROVED: "已审批发放", CANCELLED: "已取消"}
RECORDERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.FEDERATION_ADMIN)
READERS = (*RECORDERS, Role.AUDITOR)


@dataclasses.dataclass
class OutsideGrant:
    """Help to a non-member or an organization: money and/or goods through one hold in finance."""

    id: uuid.UUID
    organization_id: str  # the union or federation that gives it
    federation_id: str
    recipient_kind: str  # person, organization
    organization_kind: str | None  # for an organization: village_school, migrant_workers, community, other
    recipient_name: str
    phone: str | None  # a person's: personal data
    id_number: str | None  # a person's: personal data
    recipient_note: str  # who they are (农民工, 环卫工 …)
    people_reached: int  # a person: 1; an organization: the headcount the help reached
    given_on: dt.date
    purpose: str
    money_fen: int
    goods_fen: int
    amount_fen: int
    hold_id: uuid.UUID
    recorded_by: str
    note: str = ""
    status: str = RECORDED
    recorded_at: dt.datetime | None = None  # set by the database when stored
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    cancelled_by: str | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str | None = None

    @property
    def group(self) -> str:
        """What the report counts it under: a person, or the organization's kind."""
        return self.organization_kind or PERSON

    def approve(self, by: str, at: dt.datetime) -> None:
        self.status, self.approved_by, self.approved_at = APPROVED, by, at

    def cancel(self, by: str, at: dt.datetime, reason: str) -> None:
        self.status, self.cancelled_by, self.cancelled_at, self.cancel_reason = CANCELLED, by, at, reason

    def reopen(self) -> None:
        """Back to recorded, to be approved once more: finance refused the payment."""
        self.status, self.approved_by, self.approved_at = RECORDED, None, None


def amounts(money_fen: int, goods_values: Iterable[int]) -> tuple[int, int]:
    """(money, goods value): help needs one or the other. There is no standard amount to stay under."""
    goods_fen = sum(goods_values)
    if money_fen + goods_fen <= 0:
        raise Invalid(
            "outside_grant_empty",
            zh="帮扶须有现金或物品",
            en="help needs money or goods",
        )
    return money_fen, goods_fen


def reserved_purpose(purpose: str, grant: OutsideGrant, language: str) -> str:
    """What finance's hold says: an organization by name, a person never (finance is read widely)."""
    whom = grant.recipient_name if grant.recipient_kind == ORGANIZATION else _A_PERSON.get(language, _A_PERSON["zh-CN"])
    return _RESERVED.get(language, _RESERVED["zh-CN"]).format(purpose=purpose, whom=whom)


def paid_description(grant: OutsideGrant, language: str) -> str:
    whom = grant.recipient_name if grant.recipient_kind == ORGANIZATION else _A_PERSON.get(language, _A_PERSON["zh-CN"])
    return _PAID.get(language, _PAID["zh-CN"]).format(purpose=grant.purpose, whom=whom, id=grant.id)


def may_read_details(principal: Principal, grant: OutsideGrant, organization_path: list[str]) -> bool:
    """A person's name, phone and ID number: who recorded the help, federation admins and auditors in scope."""
    if not principal.can_see(organization_path):
        return False
    return principal.subject == grant.recorded_by or principal.role in (Role.FEDERATION_ADMIN, Role.AUDITOR)


def recipient_pseudonym(grant_id: uuid.UUID) -> str:
    """Stable and meaningless: the same help always names its person the same."""
    return "受助人-" + hashlib.sha256(grant_id.bytes).hexdigest()[:8].upper()


# The welfare report


@dataclasses.dataclass(frozen=True)
class HelpCounted:
    """One grant of help as the report counts it: its group, what it gave and where its money stands."""

    group: str
    given_on: dt.date
    people_reached: int
    money_fen: int
    goods_fen: int
    status: str
    hold_status: str
    paid_fen: int | None
    paid_on: dt.date | None


def report_lines(help_given: Iterable[HelpCounted], start: dt.date, end: dt.date) -> list[dict]:
    """Per group (persons, then each organization kind): help given in the period (by its date; not
    cancelled, not refused by finance) with the people it reached, and help paid in the period (by
    the date finance paid it), cash and goods apart."""
    lines: dict[str, dict[str, int]] = {
        group: {
            "given": 0,
            "people_reached": 0,
            "granted_fen": 0,
            "paid": 0,
            "paid_fen": 0,
            "paid_money_fen": 0,
            "paid_goods_fen": 0,
        }
        for group in (PERSON, *ORGANIZATION_KINDS)
    }
    for one in help_given:
        line = lines[one.group]
        if start <= one.given_on <= end and one.status != CANCELLED and one.hold_status not in finance_holds.RELEASED:
            line["given"] += 1
            line["people_reached"] += one.people_reached
            line["granted_fen"] += one.money_fen + one.goods_fen
        if one.hold_status == finance_holds.CAPTURED and one.paid_on is not None and start <= one.paid_on <= end:
            line["paid"] += 1
            line["paid_fen"] += one.paid_fen or 0
            line["paid_money_fen"] += one.money_fen
            line["paid_goods_fen"] += one.goods_fen
    return [{"group": group, **line} for group, line in lines.items() if line["given"] or line["paid"]]
