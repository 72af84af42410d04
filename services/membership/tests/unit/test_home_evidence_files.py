"""职工之家 evidence files on the rules and on the in-memory unit of work: who may attach files to an
evidence entry (the union's own officers, while the assessment is a draft or returned) and who
reads them (the union, the level above that reviews, auditors); an entry out of sight answers as
a missing one; attaching names the entry's latest file; the archive's titles."""

import datetime as dt
import uuid

import pytest

from services.membership.tests.unit.test_home_certification import (
    ADMIN,
    AUDITOR,
    NO1,
    NO2,
    WELFARE_NO1,
    county,
    fixed_today,  # noqa: F401 (autouse: the federation's today)
    full_scores,
)
from unionfed_membership.domain.home import Assessment, Evidence
from unionfed_membership.service_layer import commands, home, home_files
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound


def draft(status: str = "draft") -> tuple[Assessment, Evidence]:
    entry = Evidence(uuid.uuid4(), uuid.uuid4(), "1.1", "换届选举报告", "", dt.date(2026, 12, 5))
    assessment = Assessment(
        id=entry.assessment_id,
        organization_id="no1",
        federation_id="county",
        year=2026,
        checklist_id=uuid.uuid4(),
        status=status,  # type: ignore[arg-type]
        scores=(),
        evidence=(entry,),
    )
    return assessment, entry


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_an_entry_takes_files_while_the_assessment_can_change_and_names_its_latest(status):
    assessment, entry = draft(status)
    assert assessment.evidence_taking_files(entry.id) == entry
    named = assessment.evidence_file_attached(entry.id, "ab" * 32, "报告.pdf")
    assert (named.id, named.file_sha256, named.file_name) == (entry.id, "ab" * 32, "报告.pdf")


@pytest.mark.parametrize("status", ["submitted", "reviewed"])
def test_a_submitted_or_reviewed_assessment_takes_no_files(status):
    assessment, entry = draft(status)
    with pytest.raises(Conflict) as refused:
        assessment.evidence_taking_files(entry.id)
    assert refused.value.code == "assessment_not_editable"


def test_an_entry_of_another_assessment_is_refused():
    assessment, _entry = draft()
    with pytest.raises(Invalid) as refused:
        assessment.evidence_taking_files(uuid.uuid4())
    assert refused.value.code == "evidence_not_of_assessment"


async def with_evidence():
    uow = await county()
    view = await home.start(uow, NO1, "no1", commands.StartHomeAssessment(year=2026))
    view = await home.add_evidence(
        uow, NO1, view.assessment.id, commands.AddHomeEvidence(item_code="1.1", title="换届选举报告")
    )
    return uow, view, view.assessment.evidence[0]


async def test_the_union_attaches_the_reviewer_and_the_auditor_read_others_see_nothing():
    uow, _view, entry = await with_evidence()
    ref = await home_files.writable(uow, NO1, entry.id)
    assert (ref.organization_id, ref.record_id, ref.title) == ("no1", str(entry.id), "2026 年 1.1 换届选举报告")
    for reader in (NO1, ADMIN, AUDITOR):
        assert (await home_files.readable(uow, reader, entry.id)).record_id == str(entry.id)
    # The level above reviews and the auditor reads: neither attaches; a welfare officer does neither.
    for who, refusal in ((ADMIN, Forbidden), (AUDITOR, Forbidden), (WELFARE_NO1, Forbidden)):
        with pytest.raises(refusal):
            await home_files.writable(uow, who, entry.id)
    with pytest.raises(Forbidden):
        await home_files.readable(uow, WELFARE_NO1, entry.id)
    # Another school: the answer of an entry that does not exist.
    for attempt in (home_files.readable, home_files.writable):
        for evidence_id in (entry.id, uuid.uuid4()):
            with pytest.raises(NotFound) as hidden:
                await attempt(uow, NO2, evidence_id)
            assert hidden.value.code == "home_evidence_not_found"


async def test_attaching_names_the_entrys_latest_file_and_a_submitted_assessment_takes_none():
    uow, view, entry = await with_evidence()
    ref = await home_files.writable(uow, NO1, entry.id)
    await home_files.attached(uow, ref, {"sha256": "cd" * 32, "file_name": "选举报告.pdf"})
    stored = await uow.home_assessments.evidence(entry.id)
    assert stored is not None and (stored.file_sha256, stored.file_name) == ("cd" * 32, "选举报告.pdf")
    assert await home_files.titles(uow, [str(entry.id)]) == {str(entry.id): "2026 年 1.1 换届选举报告"}

    aid = view.assessment.id
    view = await home.score(uow, NO1, aid, commands.ScoreHomeAssessment(items=full_scores(view.checklist)))
    for item in view.checklist.items:
        if item.evidence_required and item.code != "1.1":
            await home.add_evidence(uow, NO1, aid, commands.AddHomeEvidence(item_code=item.code, title="材料"))
    await home.submit(uow, NO1, aid)
    with pytest.raises(Conflict) as refused:
        await home_files.writable(uow, NO1, entry.id)
    assert refused.value.code == "assessment_not_editable"
    assert (await home_files.readable(uow, ADMIN, entry.id)).record_id == str(entry.id)
