"""Attachments from the environment: limits (``ATTACHMENTS_MAX_BYTES``, ``ATTACHMENTS_ALLOWED_KINDS``)
and where the bytes are kept (``ATTACHMENTS_S3_*``: an S3-compatible object store; unset, PostgreSQL)."""

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from unionfed_shared.attachments.kinds import DEFAULT_ALLOWED, KINDS


class AttachmentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ATTACHMENTS_", extra="ignore")

    max_bytes: int = Field(default=20 * 1024 * 1024, ge=1, le=512 * 1024 * 1024, description="Largest file")
    allowed_kinds: tuple[str, ...] = Field(
        default=DEFAULT_ALLOWED, description=f"Kinds a record may carry, of: {', '.join(KINDS)}"
    )
    s3_bucket: str | None = Field(
        default=None,
        description="Keep the bytes in this bucket of an S3-compatible object store, one object per SHA-256 "
        "(the rows stay in PostgreSQL with `content` NULL). Unset: in each service's attachment_blobs table",
    )
    s3_endpoint_url: str | None = Field(
        default=None, description="The object store's URL, e.g. http://127.0.0.1:8333 (unset: AWS S3 itself)"
    )
    s3_access_key_id: str | None = Field(default=None, description="Unset: botocore's own credential chain")
    s3_secret_access_key: SecretStr | None = None
    s3_region: str = Field(default="us-east-1", description="The region requests are signed for")
    s3_key_prefix: str = Field(
        default="", description="Put before every object's key, e.g. `finance/` (several services, one bucket)"
    )

    @property
    def store(self) -> str:
        """``s3`` when a bucket is set, else ``postgresql``."""
        return "s3" if self.s3_bucket else "postgresql"


@lru_cache(maxsize=1)
def attachment_settings() -> AttachmentSettings:
    return AttachmentSettings()
