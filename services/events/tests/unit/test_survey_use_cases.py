"""Surveys' use cases on an in-memory unit of work: who is asked, answering once and anonymously,
and results only for groups big enough to hide a respondent. The integration tests prove the same
use cases against PostgreSQL."""

import dataclasses

import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.surveys import Answers
from unionfed_events.domain.union_directory import UnionMember
from unionfed_events.service_layer import surveys
from unionfed_events.service_layer.commands import DraftSurvey, QuestionIn
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

OFFICER = Principal("officer-li", Role.UNION_OFFICER, "county", "county")
QUESTIONS = [
    QuestionIn(kind="rating", text="食堂满意度"),
    QuestionIn(kind="free_text", text="建议", required=False),
]


def county() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.unions.add_organization("county", "federation", None)
    uow.unions.add_organization("no1", "grassroots_union", "county")
    uow.unions.add_organization("no2", "grassroots_union", "county")
    return uow


def as_member(member: UnionMember) -> Principal:
    return Principal(str(member.id), Role.MEMBER, member.organization_id, "county", member_id=str(member.id))


async def drafted(uow: FakeUnitOfWork) -> dict:
    return await surveys.draft_survey(uow, OFFICER, "county", DraftSurvey(title=" 食堂评议 ", questions=QUESTIONS))


async def test_sending_fixes_the_recipients_with_their_branch_of_the_scope_once():
    uow = county()
    chen, li = uow.unions.add_member("陈老师", "no1"), uow.unions.add_member("李老师", "no2")
    survey = await drafted(uow)
    assert (survey["title"], survey["status"], survey["recipients"], survey["return_rate"]) == (
        "食堂评议",
        "draft",
        0,
        None,
    )
    sent = await surveys.send_survey(uow, OFFICER, survey["id"])
    assert (sent["status"], sent["sent_by"], sent["recipients"], sent["return_rate"]) == (
        "sent",
        "officer-li",
        2,
        "0.0%",
    )
    assert {(r.member_id, r.group_id) for r in uow.surveys.recipients.values()} == {(chen.id, "no1"), (li.id, "no2")}

    uow.unions.add_member("王老师", "no1")  # joins later: not asked
    with pytest.raises(Conflict) as refused:
        await surveys.send_survey(uow, OFFICER, survey["id"])
    assert refused.value.code == "survey_already_sent" and len(uow.surveys.recipients) == 2


async def test_a_survey_is_not_sent_to_nobody():
    uow = county()
    survey = await drafted(uow)
    with pytest.raises(Invalid) as refused:
        await surveys.send_survey(uow, OFFICER, survey["id"])
    assert refused.value.code == "no_eligible_members" and uow.surveys.rows[survey["id"]].status == "draft"


async def test_a_recipient_answers_once_and_the_answers_are_kept_without_their_name():
    uow = county()
    chen = uow.unions.add_member("陈老师", "no1")
    survey = await drafted(uow)
    await surveys.send_survey(uow, OFFICER, survey["id"])

    await surveys.respond(uow, as_member(chen), survey["id"], [4, " 多些蔬菜 "])
    [given] = uow.surveys.answer_sets
    assert (given.group_id, given.answers) == ("no1", [4, "多些蔬菜"])
    assert "member_id" not in {field.name for field in dataclasses.fields(Answers)}
    with pytest.raises(Conflict) as refused:
        await surveys.respond(uow, as_member(chen), survey["id"], [5, None])
    assert refused.value.code == "survey_already_answered" and len(uow.surveys.answer_sets) == 1
    assert (await surveys.get_survey(uow, OFFICER, survey["id"]))["return_rate"] == "100.0%"


async def test_only_recipients_answer_and_only_while_the_survey_is_sent():
    uow = county()
    chen = uow.unions.add_member("陈老师", "no1")
    survey = await drafted(uow)
    with pytest.raises(NotFound):
        await surveys.respond(uow, as_member(chen), survey["id"], [4, None])  # a draft is sent to nobody yet
    await surveys.send_survey(uow, OFFICER, survey["id"])
    late = uow.unions.add_member("王老师", "no1")
    with pytest.raises(NotFound):
        await surveys.respond(uow, as_member(late), survey["id"], [4, None])

    await surveys.close_survey(uow, OFFICER, survey["id"])
    with pytest.raises(Conflict) as refused:
        await surveys.respond(uow, as_member(chen), survey["id"], [4, None])
    assert refused.value.code == "survey_not_open" and uow.surveys.answer_sets == []
    with pytest.raises(Conflict) as refused:
        await surveys.close_survey(uow, OFFICER, survey["id"])
    assert refused.value.code == "survey_not_open"


async def test_results_wait_for_three_responses_and_small_branches_are_pooled():
    uow = county()
    no1 = [uow.unions.add_member(f"一校{i}", "no1") for i in range(3)]
    no2 = [uow.unions.add_member(f"二校{i}", "no2") for i in range(3)]
    uow.unions.add_organization("no3", "grassroots_union", "county")
    no3 = [uow.unions.add_member(f"三校{i}", "no3") for i in range(2)]
    survey = await drafted(uow)
    await surveys.send_survey(uow, OFFICER, survey["id"])
    for member, rating in zip(no1[:2], (5, 4)):
        await surveys.respond(uow, as_member(member), survey["id"], [rating, None])
    withheld = await surveys.results(uow, OFFICER, survey["id"])
    assert (withheld["results"], withheld["breakdown"], withheld["withheld"]) == (
        None,
        [],
        "results are shown from 3 responses on",
    )

    await surveys.respond(uow, as_member(no1[2]), survey["id"], [3, "好"])
    for member in no2 + no3:
        await surveys.respond(uow, as_member(member), survey["id"], [1, None])
    shown = await surveys.results(uow, OFFICER, survey["id"])
    assert shown["results"][0]["average"] == "2.1" and shown["results"][1]["texts"] == ["好"]
    # no3's two respondents could be told apart: the smallest shown branch joins them as "others".
    assert [(group["group"], group["responses"]) for group in shown["breakdown"]] == [("no2", 3), ("others", 5)]
    assert "texts" not in shown["breakdown"][0]["results"][1], "free texts are never broken down"
    with pytest.raises(Forbidden):
        await surveys.results(uow, as_member(no1[0]), survey["id"])
