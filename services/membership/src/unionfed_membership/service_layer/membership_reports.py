"""Membership figures per union and for a whole subtree: members, 入会率, joins, leaves, transfers, retirees."""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from unionfed_membership.domain import rates
from unionfed_membership.domain.labels import kind_zh
from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import clock, permissions, scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.errors import Invalid
from unionfed_shared.problems import Language
from unionfed_shared.wire_values import Whole

# In the order of the CSV columns.
CHANGES = ("joined", "transferred_in", "transferred_out", "retired", "left", "deceased", "rejoined")
MAX_STAFF = 10_000_000


class SetStaffCount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    staff_count: Whole = Field(ge=0, le=MAX_STAFF, description="职工人数: the union's employees")


def rate_percent(members: int, staff: int | None) -> str | None:
    """members / staff as a percentage with two decimals, rounded half up; None without a staff count.

    A string, never a float: 2/3 is "66.67", and the same on every reader. The rounding is the one
    rule of every rate (:mod:`unionfed_membership.domain.rates`), which the statistics reports'
    入会率 per mille also use.
    """
    return rates.percent_text(members, staff)


@dataclass
class Figures:
    organization_id: str
    name: str
    staff_count: int | None = None
    active: int = 0
    retired: int = 0
    changes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANGES, 0))
    # For a total: the active members of only those unions whose staff count is known.
    rate_members: int | None = None

    @property
    def membership_rate_percent(self) -> str | None:
        # Retirees stay members but are no longer staff: the rate counts working members.
        return rate_percent(self.active if self.rate_members is None else self.rate_members, self.staff_count)

    def as_dict(self) -> dict:
        return {
            "organization_id": self.organization_id,
            "name": self.name,
            "staff_count": self.staff_count,
            "active_members": self.active,
            "retired_members": self.retired,
            "members": self.active + self.retired,
            "membership_rate_percent": self.membership_rate_percent,
            **self.changes,
        }


@dataclass
class Report:
    root: Organization
    first_day: dt.date
    last_day: dt.date
    unions: list[Figures]
    total: Figures
    without_staff_count: list[str]

    def as_dict(self) -> dict:
        return {
            "organization_id": self.root.id,
            "from": self.first_day.isoformat(),
            "to": self.last_day.isoformat(),
            # Shown on the federation's wall clock, as its dates are.
            "generated_at": clock.now().astimezone(self.root.zone).isoformat(timespec="seconds"),
            "unions": [u.as_dict() for u in self.unions],
            "total": self.total.as_dict(),
            "unions_without_staff_count": self.without_staff_count,
        }


async def set_staff_count(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: SetStaffCount
) -> int:
    organization = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*permissions.OFFICERS)
    if organization.kind != "grassroots_union":
        raise Invalid(
            "staff_count_not_on_grassroots_union",
            zh=f"职工人数按基层工会登记，不能登记在{kind_zh(organization.kind)}上",
            en=f"the staff count (职工人数) is kept per grassroots union, not per {organization.kind}",
        )
    await uow.membership_report.set_staff_count(organization.id, command.staff_count, principal.subject)
    await uow.commit()
    return command.staff_count


async def membership_report(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    first_day: dt.date | None,
    last_day: dt.date | None,
) -> Report:
    root = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*permissions.OFFICERS, Role.AUDITOR)
    last_day = last_day or clock.today(root.zone)
    first_day = first_day or last_day.replace(month=1, day=1)
    if first_day > last_day:
        raise Invalid("date_range_reversed", zh="开始日期不能晚于结束日期", en="from must not be after to")
    organizations = await uow.organizations.subtree(root)
    rows, owner = _rows(root, organizations)
    queries = uow.membership_report
    ids = list(owner)
    staff = await queries.staff_counts([r.organization_id for r in rows])
    by_id = {r.organization_id: r for r in rows}
    for row in rows:
        row.staff_count = staff.get(row.organization_id)
    for (org, status), count in (await queries.members_by_status(ids)).items():
        if status in ("active", "retired"):
            setattr(by_id[owner[org]], status, getattr(by_id[owner[org]], status) + count)
    for (org, change), count in (await queries.changes(ids, first_day, last_day)).items():
        if change in CHANGES:  # an employer change (employer_changed) is no change of membership
            by_id[owner[org]].changes[change] += count
    missing = [r.organization_id for r in rows if r.staff_count is None]
    return Report(root, first_day, last_day, rows, _total(root, rows), missing)


def _rows(root: Organization, organizations: list[Organization]) -> tuple[list[Figures], dict[str, str]]:
    """One row per grassroots union (its groups rolled into it), and which row each organization feeds."""
    if root.kind == "union_group":
        return [Figures(root.id, root.name)], {root.id: root.id}
    unions = [o for o in organizations if o.kind == "grassroots_union"]
    union_ids = {u.id for u in unions}
    owner = {u.id: u.id for u in unions}
    for o in organizations:
        if o.kind == "union_group" and o.parent_id in union_ids:
            owner[o.id] = o.parent_id
    return [Figures(u.id, u.name) for u in unions], owner


def _total(root: Organization, rows: list[Figures]) -> Figures:
    """The whole tree. Its rate counts only unions with a staff count, so a missing count never
    reads as 0 staff (or as 100%); the report names the unions it left out."""
    total = Figures(root.id, root.name)
    counted = [r for r in rows if r.staff_count is not None]
    total.staff_count = sum(r.staff_count or 0 for r in counted) if counted else None
    total.active = sum(r.active for r in rows)
    total.retired = sum(r.retired for r in rows)
    for change in CHANGES:
        total.changes[change] = sum(r.changes.get(change, 0) for r in rows)
    total.rate_members = sum(r.active for r in counted)
    return total


CSV_HEADERS_ZH = (
    "组织代码",
    "组织名称",
    "职工人数",
    "在职会员",
    "退休会员",
    "会员合计",
    "入会率(%)",
    "入会",
    "转入",
    "转出",
    "退休",
    "离会",
    "去世",
    "重新入会",
)


SHEET_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": CSV_HEADERS_ZH,
    "en": (
        "Code",
        "Organization",
        "Staff",
        "Active members",
        "Retired members",
        "Members",
        "Membership rate (%)",
        "Joined",
        "Transferred in",
        "Transferred out",
        "Retired",
        "Left",
        "Deceased",
        "Rejoined",
    ),
}
SHEET_TITLE: dict[Language, str] = {"zh-CN": "会员统计", "en": "Membership report"}
TOTAL: dict[Language, str] = {"zh-CN": "合计 ", "en": "Total: "}


def sheet_filename(report: Report, language: Language) -> str:
    return f"{SHEET_TITLE[language]}-{report.root.name}-{report.first_day}-{report.last_day}.xlsx"


def sheet_rows(report: Report, language: Language) -> list[list[Cell]]:
    """The CSV's rows with numbers as numbers: the rate a percentage with two decimals, or empty."""
    rows: list[list[Cell]] = []
    for row in [*report.unions, report.total]:
        rate = row.membership_rate_percent
        rows.append(
            [
                row.organization_id,
                TOTAL[language] + row.name if row is report.total else row.name,
                row.staff_count,
                row.active,
                row.retired,
                row.active + row.retired,
                None if rate is None else Decimal(rate),
                *(row.changes[c] for c in CHANGES),
            ]
        )
    return rows


def report_csv(report: Report) -> bytes:
    """UTF-8 with BOM, which Chinese Excel opens without garbling."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([f"会员统计 {report.first_day.isoformat()} 至 {report.last_day.isoformat()}"])
    writer.writerow(CSV_HEADERS_ZH)
    for row in [*report.unions, report.total]:
        rate = row.membership_rate_percent
        name = "合计 " + row.name if row is report.total else row.name
        writer.writerow(
            [
                row.organization_id,
                name,
                "" if row.staff_count is None else row.staff_count,
                row.active,
                row.retired,
                row.active + row.retired,
                rate or "",
                *(row.changes[c] for c in CHANGES),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
