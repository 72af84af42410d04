"""Spot checks (督查) on an in-memory unit of work: who records, follows up, closes and reads them,
and a check of a union the caller cannot see answered as a missing one. The integration tests
prove the same against PostgreSQL and HTTP, with the list's search and overdue flag."""

import dataclasses
import datetime as dt
import uuid

import pytest

from services.events.tests.unit.fake_civic_repositories import STORED_AT
from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.spot_checks import CLOSED, FOLLOWED_UP, SpotCheck, Subject
from unionfed_events.service_layer import nominations, spot_checks
from unionfed_events.service_layer.commands import CloseSpotCheck, FollowUpSpotCheck, RecordSpotCheck
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, NotFound

NOW = dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC)
COUNTY_ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "county", "county")
SCHOOL_OFFICER = Principal("officer-li", Role.UNION_OFFICER, "school", "county")
OTHER_OFFICER = Principal("officer-wang", Role.UNION_OFFICER, "other", "county")
AUDITOR = Principal("auditor-sun", Role.AUDITOR, "county", "county")


class FakeSpotChecks:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, SpotCheck] = {}

    async def add(self, check: SpotCheck) -> SpotCheck:
        self.rows[check.id] = dataclasses.replace(check, created_at=STORED_AT)
        return self.rows[check.id]

    async def get(self, check_id: uuid.UUID, *, lock: bool = False) -> SpotCheck | None:
        return self.rows.get(check_id)

    async def save_step(self, check: SpotCheck) -> None:
        self.rows[check.id] = check


@pytest.fixture(autouse=True)
def december(monkeypatch):
    monkeypatch.setattr(nominations, "now", lambda: NOW)


def county() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.unions.add_organization("county", "federation", None)
    uow.unions.add_organization("school", "grassroots_union", "county")
    uow.unions.add_organization("other", "grassroots_union", "county")
    uow.spot_checks = FakeSpotChecks()  # type: ignore[attr-defined]
    return uow


RECORD = RecordSpotCheck(
    checked_on=dt.date(2026, 11, 2),
    subject=Subject.DISCLOSURE,
    subject_detail="上半年校务公开",
    findings="未公开慰问金明细",
    follow_up_required=True,
    follow_up_due_on=dt.date(2026, 11, 30),
)


async def test_the_county_records_the_school_follows_up_and_the_county_closes():
    uow = county()
    check = await spot_checks.record(uow, COUNTY_ADMIN, "school", RECORD)
    assert (check.organization_id, check.checked_by_organization_id, check.recorded_by) == (
        "school",
        "county",
        "admin-zhao",
    )
    assert check.overdue(dt.date(2026, 12, 5))
    done = await spot_checks.follow_up(uow, SCHOOL_OFFICER, check.id, FollowUpSpotCheck(follow_up="已补充公开"))
    assert (done.status, done.followed_up_on) == (FOLLOWED_UP, dt.date(2026, 12, 5))
    closed = await spot_checks.close(uow, COUNTY_ADMIN, check.id, CloseSpotCheck(note="同意销号"))
    assert closed.status == CLOSED
    assert (await spot_checks.get(uow, AUDITOR, check.id)).status == CLOSED


async def test_each_step_belongs_to_its_union_and_others_see_nothing():
    uow = county()
    with pytest.raises(Forbidden):
        await spot_checks.record(uow, SCHOOL_OFFICER, "school", RECORD)  # not above itself
    with pytest.raises(NotFound):
        await spot_checks.record(uow, OTHER_OFFICER, "school", RECORD)  # out of sight
    with pytest.raises(Forbidden):
        await spot_checks.record(uow, AUDITOR, "school", RECORD)
    check = await spot_checks.record(uow, COUNTY_ADMIN, "school", RECORD)
    with pytest.raises(Forbidden):
        await spot_checks.follow_up(uow, COUNTY_ADMIN, check.id, FollowUpSpotCheck(follow_up="代填"))
    for call in (
        lambda: spot_checks.get(uow, OTHER_OFFICER, check.id),
        lambda: spot_checks.follow_up(uow, OTHER_OFFICER, check.id, FollowUpSpotCheck(follow_up="x")),
        lambda: spot_checks.get(uow, OTHER_OFFICER, uuid.uuid4()),
    ):
        with pytest.raises(NotFound) as missing:
            await call()
        assert missing.value.code == "spot_check_not_found"
    await spot_checks.follow_up(uow, SCHOOL_OFFICER, check.id, FollowUpSpotCheck(follow_up="已整改"))
    with pytest.raises(Forbidden):
        await spot_checks.close(uow, SCHOOL_OFFICER, check.id, CloseSpotCheck())


async def test_files_are_attached_by_the_checked_union_or_the_checker_until_the_check_is_closed():
    uow = county()
    check = await spot_checks.record(uow, COUNTY_ADMIN, "school", RECORD)
    for who in (COUNTY_ADMIN, SCHOOL_OFFICER):  # photos of the findings, proof of the rectification
        assert (await spot_checks.attachable(uow, who, check.id)).id == check.id
    with pytest.raises(Forbidden):
        await spot_checks.attachable(uow, AUDITOR, check.id)  # reads, attaches nothing
    for check_id in (check.id, uuid.uuid4()):
        with pytest.raises(NotFound) as missing:
            await spot_checks.attachable(uow, OTHER_OFFICER, check_id)
        assert missing.value.code == "spot_check_not_found"
    await spot_checks.follow_up(uow, SCHOOL_OFFICER, check.id, FollowUpSpotCheck(follow_up="已整改"))
    await spot_checks.close(uow, COUNTY_ADMIN, check.id, CloseSpotCheck())
    with pytest.raises(Conflict) as closed:
        await spot_checks.attachable(uow, SCHOOL_OFFICER, check.id)
    assert closed.value.code == "spot_check_closed"
