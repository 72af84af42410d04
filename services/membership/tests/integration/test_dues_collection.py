"""Dues on real PostgreSQL and Kafka: policy, per-member computation, a month collected once, arrears."""

import asyncio
import io
import json
import uuid

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from tests.kafka_tools import read_topic
from tests.pytest_infra import bearer, eventually, unique
from unionfed_membership.entrypoints import roster_http
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.contracts import topics
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service):
    """A county federation with one school union and its maths group, over HTTP."""
    runtime = await build_service(definition)
    county, school, group, other = unique("county"), unique("school"), unique("maths"), unique("school")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership") as api:
        for org_id, name, kind, parent in (
            (school, "第一小学工会", "grassroots_union", county),
            (group, "数学组", "union_group", school),
            (other, "第二中学工会", "grassroots_union", county),
        ):
            body = {"id": org_id, "name": name, "kind": kind, "parent_id": parent}
            created = await api.post("/v1/organizations", json=body, headers=admin)
            assert created.status_code == 201, created.text
        yield runtime, api, admin, county, school, group, other


async def enrol(api, org, headers, name, **extra) -> str:
    body = {"display_name": name, "gender": "female", "joined_on": "2026-09-01", **extra}
    response = await api.post(f"/v1/organizations/{org}/members", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def dues_chunks_sent(infra, *organizations: str) -> list:
    """The dues chunks (DuesBatchCollectedV1) membership has published for these organizations."""
    keys = {organization.encode() for organization in organizations}
    return await read_topic(
        infra.kafka_bootstrap,
        topics.MEMBERSHIP,
        lambda r: dict(r.headers).get("ce_type") == b"unionfed.membership.dues_batch_collected.v1" and r.key in keys,
    )


async def test_a_month_is_computed_per_member_collected_once_and_arrears_are_visible(county, infra):
    runtime, api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    chen = await enrol(api, school, officer, "陈老师", base_salary_fen=430_000)
    li = await enrol(api, group, officer, "李老师", base_salary_fen=430_100)
    zhang = await enrol(api, school, officer, "张老师")  # no base salary recorded
    exempt = await enrol(api, school, officer, "王老师", base_salary_fen=500_000)

    # Only the federation's administrators set it; a school's officer cannot even see the federation.
    county_officer = bearer(Role.UNION_OFFICER, fed, fed, "officer-sun")
    refused = await api.put(f"/v1/federations/{fed}/dues-policies/2026-01-01", json={}, headers=county_officer)
    assert refused.status_code == 403
    hidden = await api.put(f"/v1/federations/{fed}/dues-policies/2026-01-01", json={}, headers=officer)
    assert hidden.status_code == 404
    no_policy = await api.post(
        f"/v1/organizations/{school}/dues-collections", json={"period": "2026-10"}, headers=officer
    )
    assert no_policy.status_code == 409 and no_policy.json()["code"] == "dues_policy_missing"
    policy = await api.put(
        f"/v1/federations/{fed}/dues-policies/2026-01-01", json={"exempt_member_ids": [exempt]}, headers=admin
    )
    assert policy.status_code == 200, policy.text
    assert (policy.json()["rate_per_mille"], policy.json()["exempt_statuses"]) == (5, ["retired"])

    month = (await api.get(f"/v1/organizations/{school}/dues", params={"period": "2026-10"}, headers=officer)).json()
    owed = {m["display_name"]: (m["outcome"], m["amount_fen"], m["reason"]) for m in month["members"]}
    assert owed == {
        "陈老师": ("due", 2150, ""),
        "李老师": ("due", 2151, ""),  # 2150.5 fen rounds half up
        "张老师": ("no_base_salary", None, "no base salary"),
        "王老师": ("exempt", None, "member exempted by the federation's policy"),
    }

    first = await api.post(f"/v1/organizations/{school}/dues-collections", json={"period": "2026-10"}, headers=officer)
    assert first.status_code == 200, first.text
    assert (first.json()["collected"], first.json()["collected_total_fen"], first.json()["not_collected"]) == (
        2,
        4301,
        2,
    )
    again = await api.post(f"/v1/organizations/{school}/dues-collections", json={"period": "2026-10"}, headers=officer)
    assert (again.json()["collected"], again.json()["already_paid"]) == (0, 2)

    # Two officers collecting November at the same moment still collect each member once.
    both = await asyncio.gather(
        *(
            api.post(f"/v1/organizations/{school}/dues-collections", json={"period": "2026-11"}, headers=officer)
            for _ in range(2)
        )
    )
    assert sorted(r.json()["collected"] for r in both) == [0, 2]
    payments = (await api.get(f"/v1/organizations/{group}/dues-payments", headers=officer)).json()
    assert sorted((p["period"], p["amount_fen"]) for p in payments) == [("2026-10", 2151), ("2026-11", 2151)]

    async def dues_events():
        records = await dues_chunks_sent(infra, school, group)
        return records if len(records) >= 4 else None

    await eventually(dues_events)
    await asyncio.sleep(1)  # anything extra would have been published by now
    assert len(await dues_events()) == 4  # one per member and month, never a second

    future = await api.post(f"/v1/organizations/{school}/dues-collections", json={"period": "2099-01"}, headers=officer)
    assert future.status_code == 422

    arrears = (
        await api.get(f"/v1/organizations/{school}/dues-arrears", params={"through": "2026-11"}, headers=officer)
    ).json()
    by_name = {m["display_name"]: m for m in arrears["members"]}
    assert set(by_name) == {"陈老师", "李老师", "张老师"}  # 王老师 is exempt
    assert [(p["period"], p["amount_fen"]) for p in by_name["陈老师"]["periods"]] == [("2026-09", 2150)]
    assert by_name["张老师"]["periods_without_amount"] == 3 and by_name["张老师"]["total_fen"] == 0
    assert arrears["total_fen"] == 2150 + 2151
    assert arrears["unions"] == [
        {
            "organization_id": school,
            "name": "第一小学工会",
            "members_in_arrears": 3,
            "total_fen": 4301,
            "periods_without_amount": 3,
        }
    ]
    one = (await api.get(f"/v1/members/{chen}/dues-arrears", params={"through": "2026-11"}, headers=officer)).json()
    assert (one["total_fen"], [p["period"] for p in one["periods"]]) == (2150, ["2026-09"])
    assert by_name["张老师"]["member_id"] == zhang and by_name["李老师"]["member_id"] == li

    stranger = bearer(Role.UNION_OFFICER, other, fed, "officer-zhao")
    hidden = await api.get(f"/v1/organizations/{school}/dues-arrears", headers=stranger)
    assert hidden.status_code == 404
    assert (await api.get(f"/v1/members/{chen}/dues-arrears", headers=stranger)).status_code == 404


async def test_a_new_rate_applies_from_its_month_and_retirees_are_exempt(county):
    runtime, api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    chen = await enrol(api, school, officer, "陈老师", base_salary_fen=430_000)
    retiree = await enrol(api, school, officer, "老刘", base_salary_fen=300_000)
    for valid_from, rate in (("2026-01-01", 5), ("2026-10-15", 10)):
        put = await api.put(
            f"/v1/federations/{fed}/dues-policies/{valid_from}", json={"rate_per_mille": rate}, headers=admin
        )
        assert put.status_code == 200, put.text
    retired = await api.post(
        f"/v1/members/{retiree}/status", json={"status": "retired", "effective_on": "2026-10-01"}, headers=admin
    )
    assert retired.status_code == 200, retired.text

    arrears = (
        await api.get(f"/v1/organizations/{school}/dues-arrears", params={"through": "2026-11"}, headers=admin)
    ).json()
    [only] = arrears["members"]
    assert only["member_id"] == chen
    # October is charged at the rate in force on 1 October; the new rate starts in November.
    assert [(p["period"], p["amount_fen"]) for p in only["periods"]] == [
        ("2026-09", 2150),
        ("2026-10", 2150),
        ("2026-11", 4300),
    ]
    listed = (await api.get(f"/v1/federations/{fed}/dues-policies", headers=admin)).json()
    assert [(p["valid_from"], p["rate_per_mille"]) for p in listed] == [("2026-01-01", 5), ("2026-10-15", 10)]
    # A school's officer reads the rule the county charges them by (setting it stays the county's).
    by_school = await api.get(f"/v1/federations/{fed}/dues-policies", headers=officer)
    assert by_school.status_code == 200 and by_school.json() == listed
    elsewhere = bearer(Role.UNION_OFFICER, "other-fed", "other-fed", "officer-x")
    assert (await api.get(f"/v1/federations/{fed}/dues-policies", headers=elsewhere)).status_code == 404
    bad = await api.put(f"/v1/federations/{fed}/dues-policies/2026-12-01", json={"rate_per_mille": 5.5}, headers=admin)
    assert bad.status_code == 422
    not_root = await api.put(f"/v1/federations/{school}/dues-policies/2026-12-01", json={}, headers=admin)
    assert not_root.status_code == 422


async def test_the_preview_counts_what_a_collection_then_takes_and_arrears_download_as_xlsx(county):
    runtime, api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    await enrol(api, school, officer, "陈老师", base_salary_fen=430_000)
    await enrol(api, group, officer, "李老师", base_salary_fen=430_100)
    await enrol(api, school, officer, "张老师")  # no base salary: neither collected nor exempt
    exempt = await enrol(api, school, officer, "王老师", base_salary_fen=500_000)
    policy = {"exempt_member_ids": [exempt]}
    assert (await api.put(f"/v1/federations/{fed}/dues-policies/2026-01-01", json=policy, headers=admin)).is_success

    preview = await api.get(f"/v1/organizations/{school}/dues", params={"period": "2026-10"}, headers=officer)
    assert preview.status_code == 200, preview.text
    summary = roster_http.DuesOfMonthOut.model_validate(preview.json()).summary
    assert summary.model_dump() == {
        "members": 4,
        "to_collect": 2,
        "to_collect_total_fen": 2150 + 2151,
        "already_paid": 0,
        "exempt": 1,
        "not_collected": 1,
    }
    run = await api.post(f"/v1/organizations/{school}/dues-collections", json={"period": "2026-10"}, headers=officer)
    collection = roster_http.DuesCollectionOut.model_validate(run.json())
    # The preview said what the run took.
    assert (collection.collected, collection.collected_total_fen) == (summary.to_collect, summary.to_collect_total_fen)
    assert sorted(p.display_name for p in collection.payments) == ["李老师", "陈老师"]
    assert sorted((m.display_name, m.outcome) for m in collection.not_collected_members) == [
        ("张老师", "no_base_salary"),
        ("王老师", "exempt"),
    ]
    after = await api.get(f"/v1/organizations/{school}/dues", params={"period": "2026-10"}, headers=officer)
    assert after.json()["summary"] == {
        **summary.model_dump(),
        "to_collect": 0,
        "to_collect_total_fen": 0,
        "already_paid": 2,
    }

    params = {"through": "2026-11"}
    answer = await api.get(f"/v1/organizations/{school}/dues-arrears", params=params, headers=officer)
    arrears = roster_http.OrganizationArrearsOut.model_validate(answer.json())
    assert [(u.name, u.members_in_arrears, u.total_fen) for u in arrears.unions] == [("第一小学工会", 3, 2 * 4301)]

    sheet = await api.get(
        f"/v1/organizations/{school}/dues-arrears", params={**params, "format": "xlsx"}, headers=officer
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''" in sheet.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(sheet.content)).active
    assert workbook["D2"].number_format == "#,##0.00"  # money is a number Excel sums, shown in yuan
    rows = list(workbook.iter_rows(values_only=True))
    assert rows[0] == ("工会", "会员", "欠缴月数", "欠缴金额（元）", "无基本工资的月数", "欠缴月份")
    assert rows[1:] == [
        ("第一小学工会", "张老师", 3, 0, 3, "2026-09、2026-10、2026-11"),
        ("第一小学工会", "陈老师", 2, 43.00, 0, "2026-09、2026-11"),
        ("第一小学工会 / 数学组", "李老师", 2, 43.02, 0, "2026-09、2026-11"),
        ("合计", None, 7, 86.02, 3, None),
    ]
    english = await api.get(
        f"/v1/organizations/{school}/dues-arrears",
        params={**params, "format": "xlsx"},
        headers={**officer, "Accept-Language": "en"},
    )
    assert next(load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True))[:2] == (
        "Union",
        "Member",
    )


async def test_dues_handed_over_earlier_are_collected_on_their_day_never_a_later_or_earlier_one(county, infra):
    """``collected_on``: dues handed over on paper on 30 September and entered later are collected on
    that business day (finance books them in September, so the month's statistics report sees them);
    a day after today, or before the month collected, is refused and collects nothing."""
    runtime, api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    await enrol(api, school, officer, "陈老师", base_salary_fen=430_000, joined_on="2026-08-01")
    policy = await api.put(f"/v1/federations/{fed}/dues-policies/2026-01-01", json={}, headers=admin)
    assert policy.status_code == 200, policy.text
    url = f"/v1/organizations/{school}/dues-collections"
    for day, code in (("2099-01-01", "dues_collected_on_future"), ("2026-08-31", "dues_collected_before_period")):
        refused = await api.post(url, json={"period": "2026-09", "collected_on": day}, headers=officer)
        assert (refused.status_code, refused.json()["code"]) == (422, code), refused.text
    collected = await api.post(url, json={"period": "2026-09", "collected_on": "2026-09-30"}, headers=officer)
    assert (collected.status_code, collected.json()["collected"]) == (200, 1), collected.text

    async def dues_event():
        records = await dues_chunks_sent(infra, school)
        return records or None

    [record] = await eventually(dues_event)
    payload = json.loads(record.value)
    data = payload.get("data", payload)
    assert data["period"] == "2026-09" and data["collected_at"].startswith("2026-09-30T04:00:00")  # noon in Shanghai
    assert [line["amount_fen"] for line in data["lines"]] == [2150]


async def test_a_month_of_a_thousand_members_is_recorded_at_once_and_sent_in_chunks_of_at_most_1000(county, infra):
    """1,001 members of the school and 2 of its maths group: three chunks (1,000 and 1 of the school,
    2 of the group), every member on one line of one chunk with their payment's id, and the
    payments naming their chunk; collecting the month again records and sends nothing."""
    runtime, api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    roster = [(uuid.uuid4(), school, 400_000 + i) for i in range(1001)] + [
        (uuid.uuid4(), group, 500_000 + i) for i in range(2)
    ]
    async with runtime.session_factory() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO members (id, organization_id, federation_id, display_name, gender, joined_on, status, "
                "staff_no, base_salary_fen) SELECT m, o, :fed, '会员', 'female', DATE '2026-01-05', 'active', "
                "'T' || n, s FROM unnest(CAST(:ids AS uuid[]), CAST(:orgs AS text[]), CAST(:salaries AS bigint[])) "
                "WITH ORDINALITY AS r(m, o, s, n)"
            ),
            {
                "fed": fed,
                "ids": [m for m, _, _ in roster],
                "orgs": [o for _, o, _ in roster],
                "salaries": [s for *_, s in roster],
            },
        )
    assert (await api.put(f"/v1/federations/{fed}/dues-policies/2026-01-01", json={}, headers=admin)).status_code == 200
    url = f"/v1/organizations/{school}/dues-collections"

    first = await api.post(url, json={"period": "2026-10"}, headers=officer)
    assert first.status_code == 200, first.text
    expected = {m: (s * 5 + 500) // 1000 for m, _, s in roster}
    assert (first.json()["collected"], first.json()["collected_total_fen"]) == (1003, sum(expected.values()))
    async with runtime.session_factory() as session:
        chunks = (
            await session.execute(
                text(
                    "SELECT batch_id, organization_id, count(*) FROM dues_payments WHERE period = '2026-10' "
                    "AND organization_id IN (:school, :group) GROUP BY 1, 2"
                ),
                {"school": school, "group": group},
            )
        ).all()
    assert sorted((o == school, n) for _, o, n in chunks) == [(False, 2), (True, 1), (True, 1000)]

    async def batches():
        records = await dues_chunks_sent(infra, school, group)
        return records if len(records) >= 3 else None

    records = await eventually(batches)
    sent = [json.loads(r.value) for r in records]
    sent = [s.get("data", s) for s in sent]
    assert sorted(len(s["lines"]) for s in sent) == [1, 2, 1000]
    assert {s["batch_id"] for s in sent} == {str(b) for b, _, _ in chunks}
    lines = [line for s in sent for line in s["lines"]]
    assert {uuid.UUID(line["member_id"]): line["amount_fen"] for line in lines} == expected and len(lines) == 1003

    again = await api.post(url, json={"period": "2026-10"}, headers=officer)
    assert (again.json()["collected"], again.json()["already_paid"]) == (0, 1003)
    await asyncio.sleep(1)  # anything extra would have been published by now
    assert len(await batches()) == 3


async def test_a_federation_collects_every_unions_month_in_one_request_and_a_unions_officer_cannot(county):
    runtime, api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    await enrol(api, school, officer, "陈老师", base_salary_fen=430_000)
    await enrol(api, group, officer, "李老师", base_salary_fen=430_100)
    await enrol(api, other, bearer(Role.UNION_OFFICER, other, fed, "officer-zhao"), "赵老师", base_salary_fen=300_000)
    assert (await api.put(f"/v1/federations/{fed}/dues-policies/2026-01-01", json={}, headers=admin)).status_code == 200
    url = f"/v1/federations/{fed}/dues-collections"

    hidden = await api.post(url, json={"period": "2026-10"}, headers=officer)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "organization_not_found"), hidden.text
    first = await api.post(url, json={"period": "2026-10"}, headers=admin)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["collected"], body["collected_total_fen"], body["already_paid"]) == (3, 2150 + 2151 + 1500, 0)
    assert sorted((u["organization_id"], u["collected"]) for u in body["unions"]) == sorted([(school, 2), (other, 1)])

    # A union's own collection afterwards, and the federation's again, collect nobody twice.
    union_again = await api.post(
        f"/v1/organizations/{school}/dues-collections", json={"period": "2026-10"}, headers=officer
    )
    assert (union_again.json()["collected"], union_again.json()["already_paid"]) == (0, 2)
    again = (await api.post(url, json={"period": "2026-10"}, headers=admin)).json()
    assert (again["collected"], again["already_paid"]) == (0, 3)
