"""The rights case use cases on an in-memory unit of work: who opens, moves and reads a case, and
who sees the workers' names and phones. The integration tests prove the same against PostgreSQL."""

import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, NotFound
from unionfed_welfare.service_layer import rights_cases
from unionfed_welfare.service_layer.commands import HandRightsCase, MoveRightsCase, OpenRightsCase

HANDLER = Principal("officer-li", Role.WELFARE_OFFICER, "no1", "street")
COLLEAGUE = Principal("officer-wu", Role.UNION_OFFICER, "no1", "street")
ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")
AUDITOR = Principal("auditor-qian", Role.AUDITOR, "street", "street")
OTHER_UNION = Principal("officer-sun", Role.WELFARE_OFFICER, "no2", "street")
MEMBER = Principal("member-1", Role.MEMBER, "no1", "street")


def street() -> tuple[FakeUnitOfWork, OpenRightsCase]:
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"street": ["street"], "no1": ["street", "no1"], "no2": ["street", "no2"]})
    member_id = uow.directory.add_member("no1", "张三")
    opening = OpenRightsCase(
        employer_name="某某建材有限公司",
        employer_credit_code="91310000ma1fl0xx4x",
        workers=[{"member_id": member_id}, {"name": "李四", "phone": "13800000000"}],
        claim_kind="wage_arrears",
        claimed_fen=1_260_000,
        accepted_on=dt.date(2026, 11, 10),
        rights_week="2026-11",
    )
    return uow, opening


async def opened() -> tuple[FakeUnitOfWork, dict]:
    uow, opening = street()
    return uow, await rights_cases.open_case(uow, HANDLER, "no1", opening)


async def test_the_opener_handles_the_case_and_reads_the_workers_names_and_phones():
    uow, answer = await opened()

    [case] = uow.rights_cases.rows.values()
    assert (case.handled_by, case.stage, case.deadline_on, case.employer_credit_code) == (
        "officer-li",
        "accepted",
        dt.date(2026, 11, 25),
        "91310000MA1FL0XX4X",  # as given, upper-cased
    )
    assert answer["details_visible"]
    assert [(w["name"], w["phone"], w["is_member"]) for w in answer["workers"]] == [
        ("张三", None, True),
        ("李四", "13800000000", False),
    ]
    assert [s["stage"] for s in answer["stages"]] == ["accepted"] and uow.committed


@pytest.mark.parametrize("reader", [ADMIN, AUDITOR])
async def test_federation_admins_and_auditors_read_the_details(reader):
    uow, answer = await opened()
    seen = await rights_cases.read(uow, reader, answer["id"])
    assert seen["details_visible"] and seen["workers"][1]["name"] == "李四"


async def test_another_officer_in_scope_sees_the_case_but_only_pseudonyms():
    uow, answer = await opened()

    for seen in [
        await rights_cases.read(uow, COLLEAGUE, answer["id"]),
        *await rights_cases.cases_of(uow, COLLEAGUE, "no1"),
    ]:
        assert not seen["details_visible"]
        assert seen["employer_name"] == "某某建材有限公司" and seen["claimed_fen"] == 1_260_000
        for worker in seen["workers"]:
            assert set(worker) == {"pseudonym", "is_member"}
            assert worker["pseudonym"].startswith("劳动者-")
    assert "张三" not in str(seen) and "李四" not in str(seen) and "13800000000" not in str(seen)


async def test_another_union_gets_not_found_and_a_member_forbidden():
    uow, answer = await opened()
    with pytest.raises(NotFound) as hidden:
        await rights_cases.read(uow, OTHER_UNION, answer["id"])
    assert hidden.value.code == "rights_case_not_found"
    with pytest.raises(Forbidden):
        await rights_cases.read(uow, MEMBER, answer["id"])
    with pytest.raises(Forbidden):
        await rights_cases.cases_of(uow, MEMBER, "no1")


async def test_only_the_handler_or_an_admin_moves_the_case():
    uow, answer = await opened()
    uow.committed = False
    mediation = MoveRightsCase(stage="mediation", on=dt.date(2026, 11, 12))
    with pytest.raises(Forbidden) as refused:
        await rights_cases.move(uow, COLLEAGUE, answer["id"], mediation)
    assert refused.value.code == "rights_case_not_handler"
    assert uow.rights_cases.rows[answer["id"]].stage == "accepted" and not uow.committed

    moved = await rights_cases.move(uow, ADMIN, answer["id"], mediation)
    assert moved["stage"] == "mediation" and [s["stage"] for s in moved["stages"]] == ["accepted", "mediation"]


async def test_a_wrong_move_changes_nothing():
    uow, answer = await opened()
    await rights_cases.move(uow, HANDLER, answer["id"], MoveRightsCase(stage="closed", on=dt.date(2026, 11, 20)))
    uow.committed = False
    with pytest.raises(Conflict) as refused:
        await rights_cases.move(uow, HANDLER, answer["id"], MoveRightsCase(stage="mediation", on=dt.date(2026, 11, 21)))
    assert refused.value.code == "rights_case_closed"
    assert not uow.committed and len(uow.rights_cases.stages) == 2


async def test_an_admin_hands_the_case_over_and_the_details_follow_the_handler():
    uow, answer = await opened()
    with pytest.raises(Forbidden):
        await rights_cases.hand_over(uow, HANDLER, answer["id"], HandRightsCase(handled_by="officer-wu"))

    await rights_cases.hand_over(uow, ADMIN, answer["id"], HandRightsCase(handled_by="officer-wu"))

    assert (await rights_cases.read(uow, COLLEAGUE, answer["id"]))["details_visible"]
    assert not (await rights_cases.read(uow, HANDLER, answer["id"]))["details_visible"]


async def test_a_member_of_another_union_cannot_be_a_worker_of_the_case_and_nothing_is_written():
    uow, opening = street()
    stranger = uow.directory.add_member("no2", "赵六")
    opening = opening.model_copy(
        update={"workers": [*opening.workers, opening.workers[0].model_copy(update={"member_id": stranger})]}
    )
    with pytest.raises(NotFound) as refused:
        await rights_cases.open_case(uow, HANDLER, "no1", opening)
    assert refused.value.code == "member_not_found"
    assert not uow.rights_cases.rows and not uow.committed


async def test_members_do_not_open_cases():
    uow, opening = street()
    with pytest.raises(Forbidden):
        await rights_cases.open_case(uow, MEMBER, "no1", opening)
    assert not uow.rights_cases.rows


async def test_statistics_count_the_subtree_s_cases_of_the_period_and_each_rights_week():
    uow, answer = await opened()
    await rights_cases.move(
        uow, HANDLER, answer["id"], MoveRightsCase(stage="closed", on=dt.date(2026, 11, 20), recovered_fen=1_260_000)
    )
    other, opening = street()  # a case of no2, opened by its officer in December
    uow.directory.members.update(other.directory.members)
    await rights_cases.open_case(
        uow,
        OTHER_UNION,
        "no2",
        opening.model_copy(
            update={"workers": opening.workers[1:], "accepted_on": dt.date(2026, 12, 3), "rights_week": "2026-12"}
        ),
    )

    figures = await rights_cases.statistics(uow, AUDITOR, "street", dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert (figures["opened"], figures["closed"], figures["closed_in_time"], figures["recovered_fen"]) == (
        2,
        1,
        1,
        1_260_000,
    )
    assert figures["workers_helped"] == 2  # 李四's phone in both cases is one worker
    assert figures["by_rights_week"] == {"2026-11": 1, "2026-12": 1}
    only_no1 = await rights_cases.statistics(uow, HANDLER, "no1", dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert only_no1["opened"] == 1
    with pytest.raises(NotFound):
        await rights_cases.statistics(uow, HANDLER, "no2", dt.date(2026, 11, 1), dt.date(2026, 12, 31))
