"""Finance reports on real PostgreSQL: a county federation, its school and a term of entries.

Entries reach the ledgers the way they do in production: journal entries through finance's
consumer, a treasurer's HTTP command through the outbox, and a dues event from membership.
"""

import csv
import dataclasses
import datetime as dt
import io
import uuid
from urllib.parse import unquote

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from tests.factories import dues, greeting_chunk, school_events
from tests.finance_tools import apply_instruction, apply_journal, balances
from tests.kafka_tools import envelope_for
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_finance.adapters.tables import ledgers, money_outcomes, postings
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer.pseudonyms import pseudonym
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.contracts.spending import (
    WelfareBatchPaymentRequestedV1,
    WelfareHoldPaidV1,
    WelfareHoldRequestedV1,
)
from unionfed_shared.documents.spreadsheet import MEDIA_TYPE as XLSX
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration

TERM = {"from": "2026-09-01", "to": "2027-01-31"}
MEMBERSHIP_CMD = "cmd-" + "7" * 8 + "-membership-request"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def line(account: str, debit: int = 0, credit: int = 0, counterparty: str | None = None) -> contract.LineSpec:
    return contract.LineSpec(account=account, debit_fen=debit, credit_fen=credit, counterparty_id=counterparty)


def spec(org: str, day: dt.date, description: str, *lines: contract.LineSpec) -> contract.PostingSpec:
    return contract.PostingSpec(organization_id=org, effective_date=day, description=description, lines=list(lines))


def membership_message(envelope, offset: int) -> IncomingMessage:
    return IncomingMessage(
        topic=topics.MEMBERSHIP,
        partition=0,
        offset=offset,
        key=envelope.key,
        value=envelope.data,
        headers=tuple((k, v.encode()) for k, v in envelope.headers().items()),
    )


@dataclasses.dataclass
class Books:
    finance: object
    client: httpx.AsyncClient
    federation: str
    school: str
    other_school: str
    member_id: uuid.UUID
    posting: dict  # name → posting id
    dues_event_id: str


async def post(finance, federation: str, requested_by: str, *specs: contract.PostingSpec) -> list[uuid.UUID]:
    outcome = await apply_instruction(finance, federation, requested_by, contract.Post(postings=list(specs)))
    assert outcome["outcome"] == "posted", outcome["reason"]
    return outcome["posting_ids"]


@pytest.fixture
async def books(build_service):
    finance = await build_service(definition, start=False)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t")

    federation, school, other_school = unique("county"), unique("school"), unique("school")
    member_id, setup = school_events(federation, school)
    setup.append(
        OrganizationRegisteredV1(
            organization_id=other_school,
            federation_id=federation,
            name="No. 2 Middle",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, other_school],
        )
    )
    for offset, event in enumerate(setup):
        assert await finance.consumer.handle(membership_message(envelope_for(event), offset)) is Outcome.PROCESSED

    p = {}
    [p["fed_dues"]] = await post(
        finance,
        federation,
        federation,
        spec(federation, dt.date(2026, 9, 5), "会费 county dues", line("1001", 3000_00), line("4101", credit=3000_00)),
    )
    [p["before_term"]] = await post(
        finance,
        federation,
        school,
        spec(school, dt.date(2026, 8, 20), "会费 August", line("1001", 100_00), line("4101", credit=100_00)),
    )
    [p["dues"]] = await post(
        finance,
        federation,
        school,
        spec(school, dt.date(2026, 10, 10), "会费 October", line("1001", 500_00), line("4101", credit=500_00)),
    )
    # An allocation: one instruction, both ledgers, each line naming the other organization.
    fed_side, school_side = await post(
        finance,
        federation,
        school,
        spec(
            federation,
            dt.date(2026, 10, 20),
            "补助下级 table-tennis table",
            line("5201", 2000_00, counterparty=school),
            line("1001", credit=2000_00),
        ),
        spec(
            school,
            dt.date(2026, 10, 20),
            "上级补助 table-tennis table",
            line("1001", 2000_00),
            line("4103", credit=2000_00, counterparty=federation),
        ),
    )
    p["allocation_fed"], p["allocation_school"] = fed_side, school_side
    [p["activity"]] = await post(
        finance,
        federation,
        school,
        spec(school, dt.date(2026, 12, 1), "文体活动 sports day", line("5102", 150_00), line("1001", credit=150_00)),
    )
    [p["mistake"]] = await post(
        finance,
        federation,
        school,
        spec(school, dt.date(2026, 12, 3), "设备 entered twice", line("5103", 80_00), line("1001", credit=80_00)),
    )
    reversal = await apply_instruction(
        finance,
        federation,
        school,
        contract.Reverse(posting_id=p["mistake"], effective_date=dt.date(2026, 12, 4), reason="entered twice"),
    )
    [p["reversal"]] = reversal["posting_ids"]
    [p["after_term"]] = await post(
        finance,
        federation,
        school,
        spec(school, dt.date(2027, 2, 10), "会费 February", line("1001", 999_00), line("4101", credit=999_00)),
    )

    # A treasurer's welfare grant over HTTP: the command is the origin of its journal entry.
    officer = bearer(Role.UNION_OFFICER, school, federation, subject="treasurer-zhao")
    answer = await client.post(
        f"/v1/organizations/{school}/expenses",
        json={
            "category": "welfare",
            "amount_fen": 300_00,
            "spent_on": "2026-11-05",
            "description": f"困难补助 member:{member_id} Li Hua",
        },
        headers={**officer, "traceparent": TRACEPARENT},
    )
    assert answer.status_code == 202, answer.text
    # A dues payment reported by membership, itself caused by a command made there.
    payment = envelope_for(
        dues(federation, school, member_id, 21_50),
        causation_id=MEMBERSHIP_CMD,
        actor="officer-qian",
        trace_headers={"traceparent": TRACEPARENT},
    )
    assert await finance.consumer.handle(membership_message(payment, 50)) is Outcome.PROCESSED
    assert await apply_journal(finance) == [Outcome.PROCESSED, Outcome.PROCESSED]
    async with finance.uow() as uow:
        p["welfare"] = (await uow.outcomes.get(answer.json()["request_id"]))["posting_ids"][0]
        # The entry finance journals for another service's event names that event as its request.
        [p["dues_event"]] = await uow.session.scalar(
            select(money_outcomes.c.posting_ids).where(money_outcomes.c.request_event_id == payment.id)
        )

    yield Books(finance, client, federation, school, other_school, member_id, p, payment.id)
    await client.aclose()


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_disclosure_totals_add_up_and_recipients_are_pseudonymised(books: Books):
    member = bearer(Role.MEMBER, books.school, books.federation, subject="teacher-sun")
    response = await books.client.get(
        f"/v1/organizations/{books.school}/disclosure", params={**TERM, "format": "csv"}, headers=member
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    figures = {row[1]: row[2] for row in rows if len(row) == 3}
    assert figures["期初银行存款及现金余额"] == "100.00"  # the August dues, before the term
    assert figures["会费收入"] == "521.50"  # October dues and the payment from membership, not February's
    assert figures["上级补助收入"] == "2000.00"
    assert figures["收入合计"] == "2521.50"
    assert figures["职工福利支出"] == "300.00"
    assert figures["文体活动支出"] == "150.00"
    assert figures["设备购置支出"] == "0.00"  # the mistaken entry and its reversal net out
    assert figures["支出合计"] == "450.00"
    assert figures["非收支款项净收付（代管捐款、应付上缴款等）"] == "0.00"
    assert figures["期末银行存款及现金余额"] == "2171.50"  # 100 + 2521.50 − 450

    alias = pseudonym(books.school, str(books.member_id))
    assert ["2026-11-05", f"困难补助 {alias} {alias}", "1 × 300.00", "300.00", "0.00", "300.00"] in rows
    async with books.finance.session_factory() as session:
        head = (await session.execute(select(ledgers).where(ledgers.c.organization_id == books.school))).one()
    assert any(head.last_hash in cell for row in rows for cell in row)
    assert any(cell.endswith(f" {head.last_sequence}") for row in rows for cell in row)

    page = await books.client.get(f"/v1/organizations/{books.school}/disclosure", params=TERM, headers=member)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "No. 1 Primary 工会经费收支公开表" in page.text and "2,171.50" in page.text
    english = await books.client.get(
        f"/v1/organizations/{books.school}/disclosure", params={**TERM, "lang": "en"}, headers=member
    )
    assert "Dues income" in english.text and "Recipient-" + alias.removeprefix("受助人-") in english.text
    for output in (response.content.decode("utf-8-sig"), page.text, english.text):
        assert str(books.member_id) not in output
        assert "Li Hua" not in output


async def test_disclosure_refuses_outsiders_and_bad_periods(books: Books):
    outsider = bearer(Role.MEMBER, books.other_school, books.federation)
    url = f"/v1/organizations/{books.school}/disclosure"
    hidden = await books.client.get(url, params=TERM, headers=outsider)
    missing = await books.client.get(f"/v1/organizations/{unique('nowhere')}/disclosure", params=TERM, headers=outsider)
    assert hidden.status_code == missing.status_code == 404
    assert refusal(hidden) == refusal(missing) and hidden.json()["code"] == "organization_not_found"

    member = bearer(Role.MEMBER, books.school, books.federation)
    for params, code, reason in [
        ({"from": "2027-01-31", "to": "2026-09-01"}, "date_range_reversed", "after"),
        ({"from": "2026-13-01", "to": "2027-01-31"}, "date_invalid", "not a real date"),
        ({"from": "yesterday", "to": "2027-01-31"}, "date_invalid", "YYYY-MM-DD"),
        ({"to": "2027-01-31"}, "date_missing", "required"),
    ]:
        refused = await books.client.get(url, params=params, headers={**member, "Accept-Language": "en"})
        assert refused.status_code == 422 and refused.json()["code"] == code, refused.text
        assert reason in refused.json()["detail"], refused.text


async def test_audit_pack_lists_every_entry_of_the_term_with_sources_and_the_chain_check(books: Books):
    auditor = bearer(Role.AUDITOR, books.school, books.federation, subject="auditor-he")
    response = await books.client.get(
        f"/v1/organizations/{books.school}/audit-pack", params={**TERM, "format": "csv", "lang": "en"}, headers=auditor
    )
    assert response.status_code == 200, response.text
    rows = csv_rows(response)
    header = next(i for i, row in enumerate(rows) if row and row[0] == "sequence")
    lines = []
    for row in rows[header + 1 :]:
        if not row:
            break
        lines.append(dict(zip(rows[header], row)))
    p = books.posting
    in_term = {p[k] for k in ("dues", "allocation_school", "activity", "mistake", "reversal", "welfare", "dues_event")}
    assert {l["posting_id"] for l in lines} == {str(i) for i in in_term}
    assert len(lines) == 2 * len(in_term)
    by_posting = {l["posting_id"]: l for l in lines}
    welfare = by_posting[str(p["welfare"])]
    assert welfare["actor"] == "treasurer-zhao" and welfare["causation_id"].startswith("cmd-")
    assert welfare["trace_id"] and welfare["journal_event_id"] == welfare["source_event_id"]
    assert by_posting[str(p["mistake"])]["reversed_by_posting_id"] == str(p["reversal"])
    assert by_posting[str(p["reversal"])]["reverses_posting_id"] == str(p["mistake"])
    allocation = [l for l in lines if l["posting_id"] == str(p["allocation_school"]) and l["account_code"] == "4103"]
    assert allocation[0]["counterparty_id"] == books.federation
    dues_line = by_posting[str(p["dues_event"])]
    assert dues_line["source_event_id"] == books.dues_event_id and dues_line["source_topic"] == topics.MEMBERSHIP
    assert dues_line["source_event_type"] == "unionfed.membership.dues_collected.v1"
    assert dues_line["causation_id"] == MEMBERSHIP_CMD and dues_line["actor"] == "officer-qian"
    assert dues_line["journal_event_id"] != dues_line["source_event_id"]

    meta = {row[0]: row[1:] for row in rows[:header] if row}
    assert meta["chain_verified"][0] == "ok", meta["chain_verified"]
    totals = {row[0]: row[2:] for row in rows[header:] if len(row) == 5 and row[0][:1].isdigit()}
    assert totals["4101"] == ["0.00", "521.50", "-521.50"]
    assert totals["5103"] == ["80.00", "80.00", "0.00"]
    assert [row for row in rows if row and row[0] == "total"] == [["total", "", "3131.50", "3131.50", ""]]

    page = await books.client.get(
        f"/v1/organizations/{books.school}/audit-pack", params={**TERM, "lang": "en"}, headers=auditor
    )
    assert page.status_code == 200 and "chain intact" in page.text and str(p["reversal"]) in page.text

    # By default the pack speaks the federation's language (zh-CN here): the same lines, Chinese headers.
    chinese = await books.client.get(
        f"/v1/organizations/{books.school}/audit-pack", params={**TERM, "format": "csv"}, headers=auditor
    )
    zh_rows = csv_rows(chinese)
    zh_header = next(i for i, row in enumerate(zh_rows) if row and row[0] == "序号")
    assert zh_rows[0] == ["工会经费审查资料（民主理财小组）"] and zh_header == header
    assert zh_rows[zh_header][:4] == ["序号", "分录编号", "记账日期", "摘要"]
    assert [row[:2] for row in zh_rows[zh_header + 1 :] if row][: len(lines)] == [
        row[:2] for row in rows[header + 1 :] if row
    ][: len(lines)]
    assert ["合计", "", "3131.50", "3131.50", ""] in zh_rows

    member = bearer(Role.MEMBER, books.school, books.federation)
    forbidden = await books.client.get(f"/v1/organizations/{books.school}/audit-pack", params=TERM, headers=member)
    assert forbidden.status_code == 403


async def test_trace_walks_an_http_command_entry_back_to_its_command(books: Books):
    auditor = bearer(Role.AUDITOR, books.federation, books.federation, subject="auditor-he")
    response = await books.client.get(f"/v1/postings/{books.posting['welfare']}/trace", headers=auditor)
    assert response.status_code == 200, response.text
    trace = response.json()
    assert trace["posting"]["organization_id"] == books.school
    assert [(l["account_code"], l["debit_fen"], l["credit_fen"]) for l in trace["posting"]["lines"]] == [
        ("5101", 300_00, 0),
        ("1001", 0, 300_00),
    ]
    journal = trace["journal_entry"]
    assert journal["event_id"] == trace["source_event"]["event_id"]
    assert trace["source_event"]["topic"] == topics.FINANCE_JOURNAL
    assert trace["source_event"]["occurred_at"] is not None  # from finance's own copy of the entry
    assert trace["actor"] == "treasurer-zhao"
    assert trace["originating_command"].startswith("cmd-")
    assert [link["kind"] for link in trace["causation_chain"]] == ["journal_entry", "command"]
    assert trace["causation_chain"][-1]["event_id"] == trace["originating_command"]
    assert trace["money_outcome"]["outcome"] == "posted"
    assert trace["money_outcome"]["posting_ids"] == [str(books.posting["welfare"])]
    assert trace["reverses"] is None and trace["reversed_by"] is None
    async with books.finance.uow() as uow:
        [row] = [r for r in await uow.ledgers.postings(books.school, 100, 0) if r["id"] == books.posting["welfare"]]
    assert trace["trace_id"] == row["trace_id"] and trace["correlation_id"] == row["correlation_id"]


async def test_trace_of_an_event_entry_names_the_source_event_and_the_other_services_command(books: Books):
    auditor = bearer(Role.AUDITOR, books.school, books.federation)
    trace = (await books.client.get(f"/v1/postings/{books.posting['dues_event']}/trace", headers=auditor)).json()
    source = trace["source_event"]
    assert source["event_id"] == books.dues_event_id
    assert (source["type"], source["topic"], source["partition"], source["offset"]) == (
        "unionfed.membership.dues_collected.v1",
        topics.MEMBERSHIP,
        0,
        50,
    )
    assert source["occurred_at"] is not None
    assert trace["journal_entry"]["event_id"] != books.dues_event_id
    assert [link["kind"] for link in trace["causation_chain"]] == ["journal_entry", "source_event", "command"]
    assert trace["causation_chain"][0]["causation_id"] == books.dues_event_id
    assert trace["originating_command"] == MEMBERSHIP_CMD
    assert trace["actor"] == "officer-qian"
    assert trace["trace_id"] == TRACEPARENT.split("-")[1]


async def test_trace_names_the_organizations_the_accounts_and_a_member_behind_an_entry(books: Books):
    auditor = bearer(Role.AUDITOR, books.federation, books.federation)
    trace = (await books.client.get(f"/v1/postings/{books.posting['allocation_school']}/trace", headers=auditor)).json()
    assert trace["posting"]["organization_name"] == "No. 1 Primary"
    # The chart's names in the federation's language (zh-CN), the other level by its name.
    assert [
        (l["account_code"], l["account_name"], l["counterparty_id"], l["counterparty_name"])
        for l in trace["posting"]["lines"]
    ] == [
        ("1001", "银行存款及现金", None, None),
        ("4103", "上级补助收入", books.federation, "County union"),
    ]
    # A staff account's subject is all finance knows of that person.
    assert (trace["actor"], trace["actor_name"]) == ("tester", None)

    # A member acting for themselves is shown by their display name, beside the subject.
    paid = envelope_for(
        dues(books.federation, books.school, books.member_id, 10_00, period="2026-11"), actor=str(books.member_id)
    )
    assert await books.finance.consumer.handle(membership_message(paid, 60)) is Outcome.PROCESSED
    assert await apply_journal(books.finance) == [Outcome.PROCESSED]
    async with books.finance.session_factory() as session:
        [posting_id] = await session.scalar(
            select(money_outcomes.c.posting_ids).where(money_outcomes.c.request_event_id == paid.id)
        )
    by_member = (await books.client.get(f"/v1/postings/{posting_id}/trace", headers=auditor)).json()
    assert (by_member["actor"], by_member["actor_name"]) == (str(books.member_id), "Li Hua")


async def test_trace_shows_reversal_links_both_ways(books: Books):
    admin = bearer(Role.FEDERATION_ADMIN, books.federation, books.federation)
    original = (await books.client.get(f"/v1/postings/{books.posting['mistake']}/trace", headers=admin)).json()
    correction = (await books.client.get(f"/v1/postings/{books.posting['reversal']}/trace", headers=admin)).json()
    assert original["reversed_by"]["id"] == str(books.posting["reversal"])
    assert correction["reverses"]["id"] == str(books.posting["mistake"])
    assert correction["money_outcome"]["operation"] == "reverse"


async def test_trace_is_hidden_outside_scope_and_refused_to_other_roles(books: Books):
    url = f"/v1/postings/{books.posting['welfare']}/trace"
    other_auditor = bearer(Role.AUDITOR, books.other_school, books.federation)
    hidden = await books.client.get(url, headers=other_auditor)
    missing = await books.client.get(f"/v1/postings/{uuid.uuid4()}/trace", headers=other_auditor)
    assert hidden.status_code == missing.status_code == 404
    assert refusal(hidden) == refusal(missing) and hidden.json()["code"] == "posting_not_found"
    officer = bearer(Role.UNION_OFFICER, books.school, books.federation)
    assert (await books.client.get(url, headers=officer)).status_code == 403


async def test_consolidation_eliminates_transfers_inside_the_federation(books: Books):
    admin = bearer(Role.FEDERATION_ADMIN, books.federation, books.federation)
    response = await books.client.get(f"/v1/organizations/{books.federation}/ledger/consolidated", headers=admin)
    assert response.status_code == 200, response.text
    statement = response.json()
    assert {l["organization_id"] for l in statement["ledgers"]} == {books.federation, books.school, books.other_school}
    accounts = {a["code"]: a for a in statement["accounts"]}
    # The allocation federation → school is neither consolidated income nor expense.
    assert accounts["5201"]["combined_fen"] == 2000_00 and accounts["5201"]["consolidated_fen"] == 0
    assert accounts["4103"]["combined_fen"] == 2000_00 and accounts["4103"]["consolidated_fen"] == 0
    assert statement["eliminated_debit_fen"] == statement["eliminated_credit_fen"] == 2000_00
    fed_bank, school_bank = (
        (await balances(books.finance, books.federation))["1001"],
        (await balances(books.finance, books.school))["1001"],
    )
    assert accounts["1001"]["consolidated_fen"] == fed_bank + school_bank == 1000_00 + 3170_50
    assert accounts["4101"]["consolidated_fen"] == 3000_00 + 100_00 + 500_00 + 21_50 + 999_00
    assert statement["total_debit_balances_fen"] == statement["total_credit_balances_fen"]

    # From the school alone the federation is outside: its allocation stays income there.
    school_view = await books.client.get(f"/v1/organizations/{books.school}/ledger/consolidated", headers=admin)
    assert {a["code"]: a["consolidated_fen"] for a in school_view.json()["accounts"]}["4103"] == 2000_00

    outsider = bearer(Role.UNION_OFFICER, books.other_school, books.federation)
    hidden = await books.client.get(f"/v1/organizations/{books.school}/ledger/consolidated", headers=outsider)
    assert hidden.status_code == 404
    member = bearer(Role.MEMBER, books.school, books.federation)
    assert (
        await books.client.get(f"/v1/organizations/{books.school}/ledger/consolidated", headers=member)
    ).status_code == 403


def sheet_rows(response: httpx.Response) -> list[tuple]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def download_name(response: httpx.Response) -> str:
    return unquote(response.headers["content-disposition"].split("filename*=UTF-8''")[1])


async def test_the_consolidated_statement_downloads_as_a_sheet_of_the_json_figures_in_yuan(books: Books):
    admin = bearer(Role.FEDERATION_ADMIN, books.federation, books.federation)
    url = f"/v1/organizations/{books.federation}/ledger/consolidated"
    statement = (await books.client.get(url, headers=admin)).json()
    sheet = await books.client.get(url, params={"format": "xlsx"}, headers=admin)
    header, *rows = sheet_rows(sheet)
    assert download_name(sheet) == "合并报表-County union.xlsx"
    assert header == ("科目编码", "科目", "汇总数（元）", "内部抵销（元）", "合并数（元）")
    accounts = statement["accounts"]
    assert rows[: len(accounts)] == [
        (a["code"], a["name_zh"], a["combined_fen"] / 100, a["eliminated_fen"] / 100, a["consolidated_fen"] / 100)
        for a in accounts
    ]
    by_code = {row[0]: row for row in rows}
    assert by_code["1001"][1:] == ("银行存款及现金", (1000_00 + 3170_50) / 100, 0, (1000_00 + 3170_50) / 100)
    assert by_code["5201"][2:] == (2000.0, 2000.0, 0)
    assert rows[len(accounts)] == (
        None,
        "借方余额合计",
        None,
        statement["eliminated_debit_fen"] / 100,
        statement["total_debit_balances_fen"] / 100,
    )
    assert rows[len(accounts) + 1][1] == "贷方余额合计"

    english = sheet_rows(
        await books.client.get(url, params={"format": "xlsx"}, headers={**admin, "Accept-Language": "en"})
    )
    assert english[0][:3] == ("Code", "Account", "Combined (yuan)")
    assert [row[1] for row in english[1 : len(accounts) + 1]] == [a["name"] for a in accounts]

    # Outside the scope, the same 404 as the JSON; a member reads no books in either form.
    outsider = bearer(Role.UNION_OFFICER, books.other_school, books.federation)
    school_url = f"/v1/organizations/{books.school}/ledger/consolidated"
    as_json = await books.client.get(school_url, headers=outsider)
    as_sheet = await books.client.get(school_url, params={"format": "xlsx"}, headers=outsider)
    assert as_json.status_code == as_sheet.status_code == 404
    assert refusal(as_json) == refusal(as_sheet)
    member = bearer(Role.MEMBER, books.school, books.federation)
    assert (await books.client.get(school_url, params={"format": "xlsx"}, headers=member)).status_code == 403


async def test_the_disclosure_statement_downloads_as_a_sheet_with_the_csv_figures(books: Books):
    member = bearer(Role.MEMBER, books.school, books.federation, subject="teacher-sun")
    url = f"/v1/organizations/{books.school}/disclosure"
    sheet = await books.client.get(url, params={**TERM, "format": "xlsx"}, headers=member)
    header, *rows = sheet_rows(sheet)
    assert download_name(sheet) == "No. 1 Primary 工会经费收支公开表-2026-09-01-2027-01-31.xlsx"
    assert header[:3] == ("科目编码", "科目", "金额（元）")  # the sheet is as wide as the welfare detail below
    figures = {row[1]: row[2] for row in rows if len(row) >= 3 and isinstance(row[1], str)}
    assert figures["期初银行存款及现金余额"] == 100
    assert figures["会费收入"] == 521.5
    assert figures["收入合计"] == 2521.5
    assert figures["职工福利支出"] == 300
    assert figures["期末银行存款及现金余额"] == 2171.5
    alias = pseudonym(books.school, str(books.member_id))
    [welfare] = [row for row in rows if row[1] == f"困难补助 {alias} {alias}"]
    assert (welfare[0].date(), welfare[2:6]) == (dt.date(2026, 11, 5), (1, 300, 0, 300))
    assert not any(str(books.member_id) in str(cell) or "Li Hua" in str(cell) for row in rows for cell in row)

    outsider = bearer(Role.MEMBER, books.other_school, books.federation)
    hidden = await books.client.get(url, params={**TERM, "format": "xlsx"}, headers=outsider)
    assert hidden.status_code == 404 and hidden.json()["code"] == "organization_not_found"


async def test_the_entries_list_downloads_whole_a_row_per_line_as_filtered(books: Books):
    officer = bearer(Role.UNION_OFFICER, books.school, books.federation)
    url = f"/v1/organizations/{books.school}/ledger/postings"
    for params in ({}, {"account": "5101"}, {"from": "2026-10-01", "to": "2026-12-31", "text": "补助"}):
        listed = (await books.client.get(url, params={**params, "limit": 500}, headers=officer)).json()["items"]
        sheet = await books.client.get(url, params={**params, "format": "xlsx", "limit": 1}, headers=officer)
        header, *rows = sheet_rows(sheet)
        assert header == ("序号", "记账日期", "摘要", "科目编码", "科目", "借方（元）", "贷方（元）")
        assert [(r[0], r[1].date().isoformat(), r[2], r[3], r[5] or 0, r[6] or 0) for r in rows] == [
            (
                p["sequence"],
                p["effective_date"],
                p["description"],
                l["account_code"],
                l["debit_fen"] / 100,
                l["credit_fen"] / 100,
            )
            for p in listed
            for l in p["lines"]
        ], params
        assert listed, params
    assert download_name(sheet) == "分录-No. 1 Primary.xlsx"
    welfare = sheet_rows(await books.client.get(url, params={"account": "5101", "format": "xlsx"}, headers=officer))
    assert ("5101", "职工福利支出", 300) in [(r[3], r[4], r[5]) for r in welfare[1:]]

    outsider = bearer(Role.UNION_OFFICER, books.other_school, books.federation)
    as_json = await books.client.get(url, headers=outsider)
    as_sheet = await books.client.get(url, params={"format": "xlsx"}, headers=outsider)
    assert as_json.status_code == as_sheet.status_code == 404 and refusal(as_json) == refusal(as_sheet)


def welfare_message(envelope, offset: int) -> IncomingMessage:
    return dataclasses.replace(membership_message(envelope, offset), topic=topics.WELFARE)


async def _disclosure_rows(client: httpx.AsyncClient, federation: str, school: str) -> list[list[str]]:
    """The school's autumn-term disclosure statement as its officer downloads it in CSV; the client is closed."""
    officer = bearer(Role.UNION_OFFICER, school, federation)
    response = await client.get(
        f"/v1/organizations/{school}/disclosure", params={**TERM, "format": "csv"}, headers=officer
    )
    await client.aclose()
    assert response.status_code == 200, response.text
    return csv_rows(response)


async def _school_with_autumn_dues(build_service):
    """A school's books in a finance built here, ¥100,000 of dues in its bank on 2026-09-01: the
    finance, a client of its API, the federation, the school and the next Kafka offsets."""
    finance = await build_service(definition, start=False)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t")
    federation, school = unique("county"), unique("school")
    member_id, setup = school_events(federation, school)
    offsets = iter(range(1, 10**6))
    for event in setup:
        assert (
            await finance.consumer.handle(membership_message(envelope_for(event), next(offsets))) is Outcome.PROCESSED
        )
    await post(
        finance,
        federation,
        school,
        spec(
            school, dt.date(2026, 9, 1), "会费收缴：2026-09", line("1001", 100_000_00), line("4101", credit=100_000_00)
        ),
    )
    return finance, client, federation, school, offsets


async def test_a_greeting_is_one_line_goods_stand_apart_and_money_held_for_others_is_explained(build_service):
    """What welfare sends finance — a greeting's holds, a grant of goods, a drive's donations — as a reader reads it."""
    finance, client, federation, school, offsets = await _school_with_autumn_dues(build_service)

    async def welfare(*events) -> None:
        for event in events:
            assert (
                await finance.consumer.handle(welfare_message(envelope_for(event), next(offsets))) is Outcome.PROCESSED
            )
        assert set(await apply_journal(finance)) == {Outcome.PROCESSED}

    batch, members = uuid.uuid4(), 25
    holds = [(uuid.uuid4(), f"greeting/{batch}/{uuid.uuid4()}") for _ in range(members)]
    await welfare(
        *(
            WelfareHoldRequestedV1(
                organization_id=school,
                federation_id=federation,
                hold_id=hold,
                category="welfare",
                amount_fen=200_00,
                purpose="中秋节慰问",
                reference=reference,
            )
            for hold, reference in holds
        )
    )
    await welfare(
        *(
            WelfareHoldPaidV1(
                organization_id=school,
                federation_id=federation,
                hold_id=hold,
                amount_fen=200_00,
                paid_on=dt.date(2026, 9, 24),
                description="中秋节慰问 2026-09-24",
            )
            for hold, _ in holds
        )
    )
    grant = uuid.uuid4()
    await welfare(
        WelfareHoldRequestedV1(
            organization_id=school,
            federation_id=federation,
            hold_id=grant,
            category="welfare",
            amount_fen=800_00,
            purpose="重大困难帮扶",
            reference=f"grant/{uuid.uuid4()}",
        )
    )
    await welfare(
        WelfareHoldPaidV1(
            organization_id=school,
            federation_id=federation,
            hold_id=grant,
            amount_fen=800_00,
            goods_fen=500_00,
            paid_on=dt.date(2026, 10, 8),
            description="重大困难帮扶 米、油、棉被",
        )
    )
    await welfare(
        DonationReceivedV1(
            organization_id=school,
            federation_id=federation,
            donation_id=uuid.uuid4(),
            drive="aixin",
            amount_fen=3_000_00,
            received_on=dt.date(2026, 11, 2),
            donor="anonymous",
        ),
        DonationsDisbursedV1(
            organization_id=school,
            federation_id=federation,
            disbursement_id=uuid.uuid4(),
            drive="aixin",
            amount_fen=1_000_00,
            paid_on=dt.date(2026, 11, 9),
            beneficiary="受助职工（aixin）",
        ),
    )

    async with finance.session_factory() as session:
        descriptions = set(
            await session.scalars(select(postings.c.description).where(postings.c.organization_id == school))
        )
    assert {"代收捐款：aixin，捐款人 匿名", "代管捐款拨付：aixin，付给 受助职工（aixin）"} <= descriptions

    rows = await _disclosure_rows(client, federation, school)
    greeting_rows = [row for row in rows if row[1:2] == ["中秋节慰问 2026-09-24"]]
    assert greeting_rows == [["2026-09-24", "中秋节慰问 2026-09-24", "25 × 200.00", "5000.00", "0.00", "5000.00"]]
    assert ["2026-10-08", "重大困难帮扶 米、油、棉被", "1 × 800.00", "300.00", "500.00", "800.00"] in rows
    figures = {row[1]: row[2] for row in rows if len(row) == 3}
    assert figures["职工福利支出"] == "5800.00"
    assert figures["其中：现金"] == "5300.00" and figures["其中：实物（按价值计）"] == "500.00"
    assert figures["非收支款项净收付（代管捐款、应付上缴款等）"] == "2000.00"
    assert figures["其中：代管捐款净收付（代收 − 拨付给受助人）"] == "2000.00"
    assert any(len(row) == 1 and row[0].startswith("非收支款项：") and "代管捐款" in row[0] for row in rows)
    # 100,000 + 0 − 5,800 + 2,000 (held for the beneficiary) — the statement adds up.
    assert figures["期末银行存款及现金余额"] == "96200.00"


async def test_a_greeting_paid_in_chunks_is_one_line_per_amount_with_each_member_counted_once(build_service):
    """A greeting's chunk pays many members in one posting (``PayMany``), each on their own line:
    the statement counts members, not postings, and adds each line once."""
    finance, client, federation, school, offsets = await _school_with_autumn_dues(build_service)
    batch = uuid.uuid4()

    def chunk(amounts: list[int]) -> WelfareBatchPaymentRequestedV1:
        return greeting_chunk(federation, school, batch, dt.date(2026, 9, 24), "中秋节慰问 2026-09-24", amounts)

    # Two chunks of one batch, and one member of the second paid another amount.
    for request in (chunk([200_00] * 30), chunk([200_00] * 19 + [150_00])):
        outcome = await finance.consumer.handle(welfare_message(envelope_for(request), next(offsets)))
        assert outcome is Outcome.PROCESSED
        assert set(await apply_journal(finance)) == {Outcome.PROCESSED}
    async with finance.session_factory() as session:
        chunks = await session.scalar(
            select(func.count()).where(postings.c.organization_id == school, postings.c.description.like("中秋节%"))
        )
    assert chunks == 2, "each chunk is one posting"

    rows = await _disclosure_rows(client, federation, school)
    greeting_rows = [row for row in rows if row[1:2] == ["中秋节慰问 2026-09-24"]]
    assert greeting_rows == [
        ["2026-09-24", "中秋节慰问 2026-09-24", "49 × 200.00", "9800.00", "0.00", "9800.00"],
        ["2026-09-24", "中秋节慰问 2026-09-24", "1 × 150.00", "150.00", "0.00", "150.00"],
    ]
    figures = {row[1]: row[2] for row in rows if len(row) == 3}
    assert figures["职工福利支出"] == "9950.00"
    assert figures["期末银行存款及现金余额"] == "90050.00"
