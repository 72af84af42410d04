"""Festival greeting: one grant to each member of a federation, from the HTTP command to the last posting.

Timed from the command that creates the batch (POST …/festival-greetings, then …/run, which
walks the recipients and asks finance to pay them a chunk at a time) until the payer's ledger
holds one expense line per recipient and welfare shows every recipient paid. In between, each
chunk (``greetings.CHUNK``: 1,000 recipients, as many as one request may carry) crosses Kafka three times: the chunk's payment request, its PayMany in
the journal (one posting with a line per member), and finance's one answer for the chunk.

The plan (bench/plan.py) gives the size and the time allowed; ``BENCH_GREETING_MEMBERS`` and
``BENCH_GREETING_BUDGET_S`` override them (defaults 100,000 and 150 s when run without a plan).
When the time runs out the scenario reports how far it got, stops the services (they would keep
working through the backlog and disturb what follows) and leaves the federation to no one.

The gates: every recipient paid, the payer's welfare expense grown by exactly N × the amount,
one posting per chunk, each member's hold naming their own expense line, no reference posted
twice, no hold pending, every posting balanced, no dead letters about the federation.
"""

import asyncio
import dataclasses
import os
import time
import uuid

import httpx

from bench import seed
from bench.harness import BenchEnv, Sample, rss_peak_mb
from unionfed_shared.contracts.topics import DOMAIN_TOPICS
from unionfed_shared.messaging.kafka import end_offsets
from unionfed_welfare.service_layer.greetings import CHUNK as GREETING_CHUNK

SCENARIO = "greeting"
AMOUNT_FEN = 100_00  # 100 yuan each
# The targets: a county of 20,000 in 15 s, a city federation of 100,000 in a minute.
WALL_TARGETS_S = {20_000: 15, 100_000: 60}
RSS_TARGET_MB = 300
POLL_S = 0.25


def members(env: BenchEnv | None = None) -> int:
    if "BENCH_GREETING_MEMBERS" in os.environ or env is None:
        return int(os.environ.get("BENCH_GREETING_MEMBERS", "100000"))
    return env.size(100_000)


def budget_s(env: BenchEnv | None = None) -> float:
    if "BENCH_GREETING_BUDGET_S" in os.environ or env is None:
        return float(os.environ.get("BENCH_GREETING_BUDGET_S", "150"))
    return env.budget(150)


async def measure(env: BenchEnv, run: int) -> list[Sample]:
    count, budget = members(env), budget_s(env)
    fed = await seed.federation(env, count)
    await seed.fund(env, fed, count * AMOUNT_FEN)
    before = await _books(env, fed)
    pids = fed.pids()
    postmaster = await seed.postgres_server_pid(env)
    for pid in pids.values():
        seed.reset_rss_peak(pid)  # this run's peak, not the seeding's
    offsets_before = await end_offsets(env.infra.kafka_bootstrap, list(DOMAIN_TOPICS))
    cpu_before = {name: seed.cpu_seconds(pid) for name, pid in pids.items()}
    pg_cpu_before = seed.postgres_cpu_seconds(postmaster) if postmaster else None

    print(f"greeting run {run}: {count} members of {fed.id}, {AMOUNT_FEN} fen each, budget {budget:.0f} s", flush=True)
    started = time.monotonic()
    progress = await _pay(env, fed, count, before, started, budget)
    wall = time.monotonic() - started

    cpu = {name: seed.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    pg_cpu = seed.postgres_cpu_seconds(postmaster) - pg_cpu_before if postmaster else None
    rss = {name: rss_peak_mb(pid) for name, pid in pids.items()}
    offsets_after = await end_offsets(env.infra.kafka_bootstrap, list(DOMAIN_TOPICS))
    messages = sum(offsets_after[k] - offsets_before.get(k, 0) for k in offsets_after)

    finished = progress["paid"] == count and progress["posted_fen"] == count * AMOUNT_FEN
    failure = None
    if finished:
        failure = await _gates(env, fed, progress["batch_id"], count, before)
        if failure is None:  # the crash variant (bench/greeting_crash.py) compares itself with it
            env.state.setdefault("greeting_wall_s", {}).setdefault(count, []).append(wall)
    else:
        seed.discard(fed)
    paid = max(progress["paid"], 0)
    samples = [
        Sample(
            SCENARIO,
            f"wall time, {count} grants" + ("" if finished else f" (stopped at the {budget:.0f} s budget)"),
            wall,
            "s",
            f"< {WALL_TARGETS_S[count]}" if count in WALL_TARGETS_S else "",
            failure,
        ),
        Sample(SCENARIO, "grants paid", paid, "grants", f">= {count}", failure),
        Sample(SCENARIO, "grants paid per second", paid / wall, "grants/s", "", failure),
        Sample(SCENARIO, "Kafka messages per second (all domain topics)", messages / wall, "msg/s", "", failure),
    ]
    if progress.get("created_s") is not None:
        samples.append(Sample(SCENARIO, "batch created (recipients frozen)", progress["created_s"], "s", "", failure))
    if progress.get("requested_s") is not None:
        samples.append(
            Sample(SCENARIO, "every hold requested (run answered)", progress["requested_s"], "s", "", failure)
        )
    per_thousand = 1000 / max(paid, 1)
    for name in pids:
        samples.append(
            Sample(SCENARIO, f"{name} CPU per 1,000 grants paid", cpu[name] * per_thousand, "s", "", failure)
        )
        samples.append(Sample(SCENARIO, f"{name} peak RSS", rss[name], "MB", f"< {RSS_TARGET_MB}", failure))
    if pg_cpu is not None:
        samples.append(
            Sample(SCENARIO, "PostgreSQL CPU per 1,000 grants paid", pg_cpu * per_thousand, "s", "", failure)
        )
    # The size it ran at, also when an environment variable overrode the plan's.
    return [dataclasses.replace(s, size=f"{count:,} members") for s in samples]


async def _pay(env: BenchEnv, fed: seed.Federation, count: int, before: dict, started: float, budget: float) -> dict:
    """Issue the greeting and follow it until paid or out of time; how far it got."""
    welfare, admin = fed.processes["welfare"], fed.admin()
    progress = {"batch_id": None, "paid": 0, "postings": 0, "posted_fen": 0, "created_s": None, "requested_s": None}
    deadline = started + budget
    async with httpx.AsyncClient(base_url=welfare.url, timeout=httpx.Timeout(budget, connect=10)) as client:
        body = {
            "festival": "mid_autumn",
            "amount_fen": AMOUNT_FEN,
            "paid_on": "2026-09-24",
            "eligibility": {"statuses": ["active", "retired"]},
        }
        try:
            answer = await asyncio.wait_for(
                client.post(f"/v1/organizations/{fed.id}/festival-greetings", json=body, headers=admin), budget
            )
        except (TimeoutError, httpx.TimeoutException):
            return progress
        accepted = seed.ok(answer)
        if accepted["total"] != count:
            raise RuntimeError(f"greeting: {accepted['total']} recipients frozen, {count} expected")
        progress["batch_id"] = uuid.UUID(accepted["id"])
        progress["created_s"] = time.monotonic() - started
        # The run answers once every recipient has been asked for; payments land after it.
        run = asyncio.create_task(client.post(f"{accepted['status_url']}/run", headers=admin))
        try:
            await _follow(env, fed, count, before, progress, run, started, deadline)
        finally:
            if not run.done():
                run.cancel()
                await asyncio.gather(run, return_exceptions=True)
    return progress


async def _follow(env, fed, count, before, progress, run, started, deadline) -> None:
    last_print = 0.0
    while True:
        now = time.monotonic()
        if run.done() and progress["requested_s"] is None:
            seed.ok(run.result())
            progress["requested_s"] = now - started
        books = await _books(env, fed)
        progress["postings"] = books["sequence"] - before["sequence"]
        progress["posted_fen"] = books["welfare_expense"] - before["welfare_expense"]
        posted = progress["posted_fen"] >= count * AMOUNT_FEN
        if posted or now - last_print >= 5 or now >= deadline:
            progress["paid"] = await seed.scalar(
                env,
                fed.db("welfare"),
                "SELECT count(*) FROM greeting_recipients WHERE batch_id = $1 AND status = 'paid'",
                progress["batch_id"],
            )
        if now - last_print >= 5:
            print(
                f"greeting: {now - started:5.0f} s: {progress['posted_fen'] // AMOUNT_FEN} grants posted "
                f"({progress['postings']} postings), {progress['paid']} paid of {count}",
                flush=True,
            )
            last_print = now
        if posted and progress["paid"] >= count:
            return
        if now >= deadline:
            print(
                f"greeting: budget spent: {progress['posted_fen'] // AMOUNT_FEN} grants posted, "
                f"{progress['paid']} paid of {count}",
                flush=True,
            )
            return
        for process in fed.processes.values():
            if process.process.poll() is not None:
                raise RuntimeError(f"greeting: {process.name} exited:\n{process.log_tail()}")
        await asyncio.sleep(POLL_S)


async def _books(env: BenchEnv, fed: seed.Federation) -> dict:
    """The payer's ledger head and welfare expense, in one statement (polled four times a second)."""
    sequence, expense = (
        await _rows(
            env,
            fed.db("finance"),
            "SELECT (SELECT last_sequence FROM ledgers WHERE organization_id = $1), "
            "(SELECT balance_fen FROM accounts WHERE organization_id = $1 AND code = '5101')",
            fed.id,
        )
    )[0]
    return {"sequence": sequence, "welfare_expense": expense}


async def _gates(env: BenchEnv, fed: seed.Federation, batch_id: uuid.UUID, count: int, before: dict) -> str | None:
    """What is wrong with the books after the greeting; None when every check passes."""
    welfare, finance = fed.db("welfare"), fed.db("finance")
    problems = []
    statuses = await _rows(
        env, welfare, "SELECT status, count(*) FROM greeting_recipients WHERE batch_id = $1 GROUP BY 1", batch_id
    )
    if dict(statuses) != {"paid": count}:
        problems.append(f"welfare recipients {dict(statuses)}, expected {{'paid': {count}}}")
    paid_members = await seed.scalar(
        env,
        welfare,
        "SELECT count(DISTINCT member_id) FROM greeting_recipients WHERE batch_id = $1 AND status = 'paid'",
        batch_id,
    )
    if paid_members != count:
        problems.append(f"{paid_members} distinct members paid, expected {count}")
    # However the holds are cut (one per member, or one per chunk), what they posted is the batch's money,
    # and no reference is posted twice.
    prefix = f"greeting/{batch_id}/%"
    holds = await _rows(
        env,
        finance,
        "SELECT count(*), coalesce(sum(posted_fen), 0), count(*) - count(DISTINCT reference) FROM holds "
        "WHERE reference LIKE $1 AND status = 'posted'",
        prefix,
    )
    [(posted_holds, posted_fen, repeated)] = holds
    if posted_holds and posted_fen != count * AMOUNT_FEN:
        problems.append(f"the batch's posted holds hold {posted_fen} fen, expected {count * AMOUNT_FEN}")
    if repeated:
        problems.append(f"{repeated} hold references posted twice")
    # Each member keeps their own trace: their hold names their own expense line of the chunk's posting.
    lines = await seed.scalar(
        env,
        finance,
        "SELECT count(*) FROM holds h JOIN posting_lines l ON l.posting_id = h.posting_id AND l.line_no = h.line_no "
        "WHERE h.reference LIKE $1 AND l.account_code = '5101' AND l.debit_fen = h.posted_fen",
        prefix,
    )
    if lines != count:
        problems.append(f"{lines} members' holds name their own expense line, expected {count}")
    after = await _books(env, fed)
    postings = -(-count // GREETING_CHUNK)  # one per chunk
    if after["sequence"] - before["sequence"] != postings:
        problems.append(f"{after['sequence'] - before['sequence']} postings in {fed.id}'s ledger, expected {postings}")
    if after["welfare_expense"] - before["welfare_expense"] != count * AMOUNT_FEN:
        problems.append(
            f"welfare expense 5101 grew by {after['welfare_expense'] - before['welfare_expense']} fen, "
            f"expected {count * AMOUNT_FEN}"
        )
    unbalanced = await seed.scalar(
        env,
        finance,
        "SELECT count(*) FROM (SELECT posting_id FROM posting_lines "
        "GROUP BY 1 HAVING sum(debit_fen) <> sum(credit_fen)) t",
    )
    if unbalanced:
        problems.append(f"{unbalanced} postings with debits ≠ credits")
    accounts_off = await seed.scalar(
        env,
        finance,
        """
        SELECT count(*) FROM accounts a LEFT JOIN (
            SELECT organization_id, account_code, sum(debit_fen) AS d, sum(credit_fen) AS c FROM posting_lines GROUP BY 1, 2
        ) l ON l.organization_id = a.organization_id AND l.account_code = a.code
        WHERE a.balance_fen NOT IN (coalesce(l.d, 0) - coalesce(l.c, 0), coalesce(l.c, 0) - coalesce(l.d, 0))""",
    )
    if accounts_off:
        problems.append(f"{accounts_off} account balances differ from their lines")
    for name in fed.processes:
        dead = await seed.dead_letters(env, fed, name)
        if dead:
            problems.append(f"{dead} dead letters about {fed.id} in {name}")
    return "; ".join(problems) or None


async def _rows(env: BenchEnv, database: str, query: str, *args) -> list[tuple]:
    import asyncpg

    connection = await asyncpg.connect(env.pg_url(database))
    try:
        return [tuple(r) for r in await connection.fetch(query, *args)]
    finally:
        await connection.close()
