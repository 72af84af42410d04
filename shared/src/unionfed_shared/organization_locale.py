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


def locale(time_zone: str, language: Language, sector: Sector | None) -> OrganizationLocale:
    """The locale from stored names (already validated when the organization was registered)."""
    return OrganizationLocale(time_zone=business_time.zone(time_zone), language=language, sector=sector)


async def read_locale(session, organizations, organization_id: str) -> OrganizationLocale:
    """One organization's locale from an organizations table (``id``, ``path``, ``time_zone``,
    ``language``, ``sector``): its own zone and language, and the sector of the deepest
    organization on its path, itself included, that has one. The defaults for an unknown id.
    """
    from sqlalchemy import func, select

    organization, ancestor = organizations.alias("organization"), organizations.alias("ancestor")
    sector = (
        select(ancestor.c.sector)
        .where(ancestor.c.id == organization.c.path.any_(), ancestor.c.sector.is_not(None))
        .order_by(func.array_position(organization.c.path, ancestor.c.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    query = select(organization.c.time_zone, organization.c.language, sector.label("sector")).where(
        organization.c.id == organization_id
    )
    row = (await session.execute(query)).first()
    return locale(row.time_zone, row.language, row.sector) if row else DEFAULT_LOCALE


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
