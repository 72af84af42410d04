"""Scale-out: two, then three instances of every service in one consumer group, rebalanced under load.

Each round brings every service to N instances (``unionfed NAME serve`` processes on the same
database, consumer group and settings, each on its own HTTP port), waits until each consumer group
has N members sharing the topics' partitions, and drives several federations' workloads at once,
so the keys (organizations, federations) spread over the partitions. While they run, one
instance of each consumer (and, with two instances, of membership) that is not taking the
workload's commands is killed with SIGKILL (no shutdown, no offset commit, its outbox relay
possibly mid-publish) and a new one is started: the group rebalances twice, once when the new
member joins and once when the dead one's session expires, while the others are mid-batch. Then
``check``: every expected posting exactly once,
reconcile and verify-chain pass, no hold, outbox row, lag or dead letter left; no hold taken
twice; and the groups are back at N members.

Membership consumes next to nothing, but its instances share the outbox relay's advisory lock:
killing one mid-publish re-publishes a batch, which the consumers recognise.
"""

import asyncio
import random
import re
import signal
import time
from collections import Counter

import httpx
import pytest

from tests.chaos.conftest import ROUNDS, SEED
from tests.chaos.platform import CONSUMERS, log
from tests.chaos.workload import Workload, _query, check, run_cli, until
from tests.kafka_tools import describe_groups
from tests.processes import ServiceProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600 * ROUNDS)]

SERVICES = ("membership", "welfare", "events", "finance")
FEDERATIONS = 2  # workloads at once: their keys spread over the partitions
# The phases during which a service surely has work that is not the workload's commands to it: events
# to apply (consumers), or its outbox to publish (membership).
BUSY = {
    "membership": ("membership",),
    "welfare": ("membership", "finance", "events"),
    "events": ("membership", "finance", "welfare"),
    "finance": ("membership", "welfare", "events"),
}
_PROCESSED = re.compile(r"^unionfed_consumer_messages_total\{([^}]*)\} ([0-9.e+]+)$", re.M)


async def test_2_then_3_instances_of_each_service_with_one_killed_and_one_added_under_load(healthy, rng):
    platform = healthy
    instances: dict[str, list[ServiceProcess]] = {name: [platform[name]] for name in SERVICES}
    started = time.monotonic()
    try:
        for round_no in range(ROUNDS):
            for count in (2, 3):
                await _round(platform, rng, instances, count, f"{round_no}-{count}")
                log(f"scale-out: {count} instances done, {time.monotonic() - started:.0f} s since the test began")
    finally:
        extras = [p for name in SERVICES for p in instances[name][1:]]
        await asyncio.gather(*(asyncio.to_thread(p.stop) for p in extras))
        for process in extras:
            if process in platform.extra:
                platform.extra.remove(process)


async def _round(platform, rng: random.Random, instances: dict[str, list[ServiceProcess]], count: int, label: str):
    new = []
    for name in SERVICES:
        while len(instances[name]) < count:
            process = platform.instance(name, f"scale-{label}-{len(instances[name])}")
            process.start()
            instances[name].append(process)
            new.append(process)
    await asyncio.gather(*(p.wait_ready(timeout=120) for p in new))
    groups = _groups(platform)
    await _members(platform, groups, count)

    plan = []
    # Membership's relay is killed mid-publish once (with two instances): it has no events to apply,
    # and a third start of it under load only makes the test longer.
    for name in SERVICES if count == 2 else CONSUMERS:
        phase = rng.choice(BUSY[name])
        victim = rng.randrange(1, count)  # never the instance the workload sends its commands to
        plan.append((phase, name, victim, round(rng.uniform(0.2, 2.0), 1)))
    log(f"scale-out, {count} instances of each service (seed {SEED}) fault schedule:")
    for phase, name, victim, delay in plan:
        log(f"    {delay}s into the {phase} phase: kill -9 {name} instance {victim + 1} of {count}, start another")

    tasks: list[asyncio.Task] = []

    def before(phase: str):
        async def hook():
            for p, name, victim, delay in plan:
                if p == phase:
                    tasks.append(
                        asyncio.create_task(_kill_and_replace(platform, instances, name, victim, delay, label))
                    )

        return hook

    workloads = [
        Workload(platform, random.Random(f"{SEED}:scale-{label}:{n}"), f"scale{label}-{n}") for n in range(FEDERATIONS)
    ]
    hooks = {f"before_{phase}": before(phase) for phase in {p for p, *_ in plan}}
    await asyncio.gather(*(w.run(hooks if n == 0 else None) for n, w in enumerate(workloads)))
    for task in tasks:
        await task
    assert len(tasks) == len(plan), plan

    await _members(platform, groups, count)
    # The first federation's chain is verified by the check, the others' beside it.
    _, *others = await asyncio.gather(
        check(platform, workloads[0]),
        *(run_cli(platform, "finance", "verify-chain", "--org", rng.choice(w.orgs)) for w in workloads[1:]),
    )
    for code, out in others:
        assert code == 0 and "chain intact" in out, out
    twice = await _query(
        platform, "finance", "SELECT reference, count(*) AS n FROM holds GROUP BY 1 HAVING count(*) > 1"
    )
    assert not twice, f"holds taken twice: {[dict(r) for r in twice]}"
    await _log_processed(instances)


async def _kill_and_replace(platform, instances, name: str, victim: int, delay: float, label: str) -> None:
    await asyncio.sleep(delay)
    process = instances[name].pop(victim)
    process.process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(process.process.wait)
    log(f"killed {name} instance {victim + 1} (pid {process.process.pid}) with SIGKILL; starting another")
    replacement = platform.instance(name, f"scale-{label}-replacement")
    replacement.start()
    instances[name].append(replacement)
    await replacement.wait_ready(timeout=120)
    log(f"{name}: the replacement (pid {replacement.process.pid}) is ready")


def _groups(platform) -> dict[str, str]:
    """The consumer group of each service that consumes something."""
    return {
        name: platform[name].env[f"{name.upper()}_CONSUMER_GROUP_ID"] for name in SERVICES if platform.topics_of(name)
    }


async def _members(platform, groups: dict[str, str], count: int) -> None:
    """Wait until each group is stable with ``count`` members, each holding partitions; log who holds how many."""

    async def probe():
        found = await describe_groups(platform.infra.kafka_bootstrap, list(groups.values()))
        for group in groups.values():
            state, assigned = found.get(group, ("?", []))
            if state != "Stable" or len(assigned) != count or not all(assigned):
                return None
        return found

    found = await until(f"every consumer group stable with {count} members", probe, timeout=120, every=1.0)
    for name, group in groups.items():
        _state, assigned = found[group]
        log(f"{name}: {count} members holding {'/'.join(str(n) for n in sorted(assigned))} partitions")


async def _log_processed(instances: dict[str, list[ServiceProcess]]) -> None:
    """What each live instance applied (its /metrics), to show the load was shared; informative only."""
    async with httpx.AsyncClient(timeout=10) as client:
        for name, processes in instances.items():
            applied = []
            for process in processes:
                counts: Counter = Counter()
                try:
                    text = (await client.get(f"{process.url}/metrics")).text
                except httpx.HTTPError:
                    applied.append("?")
                    continue
                for labels, value in _PROCESSED.findall(text):
                    if 'outcome="processed"' in labels:
                        counts["processed"] += float(value)
                    elif 'outcome="duplicate"' in labels:
                        counts["duplicate"] += float(value)
                applied.append(f"{counts['processed']:.0f}+{counts['duplicate']:.0f}dup")
            log(f"{name}: events applied by each live instance since it started: {', '.join(applied)}")
