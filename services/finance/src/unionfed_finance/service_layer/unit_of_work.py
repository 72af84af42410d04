from unionfed_finance.adapters.ledger_repository import DuesAccountRepository, LedgerRepository
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class FinanceUnitOfWork(UnitOfWork):
    ledgers: LedgerRepository
    dues_accounts: DuesAccountRepository

    def _open(self) -> None:
        self.ledgers = LedgerRepository(self.session)
        self.dues_accounts = DuesAccountRepository(self.session)
