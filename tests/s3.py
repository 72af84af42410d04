"""A real S3-compatible object store for the tests that keep attachments in one (session-scoped,
started on first use).

``deploy/local/s3.sh up`` runs s3s-fs (the s3s crate's file-system server, built once with cargo
into ``<repo>/.cache``) on port 28333 (``UNIONFED_TEST_S3_PORT``) with its data under the test
state dir. Like the rest of the test infrastructure it keeps running when
``UNIONFED_KEEP_TEST_INFRA=1`` and is stopped at the end of the session otherwise.

``s3_bucket`` (per test) creates a bucket of its own and sets ``ATTACHMENTS_S3_*`` for the test,
so every service runtime the test builds keeps its attachments' bytes there.
"""

import os
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from unionfed_shared.attachments.object_store import S3Storage

REPO = Path(__file__).resolve().parents[1]
S3_SH = REPO / "deploy" / "local" / "s3.sh"
DEFAULT_PORT = 28333
ACCESS_KEY = "unionfed-tests"
SECRET_KEY = "unionfed-tests-secret"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    state_dir: Path

    def storage(self, bucket: str) -> S3Storage:
        return S3Storage(bucket, endpoint_url=self.endpoint_url, access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY)

    def environment(self, bucket: str) -> dict[str, str]:
        """``ATTACHMENTS_S3_*`` for a service that keeps its attachments in ``bucket``."""
        return {
            "ATTACHMENTS_S3_BUCKET": bucket,
            "ATTACHMENTS_S3_ENDPOINT_URL": self.endpoint_url,
            "ATTACHMENTS_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "ATTACHMENTS_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }


def _env(state_dir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "UNIONFED_STATE_DIR": str(state_dir),
        "UNIONFED_S3_PORT": str(port),
        "UNIONFED_S3_ACCESS_KEY": ACCESS_KEY,
        "UNIONFED_S3_SECRET_KEY": SECRET_KEY,
    }


@pytest.fixture(scope="session")
def s3() -> S3Server:
    state_dir = Path(os.environ.get("UNIONFED_TEST_STATE_DIR", REPO / ".run" / "test"))
    port = int(os.environ.get("UNIONFED_TEST_S3_PORT", DEFAULT_PORT))
    # A cold start builds s3s-fs with cargo first (minutes, once per cache).
    subprocess.run(
        ["bash", str(S3_SH), "up"], env=_env(state_dir, port), check=True, timeout=2400, stdin=subprocess.DEVNULL
    )
    yield S3Server(f"http://127.0.0.1:{port}", state_dir)
    if os.environ.get("UNIONFED_KEEP_TEST_INFRA") != "1":
        subprocess.run(["bash", str(S3_SH), "down"], env=_env(state_dir, port), check=False, timeout=60)


@dataclass
class Bucket:
    name: str
    storage: S3Storage  # the test's own client: to read, alter and delete objects behind the service's back


@pytest.fixture
async def s3_bucket(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bucket]:
    name = f"t-{uuid.uuid4().hex[:16]}"
    storage = s3.storage(name)
    await (await storage.client()).create_bucket(Bucket=name)
    for key, value in s3.environment(name).items():
        monkeypatch.setenv(key, value)
    yield Bucket(name, storage)
    await storage.close()
