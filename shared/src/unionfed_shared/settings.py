"""Settings every service reads from its environment, under its own prefix (MEMBERSHIP_, …)."""

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class ServiceSettings(BaseSettings):
    """Subclass per service with ``model_config = SettingsConfigDict(env_prefix="NAME_")``."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str
    database_url: str = Field(description="postgresql+asyncpg://user:password@host:port/database")
    kafka_bootstrap_servers: str = "127.0.0.1:29092"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    jwt_secret: SecretStr = Field(description="HMAC key that signs bearer tokens (HS256)")
    jwt_audience: str = "unionfed"
    jwt_issuer: str = "unionfed-local"
    jwt_leeway_s: float = Field(default=0.0, ge=0, le=300, description="Clock skew allowed on exp/nbf/iat")
    jwks_url: str | None = Field(
        default=None,
        description="An OIDC issuer's JWKS (https). When set, only RS256/ES256 tokens signed by one of its keys "
        "are accepted, and JWT_ISSUER and JWT_AUDIENCE must be set explicitly; HS256 tokens are refused.",
    )
    jwks_algorithms: str = Field(default="RS256,ES256", description="Comma-separated; asymmetric algorithms only")
    jwks_cache_s: float = Field(default=300, gt=0, description="How long fetched JWKS keys are kept")
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_retry_backoff_s: float = Field(default=0.2, ge=0)
    consumer_batch_size: int = Field(default=500, ge=1, description="Most records applied in one transaction")
    consumer_batch_timeout_ms: int = Field(default=100, ge=1, description="How long a fetch waits for records")
    outbox_poll_interval_s: float = Field(default=0.05, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    consumer_group_id: str | None = Field(default=None, description="Defaults to unionfed-<service>")

    @model_validator(mode="after")
    def _check_jwks(self) -> "ServiceSettings":
        if not self.jwks_url:
            return self
        url = urlsplit(self.jwks_url)
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOOPBACK):
            raise ValueError("JWKS_URL must be https (plain http only on the loopback interface)")
        # The defaults name the local HS256 issuer: an OIDC issuer and audience are never guessed.
        missing = [name.upper() for name in ("jwt_issuer", "jwt_audience") if name not in self.model_fields_set]
        if missing:
            raise ValueError(f"JWKS_URL is set: {' and '.join(missing)} must be configured too")
        bad = [a for a in self.jwks_algorithm_list if a not in ("RS256", "ES256", "RS384", "ES384", "PS256")]
        if bad or not self.jwks_algorithm_list:
            raise ValueError(f"JWKS_ALGORITHMS may name asymmetric algorithms only, not {bad or 'nothing'}")
        return self

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
