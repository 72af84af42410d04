"""Report figures and formatting, with no I/O: yuan from fen, pseudonyms, CSV, headings, sums."""

import csv
import datetime as dt
import hashlib
import io
import uuid

import pytest

from unionfed_finance.service_layer.audit_pack import (
    AUDIT_COLUMNS,
    AuditEntry,
    AuditLine,
    AuditPack,
    ChainResult,
    account_totals,
    chain_result,
    render_audit_csv,
    render_audit_html,
)
from unionfed_finance.service_layer.consolidation import consolidate
from unionfed_finance.service_layer.disclosure_html import render_disclosure_html
from unionfed_finance.service_layer.disclosure_statement import (
    LedgerHead,
    Movement,
    WelfareEntry,
    build_disclosure,
    render_disclosure_csv,
)
from unionfed_finance.service_layer.pseudonyms import pseudonym, pseudonymise
from unionfed_finance.service_layer.report_format import BOM, Period, format_yuan, shanghai_time
from unionfed_shared.errors import Invalid

SCHOOL = "no1-primary"
MEMBER = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
TERM = Period(dt.date(2026, 9, 1), dt.date(2027, 1, 31))
GENERATED = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC)  # 00:30 next day in Beijing
HEAD = LedgerHead(7, "ab" * 32)


@pytest.mark.parametrize(
    "fen, plain, grouped",
    [
        (0, "0.00", "0.00"),
        (5, "0.05", "0.05"),
        (99, "0.99", "0.99"),
        (100, "1.00", "1.00"),
        (12_9_00, "129.00", "129.00"),
        (1_010_000, "10100.00", "10,100.00"),
        (123_456_789_01, "123456789.01", "123,456,789.01"),
        (-5, "-0.05", "-0.05"),
        (-1_010_050, "-10100.50", "-10,100.50"),
    ],
)
def test_fen_become_yuan_with_two_decimals_exactly(fen, plain, grouped):
    assert format_yuan(fen) == plain
    assert format_yuan(fen, grouping=True) == grouped


def test_a_float_or_bool_is_refused_as_an_amount():
    with pytest.raises(TypeError):
        format_yuan(1.5)
    with pytest.raises(TypeError):
        format_yuan(True)


def test_large_amounts_keep_every_fen():
    # Past 2**53 fen a float would round away the last fen; divmod on integers cannot.
    assert format_yuan(2**53 + 1) == "90071992547409.93"


def test_report_times_are_shown_in_beijing_time():
    assert shanghai_time(GENERATED) == "2026-11-24 00:30:00"
    with pytest.raises(ValueError):
        shanghai_time(dt.datetime(2026, 11, 23, 16, 30))


@pytest.mark.parametrize(
    "starts, ends, reason",
    [
        (None, "2027-01-31", "'from' is required"),
        ("2026-09-01", "", "'to' is required"),
        ("2026/09/01", "2027-01-31", "YYYY-MM-DD"),
        ("20260901", "2027-01-31", "YYYY-MM-DD"),
        ("2026-02-30", "2027-01-31", "not a real date"),
        ("2027-02-01", "2027-01-31", "after"),
    ],
)
def test_bad_periods_are_refused_with_a_reason(starts, ends, reason):
    with pytest.raises(Invalid, match=reason):
        Period.parse(starts, ends)


def test_a_one_day_period_is_allowed():
    assert Period.parse("2026-09-01", "2026-09-01").bounds == (dt.date(2026, 9, 1), dt.date(2026, 9, 1))


def test_pseudonym_is_stable_salted_by_union_and_hides_the_id():
    expected = "受助人-" + hashlib.sha256(f"{SCHOOL}{MEMBER}".encode()).hexdigest()[:6]
    assert pseudonym(SCHOOL, MEMBER) == expected
    assert pseudonym(SCHOOL, MEMBER.upper()) == expected
    assert pseudonym("other-school", MEMBER) != expected
    assert pseudonym(SCHOOL, MEMBER, "en") == "Recipient-" + expected.removeprefix("受助人-")


def test_member_references_and_names_are_replaced_and_other_ids_kept():
    hold = str(uuid.uuid4())
    text = f"困难补助 member:{MEMBER} (李华, hold {hold}); again {MEMBER.upper()}; 李华明 too"
    names = {"李华": MEMBER, "李华明": "0b8e4c8e-5f6a-5e64-8d7b-3b1f6e2a9c44"}
    out = pseudonymise(text, SCHOOL, names)
    mine = pseudonym(SCHOOL, MEMBER)
    assert MEMBER not in out and MEMBER.upper() not in out
    assert "李华" not in out
    assert out.count(mine) == 3
    assert pseudonym(SCHOOL, names["李华明"]) in out
    assert hold in out, "an id that is no member's is not a person"


def test_a_one_character_name_does_not_shred_the_text():
    assert pseudonymise("困难补助 慰问", SCHOOL, {"困": MEMBER}) == "困难补助 慰问"


def test_a_member_reference_is_replaced_even_when_the_member_is_unknown():
    stranger = str(uuid.uuid4())
    assert pseudonymise(f"grant member:{stranger}", SCHOOL) == f"grant {pseudonym(SCHOOL, stranger)}"


def _statement(**overrides):
    values = dict(
        organization_id=SCHOOL,
        organization_name="第一小学工会",
        period=TERM,
        generated_at=GENERATED,
        head=HEAD,
        opening_bank_fen=1_000_00,
        movements={
            "1001": Movement(debit_fen=800_00 + 2_000_00 + 300_00, credit_fen=450_00 + 200_00 + 100_00),
            "4101": Movement(credit_fen=800_00),
            "4103": Movement(credit_fen=2_000_00),
            "5101": Movement(debit_fen=450_00 + 30_00, credit_fen=30_00),  # a grant, one reversed
            "5102": Movement(debit_fen=200_00),
            "2301/drive-li": Movement(debit_fen=100_00, credit_fen=300_00),  # money held, not income
            "5202": Movement(debit_fen=150_00),
            "2201": Movement(credit_fen=150_00),  # remittance owed, not yet paid from the bank
        },
        welfare_entries=[WelfareEntry(dt.date(2026, 10, 9), 3, f"困难补助 {pseudonym(SCHOOL, MEMBER)}", 450_00)],
    )
    values.update(overrides)
    return build_disclosure(**values)


def test_disclosure_figures_add_up():
    statement = _statement()
    assert {l.code: l.amount_fen for l in statement.income} == {"4101": 800_00, "4102": 0, "4103": 2_000_00, "4104": 0}
    assert {l.code: l.amount_fen for l in statement.expenditure} == {
        "5101": 450_00,
        "5102": 200_00,
        "5103": 0,
        "5104": 0,
        "5201": 0,
        "5202": 150_00,
    }
    assert statement.income_total_fen == 2_800_00
    assert statement.expenditure_total_fen == 800_00
    assert statement.net_fen == 2_000_00
    assert statement.closing_bank_fen == 1_000_00 + 3_100_00 - 750_00
    # The donation held (+200) and the remittance still owed (+150) moved the bank, or not,
    # without being income or expense: they are named, so the statement adds up.
    assert statement.other_bank_fen == 200_00 + 150_00
    assert (
        statement.opening_bank_fen
        + statement.income_total_fen
        - statement.expenditure_total_fen
        + statement.other_bank_fen
        == statement.closing_bank_fen
    )


def test_when_all_money_passes_the_bank_opening_plus_income_minus_expenditure_is_closing():
    statement = _statement(
        movements={
            "1001": Movement(debit_fen=500_00, credit_fen=120_00),
            "4101": Movement(credit_fen=500_00),
            "5103": Movement(debit_fen=120_00),
        }
    )
    assert statement.other_bank_fen == 0
    assert statement.closing_bank_fen == statement.opening_bank_fen + 500_00 - 120_00


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_disclosure_csv_starts_with_a_bom_and_is_chinese_by_default():
    data = render_disclosure_csv(_statement())
    assert data.startswith(BOM.encode("utf-8"))
    rows = _csv_rows(data)
    by_label = {row[1]: row[2] for row in rows if len(row) == 3 and row[0] in ("", "4101", "5101")}
    assert by_label["期初银行存款及现金余额"] == "1000.00"
    assert by_label["会费收入"] == "800.00"
    assert by_label["职工福利支出"] == "450.00"
    assert by_label["收入合计"] == "2800.00"
    assert by_label["支出合计"] == "800.00"
    assert by_label["期末银行存款及现金余额"] == "3350.00"
    assert ["2026-10-09", f"困难补助 {pseudonym(SCHOOL, MEMBER)}", "1 × 450.00", "450.00", "0.00", "450.00"] in rows
    assert ["生成时间（北京时间）", "2026-11-24 00:30:00"] in rows
    assert any(HEAD.hash in cell for row in rows for cell in row)


def test_disclosure_in_english_uses_english_headings_and_account_names():
    rows = _csv_rows(render_disclosure_csv(_statement(), "en"))
    labels = {row[1] for row in rows if len(row) == 3}
    assert {
        "Opening bank and cash balance",
        "Dues income",
        "Welfare expense",
        "Total income",
        "Closing bank and cash balance",
    } <= labels
    assert not any("收入" in cell for row in rows for cell in row)


def test_disclosure_html_is_a_standalone_page_with_title_period_and_escaped_text():
    statement = _statement(
        organization_name="第一小学<工会>",
        welfare_entries=[WelfareEntry(dt.date(2026, 10, 9), 3, "补助 <script>", 1_010_000)],
    )
    page = render_disclosure_html(statement)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert "<title>第一小学&lt;工会&gt; 工会经费收支公开表</title>" in page
    assert "2026-09-01 – 2027-01-31" in page
    assert "2026-11-24 00:30:00" in page
    assert "<script>" not in page and "补助 &lt;script&gt;" in page
    assert "10,100.00" in page
    for heading in ("收入", "支出", "期初银行存款及现金余额", "期末银行存款及现金余额"):
        assert heading in page
    english = render_disclosure_html(statement, "en")
    assert '<html lang="en">' in english and "Total expenditure" in english and "收入合计" not in english


def test_a_festival_greeting_is_one_line_of_count_times_amount_and_its_total():
    batch, other_batch = uuid.uuid4(), uuid.uuid4()
    greeting = [
        WelfareEntry(
            dt.date(2027, 1, 20), 10 + i, "春节慰问 2027-01-20", 200_00, reference=f"greeting/{batch}/{uuid.uuid4()}"
        )
        for i in range(300)
    ]
    retried = WelfareEntry(
        dt.date(2027, 1, 21),
        400,
        "春节慰问 2027-01-20",
        200_00,
        reference=f"greeting/{batch}/{uuid.uuid4()}/{uuid.uuid4()}",
    )
    womens_day = [
        WelfareEntry(
            dt.date(2026, 9, 10),
            5 + i,
            "教师节慰问 2026-09-10",
            100_00,
            reference=f"greeting/{other_batch}/{uuid.uuid4()}",
        )
        for i in range(2)
    ]
    grant = WelfareEntry(dt.date(2026, 10, 9), 3, "住院慰问 grant/1", 500_00, goods_fen=300_00, reference="grant/1")
    statement = _statement(welfare_entries=[*womens_day, grant, *greeting, retried])

    assert [(e.description, e.count, e.each_fen, e.amount_fen) for e in statement.welfare_entries] == [
        ("教师节慰问 2026-09-10", 2, 100_00, 200_00),
        ("住院慰问 grant/1", 1, 500_00, 500_00),
        ("春节慰问 2027-01-20", 301, 200_00, 60_200_00),
    ]
    rows = _csv_rows(render_disclosure_csv(statement))
    assert ["2027-01-20", "春节慰问 2027-01-20", "301 × 200.00", "60200.00", "0.00", "60200.00"] in rows
    assert sum(1 for row in rows if "春节慰问 2027-01-20" in row) == 1
    page = render_disclosure_html(statement)
    assert page.count("春节慰问 2027-01-20") == 1 and "301 × 200.00" in page and "60,200.00" in page


def test_a_greetings_chunks_join_its_single_payments_by_the_amount_each_member_got():
    batch = uuid.uuid4()

    def entry(sequence: int, count: int, each_fen: int, goods_each_fen: int = 0) -> WelfareEntry:
        return WelfareEntry(
            dt.date(2027, 1, 20),
            sequence,
            "春节慰问 2027-01-20",
            count * each_fen,
            goods_fen=count * goods_each_fen,
            count=count,
            reference=f"greeting/{batch}/{uuid.uuid4()}",
        )

    # Two chunks of 1,000 and 250, a member paid alone after a retry, one paid less, and a chunk in goods.
    entries = [entry(1, 1000, 200_00), entry(2, 250, 200_00), entry(3, 1, 200_00), entry(2, 1, 150_00)]
    entries.append(entry(4, 10, 200_00, goods_each_fen=200_00))
    statement = _statement(welfare_entries=entries)

    assert [(e.count, e.each_fen, e.amount_fen, e.goods_fen) for e in statement.welfare_entries] == [
        (1251, 200_00, 250_200_00, 0),
        (1, 150_00, 150_00, 0),
        (10, 200_00, 2_000_00, 2_000_00),
    ]


def test_welfare_cash_and_goods_are_shown_apart():
    grant = WelfareEntry(dt.date(2026, 10, 9), 3, "困难补助 grant/2", 450_00, goods_fen=150_00, reference="grant/2")
    statement = _statement(welfare_entries=[grant])
    rows = _csv_rows(render_disclosure_csv(statement))
    assert ["2026-10-09", "困难补助 grant/2", "1 × 450.00", "300.00", "150.00", "450.00"] in rows
    summary = [row[1:] for row in rows if len(row) == 3]
    at = summary.index(["职工福利支出", "450.00"])
    assert summary[at + 1 : at + 3] == [["其中：现金", "300.00"], ["其中：实物（按价值计）", "150.00"]]
    english = _csv_rows(render_disclosure_csv(statement, "en"))
    assert ["", "of which: Cash", "300.00"] in english and ["", "of which: Goods (at value)", "150.00"] in english


def test_money_held_for_others_is_itemised_and_explained_on_the_statement():
    statement = _statement()
    assert {l.code: l.amount_fen for l in statement.held_for_others} == {
        "1131": 0,
        "2201": 150_00,
        "2301": 200_00,
        "3001": 0,
    }
    assert sum(l.amount_fen for l in statement.held_for_others) == statement.other_bank_fen
    rows = _csv_rows(render_disclosure_csv(statement))
    assert ["", "非收支款项净收付（代管捐款、应付上缴款等）", "350.00"] in rows
    assert ["2301", "其中：代管捐款净收付（代收 − 拨付给受助人）", "200.00"] in rows
    assert ["2201", "其中：应付上级上缴款", "150.00"] in rows
    explanation = next(row[0] for row in rows if len(row) == 1 and row[0].startswith("非收支款项："))
    assert "代管捐款" in explanation and "不计入收入和支出" in explanation
    assert "期末余额 = 期初余额 + 收入合计 − 支出合计 + 非收支款项净收付" in explanation
    page = render_disclosure_html(statement)
    assert explanation in page
    assert "Donations are held for their beneficiary" in render_disclosure_html(statement, "en")


def _entry(sequence: int, lines: list[AuditLine], **overrides) -> AuditEntry:
    values = dict(
        id=str(uuid.uuid4()),
        sequence=sequence,
        effective_date=dt.date(2026, 10, 1),
        description="会费",
        total_fen=sum(l.debit_fen for l in lines),
        source_event_id="ev-1",
        source_event_type="t",
        source_topic="x",
        source_partition=0,
        source_offset=sequence,
        actor="treasurer-li",
        causation_id="cmd-1",
        correlation_id="corr-1",
        trace_id="f" * 32,
        journal_event_id="j-1",
        journal_partition=2,
        journal_offset=40,
        reverses_posting_id=None,
        reversed_by_posting_id=None,
        previous_hash="0" * 64,
        hash="1" * 64,
        recorded_at=GENERATED,
        lines=tuple(lines),
    )
    values.update(overrides)
    return AuditEntry(**values)


def test_audit_pack_lists_every_line_with_its_source_and_totals_per_account():
    entries = (
        _entry(1, [AuditLine(1, "1001", 500_00, 0, None), AuditLine(2, "4101", 0, 500_00, None)]),
        _entry(
            2,
            [AuditLine(1, "5201", 200_00, 0, "school-2"), AuditLine(2, "1001", 0, 200_00, None)],
            reversed_by_posting_id="r-9",
        ),
    )
    totals = account_totals(entries)
    assert [(t.code, t.debit_fen, t.credit_fen) for t in totals] == [
        ("1001", 500_00, 200_00),
        ("4101", 0, 500_00),
        ("5201", 200_00, 0),
    ]
    pack = AuditPack(SCHOOL, "第一小学工会", TERM, GENERATED, HEAD, ChainResult(True, "chain intact"), entries, totals)
    assert pack.debit_total_fen == pack.credit_total_fen == 700_00
    data = render_audit_csv(pack, "en")
    assert data.startswith(BOM.encode())
    rows = _csv_rows(data)
    header = rows.index(next(r for r in rows if r and r[0] == "sequence"))
    lines = [dict(zip(rows[header], r)) for r in rows[header + 1 : header + 5]]
    assert [l["account_code"] for l in lines] == ["1001", "4101", "5201", "1001"]
    assert lines[2]["counterparty_id"] == "school-2" and lines[2]["reversed_by_posting_id"] == "r-9"
    assert lines[0]["actor"] == "treasurer-li" and lines[0]["trace_id"] == "f" * 32
    assert lines[0]["journal_partition"] == "2" and lines[0]["debit_yuan"] == "500.00"
    assert ["chain_verified", "ok", "chain intact"] in rows
    assert ["total", "", "700.00", "700.00", ""] in rows
    page = render_audit_html(pack, "en")
    assert "chain intact" in page and "treasurer-li" in page and "r-9" in page


def test_the_audit_pack_speaks_the_federations_language():
    entries = (_entry(1, [AuditLine(1, "1001", 500_00, 0, None), AuditLine(2, "4101", 0, 500_00, None)]),)
    pack = AuditPack(
        SCHOOL,
        "第一小学工会",
        TERM,
        GENERATED,
        HEAD,
        ChainResult(True, "chain intact"),
        entries,
        account_totals(entries),
    )
    rows = _csv_rows(render_audit_csv(pack, "zh"))
    assert rows[0] == ["工会经费审查资料（民主理财小组）"]
    header = rows.index(next(r for r in rows if r and r[0] == "序号"))
    assert len(rows[header]) == len(AUDIT_COLUMNS) and rows[header][:4] == ["序号", "分录编号", "记账日期", "摘要"]
    first = dict(zip(AUDIT_COLUMNS, rows[header + 1]))
    assert first["account_code"] == "1001" and first["debit_yuan"] == "500.00"
    assert ["链校验", "通过", "chain intact"] in rows
    assert ["科目编码", "科目名称", "借方合计（元）", "贷方合计（元）", "借方净额（元）"] in rows
    assert ["合计", "", "500.00", "500.00", ""] in rows
    assert not any(word in cell for row in rows for cell in row for word in ("sequence", "account_code", "total"))
    page = render_audit_html(pack, "zh")
    assert "账簿链完整" in page and "各科目合计" in page and "Totals per account" not in page


def test_chain_result_takes_describe_when_present_else_str():
    class Described:
        ok = False

        def describe(self):
            return "broken at 4"

    class Plain:
        ok = True

        def __str__(self):
            return "intact"

    assert chain_result(Described()) == ChainResult(False, "broken at 4")
    assert chain_result(Plain()) == ChainResult(True, "intact")


def test_consolidation_rolls_up_sub_accounts_and_eliminates_internal_transfers():
    # Federation allocated 300 to the school; the school keeps a drive sub-account.
    balances = [
        ("1001", 700_00),
        ("5201", 300_00),  # federation: 1000 in, 300 out to the school
        ("4101", 1000_00),
        ("1001", 500_00),
        ("4103", 300_00),
        ("2301/drive-li", 150_00),
        ("2301/drive-wu", 50_00),  # school
        ("4101", 0),
    ]
    eliminated = {"5201": Movement(debit_fen=300_00), "4103": Movement(credit_fen=300_00)}
    accounts = {a.code: a for a in consolidate(balances, eliminated)}
    assert accounts["2301"].combined_fen == 200_00 and "2301/drive-li" not in accounts
    assert accounts["5201"].consolidated_fen == 0 and accounts["4103"].consolidated_fen == 0
    assert accounts["5201"].eliminated_fen == 300_00 and accounts["4103"].eliminated_fen == 300_00
    assert accounts["1001"].consolidated_fen == 1_200_00
    debit = sum(a.consolidated_fen for a in accounts.values() if a.type.debit_normal)
    credit = sum(a.consolidated_fen for a in accounts.values() if not a.type.debit_normal)
    assert debit == credit == 1_200_00
