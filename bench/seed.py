"""A large federation for the benchmarks, entered through the public APIs, shared by the scenarios.

``await federation(env, members)`` builds it once per harness run (and per size) and hands the
same one to every scenario that asks: the festival greeting pays its members, the latency
scenario then reads its books. Building it:

1. the platform: fresh databases for membership, welfare and finance, one process each — once
   per harness run, shared by every federation, as one deployment serves all its federations.
   (A platform per federation on the one Kafka made every finance read every federation's
   membership events and answer every federation's requests: a finance without a federation's
   money refused the payments the other had made, under the same event ids, and the welfare
   services dead-lettered the conflicting answers);
2. the federation founded with membership's CLI and its school unions (``UNION_SIZE`` members
   each) registered over HTTP; the first union's roster (CSV, valid ID numbers) imported over
   HTTP, so membership publishes its MemberJoinedV1 events through its outbox;
3. the other unions' members as MemberJoinedV1 produced straight to Kafka, exactly as
   membership's relay would publish them (the import enrols one member per transaction, far
   too slow for 100,000);
4. waiting, with progress, until welfare's and finance's read models hold every member: the
   events are applied one transaction each, which is most of the seeding time.

Money comes in per greeting run (``fund``): employer funds recorded in the federation's own
ledger through finance's HTTP command.
"""

import asyncio
import csv
import datetime as dt
import io
import subprocess
import time
import uuid
from dataclasses import dataclass, field

import asyncpg
import httpx

from bench.harness import BenchEnv
from tests.processes import UNIONFED, ServiceProcess
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role

SERVICES = ("membership", "welfare", "finance")
# A big school union; the roster import takes at most 5,000 rows a file.
UNION_SIZE = 2_000
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "芳娜敏静丽艳娟霞秀英华慧伟强磊军洋勇杰涛斌超明刚平辉鹏飞鑫波宇浩凯健俊帆峰建文国林志龙成海东亮晨阳博"


@dataclass
class Platform:
    """The services every federation of a harness run lives on, and their databases."""

    processes: dict[str, ServiceProcess]
    databases: dict[str, str]
    # False once a scenario left the services busy (e.g. a greeting stopped at its time budget).
    usable: bool = True

    def fit(self) -> bool:
        """Usable, and every service still running."""
        return self.usable and all(p.process is not None and p.process.poll() is None for p in self.processes.values())


@dataclass
class Federation:
    id: str
    unions: list[str]
    members: int
    platform: Platform
    seconds_to_seed: float
    funded_fen: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def processes(self) -> dict[str, ServiceProcess]:
        return self.platform.processes

    def admin(self) -> dict[str, str]:
        return bearer(Role.FEDERATION_ADMIN, self.id, self.id, subject="bench-admin")

    def pids(self) -> dict[str, int]:
        return {name: p.process.pid for name, p in self.processes.items()}

    def db(self, service: str) -> str:
        return self.platform.databases[service]


_built: dict[tuple[int, int], Federation] = {}
_platforms: dict[int, Platform] = {}


async def federation(env: BenchEnv, members: int) -> Federation:
    """The federation of ``members`` members for this harness run: built on first use, then shared."""
    key = (id(env), members)
    existing = _built.get(key)
    if existing is not None and existing.platform.fit():
        return existing
    with env.setting_up():
        _built[key] = await _build(env, members)
    return _built[key]


def existing(env: BenchEnv) -> Federation | None:
    """The largest federation already built in this harness run whose services are still fit to use."""
    fit = [fed for (env_id, _), fed in _built.items() if env_id == id(env) and fed.platform.fit()]
    return max(fit, key=lambda fed: fed.members, default=None)


def discard(fed: Federation) -> None:
    """Stop its services and never hand them out again (they may still be working), for any federation
    on them: the next federation asked for gets a platform of its own."""
    fed.platform.usable = False
    for process in fed.processes.values():
        process.stop()


async def _platform(env: BenchEnv) -> Platform:
    """The harness run's platform, started on first use (and again once a scenario discarded it)."""
    platform = _platforms.get(id(env))
    if platform is not None and platform.fit():
        return platform
    databases, processes = {}, {}
    for name in SERVICES:
        databases[name] = await env.fresh_database(f"bench_{name}")
        process = env.service(name, databases[name])
        await process.migrate(_migrations_dir(name))
        process.start()
        processes[name] = process
    for process in processes.values():
        await process.wait_ready()
    _platforms[id(env)] = Platform(processes, databases)
    return _platforms[id(env)]


async def _build(env: BenchEnv, members: int) -> Federation:
    from bench.events import ensure_topics_settled

    started = time.monotonic()
    await ensure_topics_settled(env.infra.kafka_bootstrap)
    fed_id = f"bench-{uuid.uuid4().hex[:6]}"
    platform = await _platform(env)
    sizes = [min(UNION_SIZE, members - start) for start in range(0, members, UNION_SIZE)]
    unions = [f"{fed_id}-school-{n:03d}" for n in range(len(sizes))]
    fed = Federation(fed_id, unions, members, platform, 0.0)
    _log(
        f"seed: {len(SERVICES)} services up after {time.monotonic() - started:.1f} s; "
        f"federation {fed_id}: {len(unions)} school unions, {members} members"
    )

    membership = platform.processes["membership"]
    subprocess.run(
        [
            UNIONFED,
            "membership",
            "found-federation",
            "--id",
            fed_id,
            "--name",
            "某县教育工会 (bench)",
            "--operator",
            "bench-seed",
        ],
        env=membership.env,
        check=True,
        capture_output=True,
    )
    async with httpx.AsyncClient(base_url=membership.url, timeout=600) as client:
        for union_id in unions:
            answer = await client.post(
                "/v1/organizations",
                headers=fed.admin(),
                json={
                    "id": union_id,
                    "name": f"第{union_id[-3:]}中学工会",
                    "kind": "grassroots_union",
                    "parent_id": fed_id,
                },
            )
            ok(answer)
        # The first union through the public path: membership knows these members (the latency
        # scenario looks them up), and the import is measured.
        officer = bearer(Role.UNION_OFFICER, unions[0], fed_id, subject=f"officer-{unions[0]}")
        import_started = time.monotonic()
        answer = await client.post(
            f"/v1/organizations/{unions[0]}/roster-imports",
            headers=officer,
            files={"file": (f"{unions[0]}-会员花名册.csv", roster_csv(0, sizes[0]), "text/csv")},
        )
        if (created := ok(answer)["created"]) != sizes[0]:
            raise RuntimeError(
                f"seed: roster of {unions[0]}: {created} of {sizes[0]} members created: {answer.text[:500]}"
            )
        fed.extra["roster_import_rows_per_s"] = sizes[0] / (time.monotonic() - import_started)
        _log(
            f"seed: roster of {unions[0]} imported over HTTP: {sizes[0]} members, "
            f"{fed.extra['roster_import_rows_per_s']:.0f} rows/s ({time.monotonic() - started:.0f} s)"
        )
    if len(unions) > 1:
        # Importing one member per transaction (~60 rows/s on this machine) would take most of an
        # hour for 100,000: the other unions' members join as the events membership would publish.
        await _wait_for_organizations(env, fed)
        await _produce_members(env, fed, list(zip(unions, sizes))[1:], first=sizes[0], started=started)
    await _wait_for_read_models(env, fed, started)
    fed.seconds_to_seed = time.monotonic() - started
    _log(f"seed: federation {fed_id} seeded in {fed.seconds_to_seed:.1f} s")
    return fed


async def fund(env: BenchEnv, fed: Federation, amount_fen: int) -> None:
    """Record ``amount_fen`` of employer funds in the federation's own ledger and wait until it is posted."""
    finance = fed.processes["finance"]
    async with httpx.AsyncClient(base_url=finance.url, timeout=60) as client:
        answer = ok(
            await client.post(
                f"/v1/organizations/{fed.id}/employer-funds",
                headers=fed.admin(),
                json={"amount_fen": amount_fen, "received_on": dt.date.today().isoformat(), "note": "bench: 工会经费"},
            )
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            outcome = await client.get(answer["status_url"], headers=fed.admin())
            if outcome.status_code == 200 and outcome.json()["status"] != "pending":
                if outcome.json()["status"] == "refused":
                    raise RuntimeError(f"seed: finance refused the funds: {outcome.json()}")
                fed.funded_fen += amount_fen
                return
            await asyncio.sleep(0.2)
    raise TimeoutError("seed: the employer funds were not posted within 120 s")


async def _wait_for_organizations(env: BenchEnv, fed: Federation) -> None:
    """Until welfare and finance know every union (their members' events travel on other partitions)."""
    deadline = time.monotonic() + 120
    query = "SELECT count(*) FROM directory_organizations WHERE federation_id = $1"
    while time.monotonic() < deadline:
        counts = [await scalar(env, fed.db(name), query, fed.id) for name in ("welfare", "finance")]
        if all(c == len(fed.unions) + 1 for c in counts):
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"seed: welfare and finance know {counts} of {len(fed.unions) + 1} organizations after 120 s")


async def _produce_members(
    env: BenchEnv, fed: Federation, unions: list[tuple[str, int]], first: int, started: float
) -> None:
    """One MemberJoinedV1 per member, as membership's outbox relay publishes it (CloudEvent headers, key = union)."""
    from aiokafka import AIOKafkaProducer

    from unionfed_shared.contracts.envelope import Envelope
    from unionfed_shared.contracts.membership import MemberJoinedV1

    producer = AIOKafkaProducer(
        bootstrap_servers=env.infra.kafka_bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=20,
        max_batch_size=256 * 1024,
    )
    await producer.start()
    try:
        sent, pending = 0, []
        for union_id, size in unions:
            for i in range(first, first + size):
                person = person_of(i)
                event = MemberJoinedV1(
                    organization_id=union_id,
                    federation_id=fed.id,
                    member_id=member_uuid(fed.id, i),
                    display_name=person["name"],
                    gender=person["gender"],
                    joined_on=person["joined_on"],
                )
                envelope = Envelope.wrap(
                    event, source="/unionfed/membership", correlation_id=None, causation_id=None, actor="bench-seed"
                )
                headers = [(k, v.encode()) for k, v in envelope.headers().items()]
                pending.append(await producer.send(event.topic, envelope.data, key=envelope.key, headers=headers))
                if len(pending) >= 5_000:
                    await asyncio.gather(*pending)
                    sent += len(pending)
                    pending.clear()
            first += size
        await asyncio.gather(*pending)
        sent += len(pending)
    finally:
        await producer.stop()
    _log(f"seed: {sent} MemberJoinedV1 produced to Kafka ({time.monotonic() - started:.0f} s)")


async def _wait_for_read_models(env: BenchEnv, fed: Federation, started: float) -> None:
    """Until welfare and finance know every union and member (membership's events applied)."""
    last_print, last_counts = 0.0, {}
    while True:
        counts = {}
        for name in ("welfare", "finance"):
            counts[name] = await scalar(
                env, fed.db(name), "SELECT count(*) FROM directory_members WHERE federation_id = $1", fed.id
            )
        ledgers = await scalar(env, fed.db("finance"), "SELECT count(*) FROM ledgers WHERE federation_id = $1", fed.id)
        done = all(c == fed.members for c in counts.values()) and ledgers == len(fed.unions) + 1
        now = time.monotonic()
        if done or now - last_print >= 5:
            rates = ", ".join(
                f"{n} {c}/{fed.members}"
                + (f" ({(c - last_counts[n]) / (now - last_print):.0f}/s)" if last_counts else "")
                for n, c in counts.items()
            )
            _log(f"seed: read models: {rates}; finance ledgers {ledgers} ({now - started:.0f} s)")
            last_print, last_counts = now, counts
        if done:
            return
        for process in fed.processes.values():
            if process.process.poll() is not None:
                raise RuntimeError(f"seed: {process.name} exited:\n{process.log_tail()}")
        await asyncio.sleep(1)


def member_uuid(federation_id: str, i: int) -> uuid.UUID:
    """Member ``i`` of the federation's id, the same in every service that hears of them."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"unionfed-bench/{federation_id}/member/{i}")


async def membership_roster(env: BenchEnv, fed: Federation) -> int:
    """Every member of the federation on membership's roster too, with a base salary (dues need it).

    The first union's members were imported over HTTP. The others reached welfare and finance as
    MemberJoinedV1 only; they are copied into membership's ``members`` table with the same ids,
    names, join dates and salaries (person ``i``), bypassing the outbox on purpose: the others
    already heard of them, and enrolling 100,000 over HTTP takes an hour. Done once per federation;
    how many members were copied.
    """
    if fed.extra.get("membership_roster") or len(fed.unions) == 1:
        return 0
    sizes = [min(UNION_SIZE, fed.members - start) for start in range(0, fed.members, UNION_SIZE)]
    records, first = [], sizes[0]
    for union_id, size in list(zip(fed.unions, sizes))[1:]:
        for i in range(first, first + size):
            person = person_of(i)
            records.append(
                (
                    member_uuid(fed.id, i),
                    union_id,
                    fed.id,
                    person["name"],
                    person["gender"],
                    person["joined_on"],
                    "active",
                    f"T{i:06d}",
                    person["salary_fen"],
                )
            )
        first += size
    connection = await asyncpg.connect(env.pg_url(fed.db("membership")))
    try:
        await connection.copy_records_to_table(
            "members",
            records=records,
            columns=[
                "id",
                "organization_id",
                "federation_id",
                "display_name",
                "gender",
                "joined_on",
                "status",
                "staff_no",
                "base_salary_fen",
            ],
        )
        await connection.execute("ANALYZE members")
    finally:
        await connection.close()
    fed.extra["membership_roster"] = True
    _log(f"seed: {len(records):,} members copied onto membership's roster of {fed.id}")
    return len(records)


def roster_csv(first: int, size: int) -> bytes:
    """A school's roster as an office saves it from Excel: UTF-8 with BOM, Chinese headers.

    Person ``i`` of the federation has a unique, valid ID number (birth date and sequence derived
    from ``i``; the gender follows from its 17th digit, so there is no 性别 column to contradict it).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号", "手机", "工号", "入会日期", "基本工资"])
    for i in range(first, first + size):
        p = person_of(i)
        writer.writerow(
            [
                p["name"],
                p["id_number"],
                f"139{i:08d}",
                f"T{i:06d}",
                p["joined_on"].isoformat(),
                f"{p['salary_fen'] // 100}.{p['salary_fen'] % 100:02d}",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


def person_of(i: int) -> dict:
    """Person ``i`` of the federation, the same whichever way they join."""
    born = dt.date(1966, 1, 1) + dt.timedelta(days=i // 1000)
    first17 = f"330102{born:%Y%m%d}{i % 1000:03d}"
    return {
        "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)],
        "id_number": first17 + _id_check(first17),
        "gender": "male" if int(first17[16]) % 2 else "female",
        "joined_on": dt.date(2000, 9, 1) + dt.timedelta(days=i % 7000),
        "salary_fen": 450_000 + (i * 37) % 300_000,
    }


def _id_check(first17: str) -> str:
    """The GB 11643 check character."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


async def scalar(env: BenchEnv, database: str, query: str, *args):
    connection = await asyncpg.connect(env.pg_url(database))
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


def _migrations_dir(name: str):
    from bench.harness import REPO

    return REPO / "services" / name / "migrations"


def ok(response: httpx.Response):
    if response.status_code >= 300:
        raise RuntimeError(
            f"{response.request.method} {response.request.url} → {response.status_code}: {response.text[:500]}"
        )
    return response.json()


async def dead_letters(env: BenchEnv, fed: Federation, service: str) -> int:
    """Dead letters in ``service`` about this federation (keyed by it or one of its unions).

    Every federation's services read the same topics, so a second federation's finance also
    answers the first one's money requests (refusing them: it does not know their unions), and
    the first one's welfare then meets the same deterministic event id with another payload
    (ConflictingDuplicate). Those are an artefact of several service sets on one Kafka, about
    another federation; the gates count only the federation's own.
    """
    keys = [org.encode() for org in (fed.id, *fed.unions)]
    return await scalar(env, fed.db(service), "SELECT count(*) FROM dead_letters WHERE key = ANY($1::bytea[])", keys)


def _log(line: str) -> None:
    print(line, flush=True)


# Measuring the service processes (shared by the scenarios that use this federation).

CLOCK_TICKS = __import__("os").sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """User + system CPU time of ``pid`` (all its threads); with ``children``, also of its reaped children."""
    from pathlib import Path

    # The command may contain spaces and parentheses: the fields start after the last ')'.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + ((cutime + cstime) if children else 0)) / CLOCK_TICKS


def reset_rss_peak(pid: int) -> bool:
    """Reset the process's peak resident set (VmHWM) to its current size; False where the kernel refuses."""
    from pathlib import Path

    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


async def postgres_server_pid(env: BenchEnv) -> int | None:
    """The postmaster's pid when the server runs on this machine (native infra), else None."""
    from pathlib import Path

    directory = await scalar(env, "postgres", "SELECT setting FROM pg_settings WHERE name = 'data_directory'")
    try:
        return int(Path(directory, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, TypeError):
        return None


def postgres_cpu_seconds(postmaster: int) -> float:
    """CPU of the whole PostgreSQL server: the postmaster, its ended backends, and the live ones."""
    from pathlib import Path

    total = cpu_seconds(postmaster, children=True)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                if f"\nPPid:\t{postmaster}\n" in status:
                    total += cpu_seconds(int(entry.name))
            except OSError:
                continue  # ended while we looked: its time is in the postmaster's children total now
    return total
