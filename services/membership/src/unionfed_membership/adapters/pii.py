"""Keys for members' personal data: Fernet encryption at rest and a keyed digest of ID numbers.

Both keys are derived with HKDF from one master secret, each with its own ``info``, so the
digest key is never the encryption key. The master secrets form a key ring (0018_pii_key_ids):
``MEMBERSHIP_PII_KEYS`` (a JSON object, key id → secret) and ``MEMBERSHIP_PII_KEY`` (the key
``0``, the one key of the years before key ids), with ``MEMBERSHIP_PII_KEY_ID`` naming the current
key. Writes encrypt and digest under the current key and record its id on the row
(``pii_key_id``); reads decrypt under the row's key, whichever key of the ring it is; lookups by
digest (the same ID number, the last four characters) try the digest of every key in the ring.
``unionfed membership reencrypt-pii`` moves every row to the current key, after which the old key
can leave the ring.

With no key at all (local use only) the key ``0`` is derived from the JWT secret, which ties
personal data to that secret: rotating the JWT secret then makes stored personal data unreadable.
Production sets ``MEMBERSHIP_PII_KEY`` or ``MEMBERSHIP_PII_KEYS``.
"""

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Mapping

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


FIRST_KEY_ID = "0"
"""The id of ``MEMBERSHIP_PII_KEY``: the key every row written before key ids were recorded is under."""
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
MIN_SECRET_LENGTH = 32


class PersonalDataKeyMissing(Exception):
    """A row's personal data is under a key the ring does not hold (it was removed too early, or
    this instance's settings are not the ring the data was written with)."""

    def __init__(self, key_ids: list[str]):
        self.key_ids = sorted(key_ids)
        named = ", ".join(self.key_ids)
        self.zh = f"个人信息密钥 {named} 不在密钥环中（MEMBERSHIP_PII_KEYS），无法解密；请把该密钥加回密钥环"
        self.en = (
            f"personal data is under key(s) {named}, which the key ring (MEMBERSHIP_PII_KEYS) does not hold: "
            "it cannot be decrypted; put the key back into the ring"
        )
        super().__init__(f"{self.zh} / {self.en}")


class PersonalDataKeyRing:
    """The ring of personal-data keys: the current one encrypts, every one decrypts its own rows."""

    def __init__(self, keys: Mapping[str, PersonalDataKeys], current_id: str):
        if current_id not in keys:
            raise ValueError(f"the current personal data key {current_id!r} is not in the key ring {sorted(keys)}")
        for key_id in keys:
            if not KEY_ID.match(key_id):
                raise ValueError(f"personal data key id {key_id!r} must be 1-32 of A-Z a-z 0-9 _ . -")
        self._keys = dict(keys)
        self.current_id = current_id

    @classmethod
    def from_settings(
        cls,
        *,
        pii_key: str | None,
        pii_keys: Mapping[str, str],
        pii_key_id: str | None,
        jwt_secret: str | None,
    ) -> "PersonalDataKeyRing":
        secrets = dict(pii_keys)
        if pii_key:
            if secrets.get(FIRST_KEY_ID, pii_key) != pii_key:
                raise ValueError(
                    f"MEMBERSHIP_PII_KEY is the key {FIRST_KEY_ID!r}, and MEMBERSHIP_PII_KEYS gives that id another secret"
                )
            secrets[FIRST_KEY_ID] = pii_key
        for key_id, secret in secrets.items():
            if len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(f"personal data key {key_id!r} must be at least {MIN_SECRET_LENGTH} characters")
        keys = {key_id: PersonalDataKeys(secret.encode()) for key_id, secret in secrets.items()}
        if not keys:
            keys[FIRST_KEY_ID] = PersonalDataKeys.from_secrets(None, jwt_secret)
        if pii_key_id is None:
            if len(keys) != 1:
                raise ValueError(f"MEMBERSHIP_PII_KEY_ID must name the current key of the ring {sorted(keys)}")
            (pii_key_id,) = keys
        return cls(keys, pii_key_id)

    @property
    def key_ids(self) -> list[str]:
        return sorted(self._keys)

    def has(self, key_id: str) -> bool:
        return key_id in self._keys

    def key(self, key_id: str) -> PersonalDataKeys:
        try:
            return self._keys[key_id]
        except KeyError:
            raise PersonalDataKeyMissing([key_id]) from None

    @property
    def current(self) -> PersonalDataKeys:
        return self._keys[self.current_id]

    def encrypt(self, plaintext: str) -> bytes:
        """Under the current key: store ``current_id`` beside it."""
        return self.current.encrypt(plaintext)

    def decrypt(self, token: bytes, key_id: str) -> str:
        return self.key(key_id).decrypt(token)

    def id_number_digest(self, normalised_id_number: str) -> str:
        """Under the current key, for a row written now."""
        return self.current.id_number_digest(normalised_id_number)

    def id_tail_digest(self, tail: str) -> str:
        return self.current.id_tail_digest(tail)

    def id_number_digests(self, normalised_id_number: str) -> list[str]:
        """The number's digest under every key of the ring: a row under any of them is found."""
        return sorted({keys.id_number_digest(normalised_id_number) for keys in self._keys.values()})

    def id_tail_digests(self, tail: str) -> list[str]:
        return sorted({keys.id_tail_digest(tail) for keys in self._keys.values()})


def _derive(secret: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret)


# The shared runtime builds the unit of work without settings, so the service's settings
# register the keys here when they are built (MembershipSettings.model_post_init; one settings
# object per process, and tests in one process share the JWT secret, hence the keys). Every
# entry point (the app, the CLI and its `migrate`) builds its settings before it opens a unit of work.
_current: PersonalDataKeyRing | None = None


def configure(keys: PersonalDataKeyRing) -> None:
    global _current
    _current = keys


def current() -> PersonalDataKeyRing:
    if _current is None:
        raise RuntimeError("members' personal data keys are not configured: build MembershipSettings first")
    return _current
