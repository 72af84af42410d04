"""A rebuild's other workers: processes consuming in the rebuild's consumer group beside it.

One process replays at one core's pace (the poster's hashing and the event parsing are Python).
``unionfed finance rebuild --workers N`` starts N − 1 of these; the group spreads the input topics'
partitions over the N processes. Each ledger's records sit on one partition (keyed by federation,
or by the ledger), so a chain is still extended in order by one process at a time; a rebalance
moves a partition from the offset its last owner committed, and the inbox makes a record applied
twice count once, as for live instances scaled out.

A worker's settings are the rebuild's (target database, consumer group, batch size), and it deals
partitions by the same backlog when it leads the group. Both reach it pickled on stdin, never in
argv or the environment, where the database password would show.
"""

import asyncio
import contextlib
import logging
import pickle
import signal
import sys
from collections.abc import AsyncIterator

from unionfed_finance.entrypoints.app import definition
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.messaging.assignment import Backlog, by_backlog
from unionfed_shared.runtime import Runtime

# A stopped worker finishes its batch and leaves the group; after this it is killed (its batch
# rolls back and the inbox keeps the books exact).
STOP_TIMEOUT_S = 30.0


@contextlib.asynccontextmanager
async def worker_processes(
    settings: FinanceSettings, backlog: Backlog, count: int
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """``count`` worker processes consuming with ``settings`` until the block ends, dealing
    partitions by ``backlog`` when one of them leads the group."""
    payload = pickle.dumps((settings, dict(backlog)))
    processes: list[asyncio.subprocess.Process] = []
    try:
        for _ in range(count):
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", __name__, stdin=asyncio.subprocess.PIPE
            )
            processes.append(process)
            assert process.stdin is not None
            process.stdin.write(payload)
            await process.stdin.drain()
            process.stdin.close()
        yield processes
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                process.kill()
                await process.wait()


async def consume_until_terminated(settings: FinanceSettings, backlog: Backlog) -> None:
    """Consume in ``settings``' group, publishing nothing (no outbox relay), until SIGTERM or SIGINT."""
    runtime = Runtime(definition(), settings, assignor=by_backlog(backlog))
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    await runtime.start(consume=True, relay=False, schedule=False)
    try:
        await stopped.wait()
    finally:
        await runtime.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="rebuild worker: %(levelname)s %(name)s: %(message)s")
    asyncio.run(consume_until_terminated(*pickle.loads(sys.stdin.buffer.read())))
