"""Where and how an organization works: its federation's time zone and language, and its sector."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from unionfed_shared import business_time
from unionfed_shared.contracts.membership import DEFAULT_LANGUAGE, Language, Sector


@dataclass(frozen=True)
class OrganizationLocale:
    # The federation's time zone: every business date of the organization is a date there.
    time_zone: ZoneInfo
    # The federation's language ("zh-CN" or "en").
    language: Language
    # The organization's sector, or its nearest ancestor's; None if no ancestor has one.
    sector: Sector | None = None


# What an organization founded before federations had a locale, or not known yet, works in.
DEFAULT_LOCALE = OrganizationLocale(time_zone=business_time.DEFAULT_ZONE, language=DEFAULT_LANGUAGE)


def locale(time_zone: str, language: str, sector: str | None) -> OrganizationLocale:
    """The locale from stored names (already validated when the organization was registered)."""
    return OrganizationLocale(time_zone=business_time.zone(time_zone), language=language, sector=sector)


def add_locale_columns_v1(op, table: str) -> None:
    """Give ``table`` (an organizations table) the locale columns; call from an Alembic revision.

    Rows already there were founded before federations had a locale: they get the defaults.
    """
    import sqlalchemy as sa

    op.add_column(
        table, sa.Column("time_zone", sa.Text(), nullable=False, server_default=business_time.DEFAULT_TIME_ZONE)
    )
    op.add_column(table, sa.Column("language", sa.Text(), nullable=False, server_default=DEFAULT_LANGUAGE))
    op.add_column(table, sa.Column("sector", sa.Text(), nullable=True))


def drop_locale_columns_v1(op, table: str) -> None:
    for column in ("sector", "language", "time_zone"):
        op.drop_column(table, column)
