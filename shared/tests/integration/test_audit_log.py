"""The audit log on real PostgreSQL: every state-changing call, refused ones too, append-only."""

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.factories import school_events
from tests.kafka_tools import envelope_for
from tests.pytest_infra import bearer, unique
from unionfed_membership.entrypoints.app import definition as membership_definition
from unionfed_membership.service_layer import commands as membership_commands
from unionfed_membership.service_layer import founding
from unionfed_shared.audit import audit_log
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

_offsets = iter(range(10**9))
SECRET_CAUSE = f"audit-secret-cause-{uuid.uuid4().hex}"
SECRET_FAMILY = f"audit-secret-family-{uuid.uuid4().hex}"


@pytest.fixture
async def welfare(build_service):
    runtime = await build_service(welfare_definition, start=False)
    federation, school, other = unique("county"), unique("school"), unique("school")
    member, setup = school_events(federation, school)
    setup.append(
        OrganizationRegisteredV1(
            organization_id=other,
            federation_id=federation,
            name="No. 2 Middle",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, other],
        )
    )
    for event in setup:
        envelope = envelope_for(event)
        await runtime.consumer.handle(
            IncomingMessage(
                topics.MEMBERSHIP,
                0,
                next(_offsets),
                envelope.key,
                envelope.data,
                tuple((k, v.encode()) for k, v in envelope.headers().items()),
            )
        )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://welfare"
    ) as api:
        yield runtime, api, federation, school, other, member


async def audit_rows(runtime) -> list[dict]:
    async with runtime.engine.connect() as connection:
        return [dict(r._mapping) for r in await connection.execute(select(audit_log).order_by(audit_log.c.id))]


def hardship_file(member) -> dict:
    return {
        "member_id": str(member),
        "level": "special_hardship",
        "cause": "serious_illness",
        "cause_detail": SECRET_CAUSE,
        "family_situation": SECRET_FAMILY,
        "opened_on": "2026-03-02",
    }


async def test_successful_and_refused_writes_are_recorded_with_who_what_when_and_status(welfare):
    runtime, api, federation, school, other, member = welfare
    before = dt.datetime.now(dt.UTC)
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")
    opened = await api.post(
        f"/v1/organizations/{school}/hardship-files",
        json=hardship_file(member),
        headers={**officer, "x-correlation-id": "corr-1", "x-request-id": "req-audit-1"},
    )
    assert opened.status_code == 201, opened.text
    assert opened.headers["x-request-id"] == "req-audit-1"
    file_id = opened.json()["id"]

    plain = bearer(Role.MEMBER, school, federation, "member-li")
    refused = await api.post(f"/v1/hardship-files/{file_id}/reviews", json={"reviewed_on": "2026-04-01"}, headers=plain)
    assert refused.status_code == 403
    stranger = bearer(Role.WELFARE_OFFICER, other, federation, "officer-qian")
    hidden = await api.post(f"/v1/organizations/{school}/hardship-files", json=hardship_file(member), headers=stranger)
    assert hidden.status_code == 404
    invalid = await api.post(
        f"/v1/hardship-files/{file_id}/reviews", json={"reviewed_on": "not a date"}, headers=officer
    )
    assert invalid.status_code == 422
    anonymous = await api.post(
        f"/v1/organizations/{school}/hardship-files",
        json=hardship_file(member),
        headers={"Authorization": "Bearer forged.token.here"},
    )
    assert anonymous.status_code == 401
    unmatched = await api.post(f"/v1/no-such-route/{SECRET_CAUSE}", json={}, headers=officer)
    assert unmatched.status_code in (404, 405)
    rows = await audit_rows(runtime)

    # Reads are not state-changing: they leave nothing.
    assert (await api.get(f"/v1/hardship-files/{file_id}", headers=officer)).status_code == 200
    assert (await api.get(f"/v1/organizations/{school}/hardship-files", headers=officer)).status_code == 200
    assert await audit_rows(runtime) == rows

    who_what = [
        (
            r["subject"],
            r["role"],
            r["organization_id"],
            r["method"],
            r["route"],
            r["path_params"],
            r["status_code"],
            r["outcome"],
        )
        for r in rows
    ]
    assert who_what == [
        (
            "officer-zhao",
            "welfare_officer",
            school,
            "POST",
            "/v1/organizations/{organization_id}/hardship-files",
            {"organization_id": school},
            201,
            "succeeded",
        ),
        (
            "member-li",
            "member",
            school,
            "POST",
            "/v1/hardship-files/{file_id}/reviews",
            {"file_id": file_id},
            403,
            "refused",
        ),
        (
            "officer-qian",
            "welfare_officer",
            other,
            "POST",
            "/v1/organizations/{organization_id}/hardship-files",
            {"organization_id": school},
            404,
            "refused",
        ),
        (
            "officer-zhao",
            "welfare_officer",
            school,
            "POST",
            "/v1/hardship-files/{file_id}/reviews",
            {"file_id": file_id},
            422,
            "refused",
        ),
        (
            None,
            None,
            None,
            "POST",
            "/v1/organizations/{organization_id}/hardship-files",
            {"organization_id": school},
            401,
            "refused",
        ),
        # No route, so no token was checked: nobody is named.
        (None, None, None, "POST", "<unmatched>", {}, unmatched.status_code, "refused"),
    ]
    first = rows[0]
    assert (first["request_id"], first["correlation_id"], first["federation_id"]) == (
        "req-audit-1",
        "corr-1",
        federation,
    )
    assert all(r["request_id"] for r in rows) and len({r["request_id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["occurred_at"].utcoffset() == dt.timedelta(0)
        assert before - dt.timedelta(seconds=1) <= row["occurred_at"] <= dt.datetime.now(dt.UTC)
    # Bodies, and paths nobody routed, are never stored: they carry personal data.
    assert SECRET_CAUSE not in str(rows) and SECRET_FAMILY not in str(rows)


async def test_the_audit_log_is_append_only(welfare):
    runtime, api, federation, school, _other, member = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    assert (
        await api.post(f"/v1/organizations/{school}/hardship-files", json=hardship_file(member), headers=officer)
    ).status_code == 201
    for statement in ("UPDATE audit_log SET subject = 'someone-else'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with runtime.engine.begin() as connection:
                await connection.execute(text(statement))
    rows = await audit_rows(runtime)
    assert [r["subject"] for r in rows] == ["welfare_officer-1"]


async def test_auditors_read_the_log_of_their_subtree_page_by_page(welfare):
    runtime, api, federation, school, other, member = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")
    stranger = bearer(Role.WELFARE_OFFICER, other, federation, "officer-qian")
    for _ in range(3):
        await api.post(
            f"/v1/hardship-files/{uuid.uuid4()}/closure",
            json={"closed_on": "2026-05-01", "reason": "x"},
            headers=officer,
        )
    await api.post(f"/v1/organizations/{other}/hardship-files", json=hardship_file(member), headers=stranger)

    auditor = bearer(Role.AUDITOR, federation, federation)
    page = await api.get(f"/v1/organizations/{federation}/audit-log", params={"limit": 2}, headers=auditor)
    assert page.status_code == 200, page.text
    first = page.json()
    assert [e["subject"] for e in first["items"]] == ["officer-qian", "officer-zhao"]
    rest = (
        await api.get(
            f"/v1/organizations/{federation}/audit-log",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=auditor,
        )
    ).json()
    assert [e["subject"] for e in rest["items"]] == ["officer-zhao", "officer-zhao"]
    assert rest["next_cursor"] is None  # the fourth entry was the last

    school_only = (
        await api.get(f"/v1/organizations/{school}/audit-log", headers=bearer(Role.AUDITOR, school, federation))
    ).json()
    assert {e["subject"] for e in school_only["items"]} == {"officer-zhao"}
    assert school_only["items"][0]["route"] == "/v1/hardship-files/{file_id}/closure"
    assert school_only["next_cursor"] is None

    # Filters: by route template, status answered, actor and time, together with paging.
    async def subjects(**params) -> list[str]:
        answer = await api.get(f"/v1/organizations/{federation}/audit-log", params=params, headers=auditor)
        assert answer.status_code == 200, answer.text
        return [e["subject"] for e in answer.json()["items"]]

    assert await subjects(route="/v1/organizations/{organization_id}/hardship-files") == ["officer-qian"]
    # Every one of these calls was refused with 404 (unknown files, a member of another school).
    assert [e["status_code"] for e in first["items"] + rest["items"]] == [404] * 4
    assert await subjects(status=404) == ["officer-qian"] + ["officer-zhao"] * 3
    assert await subjects(status=201) == []
    assert await subjects(status=404, actor="officer-zhao", limit=1) == ["officer-zhao"]
    assert await subjects(actor="officer-zhao") == ["officer-zhao"] * 3
    now = dt.datetime.now(dt.UTC)
    assert (
        await subjects(**{"from": (now - dt.timedelta(minutes=5)).isoformat()})
        == ["officer-qian"] + ["officer-zhao"] * 3
    )
    assert await subjects(to=(now - dt.timedelta(minutes=5)).isoformat()) == []
    naive = await api.get(
        f"/v1/organizations/{federation}/audit-log", params={"from": "2026-05-01T00:00:00"}, headers=auditor
    )
    assert naive.status_code == 422
    # Out of scope and unknown organizations answer alike; other roles may not read it.
    outside = await api.get(f"/v1/organizations/{school}/audit-log", headers=bearer(Role.AUDITOR, other, federation))
    unknown = await api.get(f"/v1/organizations/{unique('nowhere')}/audit-log", headers=auditor)
    assert outside.status_code == unknown.status_code == 404
    assert (await api.get(f"/v1/organizations/{school}/audit-log", headers=officer)).status_code == 403
    assert (
        await api.get(
            f"/v1/organizations/{federation}/audit-log", headers=bearer(Role.FEDERATION_ADMIN, federation, federation)
        )
    ).status_code == 200


async def test_membership_writes_are_recorded_in_its_own_database(build_service):
    membership = await build_service(membership_definition, start=False)
    county, school = unique("county"), unique("school")
    async with membership.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), membership_commands.FoundFederation(id=county, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(membership))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=10) as api:
        created = await api.post(
            "/v1/organizations",
            headers=admin,
            json={"id": school, "name": "一小工会", "kind": "grassroots_union", "parent_id": county},
        )
        assert created.status_code == 201, created.text
        refused = await api.post(
            "/v1/organizations",
            headers=bearer(Role.UNION_OFFICER, school, county, "chair-li"),
            json={"id": unique("x"), "name": "x", "kind": "union_group", "parent_id": school},
        )
        assert refused.status_code == 403
        log = (await api.get(f"/v1/organizations/{county}/audit-log", headers=admin)).json()
    assert [(e["subject"], e["route"], e["status_code"]) for e in log["items"]] == [
        ("chair-li", "/v1/organizations", 403),
        ("admin-wang", "/v1/organizations", 201),
    ]
