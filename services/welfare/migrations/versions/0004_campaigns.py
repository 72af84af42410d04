"""festival greetings, health checks and insurance, donation drives

Revision ID: 0004_campaigns
Revises: 0003_member_version
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_campaigns"
down_revision: str | tuple[str, ...] | None = "0003_member_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "greeting_batches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("festival", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("eligible_gender", sa.Text(), nullable=True),
        sa.Column("eligible_statuses", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created_at(),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_greeting_batches_organization_id"), "greeting_batches", ["organization_id"])
    op.create_table(
        "greeting_recipients",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("hold_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["greeting_batches.id"]),
        sa.PrimaryKeyConstraint("batch_id", "member_id"),
        sa.UniqueConstraint("hold_id"),
    )
    op.create_index("ix_greeting_recipients_batch_status", "greeting_recipients", ["batch_id", "status"])
    op.create_table(
        "welfare_campaigns",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("cost_per_member_fen", sa.BigInteger(), nullable=False),
        sa.Column("eligible_gender", sa.Text(), nullable=True),
        sa.Column("eligible_statuses", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("hold_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hold_id"),
    )
    op.create_index(op.f("ix_welfare_campaigns_organization_id"), "welfare_campaigns", ["organization_id"])
    op.create_table(
        "welfare_campaign_enrollments",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["welfare_campaigns.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "member_id"),
    )
    op.create_table(
        "welfare_insurance_claims",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("claimed_fen", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="filed", nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("filed_by", sa.Text(), nullable=False),
        _created_at(),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["welfare_campaigns.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_welfare_insurance_claims_campaign_id"), "welfare_insurance_claims", ["campaign_id"])
    op.create_table(
        "donation_drives",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("beneficiary_member_id", sa.Uuid(), nullable=False),
        sa.Column("beneficiary_name", sa.Text(), nullable=False),
        sa.Column("pseudonym", sa.Text(), nullable=False),
        sa.Column("raised_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("disbursed_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_donation_drives_organization_id"), "donation_drives", ["organization_id"])
    op.create_table(
        "donations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("drive_id", sa.Uuid(), nullable=False),
        sa.Column("donor", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["drive_id"], ["donation_drives.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_donations_drive_id"), "donations", ["drive_id"])
    op.create_table(
        "donation_disbursements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("drive_id", sa.Uuid(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["drive_id"], ["donation_drives.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_donation_disbursements_drive_id"), "donation_disbursements", ["drive_id"])


def downgrade() -> None:
    for table in (
        "donation_disbursements",
        "donations",
        "donation_drives",
        "welfare_insurance_claims",
        "welfare_campaign_enrollments",
        "welfare_campaigns",
        "greeting_recipients",
        "greeting_batches",
    ):
        op.drop_table(table)
