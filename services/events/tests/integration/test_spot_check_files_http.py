"""Files on spot checks (督查) over HTTP on real PostgreSQL: the county attaches photos of what it
found, the school checked attaches the proof of its rectification; both and the auditor read them;
another school's officers get the 404 of a missing check; a closed check takes no more files; the
school's year archive lists them under 督查."""

import csv
import datetime as dt
import io
import uuid
import zipfile

import httpx
import pytest

from tests.factories import organization
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PROOF = "整改报告（慰问金明细已公开）.pdf"


@pytest.fixture
async def county(build_service):
    events = await build_service(definition, start=False)
    federation, first, second = unique("county"), unique("school"), unique("school")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation", "某县教育工会"),
            organization(federation, [federation, first], "grassroots_union", "第一小学工会"),
            organization(federation, [federation, second], "grassroots_union", "实验中学工会"),
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "county-zhao")
        recorded = await api.post(
            f"/v1/organizations/{first}/spot-checks",
            headers=admin,
            json={
                "checked_on": "2026-11-02",
                "subject": "disclosure",
                "subject_detail": "2026 年上半年校务公开",
                "findings": "未公开慰问金明细",
                "follow_up_required": True,
                "follow_up_due_on": "2026-11-30",
            },
        )
        assert recorded.status_code == 201, recorded.text
        yield dict(
            api=api,
            first=first,
            check=recorded.json()["id"],
            admin=admin,
            first_officer=bearer(Role.UNION_OFFICER, first, federation, "first-li"),
            second_officer=bearer(Role.UNION_OFFICER, second, federation, "second-wang"),
            auditor=bearer(Role.AUDITOR, federation, federation, "auditor-county"),
            teacher=bearer(Role.MEMBER, first, federation, "teacher"),
        )


async def test_the_county_and_the_school_attach_files_their_readers_read_them(county):
    api, path = county["api"], f"/v1/spot-checks/{county['check']}/attachments"
    photo = await api.post(
        path, headers=county["admin"], files={"file": ("公开栏.png", PNG, "image/png")}, data={"purpose": "photo"}
    )
    assert photo.status_code == 201, photo.text
    proof = await api.post(
        path,
        headers=county["first_officer"],
        files={"file": (PROOF, PDF, "application/pdf")},
        data={"purpose": "rectification"},
    )
    assert proof.status_code == 201, proof.text
    assert (proof.json()["record_kind"], proof.json()["purpose"]) == ("spot_check", "rectification")
    for reader in ("admin", "first_officer", "auditor"):
        listed = await api.get(path, headers=county[reader])
        assert listed.status_code == 200, listed.text
        assert [(f["file_name"], f["uploaded_by"]) for f in listed.json()] == [
            ("公开栏.png", "county-zhao"),
            (PROOF, "first-li"),
        ]
        file = await api.get(f"{path}/{proof.json()['id']}", headers=county[reader])
        assert file.status_code == 200 and file.content == PDF
    # Another school: the 404 of a check that does not exist, for reading and for attaching.
    for url in (path, f"{path}/{proof.json()['id']}", f"/v1/spot-checks/{uuid.uuid4()}/attachments"):
        hidden = await api.get(url, headers=county["second_officer"])
        assert (hidden.status_code, hidden.json()["code"]) == (404, "spot_check_not_found")
    sibling = await api.post(path, headers=county["second_officer"], files={"file": ("a.pdf", PDF)})
    assert (sibling.status_code, sibling.json()["code"]) == (404, "spot_check_not_found")
    # A member and the auditor attach nothing; a purpose the check does not take is refused in Chinese.
    for role in ("teacher", "auditor"):
        assert (await api.post(path, headers=county[role], files={"file": ("a.pdf", PDF)})).status_code == 403
    unknown = await api.post(
        path, headers=county["first_officer"], files={"file": ("a.pdf", PDF)}, data={"purpose": "voucher"}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "attachment_purpose_unknown")
    assert "整改材料" in unknown.json()["detail"]


async def test_a_closed_check_takes_no_more_files_and_the_archive_lists_them_under_督查(county):
    api, path = county["api"], f"/v1/spot-checks/{county['check']}/attachments"
    proof = await api.post(
        path,
        headers=county["first_officer"],
        files={"file": (PROOF, PDF, "application/pdf")},
        data={"purpose": "rectification"},
    )
    assert proof.status_code == 201, proof.text
    followed = await api.post(
        f"/v1/spot-checks/{county['check']}/follow-up",
        headers=county["first_officer"],
        json={"follow_up": "已在公开栏补充公开慰问金明细", "followed_up_on": "2026-11-10"},
    )
    assert followed.status_code == 200, followed.text
    closed = await api.post(
        f"/v1/spot-checks/{county['check']}/closure", headers=county["admin"], json={"closed_on": "2026-11-12"}
    )
    assert closed.status_code == 200, closed.text
    late = await api.post(path, headers=county["first_officer"], files={"file": ("b.pdf", PDF + b" ")})
    assert (late.status_code, late.json()["code"]) == (409, "spot_check_closed")

    year = dt.datetime.fromisoformat(proof.json()["uploaded_at"]).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    answer = await api.get(
        f"/v1/organizations/{county['first']}/attachments/archive", params={"year": year}, headers=county["auditor"]
    )
    assert answer.status_code == 200, answer.text
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [("督查", "2026-11-02 校务公开：2026 年上半年校务公开", PROOF)]
    assert archive.read(rows[1][5]) == PDF
