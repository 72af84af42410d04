"""职工之家 evidence files over HTTP on real PostgreSQL: the union's own officers attach files to an
evidence entry while the self-assessment is a draft (the entry then names its latest file); the
county that reviews it and the auditor read and download them; another school's officers get the
404 of a missing entry; the reviewer attaches nothing; a submitted assessment takes no more
files; the union's year comes as one zip with an Excel-ready index.csv."""

import csv
import io
import uuid
import zipfile

import httpx
import pytest
from sqlalchemy import func, select

from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.home_tables import attachments
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REPORT = "换届选举报告（2026）.pdf"


@pytest.fixture
async def county(build_service):
    runtime = await build_service(definition)
    county = unique("county")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-county")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        ids = {}
        for key, name in (("no1", "第一小学工会"), ("no2", "实验中学工会")):
            ids[key] = unique(key)
            answer = await api.post(
                "/v1/organizations",
                json={"id": ids[key], "name": name, "kind": "grassroots_union", "parent_id": county},
                headers=admin,
            )
            assert answer.status_code == 201, answer.text
        no1 = bearer(Role.UNION_OFFICER, ids["no1"], county, "officer-no1")
        year = business_time.today(business_time.DEFAULT_ZONE).year
        started = await api.post(f"/v1/organizations/{ids['no1']}/home-assessments", json={"year": year}, headers=no1)
        assert started.status_code == 201, started.text
        a = started.json()
        added = await api.post(
            f"/v1/home-assessments/{a['id']}/evidence",
            json={"item_code": a["items"][0]["code"], "title": "换届选举报告", "description": "见附件"},
            headers=no1,
        )
        assert added.status_code == 201, added.text
        evidence = added.json()["items"][0]["evidence"][0]
        yield dict(
            runtime=runtime,
            api=api,
            admin=admin,
            no1=no1,
            no2=bearer(Role.UNION_OFFICER, ids["no2"], county, "officer-no2"),
            auditor=bearer(Role.AUDITOR, county, county, "auditor-county"),
            county=county,
            union=ids["no1"],
            assessment=a,
            evidence=evidence["id"],
            year=year,
        )


async def test_the_union_attaches_evidence_files_the_county_and_the_auditor_read_them(county):
    api, path = county["api"], f"/v1/home-evidence/{county['evidence']}/attachments"
    report = await api.post(
        path, headers=county["no1"], files={"file": (REPORT, PDF, "application/pdf")}, data={"purpose": "evidence"}
    )
    assert report.status_code == 201, report.text
    photo = await api.post(
        path, headers=county["no1"], files={"file": ("职工之家.png", PNG, "image/png")}, data={"purpose": "photo"}
    )
    assert photo.status_code == 201, photo.text
    assert (report.json()["record_kind"], report.json()["media_type"]) == ("home_evidence", "application/pdf")

    # The entry names its latest file; the assessment shows it to the reviewer.
    seen = await api.get(f"/v1/home-assessments/{county['assessment']['id']}", headers=county["admin"])
    entry = seen.json()["items"][0]["evidence"][0]
    assert (entry["file_name"], entry["file_sha256"]) == ("职工之家.png", photo.json()["sha256"])

    for reader in ("no1", "admin", "auditor"):
        listed = await api.get(path, headers=county[reader])
        assert listed.status_code == 200, listed.text
        assert [f["file_name"] for f in listed.json()] == [REPORT, "职工之家.png"]
        file = await api.get(f"{path}/{report.json()['id']}", headers=county[reader])
        assert file.status_code == 200 and file.content == PDF
        assert "filename*=UTF-8''" in file.headers["content-disposition"]

    # Another school sees nothing: the answer of an entry that does not exist.
    ghost = f"/v1/home-evidence/{uuid.uuid4()}/attachments"
    for url in (path, f"{path}/{report.json()['id']}", ghost):
        hidden = await api.get(url, headers=county["no2"])
        assert (hidden.status_code, hidden.json()["code"]) == (404, "home_evidence_not_found")
    sibling = await api.post(path, headers=county["no2"], files={"file": ("a.pdf", PDF, "application/pdf")})
    assert (sibling.status_code, sibling.json()["code"]) == (404, "home_evidence_not_found")
    # The county reviews, the auditor reads: neither attaches the union's evidence.
    reviewer = await api.post(path, headers=county["admin"], files={"file": ("a.pdf", PDF, "application/pdf")})
    assert (reviewer.status_code, reviewer.json()["code"]) == (403, "home_assessed_by_own_union")
    assert (await api.post(path, headers=county["auditor"], files={"file": ("a.pdf", PDF)})).status_code == 403


async def test_a_submitted_assessment_takes_no_more_files(county):
    api, a, no1 = county["api"], county["assessment"], county["no1"]
    path = f"/v1/home-evidence/{county['evidence']}/attachments"
    scored = await api.put(
        f"/v1/home-assessments/{a['id']}/scores",
        json={"items": [{"code": i["code"], "self_score": i["max_points"]} for i in a["items"]]},
        headers=no1,
    )
    assert scored.status_code == 200, scored.text
    for item in a["items"][1:]:
        if item["evidence_required"]:
            added = await api.post(
                f"/v1/home-assessments/{a['id']}/evidence",
                json={"item_code": item["code"], "title": "材料"},
                headers=no1,
            )
            assert added.status_code == 201, added.text
    sent = await api.post(f"/v1/home-assessments/{a['id']}/submission", headers=no1)
    assert sent.status_code == 200, sent.text
    async with county["runtime"].session_factory() as session:
        before = await session.scalar(select(func.count()).select_from(attachments))
    late = await api.post(path, headers=no1, files={"file": (REPORT, PDF, "application/pdf")})
    assert (late.status_code, late.json()["code"]) == (409, "assessment_not_editable")
    assert "已提交" in late.json()["detail"]
    async with county["runtime"].session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(attachments)) == before


async def test_the_unions_evidence_of_a_year_is_one_zip_with_an_index(county):
    api, union, year = county["api"], county["union"], county["year"]
    attached = await api.post(
        f"/v1/home-evidence/{county['evidence']}/attachments",
        headers=county["no1"],
        files={"file": (REPORT, PDF, "application/pdf")},
        data={"purpose": "evidence"},
    )
    assert attached.status_code == 201, attached.text
    url = f"/v1/organizations/{union}/attachments/archive"
    answer = await api.get(url, params={"year": year}, headers=county["auditor"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    index = archive.read("index.csv")
    assert index.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with its BOM
    rows = list(csv.reader(io.StringIO(index.decode("utf-8-sig"))))
    code = county["assessment"]["items"][0]["code"]
    assert [(r[0], r[2], r[3], r[4]) for r in rows[1:]] == [
        ("职工之家佐证材料", f"{year} 年 {code} 换届选举报告", "evidence", REPORT)
    ]
    assert archive.read(rows[1][5]) == PDF
    assert (await api.get(url, params={"year": year}, headers=county["no2"])).status_code == 404
    member = bearer(Role.MEMBER, union, county["county"], "member-no1")
    assert (await api.get(url, params={"year": year}, headers=member)).status_code == 403
