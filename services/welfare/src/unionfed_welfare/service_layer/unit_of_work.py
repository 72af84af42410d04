from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_welfare.adapters.campaign_repository import CampaignRepository, ClaimRepository
from unionfed_welfare.adapters.directory_repository import DirectoryRepository
from unionfed_welfare.adapters.donation_repository import DriveRepository
from unionfed_welfare.adapters.grant_repository import GrantRepository, HardshipFileRepository, VisitPolicyRepository
from unionfed_welfare.adapters.hold_repository import HoldRepository


class WelfareUnitOfWork(UnitOfWork):
    """Welfare's transaction with its repositories; the areas not yet moved onto them use ``session``."""

    directory: DirectoryRepository
    grants: GrantRepository
    visit_policies: VisitPolicyRepository
    hardship_files: HardshipFileRepository
    holds: HoldRepository
    campaigns: CampaignRepository
    claims: ClaimRepository
    drives: DriveRepository

    def _open(self) -> None:
        self.directory = DirectoryRepository(self.session)
        self.grants = GrantRepository(self.session)
        self.visit_policies = VisitPolicyRepository(self.session)
        self.hardship_files = HardshipFileRepository(self.session)
        self.holds = HoldRepository(self.session)
        self.campaigns = CampaignRepository(self.session)
        self.claims = ClaimRepository(self.session)
        self.drives = DriveRepository(self.session)
