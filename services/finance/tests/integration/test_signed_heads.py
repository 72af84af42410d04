"""A signed head (format 2) covers the ledger's three chains, on real PostgreSQL: the entries, the
vouchers (票据) and the audit committee's records (经审). A voucher replaced or an audit record
rewritten after the export is named by the verify, even when its chain was re-hashed so that it
verifies alone; a format 1 head (the entries alone) still verifies.

Tampering is done as only a database superuser can (immutability triggers off for one transaction).
"""

import hashlib
import json

import pytest
from sqlalchemy import select, text

from services.finance.tests.integration import test_audit_http
from services.finance.tests.integration.test_audit_http import Books
from unionfed_finance.adapters.signed_head import export_ledger_head, load_signing_key
from unionfed_finance.adapters.tables import attachments, audit_records, voucher_links
from unionfed_finance.domain.audit_findings import AuditRecord, record_hash
from unionfed_finance.domain.ledger import GENESIS_HASH
from unionfed_finance.domain.voucher_chain import link_record
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration

books = test_audit_http.books  # the county, its school (with a head signing key) and three entries of dues

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FORGED = PDF.replace(b"obj", b"OBJ")
NAME = "购买乐器发票 2026.pdf"


async def _entry_ids(books: Books) -> list[str]:
    answer = await books.client.get(
        f"/v1/organizations/{books.school}/ledger/postings", headers=books.as_(Role.AUDITOR)
    )
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


async def _attach(books: Books, posting_id: str, name: str = NAME) -> dict:
    answer = await books.client.post(
        f"/v1/postings/{posting_id}/attachments",
        headers=books.as_(Role.UNION_OFFICER, books.school),
        files={"file": (name, PDF if name == NAME else PDF + b"%" + name.encode(), "application/pdf")},
        data={"purpose": "voucher"},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _finding(books: Books, posting_id: str, text_: str = "会费收据缺少经办人签字") -> dict:
    answer = await books.client.post(
        f"/v1/organizations/{books.school}/audit-findings",
        headers=books.as_(Role.AUDITOR),
        json={"subject_kind": "entry", "posting_id": posting_id, "severity": "major", "text": text_},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def _export(books: Books) -> dict:
    answer = await books.client.get(f"/v1/organizations/{books.school}/ledger/head", headers=books.as_(Role.AUDITOR))
    assert answer.status_code == 200, answer.text
    return json.loads(answer.content)


async def _verify(books: Books, head: dict) -> dict:
    answer = await books.client.post(
        "/v1/ledger-heads/verify", headers=books.as_(Role.AUDITOR, lang="zh-CN"), json=head
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _chain_intact(books: Books) -> bool:
    answer = await books.client.get(f"/v1/organizations/{books.school}/ledger/chain", headers=books.as_(Role.AUDITOR))
    return answer.json()["intact"]


async def _rechain_vouchers(books: Books) -> None:
    """What a superuser hiding a replaced voucher does: re-hash every link and the voucher head."""
    async with books.finance.engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        links = (
            await conn.execute(
                select(voucher_links)
                .where(voucher_links.c.organization_id == books.school)
                .order_by(voucher_links.c.sequence)
            )
        ).all()
        previous = GENESIS_HASH
        for link in links:
            row = (await conn.execute(select(attachments).where(attachments.c.id == link.attachment_id))).one()
            mapping = {**dict(link._mapping), "previous_hash": previous}
            digest, digests = link_record(mapping, dict(row._mapping))
            await conn.execute(
                text(
                    "UPDATE voucher_links SET previous_hash = :p, hash = :h, field_digests = CAST(:d AS jsonb) "
                    "WHERE attachment_id = :a"
                ),
                {"p": previous, "h": digest, "d": json.dumps(digests), "a": link.attachment_id},
            )
            previous = digest
        await conn.execute(
            text("UPDATE voucher_heads SET last_hash = :h WHERE organization_id = :o"),
            {"h": previous, "o": books.school},
        )


async def _rechain_audit_records(books: Books) -> None:
    async with books.finance.engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        rows = (
            await conn.execute(
                select(audit_records)
                .where(audit_records.c.ledger_id == books.school)
                .order_by(audit_records.c.sequence)
            )
        ).all()
        previous = GENESIS_HASH
        for row in rows:
            record = AuditRecord(**{**dict(row._mapping), "previous_hash": previous, "hash": ""})
            digest = record_hash(record)
            await conn.execute(
                text("UPDATE audit_records SET previous_hash = :p, hash = :h WHERE id = :i"),
                {"p": previous, "h": digest, "i": row.id},
            )
            previous = digest


async def test_a_voucher_replaced_after_the_export_is_named_even_when_its_chain_was_rehashed(books: Books):
    first, second, _third = await _entry_ids(books)
    voucher = await _attach(books, first)
    await _finding(books, first)
    head = await _export(books)
    assert (head["head_format"], head["voucher_sequence"], head["audit_sequence"]) == (2, 1, 1)
    # What is recorded after the export is not what was signed: it changes nothing.
    await _attach(books, second, "后来的发票.pdf")
    await _finding(books, second, "后来的审计意见")
    unchanged = await _verify(books, head)
    assert (unchanged["verdict"], unchanged["valid"]) == ("unchanged", True), unchanged
    assert "票据" in unchanged["summary"]

    # The file's bytes replaced (SQL): named by its file name.
    await books.tamper("UPDATE attachment_blobs SET content = :c WHERE sha256 = :s", c=FORGED, s=voucher["sha256"])
    replaced = await _verify(books, head)
    assert (replaced["verdict"], replaced["signature_valid"]) == ("changed", True), replaced
    assert NAME in replaced["problem"] and "the file was replaced" in replaced["problem"]

    # Worse: the forged file stored under its own SHA-256, the row pointed at it and every link
    # re-hashed, so that verify-chain alone finds nothing. The signed voucher head still names it.
    forged_sha = hashlib.sha256(FORGED).hexdigest()
    await books.tamper("UPDATE attachment_blobs SET content = :c WHERE sha256 = :s", c=PDF, s=voucher["sha256"])
    await books.tamper(
        "INSERT INTO attachment_blobs (sha256, size_bytes, content, stored_at) VALUES (:s, :n, :c, now())",
        s=forged_sha,
        n=len(FORGED),
        c=FORGED,
    )
    await books.tamper("UPDATE attachments SET sha256 = :s WHERE id = :i", s=forged_sha, i=voucher["id"])
    await _rechain_vouchers(books)
    assert await _chain_intact(books)  # the chains alone cannot tell
    rewritten = await _verify(books, head)
    assert rewritten["verdict"] == "changed", rewritten
    assert f"voucher link 1 ({NAME!r}, attachment {voucher['id']}) now has hash" in rewritten["problem"]
    assert "replaced or rewritten after sign-off" in rewritten["problem"]
    assert "票据" in rewritten["summary"]


async def test_an_audit_record_rewritten_after_the_export_is_named(books: Books):
    first, *_ = await _entry_ids(books)
    found = await _finding(books, first)
    head = await _export(books)
    assert (head["voucher_sequence"], head["audit_sequence"]) == (0, 1)
    await books.tamper("UPDATE audit_records SET text = '无问题' WHERE ledger_id = :o AND sequence = 1", o=books.school)
    broken = await _verify(books, head)
    assert broken["verdict"] == "changed" and "audit record 1 of" in broken["problem"], broken
    await _rechain_audit_records(books)
    chain = await books.client.get(
        f"/v1/organizations/{books.school}/audit-findings/chain", headers=books.as_(Role.AUDITOR)
    )
    assert chain.json()["intact"] is True  # the audit chain alone cannot tell
    rewritten = await _verify(books, head)
    assert rewritten["verdict"] == "changed", rewritten
    assert f"audit record 1 (finding_recorded, finding {found['id']}) now has hash" in rewritten["problem"]


async def test_a_format_1_head_still_verifies_as_what_it_signed(books: Books):
    first, *_ = await _entry_ids(books)
    async with books.finance.session_factory() as session:
        head = await export_ledger_head(
            session, books.school, "民主理财小组", load_signing_key(books.finance.settings.head_signing_key_file)
        )
    assert "head_format" not in head
    await _attach(books, first)
    checked = await _verify(books, head)
    assert (checked["verdict"], checked["valid"]) == ("unchanged", True), checked


async def test_a_term_sign_off_records_the_voucher_head_and_names_a_voucher_replaced_below_it(books: Books):
    first, second, _third = await _entry_ids(books)
    voucher = await _attach(books, first)
    auditor = books.as_(Role.AUDITOR)
    signed = await books.client.post(
        f"/v1/organizations/{books.school}/audit-signoffs",
        headers=auditor,
        json={"term": "2026-H2", "opinion": "收支真实"},
    )
    assert signed.status_code == 201, signed.text
    body = signed.json()
    assert (body["voucher_sequence"], body["verified"]) == (1, True)
    await _attach(books, second, "后来的发票.pdf")  # after the sign-off: not what was signed
    assert (await books.client.get(f"/v1/audit-signoffs/{body['id']}", headers=auditor)).json()["verified"] is True
    async with books.finance.engine.connect() as conn:
        record = (await conn.execute(select(audit_records).where(audit_records.c.id == body["id"]))).one()
    assert (record.voucher_sequence, record.voucher_hash) == (1, body["voucher_hash"])
    assert record_hash(record) == record.hash  # hashed with the voucher head (version 2)

    forged_sha = hashlib.sha256(FORGED).hexdigest()
    await books.tamper(
        "INSERT INTO attachment_blobs (sha256, size_bytes, content, stored_at) VALUES (:s, :n, :c, now())",
        s=forged_sha,
        n=len(FORGED),
        c=FORGED,
    )
    await books.tamper("UPDATE attachments SET sha256 = :s WHERE id = :i", s=forged_sha, i=voucher["id"])
    await _rechain_vouchers(books)
    assert await _chain_intact(books)
    after = (await books.client.get(f"/v1/audit-signoffs/{body['id']}", headers=auditor)).json()
    assert after["verified"] is False
    assert f"voucher link 1 ({NAME!r}, attachment {voucher['id']}) now has hash" in after["problem"]
