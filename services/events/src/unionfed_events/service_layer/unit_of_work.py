from unionfed_events.adapters.congress_repository import CongressSessionRepository
from unionfed_events.adapters.congress_rollup import CongressRollupQueries
from unionfed_events.adapters.motion_repository import MotionRepository
from unionfed_events.adapters.nomination_repository import NominationRepository
from unionfed_events.adapters.proposal_repository import ProposalRepository
from unionfed_events.adapters.registration_repository import (
    ActivityRepository,
    MemberDirectory,
    RegistrationRepository,
)
from unionfed_events.adapters.survey_repository import SurveyRepository
from unionfed_events.adapters.union_directory import UnionDirectory
from unionfed_shared.messaging.unit_of_work import UnitOfWork


class EventsUnitOfWork(UnitOfWork):
    """Repositories for activity registration, the staff congress, surveys and nominations; the
    other areas still use ``session`` directly."""

    activities: ActivityRepository
    registrations: RegistrationRepository
    directory: MemberDirectory
    # The staff congress, surveys and nominations
    unions: UnionDirectory
    congress_sessions: CongressSessionRepository
    proposals: ProposalRepository
    motions: MotionRepository
    surveys: SurveyRepository
    nominations: NominationRepository
    congress_rollup: CongressRollupQueries

    def _open(self) -> None:
        self.activities = ActivityRepository(self.session)
        self.registrations = RegistrationRepository(self.session)
        self.directory = MemberDirectory(self.session)
        self.unions = UnionDirectory(self.session)
        self.congress_sessions = CongressSessionRepository(self.session)
        self.proposals = ProposalRepository(self.session)
        self.motions = MotionRepository(self.session)
        self.surveys = SurveyRepository(self.session)
        self.nominations = NominationRepository(self.session)
        self.congress_rollup = CongressRollupQueries(self.session)
