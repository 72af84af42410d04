"""Workers' rights cases (维权): labour-dispute mediation and wage arrears, followed to their outcome.

Rules with no I/O. A case is opened by a union or federation (受理), may go to mediation (调解)
and ends closed (结案) or referred to arbitration or litigation (转仲裁 / 转诉讼). Stages only move
forward. Like hardship files, a case is case work about people: the workers' names and phones
reach only the officer handling it, federation admins and auditors; other readers in scope see
the case with each worker as a pseudonym.
"""

import dataclasses
import datetime as dt
import hashlib
import uuid
from uuid import UUID

from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid

CLAIM_KINDS = {
    "wage_arrears": "欠薪",
    "labour_contract": "劳动合同争议",
    "work_injury": "工伤",
    "other": "其他",
}
ACCEPTED, MEDIATION, ARBITRATION, LITIGATION, CLOSED = "accepted", "mediation", "arbitration", "litigation", "closed"
STAGES = {
    ACCEPTED: "受理",
    MEDIATION: "调解",
    ARBITRATION: "转仲裁",
    LITIGATION: "转诉讼",
    CLOSED: "结案",
}
# Forward is up this order: a referred case may still be closed when the award or judgement is
# known, and an arbitration award may be taken to court; nothing comes after closing.
_RANK = {ACCEPTED: 0, MEDIATION: 1, ARBITRATION: 2, LITIGATION: 3, CLOSED: 4}
REFERRALS = (ARBITRATION, LITIGATION)
# Days a stage has when no deadline is given. Mediation ends within 15 days of the request
# (劳动争议调解仲裁法 第十四条); arbitration within 45 days (第四十三条); the case's own deadline,
# set at acceptance, is that of mediation. Courts keep their own timetable: no default there.
DEFAULT_DAYS = {ACCEPTED: 15, MEDIATION: 15, ARBITRATION: 45}

OPENERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.FEDERATION_ADMIN)
READERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.FEDERATION_ADMIN, Role.AUDITOR)


@dataclasses.dataclass(frozen=True)
class Worker:
    """A worker the case is for: a member of the directory, or a non-member by name and phone."""

    member_id: UUID | None
    name: str | None
    phone: str | None

    @property
    def key(self) -> str:
        """Who the worker is across cases: the member, or the non-member's phone."""
        return (
            f"member:{self.member_id}"
            if self.member_id
            else f"phone:{''.join(c for c in self.phone or '' if c.isdigit())}"
        )


@dataclasses.dataclass(frozen=True)
class StageEntry:
    """One step of a case: the stage entered, on which business date, and its deadline."""

    id: UUID
    case_id: UUID
    stage: str
    entered_on: dt.date
    deadline_on: dt.date | None
    moved_by: str
    note: str
    created_at: dt.datetime | None = None


@dataclasses.dataclass
class RightsCase:
    id: UUID
    organization_id: str
    federation_id: str
    employer_name: str
    employer_credit_code: str | None  # as given: matched to membership's enterprise register later
    claim_kind: str
    claimed_fen: int
    recovered_fen: int
    stage: str
    accepted_on: dt.date
    deadline_on: dt.date
    closed_on: dt.date | None
    referred_on: dt.date | None
    outcome: str
    rights_week: str | None
    opened_by: str
    handled_by: str
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    rights_week_id: UUID | None = None  # the rights week activity it was opened at

    @classmethod
    def accepted(
        cls,
        *,
        organization_id: str,
        federation_id: str,
        employer_name: str,
        employer_credit_code: str | None,
        claim_kind: str,
        claimed_fen: int,
        accepted_on: dt.date,
        deadline_on: dt.date | None,
        rights_week: str | None,
        opened_by: str,
        note: str = "",
        rights_week_id: UUID | None = None,
    ) -> tuple["RightsCase", StageEntry]:
        deadline = stage_deadline(ACCEPTED, accepted_on, deadline_on)
        assert deadline is not None  # acceptance always has a default
        case = cls(
            id=uuid.uuid4(),
            organization_id=organization_id,
            federation_id=federation_id,
            employer_name=employer_name,
            employer_credit_code=employer_credit_code,
            claim_kind=claim_kind,
            claimed_fen=claimed_fen,
            recovered_fen=0,
            stage=ACCEPTED,
            accepted_on=accepted_on,
            deadline_on=deadline,
            closed_on=None,
            referred_on=None,
            outcome="",
            rights_week=rights_week,
            opened_by=opened_by,
            handled_by=opened_by,
            rights_week_id=rights_week_id,
        )
        return case, case._entry(ACCEPTED, accepted_on, deadline, opened_by, note)

    def move(
        self,
        stage: str,
        on: dt.date,
        *,
        by: str,
        last_entered_on: dt.date,
        deadline_on: dt.date | None,
        recovered_fen: int | None,
        outcome: str | None,
        note: str,
        at: dt.datetime,
    ) -> StageEntry:
        """Enter ``stage`` on ``on``: only forward, never before the stage the case is in began."""
        require_forward(self.stage, stage)
        if on < last_entered_on:
            raise Invalid(
                "rights_case_date_before_stage",
                zh=f"{STAGES[stage]}日期（{on}）不能早于{STAGES[self.stage]}日期（{last_entered_on}）",
                en=f"the {stage} date ({on}) cannot precede the {self.stage} date ({last_entered_on})",
            )
        deadline = stage_deadline(stage, on, deadline_on)
        if stage == MEDIATION and deadline_on is not None:
            self.deadline_on = deadline_on  # mediation's deadline is the case's: in time means by it
        if stage == CLOSED:
            self.closed_on = on
        if stage in REFERRALS and self.referred_on is None:
            self.referred_on = on
        if recovered_fen is not None:
            self.recovered_fen = recovered_fen
        if outcome is not None:
            self.outcome = outcome
        self.stage, self.updated_at = stage, at
        return self._entry(stage, on, deadline, by, note)

    def hand_to(self, subject: str, at: dt.datetime) -> None:
        self.handled_by, self.updated_at = subject, at

    @property
    def closed_in_time(self) -> bool:
        return self.closed_on is not None and self.closed_on <= self.deadline_on

    def _entry(self, stage: str, on: dt.date, deadline: dt.date | None, by: str, note: str) -> StageEntry:
        return StageEntry(uuid.uuid4(), self.id, stage, on, deadline, by, note)


def stage_deadline(stage: str, entered_on: dt.date, asked: dt.date | None) -> dt.date | None:
    if asked is None:
        days = DEFAULT_DAYS.get(stage)
        if days is None:
            return None
        if entered_on > dt.date.max - dt.timedelta(days=days):
            raise Invalid(
                "rights_case_date_out_of_range",
                zh=f"{STAGES[stage]}日期（{entered_on}）超出可用范围",
                en=f"the {stage} date ({entered_on}) is out of range",
            )
        return entered_on + dt.timedelta(days=days)
    if asked < entered_on:
        raise Invalid(
            "rights_case_deadline_before_stage",
            zh=f"期限（{asked}）不能早于{STAGES[stage]}日期（{entered_on}）",
            en=f"the deadline ({asked}) cannot precede the {stage} date ({entered_on})",
        )
    return asked


def require_forward(current: str, wanted: str) -> None:
    if current == CLOSED:
        raise Conflict(
            "rights_case_closed",
            zh="该维权案件已结案，不能再变更阶段",
            en="the rights case is closed; its stage cannot change",
        )
    if _RANK[wanted] <= _RANK[current]:
        raise Conflict(
            "rights_case_stage_backward",
            zh=f"案件处于「{STAGES[current]}」阶段，不能转为「{STAGES[wanted]}」：阶段只能向前推进",
            en=f"the case is at {current}; it cannot move to {wanted}: stages only move forward",
        )


def check_claim_kind(kind: str) -> None:
    if kind not in CLAIM_KINDS:
        raise Invalid(
            "rights_case_claim_kind_unknown",
            zh=f"未知的诉求类别 {kind!r}",
            en=f"unknown claim kind {kind!r}; one of: {', '.join(CLAIM_KINDS)}",
        )


def require_distinct_workers(workers: list[Worker]) -> None:
    keys = [w.key for w in workers]
    if len(set(keys)) != len(keys):
        raise Invalid(
            "rights_case_worker_repeated",
            zh="同一劳动者在案件中重复出现",
            en="the same worker is named twice in the case",
        )


# Who may do what


def may_read_details(principal: Principal, case: RightsCase, organization_path: list[str]) -> bool:
    """The workers' names and phones: the handling officer, federation admins and auditors in scope."""
    if not principal.can_see(organization_path):
        return False
    return principal.subject == case.handled_by or principal.role in (Role.FEDERATION_ADMIN, Role.AUDITOR)


def require_handler(principal: Principal, case: RightsCase) -> None:
    """Stage moves: the officer handling the case, or a federation admin (scope is checked before)."""
    if principal.role is Role.FEDERATION_ADMIN:
        return
    if principal.role not in OPENERS or principal.subject != case.handled_by:
        raise Forbidden(
            "rights_case_not_handler",
            zh="只有承办该案件的干部或联合会管理员可以办理",
            en="only the officer handling the case or a federation admin may act on it",
        )


def worker_pseudonym(case_id: UUID, position: int) -> str:
    """Stable and meaningless: the same worker of the same case always reads the same."""
    return "劳动者-" + hashlib.sha256(case_id.bytes + position.to_bytes(2, "big")).hexdigest()[:8].upper()


# Statistics


@dataclasses.dataclass(frozen=True)
class CaseFigures:
    """The figures of the cases opened in a period (a cohort: each case is counted with its opening)."""

    opened: int
    by_claim_kind: dict[str, int]
    closed: int
    closed_in_time: int
    referred: int
    claimed_fen: int
    recovered_fen: int
    workers_helped: int
    by_rights_week: dict[str, int]
    opened_at_rights_weeks: int  # cases naming the rights week activity they were opened at


def figures(cases: list[tuple[RightsCase, list[Worker]]]) -> CaseFigures:
    by_kind = dict.fromkeys(CLAIM_KINDS, 0)
    weeks: dict[str, int] = {}
    helped: set[str] = set()
    for case, workers in cases:
        by_kind[case.claim_kind] += 1
        if case.rights_week:
            weeks[case.rights_week] = weeks.get(case.rights_week, 0) + 1
        helped.update(w.key for w in workers)
    return CaseFigures(
        opened=len(cases),
        by_claim_kind=by_kind,
        closed=sum(1 for c, _ in cases if c.stage == CLOSED),
        closed_in_time=sum(1 for c, _ in cases if c.closed_in_time),
        referred=sum(1 for c, _ in cases if c.referred_on is not None),
        claimed_fen=sum(c.claimed_fen for c, _ in cases),
        recovered_fen=sum(c.recovered_fen for c, _ in cases),
        workers_helped=len(helped),
        by_rights_week=dict(sorted(weeks.items())),
        opened_at_rights_weeks=sum(1 for c, _ in cases if c.rights_week_id is not None),
    )
