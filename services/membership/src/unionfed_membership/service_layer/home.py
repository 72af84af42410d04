"""职工之家 certification (建家达标): the federation's checklist, a union's self-assessment and its
evidence, the upper level's review and award, the awards due for renewal and the certification
rate of a subtree.

Who does what: a grassroots union's own officers (its union officers, or a federation admin acting
for it) assess and submit; the officers of an organization above it (the federation's admins, or
an upper union's officers) review, return or award; auditors in scope read. Outside the caller's
subtree an assessment answers as missing.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, replace

from unionfed_membership.domain.home import (
    Assessment,
    Certified,
    Checklist,
    ChecklistItem,
    ReviewScore,
    SelfScore,
    Thresholds,
    certified,
    current_awards,
    default_checklist,
    due_for_renewal,
)
from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.permissions import OFFICERS
from unionfed_membership.service_layer.scope import organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

READERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER, Role.AUDITOR)
DEFAULT_PUBLISHER = "default"


# -- the checklist -------------------------------------------------------------------------------
async def _federation(uow: MembershipUnitOfWork, principal: Principal, federation_id: str) -> Organization:
    """The root federation; every organization of the federation reads its checklist."""
    federation = await uow.organizations.get(federation_id)
    if principal.federation_id != federation_id or federation is None:
        federation = await organization_in_scope(uow, principal, federation_id)
    if federation.parent_id is not None:
        raise Invalid(
            "not_a_root_federation",
            zh=f"{federation_id} 不是最高一级联合会；职工之家评分标准在 {federation.federation_id} 制定",
            en=f"{federation_id} is not a root federation; its checklist is set on {federation.federation_id}",
        )
    return federation


async def checklist_of(uow: MembershipUnitOfWork, federation_id: str) -> Checklist:
    """The federation's current version, or the default offered (version 0) when it has none."""
    return await uow.home_checklists.latest(federation_id) or default_checklist(federation_id)


async def current_checklist(uow: MembershipUnitOfWork, principal: Principal, federation_id: str) -> Checklist:
    federation = await _federation(uow, principal, federation_id)
    principal.require_role(*READERS)
    return await checklist_of(uow, federation.id)


async def publish_checklist(
    uow: MembershipUnitOfWork, principal: Principal, federation_id: str, command: commands.PublishHomeChecklist
) -> Checklist:
    federation = await _federation(uow, principal, federation_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    if principal.organization_id != federation.id:
        raise NotFound(
            "organization_not_found",
            zh="未找到该组织，或该组织不在您的管理范围内",
            en="organization not found or outside your scope",
        )
    latest = await uow.home_checklists.latest(federation.id, for_update=True)
    checklist = Checklist.publish(
        federation.id,
        (latest.version if latest else 0) + 1,
        [ChecklistItem(i.code, i.section, i.text, i.max_points, i.evidence_required) for i in command.items],
        Thresholds(command.thresholds.qualified, command.thresholds.advanced, command.thresholds.model),
        command.valid_years,
    )
    await uow.home_checklists.add(checklist, principal.subject)
    await uow.commit()
    return checklist


async def _checklist_for_new_assessment(uow: MembershipUnitOfWork, federation_id: str) -> Checklist:
    """The current version; a federation without one publishes the default as version 1."""
    latest = await uow.home_checklists.latest(federation_id, for_update=True)
    if latest is not None:
        return latest
    offered = default_checklist(federation_id)
    first = Checklist.publish(federation_id, 1, offered.items, offered.thresholds, offered.valid_years)
    await uow.home_checklists.add(first, DEFAULT_PUBLISHER)
    return first


# -- who may act ---------------------------------------------------------------------------------
def assessment_not_found() -> NotFound:
    return NotFound(
        "home_assessment_not_found",
        zh="未找到该职工之家自评，或其不在您的管理范围内",
        en="workers' home assessment not found or outside your scope",
    )


def require_assessor(principal: Principal, union: Organization) -> None:
    principal.require_role(*OFFICERS)
    if principal.organization_id != union.id:
        raise Forbidden(
            "home_assessed_by_own_union",
            zh=f"职工之家自评由“{union.name}”本级工会干部填报；上级负责审核",
            en=f"the self-assessment is made by {union.name}'s own officers; the upper level reviews it",
        )


def _require_reviewer(principal: Principal, union: Organization) -> None:
    principal.require_role(*OFFICERS)
    if principal.organization_id == union.id or principal.organization_id not in union.path:
        raise Forbidden(
            "home_reviewed_by_upper_level",
            zh=f"“{union.name}”的职工之家自评由上级工会审核，本级不能自审",
            en=f"{union.name}'s self-assessment is reviewed by the level above it",
        )


async def _union_in_scope(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> Organization:
    union = await organization_in_scope(uow, principal, organization_id)
    if union.kind != "grassroots_union":
        raise Invalid(
            "home_assessed_by_grassroots_union",
            zh="职工之家建设由基层工会自评（联合会和工会小组不参加）",
            en="a workers' home is assessed for a grassroots union",
        )
    return union


@dataclass(frozen=True)
class AssessmentView:
    assessment: Assessment
    checklist: Checklist
    union: Organization


async def assessment_in_scope(
    uow: MembershipUnitOfWork, principal: Principal, assessment_id: uuid.UUID, *, for_update: bool = False
) -> AssessmentView:
    assessment = await uow.home_assessments.get(assessment_id, for_update=for_update)
    union = await uow.organizations.get(assessment.organization_id) if assessment else None
    if assessment is None or union is None or not principal.can_see(union.path):
        raise assessment_not_found()
    checklist = await uow.home_checklists.get(assessment.checklist_id)
    assert checklist is not None  # a foreign key
    return AssessmentView(assessment, checklist, union)


# -- the union's self-assessment -----------------------------------------------------------------
async def start(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.StartHomeAssessment
) -> AssessmentView:
    union = await _union_in_scope(uow, principal, organization_id)
    require_assessor(principal, union)
    if await uow.home_assessments.of_year(union.id, command.year) is not None:
        raise Conflict(
            "home_assessment_exists",
            zh=f"“{union.name}”{command.year} 年度的职工之家自评已建立",
            en=f"{union.name} already has a self-assessment for {command.year}",
        )
    checklist = await _checklist_for_new_assessment(uow, union.federation_id)
    assessment = Assessment.start(union.id, union.federation_id, command.year, checklist, clock.today(union.zone))
    await uow.home_assessments.add(assessment, principal.subject)
    await uow.commit()
    return AssessmentView(assessment, checklist, union)


async def get(uow: MembershipUnitOfWork, principal: Principal, assessment_id: uuid.UUID) -> AssessmentView:
    found = await assessment_in_scope(uow, principal, assessment_id)
    principal.require_role(*READERS)
    return found


async def score(
    uow: MembershipUnitOfWork, principal: Principal, assessment_id: uuid.UUID, command: commands.ScoreHomeAssessment
) -> AssessmentView:
    found = await assessment_in_scope(uow, principal, assessment_id, for_update=True)
    require_assessor(principal, found.union)
    scored = found.assessment.self_scored(
        found.checklist, [SelfScore(i.code, i.self_score, i.note) for i in command.items]
    )
    await uow.home_assessments.save(scored, principal.subject)
    await uow.commit()
    return AssessmentView(scored, found.checklist, found.union)


async def add_evidence(
    uow: MembershipUnitOfWork, principal: Principal, assessment_id: uuid.UUID, command: commands.AddHomeEvidence
) -> AssessmentView:
    found = await assessment_in_scope(uow, principal, assessment_id, for_update=True)
    require_assessor(principal, found.union)
    a = found.assessment
    evidence = a.evidence_added(
        found.checklist, command.item_code, command.title, command.description, clock.today(found.union.zone)
    )
    await uow.home_assessments.add_evidence(evidence, principal.subject)
    await uow.commit()
    return AssessmentView(replace(a, evidence=(*a.evidence, evidence)), found.checklist, found.union)


async def submit(uow: MembershipUnitOfWork, principal: Principal, assessment_id: uuid.UUID) -> AssessmentView:
    found = await assessment_in_scope(uow, principal, assessment_id, for_update=True)
    require_assessor(principal, found.union)
    submitted = found.assessment.submitted(found.checklist, clock.today(found.union.zone))
    await uow.home_assessments.save(submitted, principal.subject)
    await uow.commit()
    return AssessmentView(submitted, found.checklist, found.union)


# -- the upper level's review --------------------------------------------------------------------
async def return_to_union(
    uow: MembershipUnitOfWork, principal: Principal, assessment_id: uuid.UUID, command: commands.ReturnWithReason
) -> AssessmentView:
    found = await assessment_in_scope(uow, principal, assessment_id, for_update=True)
    _require_reviewer(principal, found.union)
    returned = found.assessment.returned(command.reason)
    await uow.home_assessments.save(returned, principal.subject)
    await uow.commit()
    return AssessmentView(returned, found.checklist, found.union)


async def review(
    uow: MembershipUnitOfWork, principal: Principal, assessment_id: uuid.UUID, command: commands.ReviewHomeAssessment
) -> AssessmentView:
    found = await assessment_in_scope(uow, principal, assessment_id, for_update=True)
    _require_reviewer(principal, found.union)
    reviewed = found.assessment.reviewed(
        found.checklist,
        [ReviewScore(i.code, i.score) for i in command.items],
        command.comment,
        command.awarded_on,
        clock.today(found.union.zone),
    )
    await uow.home_assessments.save(reviewed, principal.subject)
    await uow.commit()
    return AssessmentView(reviewed, found.checklist, found.union)


# -- lists and the rate --------------------------------------------------------------------------
@dataclass(frozen=True)
class Listed:
    assessment: Assessment
    union: Organization


async def listed(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    *,
    year: int | None = None,
    status: str | None = None,
) -> list[Listed]:
    """The assessments of the organization and the unions below it (newest year first)."""
    root = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    unions = {o.id: o for o in await uow.organizations.subtree(root)}
    return [
        Listed(a, unions[a.organization_id])
        for a in await uow.home_assessments.in_subtree(root.id)
        if (year is None or a.year == year) and (status is None or a.status == status)
    ]


@dataclass(frozen=True)
class Due:
    today: dt.date
    awards: list[Listed]


async def renewals_due(uow: MembershipUnitOfWork, principal: Principal, organization_id: str, within_days: int) -> Due:
    """Each union's latest award whose renewal date is within ``within_days`` or has passed."""
    root = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    today = clock.today(root.zone)
    unions = {o.id: o for o in await uow.organizations.subtree(root)}
    due = due_for_renewal(await uow.home_assessments.in_subtree(root.id), today, within_days)
    return Due(today, [Listed(a, unions[a.organization_id]) for a in due])


@dataclass(frozen=True)
class RateLine:
    organization: Organization
    rate: Certified


@dataclass(frozen=True)
class CertificationRate:
    root: Organization
    today: dt.date
    total: Certified
    lines: list[RateLine]  # one per organization directly under the root that has unions below it


async def certification_rate(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str
) -> CertificationRate:
    """Grassroots unions holding a current award of the grassroots unions of the subtree, by level:
    the whole subtree, and per organization directly under it."""
    root = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    today = clock.today(root.zone)
    subtree = await uow.organizations.subtree(root)
    awards = current_awards(await uow.home_assessments.in_subtree(root.id), today)
    unions = [o for o in subtree if o.kind == "grassroots_union"]
    lines = []
    for child in sorted((o for o in subtree if o.parent_id == root.id), key=lambda o: o.id):
        under = [u.id for u in unions if child.id in u.path]
        if under:
            lines.append(RateLine(child, certified(under, awards)))
    return CertificationRate(root, today, certified([u.id for u in unions], awards), lines)
