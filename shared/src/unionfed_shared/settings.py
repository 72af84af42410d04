"""Settings every service reads from its environment, under its own prefix (MEMBERSHIP_, …)."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    otlp_endpoint: str | None = None
    log_level: str = "INFO"
    consumer_max_attempts: int = Field(default=3, ge=1)
    consumer_retry_backoff_s: float = Field(default=0.2, ge=0)
    outbox_poll_interval_s: float = Field(default=0.05, gt=0)
    outbox_batch_size: int = Field(default=500, ge=1)
    consumer_group_id: str | None = Field(default=None, description="Defaults to unionfed-<service>")

    @property
    def consumer_group(self) -> str:
        return self.consumer_group_id or f"unionfed-{self.service_name}"


def settings_config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, extra="ignore")
