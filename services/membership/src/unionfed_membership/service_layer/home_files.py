"""Files attached to 职工之家 evidence entries (the attachment kit's record kind ``home_evidence``).

An evidence entry carries its files (the minutes of the election, the photos of the home, the
rules on the wall): the union's own officers attach them while the self-assessment can change (a
draft, or returned); whoever reads the assessment reads them: the union's officers, the level above
that reviews it, auditors in scope. An entry outside the caller's subtree answers as a missing one.
The union's files of a year come as one zip with its index, like the other services' 台账.
"""

import uuid

from unionfed_membership.domain.home import Evidence
from unionfed_membership.service_layer import home
from unionfed_membership.service_layer.home import AssessmentView
from unionfed_membership.service_layer.permissions import OFFICERS
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.attachments.records import RecordKind, RecordRef
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import NotFound

RECORD_KIND = "home_evidence"
PURPOSES = ("evidence", "photo", "minutes", "other")
ARCHIVE_READERS = (*OFFICERS, Role.AUDITOR)


def evidence_not_found() -> NotFound:
    return NotFound(
        "home_evidence_not_found",
        zh="未找到该佐证材料，或其不在您的管理范围内",
        en="evidence entry not found or outside your scope",
    )


async def _evidence(
    uow: MembershipUnitOfWork, principal: Principal, evidence_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Evidence, AssessmentView]:
    evidence = await uow.home_assessments.evidence(evidence_id)
    if evidence is None:
        raise evidence_not_found()
    try:
        found = await home.assessment_in_scope(uow, principal, evidence.assessment_id, for_update=for_update)
    except NotFound:
        raise evidence_not_found() from None
    return evidence, found


def _ref(evidence: Evidence, found: AssessmentView) -> RecordRef:
    return RecordRef(
        found.union.id, str(evidence.id), f"{found.assessment.year} 年 {evidence.item_code} {evidence.title}"
    )


async def readable(uow: MembershipUnitOfWork, principal: Principal, evidence_id: uuid.UUID) -> RecordRef:
    evidence, found = await _evidence(uow, principal, evidence_id)
    principal.require_role(*home.READERS)
    return _ref(evidence, found)


async def writable(uow: MembershipUnitOfWork, principal: Principal, evidence_id: uuid.UUID) -> RecordRef:
    """The union's own officers, while the assessment is a draft or returned (locked until committed)."""
    evidence, found = await _evidence(uow, principal, evidence_id, for_update=True)
    home.require_assessor(principal, found.union)
    found.assessment.evidence_taking_files(evidence.id)  # refuses a submitted or reviewed assessment
    return _ref(evidence, found)


async def attached(uow: MembershipUnitOfWork, record: RecordRef, attachment: dict) -> None:
    """The entry names its latest file."""
    evidence = await uow.home_assessments.evidence(uuid.UUID(record.record_id))
    assessment = await uow.home_assessments.get(evidence.assessment_id) if evidence else None
    assert evidence is not None and assessment is not None  # read and locked in this transaction by writable()
    entry = assessment.evidence_file_attached(evidence.id, attachment["sha256"], attachment["file_name"])
    await uow.home_assessments.evidence_file_attached(entry)


async def titles(uow: MembershipUnitOfWork, record_ids: list[str]) -> dict[str, str]:
    found = await uow.home_assessments.evidence_titles([uuid.UUID(r) for r in record_ids])
    return {str(k): v for k, v in found.items()}


HOME_EVIDENCE = RecordKind(
    kind=RECORD_KIND,
    path="/home-evidence/{evidence_id}",
    parameter="evidence_id",
    label_zh="职工之家佐证材料",
    purposes=PURPOSES,
    readable=readable,
    writable=writable,
    titles=titles,
    on_attached=attached,
)
KINDS = (HOME_EVIDENCE,)
