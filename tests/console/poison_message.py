"""Puts one message no service can read on the membership topic of the running platform, so the
dead-letter page has a letter to show (and to replay, failing again).

    .venv/bin/python -m tests.console.poison_message [bootstrap]     (default: make up's localhost:29092)
"""

import asyncio
import sys

from aiokafka import AIOKafkaProducer

from unionfed_shared.contracts.topics import MEMBERSHIP


async def poison(bootstrap: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        # No CloudEvents headers and no JSON: every consumer of the topic dead-letters it at once.
        await producer.send_and_wait(MEMBERSHIP, b"not a CloudEvent", key=b"e2e-poison")
    finally:
        await producer.stop()


if __name__ == "__main__":
    asyncio.run(poison(sys.argv[1] if len(sys.argv) > 1 else "localhost:29092"))
