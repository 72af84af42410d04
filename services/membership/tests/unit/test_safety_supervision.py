"""Safety supervision on the in-memory unit of work: who serves as 群监员 (a union member where the
enterprise has a union, else a named worker), inspections by a serving inspector, hazards fixed on
business dates, the overdue list and the period's share fixed in time."""

import datetime as dt

import pytest

from services.membership.tests.unit.fake_unit_of_work import FakeUnitOfWork
from services.membership.tests.unit.test_enterprises_and_contracts import ADMIN, registered, street
from unionfed_membership.domain.safety import Share
from unionfed_membership.service_layer import clock, commands, enterprises, members, safety
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

AUDITOR = Principal("auditor-qian", Role.AUDITOR, "street", "street")
OTHER_STREET = Principal("admin-sun", Role.FEDERATION_ADMIN, "elsewhere", "elsewhere")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    # 17:00 UTC on 30 November is 01:00 on 1 December in Shanghai: the federation's today is 1 December.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC))


def found(description="消防通道堵塞", severity="general", deadline=dt.date(2026, 11, 20)):
    return commands.FoundHazardRecord(description=description, severity=severity, deadline=deadline)


async def with_worker_inspector(uow: FakeUnitOfWork, name="乙公司", n=1):
    enterprise = await registered(uow, name, 30, n=n)
    inspector = await safety.appoint(
        uow,
        ADMIN,
        enterprise.id,
        commands.AppointSafetyInspector(name=" 周师傅 ", phone="138 0013 8000", appointed_on=dt.date(2026, 1, 5)),
    )
    return enterprise, inspector


async def test_a_worker_serves_where_there_is_no_union_and_the_phone_is_kept_personal():
    uow = await street()
    enterprise, inspector = await with_worker_inspector(uow)
    assert (inspector.name, inspector.phone, inspector.member_id) == ("周师傅", "13800138000", None)
    assert "13800138000" not in repr(inspector)
    with pytest.raises(Invalid) as refused:
        await safety.appoint(
            uow, ADMIN, enterprise.id, commands.AppointSafetyInspector(name="  ", appointed_on=dt.date(2026, 1, 5))
        )
    assert refused.value.code == "inspector_name_blank"
    with pytest.raises(Invalid) as refused:
        await safety.appoint(
            uow,
            ADMIN,
            enterprise.id,
            commands.AppointSafetyInspector(name="吴", phone="12345", appointed_on=dt.date(2026, 1, 5)),
        )
    assert (refused.value.code, refused.value.pointer) == ("phone_invalid", "#/phone")
    with pytest.raises(Invalid) as refused:
        await safety.appoint(
            uow, ADMIN, enterprise.id, commands.AppointSafetyInspector(name="吴", appointed_on=dt.date(2026, 12, 2))
        )
    assert refused.value.code == "appointment_date_in_future"  # 2 December is tomorrow in Shanghai
    assert len(uow.safety_inspectors.rows) == 1


async def test_where_the_enterprise_has_a_union_only_its_active_members_serve():
    uow = await street()
    enterprise = await registered(uow, "甲公司", 120)
    await enterprises.found_union(
        uow,
        ADMIN,
        enterprise.id,
        commands.FoundEnterpriseUnion(union_id="jia-union", union_name="甲公司工会", founded_on=dt.date(2026, 3, 8)),
    )
    outsider_union = await registered(uow, "丁公司", 50, n=3)
    await enterprises.found_union(
        uow,
        ADMIN,
        outsider_union.id,
        commands.FoundEnterpriseUnion(union_id="ding-union", union_name="丁公司工会", founded_on=dt.date(2026, 3, 8)),
    )
    enrol = commands.EnrolMember(display_name="李红", gender="female", joined_on=dt.date(2026, 3, 9))
    member = await members.enrol_member(uow, ADMIN, "jia-union", enrol)
    outsider = await members.enrol_member(uow, ADMIN, "ding-union", enrol.model_copy(update={"display_name": "赵亮"}))

    with pytest.raises(Invalid) as refused:
        await safety.appoint(
            uow, ADMIN, enterprise.id, commands.AppointSafetyInspector(name="周师傅", appointed_on=dt.date(2026, 4, 1))
        )
    assert refused.value.code == "inspector_member_required"
    with pytest.raises(Invalid) as refused:
        await safety.appoint(
            uow,
            ADMIN,
            enterprise.id,
            commands.AppointSafetyInspector(member_id=outsider.id, appointed_on=dt.date(2026, 4, 1)),
        )
    assert refused.value.code == "inspector_not_union_member"

    inspector = await safety.appoint(
        uow,
        ADMIN,
        enterprise.id,
        commands.AppointSafetyInspector(member_id=member.id, appointed_on=dt.date(2026, 4, 1)),
    )
    assert (inspector.name, inspector.member_id, inspector.phone) == ("李红", member.id, None)


async def test_inspection_by_a_serving_inspector_then_fixes_overdue_and_the_share_in_time():
    uow = await street()
    enterprise, inspector = await with_worker_inspector(uow)
    inspection = await safety.record_inspection(
        uow,
        ADMIN,
        enterprise.id,
        commands.RecordSafetyInspection(
            inspector_id=inspector.id,
            inspected_on=dt.date(2026, 11, 10),
            findings="检查车间、仓库和宿舍",
            hazards=[
                found("消防通道堵塞", "general", dt.date(2026, 11, 20)),
                found("配电箱无防护", "major", dt.date(2026, 11, 15)),
                found("灭火器过期", "general", dt.date(2026, 11, 30)),
                found("宿舍私拉电线", "general", dt.date(2026, 12, 31)),
            ],
        ),
    )
    passage, switchboard, extinguisher, wiring = inspection.hazards
    # In time on the deadline itself; late the day after.
    await safety.fix_hazard(uow, ADMIN, passage.id, commands.FixHazard(fixed_on=dt.date(2026, 11, 20)))
    await safety.fix_hazard(uow, ADMIN, switchboard.id, commands.FixHazard(fixed_on=dt.date(2026, 11, 16)))
    with pytest.raises(Conflict) as refused:
        await safety.fix_hazard(uow, ADMIN, passage.id, commands.FixHazard(fixed_on=dt.date(2026, 11, 21)))
    assert refused.value.code == "hazard_already_fixed"
    with pytest.raises(Invalid) as refused:
        await safety.fix_hazard(uow, ADMIN, wiring.id, commands.FixHazard(fixed_on=dt.date(2026, 11, 9)))
    assert refused.value.code == "fixed_before_found"

    # Today is 1 December (Shanghai): the extinguisher (deadline 30 November) is overdue by one
    # day; the wiring is not due yet; the fixed ones are off the list.
    late = await safety.overdue(uow, AUDITOR, "street")
    assert late.today == dt.date(2026, 12, 1)
    assert [(h.id, e.name) for h, e in late.hazards] == [(extinguisher.id, "乙公司")]

    figures = await safety.rollup(uow, AUDITOR, "street", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (figures.inspections, figures.hazards_found, figures.major_found) == (1, 4, 1)
    assert (figures.fixed, figures.fixed_in_time, figures.open) == (2, 1, 2)
    assert figures.in_time == Share(1, 4) and figures.in_time.per_mille == 250
    # A period with no inspection: nothing found, no share to give.
    empty = await safety.rollup(uow, AUDITOR, "street", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (empty.inspections, empty.in_time.per_mille) == (0, None)
    # The park federation below the street sees none of the street's own register.
    park = await safety.rollup(uow, ADMIN, "park", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert park.inspections == 0


async def test_an_inspection_needs_a_serving_inspector_of_the_enterprise_and_sane_dates():
    uow = await street()
    enterprise, inspector = await with_worker_inspector(uow)
    other, other_inspector = await with_worker_inspector(uow, "丙公司", n=2)
    record = commands.RecordSafetyInspection(
        inspector_id=other_inspector.id, inspected_on=dt.date(2026, 11, 10), findings="例行检查", hazards=[found()]
    )
    with pytest.raises(Invalid) as refused:
        await safety.record_inspection(uow, ADMIN, enterprise.id, record)
    assert refused.value.code == "inspector_not_of_enterprise"
    for change, code in (
        ({"inspected_on": dt.date(2026, 12, 2)}, "inspection_date_in_future"),
        ({"inspected_on": dt.date(2026, 1, 4)}, "inspector_not_serving"),  # before the appointment
        ({"hazards": [found(deadline=dt.date(2026, 11, 9))]}, "hazard_deadline_before_inspection"),
        ({"findings": "   "}, "findings_blank"),
    ):
        with pytest.raises(Invalid) as refused:
            await safety.record_inspection(
                uow, ADMIN, enterprise.id, record.model_copy(update={"inspector_id": inspector.id, **change})
            )
        assert refused.value.code == code
    retired = await safety.retire(
        uow, ADMIN, inspector.id, commands.RetireSafetyInspector(retired_on=dt.date(2026, 6, 30))
    )
    assert retired.retired_on == dt.date(2026, 6, 30)
    with pytest.raises(Conflict):
        await safety.retire(uow, ADMIN, inspector.id, commands.RetireSafetyInspector(retired_on=dt.date(2026, 7, 1)))
    with pytest.raises(Invalid) as refused:  # retired before the inspection
        await safety.record_inspection(
            uow, ADMIN, enterprise.id, record.model_copy(update={"inspector_id": inspector.id})
        )
    assert refused.value.code == "inspector_not_serving"
    # Before the retirement the inspection stands.
    earlier = record.model_copy(
        update={"inspector_id": inspector.id, "inspected_on": dt.date(2026, 6, 30), "hazards": []}
    )
    await safety.record_inspection(uow, ADMIN, enterprise.id, earlier)
    assert len(uow.safety_inspections.rows) == 1


async def test_auditors_read_but_do_not_write_and_another_federation_sees_nothing():
    uow = await street()
    enterprise, inspector = await with_worker_inspector(uow)
    assert [i.id for i in await safety.inspectors(uow, AUDITOR, enterprise.id)] == [inspector.id]
    with pytest.raises(Forbidden):
        await safety.retire(uow, AUDITOR, inspector.id, commands.RetireSafetyInspector(retired_on=dt.date(2026, 6, 30)))
    with pytest.raises(NotFound) as refused:
        await safety.inspections(uow, OTHER_STREET, enterprise.id)
    assert refused.value.code == "enterprise_not_found"
    with pytest.raises(NotFound) as refused:
        await safety.retire(
            uow, OTHER_STREET, inspector.id, commands.RetireSafetyInspector(retired_on=dt.date(2026, 6, 30))
        )
    assert refused.value.code == "safety_inspector_not_found"
    with pytest.raises(Invalid) as refused:
        await safety.rollup(uow, ADMIN, "street", dt.date(2026, 11, 30), dt.date(2026, 11, 1))
    assert refused.value.code == "period_reversed"
