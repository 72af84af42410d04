"""The statistics report's income and spending categories, read from the chart of accounts.

The meaning of each figure, and why each account goes where it does, is written in
:mod:`unionfed_finance.service_layer.report_figures`.
"""

from collections.abc import Mapping

from unionfed_finance.domain.ledger import (
    ACTIVITY_EXPENSE,
    ALLOCATIONS_PAID,
    ALLOCATIONS_RECEIVED,
    BUSINESS_EXPENSE,
    CHART_BY_CODE,
    DUES_INCOME,
    EMPLOYER_FUNDS_INCOME,
    EQUIPMENT_EXPENSE,
    WELFARE_EXPENSE,
    AccountType,
)

# The report's category of each account; an income or expense account not named here is "other".
CATEGORY_ACCOUNTS: dict[str, tuple[str, ...]] = {
    "income_dues_fen": (DUES_INCOME,),
    "income_employer_funds_fen": (EMPLOYER_FUNDS_INCOME,),
    "income_subsidy_fen": (ALLOCATIONS_RECEIVED,),
    "income_other_fen": (),
    "spending_staff_activities_fen": (ACTIVITY_EXPENSE,),
    "spending_welfare_fen": (WELFARE_EXPENSE,),
    "spending_business_fen": (BUSINESS_EXPENSE,),
    "spending_capital_fen": (EQUIPMENT_EXPENSE,),
    "spending_allocations_fen": (ALLOCATIONS_PAID,),
    "spending_other_fen": (),
}
_CATEGORY_OF = {code: category for category, codes in CATEGORY_ACCOUNTS.items() for code in codes}
_OTHER = {AccountType.INCOME: "income_other_fen", AccountType.EXPENSE: "spending_other_fen"}


def category_of(account_code: str) -> str | None:
    """The report category of an account (a sub-account by its parent); None: no income or spending."""
    parent = account_code.partition("/")[0]
    spec = CHART_BY_CODE.get(parent)
    if spec is None or spec.type not in _OTHER:
        return None
    return _CATEGORY_OF.get(parent, _OTHER[spec.type])


def figures_of(debits_less_credits: Mapping[str, int]) -> dict[str, int]:
    """Each category's net movement from the accounts' debits less credits over the period:
    credits less debits on income, debits less credits on expense, and never below zero."""
    totals = dict.fromkeys(CATEGORY_ACCOUNTS, 0)
    for code, net in debits_less_credits.items():
        category = category_of(code)
        if category is not None:
            credit_normal = CHART_BY_CODE[code.partition("/")[0]].type is AccountType.INCOME
            totals[category] += -net if credit_normal else net
    return {category: max(0, total) for category, total in totals.items()}
