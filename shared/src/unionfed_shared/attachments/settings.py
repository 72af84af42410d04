"""Limits on attachments, from the environment (``ATTACHMENTS_MAX_BYTES``, ``ATTACHMENTS_ALLOWED_KINDS``)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from unionfed_shared.attachments.kinds import DEFAULT_ALLOWED, KINDS


class AttachmentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ATTACHMENTS_", extra="ignore")

    max_bytes: int = Field(default=20 * 1024 * 1024, ge=1, le=512 * 1024 * 1024, description="Largest file")
    allowed_kinds: tuple[str, ...] = Field(
        default=DEFAULT_ALLOWED, description=f"Kinds a record may carry, of: {', '.join(KINDS)}"
    )
    store: str = Field(
        default="postgresql",
        description="Where the bytes are kept: `postgresql` (each service's attachment_blobs table). "
        "An S3-compatible store is not built in yet (no S3 client is among the locked dependencies)",
        pattern="^postgresql$",
    )


@lru_cache(maxsize=1)
def attachment_settings() -> AttachmentSettings:
    return AttachmentSettings()
