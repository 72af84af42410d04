"""Finance's entries list over one union's ledger of 100,000 entries: first page, a deep page, filters.

The ledger (``BENCH_ENTRIES`` entries, default 100,000, in one union's books) is written once per
harness run into a fresh finance database by the hand-written poster (``bench.raw_poster``, the
service's own rows: sequence, hash chain with ``chain_record``, lines, balances), from journal
entries made as finance makes them, so the chain verifies and the search sees what the service
would have written; the service's verifier checks the chain before anything is measured. Ten
years of a school's books: each month's dues collected member by member (Dr 1001 bank / Cr 4101
dues income), and every tenth entry the employer's 2% union funds (Dr 1001 / Cr 4102) with the
employer's name in the description.

Then finance runs as a process on that database and each read is sent one request at a time
(``BENCH_ENTRIES_REQUESTS`` each, default 200, after a warm-up): the first page; a deep page
through a cursor (past sequence 80,000–99,000); entries on account 4102, and on 4103 which has
none; entries of a total between ¥10,000 and ¥11,000; entries whose description holds an
employer's name, or an employer's name and a month (a few entries in the whole ledger); one
month's entries. The gate is p95 < 200 ms; p50 and p99 are reported too. One at a time, not
under load: the figure is the service time of a clerk paging through the books, which is what
the target is about.
"""

import dataclasses
import datetime as dt
import os
import time
import urllib.parse
import uuid

import asyncpg
import httpx

from bench import books
from bench.harness import BenchEnv, Sample
from bench.latency import percentile
from bench.raw_poster import RawPoster, prepare
from tests.pytest_infra import bearer
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR
from unionfed_finance.service_layer import journal
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.migrations import upgrade_database
from unionfed_shared.paging import encode_cursor

SCENARIO = "entries"
RUNS = 3
P95_TARGET_MS = 200
WARM_UP = 10
TIMEOUT_S = 10
BATCH = 2_000  # journal entries per poster transaction while seeding
FEDERATION = "bench-entries-county"
UNION = "bench-entries-school"
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 3_650  # the entries' effective dates spread over ten years, in ledger order
EMPLOYERS = ("城关第一小学", "实验中学", "县第二中学", "育才小学", "红星幼儿园", "职业技术学校", "希望小学", "第三中学")
FUNDS_EVERY = 10  # every tenth entry is the employer's union funds; the rest are dues
FUNDS_ACCOUNT = "4102"
UNUSED_ACCOUNT = "4103"  # allocations received: none in these books
AMOUNT_RANGE_FEN = (1_000_000, 1_100_000)  # only union funds are this large: about 1 entry in 200


def entries(env: BenchEnv | None = None) -> int:
    """BENCH_ENTRIES when set, else the plan's size, else 100,000."""
    if "BENCH_ENTRIES" in os.environ or env is None:
        return int(os.environ.get("BENCH_ENTRIES", "100000"))
    return env.size(100_000)


def requests(env: BenchEnv | None = None) -> int:
    """BENCH_ENTRIES_REQUESTS when set, else the plan's "requests per read", else 200."""
    if "BENCH_ENTRIES_REQUESTS" in os.environ or env is None:
        return int(os.environ.get("BENCH_ENTRIES_REQUESTS", "200"))
    return int(env.option("requests per read", 200))


async def measure(env: BenchEnv, run: int) -> list[Sample]:
    state = env.state.get(SCENARIO)
    if state is None:
        with env.setting_up():
            state = await _prepare(env)
    process = state["process"]
    headers = bearer(Role.UNION_OFFICER, UNION, FEDERATION, subject="bench-treasurer")
    print(
        f"entries run {run}: {state['entries']:,} entries in {UNION}'s ledger, "
        f"{requests(env)} requests per read, one at a time",
        flush=True,
    )
    samples = []
    async with httpx.AsyncClient(base_url=process.url, timeout=TIMEOUT_S, headers=headers) as client:
        for name, queries in _reads(state["entries"]):
            latencies, matched = await _one_at_a_time(client, name, queries, requests(env))
            p50, p95, p99 = (percentile(latencies, p) for p in (50, 95, 99))
            print(
                f"entries: {name}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
                f"max {latencies[-1]:.1f} ms ({matched:,} entries on the pages read)",
                flush=True,
            )
            samples += [
                Sample(SCENARIO, f"{name} p50", p50, "ms"),
                Sample(SCENARIO, f"{name} p95", p95, "ms", f"< {P95_TARGET_MS}"),
                Sample(SCENARIO, f"{name} p99", p99, "ms"),
            ]
    # The size it ran at, also when BENCH_ENTRIES overrode the plan's.
    return [dataclasses.replace(s, size=f"{state['entries']:,} entries") for s in samples]


def _reads(count: int) -> list[tuple[str, list[dict]]]:
    """Each read's query strings, cycled through by its requests."""
    deep = [encode_cursor([position]) for position in range(int(count * 0.8), int(count * 0.99), 997)]
    months = [(FIRST_DAY + dt.timedelta(days=30 * m)).replace(day=1) for m in range(0, 119, 7)]
    return [
        ("first page", [{}]),
        ("deep page by cursor", [{"cursor": c} for c in deep]),
        (f"account {FUNDS_ACCOUNT}", [{"account": FUNDS_ACCOUNT}]),
        # An account the school never used: every entry is a candidate, none matches.
        (f"account {UNUSED_ACCOUNT} (no entries)", [{"account": UNUSED_ACCOUNT}]),
        ("amount range", [{"amount_min_fen": AMOUNT_RANGE_FEN[0], "amount_max_fen": AMOUNT_RANGE_FEN[1]}]),
        ("text", [{"text": employer} for employer in EMPLOYERS]),
        # One voucher looked for by its employer and month: a handful of entries in the whole ledger.
        (
            "text, one month's funds",
            [{"text": f"{EMPLOYERS[m % len(EMPLOYERS)]} {month:%Y-%m}"} for m, month in enumerate(months)],
        ),
        (
            "one month",
            [{"from": m.isoformat(), "to": (m + dt.timedelta(days=31)).replace(day=1).isoformat()} for m in months],
        ),
    ]


async def _one_at_a_time(
    client: httpx.AsyncClient, name: str, queries: list[dict], count: int
) -> tuple[list[float], int]:
    path = f"/v1/organizations/{UNION}/ledger/postings"
    latencies, matched = [], 0
    for i in range(WARM_UP + count):
        query = queries[i % len(queries)]
        started = time.perf_counter()
        response = await client.get(f"{path}?{urllib.parse.urlencode(query)}")
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"entries: {name}: {response.status_code} {response.text[:300]}")
        if i >= WARM_UP:
            latencies.append(elapsed)
            matched += len(response.json()["items"])
    return sorted(latencies), matched


async def _prepare(env: BenchEnv) -> dict:
    count = entries(env)
    database = await env.fresh_database("bench_entries")
    await upgrade_database(env.infra.pg_dsn(database), MIGRATIONS_DIR)
    env.say(f"entries: writing {count:,} entries into {UNION}'s ledger ({database})")
    started = time.monotonic()
    conn = await asyncpg.connect(env.pg_url(database))
    try:
        await prepare(conn)
        await _directory(conn)
        poster = RawPoster(conn)
        for first in range(0, count, BATCH):
            await poster.apply([_record(i, count) for i in range(first, min(first + BATCH, count))])
            if (first // BATCH) % 10 == 9:
                env.say(f"  entries: {first + BATCH:,} of {count:,} written")
        written = await conn.fetchval("SELECT count(*) FROM postings WHERE organization_id = $1", UNION)
        # The planner's statistics, as autovacuum would have them on books that grew over years.
        await conn.execute("VACUUM ANALYZE postings")
        await conn.execute("VACUUM ANALYZE posting_lines")
    finally:
        await conn.close()
    if written != count:
        raise RuntimeError(f"entries: {written:,} entries written of {count:,}")
    env.say(f"entries: {count:,} entries written in {time.monotonic() - started:.0f} s; verifying the chain")
    problems = await books.chain_problems(env.infra.pg_dsn(database), [UNION])
    if problems:
        raise RuntimeError(f"entries: the seeded chain does not verify: {problems[0]}")
    process = env.service("finance", database)
    process.start()
    await process.wait_ready()
    state = env.state[SCENARIO] = {"entries": count, "database": database, "process": process}
    return state


async def _directory(conn: asyncpg.Connection) -> None:
    """The county and the school, as membership's events would have registered them in finance."""
    await conn.executemany(
        "INSERT INTO directory_organizations (id, federation_id, parent_id, name, kind, path) VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (FEDERATION, FEDERATION, None, "某县教育工会", "federation", [FEDERATION]),
            (UNION, FEDERATION, FEDERATION, "城关第一小学工会", "grassroots_union", [FEDERATION, UNION]),
        ],
    )


class _Record:
    """What the poster reads of a Kafka record of the journal topic."""

    def __init__(self, offset: int, key: bytes, value: bytes, headers: list[tuple[str, bytes]]):
        self.topic, self.partition, self.offset = topics.FINANCE_JOURNAL, 0, offset
        self.key, self.value, self.headers = key, value, headers


def _record(index: int, count: int) -> _Record:
    """The index-th journal entry of the school's books; deterministic but for its ids."""
    day = FIRST_DAY + dt.timedelta(days=index * DAYS // count)
    if index % FUNDS_EVERY == 0:
        employer = EMPLOYERS[(index // FUNDS_EVERY) % len(EMPLOYERS)]
        amount = 200_000 + (index * 7919) % 1_800_000  # ¥2,000 – ¥19,999.99
        [posting] = flows.employer_funds(UNION, None, amount, day, flows.FundPolicy(), note=f"{employer} {day:%Y-%m}")
    else:
        posting = flows.dues(UNION, 500 + (index * 7919) % 49_500, f"{day:%Y-%m}", day)
    entry = contract.JournalEntryV1(
        organization_id=UNION,
        federation_id=FEDERATION,
        instruction=journal.post(posting),
        requested_by=UNION,
        reference=f"bench-entries-{index}",
    )
    envelope = Envelope.wrap(
        entry,
        source="/unionfed/finance",
        correlation_id=None,
        causation_id=None,
        actor="bench-treasurer",
        trace_headers={"traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"},
    )
    headers = [(name, value.encode()) for name, value in envelope.headers().items()]
    return _Record(index, envelope.key, envelope.data, headers)
