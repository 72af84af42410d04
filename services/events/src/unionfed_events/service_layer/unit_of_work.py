from unionfed_events.adapters.activity_repository import ActivityRepository, BudgetRepository
from unionfed_events.adapters.award_repository import AwardRepository, TeamRepository
from unionfed_events.adapters.congress_repository import CongressSessionRepository
from unionfed_events.adapters.congress_rollup import CongressRollupQueries
from unionfed_events.adapters.evaluation_repository import EvaluationRepository
from unionfed_events.adapters.improvement_repository import ImprovementRepository
from unionfed_events.adapters.information_repository import InformationRepository
from unionfed_events.adapters.job_placement_repository import JobPlacementRepository
from unionfed_events.adapters.member_inbox import MemberInbox
from unionfed_events.adapters.motion_repository import MotionRepository
from unionfed_events.adapters.nomination_repository import NominationRepository
from unionfed_events.adapters.proposal_repository import ProposalRepository
from unionfed_events.adapters.record_chains import RecordChainRepository
from unionfed_events.adapters.registration_repository import MemberDirectory, RegistrationRepository
from unionfed_events.adapters.report_figures import ReportFiguresQueries
from unionfed_events.adapters.skills_queries import SkillsQueries
from unionfed_events.adapters.spot_check_repository import SpotCheckRepository
from unionfed_events.adapters.survey_repository import SurveyRepository
from unionfed_events.adapters.tables import attachment_blobs, attachments
from unionfed_events.adapters.union_directory import UnionDirectory
from unionfed_shared.attachments.store import AttachmentRepository
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class EventsUnitOfWork(UnitOfWork):
    """Events' transaction and its repositories: use cases read and write through these."""

    activities: ActivityRepository
    budget: BudgetRepository
    registrations: RegistrationRepository
    teams: TeamRepository
    awards: AwardRepository
    directory: MemberDirectory
    member_inbox: MemberInbox
    # The staff congress, surveys and nominations
    unions: UnionDirectory
    congress_sessions: CongressSessionRepository
    proposals: ProposalRepository
    motions: MotionRepository
    surveys: SurveyRepository
    nominations: NominationRepository
    congress_rollup: CongressRollupQueries
    # Workers' participation: rationalization proposals and technical innovations
    improvements: ImprovementRepository
    # Skills and jobs: the training and contests held (read from the activities) and job placements
    skills: SkillsQueries
    job_placements: JobPlacementRepository
    # Information reporting (信息报送): items, their adoptions and the points tables
    information: InformationRepository
    # Democratic evaluations (民主评议) and the 师德 assessment
    evaluations: EvaluationRepository

    attachments: AttachmentRepository
    # Spot checks (督查) of the unions under an upper union
    spot_checks: SpotCheckRepository
    report_figures: ReportFiguresQueries  # its section of the statistics reports
    record_chains: RecordChainRepository

    def _open(self) -> None:
        self.attachments = AttachmentRepository(self.session, attachment_blobs, attachments)
        self.activities = ActivityRepository(self.session)
        self.budget = BudgetRepository(self.session)
        self.registrations = RegistrationRepository(self.session)
        self.teams = TeamRepository(self.session)
        self.awards = AwardRepository(self.session)
        self.directory = MemberDirectory(self.session)
        self.member_inbox = MemberInbox(self.session)
        self.unions = UnionDirectory(self.session)
        self.congress_sessions = CongressSessionRepository(self.session)
        self.proposals = ProposalRepository(self.session)
        self.motions = MotionRepository(self.session)
        self.surveys = SurveyRepository(self.session)
        self.nominations = NominationRepository(self.session)
        self.congress_rollup = CongressRollupQueries(self.session)
        self.improvements = ImprovementRepository(self.session)
        self.skills = SkillsQueries(self.session)
        self.job_placements = JobPlacementRepository(self.session)
        self.information = InformationRepository(self.session)
        self.evaluations = EvaluationRepository(self.session)
        self.spot_checks = SpotCheckRepository(self.session)
        self.report_figures = ReportFiguresQueries(self.session)
        self.record_chains = RecordChainRepository(self.session)
