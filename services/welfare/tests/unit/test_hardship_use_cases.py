"""The hardship file use cases on an in-memory unit of work: opening, reviewing and closing a file,
its history, and who reads its details. The integration tests prove the same against PostgreSQL."""

import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_welfare.domain import hardship as rules
from unionfed_welfare.service_layer import hardship
from unionfed_welfare.service_layer.commands import CloseFile, OpenFile, ReviewFile

OFFICER = Principal("officer-li", Role.WELFARE_OFFICER, "no1", "county")
COUNTY_OFFICER = Principal("officer-zhao", Role.UNION_OFFICER, "county", "county")


def school_with_teacher() -> tuple[FakeUnitOfWork, OpenFile]:
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"county": ["county"], "no1": ["county", "no1"], "no2": ["county", "no2"]})
    member_id = uow.directory.add_member("no1", "陈老师")
    opening = OpenFile(
        member_id=member_id,
        level="hardship",
        cause="serious_illness",
        cause_detail="本人重病住院",
        documents=["诊断书", "诊断书", "收入证明"],
        opened_on=dt.date(2026, 8, 31),
    )
    return uow, opening


def after_commit(uow: FakeUnitOfWork) -> FakeUnitOfWork:
    uow.committed = False
    return uow


async def test_opening_keeps_the_file_under_a_pseudonym_due_for_review_in_six_months():
    uow, opening = school_with_teacher()

    answer = await hardship.open_file(uow, COUNTY_OFFICER, "county", opening)

    [file] = uow.hardship_files.rows.values()
    assert (file.organization_id, file.federation_id, file.status, file.opened_by) == (
        "no1",
        "county",
        "open",
        "officer-zhao",
    )
    assert file.pseudonym == rules.pseudonym(file.id) and file.documents == ["诊断书", "收入证明"]
    assert file.next_review_on == dt.date(2027, 2, 28)  # the 31st, six months on, in a shorter month
    [opened] = uow.hardship_files.history
    assert (opened.kind, opened.level_before, opened.level_after, opened.notes) == (
        "opened",
        None,
        "hardship",
        "本人重病住院",
    )
    assert uow.committed
    assert answer["member_name"] == "陈老师" and answer["level_label"] == "困难" and answer["cause_label"] == "大病"
    assert answer["details_visible"] and [h["kind"] for h in answer["history"]] == ["opened"]


async def test_a_member_has_one_open_file_and_a_second_is_refused_naming_it():
    uow, opening = school_with_teacher()
    first = await hardship.open_file(uow, OFFICER, "no1", opening)
    after_commit(uow)

    with pytest.raises(Conflict) as refused:
        await hardship.open_file(uow, OFFICER, "no1", opening.model_copy(update={"level": "special_hardship"}))

    assert refused.value.code == "hardship_file_already_open" and str(first["id"]) in refused.value.en
    assert len(uow.hardship_files.rows) == 1 and not uow.committed


async def test_a_member_outside_the_organization_is_not_found():
    uow, opening = school_with_teacher()

    with pytest.raises(NotFound) as missing:
        await hardship.open_file(uow, COUNTY_OFFICER, "no2", opening)

    assert missing.value.code == "member_not_found" and uow.hardship_files.rows == {}


async def test_a_review_to_special_hardship_changes_the_level_and_brings_the_next_review_closer():
    uow, opening = school_with_teacher()
    opened = await hardship.open_file(uow, OFFICER, "no1", opening)
    after_commit(uow)
    review = ReviewFile(
        reviewed_on=dt.date(2026, 11, 30), level="special_hardship", notes="病情加重", documents=["住院记录", "诊断书"]
    )

    answer = await hardship.review(uow, OFFICER, opened["id"], review)

    file = uow.hardship_files.rows[opened["id"]]
    assert (file.level, file.next_review_on) == ("special_hardship", dt.date(2027, 2, 28))  # quarterly
    assert file.documents == ["诊断书", "收入证明", "住院记录"] and file.updated_at is not None
    changed = uow.hardship_files.history[-1]
    assert (changed.kind, changed.level_before, changed.level_after, changed.notes) == (
        "level_changed",
        "hardship",
        "special_hardship",
        "病情加重",
    )
    assert uow.committed and [h["kind"] for h in answer["history"]] == ["opened", "level_changed"]


async def test_a_review_dated_before_the_opening_is_refused_and_changes_nothing():
    uow, opening = school_with_teacher()
    opened = await hardship.open_file(uow, OFFICER, "no1", opening)
    after_commit(uow)
    before = uow.hardship_files.rows[opened["id"]]

    with pytest.raises(Invalid) as refused:
        await hardship.review(uow, OFFICER, opened["id"], ReviewFile(reviewed_on=dt.date(2026, 8, 1)))

    assert refused.value.code == "hardship_date_before_opening"
    assert uow.hardship_files.rows[opened["id"]] == before and len(uow.hardship_files.history) == 1
    assert not uow.committed


async def test_a_closed_file_leaves_the_review_schedule_and_is_not_reviewed_again():
    uow, opening = school_with_teacher()
    opened = await hardship.open_file(uow, OFFICER, "no1", opening)
    after_commit(uow)

    await hardship.close(uow, OFFICER, opened["id"], CloseFile(closed_on=dt.date(2027, 1, 15), reason="已康复"))

    file = uow.hardship_files.rows[opened["id"]]
    assert (file.status, file.closed_on, file.close_reason, file.next_review_on) == (
        "closed",
        dt.date(2027, 1, 15),
        "已康复",
        None,
    )
    closed = uow.hardship_files.history[-1]
    assert (closed.kind, closed.level_before, closed.level_after, closed.next_review_on) == (
        "closed",
        "hardship",
        None,
        None,
    )
    after_commit(uow)
    with pytest.raises(Conflict) as refused:
        await hardship.review(uow, OFFICER, opened["id"], ReviewFile(reviewed_on=dt.date(2027, 2, 1)))
    assert refused.value.code == "hardship_file_not_open" and not uow.committed


async def test_details_are_for_those_who_act_on_them_others_see_the_pseudonym_and_outsiders_nothing():
    uow, opening = school_with_teacher()
    opened = await hardship.open_file(uow, OFFICER, "no1", opening)
    admin = Principal("admin-wang", Role.FEDERATION_ADMIN, "county", "county")
    neighbour = Principal("officer-zhou", Role.WELFARE_OFFICER, "no2", "county")

    shown = await hardship.read(uow, admin, opened["id"])

    assert shown == {
        "id": opened["id"],
        "pseudonym": opened["pseudonym"],
        "organization_id": "no1",
        "status": "open",
        "details_visible": False,
    }
    with pytest.raises(NotFound) as hidden:
        await hardship.read(uow, neighbour, opened["id"])
    assert hidden.value.code == "hardship_file_not_found"
    with pytest.raises(Forbidden):  # an auditor reads the file but does not keep it
        await hardship.review(
            uow,
            Principal("auditor-he", Role.AUDITOR, "county", "county"),
            opened["id"],
            ReviewFile(reviewed_on=dt.date(2026, 9, 30)),
        )
