"""Safe retries of money commands with Idempotency-Key, on a real finance database.

The last test serves finance with uvicorn behind a TCP proxy that cuts the connection once the answer
is on its way: the command has committed, the client never hears of it, and its retry with the same
key must find the first answer instead of paying twice.
"""

import asyncio
import contextlib
import datetime as dt
import uuid

import httpx
import pytest
import uvicorn
from fastapi import APIRouter
from sqlalchemy import func, select, text

from tests.factories import school_events
from tests.kafka_tools import envelope_for
from tests.pytest_infra import bearer, eventually, unique
from unionfed_finance.adapters.tables import idempotency_keys, outbox
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.contracts import topics
from unionfed_shared.http import create_app
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.messaging.consumer import IncomingMessage

pytestmark = pytest.mark.integration

EXPENSE = {"category": "equipment", "amount_fen": 1_500_00, "spent_on": "2026-10-20", "description": "乐器 instruments"}


@pytest.fixture
async def school_books(build_service):
    finance = await build_service(definition)
    federation, school = unique("county"), unique("school")
    _member, setup = school_events(federation, school)
    for offset, event in enumerate(setup):
        envelope = envelope_for(event)
        await finance.consumer.handle(
            IncomingMessage(
                topics.MEMBERSHIP,
                0,
                offset,
                envelope.key,
                envelope.data,
                tuple((k, v.encode()) for k, v in envelope.headers().items()),
            )
        )
    return finance, federation, school


@pytest.fixture
async def api(school_books):
    finance, *_ = school_books
    transport = httpx.ASGITransport(app=create_app(finance))
    async with httpx.AsyncClient(transport=transport, base_url="http://finance", timeout=20) as client:
        yield client


async def commands_written(finance, federation: str) -> int:
    """The money commands this federation's books sent (one outbox row each): the effect to count."""
    async with finance.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(outbox).where(outbox.c.key == federation.encode()))


def keyed(headers: dict, key: str) -> dict:
    return {**headers, "Idempotency-Key": key}


async def test_same_key_same_body_answers_the_first_answer_and_does_nothing_twice(school_books, api):
    finance, federation, school = school_books
    treasurer = bearer(Role.UNION_OFFICER, school, federation)
    key = str(uuid.uuid4())
    before = await commands_written(finance, federation)

    first = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key))
    # The same request re-serialised by the client (other key order, other spacing) is the same request.
    again = await api.post(
        f"/v1/organizations/{school}/expenses",
        content=b'{"description": "\\u4e50\\u5668 instruments", '
        b'"spent_on": "2026-10-20", "amount_fen": 150000, "category": "equipment"}',
        headers=keyed({**treasurer, "content-type": "application/json"}, f'"{key}"'),
    )

    assert first.status_code == again.status_code == 202, (first.text, again.text)
    assert again.json() == first.json()
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert await commands_written(finance, federation) == before + 1
    async with finance.session_factory() as session:
        lifetime = await session.scalar(
            select(idempotency_keys.c.expires_at - func.now()).where(idempotency_keys.c.key == key)
        )
    assert lifetime >= dt.timedelta(hours=23, minutes=59)


async def test_same_key_other_body_is_refused_and_changes_nothing(school_books, api):
    finance, federation, school = school_books
    treasurer = bearer(Role.UNION_OFFICER, school, federation)
    key = str(uuid.uuid4())
    first = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key))
    assert first.status_code == 202, first.text
    before = await commands_written(finance, federation)

    other_amount = await api.post(
        f"/v1/organizations/{school}/expenses", json={**EXPENSE, "amount_fen": 9_999_00}, headers=keyed(treasurer, key)
    )
    other_route = await api.post(
        f"/v1/organizations/{school}/employer-funds",
        json={"amount_fen": 1_500_00, "received_on": "2026-10-20"},
        headers=keyed(treasurer, key),
    )

    for refused in (other_amount, other_route):
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "idempotency_key_reused" and refused.json()["status"] == 422
    assert await commands_written(finance, federation) == before


async def test_a_key_is_its_callers_own(school_books, api):
    finance, federation, school = school_books
    key = str(uuid.uuid4())
    alice = bearer(Role.UNION_OFFICER, school, federation, subject="alice")
    bob = bearer(Role.UNION_OFFICER, school, federation, subject="bob")
    before = await commands_written(finance, federation)

    first = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(alice, key))
    other = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(bob, key))

    assert first.status_code == other.status_code == 202, (first.text, other.text)
    assert "idempotent-replayed" not in other.headers
    assert other.json()["request_id"] != first.json()["request_id"], "bob must not read alice's answer"
    assert await commands_written(finance, federation) == before + 2


async def test_a_request_still_in_flight_is_refused_with_409(school_books, api):
    finance, federation, school = school_books
    treasurer = bearer(Role.UNION_OFFICER, school, federation, subject="carol")
    key = str(uuid.uuid4())
    before = await commands_written(finance, federation)
    async with finance.engine.connect() as first_request:
        # What a request with this key holds from its first statement until its answer is committed.
        await first_request.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:subject || chr(31) || :key, 0))"),
            {"subject": "carol", "key": key},
        )
        busy = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key))
        await first_request.rollback()

    assert busy.status_code == 409, busy.text
    assert busy.json()["code"] == "idempotency_key_in_flight"
    assert await commands_written(finance, federation) == before
    done = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key))
    assert done.status_code == 202 and await commands_written(finance, federation) == before + 1


async def test_refusals_and_unkeyed_requests_store_no_key(school_books, api):
    finance, federation, school = school_books
    treasurer = bearer(Role.UNION_OFFICER, school, federation, subject="dave")
    auditor = bearer(Role.AUDITOR, federation, federation, subject="dave")
    bad = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, "k" * 256))
    assert bad.status_code == 400 and bad.json()["code"] == "idempotency_key_invalid"
    key = str(uuid.uuid4())
    forbidden = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(auditor, key))
    assert forbidden.status_code == 403
    # The refusal stored nothing: the same key now does the work once allowed.
    allowed = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key))
    assert allowed.status_code == 202 and "idempotent-replayed" not in allowed.headers
    async with finance.session_factory() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(idempotency_keys).where(idempotency_keys.c.subject == "dave")
            )
            == 1
        )


class AnswerCutter:
    """A TCP proxy that, when armed, lets the request through and drops the connection as the answer comes back."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.armed = False
        self.cut = asyncio.Event()
        self.port = 0
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        self._server.close()

    async def _accept(self, client_reader, client_writer) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)

        async def requests() -> None:
            with contextlib.suppress(ConnectionError):
                while data := await client_reader.read(65536):
                    upstream_writer.write(data)
                    await upstream_writer.drain()

        async def answers() -> None:
            with contextlib.suppress(ConnectionError):
                while data := await upstream_reader.read(65536):
                    if self.armed:
                        # The server has answered, so the command has committed: the client never hears it.
                        self.armed = False
                        client_writer.transport.abort()
                        self.cut.set()
                        return
                    client_writer.write(data)
                    await client_writer.drain()

        forward = asyncio.create_task(requests())
        await answers()
        forward.cancel()
        upstream_writer.close()
        client_writer.close()


async def test_a_retry_after_the_connection_dropped_past_the_commit_finds_one_effect(school_books):
    finance, federation, school = school_books
    treasurer = bearer(Role.UNION_OFFICER, school, federation)
    server = uvicorn.Server(
        uvicorn.Config(create_app(finance), host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    )
    serving = asyncio.create_task(server.serve())

    async def started():
        return server.started

    await eventually(started, timeout=20)
    proxy = AnswerCutter(server.servers[0].sockets[0].getsockname()[1])
    await proxy.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{proxy.port}", timeout=60) as client:
            funds = await client.post(
                f"/v1/organizations/{school}/employer-funds",
                json={"amount_fen": 10_000_00, "received_on": "2026-10-10"},
                headers=treasurer,
            )
            assert funds.status_code == 202, funds.text
            await settled(client, funds.json()["status_url"], treasurer)
            cash_before = await cash(client, school, treasurer)
            before = await commands_written(finance, federation)
            key = str(uuid.uuid4())

            proxy.armed = True
            with pytest.raises(httpx.TransportError):
                await client.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key))
            assert proxy.cut.is_set(), "the connection was cut after the server answered"
            assert await commands_written(finance, federation) == before + 1, "the first attempt committed"

            retry = await client.post(
                f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key)
            )
            assert retry.status_code == 202, retry.text
            outcome = await settled(client, retry.json()["status_url"], treasurer)
            assert outcome["status"] == "posted", outcome

            assert await commands_written(finance, federation) == before + 1, "one expense, not two"
            await asyncio.sleep(1)  # time for a second posting to show, were there one
            assert await cash(client, school, treasurer) == cash_before - EXPENSE["amount_fen"]
            assert retry.headers["idempotent-replayed"] == "true"
    finally:
        await proxy.close()
        server.should_exit = True
        await serving


async def settled(client: httpx.AsyncClient, url: str, headers: dict) -> dict:
    async def outcome():
        answer = await client.get(url, headers=headers)
        return answer.json() if answer.status_code == 200 else None

    return await eventually(outcome, timeout=90)  # through Kafka and the poster, on a loaded machine


async def cash(client: httpx.AsyncClient, organization_id: str, headers: dict) -> int:
    answer = await client.get(f"/v1/organizations/{organization_id}/ledger/balances", headers=headers)
    assert answer.status_code == 200, answer.text
    return {a["code"]: a["balance_fen"] for a in answer.json()["accounts"]}["1001"]


async def test_an_expired_key_is_a_new_key_and_expired_keys_are_swept(school_books, api):
    finance, federation, school = school_books
    treasurer = bearer(Role.UNION_OFFICER, school, federation, subject="erin")
    key = str(uuid.uuid4())
    stale = {
        "fingerprint": "another request",
        "method": "POST",
        "route": "/old",
        "status_code": 202,
        "headers": [],
        "body": b"{}",
    }
    now = dt.datetime.now(dt.UTC)
    async with finance.session_factory() as session:
        await session.execute(
            idempotency_keys.insert(),
            [
                {**stale, "subject": "erin", "key": key, "expires_at": now - dt.timedelta(seconds=1)},
                {**stale, "subject": "frank", "key": "old", "expires_at": now - dt.timedelta(hours=1)},
            ],
        )
        await session.commit()
    before = await commands_written(finance, federation)

    answer = await api.post(f"/v1/organizations/{school}/expenses", json=EXPENSE, headers=keyed(treasurer, key))

    assert answer.status_code == 202, answer.text
    assert await commands_written(finance, federation) == before + 1
    async with finance.session_factory() as session:
        rows = (
            await session.execute(
                select(idempotency_keys.c.subject, idempotency_keys.c.fingerprint).where(
                    idempotency_keys.c.subject.in_(["erin", "frank"])
                )
            )
        ).all()
    assert [subject for subject, _ in rows] == ["erin"] and rows[0].fingerprint != "another request"


async def test_every_unit_of_work_of_a_keyed_request_commits_once_with_its_key(school_books):
    """Units of work opened after the first commit join its transaction; one left without commit undoes only itself."""
    finance, federation, school = school_books
    probe = f"probe_{uuid.uuid4().hex[:8]}"
    async with finance.engine.begin() as connection:
        await connection.execute(text(f"CREATE TABLE {probe} (step text)"))
    router = APIRouter(route_class=IdempotentRoute)

    @router.post("/probe")
    async def several_units_of_work(_principal: CurrentPrincipal) -> dict:
        async with finance.uow() as uow:  # reads only
            await uow.session.execute(text(f"SELECT count(*) FROM {probe}"))
        async with finance.uow() as uow:
            await uow.session.execute(text(f"INSERT INTO {probe} VALUES ('first')"))
            await uow.commit()
        async with finance.uow() as uow:
            await uow.session.execute(text(f"INSERT INTO {probe} VALUES ('second')"))
            await uow.commit()
        with contextlib.suppress(RuntimeError):
            async with finance.uow() as uow:
                await uow.session.execute(text(f"INSERT INTO {probe} VALUES ('abandoned')"))
                raise RuntimeError("refused halfway")
        async with finance.uow() as uow:
            seen = [step for (step,) in await uow.session.execute(text(f"SELECT step FROM {probe} ORDER BY step"))]
        # Nothing is visible outside yet: the key and the answer are written first.
        async with finance.engine.connect() as outside:
            assert await outside.scalar(text(f"SELECT count(*) FROM {probe}")) == 0
        return {"seen": seen}

    app = create_app(finance)
    app.include_router(router)
    headers = {**bearer(Role.UNION_OFFICER, school, federation, subject="gina"), "Idempotency-Key": "probe-1"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://finance") as client:
        first = await client.post("/probe", headers=headers)
        again = await client.post("/probe", headers=headers)

    assert first.status_code == 200, first.text
    assert first.json() == again.json() == {"seen": ["first", "second"]}
    async with finance.engine.connect() as connection:
        steps = [step for (step,) in await connection.execute(text(f"SELECT step FROM {probe} ORDER BY step"))]
        await connection.execute(text(f"DROP TABLE {probe}"))
        await connection.commit()
    assert steps == ["first", "second"]
