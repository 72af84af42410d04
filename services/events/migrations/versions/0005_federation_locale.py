"""directory_organizations: the federation's time zone and language, and the organization's sector

Revision ID: 0005_federation_locale
Revises: 0004_audit_log
"""

from collections.abc import Sequence

from alembic import op

from unionfed_shared.organization_locale import add_locale_columns_v1, drop_locale_columns_v1

revision: str = "0005_federation_locale"
down_revision: str | tuple[str, ...] | None = "0004_audit_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The columns are defined once, in shared; existing rows get Asia/Shanghai, zh-CN, no sector.
    add_locale_columns_v1(op, "directory_organizations")


def downgrade() -> None:
    drop_locale_columns_v1(op, "directory_organizations")
