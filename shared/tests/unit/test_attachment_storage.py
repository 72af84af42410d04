"""Where attachments' bytes are kept: chosen from ATTACHMENTS_S3_* when a runtime is assembled."""

import pytest

from unionfed_shared.attachments.object_store import S3Storage, blob_storage
from unionfed_shared.attachments.settings import AttachmentSettings
from unionfed_shared.attachments.store import PostgresStorage


def test_without_a_bucket_the_bytes_stay_in_postgresql(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("ATTACHMENTS_S3_BUCKET", raising=False)
    assert isinstance(blob_storage(), PostgresStorage)
    assert AttachmentSettings().store == "postgresql"


def test_a_bucket_chooses_the_object_store_with_its_endpoint_keys_and_prefix(monkeypatch: pytest.MonkeyPatch):
    for key, value in {
        "ATTACHMENTS_S3_BUCKET": "unionfed-files",
        "ATTACHMENTS_S3_ENDPOINT_URL": "http://127.0.0.1:8333",
        "ATTACHMENTS_S3_ACCESS_KEY_ID": "key",
        "ATTACHMENTS_S3_SECRET_ACCESS_KEY": "do-not-print-me",
        "ATTACHMENTS_S3_REGION": "cn-north-1",
        "ATTACHMENTS_S3_KEY_PREFIX": "finance/",
    }.items():
        monkeypatch.setenv(key, value)
    storage = blob_storage()
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.endpoint_url, storage.region) == (
        "unionfed-files",
        "http://127.0.0.1:8333",
        "cn-north-1",
    )
    digest = "ab" * 32
    assert storage.location(digest) == f"s3://unionfed-files/finance/{digest}"
    assert "do-not-print-me" not in repr(AttachmentSettings())  # the secret is never printed


def test_the_store_is_chosen_when_the_runtime_is_assembled_not_on_import():
    from unionfed_events.entrypoints import app as events
    from unionfed_finance.entrypoints import app as finance
    from unionfed_membership.entrypoints import app as membership
    from unionfed_welfare.entrypoints import app as welfare

    for service in (events, finance, membership, welfare):
        assert service.definition().blob_storage is blob_storage
