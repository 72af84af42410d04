"""Receipts and photos on grants (慰问) over HTTP on real PostgreSQL: attached by who records the
grant, read by the grant's readers; a school's grant's receipt is 404 to another school's officer."""

import datetime as dt
import io
import zipfile

import httpx
import pytest
from sqlalchemy import text

from tests.factories import school_events
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
POLICY = {
    "amounts_fen": {
        "hospitalised": 500_00,
        "wedding": 300_00,
        "funeral": 500_00,
        "childbirth": 300_00,
        "retirement": 400_00,
        "major_hardship": 2000_00,
    },
    "yearly_cap_fen": 1000_00,
}


@pytest.fixture
async def grant(build_service):
    welfare = await build_service(definition, start=False)
    federation, school, other = unique("county"), unique("school"), unique("school")
    member, setup = school_events(federation, school)
    _other_member, other_setup = school_events(federation, other)
    await deliver(welfare, [*setup, other_setup[1]])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w", timeout=30
    ) as api:
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
        assert (
            await api.put(f"/v1/federations/{federation}/visit-policy", json=POLICY, headers=admin)
        ).status_code == 200
        officer = bearer(Role.WELFARE_OFFICER, school, federation)
        recorded = await api.post(
            f"/v1/organizations/{school}/grants",
            headers=officer,
            json={
                "member_id": str(member),
                "visit_type": "hospitalised",
                "money_fen": 100_00,
                "occasion_on": dt.date.today().isoformat(),
                "occasion_ref": "住院慰问",
            },
        )
        assert recorded.status_code == 201, recorded.text
        yield dict(
            welfare=welfare,
            api=api,
            school=school,
            officer=officer,
            grant=recorded.json()["id"],
            auditor=bearer(Role.AUDITOR, school, federation),
            stranger=bearer(Role.WELFARE_OFFICER, other, federation),
        )


async def test_a_receipt_is_attached_read_and_hidden_from_another_school(grant):
    api, path = grant["api"], f"/v1/grants/{grant['grant']}/attachments"
    attached = await api.post(
        path, headers=grant["officer"], files={"file": ("签收单.jpg", JPEG, "image/jpeg")}, data={"purpose": "receipt"}
    )
    assert attached.status_code == 201, attached.text
    receipt = attached.json()
    assert (receipt["file_name"], receipt["media_type"], receipt["purpose"]) == ("签收单.jpg", "image/jpeg", "receipt")
    file = await api.get(f"{path}/{receipt['id']}", headers=grant["auditor"])
    assert file.status_code == 200 and file.content == JPEG
    assert file.headers["x-content-type-options"] == "nosniff"
    for url in (path, f"{path}/{receipt['id']}"):
        hidden = await api.get(url, headers=grant["stranger"])
        assert (hidden.status_code, hidden.json()["code"]) == (404, "grant_not_found")
    assert (
        await api.post(path, headers=grant["auditor"], files={"file": ("x.jpg", JPEG, "image/jpeg")})
    ).status_code == 403
    archive = await api.get(
        f"/v1/organizations/{grant['school']}/attachments/archive",
        params={"year": dt.datetime.fromisoformat(receipt["uploaded_at"]).year},
        headers=grant["auditor"],
    )
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == [f"grant-{grant['grant']}/签收单.jpg", "index.csv"]


async def test_a_receipt_in_the_object_store_is_read_back_byte_equal(s3_bucket, grant):
    """With ATTACHMENTS_S3_* set, the receipt's bytes are the bucket's object and its row keeps none."""
    api, path = grant["api"], f"/v1/grants/{grant['grant']}/attachments"
    attached = await api.post(
        path, headers=grant["officer"], files={"file": ("签收单.jpg", JPEG, "image/jpeg")}, data={"purpose": "receipt"}
    )
    assert attached.status_code == 201, attached.text
    receipt = attached.json()
    file = await api.get(f"{path}/{receipt['id']}", headers=grant["auditor"])
    assert (file.status_code, file.content, file.headers["content-type"]) == (200, JPEG, "image/jpeg")
    stored = await s3_bucket.storage.download(receipt["sha256"])
    assert stored is not None and b"".join([chunk async for chunk in stored]) == JPEG
    async with grant["welfare"].session_factory() as session:
        row = (
            await session.execute(
                text("SELECT size_bytes, content FROM attachment_blobs WHERE sha256 = :s"), {"s": receipt["sha256"]}
            )
        ).one()
    assert (row.size_bytes, row.content) == (len(JPEG), None)
    archive = await api.get(
        f"/v1/organizations/{grant['school']}/attachments/archive",
        params={"year": dt.datetime.fromisoformat(receipt["uploaded_at"]).year},
        headers=grant["auditor"],
    )
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert zipped.read(f"grant-{grant['grant']}/签收单.jpg") == JPEG
    await (await s3_bucket.storage.client()).delete_object(
        Bucket=s3_bucket.name, Key=s3_bucket.storage.key(receipt["sha256"])
    )
    gone = await api.get(f"{path}/{receipt['id']}", headers=grant["auditor"])
    assert (gone.status_code, gone.json()["code"]) == (404, "attachment_not_found")
