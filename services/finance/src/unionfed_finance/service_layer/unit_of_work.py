from unionfed_finance.adapters.controls import BudgetRepository, HoldRepository, OutcomeRepository, PeriodRepository
from unionfed_finance.adapters.ledger_repository import DuesAccountRepository, LedgerRepository
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class FinanceUnitOfWork(UnitOfWork):
    ledgers: LedgerRepository
    dues_accounts: DuesAccountRepository
    holds: HoldRepository
    budgets: BudgetRepository
    periods: PeriodRepository
    outcomes: OutcomeRepository

    def _open(self) -> None:
        self.ledgers = LedgerRepository(self.session)
        self.dues_accounts = DuesAccountRepository(self.session)
        self.holds = HoldRepository(self.session)
        self.budgets = BudgetRepository(self.session)
        self.periods = PeriodRepository(self.session)
        self.outcomes = OutcomeRepository(self.session)
