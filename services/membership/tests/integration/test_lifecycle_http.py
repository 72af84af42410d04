"""Member lifecycle, organization moves, committees and personal data over HTTP (real PostgreSQL)."""

import datetime as dt
import json
import logging
import subprocess

import httpx
import pytest
from sqlalchemy import select

from tests.processes import UNIONFED
from tests.pytest_infra import bearer, service_env, unique
from unionfed_membership.adapters.tables import member_history, members, organizations, outbox
from unionfed_membership.domain.personal_data import id_check_character
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, member_changes
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

# The federations here are founded with the default zone: their "today" is Beijing's.
TODAY = business_time.today(business_time.DEFAULT_ZONE)


def id_number(serial: str = "123") -> str:
    first_17 = f"33010619850315{serial}"
    return first_17 + id_check_character(first_17)


@pytest.fixture
async def county(build_service):
    """A county with a sub-federation, two schools (A under the county, B under the sub-federation)
    and a union group in A, founded over HTTP."""
    database = f"t_membership_{unique('lc').replace('-', '_')}"
    membership = await build_service(definition, start=False, database=database)
    county_id = unique("county")
    async with membership.uow() as uow:
        from unionfed_membership.service_layer import founding

        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county_id, name="某县教育工会")
        )
    ids = {
        "county": county_id,
        "east": unique("east"),
        "a": unique("school-a"),
        "b": unique("school-b"),
        "group": unique("group"),
    }
    admin = bearer(Role.FEDERATION_ADMIN, county_id, county_id, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(membership))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=10) as api:
        for key, kind, parent in (
            ("east", "federation", "county"),
            ("a", "grassroots_union", "county"),
            ("b", "grassroots_union", "east"),
            ("group", "union_group", "a"),
        ):
            answer = await api.post(
                "/v1/organizations",
                json={"id": ids[key], "name": f"{key} 工会", "kind": kind, "parent_id": ids[parent]},
                headers=admin,
            )
            assert answer.status_code == 201, answer.text
        yield membership, api, ids, admin, database


async def enrol(api, organization_id: str, headers: dict, **extra) -> dict:
    answer = await api.post(
        f"/v1/organizations/{organization_id}/members",
        json={"display_name": "陈老师", "gender": "female", "joined_on": "2020-09-01", **extra},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def outbox_rows(runtime, event_type: str | None = None) -> list:
    async with runtime.session_factory() as session:
        query = select(outbox).order_by(outbox.c.id)
        if event_type:
            query = query.where(outbox.c.event_type == event_type)
        return (await session.execute(query)).all()


async def table_snapshot(runtime) -> tuple:
    async with runtime.session_factory() as session:
        return (
            sorted(tuple(r) for r in (await session.execute(select(organizations.c.id, organizations.c.path))).all()),
            sorted(
                tuple(r)
                for r in (
                    await session.execute(select(members.c.id, members.c.organization_id, members.c.status))
                ).all()
            ),
            (await session.execute(select(member_history.c.id))).all(),
            len(await outbox_rows(runtime)),
        )


async def test_a_moved_union_takes_its_subtree_and_its_history(county):
    membership, api, ids, admin, _ = county
    moved = await api.post(f"/v1/organizations/{ids['a']}/move", json={"new_parent_id": ids["east"]}, headers=admin)
    assert moved.status_code == 200, moved.text
    assert moved.json()["path"] == [ids["county"], ids["east"], ids["a"]]
    group = (await api.get(f"/v1/organizations/{ids['group']}", headers=admin)).json()
    assert group["path"] == [ids["county"], ids["east"], ids["a"], ids["group"]]

    [move] = (await api.get(f"/v1/organizations/{ids['a']}/moves", headers=admin)).json()
    assert (move["old_parent_id"], move["new_parent_id"], move["moved_by"], move["moved_on"]) == (
        ids["county"],
        ids["east"],
        "admin-wang",
        TODAY.isoformat(),
    )
    [event] = await outbox_rows(membership, "unionfed.membership.organization_moved.v1")
    payload = json.loads(event.payload)
    assert payload["old_path"] == [ids["county"], ids["a"]]
    assert payload["new_path"] == [ids["county"], ids["east"], ids["a"]]

    refusals = {
        "cycle": await api.post(
            f"/v1/organizations/{ids['east']}/move", json={"new_parent_id": ids["a"]}, headers=admin
        ),
        "kind": await api.post(
            f"/v1/organizations/{ids['group']}/move", json={"new_parent_id": ids["east"]}, headers=admin
        ),
        "future": await api.post(
            f"/v1/organizations/{ids['b']}/move",
            json={"new_parent_id": ids["county"], "moved_on": (TODAY + dt.timedelta(days=3)).isoformat()},
            headers=admin,
        ),
    }
    for what, answer in refusals.items():
        assert answer.status_code == 422, (what, answer.text)
    assert refusals["cycle"].json()["code"] == "organization_move_cycle"  # school A now lies under east
    assert refusals["kind"].json()["code"] == "organization_kind_not_allowed"
    assert refusals["future"].json()["code"] == "move_date_in_future"
    sub = unique("sub")
    created = await api.post(
        "/v1/organizations",
        json={"id": sub, "name": "东片下属联合会", "kind": "federation", "parent_id": ids["east"]},
        headers=admin,
    )
    assert created.status_code == 201
    before = await table_snapshot(membership)
    cycle = await api.post(f"/v1/organizations/{ids['east']}/move", json={"new_parent_id": sub}, headers=admin)
    assert cycle.status_code == 422 and cycle.json()["code"] == "organization_move_cycle"
    assert await table_snapshot(membership) == before

    officer = bearer(Role.UNION_OFFICER, ids["a"], ids["county"])
    refused = await api.post(
        f"/v1/organizations/{ids['group']}/move", json={"new_parent_id": ids["a"]}, headers=officer
    )
    assert refused.status_code == 403


async def test_a_transfer_effective_today_moves_member_history_and_emits_one_event(county):
    membership, api, ids, admin, _ = county
    member = await enrol(api, ids["a"], admin)
    answer = await api.post(
        f"/v1/members/{member['id']}/transfer",
        json={"to_organization_id": ids["b"], "effective_on": TODAY.isoformat()},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["change"]["status"] == "applied"
    assert answer.json()["member"]["organization_id"] == ids["b"]
    listed_b = (await api.get(f"/v1/organizations/{ids['b']}/members", headers=admin)).json()["items"]
    listed_a = (await api.get(f"/v1/organizations/{ids['a']}/members", headers=admin)).json()["items"]
    assert [m["id"] for m in listed_b] == [member["id"]] and listed_a == []

    history = (await api.get(f"/v1/members/{member['id']}/history", headers=admin)).json()
    assert [(h["organization_id"], h["change"]) for h in history] == [
        (ids["a"], "joined"),
        (ids["a"], "transferred_out"),
        (ids["b"], "transferred_in"),
    ]
    assert all(h["recorded_by"] == "admin-wang" for h in history)
    [event] = await outbox_rows(membership, "unionfed.membership.member_transferred.v1")
    payload = json.loads(event.payload)
    assert (payload["organization_id"], payload["from_organization_id"], payload["effective_on"]) == (
        ids["b"],
        ids["a"],
        TODAY.isoformat(),
    )
    # The school the member left no longer sees them; the new one does.
    old_officer = bearer(Role.UNION_OFFICER, ids["a"], ids["county"])
    new_officer = bearer(Role.UNION_OFFICER, ids["b"], ids["county"])
    assert (await api.get(f"/v1/members/{member['id']}", headers=old_officer)).status_code == 404
    assert (await api.get(f"/v1/members/{member['id']}/history", headers=new_officer)).status_code == 200
    # A school officer cannot reach a school outside their subtree, and bad input changes nothing.
    before = await table_snapshot(membership)
    back = await api.post(
        f"/v1/members/{member['id']}/transfer",
        json={"to_organization_id": ids["a"], "effective_on": TODAY.isoformat()},
        headers=new_officer,
    )
    assert back.status_code == 404
    for body in (
        {"to_organization_id": ids["east"], "effective_on": TODAY.isoformat()},
        {"to_organization_id": ids["b"], "effective_on": TODAY.isoformat()},
        {"to_organization_id": ids["a"], "effective_on": "2019-01-01"},
        {"to_organization_id": ids["a"]},
    ):
        refused = await api.post(f"/v1/members/{member['id']}/transfer", json=body, headers=admin)
        assert refused.status_code == 422, (body, refused.text)
    assert await table_snapshot(membership) == before


async def test_a_future_change_is_scheduled_visible_and_applied_when_due(county, infra):
    membership, api, ids, admin, database = county
    member = await enrol(api, ids["a"], admin)
    first_of_next_month = (TODAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    answer = await api.post(
        f"/v1/members/{member['id']}/transfer",
        json={"to_organization_id": ids["group"], "effective_on": first_of_next_month.isoformat()},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    change = answer.json()["change"]
    assert change["status"] == "scheduled" and answer.json()["member"]["organization_id"] == ids["a"]
    assert await outbox_rows(membership, "unionfed.membership.member_transferred.v1") == []
    incoming = (await api.get(f"/v1/organizations/{ids['group']}/scheduled-changes", headers=admin)).json()
    assert [c["id"] for c in incoming] == [change["id"]]

    second = await api.post(
        f"/v1/members/{member['id']}/status",
        json={"status": "retired", "effective_on": TODAY.isoformat()},
        headers=admin,
    )
    assert second.status_code == 409 and second.json()["code"] == "member_change_already_scheduled"
    assert change["id"] in second.json()["detail"]

    # Not yet due: nothing happens. Due: the CLI applies it and emits the event.
    env = service_env(infra, "membership", database)
    run = lambda day: subprocess.run(  # noqa: E731
        [UNIONFED, "membership", "apply-scheduled", "--today", day.isoformat(), "--operator", "cron"],
        env={**__import__("os").environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    early = run(first_of_next_month - dt.timedelta(days=1))
    assert early.returncode == 0, early.stderr
    assert "0 change(s) applied" in early.stdout
    due = run(first_of_next_month)
    assert due.returncode == 0, due.stderr
    assert "1 change(s) applied" in due.stdout
    moved = (await api.get(f"/v1/members/{member['id']}", headers=admin)).json()
    assert moved["organization_id"] == ids["group"]
    [event] = await outbox_rows(membership, "unionfed.membership.member_transferred.v1")
    assert json.loads(event.payload)["effective_on"] == first_of_next_month.isoformat()
    assert dict(event.headers)["ce_actor"] == "cron"
    assert (await api.get(f"/v1/organizations/{ids['group']}/scheduled-changes", headers=admin)).json() == []


async def test_a_due_change_is_applied_first_by_the_next_command_about_the_member(county):
    membership, api, ids, admin, _ = county
    member = await enrol(api, ids["a"], admin)
    retire_on = TODAY + dt.timedelta(days=10)
    scheduled = await api.post(
        f"/v1/members/{member['id']}/status",
        json={"status": "retired", "effective_on": retire_on.isoformat()},
        headers=admin,
    )
    assert scheduled.json()["change"]["status"] == "scheduled"
    principal = Principal("admin-li", Role.FEDERATION_ADMIN, ids["county"], ids["county"])
    later = retire_on + dt.timedelta(days=5)
    async with membership.uow() as uow:
        outcome = await member_changes.change_member_status(
            uow,
            principal,
            member["id"],
            commands.ChangeMemberStatus(status="deceased", effective_on=later),
            today=later,
        )
    assert outcome.applied and outcome.member.status == "deceased"
    history = (await api.get(f"/v1/members/{member['id']}/history", headers=admin)).json()
    assert [(h["change"], h["effective_on"]) for h in history][1:] == [
        ("retired", retire_on.isoformat()),
        ("deceased", later.isoformat()),
    ]
    events = [
        json.loads(r.payload) for r in await outbox_rows(membership, "unionfed.membership.member_status_changed.v1")
    ]
    assert [(e["previous_status"], e["status"]) for e in events] == [("active", "retired"), ("retired", "deceased")]


async def test_personal_data_is_encrypted_masked_and_shown_only_by_its_endpoint(county, caplog):
    membership, api, ids, admin, _ = county
    caplog.set_level(logging.DEBUG)
    number, phone = id_number(), "13800138000"
    member = await enrol(
        api, ids["a"], admin, id_number=number, phone=phone, staff_no="T-0042", base_salary_fen=430_000
    )
    assert member["id_number_masked"] == f"{number[:4]}**********{number[-4:]}"
    assert number not in json.dumps(member) and phone not in json.dumps(member)

    officer = bearer(Role.UNION_OFFICER, ids["a"], ids["county"])
    plain_member = bearer(Role.MEMBER, ids["a"], ids["county"])
    stranger = bearer(Role.UNION_OFFICER, ids["b"], ids["county"])
    seen_by_member = (await api.get(f"/v1/members/{member['id']}", headers=plain_member)).json()
    assert seen_by_member["id_number_masked"] is None and seen_by_member["staff_no"] is None
    assert (await api.get(f"/v1/members/{member['id']}", headers=officer)).json()["id_number_masked"].startswith("3301")

    clear = await api.get(f"/v1/members/{member['id']}/personal-data", headers=officer)
    assert clear.status_code == 200
    assert clear.json() | {"member_id": None} == {
        "member_id": None,
        "id_number": number,
        "phone": phone,
        "staff_no": "T-0042",
        "base_salary_fen": 430_000,
    }
    assert (await api.get(f"/v1/members/{member['id']}/personal-data", headers=plain_member)).status_code == 403
    assert (await api.get(f"/v1/members/{member['id']}/personal-data", headers=stranger)).status_code == 404

    twice = await api.post(
        f"/v1/organizations/{ids['b']}/members",
        json={"display_name": "陈老师", "gender": "female", "joined_on": "2020-09-01", "id_number": number.lower()},
        headers=admin,
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_a_member"
    assert member["id"] in twice.json()["detail"]
    before = await table_snapshot(membership)
    mistyped = number[:17] + ("1" if number[17] != "1" else "2")
    for bad in ({"id_number": mistyped}, {"phone": "1380013800"}, {"base_salary_fen": 4300.5}):
        refused = await api.post(
            f"/v1/organizations/{ids['a']}/members",
            json={"display_name": "王老师", "gender": "male", "joined_on": "2020-09-01", **bad},
            headers=admin,
        )
        assert refused.status_code == 422, refused.text
    assert mistyped not in refused.text
    assert await table_snapshot(membership) == before

    async with membership.uow() as uow:
        found = await uow.members.find_by_id_number(ids["county"], f" {number.lower()} ")
        assert found is not None and str(found.id) == member["id"]
        assert await uow.members.find_by_id_number(ids["county"], id_number("999")) is None
        async with membership.session_factory() as session:
            stored = (await session.execute(select(members).where(members.c.id == found.id))).one()
        assert number.encode() not in stored.id_number_ciphertext and stored.id_number_digest != number

    # Neither the ID number nor the phone went into an event or a log line.
    for row in await outbox_rows(membership):
        carried = row.payload.decode() + json.dumps(row.headers)
        assert number not in carried and phone not in carried and number[:17] not in carried
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    assert caplog.records, "the service logged nothing, so this check would prove nothing"
    assert number not in logged and phone not in logged


async def test_an_officer_removed_at_the_election_is_refused(county):
    _membership, api, ids, admin, _ = county
    old_chair = bearer(Role.UNION_OFFICER, ids["a"], ids["county"], "teacher-old-chair")
    treasurer = bearer(Role.UNION_OFFICER, ids["a"], ids["county"], "teacher-treasurer")
    committee_member = bearer(Role.UNION_OFFICER, ids["a"], ids["county"], "teacher-member")
    new_chair = bearer(Role.UNION_OFFICER, ids["a"], ids["county"], "teacher-new-chair")
    # No committee yet: the token's role is trusted, as before.
    member = await enrol(api, ids["a"], old_chair)
    assert (await api.get(f"/v1/organizations/{ids['a']}/committee", headers=admin)).json() is None

    def term(number: int, chair: str, year: int) -> dict:
        return {
            "number": number,
            "elected_on": f"{year}-09-01",
            "starts_on": f"{year}-09-01",
            "ends_on": f"{year + 5}-08-31",
            "roster": [
                {"role": "chair", "subject": chair, "display_name": "主席"},
                {"role": "treasurer", "subject": "teacher-treasurer", "display_name": "经审"},
                {"role": "member", "subject": "teacher-member", "display_name": "委员"},
            ],
        }

    first = await api.post(
        f"/v1/organizations/{ids['a']}/committee-terms", json=term(1, "teacher-old-chair", 2020), headers=admin
    )
    assert first.status_code == 201, first.text
    dues = {"member_id": member["id"], "period": "2026-10", "amount_fen": 2150}
    refused = await api.post(f"/v1/organizations/{ids['a']}/dues-payments", json=dues, headers=committee_member)
    assert refused.status_code == 403 and refused.json()["code"] == "committee_role_not_allowed"
    paid = await api.post(f"/v1/organizations/{ids['a']}/dues-payments", json=dues, headers=treasurer)
    assert paid.status_code == 201, paid.text
    assert (
        await api.post(
            f"/v1/organizations/{ids['a']}/members",
            json={"display_name": "委员招的", "gender": "male", "joined_on": "2021-09-01"},
            headers=committee_member,
        )
    ).status_code == 201

    # 换届: the old chair runs the election that replaces them.
    bad_number = await api.post(
        f"/v1/organizations/{ids['a']}/committee-terms", json=term(3, "teacher-new-chair", 2025), headers=old_chair
    )
    assert bad_number.status_code == 422 and bad_number.json()["code"] == "committee_term_number_wrong"
    assert "第 2 届" in bad_number.json()["detail"]
    second = await api.post(
        f"/v1/organizations/{ids['a']}/committee-terms", json=term(2, "teacher-new-chair", 2025), headers=old_chair
    )
    assert second.status_code == 201, second.text
    removed = await api.post(
        f"/v1/organizations/{ids['a']}/members",
        json={"display_name": "x", "gender": "male", "joined_on": "2021-09-01"},
        headers=old_chair,
    )
    assert removed.status_code == 403 and removed.json()["code"] == "not_on_committee"
    assert "teacher-old-chair" in removed.json()["detail"]
    assert (await api.get(f"/v1/members/{member['id']}/personal-data", headers=old_chair)).status_code == 403
    assert (await api.get(f"/v1/members/{member['id']}/personal-data", headers=new_chair)).status_code == 200

    terms = (await api.get(f"/v1/organizations/{ids['a']}/committee-terms", headers=admin)).json()
    assert [(t["number"], t["current"], t["closed_on"]) for t in terms] == [(1, False, "2025-09-01"), (2, True, None)]
    current = (await api.get(f"/v1/organizations/{ids['a']}/committee", headers=admin)).json()
    assert {s["role_name"] for s in current["roster"]} == {"主席", "财务委员/经审", "委员"}
    # A union group's officers answer to their union's committee.
    group_officer = bearer(Role.UNION_OFFICER, ids["group"], ids["county"], "teacher-old-chair")
    assert (
        await api.post(
            f"/v1/organizations/{ids['group']}/members",
            json={"display_name": "y", "gender": "male", "joined_on": "2021-09-01"},
            headers=group_officer,
        )
    ).status_code == 403
