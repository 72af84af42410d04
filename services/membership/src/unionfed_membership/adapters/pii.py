"""Keys for members' personal data: Fernet encryption at rest and a keyed digest of ID numbers.

Both keys are derived with HKDF from one master secret, each with its own ``info``, so the
digest key is never the encryption key. The master secret is ``MEMBERSHIP_PII_KEY``; when it is
unset (local use only) it is derived from the JWT secret, which ties personal data to that
secret: rotating the JWT secret then makes stored personal data unreadable. Production sets
``MEMBERSHIP_PII_KEY``.
"""

import base64
import hashlib
import hmac
import logging

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

_SALT = b"unionfed-membership-pii"
_LOCAL_DEFAULT_SALT = b"unionfed-membership-pii-local-default-from-jwt-secret"


class PersonalDataKeys:
    def __init__(self, master_secret: bytes, *, salt: bytes = _SALT):
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(master_secret, salt, b"fernet-encryption-v1")))
        self._digest_key = _derive(master_secret, salt, b"id-number-digest-v1")
        self._tail_digest_key = _derive(master_secret, salt, b"id-number-tail-digest-v1")

    @classmethod
    def from_secrets(cls, pii_key: str | None, jwt_secret: str | None) -> "PersonalDataKeys":
        if pii_key:
            return cls(pii_key.encode())
        if not jwt_secret:
            raise ValueError("MEMBERSHIP_PII_KEY must be set when no JWT secret is configured")
        log.warning(
            "MEMBERSHIP_PII_KEY is not set: personal data keys are derived from the JWT secret with HKDF "
            "(fine for local use; set MEMBERSHIP_PII_KEY in production)"
        )
        return cls(jwt_secret.encode(), salt=_LOCAL_DEFAULT_SALT)

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, token: bytes) -> str:
        return self._fernet.decrypt(bytes(token)).decode()

    def id_number_digest(self, normalised_id_number: str) -> str:
        return hmac.new(self._digest_key, normalised_id_number.encode(), hashlib.sha256).hexdigest()

    def id_tail_digest(self, tail: str) -> str:
        """The digest of an ID number's last characters (personal_data.id_tail_of): its own key,
        so it reveals nothing about the whole number's digest."""
        return hmac.new(self._tail_digest_key, tail.encode(), hashlib.sha256).hexdigest()


def _derive(secret: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


# The shared runtime builds the unit of work without settings, so the service's settings
# register the keys here when they are built (MembershipSettings.model_post_init; one settings
# object per process, and tests in one process share the JWT secret, hence the keys). Every
# entry point (the app, the CLI and its `migrate`) builds its settings before it opens a unit of work.
_current: PersonalDataKeys | None = None


def configure(keys: PersonalDataKeys) -> None:
    global _current
    _current = keys


def current() -> PersonalDataKeys:
    if _current is None:
        raise RuntimeError("members' personal data keys are not configured: build MembershipSettings first")
    return _current
