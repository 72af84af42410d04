"""Export layouts of statistics reports (报表样式): a federation's administrators define them, versioned;
its officers and auditors read them and download a report or a roll-up in one.

A layout names the catalogue's indicators and the manual indicators of the federation's forms of
its kind (any version); a report or roll-up is laid out only in a layout of its own federation and
kind (another federation's layout is 404, like a missing one).
"""

import uuid

from unionfed_membership.domain.report_layouts import Known, LayoutField, LayoutRow, ReportLayout
from unionfed_membership.domain.statistics_reports import ReportKind
from unionfed_membership.service_layer import commands, permissions, scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.reporting import INDICATORS
from unionfed_shared.errors import Forbidden, Invalid, NotFound

READERS = (*permissions.OFFICERS, Role.AUDITOR)


def _not_found() -> NotFound:
    return NotFound(
        "report_layout_not_found",
        zh="未找到该报表样式，或其不属于本报表所在的工会联合会",
        en="export layout not found, or not one of the report's federation",
    )


async def _known(uow: MembershipUnitOfWork, federation_id: str, kind: ReportKind) -> dict[str, Known]:
    known = {code: Known(i.zh, i.unit) for code, i in INDICATORS.items()}
    for form in await uow.report_forms.versions(federation_id, kind):
        for m in form.manual:
            known.setdefault(m.code, Known(m.zh, m.unit))
    return known


async def layouts(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> list[ReportLayout]:
    """The layouts the organization's reports and roll-ups can be downloaded in (its federation's):
    every version of every layout, by kind and key, newest version first."""
    organization = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    return await uow.report_layouts.of_federation(organization.federation_id)


async def define_layout(
    uow: MembershipUnitOfWork, principal: Principal, federation_id: str, command: commands.DefineReportLayout
) -> ReportLayout:
    federation = await scope.organization_in_scope(uow, principal, federation_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    if federation.kind != "federation" or federation.id != federation.federation_id:
        raise Forbidden(
            "report_layout_on_federation_only",
            zh="报表样式由工会联合会（总工会）制定",
            en="export layouts are defined by a federation",
        )
    same = [
        x
        for x in await uow.report_layouts.of_federation(federation.id)
        if (x.kind, x.key) == (command.kind, command.key)
    ]
    layout = ReportLayout.define(
        federation.id,
        command.kind,
        command.key,
        max((x.version for x in same), default=0) + 1,
        command.title,
        [LayoutField(f.label, f.source, f.text) for f in command.header],
        [
            LayoutRow(r.kind, r.label, r.level, r.numbered, r.code, tuple(r.terms), tuple(r.per), r.unit_label)
            for r in command.rows
        ],
        [LayoutField(f.label, f.source, f.text) for f in command.footer],
        await _known(uow, federation.id, command.kind),
        money_unit=command.money_unit,
        money_decimals=command.money_decimals,
        percent_decimals=command.percent_decimals,
    )
    await uow.report_layouts.add(layout, principal.subject)
    await uow.commit()
    return layout


async def layout_for(
    uow: MembershipUnitOfWork, federation_id: str, kind: ReportKind, layout_id: uuid.UUID
) -> ReportLayout:
    """The layout to download a report or roll-up of this federation and kind in (the caller has
    checked the reader may read the report)."""
    found = await uow.report_layouts.get(layout_id)
    if found is None or found.federation_id != federation_id:
        raise _not_found()
    if found.kind != kind:
        raise Invalid(
            "report_layout_kind_mismatch",
            zh="该报表样式用于{}，不能用于{}".format(
                *({"monthly": "月报", "annual": "年报"}[k] for k in (found.kind, kind))
            ),
            en=f"the layout is for {found.kind} reports, not {kind}",
            pointer="#/layout",
        )
    return found
