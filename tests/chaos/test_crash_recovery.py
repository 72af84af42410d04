"""PostgreSQL killed with SIGKILL under load: crash recovery, for each service's database.

The chaos platform runs the four services' databases in one PostgreSQL cluster (one server, as
``make up`` and the compose file do), so a SIGKILL of the server crashes every database at once
and crash recovery (WAL replay) runs for all of them. What differs per service is what was in
flight: a kill while no transaction of a service is open exercises nothing of that service's
recovery. So the test kills the server four times, each time *during one service's own write
path* — the moment that service's database has a transaction open that wrote, or its outbox
relay holds rows it is publishing — in turn for finance, membership, welfare and events:

- finance: after the membership phase, while its consumer applies the dues (postings, inbox);
- membership: before the finance phase, while rows written straight into its outbox (as its
  use cases do, one transaction each) are being published by its relay: a row whose
  transaction committed must be published and posted, one whose commit was cut must not be;
- welfare and events: after their phases, while their consumers apply the settlements and
  their relays publish the requests.

The postmaster and every backend are killed together (no shutdown checkpoint: what a power cut
does), the server is started again on the same data and recovers from its WAL (the test
asserts the server log says so), and the services recover by themselves. Then ``check``: every
expected posting exactly once, reconcile and verify-chain pass, outboxes drained, consumer groups
caught up, no dead letter from the outage; and every outbox row committed during the test is on
its topic. A kill between the broker's acknowledgement and the ``published_at`` update
re-publishes a row (the relay is at-least-once): such copies are counted and shown, and the
inbox makes them no-ops (the exactly-once postings above).
"""

import asyncio
import datetime as dt
import json
import os
import signal
import time
import uuid
from collections import Counter

import asyncpg
import pytest

from tests.chaos.conftest import ROUNDS, SEED
from tests.chaos.platform import log
from tests.chaos.workload import Workload, _connect, _query, check
from tests.infra import restart_postgres
from tests.kafka_tools import envelope_for, read_topic
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import DuesCollectedV1

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600 * ROUNDS)]

WRITER = "chaos-outbox-writer"  # the application_name of the test's own writes: never a trigger
# An open transaction of the service that has written (it holds a transaction id); for membership,
# which consumes nothing, also its relay between reading outbox rows and marking them published
# (waiting on the broker's acknowledgements).
_IN_FLIGHT = """
    SELECT pid, state, backend_xid::text AS xid, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
    FROM pg_stat_activity
    WHERE datname = $1 AND backend_type = 'client backend' AND application_name <> $2
      AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction')
      AND (backend_xid IS NOT NULL OR ($3 AND state = 'idle in transaction' AND query ILIKE '%FROM outbox%'))
"""
# (hook of the workload, service whose write path the kill hits)
KILLS = (("membership", "finance"), ("before_finance", "membership"), ("welfare", "welfare"), ("events", "events"))


def _postmaster_and_backends(infra) -> list[int]:
    pid = int((infra.state_dir / "pg" / "postmaster.pid").read_text().split()[0])
    backends = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()  # noqa: SIM115
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                backends.append(int(entry))
    return [pid, *backends]


def kill_postgres(infra) -> list[int]:
    """SIGKILL the postmaster and every backend at once: no shutdown, no checkpoint."""
    if infra.mode != "native":
        from tests.infra import _container

        _container(infra, "postgres").get_wrapped_container().kill(signal="SIGKILL")
        return []
    victims = _postmaster_and_backends(infra)
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in victims):
        if time.monotonic() > deadline:
            raise RuntimeError(f"PostgreSQL processes {victims} still alive after SIGKILL")
        time.sleep(0.05)
    return victims


def _alive(pid: int) -> bool:
    """Still in the process table — a zombie too: pg_ctl would take its pid for a running server."""
    return os.path.exists(f"/proc/{pid}")


def _recoveries(infra) -> int:
    """How often the server log says crash recovery ran (native mode; docker keeps its own log)."""
    path = infra.state_dir / "pg.log"
    if infra.mode != "native" or not path.exists():
        return 0
    return path.read_text(errors="replace").count("automatic recovery in progress")


async def _kill_during_write(platform, service: str, timeout: float = 60) -> str:
    """Wait until ``service``'s database has a write in flight, then kill the server at once."""
    database = f"chaos_{service}_{platform.run}"
    watcher = await asyncpg.connect(platform.infra.pg_dsn("postgres", driver="postgresql"))
    try:
        deadline = time.monotonic() + timeout
        while True:
            rows = await watcher.fetch(_IN_FLIGHT, database, WRITER, service == "membership")
            if rows:
                caught = "; ".join(f"pid {r['pid']} {r['state']} xid {r['xid']}: {r['query']}" for r in rows)
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"no write of {service} in flight within {timeout}s: nothing to crash")
            await asyncio.sleep(0.003)
        victims = await asyncio.to_thread(kill_postgres, platform.infra)
    finally:
        watcher.terminate()
    log(f"PostgreSQL killed (SIGKILL, {len(victims)} processes) during {service}'s write: {caught}")
    return caught


async def test_crash_postgresql_killed_during_each_services_write_path_recovers_every_effect_once(healthy, rng):
    for round_no in range(ROUNDS):
        await _one_round(healthy, rng, round_no)


async def _one_round(platform, rng, round_no: int) -> None:
    downtimes = {service: round(rng.uniform(0.2, 3.0), 1) for _, service in KILLS}
    log(f"crash recovery round {round_no + 1}/{ROUNDS} (seed {SEED}) fault schedule:")
    for hook, service in KILLS:
        log(
            f"    {hook.replace('_', ' ')} phase: PostgreSQL SIGKILLed (postmaster and backends) once "
            f"{service}'s database has a write in flight; {downtimes[service]}s down; started, crash recovery"
        )
    [row] = await _query(platform, "membership", "SELECT now() AS t")
    began = row["t"]
    recoveries_before = _recoveries(platform.infra)
    workload = Workload(platform, rng, f"crash{round_no}")
    written: list[str] = []  # outbox rows whose commit the writer saw succeed
    unknown: list[tuple[str, int, str]] = []  # (event id, amount, union) whose commit was cut
    caught: dict[str, str] = {}

    async def crash(service: str) -> None:
        caught[service] = await _kill_during_write(platform, service)
        await asyncio.sleep(downtimes[service])
        await asyncio.to_thread(restart_postgres, platform.infra)
        log("PostgreSQL started again after crash recovery")

    async def outbox_writer(stop: asyncio.Event) -> None:
        """membership's outbox written the way its use cases write it, one transaction per event."""
        union = workload.unions[0]
        members = workload.members[union]
        connection = await _connect(platform, "membership")
        await connection.execute(f"SET application_name = '{WRITER}'")
        n = 0
        try:
            while not stop.is_set():
                member, _ = members[n % len(members)]
                amount = rng.randrange(1000, 4000)
                event = DuesCollectedV1(
                    organization_id=union,
                    federation_id=workload.fed,
                    payment_id=uuid.UUID(int=rng.getrandbits(128)),
                    member_id=member,
                    period=f"{2000 + n // 12}-{n % 12 + 1:02d}",
                    amount_fen=amount,
                    collected_at=dt.datetime.now(dt.UTC),
                )
                envelope = envelope_for(event)
                n += 1
                try:
                    async with connection.transaction():
                        await connection.execute(
                            "INSERT INTO outbox (event_id, event_type, topic, key, headers, payload) "
                            "VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
                            envelope.id,
                            envelope.type,
                            topics.MEMBERSHIP,
                            envelope.key,
                            json.dumps(envelope.headers()),
                            envelope.data,
                        )
                except Exception:  # the server went away mid-commit
                    unknown.append((envelope.id, amount, union))
                    return  # the server is gone: whether that commit happened, recovery decides
                written.append(envelope.id)
                platform.expected.post(union, ("1001", amount, 0), ("4101", 0, amount))
                await asyncio.sleep(0.01)
        finally:
            connection.terminate()

    def hook_for(service: str):
        async def hook():
            if service != "membership":
                await crash(service)
                return
            stop = asyncio.Event()
            writer = asyncio.create_task(outbox_writer(stop))
            try:
                await crash(service)
            finally:
                stop.set()
                await writer

        return hook

    await workload.run({hook: hook_for(service) for hook, service in KILLS})
    assert sorted(caught) == sorted(s for _, s in KILLS), caught
    assert not await platform.ensure_running(), "a service died with the database"

    # The row whose commit was cut: committed (recovered from the WAL) or not at all.
    for event_id, amount, union in unknown:
        found = await _query(platform, "membership", "SELECT 1 FROM outbox WHERE event_id = $1", event_id)
        log(f"the outbox row in flight at the kill ({event_id}) {'survived' if found else 'was rolled back'}")
        if found:
            written.append(event_id)
            platform.expected.post(union, ("1001", amount, 0), ("4101", 0, amount))
    log(f"{len(written)} outbox rows written straight into membership's outbox around its crash")
    assert written, "the writer committed nothing before the crash"
    await check(platform, workload)

    if platform.infra.mode == "native":
        recoveries = _recoveries(platform.infra) - recoveries_before
        assert recoveries >= len(KILLS), f"the server log shows {recoveries} crash recoveries, not {len(KILLS)}"

    # Every outbox row committed during the test is on its topic: at least once; copies counted.
    for service in platform.services:
        rows = await _query(
            platform,
            service,
            "SELECT event_id::text AS id, topic, published_at FROM outbox WHERE created_at >= $1",
            began,
        )
        assert all(r["published_at"] for r in rows), f"{service}: unpublished outbox rows"
        by_topic: dict[str, set[str]] = {}
        for r in rows:
            by_topic.setdefault(r["topic"], set()).add(r["id"])
        copies: Counter[str] = Counter()
        for topic, ids in by_topic.items():
            records = await read_topic(
                platform.infra.kafka_bootstrap,
                topic,
                lambda r, ids=ids: dict(r.headers).get("ce_id", b"").decode() in ids,
            )
            copies.update(dict(r.headers)["ce_id"].decode() for r in records)
            missing = ids - set(copies)
            assert not missing, (
                f"{service}: {len(missing)} committed outbox rows never published: {sorted(missing)[:5]}"
            )
        again = sum(n - 1 for n in copies.values())
        log(f"{service}: {len(rows)} outbox rows committed during the test, all published ({again} re-published)")
