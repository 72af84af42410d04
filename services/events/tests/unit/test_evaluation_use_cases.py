"""Democratic evaluations' and 师德 assessments' use cases on the in-memory unit of work: staff
forms and outside codes, each answered once and stored apart from who answered, results
submitted upward and read in the roll-up, the 师德 list submitted to the county."""

import uuid

import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.registration_model import Registrant
from unionfed_events.domain.union_directory import UnionMember
from unionfed_events.service_layer import evaluations
from unionfed_events.service_layer.commands import (
    AssessEthics,
    DraftEvaluation,
    EvaluationResponse,
    OpenEvaluation,
    OutsideEvaluationResponse,
    RatingIn,
    SubjectIn,
)
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

OFFICER = Principal("officer-wang", Role.UNION_OFFICER, "no1", "county")
COUNTY = Principal("county-admin", Role.FEDERATION_ADMIN, "county", "county")
OTHER = Principal("officer-zhao", Role.UNION_OFFICER, "no2", "county")
AUDITOR = Principal("auditor", Role.AUDITOR, "no1", "county")


def county() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.unions.add_organization("county", "federation", None)
    uow.unions.add_organization("no1", "grassroots_union", "county")
    uow.unions.add_organization("no2", "grassroots_union", "county")
    return uow


def staff(uow: FakeUnitOfWork, name: str, union: str = "no1") -> tuple[UnionMember, Principal]:
    member = uow.unions.add_member(name, union)
    uow.directory.members[member.id] = Registrant(member.id, name, "female", "active", union, member.path, "county")
    return member, Principal(str(member.id), Role.MEMBER, union, "county", member_id=str(member.id))


def rated(*grades: str) -> EvaluationResponse:
    return EvaluationResponse(ratings=[RatingIn(rating=g) for g in grades])


async def opened(uow: FakeUnitOfWork, outside: int = 3) -> dict:
    drafted = await evaluations.draft_evaluation(
        uow,
        OFFICER,
        "no1",
        DraftEvaluation(
            title="2026 年度领导班子民主评议",
            year=2026,
            subjects=[SubjectIn(name="王校长", post="校长"), SubjectIn(name="李主任", post="中层干部")],
        ),
    )
    return await evaluations.open_evaluation(uow, OFFICER, drafted["id"], OpenEvaluation(outside_forms=outside))


async def test_opening_asks_the_unions_members_and_issues_one_time_codes():
    uow = county()
    for name in ("陈", "李", "张"):
        staff(uow, name)
    staff(uow, "外校", "no2")
    view = await opened(uow, outside=5)
    assert view["status"] == "open"
    assert [(f["form"], f["issued"], f["returned"]) for f in view["return_rates"]["forms"]] == [
        ("staff", 3, 0),
        ("outside", 5, 0),
    ]
    codes = await evaluations.codes_of(uow, OFFICER, view["id"])
    assert len({c["code"] for c in codes}) == 5 and all(len(c["code"]) == 8 and not c["used"] for c in codes)
    with pytest.raises(NotFound):  # another union's officer: as missing
        await evaluations.codes_of(uow, OTHER, view["id"])
    with pytest.raises(Forbidden):  # the auditor reads results, not the codes
        await evaluations.codes_of(uow, AUDITOR, view["id"])


async def test_a_member_answers_once_and_the_form_keeps_no_trace_of_them():
    uow = county()
    chen, as_chen = staff(uow, "陈")
    _, as_li = staff(uow, "李", "no2")
    view = await opened(uow)
    assert [e["id"] for e in await evaluations.my_evaluations(uow, as_chen)] == [view["id"]]
    with pytest.raises(Invalid):
        await evaluations.answer_as_member(uow, as_chen, view["id"], rated("优秀"))
    await evaluations.answer_as_member(uow, as_chen, view["id"], rated("优秀", "称职"))
    with pytest.raises(Conflict) as again:
        await evaluations.answer_as_member(uow, as_chen, view["id"], rated("优秀", "称职"))
    assert again.value.code == "evaluation_already_answered"
    with pytest.raises(NotFound):  # not asked: as missing
        await evaluations.answer_as_member(uow, as_li, view["id"], rated("优秀", "称职"))
    [stored] = uow.evaluations.answer_sets
    assert stored.form == "staff" and str(chen.id) not in repr(stored)
    assert await evaluations.my_evaluations(uow, as_chen) == []


async def test_an_outside_code_opens_the_form_and_answers_once():
    uow = county()
    staff(uow, "陈")
    view = await opened(uow)
    code = (await evaluations.codes_of(uow, OFFICER, view["id"]))[0]["code"]
    form = await evaluations.outside_form(uow, code.lower())
    assert [s.name for s in form.subjects] == ["王校长", "李主任"]
    await evaluations.answer_with_code(
        uow, OutsideEvaluationResponse(code=code, ratings=rated("称职", "基本称职").ratings)
    )
    with pytest.raises(Conflict) as used:
        await evaluations.answer_with_code(
            uow, OutsideEvaluationResponse(code=code, ratings=rated("优秀", "优秀").ratings)
        )
    assert used.value.code == "evaluation_code_used"
    with pytest.raises(NotFound) as unknown:
        await evaluations.outside_form(uow, "ZZZZZZZZ")
    assert unknown.value.code == "evaluation_code_unknown"
    [stored] = uow.evaluations.answer_sets
    assert stored.form == "outside" and code not in repr(stored)


async def test_results_and_submission_upward_to_the_county_roll_up():
    uow = county()
    members = [staff(uow, name) for name in ("甲", "乙", "丙", "丁")]
    view = await opened(uow, outside=4)
    for _, as_member in members[:3]:
        await evaluations.answer_as_member(uow, as_member, view["id"], rated("优秀", "称职"))
    codes = [c["code"] for c in await evaluations.codes_of(uow, OFFICER, view["id"])]
    for code in codes[:3]:
        await evaluations.answer_with_code(
            uow, OutsideEvaluationResponse(code=code, ratings=rated("称职", "不称职").ratings)
        )
    found = await evaluations.results(uow, AUDITOR, view["id"])
    assert (found["return_rates"]["issued"], found["return_rates"]["returned"], found["return_rates"]["rate"]) == (
        8,
        6,
        "75.0%",
    )
    assert found["results"][1]["total"]["approving_share"] == "50.0%"

    with pytest.raises(Conflict):
        await evaluations.submit_results(uow, OFFICER, view["id"])  # still open
    assert (await evaluations.evaluation_rollup(uow, COUNTY, "county", 2026))[1] == []
    await evaluations.close_evaluation(uow, OFFICER, view["id"])
    await evaluations.submit_results(uow, OFFICER, view["id"])
    year, rollup = await evaluations.evaluation_rollup(uow, COUNTY, "county", 2026)
    assert year == 2026 and [r["organization_id"] for r in rollup] == ["no1"]
    assert rollup[0]["results"]["return_rates"]["rate"] == "75.0%"
    assert "answers" not in rollup[0]["results"]
    with pytest.raises(NotFound):
        await evaluations.evaluation_rollup(uow, OTHER, "no1", 2026)


async def test_ethics_assessed_per_member_then_submitted_to_the_county_complete():
    uow = county()
    (chen, _), (li, _) = staff(uow, "陈"), staff(uow, "李")
    staff(uow, "赵", "no2")
    await evaluations.assess_ethics(uow, OFFICER, "no1", AssessEthics(member_id=chen.id, year=2026, result="优秀"))
    with pytest.raises(Invalid):
        await evaluations.assess_ethics(uow, OFFICER, "no1", AssessEthics(member_id=li.id, year=2026, result="不合格"))
    with pytest.raises(NotFound):  # not a member of this union
        await evaluations.assess_ethics(
            uow, OFFICER, "no1", AssessEthics(member_id=uuid.uuid4(), year=2026, result="合格")
        )
    with pytest.raises(Conflict) as incomplete:
        await evaluations.submit_ethics(uow, OFFICER, "no1", 2026)
    assert incomplete.value.code == "ethics_list_incomplete"
    await evaluations.assess_ethics(
        uow, OFFICER, "no1", AssessEthics(member_id=li.id, year=2026, result="基本合格", note="家访不足")
    )
    listed = await evaluations.submit_ethics(uow, OFFICER, "no1", 2026)
    assert listed["summary"]["counts"]["基本合格"] == 1 and listed["submitted_at"] is not None
    with pytest.raises(Conflict) as fixed:
        await evaluations.assess_ethics(uow, OFFICER, "no1", AssessEthics(member_id=li.id, year=2026, result="合格"))
    assert fixed.value.code == "ethics_year_submitted"

    rollup = await evaluations.ethics_rollup(uow, COUNTY, "county", 2026)
    assert [
        (u["organization_id"], u["assessed"], u["not_assessed"], bool(u["submitted_at"])) for u in rollup["unions"]
    ] == [
        ("no1", 2, 0, True),
        ("no2", 0, 1, False),
    ]
    assert (rollup["total"]["members"], rollup["total"]["submitted"]) == (3, 1)
    with pytest.raises(Invalid):
        await evaluations.ethics_list(uow, COUNTY, "county", 2026)  # a list is a school's
    with pytest.raises(NotFound):
        await evaluations.ethics_list(uow, OTHER, "no1", 2026)
