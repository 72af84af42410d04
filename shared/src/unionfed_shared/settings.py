"""Settings every service reads from its environment, under its own prefix (MEMBERSHIP_, …)."""

import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from unionfed_shared.business_time import DEFAULT_TIME_ZONE, is_time_zone

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}

KafkaSecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"]
KafkaSaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256"]


def check_kafka_security(
    prefix: str,
    protocol: str,
    username: str | None,
    password: SecretStr | None,
    cafile: str | None,
) -> None:
    """Refuse a combination of Kafka client settings no broker connection can be made with, in one line."""
    if protocol.startswith("SASL_"):
        missing = [
            f"{prefix}SASL_{name}"
            for name, value in (("USERNAME", username), ("PASSWORD", password and password.get_secret_value()))
            if not value
        ]
        if missing:
            raise ValueError(f"{prefix}SECURITY_PROTOCOL is {protocol}: {' and '.join(missing)} must be set")
    elif username or password is not None:
        raise ValueError(
            f"{prefix}SASL_USERNAME/{prefix}SASL_PASSWORD are set but {prefix}SECURITY_PROTOCOL is {protocol}: "
            "set it to SASL_PLAINTEXT or SASL_SSL"
        )
    if cafile and protocol != "SASL_SSL":
        raise ValueError(f"{prefix}SSL_CAFILE is set but {prefix}SECURITY_PROTOCOL is {protocol}, not SASL_SSL")
    if cafile and not Path(cafile).is_file():
        raise ValueError(f"{prefix}SSL_CAFILE {cafile} is not a readable file")


class ServiceSettings(BaseSettings):
    """Subclass per service with ``model_config = SettingsConfigDict(env_prefix="NAME_")``."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str
    database_url: str = Field(description="postgresql+asyncpg://user:password@host:port/database")
    kafka_bootstrap_servers: str = "127.0.0.1:29092"
    kafka_security_protocol: KafkaSecurityProtocol = Field(
        default="PLAINTEXT",
        description="PLAINTEXT, or SASL_PLAINTEXT / SASL_SSL to authenticate with KAFKA_SASL_USERNAME and "
        "KAFKA_SASL_PASSWORD (every Kafka client of the service and its commands)",
    )
    kafka_sasl_mechanism: KafkaSaslMechanism = Field(default="SCRAM-SHA-512", description="SCRAM-SHA-512 or -256")
    kafka_sasl_username: str | None = Field(default=None, description="The service's Kafka user (SASL only)")
    kafka_sasl_password: SecretStr | None = Field(default=None, description="Its SCRAM password (SASL only)")
    kafka_ssl_cafile: str | None = Field(
        default=None,
        description="PEM file of the CA the brokers' certificates chain to (SASL_SSL; default: the system's)",
    )
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    jwt_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key of the HS256 bearer tokens `unionfed token` mints; unset, only the JWKS "
        "issuer's tokens are accepted (then JWKS_URL is required)",
    )
    jwt_audience: str = "unionfed"
    jwt_issuer: str = "unionfed-local"
    jwt_local_issuer: str = Field(
        default="unionfed-local",
        description="Issuer of the HS256 tokens when JWKS_URL is set too (JWT_ISSUER then names the OIDC issuer)",
    )
    jwt_leeway_s: float = Field(default=0.0, ge=0, le=300, description="Clock skew allowed on exp/nbf/iat")
    jwks_url: str | None = Field(
        default=None,
        description="An OIDC issuer's JWKS (https). When set, RS256/ES256 tokens signed by one of its keys "
        "are accepted, and JWT_ISSUER and JWT_AUDIENCE must be set explicitly; HS256 tokens only when "
        "JWT_SECRET is set too.",
    )
    jwks_allow_http: bool = Field(
        default=False,
        description="Allow a plain-http JWKS_URL beyond the loopback interface: only on a private network "
        "the issuer shares with the service (docker-compose.yml's keycloak:8080)",
    )
    jwks_algorithms: str = Field(default="RS256,ES256", description="Comma-separated; asymmetric algorithms only")
    jwks_cache_s: float = Field(default=300, gt=0, description="How long fetched JWKS keys are kept")
    jwks_min_refresh_s: float = Field(
        default=30,
        ge=0,
        description="A token with an unknown key id refetches the JWKS at most once per this many seconds "
        "(the issuer may have rotated its keys; made-up key ids must not make the service hammer it)",
    )
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_retry_backoff_s: float = Field(default=0.2, ge=0)
    consumer_batch_size: int = Field(default=500, ge=1, description="Most records applied in one transaction")
    consumer_batch_timeout_ms: int = Field(default=100, ge=1, description="How long a fetch waits for records")
    consumer_max_poll_interval_ms: int = Field(
        default=300_000,
        ge=1000,
        description="Longest a batch may take before the member leaves the group and its partitions move on",
    )
    consumer_session_timeout_ms: int = Field(
        default=10_000,
        ge=6_000,
        description="How long the group waits for a silent member (a killed process) before its partitions "
        "move on; the broker's group.min.session.timeout.ms is 6000",
    )
    consumer_instance_id: str | None = Field(
        default=None,
        min_length=1,
        description="Static group membership (KIP-345): a name unique among the group's instances and kept "
        "across restarts (a StatefulSet pod's name). A restarted instance takes its partitions back at once "
        "instead of after the session timeout; a stopped one keeps them until it returns or its session "
        "expires. Unset: dynamic membership",
    )
    outbox_poll_interval_s: float = Field(default=0.05, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    consumer_group_id: str | None = Field(default=None, description="Defaults to unionfed-<service>")
    schedules_enabled: bool = Field(
        default=True,
        description="Run this service's daily jobs (apply-scheduled, reconcile, verify-chain); any number of "
        "instances may: a PostgreSQL advisory lock and the schedule_runs table let one run each job a day",
    )
    schedule_time_zone: str = Field(
        default=DEFAULT_TIME_ZONE, description="The IANA zone whose wall clock the jobs' times of day are read on"
    )
    schedule_tick_s: float = Field(default=60.0, gt=0, description="How often the scheduler looks for a due job")
    schedule_max_attempts: int = Field(
        default=3, ge=1, description="Attempts at one job on one business day before it waits for the next day"
    )

    @field_validator("schedule_time_zone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        if not is_time_zone(name):
            raise ValueError(f"{name!r} is not an IANA time zone name such as Asia/Shanghai")
        return name

    @model_validator(mode="after")
    def _check_kafka_security(self) -> "ServiceSettings":
        check_kafka_security(
            f"{self.model_config.get('env_prefix', '')}KAFKA_".upper(),
            self.kafka_security_protocol,
            self.kafka_sasl_username,
            self.kafka_sasl_password,
            self.kafka_ssl_cafile,
        )
        return self

    @model_validator(mode="after")
    def _check_jwks(self) -> "ServiceSettings":
        if not self.jwks_url:
            if self.jwt_secret is None:
                raise ValueError("JWT_SECRET or JWKS_URL must be set: without either no token can be verified")
            return self
        url = urlsplit(self.jwks_url)
        plain_http_allowed = url.hostname in _LOOPBACK or self.jwks_allow_http
        if url.scheme != "https" and not (url.scheme == "http" and plain_http_allowed):
            raise ValueError(
                "JWKS_URL must be https (plain http only on the loopback interface, or with JWKS_ALLOW_HTTP)"
            )
        # The defaults name the local HS256 issuer: an OIDC issuer and audience are never guessed.
        missing = [name.upper() for name in ("jwt_issuer", "jwt_audience") if name not in self.model_fields_set]
        if missing:
            raise ValueError(f"JWKS_URL is set: {' and '.join(missing)} must be configured too")
        bad = [a for a in self.jwks_algorithm_list if a not in ("RS256", "ES256", "RS384", "ES384", "PS256")]
        if bad or not self.jwks_algorithm_list:
            raise ValueError(f"JWKS_ALGORITHMS may name asymmetric algorithms only, not {bad or 'nothing'}")
        return self

    @property
    def hmac_key(self) -> bytes:
        """A server-side key for fingerprints kept in the database (idempotency keys)."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value().encode()
        # OIDC only: no secret is configured, and the fingerprint needs stability, not secrecy.
        return f"unionfed-fingerprint:{self.service_name}".encode()

    @property
    def jwks_algorithm_list(self) -> list[str]:
        return [a.strip() for a in self.jwks_algorithms.split(",") if a.strip()]

    @property
    def consumer_group(self) -> str:
        return self.consumer_group_id or f"unionfed-{self.service_name}"


class KafkaTopicSettings(BaseSettings):
    """How durably the platform's topics are stored; read by ``unionfed topics create``.

    One broker locally (1 and 1). In production 3 replicas with ``min.insync.replicas`` 2: with
    the producers' ``acks=all`` a write is acknowledged only once two brokers hold it, so losing
    one broker loses no acknowledged event and the topics stay writable.
    """

    model_config = SettingsConfigDict(env_prefix="UNIONFED_KAFKA_", extra="ignore")

    replication_factor: int = Field(default=1, ge=1, description="Replicas of every partition of a new topic")
    min_insync_replicas: int = Field(
        default=1, ge=1, description="Replicas that must hold a write before acks=all acknowledges it"
    )
    # How `unionfed topics create` authenticates: the same settings as a service's KAFKA_* ones.
    security_protocol: KafkaSecurityProtocol = "PLAINTEXT"
    sasl_mechanism: KafkaSaslMechanism = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: str | None = None

    @model_validator(mode="after")
    def _check_security(self) -> "KafkaTopicSettings":
        check_kafka_security(
            "UNIONFED_KAFKA_", self.security_protocol, self.sasl_username, self.sasl_password, self.ssl_cafile
        )
        return self

    @model_validator(mode="after")
    def _check_min_insync(self) -> "KafkaTopicSettings":
        if self.min_insync_replicas > self.replication_factor:
            # Every acks=all write would be refused with NotEnoughReplicas.
            raise ValueError(
                f"UNIONFED_KAFKA_MIN_INSYNC_REPLICAS ({self.min_insync_replicas}) may not exceed "
                f"UNIONFED_KAFKA_REPLICATION_FACTOR ({self.replication_factor})"
            )
        return self


def settings_config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="ignore")


# --- Where admin commands find a running platform's settings -------------------------------------
# `make up` (deploy/local/platform.sh) starts each service with its settings exported and writes
# the same KEY=value lines to <state dir>/env/<service>.env, so `uv run unionfed finance …` in a new
# shell reaches the platform without anything exported.

STATE_DIR_ENV = "UNIONFED_STATE_DIR"
_REQUIRED = ("database_url",)
_VERIFIER = ("jwt_secret", "jwks_url")  # one of them at least


def default_state_dir(start: Path | None = None) -> Path | None:
    """``.run/dev`` of the repository holding ``start`` (default: the working directory), if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / ".run" / "dev"
        if candidate.is_dir():
            return candidate
    return None


def service_env_file(state_dir: Path, service: str) -> Path:
    return state_dir / "env" / f"{service}.env"


def env_prefix(settings_class: type[ServiceSettings]) -> str:
    return settings_class.model_config.get("env_prefix", "")


def lacks_required(settings_class: type[ServiceSettings], environ: Mapping[str, str]) -> bool:
    prefix = env_prefix(settings_class)
    present = {k.upper() for k in environ}
    if any(f"{prefix}{name}".upper() not in present for name in _REQUIRED):
        return True
    return all(f"{prefix}{name}".upper() not in present for name in _VERIFIER)


def adopt_platform_settings(
    settings_class: type[ServiceSettings], service: str, state_dir: Path | None, environ: MutableMapping[str, str]
) -> Path | None:
    """Fill ``environ`` from the state directory's env file when it lacks the service's required settings.

    The environment wins variable by variable: an exported ``FINANCE_DATABASE_URL`` is never
    overridden. Returns the file used, or None when the environment needed none or none exists.
    """
    if not lacks_required(settings_class, environ) or state_dir is None:
        return None
    path = service_env_file(state_dir, service)
    if not path.is_file():
        return None
    for key, value in dotenv_values(path).items():
        if value is not None:
            environ.setdefault(key, value)
    return path


def explain_settings_error(
    error: ValidationError, settings_class: type[ServiceSettings], service: str, state_dir: Path | None
) -> str:
    """One line for the operator: which variables are missing or wrong, and how to provide them."""
    prefix = env_prefix(settings_class)
    missing = [f"{prefix}{e['loc'][0]}".upper() for e in error.errors() if e["type"] == "missing" and e["loc"]]
    present = {k.upper() for k in os.environ}
    if missing and all(f"{prefix}{name}".upper() not in present for name in _VERIFIER):
        # The secret is optional only beside a JWKS URL: without either, name the usual one.
        missing.append(f"{prefix}JWT_SECRET")
    if not missing:
        problems = "; ".join(
            f"{prefix}{e['loc'][0]}".upper() + f": {e['msg']}" if e["loc"] else e["msg"] for e in error.errors()
        )
        return f"{service}: invalid settings: {problems}"
    if state_dir is None:
        where = f"no state directory found ({STATE_DIR_ENV} is unset and there is no .run/dev in {Path.cwd()} or above)"
    elif service_env_file(state_dir, service).is_file():
        where = f"{service_env_file(state_dir, service)} does not set them"
    else:
        where = f"{service_env_file(state_dir, service)} does not exist"
    return (
        f"{service}: {', '.join(missing)} not set and {where}. Start the platform with `make up` in the "
        f"repository, or set {STATE_DIR_ENV} to the state directory of a running one, or export the variables."
    )
