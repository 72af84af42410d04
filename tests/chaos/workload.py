"""A federation's mixed workload over the public HTTP APIs, with the books it must end with.

``Workload.run`` founds a federation with a few unions and members and drives, phase by phase:
membership (unions, joins, dues, a transfer and dues after it), finance (employer funds,
remittances, an allocation), welfare (grants, a festival greeting) and events (an activity's
cost). Every amount comes from the test's seeded generator, and ``Expected`` records the
ledger lines each operation must produce, computed from what was sent, never read back.

Each phase sends its commands to one service only, then calls the test's hook for that phase:
a fault injected there hits the other services while they consume the phase's events, and no
command is ever in flight to a process the fault kills. A POST is retried only when the
connection was refused (nothing was sent); reads are retried on any failure.

``check(platform)`` then runs ``unionfed finance reconcile`` and ``verify-chain`` and compares
every ledger with what was expected: balances, postings exactly once, nothing left pending.
"""

import asyncio
import datetime as dt
import inspect
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from tests.kafka_tools import committed_offset
from tests.processes import UNIONFED
from tests.pytest_infra import bearer
from unionfed_finance.domain.ledger import account_spec
from unionfed_shared.auth import Role
from unionfed_shared.messaging.kafka import end_offsets
from unionfed_welfare.service_layer.greetings import CHUNK as GREETING_CHUNK

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
# Membership dates changes by one clock, finance and welfare by Shanghai's: the earlier is "today" for both.
EARLIEST_TODAY = min(TODAY, dt.datetime.now(dt.UTC).date())
GRANT_FEN = 500_00
VISIT_POLICY = {
    "amounts_fen": {
        "hospitalised": GRANT_FEN,
        "wedding": 300_00,
        "funeral": 500_00,
        "childbirth": 300_00,
        "retirement": 400_00,
        "major_hardship": 2000_00,
    },
    "yearly_cap_fen": 5000_00,
}
SETTLE_TIMEOUT = 180.0


class WorkloadError(AssertionError):
    pass


@dataclass
class Expected:
    """What every ledger must show: balances in each account's normal direction, postings per ledger."""

    balances: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    postings: Counter = field(default_factory=Counter)
    holds_open: int = 0

    def post(self, org: str, *lines: tuple[str, int, int]) -> None:
        """One posting in ``org``'s books: (account, debit, credit) lines."""
        assert sum(d for _, d, _ in lines) == sum(c for _, _, c in lines), lines
        for code, debit, credit in lines:
            debit_normal = account_spec(code).type.debit_normal
            self.balances[org][code] += (debit - credit) if debit_normal else (credit - debit)
        self.postings[org] += 1

    def open(self, org: str) -> None:
        self.balances.setdefault(org, Counter())
        self.postings.setdefault(org, 0)


def remitted_of(amount_fen: int, per_mille: int = 400) -> int:
    return (amount_fen * per_mille + 500) // 1000


class Api:
    """Calls with the retry rules above."""

    def __init__(self, base_url: str, name: str):
        self.name = name
        self.client = httpx.AsyncClient(base_url=base_url, timeout=30)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def post(self, url: str, headers: dict, json_body=None, *, until_known: bool = False, method: str = "POST"):
        """POST; ``until_known`` also retries 404 (this service has not yet heard of it via Kafka)."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while True:
            try:
                answer = await self.client.request(method, url, json=json_body, headers=headers)
            except httpx.ConnectError:
                answer = None  # the process is down or restarting: nothing was sent
            if answer is not None and not (until_known and answer.status_code == 404):
                if answer.status_code >= 400:
                    raise WorkloadError(f"{self.name} {method} {url} → {answer.status_code}: {answer.text}")
                return answer.json() if answer.content else None
            if time.monotonic() > deadline:
                raise WorkloadError(
                    f"{self.name} {method} {url}: no answer after {SETTLE_TIMEOUT}s ({answer and answer.text})"
                )
            await asyncio.sleep(0.3)

    async def put(self, url: str, headers: dict, json_body, **kw):
        return await self.post(url, headers, json_body, method="PUT", **kw)

    async def get(self, url: str, headers: dict):
        """(status, body) or (None, None) while the service does not answer."""
        try:
            answer = await self.client.get(url, headers=headers)
        except httpx.HTTPError:
            return None, None
        try:
            return answer.status_code, answer.json()
        except ValueError:
            return answer.status_code, None


async def until(what: str, probe: Callable[[], Awaitable], timeout: float = SETTLE_TIMEOUT, every: float = 0.3):
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = probe()
            if inspect.isawaitable(last):
                last = await last
        except (httpx.HTTPError, OSError, asyncpg.PostgresError) as exc:
            last = exc
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise WorkloadError(f"{what}: not reached within {timeout:.0f}s (last: {last!r})")
        await asyncio.sleep(every)


Hook = Callable[[], Awaitable[None]]
# The phases in order; each sends commands to the service it is named after, and only to it.
PHASES = ("membership", "finance", "welfare", "events")


class Workload:
    """One federation of ``unions`` unions with ``members`` members each, driven over HTTP."""

    def __init__(self, platform, rng, label: str, *, unions: int = 2, members: int = 3):
        self.platform = platform
        self.expected: Expected = platform.expected
        self.rng = rng
        tag = f"{label}-{uuid.UUID(int=rng.getrandbits(128)).hex[:8]}"
        self.fed = f"fed-{tag}"
        self.unions = [f"u{i}-{tag}" for i in range(unions)]
        self.members_per_union = members
        self.members: dict[str, list[tuple[str, str]]] = {u: [] for u in self.unions}  # union → [(id, gender)]
        self.finance_requests: list[str] = []
        self.grants: list[str] = []
        self.greetings: list[tuple[str, int, str]] = []  # (status url, recipients, union)
        self.activities: list[tuple[str, str, int]] = []  # (activity id, union, reserved cost)
        self.admin = bearer(Role.FEDERATION_ADMIN, self.fed, self.fed, "admin-chaos")
        self.api = {name: Api(service.url, name) for name, service in platform.services.items()}

    def officer(self, union: str) -> dict:
        return bearer(Role.UNION_OFFICER, union, self.fed, f"treasurer-{union}")

    def welfare_officer(self, union: str) -> dict:
        return bearer(Role.WELFARE_OFFICER, union, self.fed, f"welfare-{union}")

    @property
    def orgs(self) -> list[str]:
        return [self.fed, *self.unions]

    async def aclose(self) -> None:
        for api in self.api.values():
            await api.aclose()

    async def run(self, hooks: dict[str, Hook] | None = None) -> None:
        """Every phase, then wait until everything it started has settled."""
        hooks = hooks or {}
        try:
            for phase in PHASES:
                if f"before_{phase}" in hooks:
                    await hooks[f"before_{phase}"]()
                await getattr(self, f"phase_{phase}")()
                if phase in hooks:
                    await hooks[phase]()
            await self.settle()
        finally:
            await self.aclose()

    # ------------------------------------------------------------------ membership

    async def found(self) -> None:
        done = await asyncio.to_thread(
            self.platform.cli,
            "membership",
            "found-federation",
            "--id",
            self.fed,
            "--name",
            "某县教育工会 chaos",
            "--operator",
            "chaos",
        )
        if done.returncode != 0:
            raise WorkloadError(f"found-federation failed: {done.stdout}{done.stderr}")
        for org in self.orgs:
            self.expected.open(org)

    async def phase_membership(self) -> None:
        await self.found()
        m = self.api["membership"]
        for union in self.unions:
            await m.post(
                "/v1/organizations",
                self.admin,
                {"id": union, "name": f"工会 {union}", "kind": "grassroots_union", "parent_id": self.fed},
            )
        for union in self.unions:
            for n in range(self.members_per_union):
                gender = "female" if n % 2 == 0 else "male"
                joined = await m.post(
                    f"/v1/organizations/{union}/members",
                    self.officer(union),
                    {"display_name": f"老师{n}", "gender": gender, "joined_on": "2019-09-01"},
                )
                self.members[union].append((joined["id"], gender))
        for union in self.unions:
            for member_id, _gender in self.members[union]:
                await self.pay_dues(union, member_id, "2026-09")
        if len(self.unions) > 1:
            # A teacher exchange (教师交流): the member moves, and pays the next dues in the new union.
            source, target = self.unions[0], self.unions[1]
            member_id, gender = self.members[source].pop(1)
            moved = await m.post(
                f"/v1/members/{member_id}/transfer",
                self.admin,
                {"to_organization_id": target, "effective_on": EARLIEST_TODAY.isoformat()},
            )
            assert moved["change"]["status"] == "applied", moved
            self.members[target].append((member_id, gender))
            await self.pay_dues(target, member_id, "2026-10")

    async def pay_dues(self, union: str, member_id: str, period: str) -> None:
        amount = self.rng.randrange(1000, 4000)
        await self.api["membership"].post(
            f"/v1/organizations/{union}/dues-payments",
            self.officer(union),
            {"member_id": member_id, "period": period, "amount_fen": amount},
        )
        self.expected.post(union, ("1001", amount, 0), ("4101", 0, amount))

    # ------------------------------------------------------------------ finance

    async def phase_finance(self) -> None:
        f = self.api["finance"]
        for org in self.orgs:
            await until(f"finance knows {org}", lambda org=org: self._ledger_known(org))
        remitted_total = 0
        for union in self.unions:
            amount = self.rng.randrange(50_000_00, 80_000_00)
            accepted = await f.post(
                f"/v1/organizations/{union}/employer-funds",
                self.officer(union),
                {"amount_fen": amount, "received_on": TODAY.isoformat(), "note": "chaos term"},
            )
            self.finance_requests.append(accepted["request_id"])
            owed = remitted_of(amount)
            self.expected.post(union, ("1001", amount, 0), ("4102", 0, amount), ("5202", owed, 0), ("2201", 0, owed))
            self.expected.post(self.fed, ("1131", owed, 0), ("4104", 0, owed))
            paid = self.rng.randrange(owed // 2, owed + 1)
            accepted = await f.post(
                f"/v1/organizations/{union}/remittances",
                self.officer(union),
                {"amount_fen": paid, "paid_on": TODAY.isoformat()},
            )
            self.finance_requests.append(accepted["request_id"])
            self.expected.post(union, ("2201", paid, 0), ("1001", 0, paid))
            self.expected.post(self.fed, ("1001", paid, 0), ("1131", 0, paid))
            remitted_total += paid
        union = self.unions[-1]
        allocated = self.rng.randrange(1000_00, remitted_total // 2)
        asked = await f.post(
            f"/v1/organizations/{union}/fund-requests",
            self.officer(union),
            {"amount_fen": allocated, "purpose": "乒乓球台 chaos"},
        )
        decided = await f.post(
            f"/v1/fund-requests/{asked['id']}/decision", self.admin, {"approve": True, "paid_on": TODAY.isoformat()}
        )
        self.finance_requests.append(decided["journal_event_id"])
        self.expected.post(self.fed, ("5201", allocated, 0), ("1001", 0, allocated))
        self.expected.post(union, ("1001", allocated, 0), ("4103", 0, allocated))

    async def _ledger_known(self, org: str) -> bool:
        status, _ = await self.api["finance"].get(f"/v1/organizations/{org}/ledger/balances", self.admin)
        return status == 200

    # ------------------------------------------------------------------ welfare

    async def phase_welfare(self) -> None:
        w = self.api["welfare"]
        await w.put(f"/v1/federations/{self.fed}/visit-policy", self.admin, VISIT_POLICY, until_known=True)
        for union in self.unions:
            await until(
                f"welfare knows the members of {union}", lambda union=union: self._roster_known("welfare", union)
            )
        for union in self.unions:
            member_id, _ = self.rng.choice(self.members[union])
            grant = await w.post(
                f"/v1/organizations/{union}/grants",
                self.welfare_officer(union),
                {
                    "member_id": member_id,
                    "visit_type": "hospitalised",
                    "occasion_on": TODAY.isoformat(),
                    "occasion_ref": f"住院号 {uuid.UUID(int=self.rng.getrandbits(128)).hex[:6]}",
                },
            )
            self.grants.append(grant["id"])
            self.expected.post(union, ("5101", GRANT_FEN, 0), ("1001", 0, GRANT_FEN))
        union = self.unions[0]
        women = [m for m, g in self.members[union] if g == "female"]
        amount = self.rng.randrange(100_00, 300_00)
        batch = await w.post(
            f"/v1/organizations/{union}/festival-greetings",
            self.welfare_officer(union),
            {
                "festival": "womens_day",
                "amount_fen": amount,
                "paid_on": TODAY.isoformat(),
                "eligibility": {"gender": "female", "statuses": ["active"]},
            },
        )
        assert batch["total"] == len(women), (batch, women)
        await w.post(f"{batch['status_url']}/run", self.welfare_officer(union))
        self.greetings.append((batch["status_url"], len(women), union))
        # Paid a chunk at a time: one posting per chunk of recipients, an expense line each.
        for start in range(0, len(women), GREETING_CHUNK):
            paid = amount * len(women[start : start + GREETING_CHUNK])
            self.expected.post(union, ("5101", paid, 0), ("1001", 0, paid))
        # Approving a grant needs finance's reservation first.
        for grant_id, union in zip(self.grants, self.unions):
            await self._grant_state(grant_id, union, "reserved")
            await w.post(f"/v1/grants/{grant_id}/approval", self.welfare_officer(union), {})

    async def _roster_known(self, service: str, union: str) -> bool:
        status, body = await self.api[service].get(f"/v1/organizations/{union}/members", self.officer(union))
        if status != 200:
            return False
        return sorted(m["id"] for m in body) == sorted(m for m, _ in self.members[union])

    async def _grant_state(self, grant_id: str, union: str, state: str) -> dict:
        async def probe():
            status, body = await self.api["welfare"].get(f"/v1/grants/{grant_id}", self.welfare_officer(union))
            if status == 200 and body["state"] in ("refused", "cancelled"):
                raise WorkloadError(f"grant {grant_id} {body['state']}: {body}")
            return body if status == 200 and body["state"] == state else None

        return await until(f"grant {grant_id} {state}", probe)

    # ------------------------------------------------------------------ events

    async def phase_events(self) -> None:
        e = self.api["events"]
        now = dt.datetime.now(dt.UTC)
        for union in self.unions:
            cost = self.rng.randrange(500_00, 2000_00)
            created = await e.post(
                f"/v1/organizations/{union}/activities",
                self.officer(union),
                {
                    "title": "教职工趣味运动会 chaos",
                    "kind": "sport",
                    "starts_at": (now + dt.timedelta(days=3)).isoformat(),
                    "ends_at": (now + dt.timedelta(days=3, hours=4)).isoformat(),
                    "registration_deadline": (now + dt.timedelta(days=2)).isoformat(),
                    "budget": [{"kind": "cost", "label": "场地 venue", "amount_fen": cost}],
                },
                until_known=True,
            )
            await e.post(f"/v1/activities/{created['id']}/publication", self.officer(union))
            self.activities.append((created["id"], union, cost))
        for activity_id, union, cost in self.activities:
            item = await self._budget_item(activity_id, union, "reserved")
            paid = self.rng.randrange(cost // 2, cost + 1)
            await e.post(
                f"/v1/activities/{activity_id}/budget/{item['id']}/payment",
                self.officer(union),
                {"amount_fen": paid, "paid_on": TODAY.isoformat(), "description": "场地费 venue hire"},
            )
            self.expected.post(union, ("5102", paid, 0), ("1001", 0, paid))

    async def _budget_item(self, activity_id: str, union: str, status: str) -> dict:
        async def probe():
            code, body = await self.api["events"].get(f"/v1/activities/{activity_id}/budget", self.officer(union))
            if code != 200:
                return None
            [item] = body["items"]
            if item["hold_status"] == "refused":
                raise WorkloadError(f"activity {activity_id}: finance refused its budget: {item}")
            return item if item["hold_status"] == status else None

        return await until(f"activity {activity_id} budget {status}", probe)

    # ------------------------------------------------------------------ settle

    async def settle(self) -> None:
        """Every command answered as expected: money posted, grants paid, greetings done, costs captured."""
        f = self.api["finance"]
        for request_id in self.finance_requests:

            async def posted(request_id=request_id):
                status, body = await f.get(f"/v1/money-requests/{request_id}", self.admin)
                if status == 200 and body["status"] != "posted":
                    raise WorkloadError(f"money request {request_id}: {body}")
                return status == 200

            await until(f"money request {request_id} posted", posted)
        for grant_id, union in zip(self.grants, self.unions):
            await self._grant_state(grant_id, union, "paid")
        for status_url, recipients, union in self.greetings:

            async def done(status_url=status_url, union=union):
                code, body = await self.api["welfare"].get(status_url, self.welfare_officer(union))
                return body if code == 200 and body["done"] else None

            report = await until(f"greeting {status_url} done", done)
            assert (report["paid"], report["refused"]) == (recipients, 0), report
        for activity_id, union, _cost in self.activities:
            await self._budget_item(activity_id, union, "captured")


# ---------------------------------------------------------------------- the check


async def _connect(platform, service: str) -> asyncpg.Connection:
    return await asyncpg.connect(platform.infra.pg_dsn(f"chaos_{service}_{platform.run}", driver="postgresql"))


async def _query(platform, service: str, sql: str, *args) -> list:
    deadline = time.monotonic() + 90
    while True:
        try:
            connection = await _connect(platform, service)
            try:
                return await connection.fetch(sql, *args)
            finally:
                await connection.close()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def run_cli(platform, service: str, *args: str) -> tuple[int, str]:
    env = dict(platform.services[service].env)
    env.pop("UNIONFED_FAILPOINTS", None)
    process = await asyncio.create_subprocess_exec(
        UNIONFED, service, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=180)
    return process.returncode, out.decode(errors="replace")


async def quiescent(platform, timeout: float = SETTLE_TIMEOUT) -> None:
    """Every expected posting is there, every outbox drained, every consumer group caught up."""
    expected = platform.expected

    async def postings_there():
        rows = await _query(platform, "finance", "SELECT organization_id, count(*) AS n FROM postings GROUP BY 1")
        have = {r["organization_id"]: r["n"] for r in rows}
        missing = {o: (have.get(o, 0), n) for o, n in expected.postings.items() if have.get(o, 0) < n}
        return not missing or (False, missing)

    async def outboxes_drained():
        for service in platform.services:
            [row] = await _query(platform, service, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
            if row["n"]:
                return False
        return True

    async def caught_up():
        from tests.chaos.platform import CONSUMERS
        from unionfed_shared.contracts.topics import DOMAIN_TOPICS

        ends = await end_offsets(platform.infra.kafka_bootstrap, list(DOMAIN_TOPICS))
        for service in CONSUMERS:
            group = platform.services[service].env[f"{service.upper()}_CONSUMER_GROUP_ID"]
            for topic in platform.topics_of(service):
                for (t, partition), end in ends.items():
                    if (
                        t == topic
                        and end
                        and (await committed_offset(platform.infra.kafka_bootstrap, group, t, partition) or 0) < end
                    ):
                        return (False, service, t, partition)
        return True

    async def first(probe):
        answer = await probe()
        return answer is True or None

    await until("every expected posting written", lambda: first(postings_there), timeout)
    await until("every outbox published", lambda: first(outboxes_drained), timeout)
    await until("every consumer group caught up", lambda: first(caught_up), timeout)


async def check(platform, workload: "Workload | None" = None, *, verify_org: str | None = None) -> None:
    """After a fault: every expected posting exactly once, every invariant, nothing pending that should not be."""
    await quiescent(platform)
    expected = platform.expected
    tasks = [asyncio.create_task(run_cli(platform, "finance", "reconcile"))]
    org = verify_org or (workload.rng.choice(workload.orgs) if workload else None)
    if org:
        tasks.append(asyncio.create_task(run_cli(platform, "finance", "verify-chain", "--org", org)))
    # Balances: every account of every expected ledger, in its normal direction.
    rows = await _query(
        platform,
        "finance",
        "SELECT organization_id, code, balance_fen, pending_fen FROM accounts WHERE organization_id = ANY($1::text[])",
        list(expected.balances),
    )
    have: dict[str, dict[str, int]] = defaultdict(dict)
    pending = []
    for r in rows:
        have[r["organization_id"]][r["code"]] = r["balance_fen"]
        if r["pending_fen"]:
            pending.append((r["organization_id"], r["code"], r["pending_fen"]))
    wrong = []
    for org_id, balances in expected.balances.items():
        for code in sorted(set(balances) | set(have[org_id])):
            if have[org_id].get(code, 0) != balances.get(code, 0):
                wrong.append(f"{org_id} {code}: ledger {have[org_id].get(code, 0)}, expected {balances.get(code, 0)}")
    # Postings exactly once: the count per ledger, and no journal entry posted twice in one ledger.
    counts = await _query(
        platform,
        "finance",
        "SELECT organization_id, count(*) AS n FROM postings WHERE organization_id = ANY($1::text[]) GROUP BY 1",
        list(expected.postings),
    )
    count_of = {r["organization_id"]: r["n"] for r in counts}
    for org_id, n in expected.postings.items():
        if count_of.get(org_id, 0) != n:
            wrong.append(f"{org_id}: {count_of.get(org_id, 0)} postings, expected {n}")
    twice = await _query(
        platform,
        "finance",
        "SELECT organization_id, journal_event_id, count(*) AS n FROM postings GROUP BY 1, 2 HAVING count(*) > 1",
    )
    wrong += [f"{r['organization_id']}: journal entry {r['journal_event_id']} posted {r['n']} times" for r in twice]
    holds = await _query(
        platform, "finance", "SELECT organization_id, reference, amount_fen FROM holds WHERE status = 'pending'"
    )
    if len(holds) != expected.holds_open:
        wrong.append(f"{len(holds)} pending holds, expected {expected.holds_open}: {[dict(h) for h in holds][:5]}")
    if not expected.holds_open and pending:
        wrong.append(f"pending amounts left on accounts: {pending[:5]}")
    for service, count in platform.pending_dead_letters.items():
        dead = await _query(
            platform,
            service,
            'SELECT topic, "partition", "offset", event_type, error FROM dead_letters WHERE status = \'pending\'',
        )
        if len(dead) != count:
            wrong.append(
                f"{service}: {len(dead)} pending dead letters, expected {count}: "
                f"{[(d['topic'], d['offset'], d['error'][:200]) for d in dead][:5]}"
            )
    results = [await task for task in tasks]
    code, out = results[0]
    if code != 0:
        wrong.append(f"unionfed finance reconcile exited {code}:\n{out}")
    if org:
        code, out = results[1]
        if code != 0 or "chain intact" not in out:
            wrong.append(f"unionfed finance verify-chain --org {org} exited {code}:\n{out}")
    if wrong:
        raise AssertionError("the books are not what the workload sent:\n  " + "\n  ".join(wrong))
    print(
        f"chaos: check passed: {sum(expected.postings.values())} postings in {len(expected.postings)} ledgers "
        f"as expected; reconcile and verify-chain ({org}) pass",
        flush=True,
    )
