"""Student aid (金秋助学 / 寒窗助学): a federation's scheme of a year, applications and their review.

Rules with no I/O. A federation sets a scheme for a year: its name, its criteria and an amount
per level of schooling (大学本科, 大专, 高中 …). A union applies for a member's child or for a
registered poor student who is not a member; the level's amount is reserved in finance with the
application, paid when it is approved and released when it is refused, like a grant. The student's
name and ID number are personal data: the officer who applied, federation admins and auditors read
them; other readers in scope see a pseudonym.
"""

import dataclasses
import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable

from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Invalid

# The reference of an application's hold in finance (``student-aid/<id>``).
REFERENCE_PREFIX = "student-aid/"

APPLIED, APPROVED, REFUSED = "applied", "approved", "refused"
STATUS_ZH = {APPLIED: "待审核", APPROVED: "已批准", REFUSED: "未批准"}
MEMBER_CHILD, NON_MEMBER = "member_child", "non_member"
STUDENT_KINDS = {MEMBER_CHILD: "会员子女", NON_MEMBER: "非会员建档立卡贫困学生"}
RECORDERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.FEDERATION_ADMIN)
READERS = (*RECORDERS, Role.AUDITOR)
_PAID = {"zh-CN": "{scheme}（{level}，申请 {id}）", "en": "{scheme} ({level}, application {id})"}


@dataclasses.dataclass(frozen=True)
class AidLevel:
    name: str  # 大学本科, 大专, 高中 …
    amount_fen: int


@dataclasses.dataclass(frozen=True)
class Scheme:
    id: uuid.UUID
    federation_id: str
    year: int
    name: str
    criteria: str
    levels: tuple[AidLevel, ...]
    created_by: str
    created_at: dt.datetime | None = None

    def amount_of(self, level: str) -> int:
        for known in self.levels:
            if known.name == level:
                return known.amount_fen
        raise Invalid(
            "student_aid_level_unknown",
            zh=f"助学项目「{self.name}」没有「{level}」这一档；可选：{'、'.join(lv.name for lv in self.levels)}",
            en=f"the scheme {self.name!r} has no level {level!r}; one of: {', '.join(lv.name for lv in self.levels)}",
        )


@dataclasses.dataclass
class Application:
    id: uuid.UUID
    scheme_id: uuid.UUID
    organization_id: str  # the union that applies
    federation_id: str
    year: int  # the scheme's
    student_kind: str  # member_child, non_member
    member_id: uuid.UUID | None  # the parent, for a member's child
    student_name: str  # personal data
    id_number: str  # personal data: the same student is helped once per scheme
    school: str
    level: str
    amount_fen: int  # the level's amount when applied
    applied_on: dt.date
    hold_id: uuid.UUID
    recorded_by: str
    note: str = ""
    status: str = APPLIED
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None
    refuse_reason: str | None = None
    recorded_at: dt.datetime | None = None  # set by the database when stored

    def approve(self, by: str, at: dt.datetime) -> None:
        self._require_applied()
        self.status, self.reviewed_by, self.reviewed_at = APPROVED, by, at

    def refuse(self, by: str, at: dt.datetime, reason: str) -> None:
        self._require_applied()
        self.status, self.reviewed_by, self.reviewed_at, self.refuse_reason = REFUSED, by, at, reason

    def reopen(self) -> None:
        """Back to applied, to be approved once more: finance refused the payment."""
        self.status, self.reviewed_by, self.reviewed_at = APPLIED, None, None

    def _require_applied(self) -> None:
        if self.status != APPLIED:
            raise Conflict(
                "student_aid_already_reviewed",
                zh=f"该助学申请{STATUS_ZH.get(self.status, self.status)}，只有待审核的申请可以审核",
                en=f"the application is {self.status}; only an application awaiting review is reviewed",
            )


class StudentAlreadyApplied(Exception):
    """Another application for the same student in the same scheme was stored first."""


def check_levels(levels: Iterable[AidLevel]) -> None:
    names = [level.name for level in levels]
    if len(set(names)) != len(names):
        raise Invalid(
            "student_aid_level_repeated",
            zh="助学档次名称重复",
            en="a level is named twice in the scheme",
        )


def paid_description(scheme: Scheme, application: Application, language: str) -> str:
    return _PAID.get(language, _PAID["zh-CN"]).format(scheme=scheme.name, level=application.level, id=application.id)


def may_read_details(principal: Principal, application: Application, organization_path: list[str]) -> bool:
    """The student's name and ID number: who applied, federation admins and auditors in scope."""
    if not principal.can_see(organization_path):
        return False
    return principal.subject == application.recorded_by or principal.role in (Role.FEDERATION_ADMIN, Role.AUDITOR)


def student_pseudonym(application_id: uuid.UUID) -> str:
    return "学生-" + hashlib.sha256(application_id.bytes).hexdigest()[:8].upper()


def display_state(status: str, hold_status: str) -> str:
    """One word for the application and its money together."""
    if status == REFUSED:
        return "refused" if hold_status in finance_holds.RELEASED else "refusing"
    if hold_status == finance_holds.REFUSED:
        return "refused_by_finance"
    return {
        finance_holds.REQUESTED: "awaiting_finance",
        finance_holds.RESERVED: "approved_awaiting_payment" if status == APPROVED else "reserved",
        finance_holds.CAPTURE_REQUESTED: "paying",
        finance_holds.CAPTURED: "paid",
        finance_holds.VOID_REQUESTED: "refusing",
        finance_holds.VOIDED: "refused",
    }[hold_status]


# The year's roll-up


@dataclasses.dataclass(frozen=True)
class Counted:
    """One application as the roll-up counts it."""

    level: str
    student_kind: str
    status: str
    amount_fen: int
    hold_status: str
    paid_fen: int | None


def _tally() -> dict:
    return {"applications": 0, "approved": 0, "refused": 0, "pending": 0, "approved_fen": 0, "paid_fen": 0}


def _count(tally: dict, one: Counted) -> None:
    tally["applications"] += 1
    if one.status == APPROVED:
        tally["approved"] += 1
        tally["approved_fen"] += one.amount_fen
    elif one.status == REFUSED:
        tally["refused"] += 1
    else:
        tally["pending"] += 1
    if one.hold_status == finance_holds.CAPTURED:
        tally["paid_fen"] += one.paid_fen or 0


def rollup(applications: Iterable[Counted]) -> dict:
    """Applications, approved, refused, pending, amounts approved and paid: in all, by level, by kind of student."""
    total = _tally()
    by_level: dict[str, dict] = {}
    by_kind = {kind: _tally() for kind in STUDENT_KINDS}
    for one in applications:
        _count(total, one)
        _count(by_level.setdefault(one.level, _tally()), one)
        _count(by_kind[one.student_kind], one)
    return {
        **total,
        "by_level": [{"level": level, **tally} for level, tally in sorted(by_level.items())],
        "by_student_kind": [{"student_kind": kind, "label": STUDENT_KINDS[kind], **by_kind[kind]} for kind in by_kind],
    }
