import uuid

from unionfed_finance.adapters.audit_repository import AuditRepository
from unionfed_finance.adapters.controls import BudgetRepository, HoldRepository, OutcomeRepository, PeriodRepository
from unionfed_finance.adapters.disclosure_publications import DisclosurePublications
from unionfed_finance.adapters.dues_accounts import DuesAccountRepository
from unionfed_finance.adapters.fund_repository import FundPolicyRepository, FundRequestRepository
from unionfed_finance.adapters.journal_keys import JournalKeys
from unionfed_finance.adapters.ledger_repository import LedgerRepository
from unionfed_finance.adapters.report_figures import ReportFiguresQueries
from unionfed_finance.adapters.tables import attachment_blobs, attachments, directory
from unionfed_finance.adapters.voucher_chain import VoucherRepository
from unionfed_shared.attachments.store import AttachmentRepository
from unionfed_shared.directory import DirectoryReader
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class FinanceUnitOfWork(UnitOfWork):
    ledgers: LedgerRepository
    dues_accounts: DuesAccountRepository
    holds: HoldRepository
    budgets: BudgetRepository
    periods: PeriodRepository
    outcomes: OutcomeRepository
    fund_policies: FundPolicyRepository
    fund_requests: FundRequestRepository
    directory: DirectoryReader
    audit: AuditRepository
    attachments: AttachmentRepository
    vouchers: VoucherRepository
    disclosures: DisclosurePublications  # 校务公开: statements published to the staff
    report_figures: ReportFiguresQueries  # its section of the statistics reports
    journal_keys: JournalKeys  # which federations' journals are keyed by ledger; movements' other sides

    def _open(self) -> None:
        self.ledgers = LedgerRepository(self.session)
        self.dues_accounts = DuesAccountRepository(self.session)
        self.holds = HoldRepository(self.session, remember=self.ledgers.remember)
        self.budgets = BudgetRepository(self.session)
        self.periods = PeriodRepository(self.session, on_close=self.ledgers.forget_periods)
        self.outcomes = OutcomeRepository(self.session)
        self.fund_policies = FundPolicyRepository(self.session)
        self.fund_requests = FundRequestRepository(self.session)
        self.directory = directory.on(self.session)
        self.audit = AuditRepository(self.session)
        self.attachments = AttachmentRepository(self.session, attachment_blobs, attachments)
        self.vouchers = VoucherRepository(self.session)
        self.disclosures = DisclosurePublications(self.session)
        self.report_figures = ReportFiguresQueries(self.session)
        self.journal_keys = JournalKeys(self.session)
        self.books_of: dict[str, str] = {}  # organization -> the one keeping its books
        # (member, version) of the joinings a batch's prefetch applied at once
        self.joinings_applied: set[tuple[uuid.UUID, int]] = set()

    async def flush(self) -> None:
        """Write what the repositories keep until the end: postings before the holds that name them."""
        await self.ledgers.flush()
        await self.holds.flush()
        await self.outcomes.flush()
        await super().flush()
