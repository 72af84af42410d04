"""Finance on a SASL/SCRAM-SHA-512 listener: it consumes, its outbox publishes, the lag probe reads;
a wrong password keeps it from starting, with a clear error (real Kafka and PostgreSQL).

The shared test broker is left as it is: this module starts its own single-node broker with
deploy/local/infra.sh (a PLAINTEXT and a SASL_PLAINTEXT listener, the SCRAM user created by the
storage format) in a temporary state directory, and stops it at the end.
"""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from pydantic import SecretStr

from tests.factories import dues, school_events
from tests.kafka_tools import envelope_for
from tests.pytest_infra import eventually, unique
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.contracts import topics
from unionfed_shared.messaging.kafka import KafkaClientOptions, KafkaUnreachable, ensure_topics

pytestmark = pytest.mark.integration

INFRA_SH = Path(__file__).resolve().parents[4] / "deploy" / "local" / "infra.sh"
USER, PASSWORD = "unionfed-finance", "scram-secret-for-the-test"


def _free_base_port() -> int:
    """A port p below the ephemeral range with p (PLAINTEXT), p+1 (controller), p+2 (SASL) free."""
    for base in range(27300, 28900, 7):
        try:
            for port in (base, base + 1, base + 2):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no three free ports for the SASL test broker")


@pytest.fixture(scope="module")
def sasl_kafka(tmp_path_factory):
    if shutil.which("java") is None:
        pytest.skip("the SASL test broker runs natively (deploy/local/infra.sh) and needs java")
    base = _free_base_port()
    env = {
        **os.environ,
        "UNIONFED_STATE_DIR": str(tmp_path_factory.mktemp("sasl-kafka")),
        "UNIONFED_INFRA_MODE": "native",
        "UNIONFED_KAFKA_PORT": str(base),
        "UNIONFED_KAFKA_SASL_PORT": str(base + 2),
        "UNIONFED_KAFKA_SASL_USERNAME": USER,
        "UNIONFED_KAFKA_SASL_PASSWORD": PASSWORD,
    }
    started = subprocess.run(
        ["bash", str(INFRA_SH), "start-kafka"], env=env, capture_output=True, text=True, timeout=240, check=False
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield KafkaClientOptions(f"127.0.0.1:{base + 2}", "SASL_PLAINTEXT", "SCRAM-SHA-512", USER, SecretStr(PASSWORD))
    finally:
        subprocess.run(["bash", str(INFRA_SH), "down"], env=env, capture_output=True, timeout=120, check=False)


def _sasl(options: KafkaClientOptions, password: str = PASSWORD) -> dict[str, str]:
    return {
        "kafka_bootstrap_servers": options.bootstrap_servers,
        "kafka_security_protocol": "SASL_PLAINTEXT",
        "kafka_sasl_username": USER,
        "kafka_sasl_password": password,
    }


async def test_finance_consumes_publishes_and_reads_its_lag_over_sasl_scram(build_service, sasl_kafka):
    await ensure_topics(sasl_kafka)  # the admin client authenticates too
    finance = await build_service(definition, start=False, **_sasl(sasl_kafka))
    assert finance.kafka.sasl and finance.kafka.aiokafka()["sasl_mechanism"] == "SCRAM-SHA-512"
    await finance.start()

    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    client = AIOKafkaProducer(**sasl_kafka.aiokafka(), acks="all", enable_idempotence=True)
    await client.start()
    try:
        for event in [*setup, dues(federation, school, member_id, 2150)]:
            envelope = envelope_for(event)
            headers = [(k, v.encode()) for k, v in envelope.headers().items()]
            await client.send_and_wait(topics.MEMBERSHIP, envelope.data, key=envelope.key, headers=headers, partition=0)
    finally:
        await client.stop()

    async def booked() -> bool:
        # The dues were consumed, journalled through the outbox onto unionfed.finance.journal and
        # consumed back from there: only then is the bank balance posted.
        async with finance.uow() as uow:
            balances = {row["code"]: row["balance_fen"] for row in await uow.ledgers.balances(school)}
        return balances.get("1001") == 2150

    await eventually(booked, timeout=60)
    journal = await finance._consumer_lag()  # the lag probe: end and committed offsets over SASL
    assert (topics.MEMBERSHIP, 0) in journal

    async def caught_up() -> bool:
        return not any((await finance._consumer_lag()).values())

    await eventually(caught_up, timeout=30)


async def test_a_wrong_password_keeps_the_service_from_starting_with_a_clear_error(build_service, sasl_kafka):
    finance = await build_service(definition, start=False, **_sasl(sasl_kafka, password="not-the-password"))
    with pytest.raises(KafkaUnreachable) as refused:
        await finance.start()
    message = str(refused.value)
    assert (
        f"could not connect to Kafka at {sasl_kafka.bootstrap_servers} as {USER} (SASL_PLAINTEXT, SCRAM-SHA-512)"
        in message
    )
    assert "KAFKA_SASL_PASSWORD" in message and "not-the-password" not in message
