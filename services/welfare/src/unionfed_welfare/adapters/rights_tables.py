"""Workers' rights cases (维权): the case, its workers and its stages."""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Table,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY

from unionfed_welfare.adapters.metadata import metadata

# The monthly rights weeks (维权周) the events service published: welfare's copy, kept from the
# activity_published and activity_cancelled events of activities of kind rights_week.
rights_weeks = Table(
    "rights_weeks",
    metadata,
    Column("activity_id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),  # the organizer
    Column("federation_id", Text, nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("scope_organization_ids", ARRAY(Text), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("heard_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

rights_cases = Table(
    "rights_cases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("employer_name", Text, nullable=False),
    # As given: the enterprise register is membership's; the code lets the two be matched later.
    Column("employer_credit_code", Text),
    Column("claim_kind", Text, nullable=False),
    Column("claimed_fen", BigInteger, nullable=False),
    Column("recovered_fen", BigInteger, nullable=False, server_default="0"),
    Column("stage", Text, nullable=False),
    Column("accepted_on", Date, nullable=False),
    Column("deadline_on", Date, nullable=False),
    Column("closed_on", Date),
    Column("referred_on", Date),
    Column("outcome", Text, nullable=False, server_default=""),
    Column("rights_week", Text),  # YYYY-MM: the monthly rights week that opened it
    # The rights week activity (heard of from the events service) the case was opened at.
    Column("rights_week_id", Uuid, ForeignKey("rights_weeks.activity_id"), index=True),
    Column("opened_by", Text, nullable=False),
    Column("handled_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "claim_kind IN ('wage_arrears', 'labour_contract', 'work_injury', 'other')", name="ck_rights_cases_claim_kind"
    ),
    CheckConstraint(
        "stage IN ('accepted', 'mediation', 'arbitration', 'litigation', 'closed')", name="ck_rights_cases_stage"
    ),
    CheckConstraint("claimed_fen >= 0 AND recovered_fen >= 0", name="ck_rights_cases_fen"),
)

# A member by id (their name stays in the directory), or a non-member by name and phone: personal
# data read only by the case's handler, federation admins and auditors.
rights_case_workers = Table(
    "rights_case_workers",
    metadata,
    Column("case_id", Uuid, ForeignKey("rights_cases.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("member_id", Uuid),
    Column("name", Text),
    Column("phone", Text),
    CheckConstraint(
        "(member_id IS NOT NULL AND name IS NULL AND phone IS NULL)"
        " OR (member_id IS NULL AND name IS NOT NULL AND phone IS NOT NULL)",
        name="ck_rights_case_workers_who",
    ),
)

rights_case_stages = Table(
    "rights_case_stages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", Uuid, ForeignKey("rights_cases.id"), nullable=False, index=True),
    Column("stage", Text, nullable=False),
    Column("entered_on", Date, nullable=False),
    Column("deadline_on", Date),
    Column("moved_by", Text, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
