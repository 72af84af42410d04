"""The failure suite: a seeded workload on the whole platform, one kind of fault per test.

Each test prints its fault schedule (derived from ``UNIONFED_CHAOS_SEED``), drives the mixed
workload of :mod:`tests.chaos.workload` while the fault hits, and ends with ``check``: every
expected posting exactly once, ``unionfed finance reconcile`` and ``verify-chain`` passing, no
pending hold, unpublished outbox row, consumer lag or unexpected dead letter left.
``UNIONFED_CHAOS_ROUNDS=N`` repeats each test's fault with N schedules (``make soak``).
"""

import asyncio
import contextlib
import datetime as dt
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.chaos.conftest import ROUNDS, SEED
from tests.chaos.platform import CONSUMERS, log
from tests.chaos.workload import PHASES, TODAY, Workload, _query, check, quiescent, run_cli, until
from tests.kafka_tools import envelope_for, producer, read_topic, send_envelope, send_raw
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.donations import DonationReceivedV1
from unionfed_shared.contracts.membership import DuesCollectedV1
from unionfed_shared.contracts.spending import EventsHoldPaidV1, EventsHoldRequestedV1
from unionfed_shared.contracts.topics import DOMAIN_TOPICS, PARTITIONS, dead_letter_topic

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600 * ROUNDS)]


def schedule(test: str, round_no: int, steps: list) -> None:
    log(f"{test} round {round_no + 1}/{ROUNDS} (seed {SEED}) fault schedule:")
    for step in steps:
        log(f"    {step}")


@contextlib.asynccontextmanager
async def supervised(platform):
    """A supervisor restarting whatever dies; yields the (service, exit code) list it restarted."""
    stop, restarts = asyncio.Event(), []
    task = asyncio.create_task(platform.supervise(stop, restarts))
    try:
        yield restarts
    finally:
        stop.set()
        await task


# ---------------------------------------------------------------------- 1. kill -9 around the commits

# How many events each consumer surely applies during each phase (the phase's own service takes
# commands and is never the victim): a failpoint armed at most this far fires within the phase.
SURE_EVENTS = {
    "membership": {"welfare": 8, "events": 8, "finance": 18},
    "finance": {"welfare": 3, "events": 3},
    "welfare": {"events": 2, "finance": 5},
    "events": {"welfare": 1, "finance": 3},
}
COMMIT_FAILPOINTS = ("consumer.after_db_commit", "consumer.before_db_commit")


async def test_1_each_consumer_killed_after_its_db_commit_and_just_before_it(healthy, rng):
    platform = healthy
    for round_no in range(ROUNDS):
        plan = []
        for service in CONSUMERS:
            phases = rng.sample([p for p in PHASES if service in SURE_EVENTS[p]], 2)
            points = list(COMMIT_FAILPOINTS)
            rng.shuffle(points)
            for phase, point in zip(phases, points):
                plan.append(
                    (PHASES.index(phase), phase, service, f"{point}:{rng.randint(1, SURE_EVENTS[phase][service])}")
                )
        plan.sort()
        schedule(
            "fault 1",
            round_no,
            [f"during the {phase} phase: {service} with {fp} (os._exit, as kill -9)" for _, phase, service, fp in plan],
        )
        armed: dict[str, int] = dict.fromkeys(CONSUMERS, 0)

        async with supervised(platform) as restarts:

            def fired(service: str) -> int:
                return sum(1 for name, code in restarts if name == service and code == 137)

            async def all_fired(service: str) -> None:
                await until(f"{service}'s failpoint fired", lambda: fired(service) >= armed[service] or None)

            def before(phase: str):
                async def hook():
                    if phase in armed:  # its commands must not meet a process about to die
                        await all_fired(phase)
                    victims = [(service, fp) for _, p, service, fp in plan if p == phase]
                    for service, _ in victims:
                        # Re-arming restarts the process: its earlier failpoint must have fired first,
                        # or the restart would disarm it before it was reached.
                        await all_fired(service)
                        armed[service] += 1
                    await asyncio.gather(*(platform.restart(s, failpoints=fp, wait=False) for s, fp in victims))

                return hook

            workload = Workload(platform, rng, f"kill{round_no}")
            await workload.run({f"before_{phase}": before(phase) for phase in PHASES})
            for service in CONSUMERS:
                await all_fired(service)
            assert sorted(name for name, code in restarts if code == 137) == sorted(s for _, _, s, _ in plan), restarts
        await platform.ensure_running()
        await check(platform, workload)


# ---------------------------------------------------------------------- 5. duplicates and replay from 0


async def test_5_every_event_delivered_twice_and_every_topic_replayed_from_offset_0(healthy, rng):
    platform = healthy
    for round_no in range(ROUNDS):
        order = rng.choice(["in place", "all at the end"])
        schedule(
            "fault 5",
            round_no,
            [
                f"re-publish every record of {', '.join(DOMAIN_TOPICS)} ({order})",
                "then stop the consumers, move their groups to offset 0, start them",
            ],
        )
        workload = Workload(platform, rng, f"dup{round_no}")
        await workload.run()

        bootstrap = platform.infra.kafka_bootstrap
        copies = 0
        async with producer(bootstrap) as client:
            for topic in DOMAIN_TOPICS:
                records = await read_topic(bootstrap, topic, lambda r: not platform.is_poison(r))
                if order == "all at the end":
                    rng.shuffle(records)  # per key the copies still come after the originals
                for record in records:
                    await send_raw(client, topic, record.key, record.value, list(record.headers))
                    copies += 1
        log(f"re-published {copies} records")
        await quiescent(platform)
        await check(platform, workload)

        # Replay everything from offset 0: stop the consumers, rewind their groups, start them.
        await asyncio.gather(*(asyncio.to_thread(platform[s].stop) for s in CONSUMERS))
        for service in CONSUMERS:
            group = platform[service].env[f"{service.upper()}_CONSUMER_GROUP_ID"]
            await rewind(bootstrap, group, platform.topics_of(service))
        log("consumer groups rewound to offset 0")
        await platform.ensure_running()
        await quiescent(platform)
        if platform.poison:
            # An earlier test's poison is read again and dead-lettered again; its fixed copy replays
            # as the duplicate it now is.
            await asyncio.gather(*(run_cli(platform, s, "dead-letters", "replay", "--all") for s in CONSUMERS))
        await check(platform, workload)


async def rewind(bootstrap: str, group: str, topic_names: list[str]) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topic_names for p in range(PARTITIONS)]
        consumer.assign(partitions)
        await consumer.commit(dict.fromkeys(partitions, 0))
    finally:
        await consumer.stop()


# ---------------------------------------------------------------------- 6. poison messages


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


async def test_6_a_poison_message_on_each_topic_is_dead_lettered_and_replayed_after_a_fix(healthy, rng):
    platform = healthy
    for round_no in range(ROUNDS):
        workload = Workload(platform, rng, f"poison{round_no}")
        injected = []  # (topic, envelope, consumers, partition, offset)
        phase = rng.choice(["finance", "welfare", "events"])
        schedule(
            "fault 6",
            round_no,
            [
                f"after the {phase} phase's commands: one poison (payload cut in half) per topic, each on the "
                "partition of live events",
                "after the workload: the payload fixed, `dead-letters replay --all`",
            ],
        )
        hold_id = uuid.UUID(int=rng.getrandbits(128))
        amounts = {k: rng.randrange(100_00, 900_00) for k in ("dues", "donation", "hold", "journal")}

        async def inject():
            u0, u1 = workload.unions[0], workload.unions[-1]
            member = workload.members[u0][0][0]
            events = [
                (
                    topics.MEMBERSHIP,
                    DuesCollectedV1(
                        organization_id=u0,
                        federation_id=workload.fed,
                        payment_id=uuid.UUID(int=rng.getrandbits(128)),
                        member_id=member,
                        period="2026-01",
                        amount_fen=amounts["dues"],
                        collected_at=dt.datetime.now(dt.UTC),
                    ),
                    ["finance"],
                ),
                (
                    topics.WELFARE,
                    DonationReceivedV1(
                        organization_id=u0,
                        federation_id=workload.fed,
                        donation_id=uuid.UUID(int=rng.getrandbits(128)),
                        drive="chaos-drive",
                        amount_fen=amounts["donation"],
                        received_on=TODAY,
                        donor="anonymous",
                    ),
                    ["finance"],
                ),
                (
                    topics.EVENTS,
                    EventsHoldRequestedV1(
                        organization_id=u1,
                        federation_id=workload.fed,
                        hold_id=hold_id,
                        category="activity",
                        amount_fen=amounts["hold"],
                        purpose="奖品 chaos prizes",
                        reference=f"chaos/{hold_id}",
                    ),
                    ["finance"],
                ),
                (
                    topics.FINANCE,
                    contract.MoneyRequestSettledV1(
                        organization_id=u0,
                        federation_id=workload.fed,
                        request_event_id=str(uuid.UUID(int=rng.getrandbits(128))),
                        journal_event_id=str(uuid.UUID(int=rng.getrandbits(128))),
                        operation="post",
                        outcome="posted",
                    ),
                    ["welfare", "events"],
                ),
                (
                    topics.FINANCE_JOURNAL,
                    contract.JournalEntryV1(
                        organization_id=workload.fed,
                        federation_id=workload.fed,
                        requested_by=u1,
                        reference="chaos/late-dues",
                        instruction=contract.Post(
                            postings=[
                                contract.PostingSpec(
                                    organization_id=u1,
                                    effective_date=TODAY,
                                    description="会费 late dues (chaos)",
                                    lines=[
                                        contract.LineSpec(account="1001", debit_fen=amounts["journal"]),
                                        contract.LineSpec(account="4101", credit_fen=amounts["journal"]),
                                    ],
                                )
                            ]
                        ),
                    ),
                    ["finance"],
                ),
            ]
            async with producer(platform.infra.kafka_bootstrap) as client:
                for topic, event, consumers in events:
                    envelope = envelope_for(event)
                    sent = await send_envelope(client, topic, envelope, data=_truncated(envelope.data))
                    platform.poison.add((topic, sent.partition, sent.offset))
                    injected.append((topic, envelope, consumers, sent.partition, sent.offset))
                    log(
                        f"poison on {topic}/{sent.partition}@{sent.offset} ({envelope.type}) for {', '.join(consumers)}"
                    )

        await workload.run({phase: inject})
        for _topic, _envelope, consumers, _p, _o in injected:
            for service in consumers:
                platform.pending_dead_letters[service] += 1
        # The partitions moved on (the workload settled); each poison is dead-lettered, table and topic.
        await check(platform, workload)

        def dead_lettered(partition, offset):
            return lambda r: (
                dict(r.headers).get("dlq_original_offset") == str(offset).encode()
                and dict(r.headers).get("dlq_original_partition") == str(partition).encode()
            )

        in_dlqs = await asyncio.gather(
            *(
                read_topic(platform.infra.kafka_bootstrap, dead_letter_topic(topic), dead_lettered(partition, offset))
                for topic, _e, _c, partition, offset in injected
            )
        )
        for (topic, _envelope, consumers, _p, _o), in_dlq in zip(injected, in_dlqs):
            assert sorted(dict(r.headers)["dlq_consumer"].decode() for r in in_dlq) == sorted(consumers), (
                topic,
                in_dlq,
            )

        # The fix: the producer's bug is fixed and the operator corrects the stored payloads.
        for topic, envelope, consumers, partition, offset in injected:
            for service in consumers:
                await _query(
                    platform,
                    service,
                    'UPDATE dead_letters SET payload = $1 WHERE topic = $2 AND "partition" = $3 AND "offset" = $4',
                    envelope.data,
                    topic,
                    partition,
                    offset,
                )
        replays = await asyncio.gather(*(run_cli(platform, s, "dead-letters", "replay", "--all") for s in CONSUMERS))
        for service, (code, out) in zip(CONSUMERS, replays):
            assert code == 0, f"{service} dead-letters replay:\n{out}"
            log(f"{service}: {out.strip().splitlines()[-1]}")
            platform.pending_dead_letters[service] = 0
        u0, u1 = workload.unions[0], workload.unions[-1]
        platform.expected.post(u0, ("1001", amounts["dues"], 0), ("4101", 0, amounts["dues"]))
        platform.expected.post(u0, ("1001", amounts["donation"], 0), ("2301/chaos-drive", 0, amounts["donation"]))
        platform.expected.post(u1, ("1001", amounts["journal"], 0), ("4101", 0, amounts["journal"]))
        # The replayed hold request reserved the prizes; the activity now pays them.
        async with producer(platform.infra.kafka_bootstrap) as client:
            await send_envelope(
                client,
                topics.EVENTS,
                envelope_for(
                    EventsHoldPaidV1(
                        organization_id=u1,
                        federation_id=workload.fed,
                        hold_id=hold_id,
                        amount_fen=amounts["hold"],
                        paid_on=TODAY,
                        description="奖品 chaos prizes",
                    )
                ),
            )
        platform.expected.post(u1, ("5102", amounts["hold"], 0), ("1001", 0, amounts["hold"]))
        # Replaying again finds nothing to do.
        again = await asyncio.gather(
            *(run_cli(platform, s, "dead-letters", "replay", "--all") for s in CONSUMERS), check(platform, workload)
        )
        for code, out in again[:-1]:
            assert code == 0 and '"replayed": 0' in out, out


# ---------------------------------------------------------------------- 2. broker restarts


async def test_2_the_broker_restarted_cleanly_and_killed_mid_stream(healthy, rng):
    from tests.infra import kill_kafka, start_kafka

    platform = healthy
    for round_no in range(ROUNDS):
        clean_phase, kill_phase = rng.sample(PHASES, 2)
        downtime = {"clean": round(rng.uniform(0.5, 4), 1), "kill -9": round(rng.uniform(0.5, 4), 1)}
        schedule(
            "fault 2",
            round_no,
            [
                f"as the {clean_phase} phase starts: Kafka stopped cleanly (SIGTERM), {downtime['clean']}s down, started",
                f"as the {kill_phase} phase starts: Kafka killed (SIGKILL), {downtime['kill -9']}s down, started",
            ],
        )
        outages, one_at_a_time = [], asyncio.Lock()

        async def outage(how: str) -> None:
            async with one_at_a_time:  # adjacent phases: the second outage starts once the broker is back
                await _outage(how)

        async def _outage(how: str) -> None:
            if how == "clean":
                await asyncio.to_thread(platform.stop_kafka_cleanly)
            else:
                await asyncio.to_thread(kill_kafka, platform.infra)
            log(f"Kafka down ({how}) while the workload runs")
            await asyncio.sleep(downtime[how])
            await asyncio.to_thread(start_kafka, platform.infra)
            log("Kafka back")

        def before(how: str):
            async def hook():
                outages.append(asyncio.create_task(outage(how)))  # the phase's commands go on meanwhile

            return hook

        workload = Workload(platform, rng, f"broker{round_no}")
        await workload.run({f"before_{clean_phase}": before("clean"), f"before_{kill_phase}": before("kill -9")})
        for task in outages:
            await task
        assert not await platform.ensure_running(), "a service died with the broker"
        await check(platform, workload)


# ---------------------------------------------------------------------- 3. PostgreSQL restart


async def test_3_postgresql_restarted_mid_stream_and_the_services_recover_by_themselves(healthy, rng):
    from tests.infra import restart_postgres

    platform = healthy
    for round_no in range(ROUNDS):
        phases = sorted(rng.sample(PHASES, 2), key=PHASES.index)
        schedule(
            "fault 3",
            round_no,
            [
                f"after the {p} phase's commands, its events in flight: PostgreSQL restarted "
                "(fast shutdown: every connection terminated)"
                for p in phases
            ],
        )

        async def restart():
            await asyncio.to_thread(restart_postgres, platform.infra)
            log("PostgreSQL restarted")

        workload = Workload(platform, rng, f"pg{round_no}")
        await workload.run(dict.fromkeys(phases, restart))
        assert not await platform.ensure_running(), "a service died with the database"
        await check(platform, workload)


# ---------------------------------------------------------------------- 9. hot account


async def test_9_concurrent_spends_on_one_hot_account_stop_at_its_floor(healthy, rng):
    import httpx

    platform = healthy
    for round_no in range(ROUNDS):
        workload = Workload(platform, rng, f"hot{round_no}", members=2)
        await workload.run()
        union = rng.choice(workload.unions)
        bank = platform.expected.balances[union]["1001"]
        fits = rng.randint(3, 8)
        amount = bank // fits + rng.randrange(0, 1000)
        posted = bank // amount
        sent = posted + rng.randint(3, 8)
        clients = rng.randint(2, 6)
        schedule(
            "fault 9",
            round_no,
            [
                f"{sent} expenses of {amount} fen on {union}'s bank ({bank} fen), from "
                f"{clients} concurrent clients: exactly {posted} fit above the floor"
            ],
        )
        officer = workload.officer(union)
        body = {
            "category": "equipment",
            "amount_fen": amount,
            "spent_on": TODAY.isoformat(),
            "description": "设备 chaos",
        }
        pool = [httpx.AsyncClient(base_url=platform["finance"].url, timeout=60) for _ in range(clients)]
        try:
            answers = await asyncio.gather(
                *(
                    pool[n % clients].post(f"/v1/organizations/{union}/expenses", json=body, headers=officer)
                    for n in range(sent)
                )
            )
            assert all(a.status_code == 202 for a in answers), [a.text for a in answers]

            async def outcomes():
                found = []
                for answer in answers:
                    got = await pool[0].get(answer.json()["status_url"], headers=officer)
                    if got.status_code != 200:
                        return None
                    found.append(got.json())
                return found

            settled = await until("every expense answered", outcomes)
        finally:
            for client in pool:
                await client.aclose()
        statuses = sorted(o["status"] for o in settled)
        assert statuses == ["posted"] * posted + ["refused"] * (sent - posted), statuses
        assert all("floor" in o["reason"] for o in settled if o["status"] == "refused"), settled
        for _ in range(posted):
            platform.expected.post(union, ("5103", amount, 0), ("1001", 0, amount))
        await check(platform, workload, verify_org=union)


# ---------------------------------------------------------------------- 10. tampering


async def _tamper(platform, *statements: tuple) -> None:
    from tests.chaos.workload import _connect

    connection = await _connect(platform, "finance")
    try:
        async with connection.transaction():
            await connection.execute("SET LOCAL session_replication_role = replica")
            for sql, *args in statements:
                await connection.execute(sql, *args)
    finally:
        await connection.close()


async def test_10_a_tampered_ledger_row_is_named_by_verify_chain(healthy, rng):
    platform = healthy
    for round_no in range(ROUNDS):
        workload = Workload(platform, rng, f"tamper{round_no}", members=2)
        await workload.run()
        union = rng.choice(workload.unions)
        [row] = await _query(
            platform, "finance", "SELECT max(sequence) AS n FROM postings WHERE organization_id = $1", union
        )
        last = row["n"]
        kinds = ["amount changed", "row deleted", "rows reordered"]
        rng.shuffle(kinds)
        plan = [(kind, rng.randint(1, last - 1)) for kind in kinds]
        schedule("fault 10", round_no, [f"{union} sequence {seq}: {kind}" for kind, seq in plan])
        for kind, seq in plan:
            [p] = await _query(
                platform,
                "finance",
                "SELECT id, row_to_json(p)::text AS r FROM postings p WHERE organization_id = $1 AND sequence = $2",
                union,
                seq,
            )
            [q] = await _query(
                platform,
                "finance",
                "SELECT id FROM postings WHERE organization_id = $1 AND sequence = $2",
                union,
                seq + 1,
            )
            [lines] = await _query(
                platform, "finance", "SELECT json_agg(l)::text AS r FROM posting_lines l WHERE posting_id = $1", p["id"]
            )
            delta = rng.randrange(1, 10_000)
            if kind == "amount changed":
                change = (
                    "UPDATE posting_lines SET debit_fen = debit_fen + $2 WHERE posting_id = $1 AND line_no = "
                    "(SELECT min(line_no) FROM posting_lines WHERE posting_id = $1 AND debit_fen > 0)",
                    p["id"],
                    delta,
                )
                undo = [(change[0].replace("+ $2", "- $2"), p["id"], delta)]
                await _tamper(platform, change)
            elif kind == "row deleted":
                await _tamper(
                    platform,
                    ("DELETE FROM posting_lines WHERE posting_id = $1", p["id"]),
                    ("DELETE FROM postings WHERE id = $1", p["id"]),
                )
                undo = [
                    ("INSERT INTO postings SELECT * FROM json_populate_record(NULL::postings, $1::json)", p["r"]),
                    (
                        "INSERT INTO posting_lines SELECT * FROM json_populate_recordset(NULL::posting_lines, $1::json)",
                        lines["r"],
                    ),
                ]
            else:
                swap = [
                    ("UPDATE postings SET sequence = -1 WHERE id = $1", p["id"]),
                    ("UPDATE postings SET sequence = $2 WHERE id = $1", q["id"], seq),
                    ("UPDATE postings SET sequence = $2 WHERE id = $1", p["id"], seq + 1),
                ]
                await _tamper(platform, *swap)
                undo = [
                    ("UPDATE postings SET sequence = -1 WHERE id = $1", q["id"]),
                    ("UPDATE postings SET sequence = $2 WHERE id = $1", p["id"], seq),
                    ("UPDATE postings SET sequence = $2 WHERE id = $1", q["id"], seq + 1),
                ]
            (code, out), (reconciled, report) = await asyncio.gather(
                run_cli(platform, "finance", "verify-chain", "--org", union), run_cli(platform, "finance", "reconcile")
            )
            log(f"{kind}: verify-chain says: {out.strip()}")
            assert code == 1 and f"chain BROKEN at sequence {seq}" in out, out
            assert reconciled == 1 and "FAIL" in report, report
            await _tamper(platform, *undo)  # the next kind, and the final check, verify the chain again
        await check(platform, workload, verify_org=union)


# ---------------------------------------------------------------------- 4. COMMIT outcome unknown


async def test_4_the_connection_drops_during_commit_and_the_retry_is_safe(healthy, rng):
    platform = healthy
    for round_no in range(ROUNDS):
        cuts = ["before", "after"] + [rng.choice(["before", "after"]) for _ in range(rng.randint(2, 6))]
        rng.shuffle(cuts)
        phase = rng.choice(PHASES[:3])
        schedule(
            "fault 4",
            round_no,
            [
                f"from the {phase} phase on, the next {len(cuts)} consumer COMMITs (transactions that wrote the inbox) "
                f"are cut by the proxy in front of PostgreSQL: {', '.join(cuts)} (before: never executed; after: "
                "committed, the answer lost)"
            ],
        )
        first = len(platform.cutter.cuts)

        async def arm():
            platform.cutter.armed.extend(cuts)

        workload = Workload(platform, rng, f"commit{round_no}")
        await workload.run({f"before_{phase}": arm})
        await until("every armed COMMIT cut", lambda: not platform.cutter.armed or None)
        for cut in platform.cutter.cuts[first:]:
            log(f"cut {cut.mode} COMMIT on {cut.database} after: {'; '.join(cut.statements)}")
        assert [c.mode for c in platform.cutter.cuts[first:]] == cuts
        assert not await platform.ensure_running(), "a service died of a dropped COMMIT"
        await check(platform, workload)


# ---------------------------------------------------------------------- 7. rebalance under a slow handler

# The held batch outlasts the member's max.poll.interval: aiokafka's heartbeat task then leaves the
# group, the partitions move to the other member, and the offset commit after the batch is refused.
HELD_MAX_POLL_MS = 8000


async def test_7_a_batch_held_past_max_poll_loses_its_offset_commit_to_a_rebalance_and_is_redelivered(healthy, rng):
    """The path the rebalance fault aims at, taken and counted, not assumed.

    finance is restarted with ``CONSUMER_MAX_POLL_INTERVAL_MS`` of 8 s and a failpoint that holds
    its first batch *after its database commit, before its offset commit* (a slow handler
    mid-batch; the event loop and heartbeats go on). While the batch is held a second finance
    instance joins the group; the first member leaves it when the interval is up; the group
    rebalances and the member given the batch's partition (either: the assignor sorts random
    member ids) reads it again from the last committed offset, finding every event in its inbox.
    The hold ends (the test releases it) only once the second has its partitions and the interval
    is past, so the first's offset commit meets a group that moved on and is refused
    (``CommitFailedError``). The test asserts
    ``unionfed_consumer_offset_commits_lost_total`` went up on the first instance's ``/metrics``
    and that the group counted inbox duplicates; then every effect once.

    The order matters, which is why the earlier form of this test never took the path: a handler
    blocked on a table lock for a few seconds while a second instance joined. aiokafka rejoins in
    the background, the lock was released well within max.poll.interval, and the commit succeeded
    in the new generation. And a hold that ends before the second has joined meets an empty group,
    where the broker accepts a commit from outside it: no refusal either.
    """
    import httpx

    from tests.processes import ServiceProcess

    platform = healthy
    first = platform["finance"]
    normal_env = dict(first.env)
    try:
        for round_no in range(ROUNDS):
            join_after = round(rng.uniform(0.5, 3.0), 1)
            leave = rng.choice(["stays", "leaves after the check"])
            schedule(
                "fault 7",
                round_no,
                [
                    f"before the membership phase: finance restarted with max.poll.interval {HELD_MAX_POLL_MS} ms, its "
                    "first batch held between its database commit and its offset commit",
                    f"{join_after}s into the hold a second finance instance joins the group; the hold is released once "
                    f"the second has partitions and the interval is past; the second {leave}",
                ],
            )
            second = ServiceProcess(platform.infra, "finance", f"chaos_finance_{platform.run}", platform.log_dir)
            second.env = {**normal_env, "FINANCE_HTTP_PORT": str(second.port)}
            second.log_path = platform.log_dir / f"finance-second-{round_no}.log"
            release = platform.log_dir / f"finance-release-{round_no}"
            release.unlink(missing_ok=True)
            background, since = [], 0

            async def hold_join_release():
                await until("finance's batch held after its database commit", lambda: _in_log(first, since, "stalling"))
                held_since = time.monotonic()
                log(f"finance holds a batch it committed to its database; {join_after}s later a second joins")
                await asyncio.sleep(join_after)
                second.start()
                platform.extra.append(second)
                await until("the second instance has partitions", lambda: _in_log(second, 0, "assigned to partitions"))
                await asyncio.sleep(max(0, held_since + HELD_MAX_POLL_MS / 1000 + 3 - time.monotonic()))
                release.touch()
                log("the second has partitions and the interval is past: the held batch is released")

            async def hook():
                nonlocal since
                first.env = {
                    **normal_env,
                    "FINANCE_CONSUMER_MAX_POLL_INTERVAL_MS": str(HELD_MAX_POLL_MS),
                    "UNIONFED_FAILPOINTS_RELEASE": str(release),
                }
                since = first.log_path.stat().st_size if first.log_path.exists() else 0
                await platform.restart("finance", failpoints="consumer.before_offset_commit:1:stall=150")
                background.append(asyncio.create_task(hold_join_release()))

            workload = Workload(platform, rng, f"rebalance{round_no}")
            await workload.run({"before_membership": hook})
            for task in background:
                await task
            await second.wait_ready(timeout=120)
            async with httpx.AsyncClient(timeout=10) as client:
                lost = await until(
                    "the lost offset commit counted",
                    lambda: _series(client, first, "unionfed_consumer_offset_commits_lost_total"),
                    timeout=30,
                )
                # The rebalance hands the held batch's partition to either member (the assignor sorts
                # member ids, which are random): whichever has it reads from the last committed offset.
                duplicates = await until(
                    "the held batch handed again and found in the inbox",
                    lambda: _duplicates_on(client, first, second),
                    timeout=60,
                )
            log(f"finance counted {lost} offset commit(s) lost to the rebalance; the group met {duplicates} duplicates")
            assert lost >= 1
            assert duplicates, "no member was handed the held batch again"
            await check(platform, workload)
            # Back to the usual settings for the next tests (the counters were read above).
            first.env = normal_env
            await platform.restart("finance")
            if leave != "stays":
                await asyncio.to_thread(second.stop)
                platform.extra.remove(second)
                await check(platform, workload)
    finally:
        first.env = normal_env
        for extra in list(platform.extra):
            await asyncio.to_thread(extra.stop)
            platform.extra.remove(extra)
        await platform.restart("finance")


async def _duplicates_on(client, *instances) -> float | None:
    counts = [
        await _series(client, one, "unionfed_consumer_messages_total", 'outcome="duplicate"') for one in instances
    ]
    return sum(count or 0 for count in counts) or None


def _in_log(service, since: int, text: str) -> bool | None:
    with service.log_path.open("rb") as f:
        f.seek(since)
        return text.encode() in f.read() or None


async def _series(client, service, name: str, having: str = "") -> float | None:
    """The sum of a series on the service's /metrics (None when absent or zero)."""
    body = (await client.get(f"{service.url}/metrics")).text
    total = sum(
        float(line.rsplit(" ", 1)[1]) for line in body.splitlines() if line.startswith(name + "{") and having in line
    )
    return total or None


# ---------------------------------------------------------------------- 8. outbox writers out of order


async def test_8_outbox_writers_committing_out_of_order_under_load_lose_nothing(healthy, rng):
    import json

    from tests.chaos.workload import _connect

    platform = healthy
    for round_no in range(ROUNDS):
        writers = rng.randint(2, 6)
        delays = [round(rng.uniform(0.2, 3.0), 2) for _ in range(writers)]
        delays[0] = max(delays) + 0.5  # the first to begin commits last
        schedule(
            "fault 8",
            round_no,
            [
                f"while the finance phase runs: {writers} transactions write membership's outbox one after the other, "
                f"then commit after {delays} s (the first to write commits last)"
            ],
        )
        background, written = [], []

        async def writer(n: int, event, started: asyncio.Event, go_on: asyncio.Event):
            envelope = envelope_for(event)
            connection = await _connect(platform, "membership")
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
                    txid = await connection.fetchval("SELECT pg_current_xact_id()::text")
                    written.append((n, envelope.id, int(txid)))
                    started.set()
                    await go_on.wait()
                    await asyncio.sleep(delays[n])
                log(f"outbox writer {n} (txid {txid}) committed")
            finally:
                await connection.close()

        async def writers_task(workload):
            union = workload.unions[0]
            tasks, release = [], asyncio.Event()
            for n in range(writers):
                member, _ = workload.members[union][n % len(workload.members[union])]
                amount = rng.randrange(1000, 4000)
                event = DuesCollectedV1(
                    organization_id=union,
                    federation_id=workload.fed,
                    payment_id=uuid.UUID(int=rng.getrandbits(128)),
                    member_id=member,
                    period=f"2025-{n + 1:02d}",
                    amount_fen=amount,
                    collected_at=dt.datetime.now(dt.UTC),
                )
                platform.expected.post(union, ("1001", amount, 0), ("4101", 0, amount))
                started = asyncio.Event()
                tasks.append(asyncio.create_task(writer(n, event, started, release)))
                await started.wait()  # writes in order: txids ascend with n
            release.set()
            await asyncio.gather(*tasks)

        workload = Workload(platform, rng, f"outbox{round_no}")

        async def hook():
            background.append(asyncio.create_task(writers_task(workload)))

        await workload.run({"before_finance": hook})
        for task in background:
            await task
        await check(platform, workload)
        ids = {event_id: n for n, event_id, _ in written}
        records = await read_topic(
            platform.infra.kafka_bootstrap,
            topics.MEMBERSHIP,
            lambda r: dict(r.headers).get("ce_id", b"").decode() in ids,
        )
        seen = [ids[dict(r.headers)["ce_id"].decode()] for r in sorted(records, key=lambda r: r.offset)]
        assert sorted(seen) == list(range(writers)), f"each written event published once: {seen}"
        assert seen == sorted(seen), f"published in the order the transactions wrote, not committed: {seen}"
