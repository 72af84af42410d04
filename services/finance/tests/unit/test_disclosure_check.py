"""What a printed disclosure's QR code carries, and what the check names when it differs (no I/O)."""

import base64
import dataclasses
import datetime as dt
from urllib.parse import parse_qs, urlsplit

from unionfed_finance.service_layer import disclosure_check
from unionfed_finance.service_layer.disclosure_html import render_disclosure_print
from unionfed_finance.service_layer.disclosure_statement import LedgerHead, Movement, WelfareEntry, build_disclosure
from unionfed_finance.service_layer.report_format import Period

TERM = Period(dt.date(2026, 9, 1), dt.date(2027, 1, 31))


def statement(welfare_fen: int = 300_00, goods_fen: int = 0):
    return build_disclosure(
        organization_id="no1-primary",
        organization_name="城关第一小学工会",
        period=TERM,
        generated_at=dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC),
        head=LedgerHead(9, "ab" * 32),
        opening_bank_fen=100_00,
        movements={
            "1001": Movement(2000_00, welfare_fen),
            "4103": Movement(0, 2000_00),
            "5101": Movement(welfare_fen, 0),
        },
        welfare_entries=[
            WelfareEntry(dt.date(2026, 11, 5), 4, "困难补助 受助人-abc123", welfare_fen, goods_fen=goods_fen)
        ],
    )


def test_the_url_carries_the_ledger_the_period_the_head_and_the_figures():
    signature = disclosure_check.HeadSignature("2026-12-05T03:00:00+00:00", base64.b64encode(bytes(range(64))).decode())
    printed = disclosure_check.PrintedStatement.of(statement(), signature)
    url = disclosure_check.check_url("http://localhost:8080/api/finance/v1/public/disclosure-check", printed)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query == {
        "o": "no1-primary",
        "from": "2026-09-01",
        "to": "2027-01-31",
        "seq": "9",
        "hash": "ab" * 32,
        "open": "10000",
        "in": "200000",
        "out": "30000",
        "close": "180000",
        "d": printed.digest,
        "at": "2026-12-05T03:00:00+00:00",
        "sig": query["sig"],
    }
    # The signature survives the URL-safe round trip byte for byte.
    assert disclosure_check.signature_from_url(query["at"], query["sig"]) == signature


def test_the_digest_covers_what_the_headline_figures_do_not():
    # The same totals, but part of the welfare grant was goods: only the digest tells them apart.
    cash, goods = statement(), statement(goods_fen=100_00)
    assert disclosure_check.figures_digest(cash) != disclosure_check.figures_digest(goods)
    printed = disclosure_check.PrintedStatement.of(goods)
    assert [d.item for d in disclosure_check.differences(printed, cash)] == ["figures_digest"]


def test_an_altered_headline_figure_is_named_with_both_values():
    printed = dataclasses.replace(disclosure_check.PrintedStatement.of(statement()), expenditure_fen=200_00)
    [difference] = disclosure_check.differences(printed, statement())
    assert (difference.item, difference.label_zh, difference.printed, difference.books) == (
        "expenditure_total",
        "支出合计",
        "200.00",
        "300.00",
    )
    assert disclosure_check.differences(disclosure_check.PrintedStatement.of(statement()), statement()) == []


def test_the_printed_sheet_holds_the_qr_code_of_its_check_url_signature_lines_and_page_numbers():
    url = "http://localhost:8080/api/finance/v1/public/disclosure-check?o=no1-primary&amp=1"
    page = render_disclosure_print(statement(), "zh", url)
    assert "<svg" in page and "counter(pages)" in page and "@page{size:A4" in page
    assert "工会主席（签字）" in page and '"Noto Serif CJK SC"' in page
    assert 'href="http://localhost:8080/api/finance/v1/public/disclosure-check?o=no1-primary&amp;amp=1"' in page
