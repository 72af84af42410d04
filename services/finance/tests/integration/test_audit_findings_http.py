"""The audit committee (经审) over HTTP on real PostgreSQL, entries posted through finance's consumer:
a finding on an entry answered by the school's treasurer and closed by the county's auditor, the
search, the audit chain over findings and answers (a rewrite is found), a term's sign-off with the
ledger's head, and a change below that head shown when the sign-off is read again."""

import asyncio
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from services.finance.tests.integration import test_audit_http
from services.finance.tests.integration.test_audit_http import Books
from unionfed_finance.entrypoints.audit_cli import verify_audit_records_command
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration

books = test_audit_http.books  # the county, its school and three entries of dues


async def _entry(books: Books) -> str:
    answer = await books.client.get(
        f"/v1/organizations/{books.school}/ledger/postings", headers=books.as_(Role.AUDITOR)
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"][0]["id"]


async def _record(books: Books, posting_id: str | None, **extra) -> dict:
    answer = await books.client.post(
        f"/v1/organizations/{books.school}/audit-findings",
        headers=books.as_(Role.AUDITOR),
        json={"subject_kind": "entry", "posting_id": posting_id, "severity": "major", "text": "会费收据缺少经办人签字"}
        | extra,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_the_county_auditor_records_the_school_treasurer_answers_the_auditor_closes(books: Books):
    posting_id = await _entry(books)
    found = await _record(books, posting_id)
    assert (found["state"], found["ledger_id"], found["subject_kind"]) == ("open", books.school, "entry")
    treasurer = books.as_(Role.UNION_OFFICER, books.school, lang="zh-CN")
    mine = (
        await books.client.get(f"/v1/organizations/{books.school}/audit-findings?state=open", headers=treasurer)
    ).json()
    assert [f["id"] for f in mine] == [found["id"]]
    answered = await books.client.post(
        f"/v1/audit-findings/{found['id']}/answer", headers=treasurer, json={"answer": "已由经办人补签"}
    )
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    again = await books.client.post(f"/v1/audit-findings/{found['id']}/answer", headers=treasurer, json={"answer": "x"})
    assert (again.status_code, again.json()["code"]) == (409, "finding_not_open")
    assert "待答复" in again.json()["detail"]
    refused = await books.client.post(f"/v1/audit-findings/{found['id']}/close", headers=treasurer, json={})
    assert (refused.status_code, refused.json()["code"]) == (403, "role_not_allowed")
    closed = await books.client.post(
        f"/v1/audit-findings/{found['id']}/close", headers=books.as_(Role.AUDITOR), json={"note": "同意"}
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert [r["kind"] for r in closed.json()["history"]] == ["finding_recorded", "finding_answered", "finding_closed"]
    on_entry = (
        await books.client.get(f"/v1/postings/{posting_id}/audit-findings", headers=books.as_(Role.WELFARE_OFFICER))
    ).json()
    assert [(f["id"], f["answer"]) for f in on_entry] == [(found["id"], "已由经办人补签")]


async def test_the_search_by_state_ledger_and_period(books: Books):
    posting_id = await _entry(books)
    on_entry = await _record(books, posting_id)
    statement = await _record(
        books,
        None,
        subject_kind="statement",
        period_start="2027-01-01",
        period_end="2027-06-30",
        severity="serious",
    )
    auditor = books.as_(Role.AUDITOR)
    url = f"/v1/organizations/{books.federation}/audit-findings"
    ids = lambda answer: [f["id"] for f in answer.json()]  # noqa: E731
    assert ids(await books.client.get(url, headers=auditor)) == [statement["id"], on_entry["id"]]
    assert ids(await books.client.get(url, headers=auditor, params={"period_start": "2027-01-01"})) == [statement["id"]]
    assert ids(await books.client.get(url, headers=auditor, params={"ledger": books.school, "severity": "major"})) == [
        on_entry["id"]
    ]
    assert ids(await books.client.get(url, headers=auditor, params={"state": "closed"})) == []
    ghost = await books.client.get(url, headers=auditor, params={"ledger": "nowhere"})
    assert ghost.status_code == 404


async def test_an_entry_of_another_ledger_or_nowhere_is_not_found(books: Books):
    answer = await books.client.post(
        f"/v1/organizations/{books.school}/audit-findings",
        headers=books.as_(Role.AUDITOR),
        json={"subject_kind": "entry", "posting_id": str(uuid.uuid4()), "severity": "minor", "text": "x"},
    )
    assert (answer.status_code, answer.json()["code"]) == (404, "posting_not_found")
    empty = await books.client.post(
        f"/v1/organizations/{books.school}/audit-findings",
        headers=books.as_(Role.AUDITOR),
        json={"subject_kind": "report", "severity": "minor", "text": "x"},
    )
    assert (empty.status_code, empty.json()["code"]) == (422, "finding_report_missing")


async def test_the_audit_chain_finds_a_rewritten_answer(books: Books):
    found = await _record(books, await _entry(books))
    await books.client.post(
        f"/v1/audit-findings/{found['id']}/answer",
        headers=books.as_(Role.UNION_OFFICER, books.school),
        json={"answer": "已补签"},
    )
    url = f"/v1/organizations/{books.school}/audit-findings/chain"
    intact = (await books.client.get(url, headers=books.as_(Role.WELFARE_OFFICER, books.school))).json()
    assert (intact["intact"], intact["records_checked"]) == (True, 2)
    # The records are append-only: an UPDATE is refused unless triggers are turned off.
    with pytest.raises(Exception, match="immutable"):
        async with books.finance.engine.begin() as conn:
            await conn.execute(text("UPDATE audit_records SET text = 'x' WHERE sequence = 2"))
    await books.tamper(
        "UPDATE audit_records SET text = '早已补签' WHERE ledger_id = :o AND sequence = 2", o=books.school
    )
    broken = (await books.client.get(url, headers=books.as_(Role.AUDITOR))).json()
    assert (broken["intact"], broken["broken_sequence"]) == (False, 2)
    assert "hash mismatch" in broken["problem"]


async def test_a_term_signed_off_with_the_ledger_head_shows_a_change_below_it(books: Books):
    still_open = await _record(books, await _entry(books))
    auditor = books.as_(Role.AUDITOR)
    refused = await books.client.post(
        f"/v1/organizations/{books.school}/audit-signoffs",
        headers=books.as_(Role.UNION_OFFICER, books.school),
        json={"term": "2026-H2", "opinion": "x"},
    )
    assert refused.status_code == 403
    signed = await books.client.post(
        f"/v1/organizations/{books.school}/audit-signoffs",
        headers=auditor,
        json={"term": "2026-H2", "opinion": "收支真实，票据齐全，一项意见待整改"},
    )
    assert signed.status_code == 201, signed.text
    body = signed.json()
    chain = (await books.client.get(f"/v1/organizations/{books.school}/ledger/chain", headers=auditor)).json()
    assert (body["head_sequence"], body["head_hash"]) == (3, chain["head_hash"])
    assert (body["term_start"], body["term_end"], body["verified"]) == ("2026-07-01", "2026-12-31", True)
    assert [f["id"] for f in body["open_findings"]] == [still_open["id"]]

    await books.post_dues(700)  # entries after the sign-off leave the signed head a prefix
    after = (await books.client.get(f"/v1/audit-signoffs/{body['id']}", headers=auditor)).json()
    assert after["verified"] is True

    await books.tamper(
        "UPDATE postings SET description = 'rewritten' WHERE organization_id = :o AND sequence = 2", o=books.school
    )
    [changed] = (
        await books.client.get(
            f"/v1/organizations/{books.school}/audit-signoffs", headers=books.as_(Role.UNION_OFFICER, books.school)
        )
    ).json()
    assert changed["verified"] is False and "breaks at entry 2" in changed["problem"]
    # A broken ledger is not signed off again.
    again = await books.client.post(
        f"/v1/organizations/{books.school}/audit-signoffs", headers=auditor, json={"term": "2026", "opinion": "x"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "chain_broken")


async def test_the_audit_cli_verifies_the_audit_chains(books: Books, monkeypatch):
    await _record(books, await _entry(books))
    monkeypatch.setenv("FINANCE_DATABASE_URL", books.finance.settings.database_url)
    monkeypatch.setenv("FINANCE_JWT_SECRET", "test-secret-for-the-cli-only-32-bytes!")
    result = await asyncio.to_thread(
        CliRunner().invoke, verify_audit_records_command, ["--federation", books.federation]
    )
    assert result.exit_code == 0, result.output
    assert f"audit records of {books.school}: chain intact, 1 records" in result.output
