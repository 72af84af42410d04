"""The printed disclosure (财务公开) on real PostgreSQL: the PDF, its QR code and the public check.

The PDF is fetched over HTTP, its text read back with pypdf, and its QR code decoded from the
rendered page (pypdfium2 draws it, zxing-cpp reads it as a phone would); the URL it holds is then
followed without a token.
"""

import dataclasses
import datetime as dt
import io
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pypdf
import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import text

from tests.finance_tools import apply_instruction, signing_key_file
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer.pseudonyms import pseudonym
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import Outcome

pytestmark = pytest.mark.integration

TERM = {"from": "2026-09-01", "to": "2027-01-31"}
CHECK_URL = "http://gateway.test/api/finance/v1/public/disclosure-check"
SCHOOL_NAME = "城关第一小学工会"


def entry(org: str, day: dt.date, description: str, debit: str, credit: str, fen: int) -> contract.PostingSpec:
    return contract.PostingSpec(
        organization_id=org,
        effective_date=day,
        description=description,
        lines=[contract.LineSpec(account=debit, debit_fen=fen), contract.LineSpec(account=credit, credit_fen=fen)],
    )


@dataclasses.dataclass
class Books:
    finance: object
    client: httpx.AsyncClient
    federation: str
    school: str
    other_school: str
    member_id: uuid.UUID

    async def post(self, *specs: contract.PostingSpec) -> None:
        outcome = await apply_instruction(
            self.finance, self.federation, self.school, contract.Post(postings=list(specs))
        )
        assert outcome["outcome"] == "posted", outcome["reason"]

    def member(self, org: str | None = None) -> dict:
        return bearer(Role.MEMBER, org or self.school, self.federation, subject="teacher-sun")

    async def pdf(self, headers: dict | None = None, org: str | None = None) -> httpx.Response:
        return await self.client.get(
            f"/v1/organizations/{org or self.school}/disclosure",
            params={**TERM, "format": "pdf"},
            headers=headers or self.member(),
        )

    async def check(self, url: str, accept: str = "application/json") -> httpx.Response:
        """Follow a check URL as a phone would: no token, through this app (the gateway's path stripped)."""
        query = urlsplit(url).query
        return await self.client.get(f"/v1/public/disclosure-check?{query}", headers={"Accept": accept})


@pytest.fixture
async def books(build_service, tmp_path):
    finance = await build_service(
        definition, start=False, head_signing_key_file=signing_key_file(tmp_path), disclosure_check_url=CHECK_URL
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://t")
    federation, school, other = unique("county"), unique("school"), unique("school")
    member_id = uuid.uuid4()
    setup = [
        OrganizationRegisteredV1(
            organization_id=federation,
            federation_id=federation,
            name="县教育工会",
            kind="federation",
            parent_id=None,
            path=[federation],
        ),
        OrganizationRegisteredV1(
            organization_id=school,
            federation_id=federation,
            name=SCHOOL_NAME,
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
        ),
        OrganizationRegisteredV1(
            organization_id=other,
            federation_id=federation,
            name="城关第二中学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, other],
        ),
        MemberJoinedV1(
            organization_id=school,
            federation_id=federation,
            member_id=member_id,
            display_name="李华明",
            gender="female",
            joined_on=dt.date(2020, 9, 1),
        ),
    ]
    assert await deliver(finance, setup) == [Outcome.PROCESSED] * len(setup)
    result = Books(finance, client, federation, school, other, member_id)
    await result.post(entry(school, dt.date(2026, 8, 20), "会费 八月", "1001", "4101", 100_00))  # before the term
    await result.post(entry(school, dt.date(2026, 10, 10), "会费 十月", "1001", "4101", 1234_56))
    await result.post(entry(school, dt.date(2026, 10, 20), "上级补助 乒乓球台", "1001", "4103", 2000_00))
    await result.post(entry(school, dt.date(2026, 11, 5), "困难补助 李华明 住院", "5101", "1001", 300_00))
    await result.post(entry(school, dt.date(2026, 12, 1), "文体活动 运动会", "5102", "1001", 150_00))
    await result.post(entry(other, dt.date(2026, 10, 10), "会费 十月", "1001", "4101", 777_00))
    yield result
    await client.aclose()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def qr_codes(content: bytes) -> list[str]:
    """Every QR code on the PDF's pages, read from the pages drawn at 200 dpi."""
    found = []
    for page in pypdfium2.PdfDocument(content):
        image = page.render(scale=200 / 72).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
    return found


async def test_the_printed_statement_is_an_a4_pdf_in_chinese_with_the_books_figures(books: Books):
    answer = await books.pdf()
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith(
        f'attachment; filename="disclosure-{books.school}-2026-09-01-2027-01-31-zh.pdf"'
    )
    reader = pypdf.PdfReader(io.BytesIO(answer.content))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)  # A4 in mm

    printed = pdf_text(answer.content)
    assert f"{SCHOOL_NAME} 工会经费收支公开表" in printed
    assert "2026-09-01 – 2027-01-31" in printed
    # The figures as the books have them, in yuan with two decimals.
    for label, yuan in [
        ("期初银行存款及现金余额", "100.00"),
        ("会费收入", "1,234.56"),
        ("上级补助收入", "2,000.00"),
        ("收入合计", "3,234.56"),
        ("职工福利支出", "300.00"),
        ("文体活动支出", "150.00"),
        ("支出合计", "450.00"),
        ("期末银行存款及现金余额", "2,884.56"),
    ]:
        assert f"{label} {yuan}" in printed, (label, yuan, printed)
    assert "工会主席（签字）" in printed and "第 1 页，共" in printed
    # The recipient is pseudonymised on paper as on screen.
    assert pseudonym(books.school, str(books.member_id)) in printed and "李华明" not in printed
    # The Chinese is set in the Noto CJK fonts named by the print CSS (embedded, so any reader shows it).
    fonts = pdf_fonts(answer.content)
    assert any("Noto-Serif-CJK-SC" in f for f in fonts) and any("Noto-Sans-CJK-SC" in f for f in fonts), fonts


async def test_the_qr_code_opens_the_public_check_which_verifies_an_untouched_statement(books: Books):
    answer = await books.pdf()
    [url] = qr_codes(answer.content)
    assert url.startswith(CHECK_URL + "?")
    query = parse_qs(urlsplit(url).query)
    assert query["o"] == [books.school] and query["from"] == ["2026-09-01"] and query["to"] == ["2027-01-31"]
    assert query["in"] == ["323456"] and query["out"] == ["45000"] and "sig" in query and "at" in query

    verdict = await books.check(url)  # no Authorization header
    assert verdict.status_code == 200, verdict.text
    body = verdict.json()
    assert (body["verified"], body["verdict"], body["signature"], body["differences"]) == (
        True,
        "核验通过",
        "valid",
        [],
    )
    assert body["organization_name"] == SCHOOL_NAME
    assert {f["item"]: f["yuan"] for f in body["figures"]} == {
        "opening": "100.00",
        "income_total": "3,234.56",
        "expenditure_total": "450.00",
        "closing": "2,884.56",
    }

    # Entries posted after printing, even in the same term, do not make the honest sheet wrong.
    await books.post(entry(books.school, dt.date(2026, 12, 20), "会费 十二月", "1001", "4101", 50_00))
    assert (await books.check(url)).json()["verified"] is True

    page = await books.check(url, accept="text/html,application/xhtml+xml")
    assert page.headers["content-type"].startswith("text/html")
    assert "核验通过" in page.text and 'name="viewport"' in page.text and SCHOOL_NAME in page.text


async def test_altered_figures_fail_naming_what_differs(books: Books):
    [url] = qr_codes((await books.pdf()).content)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}

    altered = await books.check(f"{CHECK_URL}?{urlencode({**query, 'out': '35000'})}")
    body = altered.json()
    assert (body["verified"], body["verdict"]) == (False, "不一致")
    assert [(d["item"], d["label"], d["printed"], d["books"]) for d in body["differences"]] == [
        ("expenditure_total", "支出合计", "350.00", "450.00")
    ]
    assert "支出合计" in body["summary"]

    # A detail line changed on the sheet: the digest of every figure no longer matches.
    digest = await books.check(f"{CHECK_URL}?{urlencode({**query, 'd': '0' * 32})}")
    assert [d["item"] for d in digest.json()["differences"]] == ["figures_digest"]

    page = await books.check(f"{CHECK_URL}?{urlencode({**query, 'in': '1'})}", accept="text/html")
    assert "不一致" in page.text and "收入合计" in page.text and "0.01" in page.text

    # The signature covers the printed head: a different signing time is not what the key signed.
    forged = (await books.check(f"{CHECK_URL}?{urlencode({**query, 'at': '2026-01-01T00:00:00+00:00'})}")).json()
    assert forged["verified"] is False and forged["signature"] == "invalid"


async def test_a_head_that_is_not_on_the_chain_fails_and_reveals_nothing(books: Books):
    [url] = qr_codes((await books.pdf()).content)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    never_recorded = (await books.check(f"{CHECK_URL}?{urlencode({**query, 'hash': 'e' * 64})}")).json()
    assert (never_recorded["verified"], never_recorded["verdict"]) == (False, "不一致")
    assert [d["item"] for d in never_recorded["differences"]] == ["head"]
    # Until the head is found on the chain, nothing of the books is told: no name, no figures, and
    # a ledger that does not exist answers exactly alike.
    assert never_recorded["organization_name"] is None and never_recorded["figures"] == []
    nowhere = (await books.check(f"{CHECK_URL}?{urlencode({**query, 'hash': 'e' * 64, 'o': unique('ghost')})}")).json()
    assert nowhere == never_recorded

    # Rewriting an entry recorded before printing takes the printed head off the chain.
    async with books.finance.engine.begin() as conn:
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(
            text("UPDATE postings SET description = '会费 十月（改）' WHERE organization_id = :org AND sequence = 2"),
            {"org": books.school},
        )
    rewritten = (await books.check(url)).json()
    assert rewritten["verified"] is False and [d["item"] for d in rewritten["differences"]] == ["head"]
    assert rewritten["organization_name"] is None


async def test_a_malformed_check_url_is_refused_as_a_problem(books: Books):
    answer = await books.client.get("/v1/public/disclosure-check", params={"o": books.school, "seq": "x"})
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"


async def test_an_officer_of_another_school_cannot_download_the_pdf(books: Books):
    officer = bearer(Role.UNION_OFFICER, books.other_school, books.federation)
    hidden = await books.pdf(headers=officer)
    missing = await books.pdf(headers=officer, org=unique("nowhere"))
    assert hidden.status_code == missing.status_code == 404
    assert refusal(hidden) == refusal(missing)
    unsigned = await books.client.get(f"/v1/organizations/{books.school}/disclosure", params={**TERM, "format": "pdf"})
    assert unsigned.status_code == 401
