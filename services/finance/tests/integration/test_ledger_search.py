"""Ledger entries of one organization: filtered by date, account, amount and description, a page at a time (real PostgreSQL)."""

import datetime as dt

import httpx
import pytest

from tests.factories import school_events
from tests.finance_tools import apply_instruction
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import Outcome

pytestmark = pytest.mark.integration

# (day, description, debit account, credit account, amount in fen)
ENTRIES = [
    (dt.date(2026, 9, 5), "会费 September", "1001", "4101", 500_00),
    (dt.date(2026, 9, 18), "文体活动 badminton", "5102", "1001", 120_00),
    (dt.date(2026, 10, 10), "会费 October", "1001", "4101", 510_00),
    (dt.date(2026, 10, 21), "慰问 hospital visit", "5101", "1001", 50_00),
    (dt.date(2026, 11, 3), "会费 November", "1001", "4101", 520_00),
    (dt.date(2026, 11, 15), "慰问 retiree visit", "5101", "1001", 80_00),
    (dt.date(2026, 12, 1), "文体活动 sports day", "5102", "1001", 150_00),
    (dt.date(2026, 12, 8), "会费 December 100%", "1001", "4101", 530_00),
]


@pytest.fixture
async def ledger(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("county"), unique("school")
    _, setup = school_events(federation, school)
    assert await deliver(finance, setup) == [Outcome.PROCESSED] * len(setup)
    for day, description, debit, credit, amount in ENTRIES:
        spec = contract.PostingSpec(
            organization_id=school,
            effective_date=day,
            description=description,
            lines=[
                contract.LineSpec(account=debit, debit_fen=amount),
                contract.LineSpec(account=credit, credit_fen=amount),
            ],
        )
        outcome = await apply_instruction(finance, federation, school, contract.Post(postings=[spec]))
        assert outcome["outcome"] == "posted", outcome["reason"]
    officer = bearer(Role.UNION_OFFICER, school, federation, "treasurer-li")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t") as api:
        yield api, federation, school, officer


async def every_page(api, school: str, headers: dict, **params) -> tuple[list[dict], int]:
    items, pages, cursor = [], 0, None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = await api.get(f"/v1/organizations/{school}/ledger/postings", params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        pages += 1
        if (cursor := answer.json()["next_cursor"]) is None:
            return items, pages


def descriptions(entries: list[dict]) -> list[str]:
    return [e["description"] for e in entries]


async def test_every_entry_page_by_page_in_ledger_order(ledger):
    api, _, school, officer = ledger
    entries, pages = await every_page(api, school, officer, limit=3)
    assert descriptions(entries) == [d for _, d, *_ in ENTRIES]
    assert pages == 3 and [e["sequence"] for e in entries] == sorted({e["sequence"] for e in entries})


async def test_filters_by_date_account_amount_and_text_together_with_paging(ledger):
    api, _, school, officer = ledger
    autumn, _ = await every_page(api, school, officer, **{"from": "2026-09-18", "to": "2026-11-03"}, limit=2)
    assert descriptions(autumn) == ["文体活动 badminton", "会费 October", "慰问 hospital visit", "会费 November"]
    visits, _ = await every_page(api, school, officer, account="5101", limit=1)
    assert descriptions(visits) == ["慰问 hospital visit", "慰问 retiree visit"]
    mid, _ = await every_page(api, school, officer, amount_min_fen=80_00, amount_max_fen=150_00)
    assert descriptions(mid) == ["文体活动 badminton", "慰问 retiree visit", "文体活动 sports day"]
    dues, _ = await every_page(api, school, officer, text="会费", **{"from": "2026-10-01"})
    assert descriptions(dues) == ["会费 October", "会费 November", "会费 December 100%"]
    assert descriptions((await every_page(api, school, officer, text="VISIT"))[0]) == [
        "慰问 hospital visit",
        "慰问 retiree visit",
    ]
    # A % is a character to find, not a wildcard.
    assert descriptions((await every_page(api, school, officer, text="0%"))[0]) == ["会费 December 100%"]
    assert (await every_page(api, school, officer, account="5101", text="sports"))[0] == []


async def test_out_of_scope_books_answer_like_missing_ones_and_bad_cursors_are_refused(ledger):
    api, federation, school, officer = ledger
    stranger = bearer(Role.UNION_OFFICER, unique("other"), federation, "officer-zhao")
    refused = await api.get(f"/v1/organizations/{school}/ledger/postings", headers=stranger)
    missing = await api.get("/v1/organizations/no-such-school/ledger/postings", headers=stranger)
    assert refused.status_code == missing.status_code == 404 and refusal(refused) == refusal(missing)
    for cursor in ("garbage!", "WyJ4Il0", "WzEsMl0"):  # not base64 JSON; ["x"]; [1,2]
        answer = await api.get(
            f"/v1/organizations/{school}/ledger/postings", params={"cursor": cursor}, headers=officer
        )
        assert answer.status_code == 422, (cursor, answer.text)
