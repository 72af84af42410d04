"""Vouchers (票据) on ledger entries over HTTP, on real PostgreSQL: attached, listed, downloaded,
archived, refused; and chained, so that verify-chain names a voucher whose bytes or name changed.

Entries are posted through finance's consumer as in production; tampering is done as only a
database superuser can (immutability triggers off for one transaction).
"""

import asyncio
import csv
import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from tests.factories import school_events
from tests.finance_tools import apply_instruction
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, service_env, unique
from unionfed_finance.adapters.tables import postings
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.attachments.settings import attachment_settings
from unionfed_shared.attachments.store import BlobAltered
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import Outcome

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[4]
DAY = dt.date(2026, 10, 28)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NAME = "购买乐器发票 2026.pdf"


class Books:
    def __init__(self, finance, client, federation, school, other):
        self.finance, self.client = finance, client
        self.federation, self.school, self.other = federation, school, other

    def as_(self, role: Role, org: str | None = None, lang: str = "zh-CN") -> dict:
        return {**bearer(role, org or self.school, self.federation), "Accept-Language": lang}

    async def entry(self, sequence: int = 1) -> str:
        async with self.finance.session_factory() as session:
            found = await session.scalar(
                select(postings.c.id).where(postings.c.organization_id == self.school, postings.c.sequence == sequence)
            )
        return str(found)

    async def attach(self, posting_id: str, content: bytes = PDF, name: str = NAME, role=Role.UNION_OFFICER):
        return await self.client.post(
            f"/v1/postings/{posting_id}/attachments",
            headers=self.as_(role),
            files={"file": (name, content, "application/pdf")},
            data={"purpose": "voucher"},
        )

    async def chain(self) -> dict:
        answer = await self.client.get(
            f"/v1/organizations/{self.school}/ledger/chain", headers=self.as_(Role.AUDITOR, lang="en")
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def tamper(self, sql: str, **params) -> None:
        async with self.finance.engine.begin() as conn:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(text(sql), params)


@pytest.fixture
async def books(build_service):
    finance = await build_service(definition, start=False)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t")
    federation, school, other = unique("county"), unique("school"), unique("school")
    _member, setup = school_events(federation, school)
    _member2, setup2 = school_events(federation, other)
    assert await deliver(finance, setup) == [Outcome.PROCESSED] * len(setup)
    assert await deliver(finance, setup2[1:2]) == [Outcome.PROCESSED]
    for fen in (5000, 3000):
        outcome = await apply_instruction(
            finance,
            federation,
            school,
            contract.Post(
                postings=[
                    contract.PostingSpec(
                        organization_id=school,
                        effective_date=DAY,
                        description="会费 Dues",
                        lines=[
                            contract.LineSpec(account="1001", debit_fen=fen),
                            contract.LineSpec(account="4101", credit_fen=fen),
                        ],
                    )
                ]
            ),
        )
        assert outcome["outcome"] == "posted", outcome["reason"]
    yield Books(finance, client, federation, school, other)
    await client.aclose()


async def test_a_voucher_is_attached_listed_downloaded_under_its_name_and_chained(books: Books):
    posting_id = await books.entry(2)
    answer = await books.attach(posting_id)
    assert answer.status_code == 201, answer.text
    voucher = answer.json()
    assert (voucher["file_name"], voucher["media_type"], voucher["size_bytes"], voucher["purpose"]) == (
        NAME,
        "application/pdf",
        len(PDF),
        "voucher",
    )
    listed = await books.client.get(f"/v1/postings/{posting_id}/attachments", headers=books.as_(Role.AUDITOR))
    assert [a["id"] for a in listed.json()] == [voucher["id"]]
    file = await books.client.get(
        f"/v1/postings/{posting_id}/attachments/{voucher['id']}", headers=books.as_(Role.AUDITOR)
    )
    assert file.status_code == 200 and file.content == PDF
    assert "filename*=UTF-8''%E8%B4%AD%E4%B9%B0" in file.headers["content-disposition"]
    # The same bytes attached again are stored once.
    again = await books.attach(await books.entry(1), name="copy.pdf")
    assert again.status_code == 201 and again.json()["sha256"] == voucher["sha256"]
    async with books.finance.session_factory() as session:
        blobs = await session.scalar(
            text("SELECT count(*) FROM attachment_blobs WHERE sha256 = :s"), {"s": voucher["sha256"]}
        )
    assert blobs == 1
    report = await books.chain()
    assert (report["intact"], report["vouchers_checked"]) == (True, 2), report


async def test_a_replaced_voucher_file_is_named_by_verify_chain(books: Books):
    posting_id = await books.entry(2)
    voucher = (await books.attach(posting_id)).json()
    assert (await books.chain())["intact"]
    await books.tamper(
        "UPDATE attachment_blobs SET content = :c WHERE sha256 = :s", c=PDF.replace(b"obj", b"OBJ"), s=voucher["sha256"]
    )
    report = await books.chain()
    assert (report["intact"], report["problem"]) == (False, "voucher mismatch")
    assert posting_id in report["detail"] and NAME in report["detail"] and "the file was replaced" in report["detail"]


async def test_a_renamed_voucher_is_named_with_the_column_that_changed(books: Books):
    posting_id = await books.entry(1)
    voucher = (await books.attach(posting_id)).json()
    await books.tamper("UPDATE attachments SET file_name = 'other.pdf' WHERE id = :i", i=voucher["id"])
    report = await books.chain()
    assert (report["intact"], report["problem"]) == (False, "voucher mismatch")
    assert posting_id in report["detail"] and "attachments.file_name differs from what was chained" in report["detail"]


async def test_vouchers_cannot_be_rewritten_by_the_service_role(books: Books):
    voucher = (await books.attach(await books.entry(1))).json()
    with pytest.raises(Exception, match="immutable"):
        async with books.finance.engine.begin() as conn:
            await conn.execute(text("UPDATE attachments SET file_name = 'x.pdf' WHERE id = :i"), {"i": voucher["id"]})


async def test_a_wrong_type_or_too_large_file_is_refused_in_chinese_and_nothing_is_stored(books: Books, monkeypatch):
    posting_id = await books.entry(1)
    refused = await books.attach(posting_id, content=b"MZ\x90\x00 an exe", name="发票.pdf")
    assert refused.status_code == 415 and refused.json()["code"] == "attachment_type_not_allowed"
    assert "不支持此文件类型" in refused.json()["detail"]
    disguised = await books.attach(posting_id, content=b"\x89PNG\r\n\x1a\n" + b"0" * 20, name="发票.pdf")
    assert disguised.status_code == 415
    monkeypatch.setenv("ATTACHMENTS_MAX_BYTES", "10")
    attachment_settings.cache_clear()
    try:
        large = await books.attach(posting_id)
    finally:
        monkeypatch.delenv("ATTACHMENTS_MAX_BYTES")
        attachment_settings.cache_clear()
    assert large.status_code == 413 and large.json()["code"] == "attachment_too_large"
    assert "上限" in large.json()["detail"]
    listed = await books.client.get(f"/v1/postings/{posting_id}/attachments", headers=books.as_(Role.AUDITOR))
    assert listed.json() == []
    assert (await books.chain())["vouchers_checked"] == 0


async def test_another_unions_officer_gets_404_and_the_auditor_may_not_attach(books: Books):
    posting_id = await books.entry(1)
    voucher = (await books.attach(posting_id)).json()
    for path in (f"/v1/postings/{posting_id}/attachments", f"/v1/postings/{posting_id}/attachments/{voucher['id']}"):
        answer = await books.client.get(path, headers=books.as_(Role.UNION_OFFICER, books.other))
        assert (answer.status_code, answer.json()["code"]) == (404, "posting_not_found")
    assert (await books.attach(posting_id, role=Role.AUDITOR)).status_code == 403
    missing = await books.client.get(
        f"/v1/postings/{posting_id}/attachments/00000000-0000-0000-0000-000000000000", headers=books.as_(Role.AUDITOR)
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "attachment_not_found")


async def test_the_years_archive_is_one_zip_with_an_index_excel_opens(books: Books):
    posting_id = await books.entry(2)
    voucher = (await books.attach(posting_id)).json()
    year = dt.datetime.fromisoformat(voucher["uploaded_at"]).year
    answer = await books.client.get(
        f"/v1/organizations/{books.school}/attachments/archive", params={"year": year}, headers=books.as_(Role.AUDITOR)
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    raw = archive.read("index.csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][:5] == ["记账凭证", posting_id, "第 2 笔 会费 Dues", "voucher", NAME]
    assert archive.read(rows[1][5]) == PDF
    other_year = await books.client.get(
        f"/v1/organizations/{books.school}/attachments/archive",
        params={"year": year - 1},
        headers=books.as_(Role.AUDITOR),
    )
    assert zipfile.ZipFile(io.BytesIO(other_year.content)).namelist() == ["index.csv"]
    hidden = await books.client.get(
        f"/v1/organizations/{books.school}/attachments/archive",
        params={"year": year},
        headers=books.as_(Role.UNION_OFFICER, books.other),
    )
    assert hidden.status_code == 404


# ---------------------------------------------------------------- in an S3-compatible object store


@pytest.fixture
async def s3_books(s3_bucket, books: Books):
    """The books of a finance whose attachments' bytes are kept in the test's bucket (ATTACHMENTS_S3_*)."""
    return books, s3_bucket


async def test_a_voucher_in_the_object_store_is_downloaded_as_uploaded_and_verifies(s3_books, monkeypatch):
    books, bucket = s3_books
    posting_id = await books.entry(2)
    voucher = (await books.attach(posting_id)).json()
    file = await books.client.get(
        f"/v1/postings/{posting_id}/attachments/{voucher['id']}", headers=books.as_(Role.AUDITOR)
    )
    assert (file.status_code, file.content, file.headers["content-type"]) == (200, PDF, "application/pdf")
    # The row keeps hash, name, type and size; the bytes are the bucket's object named by the hash.
    async with books.finance.session_factory() as session:
        blob = (
            await session.execute(
                text("SELECT size_bytes, content FROM attachment_blobs WHERE sha256 = :s"), {"s": voucher["sha256"]}
            )
        ).one()
    assert (blob.size_bytes, blob.content) == (len(PDF), None)
    stored = await bucket.storage.download(voucher["sha256"])
    assert stored is not None and b"".join([chunk async for chunk in stored]) == PDF
    # The same bytes attached again: a second row, no second upload.
    client = await books.finance.blob_storage.client()
    puts = []

    async def put_object(**kwargs):
        puts.append(kwargs["Key"])
        raise AssertionError("an object already in the bucket was sent again")

    monkeypatch.setattr(client, "put_object", put_object)
    again = await books.attach(await books.entry(1), name="copy.pdf")
    assert (again.status_code, again.json()["sha256"], puts) == (201, voucher["sha256"], [])
    report = await books.chain()
    assert (report["intact"], report["vouchers_checked"]) == (True, 2), report
    archive = await books.client.get(
        f"/v1/organizations/{books.school}/attachments/archive",
        params={"year": dt.datetime.fromisoformat(voucher["uploaded_at"]).year},
        headers=books.as_(Role.AUDITOR),
    )
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert zipped.read(f"ledger_entry-{posting_id}/{NAME}") == PDF


async def test_an_altered_or_deleted_object_is_named_by_verify_chain(s3_books, infra):
    books, bucket = s3_books
    posting_id = await books.entry(2)
    voucher = (await books.attach(posting_id)).json()
    assert (await books.chain())["intact"]
    key, client = bucket.storage.key(voucher["sha256"]), await bucket.storage.client()
    where = f"s3://{bucket.name}/{key}"

    await client.put_object(Bucket=bucket.name, Key=key, Body=PDF.replace(b"obj", b"OBJ"))
    report = await books.chain()
    assert (report["intact"], report["problem"]) == (False, "voucher mismatch")
    assert posting_id in report["detail"] and NAME in report["detail"], report
    assert f"the stored file ({where}) hashes to" in report["detail"] and "the file was replaced" in report["detail"]
    # A download never completes with the altered bytes: the stream is hashed on the way and broken off.
    with pytest.raises(BlobAltered, match=where):
        await books.client.get(
            f"/v1/postings/{posting_id}/attachments/{voucher['id']}", headers=books.as_(Role.AUDITOR)
        )

    await client.delete_object(Bucket=bucket.name, Key=key)
    report = await books.chain()
    assert (report["intact"], report["problem"]) == (False, "voucher mismatch")
    assert NAME in report["detail"] and f"its file is missing from {where}" in report["detail"], report
    missing = await books.client.get(
        f"/v1/postings/{posting_id}/attachments/{voucher['id']}", headers=books.as_(Role.AUDITOR)
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "attachment_not_found")
    # The auditor's command reads the same bucket (ATTACHMENTS_S3_* in its environment) and names it too.
    env = {**os.environ, **service_env(infra, "finance", "-", database_url=books.finance.settings.database_url)}
    process = await asyncio.create_subprocess_exec(
        str(REPO / ".venv" / "bin" / "unionfed"),
        *("finance", "verify-chain", "--org", books.school),
        env=env,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 1 and f"its file is missing from {where}" in output.decode(), output.decode()
