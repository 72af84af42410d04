"""Loading and saving membership aggregates."""

import datetime as dt
import uuid

from sqlalchemy import Text, func, insert, literal, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.pii import PersonalDataKeyRing
from unionfed_membership.adapters.tables import (
    committee_seats,
    committee_terms,
    dues_payments,
    member_history,
    members,
    organization_moves,
    organizations,
    scheduled_member_changes,
)
from unionfed_membership.domain.committee import Seat, Term
from unionfed_membership.domain.lifecycle import HistoryEntry, MemberChange
from unionfed_membership.domain.member_search import MemberFilter
from unionfed_membership.domain.model import DuesPayment, Member, Organization
from unionfed_membership.domain.personal_data import id_tail_of, normalise_id_number
from unionfed_shared.errors import Conflict, Invalid
from unionfed_shared.organization_locale import OrganizationLocale, read_locale


class OrganizationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, organization_id: str) -> Organization | None:
        row = (await self._session.execute(select(organizations).where(organizations.c.id == organization_id))).first()
        return organization_of(row) if row else None

    async def get_for_update(self, organization_id: str) -> Organization | None:
        query = select(organizations).where(organizations.c.id == organization_id).with_for_update()
        row = (await self._session.execute(query)).first()
        return organization_of(row) if row else None

    async def add(self, organization: Organization) -> None:
        await self._session.execute(
            insert(organizations).values(
                id=organization.id,
                name=organization.name,
                kind=organization.kind,
                parent_id=organization.parent_id,
                path=list(organization.path),
                time_zone=organization.time_zone,
                language=organization.language,
                sector=organization.sector,
            )
        )

    async def subtree(self, root: Organization) -> list[Organization]:
        query = select(organizations).where(organizations.c.path.any_() == root.id).order_by(organizations.c.path)
        return [organization_of(row) for row in await self._session.execute(query)]

    async def locale_of(self, organization_id: str) -> OrganizationLocale:
        """Its federation's time zone and language, and its sector or its nearest ancestor's, as
        the other services' Directory.locale_of answers it; the defaults for an unknown id."""
        return await read_locale(self._session, organizations, organization_id)

    async def lock_tree(self, federation_id: str) -> None:
        """Serialise changes to one federation's tree, so two moves cannot build a cycle together
        and nothing is founded under an organization while its path is being rewritten."""
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(CAST(:key AS text)))"), {"key": f"org-tree/{federation_id}"}
        )

    async def move(self, before: Organization, after: Organization, moved_on: dt.date, moved_by: str) -> None:
        """Re-root the subtree: every path that starts with the old path gets the new prefix."""
        await self._session.execute(
            text(
                # Spaces around the slice colons keep them from reading as bind parameters.
                "UPDATE organizations SET path = CAST(:new_path AS text[]) "
                "|| path[(CAST(:depth AS integer) + 1) : array_length(path, 1)] "
                "WHERE path[1 : CAST(:depth AS integer)] = CAST(:old_path AS text[])"
            ),
            {"new_path": list(after.path), "old_path": list(before.path), "depth": len(before.path)},
        )
        await self._session.execute(
            update(organizations).where(organizations.c.id == after.id).values(parent_id=after.parent_id)
        )
        await self._session.execute(
            insert(organization_moves).values(
                organization_id=after.id,
                old_parent_id=before.parent_id,
                new_parent_id=after.parent_id,
                old_path=list(before.path),
                new_path=list(after.path),
                moved_on=moved_on,
                moved_by=moved_by,
            )
        )

    async def moves(self, organization_id: str) -> list[dict]:
        query = (
            select(organization_moves)
            .where(organization_moves.c.organization_id == organization_id)
            .order_by(organization_moves.c.id)
        )
        return [dict(row._mapping) for row in await self._session.execute(query)]


class MemberRepository:
    def __init__(self, session: AsyncSession, keys: PersonalDataKeyRing):
        self._session = session
        self._keys = keys

    async def get(self, member_id: uuid.UUID) -> Member | None:
        row = (await self._session.execute(select(members).where(members.c.id == member_id))).first()
        return self._member(row) if row else None

    async def get_for_update(self, member_id: uuid.UUID) -> Member | None:
        row = (await self._session.execute(select(members).where(members.c.id == member_id).with_for_update())).first()
        return self._member(row) if row else None

    async def add(self, member: Member) -> None:
        digest = self._keys.id_number_digest(member.id_number) if member.id_number else None
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    insert(members).values(
                        id=member.id,
                        organization_id=member.organization_id,
                        federation_id=member.federation_id,
                        display_name=member.display_name,
                        gender=member.gender,
                        joined_on=member.joined_on,
                        status=member.status,
                        staff_no=member.staff_no,
                        base_salary_fen=member.base_salary_fen,
                        id_number_ciphertext=self._keys.encrypt(member.id_number) if member.id_number else None,
                        id_number_digest=digest,
                        id_number_tail_digest=(
                            self._keys.id_tail_digest(id_tail_of(member.id_number)) if member.id_number else None
                        ),
                        phone_ciphertext=self._keys.encrypt(member.phone) if member.phone else None,
                        pii_key_id=self._keys.current_id,
                    )
                )
        except IntegrityError as exc:
            # Two enrolments of one person racing past the digest check: the index decides.
            if "uq_members_federation_id_number" not in str(exc.orig):
                raise
            existing = await self._session.scalar(
                select(members.c.id).where(
                    members.c.federation_id == member.federation_id,
                    members.c.id_number_digest.in_(self._keys.id_number_digests(member.id_number or "")),
                )
            )
            raise Conflict(
                "already_a_member", zh=f"此人已是会员（会员 {existing}）", en=f"already a member: {existing}"
            ) from None

    async def find_by_id_number(self, federation_id: str, id_number: str) -> Member | None:
        """The federation's member with this ID number; None also for a number that is not valid."""
        try:
            normalised = normalise_id_number(id_number)
        except Invalid:
            return None
        query = select(members).where(
            members.c.federation_id == federation_id,
            # Under any key of the ring: a row not yet re-encrypted is the same person.
            members.c.id_number_digest.in_(self._keys.id_number_digests(normalised)),
        )
        row = (await self._session.execute(query)).first()
        return self._member(row) if row else None

    async def save_state(self, member: Member) -> None:
        await self._session.execute(
            update(members)
            .where(members.c.id == member.id)
            .values(organization_id=member.organization_id, status=member.status)
        )

    async def in_organization(self, organization_id: str) -> list[Member]:
        query = select(members).where(members.c.organization_id == organization_id).order_by(members.c.created_at)
        return [self._member(row) for row in await self._session.execute(query)]

    async def search(
        self, root: Organization, wanted: MemberFilter, after: tuple[str, uuid.UUID] | None, limit: int
    ) -> list[Member]:
        """Members of the root's subtree matching every filter given, in (display name, id) order,
        starting strictly after ``after``."""
        query = select(members)
        if root.parent_id is None and wanted.union_id is None:
            # The whole federation: its own column says so, no list of organizations needed.
            query = query.where(members.c.federation_id == root.id)
        else:
            # The organizations as a list of values rather than a subquery: the planner then knows
            # how many members they hold (it guessed two organizations for any subtree, and read
            # the table once per organization).
            in_subtree = select(organizations.c.id).where(organizations.c.path.any_() == root.id)
            if wanted.union_id is not None:
                in_subtree = in_subtree.where(organizations.c.path.any_() == wanted.union_id)
            organization_ids = list((await self._session.scalars(in_subtree)).all())
            if not organization_ids:
                return []
            query = query.where(
                members.c.federation_id == root.federation_id, members.c.organization_id.in_(organization_ids)
            )
        if (pattern := wanted.name_pattern()) is not None:
            # Three characters or more: the trigram index serves the LIKE itself. One or two
            # (a surname, 张伟) have no trigram: the index of one- and two-character grams
            # narrows the rows first (see 0006_search).
            if wanted.name_is_caseless:
                query = query.where(members.c.display_name.like(pattern, escape="\\"))
            else:
                query = query.where(members.c.display_name.ilike(pattern, escape="\\"))
            if (gram := wanted.name_gram) is not None:
                grams = func.member_name_grams(members.c.display_name, type_=ARRAY(Text))
                query = query.where(grams.contains(literal([gram], ARRAY(Text))))
        if wanted.staff_no is not None:
            query = query.where(members.c.staff_no == wanted.staff_no)
        if wanted.id_tail is not None:
            query = query.where(members.c.id_number_tail_digest.in_(self._keys.id_tail_digests(wanted.id_tail)))
        if wanted.status is not None:
            query = query.where(members.c.status == wanted.status)
        if after is not None:
            key = tuple_(members.c.display_name, members.c.id)
            query = query.where(key > tuple_(literal(after[0]), literal(after[1], members.c.id.type)))
        query = query.order_by(members.c.display_name, members.c.id).limit(limit)
        # The statement is prepared once per connection; a plan made for no name in particular
        # walks the whole name order for a common surname (about 200 ms over 100,000 members)
        # where a plan made for this name reads its few thousand rows from the gram index.
        await self._session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        return [self._member(row) for row in await self._session.execute(query)]

    def _member(self, row) -> Member:
        return Member(
            id=row.id,
            organization_id=row.organization_id,
            federation_id=row.federation_id,
            display_name=row.display_name,
            gender=row.gender,
            joined_on=row.joined_on,
            status=row.status,
            staff_no=row.staff_no,
            base_salary_fen=row.base_salary_fen,
            id_number=self._keys.decrypt(row.id_number_ciphertext, row.pii_key_id)
            if row.id_number_ciphertext
            else None,
            phone=self._keys.decrypt(row.phone_ciphertext, row.pii_key_id) if row.phone_ciphertext else None,
        )


class MemberHistoryRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, entries: list[HistoryEntry]) -> None:
        await self._session.execute(
            insert(member_history),
            [
                {
                    "member_id": e.member_id,
                    "organization_id": e.organization_id,
                    "change": e.change,
                    "effective_on": e.effective_on,
                    "recorded_at": e.recorded_at,
                    "recorded_by": e.recorded_by,
                }
                for e in entries
            ],
        )

    async def version_of(self, member_id) -> int:
        """How many changes the member has had: their events carry it so consumers keep the newest."""
        return (
            await self._session.execute(
                select(func.count()).select_from(member_history).where(member_history.c.member_id == member_id)
            )
        ).scalar_one()

    async def last_change_on(self, member: Member) -> dt.date:
        latest = await self._session.scalar(
            select(func.max(member_history.c.effective_on)).where(member_history.c.member_id == member.id)
        )
        return max(latest or member.joined_on, member.joined_on)

    async def of_member(self, member_id: uuid.UUID) -> list[dict]:
        query = (
            select(member_history)
            .where(member_history.c.member_id == member_id)
            .order_by(member_history.c.effective_on, member_history.c.id)
        )
        return [dict(row._mapping) for row in await self._session.execute(query)]


class ScheduledChangeRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, change: MemberChange) -> None:
        await self._session.execute(
            insert(scheduled_member_changes).values(
                id=change.id,
                member_id=change.member_id,
                change=change.change,
                from_organization_id=change.from_organization_id,
                to_organization_id=change.to_organization_id,
                effective_on=change.effective_on,
                status=change.status,
                recorded_at=change.recorded_at,
                recorded_by=change.recorded_by,
            )
        )

    async def get(self, change_id: uuid.UUID) -> MemberChange | None:
        query = select(scheduled_member_changes).where(scheduled_member_changes.c.id == change_id)
        row = (await self._session.execute(query)).first()
        return _change(row) if row else None

    async def pending_for(self, member_id: uuid.UUID) -> MemberChange | None:
        query = select(scheduled_member_changes).where(
            scheduled_member_changes.c.member_id == member_id, scheduled_member_changes.c.status == "scheduled"
        )
        row = (await self._session.execute(query.with_for_update())).first()
        return _change(row) if row else None

    async def due_member_ids(self, today: dt.date) -> list[uuid.UUID]:
        query = (
            select(scheduled_member_changes.c.member_id)
            .where(scheduled_member_changes.c.status == "scheduled", scheduled_member_changes.c.effective_on <= today)
            .order_by(scheduled_member_changes.c.effective_on, scheduled_member_changes.c.recorded_at)
        )
        return list((await self._session.scalars(query)).all())

    async def settle(self, change_id: uuid.UUID, status: str, by: str, now: dt.datetime) -> None:
        await self._session.execute(
            update(scheduled_member_changes)
            .where(scheduled_member_changes.c.id == change_id)
            .values(status=status, settled_at=now, settled_by=by)
        )

    async def touching(self, organization_ids: list[str], status: str | None) -> list[dict]:
        """Changes of members leaving or joining any of these organizations."""
        query = select(scheduled_member_changes).where(
            scheduled_member_changes.c.from_organization_id.in_(organization_ids)
            | scheduled_member_changes.c.to_organization_id.in_(organization_ids)
        )
        if status:
            query = query.where(scheduled_member_changes.c.status == status)
        query = query.order_by(scheduled_member_changes.c.effective_on, scheduled_member_changes.c.recorded_at)
        return [dict(row._mapping) for row in await self._session.execute(query)]


class CommitteeRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def current(self, organization_id: str, *, for_update: bool = False) -> Term | None:
        query = select(committee_terms).where(
            committee_terms.c.organization_id == organization_id, committee_terms.c.closed_on.is_(None)
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return await self._term(row) if row else None

    async def terms(self, organization_id: str) -> list[Term]:
        query = (
            select(committee_terms)
            .where(committee_terms.c.organization_id == organization_id)
            .order_by(committee_terms.c.number)
        )
        return [await self._term(row) for row in (await self._session.execute(query)).all()]

    async def close(self, term: Term, closed_on: dt.date) -> None:
        await self._session.execute(
            update(committee_terms).where(committee_terms.c.id == term.id).values(closed_on=closed_on)
        )

    async def add(self, term: Term) -> None:
        await self._session.execute(
            insert(committee_terms).values(
                id=term.id,
                organization_id=term.organization_id,
                number=term.number,
                elected_on=term.elected_on,
                starts_on=term.starts_on,
                ends_on=term.ends_on,
                recorded_by=term.recorded_by,
            )
        )
        await self._session.execute(
            insert(committee_seats),
            [
                {"term_id": term.id, "role": s.role, "subject": s.subject, "display_name": s.display_name}
                for s in term.roster
            ],
        )

    async def _term(self, row) -> Term:
        seats = await self._session.execute(
            select(committee_seats).where(committee_seats.c.term_id == row.id).order_by(committee_seats.c.role)
        )
        return Term(
            id=row.id,
            organization_id=row.organization_id,
            number=row.number,
            elected_on=row.elected_on,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            closed_on=row.closed_on,
            recorded_by=row.recorded_by,
            roster=tuple(Seat(role=s.role, subject=s.subject, display_name=s.display_name) for s in seats),
        )


class DuesRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def paid_periods(self, member_id: uuid.UUID) -> set[str]:
        query = select(dues_payments.c.period).where(dues_payments.c.member_id == member_id).with_for_update()
        return set((await self._session.scalars(query)).all())

    async def add(self, payment: DuesPayment) -> None:
        await self._session.execute(
            insert(dues_payments).values(
                id=payment.id,
                member_id=payment.member_id,
                organization_id=payment.organization_id,
                period=payment.period,
                amount_fen=payment.amount_fen,
                collected_at=payment.collected_at,
            )
        )

    async def in_organization(self, organization_id: str, period: str | None) -> list[dict]:
        query = select(dues_payments).where(dues_payments.c.organization_id == organization_id)
        if period:
            query = query.where(dues_payments.c.period == period)
        return [dict(row._mapping) for row in await self._session.execute(query.order_by(dues_payments.c.collected_at))]

    async def of_member(self, member_id: uuid.UUID) -> list[dict]:
        query = select(dues_payments).where(dues_payments.c.member_id == member_id).order_by(dues_payments.c.period)
        return [dict(row._mapping) for row in await self._session.execute(query)]


def organization_of(row) -> Organization:
    return Organization(
        id=row.id,
        name=row.name,
        kind=row.kind,
        parent_id=row.parent_id,
        path=tuple(row.path),
        time_zone=row.time_zone,
        language=row.language,
        sector=row.sector,
    )


def _change(row) -> MemberChange:
    return MemberChange(
        id=row.id,
        member_id=row.member_id,
        change=row.change,
        from_organization_id=row.from_organization_id,
        to_organization_id=row.to_organization_id,
        effective_on=row.effective_on,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        status=row.status,
    )
