"""校务公开 roll-up on real PostgreSQL: two schools under a county, one publishes its statements (to
the notice board, at the staff congress), the other none; the county sees who published what and
when for the year or a term, as JSON and as an Excel sheet; a school sees only itself, another
school's officers get the 404 of a missing union; bad input changes nothing."""

import datetime as dt
import io

import httpx
import openpyxl
import pytest

from tests.finance_tools import apply_instruction
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer import journal
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import Outcome

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service):
    finance = await build_service(definition, start=False)
    federation, first, second = unique("county"), unique("school"), unique("school")

    def registered(org: str, path: list[str], kind: str, name: str) -> OrganizationRegisteredV1:
        return OrganizationRegisteredV1(
            organization_id=org,
            federation_id=federation,
            name=name,
            kind=kind,
            parent_id=path[-2] if len(path) > 1 else None,
            path=path,
        )

    assert (
        await deliver(
            finance,
            [
                registered(federation, [federation], "federation", "某县教育工会"),
                registered(first, [federation, first], "grassroots_union", "第一小学工会"),
                registered(second, [federation, second], "grassroots_union", "实验中学工会"),
            ],
        )
        == [Outcome.PROCESSED] * 3
    )

    dues = journal.post(flows.dues(first, 500_00, "2026-03", dt.date(2026, 3, 20)))
    assert (await apply_instruction(finance, federation, first, dues))["outcome"] == "posted"
    transport = httpx.ASGITransport(app=create_app(finance))
    async with httpx.AsyncClient(transport=transport, base_url="http://finance", timeout=10) as api:
        yield dict(
            api=api,
            federation=federation,
            first=first,
            second=second,
            admin=bearer(Role.FEDERATION_ADMIN, federation, federation),
            first_officer=bearer(Role.UNION_OFFICER, first, federation, "first-li"),
            second_officer=bearer(Role.UNION_OFFICER, second, federation, "second-wang"),
        )


async def test_the_county_sees_what_each_school_published_and_when(county):
    api, first, second = county["api"], county["first"], county["second"]
    for body in (
        {
            "period_from": "2026-01-01",
            "period_to": "2026-06-30",
            "published_on": "2026-07-05",
            "channel": "notice_board",
        },
        {
            "period_from": "2026-07-01",
            "period_to": "2026-09-30",
            "published_on": "2026-10-12",
            "channel": "staff_congress",
            "note": "教代会上报告",
        },
    ):
        recorded = await api.post(
            f"/v1/organizations/{first}/disclosure-publications", headers=county["first_officer"], json=body
        )
        assert recorded.status_code == 201, recorded.text
    assert recorded.json()["head_sequence"] >= 1 and recorded.json()["published_by"] == "first-li"

    answer = await api.get(
        f"/v1/organizations/{county['federation']}/disclosure-rollup", headers=county["admin"], params={"year": 2026}
    )
    assert answer.status_code == 200, answer.text
    rollup = answer.json()
    rows = {u["organization_id"]: u for u in rollup["unions"]}
    assert set(rows) == {first, second}, "the schools, not the county itself"
    assert [(p["published_on"], p["channel"]) for p in rows[first]["publications"]] == [
        ("2026-07-05", "notice_board"),
        ("2026-10-12", "staff_congress"),
    ]
    assert (rows[first]["disclosed"], rows[first]["last_published_on"]) == (True, "2026-10-12")
    assert (rows[second]["disclosed"], rows[second]["publications"]) == (False, [])
    assert (rollup["unions_disclosed"], rollup["unions_without"]) == (1, [second])

    spring = await api.get(
        f"/v1/organizations/{county['federation']}/disclosure-rollup",
        headers=county["admin"],
        params={"year": 2026, "term": "spring"},
    )
    assert [
        p["published_on"]
        for p in spring.json()["unions"][0]["publications"] + spring.json()["unions"][1]["publications"]
    ] == ["2026-07-05"]
    assert (spring.json()["first_day"], spring.json()["last_day"]) == ("2026-02-01", "2026-07-31")

    sheet = await api.get(
        f"/v1/organizations/{county['federation']}/disclosure-rollup",
        headers=county["admin"],
        params={"year": 2026, "format": "xlsx"},
    )
    assert sheet.status_code == 200, sheet.text
    rows_read = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    # Unions in tree order (by id here): one row a publication, one for the union that published none.
    assert sorted(r[:2] for r in rows_read[-3:]) == sorted(
        [("第一小学工会", "是"), ("第一小学工会", "是"), ("实验中学工会", "否（未公开）")]
    )

    own = await api.get(f"/v1/organizations/{second}/disclosure-rollup", headers=county["second_officer"])
    assert [u["organization_id"] for u in own.json()["unions"]] == [second]
    other = await api.get(f"/v1/organizations/{first}/disclosure-rollup", headers=county["second_officer"])
    missing = await api.get(f"/v1/organizations/{unique('ghost')}/disclosure-rollup", headers=county["second_officer"])
    assert other.status_code == missing.status_code == 404
    assert refusal(other) == refusal(missing)
    elsewhere = await api.post(
        f"/v1/organizations/{first}/disclosure-publications",
        headers=county["second_officer"],
        json={"period_from": "2026-01-01", "period_to": "2026-06-30", "channel": "website"},
    )
    assert elsewhere.status_code == 404


async def test_bad_input_is_refused_and_records_nothing(county):
    api, first = county["api"], county["first"]
    for body, code in (
        (
            {
                "period_from": "2026-07-01",
                "period_to": "2026-06-30",
                "published_on": "2026-07-05",
                "channel": "website",
            },
            "disclosure_period_reversed",
        ),
        (
            {
                "period_from": "2026-01-01",
                "period_to": "2026-06-30",
                "published_on": "2026-06-01",
                "channel": "website",
            },
            "disclosure_published_before_period_end",
        ),
        (
            {
                "period_from": "2026-01-01",
                "period_to": "2026-06-30",
                "published_on": "2099-01-01",
                "channel": "website",
            },
            "disclosure_published_in_future",
        ),
    ):
        refused = await api.post(
            f"/v1/organizations/{first}/disclosure-publications", headers=county["first_officer"], json=body
        )
        assert refused.status_code == 422 and refusal(refused)["code"] == code, refused.text
    odd = await api.post(
        f"/v1/organizations/{first}/disclosure-publications",
        headers=county["first_officer"],
        json={"period_from": "2026-01-01", "period_to": "2026-06-30", "channel": "wechat"},
    )
    assert odd.status_code == 422
    rollup = await api.get(
        f"/v1/organizations/{first}/disclosure-rollup", headers=county["first_officer"], params={"year": 2026}
    )
    assert rollup.json()["unions_without"] == [first]
