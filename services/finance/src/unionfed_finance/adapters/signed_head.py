"""The auditor's signed-off head: an Ed25519 signature an auditor checks with a public key alone.

``export-head`` verifies a ledger and signs its head: the document's fields (all but
``signature``) are serialized with RFC 8785 (JSON Canonicalization Scheme) and signed with the
finance service's Ed25519 key. ``key_id`` is the SHA-256 (hex) of the public key's DER
SubjectPublicKeyInfo, so the right public key is found among the current and retired ones. With
no secret and no unionfed code, an auditor checks a head with standard tools::

    jq -jcS 'del(.signature)' head.json > payload   # the RFC 8785 bytes of the signed fields
    jq -r .signature.value head.json | base64 -d > sig
    openssl pkeyutl -verify -pubin -inkey head-public-key.pem -rawin -in payload -sigfile sig
    openssl pkey -pubin -in head-public-key.pem -outform DER | sha256sum   # equals key_id

(``jq -cS`` prints exactly the RFC 8785 form here: the keys are ASCII, the values whole
numbers and strings, and control characters are refused in the auditor's name.)

A chain rewritten and re-hashed from any entry up to the signed one changes that entry's hash,
so ``verify_against_head`` catches what the chain alone cannot.
"""

import base64
import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.chain import ChainReport, verify_chain
from unionfed_finance.adapters.tables import postings
from unionfed_finance.domain.chain import SCHEME_VERSION, canonical_bytes
from unionfed_finance.domain.ledger import GENESIS_HASH

SIGNATURE_ALGORITHM = "Ed25519"
HEAD_FIELDS = ("organization_id", "sequence", "hash", "chain_scheme", "signed_off_by", "signed_off_at", "key_id")


class SigningKeyMissing(Exception):
    """No head signing key is configured, or the file is not an Ed25519 private key."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the DER public key: ``openssl pkey -pubin -in key.pem -outform DER | sha256sum``."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_signing_key(path: Path | None) -> Ed25519PrivateKey:
    """The Ed25519 private key (unencrypted PEM) in ``path``: FINANCE_HEAD_SIGNING_KEY_FILE."""
    if path is None:
        raise SigningKeyMissing(
            "no head signing key: set FINANCE_HEAD_SIGNING_KEY_FILE to an Ed25519 private key in PEM "
            "(openssl genpkey -algorithm ed25519 -out head-signing-key.pem)"
        )
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyMissing(f"{path} is not a readable unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyMissing(f"{path} is not an Ed25519 private key")
    return key


def _load_public_key(path: Path) -> Ed25519PublicKey:
    data = path.read_bytes()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        key = serialization.load_pem_private_key(data, password=None).public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key


def load_trusted_keys(paths: Iterable[Path]) -> dict[str, Ed25519PublicKey]:
    """Public keys by key id, from PEM files and directories of ``*.pem`` (current and retired keys)."""
    trusted: dict[str, Ed25519PublicKey] = {}
    for path in paths:
        path = Path(path)
        for file in sorted(path.glob("*.pem")) if path.is_dir() else [path]:
            key = _load_public_key(file)
            trusted[key_id(key)] = key
    return trusted


def trusted_keys_of(settings) -> dict[str, Ed25519PublicKey]:
    """The service's own view: its current signing key and the retired keys it was told to trust."""
    trusted = {}
    if settings.head_trusted_keys_dir is not None:
        trusted.update(load_trusted_keys([settings.head_trusted_keys_dir]))
    if settings.head_signing_key_file is not None:
        public = load_signing_key(settings.head_signing_key_file).public_key()
        trusted[key_id(public)] = public
    return trusted


def signed_payload(document: Mapping) -> bytes:
    """The exact bytes the signature is over: RFC 8785 of every field but ``signature``."""
    return canonical_bytes({name: document[name] for name in HEAD_FIELDS})


def sign_head(
    organization_id: str,
    sequence: int,
    head_hash: str,
    signed_off_by: str,
    signed_off_at: dt.datetime,
    private_key: Ed25519PrivateKey,
) -> dict:
    if signed_off_at.tzinfo is None:
        raise ValueError("signed_off_at must be timezone-aware")
    if any(unicodedata.category(c) == "Cc" for c in signed_off_by) or not signed_off_by.strip():
        raise ValueError("the auditor's name is text without control characters")
    fields = {
        "organization_id": organization_id,
        "sequence": sequence,
        "hash": head_hash,
        "chain_scheme": SCHEME_VERSION,
        "signed_off_by": signed_off_by,
        "signed_off_at": signed_off_at.astimezone(dt.UTC).isoformat(),
        "key_id": key_id(private_key.public_key()),
    }
    signature = private_key.sign(signed_payload(fields))
    return {**fields, "signature": {"algorithm": SIGNATURE_ALGORITHM, "value": base64.b64encode(signature).decode()}}


def signature_problem(document, trusted: Mapping[str, Ed25519PublicKey]) -> str | None:
    """None when the document is a head signed by one of the ``trusted`` keys; otherwise why not."""
    if not isinstance(document, dict):
        return "the head document is not a JSON object"
    missing = [name for name in (*HEAD_FIELDS, "signature") if name not in document]
    if missing:
        return f"the head document lacks {', '.join(missing)}"
    extra = sorted(set(document) - {*HEAD_FIELDS, "signature"})
    if extra:
        return f"the head document has unsigned fields {', '.join(extra)}"
    signature = document["signature"]
    if not isinstance(signature, dict) or signature.get("algorithm") != SIGNATURE_ALGORITHM:
        return f"the head document is not signed with {SIGNATURE_ALGORITHM}"
    if not isinstance(document["sequence"], int) or isinstance(document["sequence"], bool):
        return "the head document's sequence is not a whole number"
    key = trusted.get(document["key_id"]) if isinstance(document["key_id"], str) else None
    if key is None:
        return f"it was signed with key {document['key_id']}, which is not among the trusted public keys"
    try:
        key.verify(base64.b64decode(str(signature.get("value", "")), validate=True), signed_payload(document))
    except (InvalidSignature, ValueError):
        return "the signature does not match: the document was altered after it was signed"
    return None


class ChainBroken(Exception):
    def __init__(self, report: ChainReport):
        super().__init__(str(report))
        self.report = report


async def export_head(
    session: AsyncSession,
    organization_id: str,
    auditor: str,
    private_key: Ed25519PrivateKey,
    now: dt.datetime | None = None,
) -> dict:
    """Sign off the current head; a broken chain is refused (:class:`ChainBroken`), never signed."""
    report = await verify_chain(session, organization_id)
    if not report.ok:
        raise ChainBroken(report)
    return sign_head(
        organization_id, report.last_sequence, report.last_hash, auditor, now or dt.datetime.now(dt.UTC), private_key
    )


def _when(document: dict) -> str:
    try:
        return (
            dt.datetime.fromisoformat(str(document.get("signed_off_at")))
            .astimezone(dt.UTC)
            .strftime("%Y-%m-%d %H:%M UTC")
        )
    except ValueError:
        return str(document.get("signed_off_at"))


@dataclass(frozen=True)
class HeadCheck:
    document: dict
    problem: str | None = None
    signature_ok: bool = True

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        doc = self.document if isinstance(self.document, dict) else {}
        who = f"signed off by {doc.get('signed_off_by')} on {_when(doc)}"
        if not self.signature_ok:
            return f"The head of {doc.get('organization_id')} at entry {doc.get('sequence')} cannot be trusted: {self.problem}."
        if self.ok:
            return (
                f"Nothing recorded up to entry {doc['sequence']} of {doc['organization_id']} ({who}, "
                f"key {str(doc['key_id'])[:16]}…) has changed since it was signed."
            )
        return (
            f"Entries up to entry {doc['sequence']} of {doc['organization_id']} ({who}) HAVE CHANGED "
            f"since they were signed: {self.problem}."
        )


async def verify_against_head(
    session: AsyncSession,
    head_document: dict,
    trusted: Mapping[str, Ed25519PublicKey],
    report: ChainReport | None = None,
) -> HeadCheck:
    """The signature holds, the chain verifies up to the signed entry, and that entry still has the signed hash.

    ``report`` is the ledger's :func:`verify_chain` report when the caller has one already.
    """
    problem = signature_problem(head_document, trusted)
    if problem:
        return HeadCheck(head_document, problem, signature_ok=False)
    organization_id, sequence = head_document["organization_id"], head_document["sequence"]
    problem = await head_problem(session, organization_id, sequence, head_document["hash"], report)
    if problem and problem.startswith(f"entry {sequence} now has hash"):
        problem += ": entries up to it were rewritten after sign-off"
    return HeadCheck(head_document, problem)


async def head_problem(
    session: AsyncSession, organization_id: str, sequence: int, head_hash: str, report: ChainReport | None = None
) -> str | None:
    """None when the ledger's chain, verified from entry 1, still reaches ``head_hash`` at ``sequence``;
    otherwise why not (a break after ``sequence`` does not touch what was recorded up to it).

    ``report`` is the ledger's :func:`verify_chain` report when the caller has one already.
    """
    if report is None:
        report = await verify_chain(session, organization_id)
    if not report.ok and report.broken_sequence is not None and report.broken_sequence <= sequence:
        return f"the chain breaks at entry {report.broken_sequence}: {report.detail}"
    current: str | None
    if sequence == 0:
        current = GENESIS_HASH
    else:
        current = await session.scalar(
            select(postings.c.hash).where(
                postings.c.organization_id == organization_id, postings.c.sequence == sequence
            )
        )
    if current is None:
        return f"entry {sequence} no longer exists in ledger {organization_id}"
    if current != head_hash:
        return f"entry {sequence} now has hash {current}, not the signed {head_hash}"
    return None


def head_signature_problem(
    organization_id: str,
    sequence: int,
    head_hash: str,
    signed_off_by: str,
    signed_off_at: str,
    signature: str,
    trusted: Mapping[str, Ed25519PublicKey],
) -> str | None:
    """:func:`signature_problem` of a head whose fields are known but whose key id is not carried
    (a printed statement's QR code leaves it out): it holds when one trusted key signed it."""
    problem: str | None = "no trusted public key is configured"
    for candidate in trusted:
        document = {
            "organization_id": organization_id,
            "sequence": sequence,
            "hash": head_hash,
            "chain_scheme": SCHEME_VERSION,
            "signed_off_by": signed_off_by,
            "signed_off_at": signed_off_at,
            "key_id": candidate,
            "signature": {"algorithm": SIGNATURE_ALGORITHM, "value": signature},
        }
        problem = signature_problem(document, trusted)
        if problem is None:
            return None
    return problem
