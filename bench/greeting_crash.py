"""Festival greeting with crashes: welfare and finance killed mid-chunk while it pays, and restarted.

Issue 5's crash test (``services/welfare/tests/integration/test_greetings_crash.py``) at the
bench's sizes, on the same federation and with the same gates as the clean greeting
(bench/greeting.py): every member paid exactly once, the welfare expense grown by N × the
amount, one posting per chunk, no hold reference posted twice, none pending, postings balanced,
balances equal to their lines, no dead letters about the federation.

Before the timed part, welfare and finance are restarted with one failpoint each (the ones the
crash tests use; ``os._exit``, as ``kill -9``: nothing flushed, no offset committed):

- welfare ``greetings.after_chunk:K``: dies right after committing its K-th chunk (the recipients
  marked and the chunk's PayMany in the outbox), before the relay has published it;
- finance ``consumer.after_db_commit:M``: dies after the database commit of its M-th consumed
  message, before the offsets are committed, so the restarted finance is handed it again.

Then, once each service is back and moving payments again, it is killed with SIGKILL at a random
moment (``kills per service`` − 1 times each; the first kill is the failpoint's) — unless its part
is done by then (finance has posted every grant): such a kill is left out, and the kills row
misses its target. A supervisor restarts whatever died (as systemd would; the services are static
members of their consumer groups, so a restarted one is handed its partitions at once), and each time welfare
comes back the greeting's ``…/run`` is sent again (the operator's resume: running it again pays
nobody twice).

Timed from the command to the last payment, kills and restarts included. The table adds the kills
of each service, the downtime (kill to ready again), the time lost to the kills (each kill until
payments moved again, overlaps counted once) and, when a clean greeting of the same size ran in
the same harness, how much longer this one took. ``BENCH_CRASH_SEED`` fixes the random choices
(printed with every run).
"""

import asyncio
import dataclasses
import os
import random
import signal
import subprocess
import time
import uuid

import httpx

from bench import greeting, seed
from bench.harness import BenchEnv, Sample
from unionfed_welfare.service_layer.greetings import CHUNK as GREETING_CHUNK

SCENARIO = "greeting-crash"
AMOUNT_FEN = greeting.AMOUNT_FEN
KILLED = ("welfare", "finance")
KILLS_PER_SERVICE = 2  # the failpoint's, then SIGKILLs
POLL_S = 0.25  # as the clean greeting polls finance; welfare's count over the batch each time too
# A random SIGKILL comes this long after the service was seen moving payments again.
KILL_DELAY_S = (0.05, 0.4)
# How a killed process may end: the failpoint's os._exit(137), or our SIGKILL.
KILL_CODES = (137, -signal.SIGKILL)


@dataclasses.dataclass
class Kill:
    """One death of a service: how, when it died, when it was ready again, when payments moved again."""

    service: str
    how: str
    at: float
    back: float | None = None
    resumed: float | None = None
    progress_at_back: int = 0


@dataclasses.dataclass
class KillPlan:
    """What to kill, at which failpoint count, for a greeting of ``chunks`` chunks."""

    failpoints: dict[str, str]
    kills_per_service: int
    seed: int

    def random_kills(self) -> int:
        return max(self.kills_per_service - 1, 0)


def kill_plan(count: int, chunk: int, kills_per_service: int, seed_: int) -> KillPlan:
    """Failpoints that surely fire mid-greeting: welfare within its first half of chunks, finance
    within its first ``chunks`` consumed messages (it consumes at least two per chunk: the request
    it journals, then the journal entry it applies), never at the very start."""
    rng = random.Random(seed_)
    chunks = -(-count // chunk)
    welfare_k = rng.randint(max(1, chunks // 4), max(1, chunks // 2))
    finance_m = rng.randint(max(1, chunks // 2), max(1, chunks))
    return KillPlan(
        {
            "welfare": f"greetings.after_chunk:{welfare_k}",
            "finance": f"consumer.after_db_commit:{finance_m}",
        },
        kills_per_service,
        seed_,
    )


def time_lost_s(kills: list[Kill], end: float) -> float:
    """Seconds between each kill and the payments moving again, overlapping stretches counted once."""
    spans = sorted((k.at, k.resumed if k.resumed is not None else end) for k in kills)
    total, reach = 0.0, None
    for start, stop in spans:
        if reach is None or start > reach:
            total += stop - start
            reach = stop
        elif stop > reach:
            total += stop - reach
            reach = stop
    return total


def members(env: BenchEnv) -> int:
    if "BENCH_GREETING_MEMBERS" in os.environ:
        return int(os.environ["BENCH_GREETING_MEMBERS"])
    return env.size(2_000)


async def measure(env: BenchEnv, run: int) -> list[Sample]:
    count, budget = members(env), env.budget(300)
    kills_per_service = int(env.option("kills per service", KILLS_PER_SERVICE))
    seed_ = int(os.environ.get("BENCH_CRASH_SEED", random.randrange(1_000_000)))
    plan = kill_plan(count, GREETING_CHUNK, kills_per_service, seed_)
    fed = await seed.federation(env, count)
    await seed.fund(env, fed, count * AMOUNT_FEN)
    before = await greeting._books(env, fed)
    # Armed before the clock starts: the restart with the failpoints is not the greeting's time.
    await _restart(fed, plan.failpoints)
    print(
        f"greeting-crash run {run}: {count} members of {fed.id}, chunks of {GREETING_CHUNK}, budget {budget:.0f} s, "
        f"seed {seed_}: failpoints {plan.failpoints}, then {plan.random_kills()} SIGKILL(s) each",
        flush=True,
    )
    crasher = Crasher(env, fed, plan, count, before["welfare_expense"])
    started = time.monotonic()
    try:
        await crasher.pay(started, budget)
    finally:
        crasher.cancel_runs()
    wall = crasher.finished - started if crasher.finished else time.monotonic() - started
    end = crasher.finished or time.monotonic()
    finished = crasher.finished is not None
    failure = None
    if finished:
        await crasher.settle()  # every service back, none left with a failpoint armed
        assert crasher.batch_id is not None
        failure = await greeting._gates(env, fed, crasher.batch_id, count, before)
        failure = "; ".join(filter(None, [failure, *crasher.problems()])) or None
    else:
        seed.discard(fed)
    kills = crasher.kills
    for kill in kills:
        back = f"back after {kill.back - kill.at:.1f} s" if kill.back else "not back"
        moved = f", payments moving {kill.resumed - kill.at:.1f} s after the kill" if kill.resumed else ""
        print(f"greeting-crash: {kill.service} {kill.how} at {kill.at - started:.1f} s, {back}{moved}", flush=True)
    planned = len(KILLED) * plan.kills_per_service
    stopped = "" if finished else f" (stopped at the {budget:.0f} s budget)"
    samples = [
        Sample(SCENARIO, f"wall time, {count} grants, with kills{stopped}", wall, "s", "", failure),
        Sample(SCENARIO, "grants paid", crasher.paid, "grants", f">= {count}", failure),
        Sample(SCENARIO, "grants paid per second", crasher.paid / wall, "grants/s", "", failure),
        Sample(SCENARIO, "kills, welfare + finance", len(kills), "kills", f">= {planned}", failure),
    ]
    for name in KILLED:
        samples.append(
            Sample(SCENARIO, f"{name} killed", sum(1 for k in kills if k.service == name), "times", "", failure)
        )
    samples += [
        Sample(
            SCENARIO,
            "downtime, kill to ready again (sum)",
            sum((k.back or end) - k.at for k in kills),
            "s",
            "",
            failure,
        ),
        Sample(
            SCENARIO,
            "time lost to kills (kill to payments moving again, overlaps once)",
            time_lost_s(kills, end),
            "s",
            "",
            failure,
        ),
    ]
    clean = env.state.get("greeting_wall_s", {}).get(count)
    if clean and finished:
        baseline = sorted(clean)[len(clean) // 2]
        samples.append(
            Sample(SCENARIO, "wall time over the clean greeting's (same harness)", wall - baseline, "s", "", failure)
        )
    return [dataclasses.replace(s, size=f"{count:,} members") for s in samples]


async def _restart(fed: seed.Federation, failpoints: dict[str, str]) -> None:
    """Stop the services named (SIGTERM) and start them again with their failpoints; until ready.

    They come back as static members of their consumer groups (``CONSUMER_INSTANCE_ID``), as a
    process a supervisor restarts in place would be set up: a killed one takes its partitions back
    as soon as it has started, instead of after its dead session expired (10 s)."""
    for name, points in failpoints.items():
        process = fed.processes[name]
        await asyncio.to_thread(process.stop)
        process.env[f"{name.upper()}_CONSUMER_INSTANCE_ID"] = f"bench-{name}-0"
        process.start(failpoints=points)
    for name in failpoints:
        await fed.processes[name].wait_ready(timeout=120)


class Crasher:
    """Issues the greeting, kills and restarts the services while it pays, follows it to the end."""

    def __init__(self, env: BenchEnv, fed: seed.Federation, plan: KillPlan, count: int, expense_before: int):
        self.env, self.fed, self.plan, self.count = env, fed, plan, count
        self.expense_before = expense_before
        self.batch_id: uuid.UUID | None = None
        self.kills: list[Kill] = []
        self.armed = dict(plan.failpoints)  # failpoints not fired yet
        self.restarting: dict[str, asyncio.Task] = {}
        self.kill_due: dict[str, float] = {}
        self.runs: list[asyncio.Task] = []
        self.client: httpx.AsyncClient | None = None
        self.paid = self.posted = self.processed = 0
        self.finished: float | None = None
        self.unexpected: list[str] = []

    def progress(self, service: str) -> int:
        """What ``service`` moves: finance posts the grants, welfare requests chunks and marks them paid."""
        return self.posted // AMOUNT_FEN if service == "finance" else self.paid + self.processed

    def has_work(self, service: str) -> bool:
        """Whether ``service`` still has grants to move: finance to post, welfare to mark paid."""
        return self.posted < self.count * AMOUNT_FEN if service == "finance" else self.paid < self.count

    async def pay(self, started: float, budget: float) -> None:
        welfare, admin = self.fed.processes["welfare"], self.fed.admin()
        deadline = started + budget
        async with httpx.AsyncClient(base_url=welfare.url, timeout=httpx.Timeout(budget, connect=10)) as client:
            self.client = client
            body = {
                "festival": "mid_autumn",
                "amount_fen": AMOUNT_FEN,
                "paid_on": "2026-09-24",
                "eligibility": {"statuses": ["active", "retired"]},
            }
            answer = seed.ok(
                await client.post(f"/v1/organizations/{self.fed.id}/festival-greetings", json=body, headers=admin)
            )
            if answer["total"] != self.count:
                raise RuntimeError(f"greeting-crash: {answer['total']} recipients frozen, {self.count} expected")
            self.batch_id = uuid.UUID(answer["id"])
            self.status_url = answer["status_url"]
            self._run()
            await self._follow(started, deadline)
            self.client = None

    def _run(self) -> None:
        """POST …/run in the background: it answers once every chunk was requested, or dies with welfare."""
        assert self.client is not None
        self.runs.append(asyncio.create_task(self.client.post(f"{self.status_url}/run", headers=self.fed.admin())))

    def cancel_runs(self) -> None:
        """The runs still waiting; and, when the greeting did not finish, the restarts under way."""
        for task in self.runs:
            task.cancel()
        if self.finished is None:
            for task in self.restarting.values():
                task.cancel()

    async def _follow(self, started: float, deadline: float) -> None:
        last_print = 0.0
        while True:
            now = time.monotonic()
            await self._poll()
            self._check_runs()
            for task in self.restarting.values():
                if task.done() and (error := task.exception()) is not None:
                    raise error
            self._note_resumed(now)
            if self.posted >= self.count * AMOUNT_FEN and self.paid >= self.count:
                self.finished = now
                for kill in self.kills:
                    if kill.resumed is None and kill.back is not None:
                        kill.resumed = now
                return
            self._reap(now)
            self._maybe_kill(now)
            if now - last_print >= 5:
                print(
                    f"greeting-crash: {now - started:5.0f} s: {self.processed} requested, "
                    f"{self.posted // AMOUNT_FEN} posted, {self.paid} paid of {self.count}; "
                    f"{len(self.kills)} kills",
                    flush=True,
                )
                last_print = now
            if now >= deadline:
                print(f"greeting-crash: budget spent: {self.paid} paid of {self.count}", flush=True)
                return
            await asyncio.sleep(POLL_S)

    async def _poll(self) -> None:
        books = await greeting._books(self.env, self.fed)
        self.posted = max(books["welfare_expense"] - self.expense_before, 0)
        [(self.paid, self.processed)] = await greeting._rows(
            self.env,
            self.fed.db("welfare"),
            "SELECT count(*) FILTER (WHERE status = 'paid'), count(*) FILTER (WHERE status <> 'pending') "
            "FROM greeting_recipients WHERE batch_id = $1",
            self.batch_id,
        )

    def _popen(self, name: str) -> subprocess.Popen:
        process = self.fed.processes[name].process
        assert process is not None  # the federation's services were started by the seeding
        return process

    def _check_runs(self) -> None:
        for task in [t for t in self.runs if t.done()]:
            self.runs.remove(task)
            if task.cancelled():
                continue
            error = task.exception()
            if error is not None:
                if not isinstance(error, httpx.HTTPError):
                    raise error
                continue  # welfare died under it: the next run resumes
            if task.result().status_code >= 300:
                seed.ok(task.result())

    def _note_resumed(self, now: float) -> None:
        for kill in self.kills:
            if kill.back is not None and kill.resumed is None and self.progress(kill.service) > kill.progress_at_back:
                kill.resumed = now

    def _reap(self, now: float) -> None:
        """A service that died: note how, restart it (without failpoints)."""
        for name in KILLED:
            process = self.fed.processes[name]
            if name in self.restarting or self._popen(name).poll() is None:
                continue
            code = self._popen(name).returncode
            if code not in KILL_CODES:
                raise RuntimeError(f"greeting-crash: {name} exited with {code}:\n{process.log_tail()}")
            ours = next((k for k in self.kills if k.service == name and k.back is None), None)
            if ours is None:  # not our SIGKILL: the failpoint fired
                if name not in self.armed:
                    raise RuntimeError(f"greeting-crash: {name} died ({code}) with no failpoint armed")
                ours = Kill(name, f"failpoint {self.armed.pop(name)}", now)
                self.kills.append(ours)
            self.restarting[name] = asyncio.create_task(self._bring_back(name, ours))

    async def _bring_back(self, name: str, kill: Kill) -> None:
        process = self.fed.processes[name]
        process.start()
        await process.wait_ready(timeout=120)
        kill.back = time.monotonic()
        kill.progress_at_back = self.progress(name)
        if name == "welfare" and self.client is not None:
            self._run()  # resume the walk (nothing left: it answers at once)
        del self.restarting[name]

    def _maybe_kill(self, now: float) -> None:
        """SIGKILL a service that is back from its last kill and moving payments, after a random delay."""
        rng = random.Random(f"{self.plan.seed}/{len(self.kills)}")
        for name in KILLED:
            done = [k for k in self.kills if k.service == name]
            if not done or len(done) >= self.plan.kills_per_service or name in self.restarting:
                continue
            last = done[-1]
            if last.back is None or last.resumed is None:
                continue  # not back yet, or not moving payments again
            if name not in self.kill_due:
                self.kill_due[name] = now + rng.uniform(*KILL_DELAY_S)
            if now >= self.kill_due[name]:
                del self.kill_due[name]
                process = self._popen(name)
                # Not once its part is done (finance posted everything): that kill would test nothing.
                if process.poll() is None and self.has_work(name):
                    self.kills.append(Kill(name, "SIGKILL", time.monotonic()))
                    process.send_signal(signal.SIGKILL)

    async def settle(self) -> None:
        """After the last payment: every service back and ready, none still carrying a failpoint."""
        deadline = time.monotonic() + 120
        while self.restarting or any(self._popen(n).poll() is not None for n in KILLED):
            self._reap(time.monotonic())
            if self.restarting:
                for outcome in await asyncio.gather(*self.restarting.values(), return_exceptions=True):
                    if isinstance(outcome, BaseException):
                        raise outcome
            if time.monotonic() > deadline:
                raise TimeoutError("greeting-crash: services not back 120 s after the last payment")
            await asyncio.sleep(POLL_S)
        if self.armed:  # a failpoint that never fired stays armed: start those services clean
            self.unexpected.append(f"failpoints never fired: {self.armed}")
            await _restart(self.fed, dict.fromkeys(self.armed, ""))
            self.armed.clear()

    def problems(self) -> list[str]:
        """Why this run did not test what it says (a service never killed)."""
        problems = list(self.unexpected)
        for name in KILLED:
            if not any(k.service == name for k in self.kills):
                problems.append(f"{name} was never killed")
        return problems
