"""Events as the other services would publish them, for tests."""

import datetime as dt
import uuid

from unionfed_shared.contracts.membership import DuesCollectedV1, MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.contracts.spending import PaymentLine, WelfareBatchPaymentRequestedV1


def school_events(federation: str, school: str):
    member_id = uuid.uuid4()
    return member_id, [
        OrganizationRegisteredV1(
            organization_id=federation,
            federation_id=federation,
            name="County union",
            kind="federation",
            parent_id=None,
            path=[federation],
        ),
        OrganizationRegisteredV1(
            organization_id=school,
            federation_id=federation,
            name="No. 1 Primary",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
        ),
        MemberJoinedV1(
            organization_id=school,
            federation_id=federation,
            member_id=member_id,
            display_name="Li Hua",
            gender="female",
            joined_on=dt.date(2020, 9, 1),
        ),
    ]


def dues(federation: str, school: str, member_id: uuid.UUID, amount_fen: int, period: str = "2026-10"):
    return DuesCollectedV1(
        organization_id=school,
        federation_id=federation,
        payment_id=uuid.uuid4(),
        member_id=member_id,
        period=period,
        amount_fen=amount_fen,
        collected_at=dt.datetime(2026, 10, 28, 2, 0, tzinfo=dt.UTC),
    )


def greeting_chunk(
    federation: str, school: str, batch_id: uuid.UUID, paid_on: dt.date, description: str, amounts: list[int]
) -> WelfareBatchPaymentRequestedV1:
    """A festival greeting's chunk as welfare sends it: a line, its own hold and reference, per member."""
    return WelfareBatchPaymentRequestedV1(
        organization_id=school,
        federation_id=federation,
        batch_id=batch_id,
        category="welfare",
        paid_on=paid_on,
        description=description,
        reference=f"greeting/{batch_id}",
        lines=[
            PaymentLine(hold_id=uuid.uuid4(), reference=f"greeting/{batch_id}/{uuid.uuid4()}", amount_fen=amount)
            for amount in amounts
        ],
    )


def organization(federation: str, path: list[str], kind: str, name: str) -> OrganizationRegisteredV1:
    """The organization at the end of ``path`` (root first), registered in ``federation``."""
    return OrganizationRegisteredV1(
        organization_id=path[-1],
        federation_id=federation,
        name=name,
        kind=kind,
        parent_id=path[-2] if len(path) > 1 else None,
        path=path,
    )


def member(federation: str, organization_id: str, name: str) -> MemberJoinedV1:
    return MemberJoinedV1(
        organization_id=organization_id,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name=name,
        gender="female",
        joined_on=dt.date(2020, 9, 1),
    )
