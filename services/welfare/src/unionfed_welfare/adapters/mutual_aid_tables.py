"""The mutual-aid fund (互助金): each union's fund, what was paid in, loans, instalments, repayments."""

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

from unionfed_welfare.adapters.metadata import metadata

# A movement's finance status: sent, then finance's answer (its reason kept when it refused).
FINANCE_STATUS_CHECK = "finance_status IN ('pending', 'posted', 'refused')"

# The running totals, on the row that lending locks: two loans approved at once check one after the other.
# Each total leaves out what finance refused; its pending part is what finance has not answered yet.
mutual_aid_funds = Table(
    "mutual_aid_funds",
    metadata,
    Column("organization_id", Text, primary_key=True),
    Column("federation_id", Text, nullable=False),
    Column("contributed_fen", BigInteger, nullable=False, server_default="0"),
    Column("lent_fen", BigInteger, nullable=False, server_default="0"),
    Column("repaid_fen", BigInteger, nullable=False, server_default="0"),
    Column("contributed_pending_fen", BigInteger, nullable=False, server_default="0"),
    Column("lent_pending_fen", BigInteger, nullable=False, server_default="0"),
    Column("repaid_pending_fen", BigInteger, nullable=False, server_default="0"),
    CheckConstraint(
        "contributed_pending_fen BETWEEN 0 AND contributed_fen AND lent_pending_fen BETWEEN 0 AND lent_fen"
        " AND repaid_pending_fen BETWEEN 0 AND repaid_fen AND repaid_fen <= lent_fen"
        " AND lent_fen - (repaid_fen - repaid_pending_fen) <= contributed_fen - contributed_pending_fen",
        name="ck_mutual_aid_funds_totals",
    ),
)

mutual_aid_contributions = Table(
    "mutual_aid_contributions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("contributor", Text, nullable=False),
    Column("member_id", Uuid),
    Column("amount_fen", BigInteger, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finance_status", Text, nullable=False),
    Column("finance_reason", Text),
    CheckConstraint(FINANCE_STATUS_CHECK, name="ck_mutual_aid_contributions_finance_status"),
    CheckConstraint("contributor IN ('member', 'union')", name="ck_mutual_aid_contributions_contributor"),
    CheckConstraint("amount_fen > 0", name="ck_mutual_aid_contributions_amount"),
)

mutual_aid_loans = Table(
    "mutual_aid_loans",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("member_id", Uuid, nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("months", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("applied_by", Text, nullable=False),
    Column("decided_on", Date),
    Column("decided_by", Text),
    Column("decision_note", Text, nullable=False, server_default=""),
    Column("repaid_fen", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finance_status", Text),  # from approval on
    Column("finance_reason", Text),
    CheckConstraint(
        "status IN ('applied', 'lent', 'repaid', 'rejected', 'refused')", name="ck_mutual_aid_loans_status"
    ),
    CheckConstraint(
        "(finance_status IS NULL) = (status IN ('applied', 'rejected')) AND " + FINANCE_STATUS_CHECK,
        name="ck_mutual_aid_loans_finance_status",
    ),
    CheckConstraint("amount_fen > 0 AND repaid_fen >= 0 AND repaid_fen <= amount_fen", name="ck_mutual_aid_loans_fen"),
    CheckConstraint("months BETWEEN 1 AND 12", name="ck_mutual_aid_loans_months"),
)

mutual_aid_instalments = Table(
    "mutual_aid_instalments",
    metadata,
    Column("loan_id", Uuid, ForeignKey("mutual_aid_loans.id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("due_on", Date, nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("repaid_fen", BigInteger, nullable=False, server_default="0"),
    CheckConstraint(
        "amount_fen > 0 AND repaid_fen >= 0 AND repaid_fen <= amount_fen", name="ck_mutual_aid_instalments_fen"
    ),
)

mutual_aid_repayments = Table(
    "mutual_aid_repayments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("loan_id", Uuid, ForeignKey("mutual_aid_loans.id"), nullable=False, index=True),
    Column("amount_fen", BigInteger, nullable=False),
    Column("repaid_on", Date, nullable=False),
    Column("recorded_by", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finance_status", Text, nullable=False),
    Column("finance_reason", Text),
    CheckConstraint(FINANCE_STATUS_CHECK, name="ck_mutual_aid_repayments_finance_status"),
    CheckConstraint("amount_fen > 0", name="ck_mutual_aid_repayments_amount"),
)
