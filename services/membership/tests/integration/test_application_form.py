"""A member's 入会申请书 as a PDF, read back with pypdf: filled in from the roster, with the lines
to sign and seal; personal data for officers only; scope as for the member's own route."""

import io
from urllib.parse import quote

import httpx
import pypdf
import pytest

from tests.pytest_infra import bearer, unique
from unionfed_membership.domain.personal_data import id_check_character
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

SCHOOL_NAME = "城关第一小学工会"
ID_BODY = "33010219850307123"
ID_NUMBER = ID_BODY + id_check_character(ID_BODY)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
async def enrolled(build_service):
    membership = await build_service(definition, start=False)
    county = unique("county")
    async with membership.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
        )
    school, other = unique("school"), unique("other")
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(membership))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=120) as api:
        for org, name in ((school, SCHOOL_NAME), (other, "城关第二中学工会")):
            answer = await api.post(
                "/v1/organizations",
                json={"id": org, "name": name, "kind": "grassroots_union", "parent_id": county},
                headers=admin,
            )
            assert answer.status_code == 201, answer.text
        joined = await api.post(
            f"/v1/organizations/{school}/members",
            json={
                "display_name": "李华明",
                "gender": "female",
                "joined_on": "2020-09-01",
                "staff_no": "T2020017",
                "id_number": ID_NUMBER,
            },
            headers=admin,
        )
        assert joined.status_code == 201, joined.text
        yield api, county, school, other, joined.json()["id"]


async def test_the_application_form_is_filled_in_from_the_roster_with_lines_to_sign_and_seal(enrolled):
    api, county, school, _other, member_id = enrolled
    officer = bearer(Role.UNION_OFFICER, school, county)
    answer = await api.get(f"/v1/members/{member_id}/application-form", headers=officer)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].endswith("filename*=UTF-8''" + quote("入会申请书-李华明.pdf", safe=""))
    printed = pdf_text(answer.content)
    assert "工会会员入会申请书" in printed
    assert "姓名 李华明" in printed and "性别 女" in printed
    assert f"所在工会 {SCHOOL_NAME}" in printed
    assert "工号 T2020017" in printed and "身份证号 3301**********" + ID_NUMBER[-4:] in printed
    assert ID_NUMBER not in printed, "the ID number is printed masked"
    assert "入会日期 2020-09-01" in printed
    assert "申请人（签字）" in printed and "工会主席（签字）" in printed and "工会（盖章）" in printed
    # `?format=pdf`, as every other printed form is asked for, answers the same form.
    same = await api.get(f"/v1/members/{member_id}/application-form", params={"format": "pdf"}, headers=officer)
    assert same.status_code == 200 and same.content.startswith(b"%PDF")


async def test_the_form_keeps_personal_data_to_officers_and_the_member_to_their_scope(enrolled):
    api, county, school, other, member_id = enrolled
    url = f"/v1/members/{member_id}/application-form"
    # The member reads their own card, without ID number nor staff number: the form leaves them blank.
    own = await api.get(url, headers=bearer(Role.MEMBER, school, county))
    assert own.status_code == 200, own.text
    printed = pdf_text(own.content)
    assert "李华明" in printed and "T2020017" not in printed and ID_NUMBER[-4:] not in printed
    # Another school's officer does not see the member at all.
    outsider = await api.get(url, headers=bearer(Role.UNION_OFFICER, other, county))
    assert outsider.status_code == 404, outsider.text
    assert outsider.json()["code"] == "member_not_found"
