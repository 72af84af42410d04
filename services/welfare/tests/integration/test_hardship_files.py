"""Hardship files over HTTP on real PostgreSQL: dynamic management and who may read the details."""

import uuid

import httpx
import pytest

from tests.factories import school_events
from tests.kafka_tools import envelope_for
from tests.problem_tools import refusal
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

_offsets = iter(range(10**9))


@pytest.fixture
async def welfare(build_service):
    runtime = await build_service(welfare_definition, start=False)
    federation, school, other = (
        f"county-{uuid.uuid4().hex[:10]}",
        f"school-{uuid.uuid4().hex[:10]}",
        f"school-{uuid.uuid4().hex[:10]}",
    )
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
        yield api, federation, school, other, member


OPEN = {
    "level": "special_hardship",
    "cause": "serious_illness",
    "cause_detail": "白血病 leukaemia, chemotherapy",
    "family_situation": "spouse unemployed, one child at school",
    "documents": ["诊断证明.pdf", "收入证明.jpg"],
    "opened_on": "2026-03-02",
}


async def test_a_file_is_opened_reviewed_regraded_and_closed_with_its_history(welfare):
    api, federation, school, _other, member = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")
    opened = await api.post(
        f"/v1/organizations/{school}/hardship-files", json={**OPEN, "member_id": str(member)}, headers=officer
    )
    assert opened.status_code == 201, opened.text
    file = opened.json()
    # 特困 is reviewed quarterly unless a date is given.
    assert (file["level_label"], file["next_review_on"], file["member_name"]) == ("特困", "2026-06-02", "Li Hua")
    second = await api.post(
        f"/v1/organizations/{school}/hardship-files", json={**OPEN, "member_id": str(member)}, headers=officer
    )
    assert second.status_code == 409 and second.json()["code"] == "hardship_file_already_open"
    assert file["id"] in second.json()["detail"]

    due = await api.get(
        f"/v1/organizations/{school}/hardship-files/due-for-review", params={"on": "2026-06-01"}, headers=officer
    )
    assert due.json() == []
    due = await api.get(
        f"/v1/organizations/{school}/hardship-files/due-for-review", params={"on": "2026-06-02"}, headers=officer
    )
    assert [f["id"] for f in due.json()] == [file["id"]]

    early = await api.post(
        f"/v1/hardship-files/{file['id']}/reviews", json={"reviewed_on": "2026-01-01"}, headers=officer
    )
    assert early.status_code == 422
    eased = await api.post(
        f"/v1/hardship-files/{file['id']}/reviews",
        json={
            "reviewed_on": "2026-06-03",
            "level": "hardship",
            "notes": "treatment over",
            "documents": ["复查报告.pdf"],
        },
        headers=officer,
    )
    assert eased.status_code == 200, eased.text
    eased = eased.json()
    assert (eased["level"], eased["next_review_on"]) == ("hardship", "2026-12-03")
    assert eased["documents"] == ["诊断证明.pdf", "收入证明.jpg", "复查报告.pdf"]
    assert [(h["kind"], h["level_before"], h["level_after"], h["reviewer"]) for h in eased["history"]] == [
        ("opened", None, "special_hardship", "officer-zhao"),
        ("level_changed", "special_hardship", "hardship", "officer-zhao"),
    ]

    closed = await api.post(
        f"/v1/hardship-files/{file['id']}/closure",
        json={"closed_on": "2026-12-10", "reason": "income restored"},
        headers=officer,
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["next_review_on"] is None
    again = await api.post(
        f"/v1/hardship-files/{file['id']}/reviews", json={"reviewed_on": "2026-12-11"}, headers=officer
    )
    assert again.status_code == 409

    report = await api.get(
        f"/v1/organizations/{school}/welfare-report", params={"from": "2026-01-01", "to": "2026-06-30"}, headers=officer
    )
    assert report.json()["hardship_files"] == [
        {"organization_id": school, "level": "hardship", "level_label": "困难", "open": 1, "opened": 1, "closed": 0}
    ]


async def test_details_are_refused_to_another_union_and_to_a_plain_member(welfare):
    api, federation, school, other, member = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    file = (
        await api.post(
            f"/v1/organizations/{school}/hardship-files", json={**OPEN, "member_id": str(member)}, headers=officer
        )
    ).json()

    chair = (
        await api.get(f"/v1/hardship-files/{file['id']}", headers=bearer(Role.UNION_OFFICER, school, federation))
    ).json()
    auditor = (
        await api.get(f"/v1/hardship-files/{file['id']}", headers=bearer(Role.AUDITOR, federation, federation))
    ).json()
    assert chair["cause_detail"] == auditor["cause_detail"] == OPEN["cause_detail"]

    plain = bearer(Role.MEMBER, school, federation, str(uuid.uuid4()))
    seen = (await api.get(f"/v1/hardship-files/{file['id']}", headers=plain)).json()
    assert seen == {
        "id": file["id"],
        "pseudonym": file["pseudonym"],
        "organization_id": school,
        "status": "open",
        "details_visible": False,
    }
    listed = (await api.get(f"/v1/organizations/{school}/hardship-files", headers=plain)).json()
    assert listed == [seen] and "Li Hua" not in str(listed) and "leukaemia" not in str(listed)
    reviewing = await api.post(
        f"/v1/hardship-files/{file['id']}/reviews", json={"reviewed_on": "2026-04-01"}, headers=plain
    )
    assert reviewing.status_code == 403

    stranger = bearer(Role.WELFARE_OFFICER, other, federation)
    foreign = await api.get(f"/v1/hardship-files/{file['id']}", headers=stranger)
    missing = await api.get(f"/v1/hardship-files/{uuid.uuid4()}", headers=stranger)
    assert foreign.status_code == missing.status_code == 404
    assert refusal(foreign) == refusal(missing)
    assert (await api.get(f"/v1/organizations/{school}/hardship-files", headers=stranger)).status_code == 404
    opening = await api.post(
        f"/v1/organizations/{other}/hardship-files", json={**OPEN, "member_id": str(member)}, headers=stranger
    )
    assert opening.status_code == 404, "another union's member is not found"


async def test_opening_a_file_twice_with_one_key_opens_it_once(welfare):
    api, federation, school, _other, member = welfare
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")
    body = {**OPEN, "member_id": str(member)}

    first = await api.post(
        f"/v1/organizations/{school}/hardship-files", json=body, headers={**officer, "Idempotency-Key": "open-li-hua"}
    )
    again = await api.post(
        f"/v1/organizations/{school}/hardship-files", json=body, headers={**officer, "Idempotency-Key": "open-li-hua"}
    )
    # Without a key the retry is a second opening, which the service refuses: the key is what made it safe.
    unkeyed = await api.post(f"/v1/organizations/{school}/hardship-files", json=body, headers=officer)

    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert unkeyed.status_code == 409 and unkeyed.json()["code"] == "hardship_file_already_open"
    assert first.json()["id"] in unkeyed.json()["detail"]
