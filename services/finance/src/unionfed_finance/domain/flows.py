"""How each kind of money movement posts, in the books of every organization it touches.

Inter-organization lines name their counterparty, so a consolidated statement can eliminate
them: a remittance is an expense (5202) of the school and income (4104) of the federation, an
allocation an expense (5201) of the federation and income (4103) of the school. Descriptions
are the federation's language's words from ``texts``, never two languages in one.
"""

import datetime as dt
from dataclasses import dataclass

from unionfed_finance.domain.ledger import (
    ALLOCATIONS_PAID,
    ALLOCATIONS_RECEIVED,
    BANK,
    DONATIONS_HELD,
    DUES_INCOME,
    EMPLOYER_FUNDS_INCOME,
    GENERAL_FUND,
    MUTUAL_AID_CASH,
    MUTUAL_AID_FUND,
    MUTUAL_AID_LOANS,
    REMITTANCE_EXPENSE,
    REMITTANCE_PAYABLE,
    REMITTANCE_RECEIVABLE,
    REMITTANCES_RECEIVED,
    SPENDING_ACCOUNTS,
    Line,
    Posting,
)
from unionfed_finance.domain.texts import DEFAULT_LANGUAGE, Language, describe, donor_name
from unionfed_shared.errors import Invalid

DEFAULT_REMIT_PER_MILLE = 400  # by common rule a grassroots union keeps 60% and remits 40%


@dataclass(frozen=True)
class FundPolicy:
    """A federation's rule for splitting the employer's 2% union funds."""

    remit_per_mille: int = DEFAULT_REMIT_PER_MILLE

    def __post_init__(self):
        if not 0 <= self.remit_per_mille <= 1000:
            raise Invalid(
                "remit_share_invalid",
                zh="上解比例须在千分之 0 至 1000 之间",
                en="the remitted share is between 0 and 1000 per mille",
            )

    def remitted_of(self, amount_fen: int) -> int:
        # Rounded half up to the fen; the union keeps the rest, so the two always add up.
        return (amount_fen * self.remit_per_mille + 500) // 1000


def dues(
    books: str, amount_fen: int, period: str, collected_on: dt.date, language: Language = DEFAULT_LANGUAGE
) -> Posting:
    return Posting.balanced(
        books,
        collected_on,
        describe(language, "dues", period=period),
        [Line(BANK, debit_fen=amount_fen), Line(DUES_INCOME, credit_fen=amount_fen)],
    )


def dues_chunk(books: str, amounts_fen: list[int], collected_on: dt.date, description: str) -> Posting:
    """A chunk of members' dues as one posting: the same accounts as :func:`dues` for each member,
    a dues-income credit per member (line ``i`` is the chunk's ``i``-th member) and the bank
    debited once with their total, last. The books' 1001 and 4101 move exactly as they would
    by one :func:`dues` posting per member; ``description`` is :func:`dues`'s words for the month."""
    if not amounts_fen:
        raise Invalid("dues_chunk_empty", zh="一批会费至少须有一位会员", en="a dues chunk has at least one member")
    return Posting.balanced(
        books,
        collected_on,
        description,
        [Line(DUES_INCOME, credit_fen=amount) for amount in amounts_fen] + [Line(BANK, debit_fen=sum(amounts_fen))],
    )


def dues_lines_to_book(payment_ids: list, booked: set) -> list[int]:
    """The positions of a chunk's lines not booked yet: a payment already booked (the same chunk
    sent again, or its member's payment booked by an earlier chunk) is never booked twice, and a
    payment named twice in one chunk once."""
    seen = set(booked)
    positions = []
    for position, payment_id in enumerate(payment_ids):
        if payment_id not in seen:
            seen.add(payment_id)
            positions.append(position)
    return positions


def employer_funds(
    union: str,
    upper: str | None,
    amount_fen: int,
    received_on: dt.date,
    policy: FundPolicy,
    note: str | None = None,
    language: Language = DEFAULT_LANGUAGE,
) -> list[Posting]:
    """The employer's union funds: the union's income, and the share it owes upward as payable."""
    note = note or describe(language, "employer_funds_note")
    remitted = policy.remitted_of(amount_fen) if upper else 0
    lines = [Line(BANK, debit_fen=amount_fen), Line(EMPLOYER_FUNDS_INCOME, credit_fen=amount_fen)]
    if not remitted:
        return [Posting.balanced(union, received_on, describe(language, "employer_funds", note=note), lines)]
    assert upper is not None  # only a union with an upper level remits
    lines += [
        Line(REMITTANCE_EXPENSE, debit_fen=remitted, counterparty_id=upper),
        Line(REMITTANCE_PAYABLE, credit_fen=remitted, counterparty_id=upper),
    ]
    return [
        Posting.balanced(union, received_on, describe(language, "employer_funds", note=note), lines),
        Posting.balanced(
            upper,
            received_on,
            describe(language, "remittance_due", union=union, note=note),
            [
                Line(REMITTANCE_RECEIVABLE, debit_fen=remitted, counterparty_id=union),
                Line(REMITTANCES_RECEIVED, credit_fen=remitted, counterparty_id=union),
            ],
        ),
    ]


def remittance_paid(
    union: str, upper: str, amount_fen: int, paid_on: dt.date, language: Language = DEFAULT_LANGUAGE
) -> list[Posting]:
    return [
        Posting.balanced(
            union,
            paid_on,
            describe(language, "remittance_paid", upper=upper),
            [Line(REMITTANCE_PAYABLE, debit_fen=amount_fen, counterparty_id=upper), Line(BANK, credit_fen=amount_fen)],
        ),
        Posting.balanced(
            upper,
            paid_on,
            describe(language, "remittance_received", union=union),
            [
                Line(BANK, debit_fen=amount_fen),
                Line(REMITTANCE_RECEIVABLE, credit_fen=amount_fen, counterparty_id=union),
            ],
        ),
    ]


def allocation(
    upper: str, union: str, amount_fen: int, paid_on: dt.date, purpose: str, language: Language = DEFAULT_LANGUAGE
) -> list[Posting]:
    return [
        Posting.balanced(
            upper,
            paid_on,
            describe(language, "allocation_paid", union=union, purpose=purpose),
            [Line(ALLOCATIONS_PAID, debit_fen=amount_fen, counterparty_id=union), Line(BANK, credit_fen=amount_fen)],
        ),
        Posting.balanced(
            union,
            paid_on,
            describe(language, "allocation_received", upper=upper, purpose=purpose),
            [
                Line(BANK, debit_fen=amount_fen),
                Line(ALLOCATIONS_RECEIVED, credit_fen=amount_fen, counterparty_id=upper),
            ],
        ),
    ]


def expense(books: str, category: str, amount_fen: int, spent_on: dt.date, description: str) -> Posting:
    return Posting.balanced(
        books,
        spent_on,
        description,
        [Line(SPENDING_ACCOUNTS[category], debit_fen=amount_fen), Line(BANK, credit_fen=amount_fen)],
    )


def donation_received(
    books: str, drive: str, amount_fen: int, received_on: dt.date, donor: str, language: Language = DEFAULT_LANGUAGE
) -> Posting:
    return Posting.balanced(
        books,
        received_on,
        describe(language, "donation_received", drive=drive, donor=donor_name(donor, language)),
        [Line(BANK, debit_fen=amount_fen), Line(f"{DONATIONS_HELD}/{drive}", credit_fen=amount_fen)],
    )


def donation_disbursed(
    books: str, drive: str, amount_fen: int, paid_on: dt.date, beneficiary: str, language: Language = DEFAULT_LANGUAGE
) -> Posting:
    return Posting.balanced(
        books,
        paid_on,
        describe(language, "donation_disbursed", drive=drive, beneficiary=beneficiary),
        [Line(f"{DONATIONS_HELD}/{drive}", debit_fen=amount_fen), Line(BANK, credit_fen=amount_fen)],
    )


def mutual_aid_contributed(
    books: str,
    contributor: str,
    amount_fen: int,
    received_on: dt.date,
    label: str,
    language: Language = DEFAULT_LANGUAGE,
) -> Posting:
    """Money into the mutual-aid fund: members' money is received into the fund's cash; the union's
    own is moved from its bank and general fund balance, so its income and expense stay as they were."""
    lines = [Line(MUTUAL_AID_CASH, debit_fen=amount_fen), Line(MUTUAL_AID_FUND, credit_fen=amount_fen)]
    if contributor == "union":
        lines += [Line(GENERAL_FUND, debit_fen=amount_fen), Line(BANK, credit_fen=amount_fen)]
    return Posting.balanced(
        books, received_on, describe(language, f"mutual_aid_contributed_{contributor}", label=label), lines
    )


def mutual_aid_lent(
    books: str, amount_fen: int, paid_on: dt.date, borrower: str, language: Language = DEFAULT_LANGUAGE
) -> Posting:
    """A loan is owed back, not spent: the fund's cash becomes a receivable."""
    return Posting.balanced(
        books,
        paid_on,
        describe(language, "mutual_aid_lent", borrower=borrower),
        [Line(MUTUAL_AID_LOANS, debit_fen=amount_fen), Line(MUTUAL_AID_CASH, credit_fen=amount_fen)],
    )


def mutual_aid_repaid(
    books: str, amount_fen: int, repaid_on: dt.date, borrower: str, language: Language = DEFAULT_LANGUAGE
) -> Posting:
    return Posting.balanced(
        books,
        repaid_on,
        describe(language, "mutual_aid_repaid", borrower=borrower),
        [Line(MUTUAL_AID_CASH, debit_fen=amount_fen), Line(MUTUAL_AID_LOANS, credit_fen=amount_fen)],
    )
