"""The statistics report's income and spending categories from the chart of accounts: each account
where the service layer's docstring says, income as credits and spending as debits, never below 0."""

from unionfed_finance.domain.report_figures import CATEGORY_ACCOUNTS, category_of, figures_of
from unionfed_shared.contracts.reporting import owned_by


def test_the_categories_are_exactly_the_codes_finance_owns():
    assert tuple(CATEGORY_ACCOUNTS) == owned_by("finance")


def test_each_account_of_the_chart_has_its_category():
    assert category_of("4101") == "income_dues_fen"
    assert category_of("4102") == "income_employer_funds_fen"
    assert category_of("4103") == "income_subsidy_fen"
    assert category_of("4104") == "income_other_fen"
    assert category_of("5101") == "spending_welfare_fen"
    assert category_of("5101/greetings") == "spending_welfare_fen"
    assert category_of("5102") == "spending_staff_activities_fen"
    assert category_of("5103") == "spending_capital_fen"
    assert category_of("5104") == "spending_business_fen"
    assert category_of("5201") == "spending_allocations_fen"
    assert category_of("5202") == "spending_other_fen"
    for no_income_nor_spending in ("1001", "1002", "1131", "1141", "2201", "2301/drive-7", "3001", "3101", "9999"):
        assert category_of(no_income_nor_spending) is None


def test_income_is_credits_less_debits_and_spending_debits_less_credits():
    figures = figures_of(
        {
            "1001": 123_00,  # the bank's side of it all: no figure
            "4101": -500_00,  # 500 yuan of dues credited
            "4102": -2_000_00,
            "4104": -300_00,
            "5101": 800_00,
            "5101/greetings": 200_00,
            "5102": 150_00,
            "5103": 90_00,
            "5104": 70_00,
            "5201": 40_00,
            "5202": 60_00,
        }
    )
    assert figures == {
        "income_dues_fen": 500_00,
        "income_employer_funds_fen": 2_000_00,
        "income_subsidy_fen": 0,
        "income_other_fen": 300_00,
        "spending_staff_activities_fen": 150_00,
        "spending_welfare_fen": 1_000_00,
        "spending_business_fen": 70_00,
        "spending_capital_fen": 90_00,
        "spending_allocations_fen": 40_00,
        "spending_other_fen": 60_00,
    }


def test_a_category_reversed_more_than_booked_in_the_period_answers_zero():
    assert figures_of({"5102": -40_00, "4101": 10_00})["spending_staff_activities_fen"] == 0
    assert figures_of({"4101": 10_00})["income_dues_fen"] == 0


def test_every_expense_account_of_the_chart_is_in_exactly_one_spending_category():
    from unionfed_finance.domain.ledger import CHART_BY_CODE, SPENDING_ACCOUNTS, AccountType

    expenses = [code for code, spec in CHART_BY_CODE.items() if spec.type is AccountType.EXPENSE]
    named = [code for category, codes in CATEGORY_ACCOUNTS.items() for code in codes if category.startswith("spending")]
    assert len(named) == len(set(named)) and set(named) <= set(expenses)
    assert {category_of(code) for code in expenses} == {c for c in CATEGORY_ACCOUNTS if c.startswith("spending")}
    # Each spending a treasurer records lands in its own report category (业务支出 has its account).
    assert category_of(SPENDING_ACCOUNTS["business"]) == "spending_business_fen"
