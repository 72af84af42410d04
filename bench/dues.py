"""Month-end dues: a month's dues collected from every member of a federation, to the last posting in finance.

A month is collected per union, by its treasurer, with ``POST /v1/organizations/{union}/dues-collections``
(membership's ``collect_month``), now the bulk path: the union's roster, who paid and the payments
are one statement each, and the month travels to finance in chunks of up to 1,000 members
(``DuesBatchCollectedV1``, every member on their own line with their payment id). Finance journals
each chunk as one ``CollectDues`` instruction and books it as one posting (Dr 1001 bank with the
chunk's total / Cr 4101 dues income, a line per member), a receipt per member and each member's
dues account. So what is timed is what a county's treasurers do at month end: every union's
collection, ``BENCH_DUES_CONCURRENCY`` (default 4) at a time, from the first request until the
unions' bank accounts hold the whole month.

The federation is the seed's (bench/seed.py; shared with the greeting of the same size), with
every member on membership's roster and a base salary (``seed.membership_roster``). The federation's
policy is 5‰ of the base salary; each run collects a month not collected before in this harness
run (the latest one before the current month), so runs repeat on the same members.

Gates, in outcomes: membership recorded each member who owes the month exactly once, for what
the policy says (computed here in SQL from the roster, not by the service's code); every
collection's answer says so for its union; in finance each of those members' dues account grew
by their amount once and nobody else's changed, each member's payment has one receipt (one line
of one chunk's posting) and each union's month took at most ⌈members / 1,000⌉ postings; each
union's bank (1001) and dues income (4101) grew by the union's expected sum; every posting is
balanced; no dead letters about the federation in any service.
"""

import asyncio
import dataclasses
import datetime as dt
import os
import time
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from bench import seed
from bench.harness import BenchEnv, Sample, rss_peak_mb
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role

SCENARIO = "dues"
RUNS = 3
DEFAULT_MEMBERS = 100_000
WALL_TARGET_S = 60  # for the 100,000 members
RATE_TARGET = ">= 1667"  # the same target at any size: 100,000 members in 60 s
RATE_PER_MILLE = 5
POLICY_FROM = "2000-01-01"
ZONE = ZoneInfo("Asia/Shanghai")  # the federation's (the seed's default)
RSS_TARGET_MB = 300
POLL_S = 0.25


def members(env: BenchEnv | None = None) -> int:
    if "BENCH_DUES_MEMBERS" in os.environ or env is None:
        return int(os.environ.get("BENCH_DUES_MEMBERS", str(DEFAULT_MEMBERS)))
    return env.size(DEFAULT_MEMBERS)


def concurrency() -> int:
    return int(os.environ.get("BENCH_DUES_CONCURRENCY", "4"))


async def measure(env: BenchEnv, run: int) -> list[Sample]:
    count = members(env)
    budget = env.budget(float(os.environ.get("BENCH_DUES_BUDGET_S", "300")))
    fed = await seed.federation(env, count)
    await seed.membership_roster(env, fed)
    await _policy(fed)
    period = await _period(env, fed)
    expected = await _expected(env, fed, period)
    to_collect = sum(n for n, _ in expected["unions"].values())
    before = await _finance_state(env, fed)
    pids = fed.pids()
    postmaster = await seed.postgres_server_pid(env)
    for pid in pids.values():
        seed.reset_rss_peak(pid)
    cpu_before = {name: seed.cpu_seconds(pid) for name, pid in pids.items()}
    pg_cpu_before = seed.postgres_cpu_seconds(postmaster) if postmaster else None
    env.say(
        f"dues run {run}: {period} for {to_collect:,} of {count:,} members in {len(fed.unions)} unions of {fed.id}, "
        f"{concurrency()} collections at a time, budget {budget:.0f} s"
    )

    started = time.monotonic()
    progress = await _collect_and_follow(env, fed, period, expected, before, started, started + budget)
    wall = time.monotonic() - started

    cpu = {name: seed.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    pg_cpu = seed.postgres_cpu_seconds(postmaster) - pg_cpu_before if postmaster else None
    rss = {name: rss_peak_mb(pid) for name, pid in pids.items()}
    finished = progress["posted_fen"] >= expected["total_fen"] and progress["answered"] == len(fed.unions)
    failure, incomplete = None, None
    if finished:
        failure = await _gates(env, fed, period, expected, before, progress["answers"])
    else:
        incomplete = (
            f"stopped at its {budget:.0f} s budget: {progress['answered']} of {len(fed.unions)} collections answered, "
            f"{progress['posted_fen']:,} of {expected['total_fen']:,} fen posted"
        )
        env.say(f"dues: {incomplete}")
        seed.discard(fed)  # its services may still be working through the month
    posted_members = progress["posted_fen"] * to_collect / max(expected["total_fen"], 1)  # about, when stopped
    env.say(
        f"dues run {run}: {to_collect:,} members in {wall:.1f} s (collections answered at "
        f"{progress['answered_s'] or float('nan'):.1f} s)" + (f"; {failure}" if failure else "")
    )
    target = f"< {WALL_TARGET_S}" if count == DEFAULT_MEMBERS else ""
    samples = [
        Sample(
            SCENARIO,
            f"wall time, {len(fed.unions)} unions' collections ({concurrency()} at a time) to the last posting",
            wall,
            "s",
            target,
            failure,
            incomplete,
        ),
        Sample(
            SCENARIO,
            "members collected per second",
            posted_members / wall,
            "members/s",
            RATE_TARGET,
            failure,
            incomplete,
        ),
    ]
    if progress["answered_s"] is not None:
        samples.append(
            Sample(SCENARIO, "every union's collection answered (membership)", progress["answered_s"], "s", "", failure)
        )
    per_thousand = 1000 / max(posted_members, 1)
    for name in pids:
        samples.append(Sample(SCENARIO, f"{name} CPU per 1,000 members", cpu[name] * per_thousand, "s", "", failure))
        samples.append(Sample(SCENARIO, f"{name} peak RSS", rss[name], "MB", f"< {RSS_TARGET_MB}", failure))
    if pg_cpu is not None:
        samples.append(Sample(SCENARIO, "PostgreSQL CPU per 1,000 members", pg_cpu * per_thousand, "s", "", failure))
    # The size it ran at, also when an environment variable overrode the plan's.
    return [dataclasses.replace(s, size=f"{count:,} members") for s in samples]


async def _policy(fed: seed.Federation) -> None:
    """The federation's dues rule: 5‰ of the base salary, retired members exempt (the default)."""
    membership = fed.processes["membership"]
    async with httpx.AsyncClient(base_url=membership.url, timeout=60) as client:
        seed.ok(
            await client.put(
                f"/v1/federations/{fed.id}/dues-policies/{POLICY_FROM}",
                headers=fed.admin(),
                json={"rate_per_mille": RATE_PER_MILLE},
            )
        )


def _months_back(period: str, months: int) -> str:
    year, month = (int(p) for p in period.split("-"))
    index = year * 12 + month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


async def _period(env: BenchEnv, fed: seed.Federation) -> str:
    """The latest month before the current one that no union of the federation has collected yet."""
    collected = await _fetch(
        env,
        fed.db("membership"),
        "SELECT DISTINCT period FROM dues_payments WHERE organization_id = ANY($1)",
        fed.unions,
    )
    taken = {row[0] for row in collected}
    current = dt.datetime.now(ZONE).strftime("%Y-%m")
    for back in range(1, 240):
        period = _months_back(current, back)
        if period not in taken:
            return period
    raise RuntimeError("dues: every month of twenty years already collected")


async def _expected(env: BenchEnv, fed: seed.Federation, period: str) -> dict:
    """What the month must collect, from the roster itself: per union (members, fen), and per member."""
    year, month = (int(p) for p in period.split("-"))
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    rows = await _fetch(
        env,
        fed.db("membership"),
        """
        SELECT id, organization_id, (base_salary_fen * $2 + 500) / 1000 AS fen FROM members
        WHERE organization_id = ANY($1) AND status = 'active' AND base_salary_fen IS NOT NULL
          AND joined_on < $3 AND (base_salary_fen * $2 + 500) / 1000 > 0
        """,
        fed.unions,
        RATE_PER_MILLE,
        next_month,
    )
    unions: dict[str, tuple[int, int]] = dict.fromkeys(fed.unions, (0, 0))
    per_member = {}
    for member_id, union, fen in rows:
        n, total = unions[union]
        unions[union] = (n + 1, total + fen)
        per_member[member_id] = fen
    return {"unions": unions, "members": per_member, "total_fen": sum(per_member.values())}


async def _finance_state(env: BenchEnv, fed: seed.Federation) -> dict:
    finance = fed.db("finance")
    accounts = await _fetch(
        env,
        finance,
        "SELECT organization_id, code, balance_fen FROM accounts WHERE organization_id = ANY($1) AND code IN ('1001', '4101')",
        fed.unions,
    )
    dues_accounts = await _fetch(
        env,
        finance,
        "SELECT member_id, paid_total_fen, periods_paid FROM dues_accounts WHERE federation_id = $1",
        fed.id,
    )
    balances = {(org, code): fen for org, code, fen in accounts}
    return {
        "balances": balances,
        "bank_total": sum(fen for (_, code), fen in balances.items() if code == "1001"),
        "dues_accounts": {m: (fen, n) for m, fen, n in dues_accounts},
    }


async def _collect_and_follow(
    env: BenchEnv, fed: seed.Federation, period: str, expected: dict, before: dict, started: float, deadline: float
) -> dict:
    """Each union's treasurer collects the month; then wait until finance has posted all of it, or the deadline."""
    progress: dict = {"answered": 0, "answered_s": None, "posted_fen": 0, "answers": {}}
    membership = fed.processes["membership"]
    gate = asyncio.Semaphore(concurrency())

    async def collect(client: httpx.AsyncClient, union: str) -> None:
        treasurer = bearer(Role.UNION_OFFICER, union, fed.id, subject=f"treasurer-{union}")
        async with gate:
            answer = await client.post(
                f"/v1/organizations/{union}/dues-collections", headers=treasurer, json={"period": period}
            )
        body = seed.ok(answer)
        progress["answers"][union] = (body["collected"], body["collected_total_fen"])
        progress["answered"] += 1

    timeout = httpx.Timeout(max(deadline - time.monotonic(), 1), connect=10)
    connection = await asyncpg.connect(env.pg_url(fed.db("finance")))
    try:
        async with httpx.AsyncClient(base_url=membership.url, timeout=timeout) as client:
            tasks = [asyncio.create_task(collect(client, union)) for union in fed.unions]
            last_print = 0.0
            try:
                while True:
                    now = time.monotonic()
                    for task in tasks:
                        if task.done() and task.exception() is not None:
                            raise task.exception()
                    if progress["answered_s"] is None and progress["answered"] == len(fed.unions):
                        progress["answered_s"] = now - started
                    bank = await connection.fetchval(
                        "SELECT coalesce(sum(balance_fen), 0)::bigint FROM accounts WHERE organization_id = ANY($1) AND code = '1001'",
                        fed.unions,
                    )
                    progress["posted_fen"] = bank - before["bank_total"]
                    done = progress["answered_s"] is not None and progress["posted_fen"] >= expected["total_fen"]
                    if done or now >= deadline:
                        return progress
                    if now - last_print >= 5:
                        env.say(
                            f"  dues: {now - started:5.0f} s: {progress['answered']} of {len(fed.unions)} collections "
                            f"answered, {progress['posted_fen']:,} of {expected['total_fen']:,} fen posted"
                        )
                        last_print = now
                    for process in fed.processes.values():
                        if process.process.poll() is not None:
                            raise RuntimeError(f"dues: {process.name} exited:\n{process.log_tail()}")
                    await asyncio.sleep(POLL_S)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await connection.close()


async def _gates(
    env: BenchEnv, fed: seed.Federation, period: str, expected: dict, before: dict, answers: dict
) -> str | None:
    """What is wrong after the month's collection; None when every check passes."""
    problems: list[str] = []
    unions, per_member = expected["unions"], expected["members"]
    wrong_answers = [u for u, got in answers.items() if got != unions[u]]
    if wrong_answers:
        u = wrong_answers[0]
        problems.append(
            f"{len(wrong_answers)} collections answered other than the roster says "
            f"(e.g. {u}: {answers[u]} (members, fen), expected {unions[u]})"
        )
    payments = await _fetch(
        env,
        fed.db("membership"),
        "SELECT member_id, count(*), sum(amount_fen)::bigint FROM dues_payments WHERE organization_id = ANY($1) AND period = $2 GROUP BY 1",
        fed.unions,
        period,
    )
    recorded = {m: (n, fen) for m, n, fen in payments}
    missing = [m for m in per_member if m not in recorded]
    extra = [m for m in recorded if m not in per_member]
    wrong = [m for m, (n, fen) in recorded.items() if m in per_member and (n != 1 or fen != per_member[m])]
    if missing or extra or wrong:
        problems.append(
            f"membership's payments for {period}: {len(missing)} members missing, {len(extra)} not owing it, "
            f"{len(wrong)} recorded twice or for another amount"
        )
    after = await _finance_state(env, fed)
    changed = {
        m: (fen - before["dues_accounts"].get(m, (0, 0))[0], n - before["dues_accounts"].get(m, (0, 0))[1])
        for m, (fen, n) in after["dues_accounts"].items()
        if (fen, n) != before["dues_accounts"].get(m, (0, 0))
    }
    not_once = [m for m, fen in per_member.items() if changed.get(m) != (fen, 1)]
    others = [m for m in changed if m not in per_member]
    if not_once or others:
        problems.append(
            f"finance's dues accounts: {len(not_once)} members not credited exactly once with their dues, "
            f"{len(others)} others changed"
        )
    receipts = await _fetch(
        env,
        fed.db("finance"),
        "SELECT member_id, count(*), count(DISTINCT posting_id), min(organization_id) FROM dues_receipts "
        "WHERE period = $1 AND member_id = ANY($2) GROUP BY 1",
        period,
        list(per_member),
    )
    unreceipted = len(per_member) - sum(1 for _, n, _, _ in receipts if n == 1)
    if unreceipted:
        problems.append(f"finance's receipts: {unreceipted} members without exactly one receipt for {period}")
    chunk_postings = await _fetch(
        env,
        fed.db("finance"),
        "SELECT organization_id, count(DISTINCT posting_id) FROM dues_receipts "
        "WHERE period = $1 AND organization_id = ANY($2) GROUP BY 1",
        period,
        fed.unions,
    )
    too_many = [u for u, n in chunk_postings if n > -(-unions[u][0] // 1000)]
    if too_many:
        problems.append(f"{len(too_many)} unions' months took more postings than chunks of 1,000 members")
    for code in ("1001", "4101"):
        off = [
            u
            for u, (_, fen) in unions.items()
            if after["balances"].get((u, code), 0) - before["balances"].get((u, code), 0) != fen
        ]
        if off:
            u = off[0]
            grew = after["balances"].get((u, code), 0) - before["balances"].get((u, code), 0)
            problems.append(
                f"{code} of {len(off)} unions grew by other than their dues (e.g. {u}: {grew}, expected {unions[u][1]})"
            )
    unbalanced = await seed.scalar(
        env,
        fed.db("finance"),
        "SELECT count(*) FROM (SELECT posting_id FROM posting_lines GROUP BY 1 HAVING sum(debit_fen) <> sum(credit_fen)) t",
    )
    if unbalanced:
        problems.append(f"{unbalanced} postings with debits ≠ credits")
    for name in fed.processes:
        dead = await seed.dead_letters(env, fed, name)
        if dead:
            problems.append(f"{dead} dead letters about {fed.id} in {name}")
    return "; ".join(problems) or None


async def _fetch(env: BenchEnv, database: str, query: str, *args) -> list[tuple]:
    connection = await asyncpg.connect(env.pg_url(database))
    try:
        return [tuple(r) for r in await connection.fetch(query, *args)]
    finally:
        await connection.close()
