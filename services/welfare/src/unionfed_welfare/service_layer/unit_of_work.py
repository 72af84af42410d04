from unionfed_shared.attachments.store import AttachmentRepository
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_welfare.adapters.campaign_repository import CampaignRepository, ClaimRepository
from unionfed_welfare.adapters.directory_repository import DirectoryRepository
from unionfed_welfare.adapters.donation_repository import DriveRepository
from unionfed_welfare.adapters.grant_repository import GrantRepository, VisitPolicyRepository
from unionfed_welfare.adapters.greeting_repository import GreetingRepository
from unionfed_welfare.adapters.hardship_repository import HardshipFileRepository
from unionfed_welfare.adapters.hold_repository import HoldRepository
from unionfed_welfare.adapters.mutual_aid_repository import MutualAidRepository
from unionfed_welfare.adapters.outside_grant_repository import OutsideGrantRepository
from unionfed_welfare.adapters.report_figures import ReportFiguresQueries
from unionfed_welfare.adapters.rights_case_repository import RightsCaseRepository
from unionfed_welfare.adapters.rights_week_repository import RightsWeekRepository
from unionfed_welfare.adapters.student_aid_repository import StudentAidRepository
from unionfed_welfare.adapters.tables import attachment_blobs, attachments
from unionfed_welfare.adapters.welfare_report_repository import WelfareReportRepository


class WelfareUnitOfWork(UnitOfWork):
    """Welfare's transaction and its repositories: use cases read and write through these, never the session."""

    directory: DirectoryRepository
    grants: GrantRepository
    visit_policies: VisitPolicyRepository
    hardship_files: HardshipFileRepository
    holds: HoldRepository
    campaigns: CampaignRepository
    claims: ClaimRepository
    drives: DriveRepository
    greetings: GreetingRepository
    welfare_report: WelfareReportRepository
    rights_cases: RightsCaseRepository
    mutual_aid: MutualAidRepository
    rights_weeks: RightsWeekRepository
    outside_grants: OutsideGrantRepository
    student_aid: StudentAidRepository
    report_figures: ReportFiguresQueries  # its section of the statistics reports

    attachments: AttachmentRepository

    def _open(self) -> None:
        self.attachments = AttachmentRepository(self.session, attachment_blobs, attachments)
        self.directory = DirectoryRepository(self.session)
        self.grants = GrantRepository(self.session)
        self.visit_policies = VisitPolicyRepository(self.session)
        self.hardship_files = HardshipFileRepository(self.session)
        self.holds = HoldRepository(self.session)
        self.campaigns = CampaignRepository(self.session)
        self.claims = ClaimRepository(self.session)
        self.drives = DriveRepository(self.session)
        self.greetings = GreetingRepository(self.session)
        self.welfare_report = WelfareReportRepository(self.session)
        self.rights_cases = RightsCaseRepository(self.session)
        self.mutual_aid = MutualAidRepository(self.session)
        self.rights_weeks = RightsWeekRepository(self.session)
        self.outside_grants = OutsideGrantRepository(self.session)
        self.student_aid = StudentAidRepository(self.session)
        self.report_figures = ReportFiguresQueries(self.session)
