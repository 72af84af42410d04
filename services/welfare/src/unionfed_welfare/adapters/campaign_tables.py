"""Festival greetings, health checks, insurance and donation drives.

Money itself lives in finance; these tables hold what welfare decided and who it is for. Each
greeting recipient carries the id of its hold, derived from the batch and the member, so a batch
resumed after a crash asks finance for the same hold again rather than for a second one.
"""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY

from unionfed_welfare.adapters.metadata import metadata


def _created_at() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


greeting_batches = Table(
    "greeting_batches",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),  # who pays, and the scope's root
    Column("federation_id", Text, nullable=False),
    Column("festival", Text, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("eligible_gender", Text),
    Column("eligible_statuses", ARRAY(Text), nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("status", Text, nullable=False, server_default="running"),  # running | processed
    Column("total", Integer, nullable=False),
    Column("created_by", Text, nullable=False),
    _created_at(),
    Column("processed_at", DateTime(timezone=True)),
)

greeting_recipients = Table(
    "greeting_recipients",
    metadata,
    Column("batch_id", Uuid, ForeignKey("greeting_batches.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("organization_id", Text, nullable=False),  # the member's union when the list was frozen
    Column("hold_id", Uuid, nullable=False, unique=True),
    # pending | requested | pay_requested | paid | skipped | refused
    Column("status", Text, nullable=False, server_default="pending"),
    Column("reason", Text),
    Column("processed_at", DateTime(timezone=True)),
    Column("settled_at", DateTime(timezone=True)),
)
# The chunk loop walks a batch's pending recipients in member order, straight from this index (0016).
Index(
    "ix_greeting_recipients_batch_status_member",
    greeting_recipients.c.batch_id,
    greeting_recipients.c.status,
    greeting_recipients.c.member_id,
)

campaigns = Table(
    "welfare_campaigns",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("kind", Text, nullable=False),  # health_check | insurance
    Column("title", Text, nullable=False),
    Column("provider", Text),
    Column("cost_per_member_fen", BigInteger, nullable=False),
    Column("eligible_gender", Text),
    Column("eligible_statuses", ARRAY(Text), nullable=False),
    Column("hold_id", Uuid, nullable=False, unique=True),
    Column("status", Text, nullable=False, server_default="open"),  # open | paid | cancelled
    Column("paid_fen", BigInteger),
    Column("cancel_reason", Text),
    Column("created_by", Text, nullable=False),
    _created_at(),
)

campaign_enrollments = Table(
    "welfare_campaign_enrollments",
    metadata,
    Column("campaign_id", Uuid, ForeignKey("welfare_campaigns.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("organization_id", Text, nullable=False),
)

insurance_claims = Table(
    "welfare_insurance_claims",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("campaign_id", Uuid, ForeignKey("welfare_campaigns.id"), nullable=False, index=True),
    Column("member_id", Uuid, nullable=False),
    Column("claimed_fen", BigInteger, nullable=False),
    Column("description", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="filed"),  # filed | under_review | paid | rejected
    Column("paid_fen", BigInteger),
    Column("reason", Text),
    Column("filed_by", Text, nullable=False),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

donation_drives = Table(
    "donation_drives",
    metadata,
    Column("id", Uuid, primary_key=True),
    # The finance sub-account suffix (2301/<code>): one drive, one held account.
    Column("code", Text, nullable=False, unique=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("beneficiary_member_id", Uuid, nullable=False),
    Column("beneficiary_name", Text, nullable=False),
    Column("pseudonym", Text, nullable=False),
    Column("raised_fen", BigInteger, nullable=False, server_default="0"),
    Column("disbursed_fen", BigInteger, nullable=False, server_default="0"),
    Column("created_by", Text, nullable=False),
    _created_at(),
)

donations = Table(
    "donations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("drive_id", Uuid, ForeignKey("donation_drives.id"), nullable=False, index=True),
    Column("donor", Text, nullable=False),  # a name, or "anonymous"
    Column("amount_fen", BigInteger, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("recorded_by", Text, nullable=False),
    _created_at(),
)

donation_disbursements = Table(
    "donation_disbursements",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("drive_id", Uuid, ForeignKey("donation_drives.id"), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("recorded_by", Text, nullable=False),
    _created_at(),
)

__all__ = [
    "campaign_enrollments",
    "campaigns",
    "donation_disbursements",
    "donation_drives",
    "donations",
    "greeting_batches",
    "greeting_recipients",
    "insurance_claims",
]
