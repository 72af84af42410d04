"""Files on activities and congress sessions (台账) over HTTP on real PostgreSQL: attached by the
record's officers, read by its readers (another union's officer gets the record's 404), refused
in Chinese when the type is wrong, and archived per union and year as one zip with index.csv."""

import csv
import datetime as dt
import io
import zipfile

import httpx
import pytest
from sqlalchemy import func, select

from tests.factories import member, organization
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_events.adapters.tables import attachment_blobs, attachments
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MINUTES = "第十四届教代会第三次会议纪要.docx"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
async def school(build_service):
    events = await build_service(definition, start=False)
    federation, school_id, sibling = unique("county"), unique("school"), unique("school")
    teacher = member(federation, school_id, "教师")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation", "某县教育工会"),
            organization(federation, [federation, school_id], "grassroots_union", "第一小学工会"),
            organization(federation, [federation, sibling], "grassroots_union", "实验中学工会"),
            teacher,
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        officer = bearer(Role.UNION_OFFICER, school_id, federation)
        session = await api.post(
            f"/v1/organizations/{school_id}/congress-sessions",
            headers=officer,
            json={
                "congress_number": 14,
                "session_number": 3,
                "starts_on": "2026-11-20",
                "ends_on": "2026-11-21",
                "answer_deadline": "2026-12-31T17:00:00+08:00",
            },
        )
        assert session.status_code == 201, session.text
        start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10)
        activity = await api.post(
            f"/v1/organizations/{school_id}/activities",
            headers=officer,
            json={
                "title": "拔河比赛",
                "kind": "sport",
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
                "registration_deadline": (start - dt.timedelta(days=2)).isoformat(),
            },
        )
        assert activity.status_code == 201, activity.text
        yield dict(
            runtime=events,
            api=api,
            federation=federation,
            school=school_id,
            officer=officer,
            session=session.json()["id"],
            activity=activity.json()["id"],
            teacher=bearer(Role.MEMBER, school_id, federation, subject=str(teacher.member_id)),
            stranger=bearer(Role.UNION_OFFICER, sibling, federation),
        )


async def test_minutes_are_attached_to_a_session_read_by_its_readers_and_hidden_from_another_union(school):
    api, path = school["api"], f"/v1/congress-sessions/{school['session']}/attachments"
    attached = await api.post(
        path,
        headers=school["officer"],
        files={"file": (MINUTES, docx(), "application/octet-stream")},
        data={"purpose": "minutes"},
    )
    assert attached.status_code == 201, attached.text
    body = attached.json()
    assert (body["file_name"], body["purpose"], body["media_type"]) == (
        MINUTES,
        "minutes",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    listed = await api.get(path, headers=school["teacher"])
    assert [a["id"] for a in listed.json()] == [body["id"]]
    file = await api.get(f"{path}/{body['id']}", headers=school["teacher"])
    assert file.status_code == 200 and file.content == docx()
    for url in (path, f"{path}/{body['id']}"):
        hidden = await api.get(url, headers=school["stranger"])
        assert (hidden.status_code, hidden.json()["code"]) == (404, "congress_session_not_found")
    # A member reads the session's files but attaches none.
    refused = await api.post(path, headers=school["teacher"], files={"file": ("a.png", PNG, "image/png")})
    assert refused.status_code == 403


async def test_a_wrong_type_is_refused_in_chinese_and_nothing_is_stored(school):
    api, path = school["api"], f"/v1/activities/{school['activity']}/attachments"
    async with school["runtime"].session_factory() as session:
        before = await session.scalar(select(func.count()).select_from(attachment_blobs))
    refused = await api.post(
        path,
        headers=school["officer"],
        files={"file": ("活动照片.png", b"GIF89a....", "image/png")},
        data={"purpose": "photo"},
    )
    assert (refused.status_code, refused.json()["code"]) == (415, "attachment_type_not_allowed")
    assert "不支持此文件类型" in refused.json()["detail"]
    unknown = await api.post(
        path, headers=school["officer"], files={"file": ("p.png", PNG, "image/png")}, data={"purpose": "receipt"}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "attachment_purpose_unknown")
    async with school["runtime"].session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(attachment_blobs)) == before
        assert (
            await session.scalar(
                select(func.count()).select_from(attachments).where(attachments.c.record_id == school["activity"])
            )
        ) == 0


async def test_a_unions_year_is_archived_as_one_zip_with_an_index(school):
    api = school["api"]
    photo = await api.post(
        f"/v1/activities/{school['activity']}/attachments",
        headers=school["officer"],
        files={"file": ("拔河.png", PNG, "image/png")},
        data={"purpose": "photo"},
    )
    minutes = await api.post(
        f"/v1/congress-sessions/{school['session']}/attachments",
        headers=school["officer"],
        files={"file": (MINUTES, docx(), "application/octet-stream")},
        data={"purpose": "minutes"},
    )
    assert photo.status_code == minutes.status_code == 201
    year = dt.datetime.fromisoformat(photo.json()["uploaded_at"]).astimezone(dt.timezone(dt.timedelta(hours=8))).year
    answer = await api.get(
        f"/v1/organizations/{school['school']}/attachments/archive", params={"year": year}, headers=school["officer"]
    )
    assert answer.status_code == 200, answer.text
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [(r[0], r[2], r[4]) for r in rows[1:]] == [
        ("活动", "拔河比赛", "拔河.png"),
        ("职代会/教代会会议", "第14届第3次", MINUTES),
    ]
    assert archive.read(rows[1][5]) == PNG and archive.read(rows[2][5]) == docx()
    # The archive is the officers' and auditors': a member is refused, another union's officer sees nothing.
    assert (
        await api.get(
            f"/v1/organizations/{school['school']}/attachments/archive",
            params={"year": year},
            headers=school["teacher"],
        )
    ).status_code == 403
    assert (
        await api.get(
            f"/v1/organizations/{school['school']}/attachments/archive",
            params={"year": year},
            headers=school["stranger"],
        )
    ).status_code == 404


async def test_minutes_in_the_object_store_are_read_back_and_archived_byte_equal(s3_bucket, school):
    """With ATTACHMENTS_S3_* set, the minutes' bytes are the bucket's object and their row keeps none;
    a refused upload sends nothing to the bucket either."""
    api, path = school["api"], f"/v1/congress-sessions/{school['session']}/attachments"
    content = docx()  # zip timestamps: made once
    attached = await api.post(
        path, headers=school["officer"], files={"file": (MINUTES, content, "application/octet-stream")}
    )
    assert attached.status_code == 201, attached.text
    body = attached.json()
    file = await api.get(f"{path}/{body['id']}", headers=school["teacher"])
    assert (file.status_code, file.content) == (200, content)
    async with school["runtime"].session_factory() as session:
        row = (
            await session.execute(
                select(attachment_blobs.c.size_bytes, attachment_blobs.c.content).where(
                    attachment_blobs.c.sha256 == body["sha256"]
                )
            )
        ).one()
    assert (row.size_bytes, row.content) == (len(content), None)
    listed = await (await s3_bucket.storage.client()).list_objects_v2(Bucket=s3_bucket.name)
    assert [item["Key"] for item in listed.get("Contents", [])] == [body["sha256"]]
    refused = await api.post(path, headers=school["officer"], files={"file": ("x.png", b"GIF89a....", "image/png")})
    assert refused.status_code == 415
    listed = await (await s3_bucket.storage.client()).list_objects_v2(Bucket=s3_bucket.name)
    assert len(listed.get("Contents", [])) == 1
    archive = await api.get(
        f"/v1/organizations/{school['school']}/attachments/archive",
        params={"year": dt.datetime.fromisoformat(body["uploaded_at"]).year},
        headers=school["officer"],
    )
    assert archive.status_code == 200, archive.text
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert zipped.read(f"congress_session-{school['session']}/{MINUTES}") == content
