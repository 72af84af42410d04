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
    for other in ("5103", "5201", "5202"):
        assert category_of(other) == "spending_other_fen"
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
        "spending_business_fen": 0,
        "spending_other_fen": 150_00,
    }


def test_a_category_reversed_more_than_booked_in_the_period_answers_zero():
    assert figures_of({"5102": -40_00, "4101": 10_00})["spending_staff_activities_fen"] == 0
    assert figures_of({"4101": 10_00})["income_dues_fen"] == 0
