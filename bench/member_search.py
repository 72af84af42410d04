"""Membership's member search over a federation of 100,000 members: the data it needs.

The seed enrols one union through membership's public path (the rest of the federation's
members reach welfare and finance as events only), so membership alone knows too few members
to search. The missing ones are copied straight into membership's ``members`` table, spread
over the federation's unions, with Chinese names drawn from common surnames and given-name
characters. This bypasses the outbox on purpose: the search is a read of membership's own
table, and nobody else needs to hear of these members. Enrolling them over HTTP would take
about an hour (one transaction each).
"""

import datetime as dt
import random
import urllib.parse
import uuid

import asyncpg

from bench.harness import BenchEnv

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文斌建国红梅志"
SEED = 14


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


async def ensure_members(env: BenchEnv, database: str, federation_id: str, unions: list[str], total: int) -> int:
    """Top membership up to ``total`` members in the federation; how many it now has."""
    connection = await asyncpg.connect(env.pg_url(database))
    try:
        have = await connection.fetchval("SELECT count(*) FROM members WHERE federation_id = $1", federation_id)
        missing = total - have
        if missing > 0:
            rng = random.Random(SEED)
            joined = dt.date(2015, 9, 1)
            records = [
                (
                    uuid.uuid4(),
                    unions[i % len(unions)],
                    federation_id,
                    name(rng),
                    rng.choice(("female", "male")),
                    joined,
                    "active" if i % 10 else "retired",
                )
                for i in range(missing)
            ]
            await connection.copy_records_to_table(
                "members",
                records=records,
                columns=["id", "organization_id", "federation_id", "display_name", "gender", "joined_on", "status"],
            )
            # The GIN indexes take new rows into a pending list first; VACUUM merges it, ANALYZE
            # gives the planner the grams' frequencies.
            await connection.execute("VACUUM ANALYZE members")
        return max(have, total)
    finally:
        await connection.close()


def search_paths(federation_id: str, count: int = 300) -> list[str]:
    """Searches as a clerk types them: a surname alone (one character: no trigram, thousands
    match, the first page is read off the name order), two characters, and full three-character
    names (trigram index); a tenth also filter by status."""
    rng = random.Random(SEED + 1)
    paths = []
    for i in range(count):
        query = {"name": name(rng)[: (1, 2, 3)[i % 3]], "limit": "50"}
        if i % 10 == 0:
            query["status"] = "retired"
        paths.append(f"/v1/organizations/{federation_id}/members?{urllib.parse.urlencode(query)}")
    return paths
