"""SQL behind dues collection, roster import and membership reports; the unit of work holds one of each."""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, func, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.dues_tables import dues_policies, roster_imports, staff_counts
from unionfed_membership.adapters.tables import dues_payments, members, metadata
from unionfed_membership.domain.dues import DuesPolicy, MemberDues
from unionfed_membership.domain.model import DuesPayment


class DuesStore:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def save_policy(self, policy: DuesPolicy, set_by: str) -> None:
        """One policy per (federation, valid_from): setting it again corrects it."""
        values = {
            "rate_per_mille": policy.rate_per_mille,
            "exempt_statuses": sorted(policy.exempt_statuses),
            "exempt_member_ids": sorted(policy.exempt_member_ids),
            "set_by": set_by,
            "set_at": func.now(),
        }
        statement = pg_insert(dues_policies).values(
            federation_id=policy.federation_id, valid_from=policy.valid_from, **values
        )
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["federation_id", "valid_from"], set_=values)
        )

    async def policies(self, federation_id: str) -> list[DuesPolicy]:
        query = select(dues_policies).where(dues_policies.c.federation_id == federation_id)
        return [
            DuesPolicy(
                federation_id=row.federation_id,
                valid_from=row.valid_from,
                rate_per_mille=row.rate_per_mille,
                exempt_statuses=frozenset(row.exempt_statuses),
                exempt_member_ids=frozenset(row.exempt_member_ids),
            )
            for row in await self._session.execute(query.order_by(dues_policies.c.valid_from))
        ]

    async def members_in(self, organization_ids: Sequence[str]) -> list[MemberDues]:
        query = (
            select(
                members.c.id,
                members.c.organization_id,
                members.c.display_name,
                members.c.status,
                members.c.joined_on,
                members.c.base_salary_fen,
            )
            .where(members.c.organization_id.in_(organization_ids))
            .order_by(members.c.organization_id, members.c.created_at, members.c.id)
        )
        return [MemberDues(**row._mapping) for row in await self._session.execute(query)]

    async def paid_periods(self, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
        ids = list(member_ids)
        paid: dict[uuid.UUID, set[str]] = {member_id: set() for member_id in ids}
        if ids:
            query = select(dues_payments.c.member_id, dues_payments.c.period).where(dues_payments.c.member_id.in_(ids))
            for member_id, period in await self._session.execute(query):
                paid[member_id].add(period)
        return paid

    async def lock_collection(self, organization_id: str, period: str) -> None:
        # Two officers collecting the same union and month at once run one after the other,
        # so the second sees the first's payments instead of racing it.
        await self._session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"dues:{organization_id}:{period}", 0)))
        )

    async def add_payment_once(self, payment: DuesPayment) -> bool:
        """Insert unless the member already paid the period; True when this call recorded it."""
        statement = (
            pg_insert(dues_payments)
            .values(
                id=payment.id,
                member_id=payment.member_id,
                organization_id=payment.organization_id,
                period=payment.period,
                amount_fen=payment.amount_fen,
                collected_at=payment.collected_at,
            )
            .on_conflict_do_nothing(constraint="uq_dues_once_per_member_period")
            .returning(dues_payments.c.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def paid_for(self, member_ids: Sequence[uuid.UUID], period: str) -> set[uuid.UUID]:
        """Which of these members already paid ``period``: one statement for a whole union."""
        if not member_ids:
            return set()
        query = select(dues_payments.c.member_id).where(
            dues_payments.c.period == period, dues_payments.c.member_id == func.any(list(member_ids))
        )
        return set((await self._session.scalars(query)).all())

    async def add_payments(
        self, payments: Sequence[DuesPayment], batch_of: dict[uuid.UUID, uuid.UUID]
    ) -> set[uuid.UUID]:
        """Insert a month's payments in one statement, each unless its member already paid the
        period (and only while the member is still active in the organization it was assessed
        in); the ids of those this call recorded."""
        if not payments:
            return set()
        statement = text(
            """
            INSERT INTO dues_payments (id, member_id, organization_id, period, amount_fen, collected_at, batch_id)
            SELECT p.id, p.member_id, p.organization_id, :period, p.amount_fen, :collected_at, p.batch_id
            FROM unnest(CAST(:ids AS uuid[]), CAST(:members AS uuid[]), CAST(:organizations AS text[]),
                        CAST(:amounts AS bigint[]), CAST(:batches AS uuid[]))
                 AS p(id, member_id, organization_id, amount_fen, batch_id)
            JOIN members m ON m.id = p.member_id AND m.organization_id = p.organization_id AND m.status = 'active'
            ON CONFLICT ON CONSTRAINT uq_dues_once_per_member_period DO NOTHING
            RETURNING id
            """
        )
        [first] = {(p.period, p.collected_at) for p in payments}
        found = await self._session.scalars(
            statement,
            {
                "period": first[0],
                "collected_at": first[1],
                "ids": [p.id for p in payments],
                "members": [p.member_id for p in payments],
                "organizations": [p.organization_id for p in payments],
                "amounts": [p.amount_fen for p in payments],
                "batches": [batch_of[p.id] for p in payments],
            },
        )
        return set(found.all())


class RosterQueries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def member_id_by_staff_no(self, organization_ids: Sequence[str], staff_no: str) -> uuid.UUID | None:
        query = (
            select(members.c.id)
            .where(members.c.organization_id.in_(organization_ids), members.c.staff_no == staff_no)
            .limit(1)
        )
        return (await self._session.execute(query)).scalar()

    async def record_import(self, organization_id: str, filename: str, sha256: str, summary, imported_by: str) -> None:
        await self._session.execute(
            insert(roster_imports).values(
                organization_id=organization_id,
                filename=filename[:255],
                sha256=sha256,
                rows=summary.rows,
                created=summary.created,
                skipped=len(summary.skipped),
                refused=len(summary.refused),
                imported=summary.imported,
                imported_by=imported_by,
            )
        )


class ReportQueries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def set_staff_count(self, organization_id: str, staff_count: int, set_by: str) -> None:
        values = {"staff_count": staff_count, "set_by": set_by, "set_at": func.now()}
        statement = pg_insert(staff_counts).values(organization_id=organization_id, **values)
        await self._session.execute(statement.on_conflict_do_update(index_elements=["organization_id"], set_=values))

    async def staff_counts(self, organization_ids: Sequence[str]) -> dict[str, int]:
        query = select(staff_counts.c.organization_id, staff_counts.c.staff_count).where(
            staff_counts.c.organization_id.in_(organization_ids)
        )
        return dict((await self._session.execute(query)).all())

    async def members_by_status(self, organization_ids: Sequence[str]) -> dict[tuple[str, str], int]:
        """(organization, status) → how many members."""
        query = (
            select(members.c.organization_id, members.c.status, func.count())
            .where(members.c.organization_id.in_(organization_ids))
            .group_by(members.c.organization_id, members.c.status)
        )
        return {(org, status): n for org, status, n in await self._session.execute(query)}

    async def changes(
        self, organization_ids: Sequence[str], first_day: dt.date, last_day: dt.date
    ) -> dict[tuple[str, str], int]:
        """(organization, change) → how many history entries took effect between the two days."""
        history = metadata.tables["member_history"]
        query = (
            select(history.c.organization_id, history.c.change, func.count())
            .where(
                and_(
                    history.c.organization_id.in_(organization_ids),
                    history.c.effective_on >= first_day,
                    history.c.effective_on <= last_day,
                )
            )
            .group_by(history.c.organization_id, history.c.change)
        )
        return {(org, change): n for org, change, n in await self._session.execute(query)}
