"""The auditor's checks over HTTP on real PostgreSQL: chain, signed head, reconcile.

A county federation and its school, entries posted through finance's consumer as in production;
tampering is done as only a database superuser can (immutability triggers off for one transaction).
"""

import base64
import datetime as dt
import json

import httpx
import pytest
from sqlalchemy import select, text

from tests.factories import school_events
from tests.finance_tools import apply_instruction, signing_key_file
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_finance.adapters.tables import postings
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import Outcome

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 10, 28)


def dues(org: str, fen: int) -> contract.PostingSpec:
    return contract.PostingSpec(
        organization_id=org,
        effective_date=DAY,
        description="会费 Dues",
        lines=[contract.LineSpec(account="1001", debit_fen=fen), contract.LineSpec(account="4101", credit_fen=fen)],
    )


class Books:
    def __init__(self, finance, client, federation, school):
        self.finance, self.client, self.federation, self.school = finance, client, federation, school

    def as_(self, role: Role, org: str | None = None, lang: str = "en") -> dict:
        return {**bearer(role, org or self.federation, self.federation), "Accept-Language": lang}

    async def post_dues(self, fen: int) -> None:
        outcome = await apply_instruction(
            self.finance, self.federation, self.school, contract.Post(postings=[dues(self.school, fen)])
        )
        assert outcome["outcome"] == "posted", outcome["reason"]

    async def tamper(self, sql: str, **params) -> None:
        async with self.finance.engine.begin() as conn:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(text(sql), params)


@pytest.fixture
async def books(build_service, tmp_path):
    finance = await build_service(definition, start=False, head_signing_key_file=signing_key_file(tmp_path))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t")
    federation, school = unique("county"), unique("school")
    _member, setup = school_events(federation, school)
    assert await deliver(finance, setup) == [Outcome.PROCESSED] * len(setup)
    result = Books(finance, client, federation, school)
    for fen in (5000, 3000, 2000):
        await result.post_dues(fen)
    yield result
    await client.aclose()


async def test_an_intact_chain_is_reported_with_its_head_in_the_callers_language(books: Books):
    url = f"/v1/organizations/{books.school}/ledger/chain"
    answer = await books.client.get(url, headers=books.as_(Role.AUDITOR))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    async with books.finance.session_factory() as session:
        head = await session.scalar(
            select(postings.c.hash).where(postings.c.organization_id == books.school, postings.c.sequence == 3)
        )
    assert (body["intact"], body["entries_checked"], body["head_sequence"], body["head_hash"]) == (True, 3, 3, head)
    assert body["broken_sequence"] is None and body["problem"] is None
    assert body["summary"].startswith(f"The hash chain of {books.school} is intact: 3 entries verified")
    chinese = (await books.client.get(url, headers=books.as_(Role.FEDERATION_ADMIN, lang="zh-CN"))).json()
    assert "账簿哈希链完整" in chinese["summary"] and "3 笔" in chinese["summary"]


async def test_a_tampered_row_is_reported_with_its_sequence_and_column(books: Books):
    await books.tamper(
        "UPDATE posting_lines SET debit_fen = 9999 WHERE line_no = 1 AND posting_id = "
        "(SELECT id FROM postings WHERE organization_id = :o AND sequence = 2)",
        o=books.school,
    )
    body = (
        await books.client.get(f"/v1/organizations/{books.school}/ledger/chain", headers=books.as_(Role.AUDITOR))
    ).json()
    assert (body["intact"], body["broken_sequence"], body["problem"], body["entries_checked"]) == (
        False,
        2,
        "hash mismatch",
        1,
    )
    assert "posting_lines.debit_fen of line 1" in " ".join(body["fields"])
    assert "breaks at entry 2" in body["summary"]
    # A broken chain is never signed off.
    refused = await books.client.get(f"/v1/organizations/{books.school}/ledger/head", headers=books.as_(Role.AUDITOR))
    assert (refused.status_code, refused.json()["code"]) == (409, "chain_broken")


async def test_a_head_exported_then_verified_holds_as_a_prefix_and_a_forgery_is_refused(books: Books):
    auditor = books.as_(Role.AUDITOR, books.school)
    exported = await books.client.get(f"/v1/organizations/{books.school}/ledger/head", headers=auditor)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-disposition"].startswith(
        f'attachment; filename="ledger-head-{books.school}-3.json"'
    )
    head = exported.json()
    # Exactly what export-head writes: the document, indented, ending in a newline.
    assert exported.text == json.dumps(head, ensure_ascii=False, indent=2) + "\n"
    assert (head["organization_id"], head["sequence"], head["signed_off_by"]) == (books.school, 3, "auditor-1")

    verified = (await books.client.post("/v1/ledger-heads/verify", json=head, headers=auditor)).json()
    assert (verified["verdict"], verified["valid"], verified["signature_valid"]) == ("unchanged", True, True)
    assert verified["summary"].startswith(f"Nothing recorded up to entry 3 of {books.school} has changed")

    await books.post_dues(700)  # a new entry after sign-off: the signed head is still a prefix
    later = (await books.client.post("/v1/ledger-heads/verify", json=head, headers=auditor)).json()
    assert later["verdict"] == "unchanged" and later["chain"]["head_sequence"] == 4

    forged = {**head, "signature": {**head["signature"], "value": base64.b64encode(b"\0" * 64).decode()}}
    refused = (await books.client.post("/v1/ledger-heads/verify", json=forged, headers=auditor)).json()
    assert (refused["verdict"], refused["valid"], refused["signature_valid"]) == ("untrusted", False, False)
    assert "signature does not match" in refused["problem"]
    altered = (await books.client.post("/v1/ledger-heads/verify", json={**head, "sequence": 2}, headers=auditor)).json()
    assert altered["verdict"] == "untrusted"

    # Rewriting a signed entry is caught even when the chain is re-hashed: here the hash alone.
    await books.tamper(
        "UPDATE postings SET description = 'rewritten' WHERE organization_id = :o AND sequence = 1", o=books.school
    )
    changed = (await books.client.post("/v1/ledger-heads/verify", json=head, headers=auditor)).json()
    assert (changed["verdict"], changed["valid"], changed["signature_valid"]) == ("changed", False, True)
    assert "breaks at entry 1" in changed["problem"]


async def test_out_of_scope_answers_like_missing_and_other_roles_are_refused(books: Books):
    other_federation = unique("county")
    outsider = {**bearer(Role.AUDITOR, other_federation, other_federation), "Accept-Language": "en"}
    for path in ("ledger/chain", "ledger/head"):
        hidden = await books.client.get(f"/v1/organizations/{books.school}/{path}", headers=outsider)
        missing = await books.client.get(f"/v1/organizations/{unique('nowhere')}/{path}", headers=outsider)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["code"] == missing.json()["code"] == "organization_not_found"
        assert hidden.json()["detail"] == missing.json()["detail"]
        for role in (Role.UNION_OFFICER, Role.WELFARE_OFFICER, Role.MEMBER):
            refused = await books.client.get(
                f"/v1/organizations/{books.school}/{path}", headers=books.as_(role, books.school)
            )
            assert (refused.status_code, refused.json()["code"]) == (403, "role_not_allowed")

    head = (
        await books.client.get(f"/v1/organizations/{books.school}/ledger/head", headers=books.as_(Role.AUDITOR))
    ).json()
    hidden = await books.client.post("/v1/ledger-heads/verify", json=head, headers=outsider)
    missing = await books.client.post(
        "/v1/ledger-heads/verify", json={**head, "organization_id": unique("nowhere")}, headers=outsider
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "organization_not_found"
    officer = await books.client.post("/v1/ledger-heads/verify", json=head, headers=books.as_(Role.UNION_OFFICER))
    assert officer.status_code == 403
    not_a_head = await books.client.post("/v1/ledger-heads/verify", json={"hello": 1}, headers=books.as_(Role.AUDITOR))
    assert (not_a_head.status_code, not_a_head.json()["code"]) == (422, "head_document_invalid")
    assert (await books.client.get("/v1/reconcile", headers=books.as_(Role.UNION_OFFICER))).status_code == 403


async def test_reconcile_answers_each_check_with_pass_or_fail(books: Books):
    answer = await books.client.get("/v1/reconcile", headers=books.as_(Role.AUDITOR))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    names = {check["name"]: check for check in body["checks"]}
    assert len(names) == 11 and all(check["verdict"] in ("PASS", "FAIL") for check in body["checks"])
    # Other tests leave tampered ledgers in the shared database; this ledger's own breakage shows up.
    chains = names["every ledger's hash chain verifies from sequence 1"]
    before = chains["offender_count"]
    await books.tamper(
        "UPDATE postings SET description = 'rewritten' WHERE organization_id = :o AND sequence = 2", o=books.school
    )
    after = (await books.client.get("/v1/reconcile", headers=books.as_(Role.AUDITOR, lang="zh-CN"))).json()
    chains = next(c for c in after["checks"] if c["name"] == chains["name"])
    assert (chains["verdict"], chains["offender_count"], after["ok"]) == ("FAIL", before + 1, False)
    assert "项未通过" in after["summary"]


async def test_reconcile_names_the_ledger_and_account_whose_stored_balance_was_tampered(books: Books):
    clean = (await books.client.get("/v1/reconcile", headers=books.as_(Role.AUDITOR))).json()
    assert clean["ok"] and [c["findings"] for c in clean["checks"]] == [[]] * 11

    # The school's bank balance changed behind the ledger's back: 123 fen more than its lines say.
    await books.tamper(
        "UPDATE accounts SET balance_fen = balance_fen + 123 WHERE organization_id = :o AND code = '1001'",
        o=books.school,
    )
    body = (await books.client.get("/v1/reconcile", headers=books.as_(Role.AUDITOR))).json()
    checks = {check["name"]: check for check in body["checks"]}
    balances = checks["each account's balance equals the sum of its lines"]
    assert balances["verdict"] == "FAIL"
    assert balances["findings"] == [
        {
            "kind": "balance_not_sum_of_lines",
            "organization_id": books.school,
            "organization_name": "No. 1 Primary",
            "account_code": "1001",
            "account_name": "银行存款及现金",  # the federation's language (zh-CN)
            "counterparty_id": None,
            "counterparty_name": None,
            "expected_fen": 10000,
            "stored_fen": 10123,
            "detail": f"{books.school} 1001: balance 10123 fen, lines sum to 10000 fen",
        }
    ]
    # What else the one change breaks names the school (or its federation's consolidation), nothing more.
    named = {(f["organization_id"], f["account_code"]) for c in body["checks"] for f in c["findings"]}
    assert named <= {(books.school, "1001"), (books.school, None), (books.federation, "1001")}, named

    # An auditor of another federation learns that a check fails, not whose books.
    elsewhere = unique("county")
    outsider = (await books.client.get("/v1/reconcile", headers=bearer(Role.AUDITOR, elsewhere, elsewhere))).json()
    outside = next(c for c in outsider["checks"] if c["name"] == balances["name"])
    assert (outside["verdict"], outside["offender_count"], outside["findings"]) == ("FAIL", 1, [])


async def test_without_a_signing_key_heads_are_unavailable_not_a_server_fault(build_service):
    finance = await build_service(definition, start=False, head_signing_key_file=None)
    federation, school = unique("county"), unique("school")
    _member, setup = school_events(federation, school)
    assert await deliver(finance, setup) == [Outcome.PROCESSED] * len(setup)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t") as client:
        auditor = {**bearer(Role.AUDITOR, federation, federation), "Accept-Language": "en"}
        answer = await client.get(f"/v1/organizations/{school}/ledger/head", headers=auditor)
        assert (answer.status_code, answer.json()["code"]) == (503, "head_signing_key_missing")
        assert (await client.get(f"/v1/organizations/{school}/ledger/chain", headers=auditor)).status_code == 200
