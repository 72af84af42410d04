"""The outbox relay publishes every committed event, in commit-safe order (real Kafka and PostgreSQL)."""

import pytest
from sqlalchemy import select

from tests.kafka_tools import read_topic
from tests.pytest_infra import unique
from unionfed_membership.adapters.tables import outbox
from unionfed_membership.entrypoints.app import definition
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import OrganizationRegisteredV1

pytestmark = pytest.mark.integration


def registered(organization_id: str, name: str) -> OrganizationRegisteredV1:
    return OrganizationRegisteredV1(
        organization_id=organization_id,
        federation_id=organization_id,
        name=name,
        kind="federation",
        parent_id=None,
        path=[organization_id],
    )


async def test_relay_skips_no_row_when_transactions_commit_out_of_order(build_service, infra):
    membership = await build_service(definition, start=False)
    await membership.broker.connect()
    org = unique("fed")

    early = membership.uow()
    await early.__aenter__()
    try:
        first = early.emit(registered(org, "begun first, committed last"))
        await early.flush()  # the row exists, with the lower transaction id, but is not committed

        async with membership.uow() as late:
            second = late.emit(registered(org, "begun second, committed first"))
            await late.commit()

        # The committed row is held back: publishing it now would put it ahead of `first`,
        # and a relay reading `id > last_published` would then never see `first` at all.
        assert await membership.relay.publish_ready() == 0
        await early.commit()
    finally:
        await early.__aexit__(None, None, None)

    assert await membership.relay.publish_ready() == 2
    assert await membership.relay.publish_ready() == 0
    records = await read_topic(infra.kafka_bootstrap, topics.MEMBERSHIP, lambda r: r.key == org.encode())
    assert [dict(r.headers)["ce_id"].decode() for r in records] == [first.id, second.id]
    async with membership.session_factory() as session:
        unpublished = (await session.execute(select(outbox.c.id).where(outbox.c.published_at.is_(None)))).all()
    assert unpublished == []


async def test_relay_publishes_what_an_aborted_transaction_did_not_write(build_service, infra):
    membership = await build_service(definition, start=False)
    await membership.broker.connect()
    org = unique("fed")
    async with membership.uow() as aborted:
        aborted.emit(registered(org, "rolled back"))
        await aborted.flush()
        # leaving the block without commit rolls the row back
    async with membership.uow() as kept:
        survivor = kept.emit(registered(org, "kept"))
        await kept.commit()

    assert await membership.relay.publish_ready() == 1
    records = await read_topic(infra.kafka_bootstrap, topics.MEMBERSHIP, lambda r: r.key == org.encode())
    assert [dict(r.headers)["ce_id"].decode() for r in records] == [survivor.id]
