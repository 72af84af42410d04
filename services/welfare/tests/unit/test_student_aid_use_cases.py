"""Student aid (金秋助学 / 寒窗助学) on an in-memory unit of work: the federation's scheme, applications
for members' children and non-member poor students at the level's amount, review through finance, who
reads a student's name and ID number, and the year's roll-up. Integration proves the same on PostgreSQL."""

import datetime as dt

import pytest
from pydantic import ValidationError

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.spending import WelfareHoldCancelledV1, WelfareHoldPaidV1, WelfareHoldRequestedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_welfare.service_layer import student_aid
from unionfed_welfare.service_layer.commands import ApplyStudentAid, CreateStudentAidScheme, ReviewStudentAid

ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")
OFFICER = Principal("officer-li", Role.WELFARE_OFFICER, "no1", "street")
COLLEAGUE = Principal("officer-wu", Role.UNION_OFFICER, "no1", "street")
AUDITOR = Principal("auditor-qian", Role.AUDITOR, "street", "street")
OTHER_UNION = Principal("officer-sun", Role.WELFARE_OFFICER, "no2", "street")
FOREIGN_ADMIN = Principal("admin-x", Role.FEDERATION_ADMIN, "county", "county")
MEMBER = Principal("member-1", Role.MEMBER, "no1", "street")
GOLDEN_AUTUMN = CreateStudentAidScheme(
    year=2026,
    name="金秋助学",
    criteria="会员子女及建档立卡贫困家庭学生",
    levels=[
        {"name": "大学本科", "amount_fen": 3000_00},
        {"name": "大专", "amount_fen": 2000_00},
        {"name": "高中", "amount_fen": 1000_00},
    ],
)
GOLDEN_AUTUMN_ID = "6d1f7a0e-3a52-4f0e-9f0b-2b8a1c9d4e21"
ID_1, ID_2, ID_3 = "51010120080101001x", "510101200801010028", "510101200801010036"


async def street_with_scheme() -> tuple[FakeUnitOfWork, dict, object]:
    uow = FakeUnitOfWork()
    uow.directory.paths.update(
        {"street": ["street"], "no1": ["street", "no1"], "no2": ["street", "no2"], "county": ["county"]}
    )
    parent = uow.directory.add_member("no1", "张师傅")
    scheme = await student_aid.create_scheme(uow, ADMIN, "street", GOLDEN_AUTUMN)
    uow.emitted.clear()
    return uow, scheme, parent


def student(scheme: dict, id_number: str, level: str = "大学本科", **extra) -> ApplyStudentAid:
    return ApplyStudentAid(
        scheme_id=scheme["id"],
        student_name="王小明",
        id_number=id_number,
        school="四川大学",
        level=level,
        applied_on=dt.date(2026, 9, 1),
        **extra,
    )


def reserved(uow: FakeUnitOfWork, answer: dict) -> None:
    uow.holds.rows[answer["hold_id"]]["status"] = finance_holds.RESERVED


async def test_the_federation_sets_a_scheme_with_an_amount_per_level_once_a_year_by_name():
    uow, scheme, _ = await street_with_scheme()

    assert [(lv["name"], lv["amount_fen"]) for lv in scheme["levels"]] == [
        ("大学本科", 3000_00),
        ("大专", 2000_00),
        ("高中", 1000_00),
    ]
    assert [s["name"] for s in await student_aid.schemes_of(uow, OFFICER, "street", 2026)] == ["金秋助学"]
    assert await student_aid.schemes_of(uow, OFFICER, "street", 2027) == []
    with pytest.raises(Conflict) as again:
        await student_aid.create_scheme(uow, ADMIN, "street", GOLDEN_AUTUMN)
    assert again.value.code == "student_aid_scheme_exists"
    repeated = GOLDEN_AUTUMN.model_copy(update={"name": "寒窗助学", "levels": GOLDEN_AUTUMN.levels * 2})
    with pytest.raises(Invalid) as twice:
        await student_aid.create_scheme(uow, ADMIN, "street", repeated)
    assert twice.value.code == "student_aid_level_repeated"
    with pytest.raises(NotFound):  # a union does not set schemes; it cannot even see the federation
        await student_aid.create_scheme(uow, OFFICER, "street", GOLDEN_AUTUMN.model_copy(update={"name": "x"}))
    with pytest.raises(NotFound):
        await student_aid.scheme_of(uow, FOREIGN_ADMIN, scheme["id"])


async def test_applying_reserves_the_levels_amount_and_a_student_is_applied_for_once_per_scheme():
    uow, scheme, parent = await street_with_scheme()

    child = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_1, "高中", member_id=parent))
    poor = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_2))

    assert (child["student_kind"], child["member_name"], child["amount_fen"]) == ("member_child", "张师傅", 1000_00)
    assert (poor["student_kind"], poor["member_id"], poor["amount_fen"]) == ("non_member", None, 3000_00)
    assert child["id_number"] == "51010120080101001X"
    requests = [e for e in uow.emitted if isinstance(e, WelfareHoldRequestedV1)]
    assert [(r.amount_fen, r.reference) for r in requests] == [
        (1000_00, f"student-aid/{child['id']}"),
        (3000_00, f"student-aid/{poor['id']}"),
    ]
    assert all("王小明" not in r.purpose for r in requests), "finance's books never carry a student's name"
    holds = len(uow.holds.rows)
    with pytest.raises(Conflict) as twice:
        await student_aid.apply(uow, OTHER_UNION, "no2", student(scheme, ID_2.lower(), "大专"))
    assert twice.value.code == "student_aid_student_already_applied"
    with pytest.raises(Invalid) as unknown:
        await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_3, "研究生"))
    assert unknown.value.code == "student_aid_level_unknown" and "大学本科" in unknown.value.text("zh-CN")
    foreign = await student_aid.create_scheme(uow, FOREIGN_ADMIN, "county", GOLDEN_AUTUMN)
    with pytest.raises(NotFound) as elsewhere:  # another federation's scheme is as if it did not exist
        await student_aid.apply(uow, OFFICER, "no1", student(foreign, ID_3))
    assert elsewhere.value.code == "student_aid_scheme_not_found"
    assert len(uow.holds.rows) == holds, "nothing refused reached finance"


async def test_approval_pays_the_amount_through_finance_and_refusal_releases_it_with_a_reason():
    uow, scheme, _ = await street_with_scheme()
    first = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_1))
    second = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_2, "大专"))
    reserved(uow, first)
    uow.emitted.clear()

    approved = await student_aid.review(
        uow, ADMIN, first["id"], ReviewStudentAid(decision="approve", paid_on=dt.date(2026, 9, 10))
    )
    [pay] = uow.emitted
    assert isinstance(pay, WelfareHoldPaidV1) and (pay.amount_fen, pay.paid_on) == (3000_00, dt.date(2026, 9, 10))
    assert (approved["status"], approved["state"], approved["reviewed_by"]) == ("approved", "paying", "admin-zhao")
    with pytest.raises(Conflict) as again:
        await student_aid.review(uow, ADMIN, first["id"], ReviewStudentAid(decision="refuse", reason="重复"))
    assert again.value.code == "student_aid_already_reviewed"

    uow.emitted.clear()
    refused = await student_aid.review(
        uow, OFFICER, second["id"], ReviewStudentAid(decision="refuse", reason="不符合建档立卡条件")
    )
    [void] = uow.emitted
    assert isinstance(void, WelfareHoldCancelledV1) and void.hold_id == second["hold_id"]
    assert (refused["status"], refused["refuse_reason"], refused["state"]) == (
        "refused",
        "不符合建档立卡条件",
        "refusing",
    )
    # A refused application frees the student: applied for again, at another level.
    again_applied = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_2, "高中"))
    assert again_applied["amount_fen"] == 1000_00


async def test_approving_money_finance_has_not_reserved_is_refused():
    uow, scheme, _ = await street_with_scheme()
    applied = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_1))
    with pytest.raises(Conflict) as early:
        await student_aid.review(uow, ADMIN, applied["id"], ReviewStudentAid(decision="approve"))
    assert early.value.code == "money_not_reserved"
    assert uow.student_aid.rows[applied["id"]].status == "applied"


def test_a_refusal_needs_its_reason():
    with pytest.raises(ValidationError) as refused:
        ReviewStudentAid(decision="refuse")
    assert refused.value.errors()[0]["type"] == "student_aid_refusal_reason_missing"
    with pytest.raises(ValidationError):
        ApplyStudentAid(scheme_id=GOLDEN_AUTUMN_ID, student_name="王", id_number="123", school="x", level="高中")


async def test_the_students_name_and_id_reach_the_applicant_admins_and_auditors_only():
    uow, scheme, _ = await street_with_scheme()
    applied = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_1))

    for reader in (ADMIN, AUDITOR):
        seen = await student_aid.read(uow, reader, applied["id"])
        assert (seen["student_name"], seen["id_number"]) == ("王小明", "51010120080101001X")
    for seen in (
        await student_aid.read(uow, COLLEAGUE, applied["id"]),
        *await student_aid.applications_of(uow, COLLEAGUE, "no1"),
    ):
        assert not seen["details_visible"] and seen["student_name"].startswith("学生-") and seen["id_number"] is None
        assert "王小明" not in str(seen) and (seen["school"], seen["level"]) == ("四川大学", "大学本科")
    with pytest.raises(NotFound):
        await student_aid.read(uow, OTHER_UNION, applied["id"])
    with pytest.raises(Forbidden):
        await student_aid.read(uow, MEMBER, applied["id"])
    with pytest.raises(Forbidden):
        await student_aid.review(uow, AUDITOR, applied["id"], ReviewStudentAid(decision="approve"))


async def test_the_years_rollup_counts_by_level_and_by_members_children_and_non_members():
    uow, scheme, parent = await street_with_scheme()
    winter = await student_aid.create_scheme(
        uow, ADMIN, "street", GOLDEN_AUTUMN.model_copy(update={"name": "寒窗助学"})
    )
    a = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_1, member_id=parent))
    b = await student_aid.apply(uow, OTHER_UNION, "no2", student(scheme, ID_2, "高中"))
    c = await student_aid.apply(uow, OFFICER, "no1", student(winter, ID_3, "高中"))
    for applied in (a, b):
        reserved(uow, applied)
        await student_aid.review(uow, ADMIN, applied["id"], ReviewStudentAid(decision="approve"))
    uow.holds.rows[a["hold_id"]] |= {"status": "captured", "paid_fen": 3000_00}
    await student_aid.review(uow, ADMIN, c["id"], ReviewStudentAid(decision="refuse", reason="已获其他资助"))

    rollup = await student_aid.rollup(uow, AUDITOR, "street", 2026)

    assert {k: rollup[k] for k in ("applications", "approved", "refused", "pending", "approved_fen", "paid_fen")} == {
        "applications": 3,
        "approved": 2,
        "refused": 1,
        "pending": 0,
        "approved_fen": 4000_00,
        "paid_fen": 3000_00,
    }
    levels = {line["level"]: line for line in rollup["by_level"]}
    assert (levels["高中"]["applications"], levels["高中"]["approved_fen"]) == (2, 1000_00)
    kinds = {line["student_kind"]: line for line in rollup["by_student_kind"]}
    assert (kinds["member_child"]["approved"], kinds["non_member"]["approved"]) == (1, 1)
    assert (await student_aid.rollup(uow, OFFICER, "no1", 2026))["applications"] == 2  # its own subtree
    assert (await student_aid.rollup(uow, AUDITOR, "street", 2025))["applications"] == 0


async def test_a_refused_payment_puts_the_application_back_to_be_approved_again():
    uow, scheme, _ = await street_with_scheme()
    applied = await student_aid.apply(uow, OFFICER, "no1", student(scheme, ID_1))
    reserved(uow, applied)
    await student_aid.review(uow, ADMIN, applied["id"], ReviewStudentAid(decision="approve"))
    reserved(uow, applied)  # as finance's refusal leaves it
    refused = MoneyRequestSettledV1(
        organization_id="no1",
        federation_id="street",
        request_event_id="e1",
        journal_event_id="j1",
        operation="capture",
        outcome="refused",
        reason="预算不足",
        hold_id=applied["hold_id"],
    )

    await student_aid.on_student_aid_settled(uow, uow.holds.rows[applied["hold_id"]], refused)

    assert uow.student_aid.rows[applied["id"]].status == "applied"
    again = await student_aid.review(uow, ADMIN, applied["id"], ReviewStudentAid(decision="approve"))
    assert again["status"] == "approved"
