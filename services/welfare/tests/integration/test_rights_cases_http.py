"""Workers' rights cases over HTTP on real PostgreSQL: a case from acceptance to its closing, who
reads the workers' names and phones, the statistics, and bad input refused with nothing written."""

import pytest

from services.welfare.tests.integration.test_hardship_files import welfare  # noqa: F401 (the fixture)
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration

CASE = {
    "employer_name": "某某建材有限公司",
    "employer_credit_code": "91310000ma1fl0xx4x",
    "claim_kind": "wage_arrears",
    "claimed_fen": 1_260_000,
    "accepted_on": "2026-11-10",
    "rights_week": "2026-11",
}


def people(member) -> list[dict]:
    return [{"member_id": str(member)}, {"name": "王建国", "phone": "13800000000"}]


async def test_a_case_goes_from_acceptance_through_mediation_to_its_closing_in_time(welfare):  # noqa: F811
    api, federation, school, _other, member = welfare
    handler = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")

    opened = await api.post(
        f"/v1/organizations/{school}/rights-cases", json={**CASE, "workers": people(member)}, headers=handler
    )
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert (case["stage"], case["deadline_on"], case["handled_by"], case["employer_credit_code"]) == (
        "accepted",
        "2026-11-25",
        "officer-zhao",
        "91310000MA1FL0XX4X",
    )
    assert [(w["name"], w["phone"]) for w in case["workers"]] == [("Li Hua", None), ("王建国", "13800000000")]

    url = f"/v1/rights-cases/{case['id']}/stages"
    mediation = await api.post(url, json={"stage": "mediation", "on": "2026-11-12"}, headers=handler)
    assert mediation.status_code == 200, mediation.text
    closed = await api.post(
        url,
        json={"stage": "closed", "on": "2026-11-24", "recovered_fen": 1_300_000, "outcome": "调解成功，当场支付"},
        headers=handler,
    )
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert (body["stage"], body["closed_on"], body["recovered_fen"], body["closed_in_time"]) == (
        "closed",
        "2026-11-24",
        1_300_000,
        True,
    )
    assert [(s["stage"], s["entered_on"], s["deadline_on"]) for s in body["stages"]] == [
        ("accepted", "2026-11-10", "2026-11-25"),
        ("mediation", "2026-11-12", "2026-11-27"),
        ("closed", "2026-11-24", None),
    ]

    again = await api.post(url, json={"stage": "mediation", "on": "2026-11-25"}, headers=handler)
    assert again.status_code == 409 and again.json()["code"] == "rights_case_closed"

    auditor = bearer(Role.AUDITOR, federation, federation, "auditor-qian")
    figures = await api.get(
        f"/v1/organizations/{federation}/rights-cases/statistics",
        params={"from": "2026-11-01", "to": "2026-11-30"},
        headers=auditor,
    )
    assert figures.status_code == 200, figures.text
    stats = figures.json()
    assert (stats["from"], stats["opened"], stats["closed"], stats["closed_in_time"], stats["referred"]) == (
        "2026-11-01",
        1,
        1,
        1,
        0,
    )
    assert (stats["recovered_fen"], stats["workers_helped"], stats["by_rights_week"]) == (1_300_000, 2, {"2026-11": 1})
    assert stats["by_claim_kind"]["wage_arrears"] == 1


async def test_names_and_phones_reach_only_the_handler_admins_and_auditors(welfare):  # noqa: F811
    api, federation, school, other, member = welfare
    handler = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")
    case = (
        await api.post(
            f"/v1/organizations/{school}/rights-cases", json={**CASE, "workers": people(member)}, headers=handler
        )
    ).json()
    url = f"/v1/rights-cases/{case['id']}"

    for role, org, subject in [
        (Role.FEDERATION_ADMIN, federation, "admin-1"),
        (Role.AUDITOR, federation, "auditor-1"),
    ]:
        answer = await api.get(url, headers=bearer(role, org, federation, subject))
        assert answer.status_code == 200 and answer.json()["workers"][1]["name"] == "王建国", (role, answer.text)

    colleague = bearer(Role.UNION_OFFICER, school, federation, "officer-wu")
    for answer in [
        await api.get(url, headers=colleague),
        await api.get(f"/v1/organizations/{school}/rights-cases", headers=colleague),
    ]:
        assert answer.status_code == 200, answer.text
        assert "王建国" not in answer.text and "13800000000" not in answer.text and "Li Hua" not in answer.text
        assert str(member) not in answer.text and "劳动者-" in answer.text

    moved = await api.post(f"{url}/stages", json={"stage": "mediation"}, headers=colleague)
    assert moved.status_code == 403 and moved.json()["code"] == "rights_case_not_handler"

    stranger = bearer(Role.WELFARE_OFFICER, other, federation, "officer-sun")
    hidden = await api.get(url, headers=stranger)
    assert hidden.status_code == 404 and hidden.json()["code"] == "rights_case_not_found"
    assert (await api.get(url, headers=bearer(Role.MEMBER, school, federation, str(member)))).status_code == 403

    admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "admin-1")
    handed = await api.post(f"{url}/handler", json={"handled_by": "officer-wu"}, headers=admin)
    assert handed.status_code == 200 and handed.json()["handled_by"] == "officer-wu"
    assert (await api.get(url, headers=colleague)).json()["workers"][1]["phone"] == "13800000000"
    assert (await api.get(url, headers=handler)).json()["details_visible"] is False


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"claim_kind": "robbery"}, "literal_error"),
        ({"claimed_fen": 12.5}, None),
        ({"claimed_fen": -1}, None),
        ({"employer_credit_code": "91310000MA1FL0XX4"}, "string_pattern_mismatch"),
        ({"rights_week": "2026-13"}, "string_pattern_mismatch"),
        ({"workers": []}, "too_short"),
        ({"workers": [{"name": "王建国"}]}, "rights_case_worker_unnamed"),
        (
            {"workers": [{"member_id": "MEMBER", "name": "王建国", "phone": "13800000000"}]},
            "rights_case_worker_ambiguous",
        ),
        (
            {"workers": [{"name": "甲", "phone": "138 0000 0000"}, {"name": "乙", "phone": "13800000000"}]},
            "rights_case_worker_repeated",
        ),
        ({"deadline_on": "2026-11-01"}, "rights_case_deadline_before_stage"),
        ({"workers": [{"member_id": "00000000-0000-0000-0000-000000000000"}]}, "member_not_found"),
    ],
)
async def test_bad_cases_are_refused_with_a_stable_code_and_nothing_written(welfare, change, code):  # noqa: F811
    api, federation, school, _other, member = welfare
    handler = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")
    body = {**CASE, "workers": people(member), **change}
    body["workers"] = [{k: (str(member) if v == "MEMBER" else v) for k, v in w.items()} for w in body["workers"]]

    refused = await api.post(f"/v1/organizations/{school}/rights-cases", json=body, headers=handler)

    assert refused.status_code in (404, 422), refused.text
    problem = refused.json()
    assert problem["type"].startswith("urn:unionfed:problem:")
    codes = {problem["code"], *(e["code"] for e in problem.get("errors", []))}
    assert code is None or code in codes, problem
    listed = await api.get(f"/v1/organizations/{school}/rights-cases", headers=handler)
    assert listed.json() == []


async def test_bad_moves_are_refused_and_leave_the_case_as_it_was(welfare):  # noqa: F811
    api, federation, school, _other, member = welfare
    handler = bearer(Role.WELFARE_OFFICER, school, federation, "officer-zhao")
    case = (
        await api.post(
            f"/v1/organizations/{school}/rights-cases", json={**CASE, "workers": people(member)}, headers=handler
        )
    ).json()
    url = f"/v1/rights-cases/{case['id']}/stages"
    assert (await api.post(url, json={"stage": "arbitration", "on": "2026-11-20"}, headers=handler)).status_code == 200

    for body, status, code in [
        ({"stage": "mediation", "on": "2026-11-21"}, 409, "rights_case_stage_backward"),
        ({"stage": "accepted"}, 422, "literal_error"),
        ({"stage": "closed", "on": "2026-11-19"}, 422, "rights_case_date_before_stage"),
        ({"stage": "closed", "on": "2026-11-21", "recovered_fen": -5}, 422, None),
    ]:
        refused = await api.post(url, json=body, headers=handler)
        assert refused.status_code == status, (body, refused.text)
        problem = refused.json()
        assert code is None or code in {problem["code"], *(e["code"] for e in problem.get("errors", []))}, problem

    after = (await api.get(f"/v1/rights-cases/{case['id']}", headers=handler)).json()
    assert (after["stage"], after["referred_on"], len(after["stages"])) == ("arbitration", "2026-11-20", 2)
    reversed_period = await api.get(
        f"/v1/organizations/{school}/rights-cases/statistics",
        params={"from": "2026-12-01", "to": "2026-11-01"},
        headers=handler,
    )
    assert reversed_period.status_code == 422 and reversed_period.json()["code"] == "period_reversed"
