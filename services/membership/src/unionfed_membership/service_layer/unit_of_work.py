from unionfed_membership.adapters import pii
from unionfed_membership.adapters.enterprise_repository import CollectiveContractRepository, EnterpriseRepository
from unionfed_membership.adapters.home_repository import HomeAssessmentRepository, HomeChecklistRepository
from unionfed_membership.adapters.home_tables import attachment_blobs, attachments
from unionfed_membership.adapters.labour_contract_repository import LabourContractCheckRepository
from unionfed_membership.adapters.mobile_worker_repository import (
    EmploymentRepository,
    JointUnionRepository,
    WorkerCategoryRepository,
)
from unionfed_membership.adapters.pii_rows import PersonalDataRows
from unionfed_membership.adapters.record_chains import RecordChainRepository
from unionfed_membership.adapters.report_layout_repository import ReportLayoutRepository
from unionfed_membership.adapters.repository import (
    CommitteeRepository,
    DuesRepository,
    MemberHistoryRepository,
    MemberRepository,
    OrganizationRepository,
    ScheduledChangeRepository,
)
from unionfed_membership.adapters.roster_queries import DuesStore, ReportQueries, RosterQueries
from unionfed_membership.adapters.safety_repository import SafetyInspectionRepository, SafetyInspectorRepository
from unionfed_membership.adapters.statistics_repository import (
    ReportFormRepository,
    StatisticsQueries,
    StatisticsReportRepository,
)
from unionfed_shared.attachments.store import AttachmentRepository
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class MembershipUnitOfWork(UnitOfWork):
    organizations: OrganizationRepository
    members: MemberRepository
    dues: DuesRepository
    history: MemberHistoryRepository
    scheduled_changes: ScheduledChangeRepository
    committees: CommitteeRepository
    dues_collection: DuesStore
    roster: RosterQueries
    membership_report: ReportQueries
    enterprises: EnterpriseRepository
    collective_contracts: CollectiveContractRepository
    joint_unions: JointUnionRepository
    worker_categories: WorkerCategoryRepository
    employments: EmploymentRepository
    labour_contract_checks: LabourContractCheckRepository
    safety_inspectors: SafetyInspectorRepository
    safety_inspections: SafetyInspectionRepository
    home_checklists: HomeChecklistRepository
    home_assessments: HomeAssessmentRepository
    report_forms: ReportFormRepository
    statistics_reports: StatisticsReportRepository
    statistics: StatisticsQueries
    attachments: AttachmentRepository
    record_chains: RecordChainRepository
    report_layouts: ReportLayoutRepository
    personal_data: PersonalDataRows

    def _open(self) -> None:
        self.organizations = OrganizationRepository(self.session)
        self.members = MemberRepository(self.session, pii.current())
        self.dues = DuesRepository(self.session)
        self.history = MemberHistoryRepository(self.session)
        self.scheduled_changes = ScheduledChangeRepository(self.session)
        self.committees = CommitteeRepository(self.session)
        self.dues_collection = DuesStore(self.session)
        self.roster = RosterQueries(self.session)
        self.membership_report = ReportQueries(self.session)
        self.enterprises = EnterpriseRepository(self.session)
        self.collective_contracts = CollectiveContractRepository(self.session)
        self.joint_unions = JointUnionRepository(self.session)
        self.worker_categories = WorkerCategoryRepository(self.session)
        self.employments = EmploymentRepository(self.session)
        self.labour_contract_checks = LabourContractCheckRepository(self.session)
        self.safety_inspectors = SafetyInspectorRepository(self.session, pii.current())
        self.personal_data = PersonalDataRows(self.session, pii.current())
        self.safety_inspections = SafetyInspectionRepository(self.session)
        self.home_checklists = HomeChecklistRepository(self.session)
        self.home_assessments = HomeAssessmentRepository(self.session)
        self.report_forms = ReportFormRepository(self.session)
        self.statistics_reports = StatisticsReportRepository(self.session)
        self.statistics = StatisticsQueries(self.session)
        self.attachments = AttachmentRepository(self.session, attachment_blobs, attachments)
        self.record_chains = RecordChainRepository(self.session)
        self.report_layouts = ReportLayoutRepository(self.session)
