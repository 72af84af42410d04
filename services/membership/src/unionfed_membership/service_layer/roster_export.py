"""The roster of a subtree as .xlsx or .csv, in the columns the import reads; personal data masked.

The full ID number and phone never leave in an export: a roster file is mailed around and
printed, so it carries the masked forms only (the same as officers see in lists).
"""

import csv
import datetime as dt
import io
from typing import Literal

from unionfed_membership.domain.model import Member, Organization
from unionfed_membership.domain.roster import fen_to_yuan, mask_phone, safe_cell
from unionfed_membership.service_layer import permissions, scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.documents import spreadsheet

Format = Literal["xlsx", "csv"]
HEADERS = {
    "zh": ("姓名", "性别", "身份证号", "手机", "工号", "入会日期", "基本工资", "工会小组", "所属工会", "状态"),
    "en": (
        "name",
        "gender",
        "id_number",
        "phone",
        "staff_no",
        "joined_on",
        "base_salary",
        "union_group",
        "union",
        "status",
    ),
}
GENDER = {"zh": {"female": "女", "male": "男"}, "en": {"female": "female", "male": "male"}}
STATUS = {
    "zh": {"active": "在职", "retired": "退休", "left": "离会", "deceased": "去世"},
    "en": {"active": "active", "retired": "retired", "left": "left", "deceased": "deceased"},
}
MEDIA_TYPES = {
    "xlsx": spreadsheet.MEDIA_TYPE,
    "csv": "text/csv; charset=utf-8",
}


async def roster_rows(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, lang: str = "zh"
) -> tuple[Organization, list[list[str | dt.date]]]:
    root = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*permissions.OFFICERS, Role.AUDITOR)  # the audit committee reads, masked as officers
    organizations = await uow.organizations.subtree(root)
    by_id = {o.id: o for o in organizations}
    rows = []
    for organization in organizations:
        for member in await uow.members.in_organization(organization.id):
            rows.append(_row(member, organization, by_id, lang))
    return root, rows


def _row(member: Member, organization: Organization, by_id: dict[str, Organization], lang: str) -> list[str | dt.date]:
    group = organization if organization.kind == "union_group" else None
    union = by_id.get(organization.parent_id) if group and organization.parent_id else organization
    return [
        safe_cell(member.display_name),
        GENDER[lang].get(member.gender, member.gender),
        member.masked_id_number or "",
        mask_phone(member.phone),
        safe_cell(member.staff_no or ""),
        member.joined_on,
        fen_to_yuan(member.base_salary_fen),
        safe_cell(group.name) if group else "",
        safe_cell(union.name if union else organization.name),
        STATUS[lang].get(member.status, member.status),
    ]


def to_csv(rows: list[list[str | dt.date]], lang: str = "zh") -> bytes:
    """UTF-8 with a BOM, so Chinese Excel opens it without garbling the headers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS[lang])
    for row in rows:
        writer.writerow([cell.isoformat() if hasattr(cell, "isoformat") else cell for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[list[str | dt.date]], lang: str = "zh", title: str = "会员名册") -> bytes:
    """The shared writer (dates as dates, control characters shown as U+FFFD); the cells are
    already quoted by safe_cell, so the import reads back what it wrote."""
    return spreadsheet.to_xlsx(title, HEADERS[lang], rows)
