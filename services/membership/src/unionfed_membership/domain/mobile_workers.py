"""Migrant workers (农民工) and new-form workers (新就业形态劳动者) in joint and trade unions: rules only.

They join a joint union (联合工会) or a trade union (行业工会): a grassroots union of the tree that no
one employer's union is, so their membership does not end with a job. A member's worker category
and employer are dated records; changing employer inside such a union keeps the membership and
writes an ``employer_changed`` row in the member's history, while moving into the new employer's
own union (会籍接转) is an ordinary transfer (domain/lifecycle.py).
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from unionfed_membership.domain.labels import kind_zh, status_zh
from unionfed_membership.domain.lifecycle import HistoryEntry, check_date_order
from unionfed_membership.domain.model import Member, Organization
from unionfed_shared.errors import Conflict, Invalid

# joint 联合工会 (the workers of several small enterprises, or of an area), trade 行业工会 (of one trade)
UnionForm = Literal["joint", "trade"]
# delivery_rider 外卖骑手, courier 快递员, ride_hailing_driver 网约车司机, truck_driver 货车司机, other 其他
NewForm = Literal["delivery_rider", "courier", "ride_hailing_driver", "truck_driver", "other"]
NEW_FORMS: tuple[NewForm, ...] = get_args(NewForm)
UNION_FORM_ZH = {"joint": "联合工会", "trade": "行业工会"}
MAX_NAME = 200


@dataclass(frozen=True)
class JointUnion:
    """A grassroots union designated a joint or trade union: its members have no fixed employer union."""

    organization_id: str
    form: UnionForm
    trade: str | None  # what a trade union organizes (外卖配送, 快递物流); None for a joint union
    designated_on: dt.date

    @classmethod
    def designate(
        cls,
        union: Organization,
        form: UnionForm,
        trade: str | None,
        designated_on: dt.date,
        today: dt.date,
        *,
        is_enterprise_union: bool,
    ) -> "JointUnion":
        if union.kind != "grassroots_union":
            raise Invalid(
                "joint_union_not_grassroots",
                zh=f"联合工会、行业工会是基层工会，不能指定{kind_zh(union.kind)}",
                en=f"a joint or trade union is a grassroots union, not a {union.kind}",
            )
        if is_enterprise_union:
            raise Conflict(
                "joint_union_is_enterprise_union",
                zh=f"{union.name}是企业登记的本企业工会，不能同时作为{UNION_FORM_ZH[form]}",
                en=f"{union.name} is an enterprise's own union, so it cannot be a {form} union",
            )
        if designated_on > today:
            raise Invalid(
                "designation_date_in_future",
                zh="指定日期不能晚于今天",
                en="a union is designated on a day not after today",
                pointer="#/designated_on",
            )
        trade = (trade or "").strip() or None
        if form == "trade" and trade is None:
            raise Invalid(
                "trade_missing",
                zh="行业工会须注明所属行业（如外卖配送、快递物流）",
                en="a trade union names its trade (e.g. food delivery, courier services)",
                pointer="#/trade",
            )
        if form == "joint" and trade is not None:
            raise Invalid(
                "trade_on_joint_union",
                zh="联合工会不按行业组建，请不要填写行业",
                en="a joint union is not of one trade; leave the trade out",
                pointer="#/trade",
            )
        return cls(organization_id=union.id, form=form, trade=trade, designated_on=designated_on)


@dataclass(frozen=True)
class WorkerCategory:
    """From ``effective_on``: whether the member is a migrant worker, and which new form of work
    they do (None: not a new-form worker). A rider may well be both."""

    member_id: uuid.UUID
    migrant_worker: bool
    new_form: NewForm | None
    effective_on: dt.date

    @property
    def is_mobile(self) -> bool:
        return self.migrant_worker or self.new_form is not None

    @classmethod
    def record(
        cls,
        member: Member,
        migrant_worker: bool,
        new_form: NewForm | None,
        effective_on: dt.date,
        today: dt.date,
        current: "WorkerCategory | None",
    ) -> "WorkerCategory":
        _check_active(member)
        if effective_on > today:
            raise Invalid(
                "category_date_in_future",
                zh="生效日期不能晚于今天",
                en="a worker category takes effect on a day not after today",
                pointer="#/effective_on",
            )
        if effective_on < member.joined_on:
            raise Invalid(
                "category_date_before_joining",
                zh=f"生效日期不能早于入会日期 {member.joined_on}",
                en=f"a worker category takes effect on or after the member joined ({member.joined_on})",
                pointer="#/effective_on",
            )
        if current is not None and effective_on < current.effective_on:
            raise Invalid(
                "category_date_before_last",
                zh=f"生效日期不能早于上次登记的生效日期 {current.effective_on}",
                en=f"the category's last change took effect on {current.effective_on}; a new one cannot be earlier",
                pointer="#/effective_on",
            )
        return cls(member.id, migrant_worker, new_form, effective_on)


@dataclass(frozen=True)
class Employer:
    """An enterprise of the register, or an employer by name only (a platform company, 平台企业)."""

    name: str
    enterprise_id: uuid.UUID | None = None

    @classmethod
    def by_name(cls, name: str) -> "Employer":
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise Invalid(
                "employer_name_invalid",
                zh=f"用工单位名称须为 1 至 {MAX_NAME} 个字符",
                en=f"an employer's name has 1 to {MAX_NAME} characters",
                pointer="#/employer_name",
            )
        return cls(name=name)


@dataclass(frozen=True)
class Employment:
    id: uuid.UUID
    member_id: uuid.UUID
    employer_name: str
    enterprise_id: uuid.UUID | None
    started_on: dt.date
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class EmployerChange:
    ended: Employment | None  # the employment that ended the day before
    started: Employment | None  # None: no employer from that day
    history: HistoryEntry


def change_employer(
    member: Member,
    current: Employment | None,
    employer: Employer | None,
    effective_on: dt.date,
    last_change_on: dt.date,
    today: dt.date,
    by: str,
    now: dt.datetime,
) -> EmployerChange:
    """The member works for ``employer`` (or for no one) from ``effective_on``, and stays in their union."""
    _check_active(member)
    if effective_on > today:
        raise Invalid(
            "employment_date_in_future",
            zh="换工作的日期不能晚于今天，请在事后登记",
            en="an employer change is recorded once it happened, on a day not after today",
            pointer="#/effective_on",
        )
    check_date_order(effective_on, last_change_on)
    if current is None and employer is None:
        raise Conflict(
            "no_current_employer",
            zh="该会员当前没有登记用工单位，无需登记离职",
            en="the member has no employer on record to leave",
        )
    if current is not None and employer is not None and _same(current, employer):
        raise Conflict(
            "employer_unchanged",
            zh=f"该会员当前的用工单位已是“{current.employer_name}”",
            en=f"the member already works for {current.employer_name}",
        )
    if current is not None and effective_on <= current.started_on:
        raise Invalid(
            "employment_change_too_early",
            zh=f"新的用工日期须晚于当前用工的开始日期 {current.started_on}",
            en=f"the change takes effect after the current employment started ({current.started_on})",
            pointer="#/effective_on",
        )
    ended = (
        Employment(
            current.id,
            current.member_id,
            current.employer_name,
            current.enterprise_id,
            current.started_on,
            ended_on=effective_on - dt.timedelta(days=1),
        )
        if current is not None
        else None
    )
    started = (
        Employment(uuid.uuid4(), member.id, employer.name, employer.enterprise_id, effective_on)
        if employer is not None
        else None
    )
    history = HistoryEntry(member.id, member.organization_id, "employer_changed", effective_on, now, by)
    return EmployerChange(ended, started, history)


def _same(current: Employment, employer: Employer) -> bool:
    if current.enterprise_id is not None or employer.enterprise_id is not None:
        return current.enterprise_id == employer.enterprise_id
    return current.employer_name == employer.name


def _check_active(member: Member) -> None:
    if member.status != "active":
        raise Invalid(
            "member_not_active",
            zh=f"会员 {member.id} 当前为{status_zh(member.status)}状态，只登记在册会员的用工情况",
            en=f"member {member.id} is {member.status}; worker records are kept for active members",
        )


@dataclass(frozen=True)
class Tally:
    members: int = 0
    joined: int = 0  # of them, joined in the period


@dataclass(frozen=True)
class MobileWorkerCounts:
    first: dt.date
    last: dt.date
    migrant_workers: Tally
    new_form_workers: Tally
    by_form: tuple[tuple[NewForm, Tally], ...]
    migrant_and_new_form: Tally  # counted in both above


def count(members: Iterable[tuple[dt.date, WorkerCategory]], first: dt.date, last: dt.date) -> MobileWorkerCounts:
    """Active members by category as it stood on ``last``, each given with their joining date;
    ``joined`` counts those who joined from ``first`` to ``last``."""
    rows = list(members)

    def tally(chosen: list[dt.date]) -> Tally:
        return Tally(len(chosen), sum(1 for joined_on in chosen if first <= joined_on <= last))

    return MobileWorkerCounts(
        first=first,
        last=last,
        migrant_workers=tally([j for j, c in rows if c.migrant_worker]),
        new_form_workers=tally([j for j, c in rows if c.new_form is not None]),
        by_form=tuple((form, tally([j for j, c in rows if c.new_form == form])) for form in NEW_FORMS),
        migrant_and_new_form=tally([j for j, c in rows if c.migrant_worker and c.new_form is not None]),
    )
