"""The street federation's register of enterprises, founding unions from it and collective
contracts over HTTP on real PostgreSQL: the routes answer in scope, the union goes out as an
``organization_registered`` event through the outbox, and a refusal writes nothing."""

import datetime as dt
import io
import json
from urllib.parse import unquote

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.enterprise_tables import collective_contracts, enterprises
from unionfed_membership.adapters.tables import organizations, outbox
from unionfed_membership.domain.enterprises import credit_code_check_character
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


def code(n: int) -> str:
    body = f"91310115MA1K3Y{n:03d}"
    return body + credit_code_check_character(body)


@pytest.fixture
async def street(build_service):
    runtime = await build_service(definition)
    street, elsewhere = unique("street"), unique("street")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=street, name="某街道总工会")
        )
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=elsewhere, name="另一街道总工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, street, street, "admin-zhao")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        yield runtime, api, admin, street, elsewhere


async def count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_register_found_sign_renew_and_roll_up(street):
    runtime, api, admin, street_id, _ = street
    made = []
    for n, (name, workers) in enumerate((("甲公司", 120), ("乙公司", 30), ("丙公司", 8))):
        answer = await api.post(
            f"/v1/organizations/{street_id}/enterprises",
            json={"name": name, "credit_code": code(n), "workers": workers},
            headers=admin,
        )
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    jia, yi, _ = made
    should = await api.get(f"/v1/organizations/{street_id}/enterprises/should-found", headers=admin)
    assert {e["name"] for e in should.json()} == {"甲公司", "乙公司"}  # in the database's collation order
    high = await api.get(
        f"/v1/organizations/{street_id}/enterprises/should-found", params={"threshold": 50}, headers=admin
    )
    assert [e["name"] for e in high.json()] == ["甲公司"]

    union = unique("jia-union")
    founded = await api.post(
        f"/v1/enterprises/{jia['id']}/union",
        json={"union_id": union, "union_name": "甲公司工会", "founded_on": "2026-03-08"},
        headers=admin,
    )
    assert founded.status_code == 201, founded.text
    assert (founded.json()["union_id"], founded.json()["union_founded_on"]) == (union, "2026-03-08")
    async with runtime.session_factory() as session:
        path = await session.scalar(select(organizations.c.path).where(organizations.c.id == union))
        payloads = (
            await session.scalars(
                select(outbox.c.payload).where(outbox.c.event_type == OrganizationRegisteredV1.event_type)
            )
        ).all()
    assert path == [street_id, union]
    assert sum(1 for p in payloads if json.loads(p)["organization_id"] == union) == 1
    foundings = await api.get(
        f"/v1/organizations/{street_id}/union-foundings",
        params={"from": "2026-01-01", "to": "2026-12-31"},
        headers=admin,
    )
    assert foundings.status_code == 200, foundings.text
    assert (foundings.json()["founded"], foundings.json()["from"]) == (1, "2026-01-01")
    with_union = await api.get(f"/v1/organizations/{street_id}/enterprises", params={"union": "with"}, headers=admin)
    assert [e["name"] for e in with_union.json()] == ["甲公司"]

    today = business_time.today(business_time.DEFAULT_ZONE)
    wage = {
        "kind": "wage",
        "employer_party": "甲公司",
        "union_party": "甲公司工会",
        "signed_on": (today - dt.timedelta(days=300)).isoformat(),
        "valid_from": (today - dt.timedelta(days=300)).isoformat(),
        "valid_until": (today + dt.timedelta(days=10)).isoformat(),
        "workers_covered": 120,
        "negotiation": {"rounds": 3, "wage_increase_per_mille": 45},
        "filed_on": (today - dt.timedelta(days=290)).isoformat(),
    }
    signed = await api.post(f"/v1/enterprises/{jia['id']}/collective-contracts", json=wage, headers=admin)
    assert signed.status_code == 201, signed.text
    assert signed.json()["negotiation"] == {"rounds": 3, "wage_increase_per_mille": 45}
    expiring = await api.get(
        f"/v1/organizations/{street_id}/collective-contracts/expiring", params={"within_days": 30}, headers=admin
    )
    assert [(c["id"], c["enterprise_name"]) for c in expiring.json()["contracts"]] == [(signed.json()["id"], "甲公司")]

    rollup = await api.get(f"/v1/organizations/{street_id}/collective-contracts/rollup", headers=admin)
    assert rollup.status_code == 200, rollup.text
    figures = {k["kind"]: k for k in rollup.json()["by_kind"]}
    assert (rollup.json()["enterprises"], rollup.json()["with_union"], rollup.json()["twenty_plus"]) == (3, 1, 2)
    assert figures["wage"]["among_with_union"] == {"signed": 1, "of": 1, "per_mille": 1000, "percent": 100.0}
    assert figures["wage"]["among_twenty_plus"] == {"signed": 1, "of": 2, "per_mille": 500, "percent": 50.0}
    assert figures["wage"]["workers_covered"] == 120
    sheet = await api.get(
        f"/v1/organizations/{street_id}/collective-contracts/rollup", params={"format": "xlsx"}, headers=admin
    )
    assert sheet.status_code == 200, sheet.text
    assert unquote(sheet.headers["content-disposition"].split("filename*=UTF-8''")[1]) == (
        f"集体合同签订情况-某街道总工会-{rollup.json()['on']}.xlsx"
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    assert header[:4] == ("合同类别", "合同份数", "签订企业（家）", "覆盖职工（人）")
    wage_line = next(line for line in lines if line[0] == "工资专项集体合同")
    assert wage_line[1:] == (1, 1, 120, 1, 1, 100, 1, 2, 50)

    renewal = {
        **wage,
        "signed_on": today.isoformat(),
        "valid_from": (today + dt.timedelta(days=11)).isoformat(),
        "valid_until": (today + dt.timedelta(days=375)).isoformat(),
        "filed_on": None,
    }
    renewed = await api.post(f"/v1/collective-contracts/{signed.json()['id']}/renewal", json=renewal, headers=admin)
    assert renewed.status_code == 201, renewed.text
    listed = await api.get(f"/v1/enterprises/{jia['id']}/collective-contracts", headers=admin)
    old, new = listed.json()
    assert (old["replaced_by_id"], new["replaces_id"]) == (new["id"], old["id"])
    expiring = await api.get(f"/v1/organizations/{street_id}/collective-contracts/expiring", headers=admin)
    assert expiring.json()["contracts"] == []

    edited = await api.patch(f"/v1/enterprises/{yi['id']}", json={"workers": 19}, headers=admin)
    assert edited.status_code == 200 and edited.json()["workers"] == 19


async def test_scope_and_roles(street):
    _, api, admin, street_id, elsewhere = street
    registered = await api.post(
        f"/v1/organizations/{street_id}/enterprises",
        json={"name": "甲公司", "credit_code": code(1), "workers": 40},
        headers=admin,
    )
    enterprise = registered.json()["id"]
    foreign = bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere, "admin-other")
    for path in (f"/v1/enterprises/{enterprise}", f"/v1/enterprises/{enterprise}/collective-contracts"):
        answer = await api.get(path, headers=foreign)
        assert answer.status_code == 404 and answer.json()["code"] == "enterprise_not_found"
    answer = await api.get(f"/v1/organizations/{street_id}/enterprises", headers=foreign)
    assert answer.status_code == 404 and answer.json()["code"] == "organization_not_found"
    member = bearer(Role.MEMBER, street_id, street_id, "member-li")
    for answer in (
        await api.get(f"/v1/enterprises/{enterprise}", headers=member),
        await api.get(f"/v1/organizations/{street_id}/collective-contracts/rollup", headers=member),
        await api.patch(f"/v1/enterprises/{enterprise}", json={"workers": 1}, headers=member),
    ):
        assert answer.status_code == 403 and answer.json()["code"] == "role_not_allowed"
    auditor = bearer(Role.AUDITOR, street_id, street_id, "auditor-qian")
    assert (await api.get(f"/v1/enterprises/{enterprise}", headers=auditor)).status_code == 200
    assert (await api.patch(f"/v1/enterprises/{enterprise}", json={"workers": 1}, headers=auditor)).status_code == 403


async def test_bad_input_is_a_problem_with_a_stable_code_and_writes_nothing(street):
    runtime, api, admin, street_id, _ = street
    before = (
        await count(runtime, enterprises),
        await count(runtime, collective_contracts),
    )
    bad_code = code(1)[:17] + ("0" if code(1)[17] != "0" else "1")
    cases = [
        ({"name": "甲", "credit_code": bad_code, "workers": 40}, 422, "credit_code_invalid"),
        ({"name": "甲", "credit_code": code(1), "workers": -1}, 422, "request_validation"),
        ({"name": "甲", "credit_code": code(1), "workers": 40, "extra": 1}, 422, "request_validation"),
    ]
    for body, status, expected in cases:
        answer = await api.post(f"/v1/organizations/{street_id}/enterprises", json=body, headers=admin)
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json" and answer.json()["code"] == expected
    jia = (
        await api.post(
            f"/v1/organizations/{street_id}/enterprises",
            json={"name": "甲", "credit_code": code(1), "workers": 40},
            headers=admin,
        )
    ).json()
    twice = await api.post(
        f"/v1/organizations/{street_id}/enterprises",
        json={"name": "甲二", "credit_code": code(1), "workers": 4},
        headers=admin,
    )
    assert twice.status_code == 409 and twice.json()["code"] == "credit_code_already_registered"
    refused_union = unique("refused-union")
    future = (business_time.today(business_time.DEFAULT_ZONE) + dt.timedelta(days=3)).isoformat()
    union = await api.post(
        f"/v1/enterprises/{jia['id']}/union",
        json={"union_id": refused_union, "union_name": "x", "founded_on": future},
        headers=admin,
    )
    assert union.status_code == 422 and union.json()["code"] == "founding_date_in_future"
    contract = {
        "kind": "comprehensive",
        "employer_party": "甲",
        "union_party": "甲工会",
        "signed_on": "2026-01-01",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "workers_covered": 40,
    }
    no_union = await api.post(f"/v1/enterprises/{jia['id']}/collective-contracts", json=contract, headers=admin)
    assert no_union.status_code == 409 and no_union.json()["code"] == "enterprise_without_union"
    kind = await api.post(
        f"/v1/enterprises/{jia['id']}/collective-contracts", json={**contract, "kind": "other"}, headers=admin
    )
    assert kind.status_code == 422 and kind.json()["code"] == "request_validation"
    window = await api.get(
        f"/v1/organizations/{street_id}/collective-contracts/expiring", params={"within_days": 400}, headers=admin
    )
    assert window.status_code == 422 and window.json()["code"] == "request_validation"
    reversed_period = await api.get(
        f"/v1/organizations/{street_id}/union-foundings",
        params={"from": "2026-12-31", "to": "2026-01-01"},
        headers=admin,
    )
    assert reversed_period.status_code == 422 and reversed_period.json()["code"] == "period_reversed"
    after = (
        await count(runtime, enterprises),
        await count(runtime, collective_contracts),
    )
    assert after == (before[0] + 1, before[1])  # only the one good registration
    async with runtime.session_factory() as session:
        assert await session.scalar(select(organizations.c.id).where(organizations.c.id == refused_union)) is None


async def test_the_organizations_contracts_paged_filtered_downloaded_and_read_by_the_enterprises_union(street):
    _, api, admin, street_id, elsewhere = street
    park = unique("park")
    made = await api.post(
        "/v1/organizations",
        json={"id": park, "name": "某园区联合工会", "kind": "federation", "parent_id": street_id},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    foreign_admin = bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere, "admin-other")
    unions = {}
    for n, (name, registrar, by) in enumerate(
        (
            ("甲公司", street_id, admin),
            ("乙公司", street_id, admin),
            ("园区丙公司", park, admin),
            ("外街丁公司", elsewhere, foreign_admin),
        )
    ):
        enterprise = await api.post(
            f"/v1/organizations/{registrar}/enterprises",
            json={"name": name, "credit_code": code(10 + n), "workers": 50},
            headers=by,
        )
        assert enterprise.status_code == 201, enterprise.text
        union = unique("union")
        founded = await api.post(
            f"/v1/enterprises/{enterprise.json()['id']}/union",
            json={"union_id": union, "union_name": f"{name}工会", "founded_on": "2026-01-05"},
            headers=by,
        )
        assert founded.status_code == 201, founded.text
        unions[name] = (enterprise.json()["id"], union)

    today = business_time.today(business_time.DEFAULT_ZONE)

    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    async def sign(name: str, kind: str, signed: int, start: int, end: int, by=admin, filed: int | None = None) -> dict:
        body = {
            "kind": kind,
            "employer_party": name,
            "union_party": f"{name}工会",
            "signed_on": day(signed),
            "valid_from": day(start),
            "valid_until": day(end),
            "workers_covered": 40,
            "filed_on": None if filed is None else day(filed),
        }
        answer = await api.post(f"/v1/enterprises/{unions[name][0]}/collective-contracts", json=body, headers=by)
        assert answer.status_code == 201, answer.text
        return answer.json()

    # 甲: an expired comprehensive contract, a wage contract renewed (superseded from 5 days ago)
    # and its renewal in force; 乙: a women workers' contract whose term starts in 20 days; the
    # park's 丙 one in force; and another street's 丁 one, which nobody here may list.
    expired = await sign("甲公司", "comprehensive", -500, -500, -40, filed=-490)
    old_wage = await sign("甲公司", "wage", -300, -300, 60)
    renewal_body = {
        "kind": "wage",
        "employer_party": "甲公司",
        "union_party": "甲公司工会",
        "signed_on": day(-10),
        "valid_from": day(-5),
        "valid_until": day(700),
        "workers_covered": 45,
    }
    renewed = await api.post(f"/v1/collective-contracts/{old_wage['id']}/renewal", json=renewal_body, headers=admin)
    assert renewed.status_code == 201, renewed.text
    renewal = renewed.json()
    pending = await sign("乙公司", "women_workers", -2, 20, 300)
    park_contract = await sign("园区丙公司", "comprehensive", -100, -100, 200)
    await sign("外街丁公司", "comprehensive", -50, -50, 200, by=foreign_admin)

    path = f"/v1/organizations/{street_id}/collective-contracts"

    async def listed(headers=admin, **params) -> list[dict]:
        answer = await api.get(path if "at" not in params else params.pop("at"), params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["next_cursor"] is None
        return answer.json()["items"]

    everything = await listed()
    # The street's subtree (its own and the park's register), by signing date; not the other street's.
    assert [c["id"] for c in everything] == [
        expired["id"],
        old_wage["id"],
        park_contract["id"],
        renewal["id"],
        pending["id"],
    ]
    states = {c["id"]: (c["enterprise_name"], c["state"]) for c in everything}
    assert states == {
        expired["id"]: ("甲公司", "expired"),
        old_wage["id"]: ("甲公司", "superseded"),
        park_contract["id"]: ("园区丙公司", "in_force"),
        renewal["id"]: ("甲公司", "in_force"),
        pending["id"]: ("乙公司", "pending"),
    }
    for state in ("pending", "in_force", "expired", "superseded"):
        assert {c["id"] for c in await listed(state=state)} == {i for i, (_, s) in states.items() if s == state}
    assert [c["id"] for c in await listed(kind="wage")] == [old_wage["id"], renewal["id"]]
    assert [c["id"] for c in await listed(enterprise="丙")] == [park_contract["id"]]
    assert [c["id"] for c in await listed(enterprise="%")] == []  # a wildcard is a character like any other
    assert [c["id"] for c in await listed(kind="wage", state="in_force", enterprise="甲")] == [renewal["id"]]
    park_admin = bearer(Role.FEDERATION_ADMIN, park, street_id, "admin-park")
    assert [c["id"] for c in await listed(park_admin, at=f"/v1/organizations/{park}/collective-contracts")] == [
        park_contract["id"]
    ]

    # Two at a time: three pages, each contract once, in the same order.
    paged, cursor = [], None
    for _ in range(3):
        answer = await api.get(path, params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=admin)
        assert answer.status_code == 200, answer.text
        paged.extend(c["id"] for c in answer.json()["items"])
        cursor = answer.json()["next_cursor"]
    assert cursor is None and paged == [c["id"] for c in everything]
    bad_cursor = await api.get(path, params={"cursor": "not-a-cursor"}, headers=admin)
    assert bad_cursor.status_code == 422 and bad_cursor.json()["code"] == "cursor_invalid"
    bad_state = await api.get(path, params={"state": "lapsed"}, headers=admin)
    assert bad_state.status_code == 422 and bad_state.json()["code"] == "request_validation"

    # The whole filtered list as a workbook, headed in the caller's language.
    sheet = await api.get(path, params={"format": "xlsx", "limit": 1}, headers=admin)
    assert sheet.status_code == 200, sheet.text
    assert unquote(sheet.headers["content-disposition"].split("filename*=UTF-8''")[1]) == (
        f"集体合同名录-某街道总工会-{today}.xlsx"
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    assert header == ("企业", "合同类别", "签订日期", "期限起", "期限止", "覆盖职工（人）", "备案日期", "状态")
    assert len(lines) == 5
    assert lines[0][:3] == ("甲公司", "综合性集体合同", dt.datetime.fromisoformat(day(-500)))
    assert (lines[0][5], lines[0][6], lines[0][7]) == (40, dt.datetime.fromisoformat(day(-490)), "已到期")
    assert [line[7] for line in lines] == ["已到期", "已续订", "有效", "有效", "未生效"]
    english = await api.get(path, params={"format": "xlsx", "kind": "wage"}, headers={**admin, "Accept-Language": "en"})
    header, *lines = openpyxl.load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True)
    assert header[:3] == ("Enterprise", "Kind", "Signed") and header[7] == "State"
    assert [(line[0], line[1], line[7]) for line in lines] == [
        ("甲公司", "Wage-specific", "Superseded"),
        ("甲公司", "Wage-specific", "In force"),
    ]

    # 甲's union's officers read 甲's contracts, per enterprise and as their union's list, and no one else's.
    jia_id, jia_union = unions["甲公司"]
    yi_id, yi_union = unions["乙公司"]
    chair = bearer(Role.UNION_OFFICER, jia_union, street_id, "chair-jia")
    own = await listed(chair, at=f"/v1/organizations/{jia_union}/collective-contracts")
    assert [c["id"] for c in own] == [expired["id"], old_wage["id"], renewal["id"]]
    per_enterprise = await api.get(f"/v1/enterprises/{jia_id}/collective-contracts", headers=chair)
    assert per_enterprise.status_code == 200, per_enterprise.text
    assert {c["id"] for c in per_enterprise.json()} == {c["id"] for c in own}
    jia_sheet = await api.get(f"/v1/organizations/{jia_union}/collective-contracts?format=xlsx", headers=chair)
    assert jia_sheet.status_code == 200, jia_sheet.text
    _, *jia_lines = openpyxl.load_workbook(io.BytesIO(jia_sheet.content)).active.iter_rows(values_only=True)
    assert {line[0] for line in jia_lines} == {"甲公司"} and len(jia_lines) == 3
    # The register's readers read 甲's list too, through its union.
    assert len(await listed(at=f"/v1/organizations/{jia_union}/collective-contracts")) == 3
    for refused_path, refused_code in (
        (f"/v1/enterprises/{yi_id}/collective-contracts", "enterprise_not_found"),
        (f"/v1/organizations/{yi_union}/collective-contracts", "organization_not_found"),
        (path, "organization_not_found"),
        (f"/v1/enterprises/{jia_id}", "enterprise_not_found"),  # the register's record is not theirs
        (f"/v1/organizations/{street_id}/collective-contracts/rollup", "organization_not_found"),
    ):
        answer = await api.get(refused_path, headers=chair)
        assert (answer.status_code, answer.json()["code"]) == (404, refused_code), refused_path
    member = bearer(Role.MEMBER, jia_union, street_id, "member-jia")
    for forbidden in (
        f"/v1/enterprises/{jia_id}/collective-contracts",
        f"/v1/organizations/{jia_union}/collective-contracts",
    ):
        answer = await api.get(forbidden, headers=member)
        assert (answer.status_code, answer.json()["code"]) == (403, "role_not_allowed"), forbidden
    street_officer = bearer(Role.UNION_OFFICER, street_id, street_id, "officer-street")
    answer = await api.get(path, headers=street_officer)
    assert (answer.status_code, answer.json()["code"]) == (403, "role_not_allowed")
    for foreign_path in (path, f"/v1/organizations/{jia_union}/collective-contracts"):
        answer = await api.get(foreign_path, headers=foreign_admin)
        assert (answer.status_code, answer.json()["code"]) == (404, "organization_not_found")
    school = unique("school")
    made = await api.post(
        "/v1/organizations",
        json={"id": school, "name": "某学校工会", "kind": "grassroots_union", "parent_id": street_id},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    not_a_register = await api.get(f"/v1/organizations/{school}/collective-contracts", headers=admin)
    assert (not_a_register.status_code, not_a_register.json()["code"]) == (422, "not_a_register")
