"""SASL/SCRAM to Kafka: the settings, the one set of client options built from them, clear refusals."""

import re
import ssl
from pathlib import Path

import pytest
from click.testing import CliRunner
from faststream.kafka.security import parse_security
from faststream.security import SASLScram256, SASLScram512
from pydantic import ValidationError

from unionfed_shared.cli import main
from unionfed_shared.messaging.kafka import (
    client_kwargs,
    kafka_client_options,
    make_broker,
    topic_client_options,
)
from unionfed_shared.settings import KafkaTopicSettings, ServiceSettings, settings_config

ROOT = Path(__file__).resolve().parents[3]


class DemoSettings(ServiceSettings):
    model_config = settings_config("DEMO_")
    service_name: str = "demo"


def settings(**values) -> DemoSettings:
    return DemoSettings(database_url="postgresql+asyncpg://u:p@h/d", jwt_secret="x" * 40, **values)


SASL = {
    "kafka_bootstrap_servers": "kafka:9094",
    "kafka_security_protocol": "SASL_PLAINTEXT",
    "kafka_sasl_username": "unionfed-finance",
    "kafka_sasl_password": "s3cret-scram",
}


def test_by_default_the_clients_get_the_bootstrap_servers_only():
    options = kafka_client_options(settings())
    assert options.aiokafka() == {"bootstrap_servers": "127.0.0.1:29092"}
    assert options.security() is None
    assert client_kwargs("h:1") == {"bootstrap_servers": "h:1"}  # a bare string: plain bootstrap


def test_sasl_plaintext_gives_aiokafka_and_faststream_the_same_scram_512_credentials():
    options = kafka_client_options(settings(**SASL))
    kwargs = options.aiokafka()
    assert kwargs == {
        "bootstrap_servers": "kafka:9094",
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "unionfed-finance",
        "sasl_plain_password": "s3cret-scram",
        "ssl_context": None,
    }
    security = options.security()
    assert isinstance(security, SASLScram512) and not security.use_ssl
    assert parse_security(security) == {k: v for k, v in kwargs.items() if k != "bootstrap_servers"}
    assert "s3cret-scram" not in repr(options), "the password is never printed"


def test_scram_256_and_sasl_ssl_with_the_systems_cas():
    options = kafka_client_options(
        settings(**{**SASL, "kafka_security_protocol": "SASL_SSL", "kafka_sasl_mechanism": "SCRAM-SHA-256"})
    )
    kwargs = options.aiokafka()
    assert kwargs["security_protocol"] == "SASL_SSL" and kwargs["sasl_mechanism"] == "SCRAM-SHA-256"
    assert isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert kwargs["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    security = options.security()
    assert isinstance(security, SASLScram256) and security.use_ssl
    assert parse_security(security)["security_protocol"] == "SASL_SSL"


def test_the_broker_connects_with_the_options():
    broker = make_broker(kafka_client_options(settings(**SASL)), "unionfed-demo")
    connection = broker._connection_kwargs  # what FastStream hands AIOKafkaProducer and its admin client
    assert connection["security_protocol"] == "SASL_PLAINTEXT"
    assert connection["sasl_mechanism"] == "SCRAM-SHA-512"
    assert connection["sasl_plain_username"] == "unionfed-finance"
    assert connection["sasl_plain_password"] == "s3cret-scram"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"kafka_security_protocol": "SASL_PLAINTEXT"},
            "DEMO_KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT: DEMO_KAFKA_SASL_USERNAME and "
            "DEMO_KAFKA_SASL_PASSWORD must be set",
        ),
        (
            {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "u"},
            "DEMO_KAFKA_SECURITY_PROTOCOL is SASL_SSL: DEMO_KAFKA_SASL_PASSWORD must be set",
        ),
        (
            {"kafka_sasl_username": "u", "kafka_sasl_password": "p"},
            "DEMO_KAFKA_SASL_USERNAME/DEMO_KAFKA_SASL_PASSWORD are set but DEMO_KAFKA_SECURITY_PROTOCOL is PLAINTEXT",
        ),
        (
            {**SASL, "kafka_ssl_cafile": "/etc/hosts"},
            "DEMO_KAFKA_SSL_CAFILE is set but DEMO_KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT, not SASL_SSL",
        ),
        (
            {**SASL, "kafka_security_protocol": "SASL_SSL", "kafka_ssl_cafile": "/nonexistent/ca.pem"},
            "DEMO_KAFKA_SSL_CAFILE /nonexistent/ca.pem is not a readable file",
        ),
    ],
)
def test_impossible_combinations_are_refused_at_startup(values, message):
    with pytest.raises(ValidationError) as refused:
        settings(**values)
    assert message in str(refused.value)


def test_a_service_refuses_sasl_without_a_password_in_one_line(monkeypatch):
    for key in ("FINANCE_KAFKA_SASL_PASSWORD", "FINANCE_KAFKA_SASL_USERNAME"):
        monkeypatch.delenv(key, raising=False)
    result = CliRunner().invoke(
        main,
        ["finance", "settings"],
        env={
            "FINANCE_DATABASE_URL": "postgresql+asyncpg://u:p@h/finance",
            "FINANCE_JWT_SECRET": "x" * 40,
            "FINANCE_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "FINANCE_KAFKA_SASL_USERNAME": "unionfed-finance",
        },
    )
    assert result.exit_code == 1
    assert "FINANCE_KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT: FINANCE_KAFKA_SASL_PASSWORD must be set" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_topics_create_reads_the_same_options_from_unionfed_kafka(monkeypatch):
    seen = {}

    async def ensure_topics(kafka, settings):
        seen["kafka"] = kafka
        raise RuntimeError("stop here: no broker")

    monkeypatch.setattr("unionfed_shared.messaging.kafka.ensure_topics", ensure_topics)
    env = {
        "UNIONFED_KAFKA_BOOTSTRAP": "kafka:9094",
        "UNIONFED_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "UNIONFED_KAFKA_SASL_USERNAME": "unionfed-admin",
        "UNIONFED_KAFKA_SASL_PASSWORD": "admin-pw",
    }
    CliRunner().invoke(main, ["topics", "create"], env=env)
    assert seen["kafka"] == topic_client_options(
        "kafka:9094",
        KafkaTopicSettings(
            security_protocol="SASL_PLAINTEXT", sasl_username="unionfed-admin", sasl_password="admin-pw"
        ),
    )
    assert seen["kafka"].aiokafka()["sasl_plain_password"] == "admin-pw"

    refused = CliRunner().invoke(main, ["topics", "create"], env={**env, "UNIONFED_KAFKA_SASL_PASSWORD": ""})
    assert refused.exit_code == 1
    assert refused.output.strip() == (
        "Error: invalid settings: Value error, UNIONFED_KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT: "
        "UNIONFED_KAFKA_SASL_PASSWORD must be set"
    )


def test_every_kafka_client_the_services_open_takes_the_options():
    """No aiokafka client in the services' code is opened on bare bootstrap servers."""
    sources = [*ROOT.glob("shared/src/**/*.py"), *ROOT.glob("services/*/src/**/*.py")]
    calls = [
        (path.relative_to(ROOT), match.group(0))
        for path in sources
        for match in re.finditer(r"AIOKafka(?:Consumer|Producer|AdminClient)\([^)]*\)?", path.read_text())
    ]
    assert calls, "the pattern finds the clients"
    bare = [(path, call) for path, call in calls if "client_kwargs(" not in call]
    assert bare == []
