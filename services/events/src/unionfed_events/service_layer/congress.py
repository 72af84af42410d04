"""Use cases of the staff congress, by concern: sessions and representatives (``congress_sessions``),
proposals and their answers (``congress_proposals``), votes (``congress_votes``).

This module names them together for the callers that read across them (the member's self-service,
the proposal sheets, the roll-up).
"""

from unionfed_events.service_layer.congress_proposals import (
    answer_proposal,
    file_proposal,
    overdue_proposals,
    proposal_view,
    proposals_of,
    second_proposal,
)
from unionfed_events.service_layer.congress_sessions import (
    READERS,
    add_representatives,
    plan_session,
    representatives_of,
    session_in_scope,
    sessions_of,
)
from unionfed_events.service_layer.congress_votes import (
    cast_ballot,
    close_vote,
    get_motion,
    motion_view,
    motions_of,
    open_vote,
)
from unionfed_events.service_layer.union_scope import OFFICERS, acting_member, now, organization_in_scope

__all__ = [
    "OFFICERS",
    "READERS",
    "acting_member",
    "add_representatives",
    "answer_proposal",
    "cast_ballot",
    "close_vote",
    "file_proposal",
    "get_motion",
    "motion_view",
    "motions_of",
    "now",
    "open_vote",
    "organization_in_scope",
    "overdue_proposals",
    "plan_session",
    "proposal_view",
    "proposals_of",
    "representatives_of",
    "second_proposal",
    "session_in_scope",
    "sessions_of",
]
