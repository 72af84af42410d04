"""The books speak one language: every description finance writes is in the federation's language."""

import datetime as dt
import re
import uuid

from unionfed_finance.domain import flows
from unionfed_finance.domain.ledger import Line, Posting
from unionfed_finance.service_layer.poster import _reversal_description
from unionfed_shared.contracts import finance as contract

DAY = dt.date(2026, 11, 20)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Identifiers are data, not words of a language: organization slugs and drive codes.
IDS = ("no1-primary", "county-fed", "yuying-aixin")


def words(description: str) -> list[str]:
    for identifier in IDS:
        description = description.replace(identifier, "")
    return LATIN_WORD.findall(description)


def every_posting(language: str | None) -> list[Posting]:
    lang = {} if language is None else {"language": language}
    school, county, drive = IDS
    return [
        flows.dues(school, 21_50, "2026-11", DAY, **lang),
        *flows.employer_funds(school, county, 8_600_00, DAY, flows.FundPolicy(400), None, **lang),
        *flows.remittance_paid(school, county, 3_440_00, DAY, **lang),
        *flows.allocation(
            county, school, 2_000_00, DAY, "乒乓球台" if language != "en" else "table-tennis table", **lang
        ),
        flows.donation_received(school, drive, 500_00, DAY, "anonymous", **lang),
        flows.donation_received(school, drive, 500_00, DAY, "张老师", **lang),
        flows.donation_disbursed(
            school, drive, 1_000_00, DAY, "Assisted worker" if language == "en" else "受助职工", **lang
        ),
        flows.mutual_aid_contributed(
            school, "member", 100_00, DAY, "members" if language == "en" else "会员缴纳", **lang
        ),
        flows.mutual_aid_contributed(school, "union", 100_00, DAY, "union" if language == "en" else "工会拨入", **lang),
        flows.mutual_aid_lent(school, 100_00, DAY, "Borrower" if language == "en" else "借款人", **lang),
        flows.mutual_aid_repaid(school, 50_00, DAY, "Borrower" if language == "en" else "借款人", **lang),
    ]


def test_a_zh_cn_federations_descriptions_hold_no_english_word():
    for posting in every_posting("zh-CN") + every_posting(None):
        assert words(posting.description) == [], posting.description
        assert re.search(r"[\u4e00-\u9fff]", posting.description), posting.description


def test_an_english_federations_descriptions_are_english():
    expected = {
        "Dues collected for 2026-11",
        "Donation to yuying-aixin from an anonymous donor",
        "Remittance paid to county-fed",
    }
    postings = every_posting("en")
    assert expected <= {p.description for p in postings}
    for posting in postings:
        if "张老师" not in posting.description:  # a donor's own name stays as given
            assert not re.search(r"[\u4e00-\u9fff]", posting.description), posting.description


def test_the_anonymous_donor_marker_becomes_words_of_the_language():
    zh = flows.donation_received("no1-primary", "yuying-aixin", 1, DAY, "anonymous", language="zh-CN")
    assert zh.description == "代收捐款：yuying-aixin，捐款人 匿名"


def test_a_reversal_posts_the_words_its_instruction_carries_and_older_entries_keep_theirs():
    original = flows.dues("no1-primary", 21_50, "2026-11", DAY)
    worded = contract.Reverse(
        posting_id=uuid.uuid4(), effective_date=DAY, reason="重复录入", description="冲销：重复录入"
    )
    legacy = contract.Reverse(posting_id=uuid.uuid4(), effective_date=DAY, reason="entered twice")
    assert original.reversal(uuid.uuid4(), DAY, _reversal_description(worded)).description == "冲销：重复录入"
    assert _reversal_description(legacy) == "Reversal: entered twice"
    assert original.reversal(uuid.uuid4(), DAY, "x").lines == (
        Line("1001", credit_fen=21_50),
        Line("4101", debit_fen=21_50),
    )
