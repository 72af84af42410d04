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

Format 2 (``"head_format": 2``, what ``export-head`` writes now) signs the heads of the ledger's
other two chains as well: the voucher chain (``voucher_sequence``, ``voucher_hash``: each link
covers a voucher's ``attachments`` row, its file's SHA-256 and the entry it belongs to) and the
audit committee's records (``audit_sequence``, ``audit_hash``: findings, answers and term
sign-offs). A voucher replaced, or an audit record rewritten, after the export is found even when
the whole chain was re-hashed. A head without ``head_format`` is format 1 (the ledger's entries
alone, as heads exported before, and the head a printed statement's QR code carries): it still
verifies, as what it signed.
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

from unionfed_finance.adapters.chain import Break, ChainReport, verify_chain
from unionfed_finance.adapters.tables import attachments, audit_records, postings, voucher_heads, voucher_links
from unionfed_finance.adapters.voucher_chain import verify_vouchers
from unionfed_finance.domain.audit_findings import ChainCheck, verify_records
from unionfed_finance.domain.chain import SCHEME_VERSION, canonical_bytes
from unionfed_finance.domain.ledger import GENESIS_HASH

SIGNATURE_ALGORITHM = "Ed25519"
HEAD_FIELDS = ("organization_id", "sequence", "hash", "chain_scheme", "signed_off_by", "signed_off_at", "key_id")
HEAD_FORMAT = 2
# Format 2 adds the heads of the voucher chain and of the audit records' chain.
HEAD_FIELDS_V2 = (*HEAD_FIELDS, "head_format", "voucher_sequence", "voucher_hash", "audit_sequence", "audit_hash")
_WHOLE_FIELDS = ("sequence", "voucher_sequence", "audit_sequence")


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


def head_fields(document: Mapping) -> tuple[str, ...]:
    """The signed fields of a head of its format: format 1 has no ``head_format``."""
    return HEAD_FIELDS_V2 if "head_format" in document else HEAD_FIELDS


def signed_payload(document: Mapping) -> bytes:
    """The exact bytes the signature is over: RFC 8785 of every field but ``signature``."""
    return canonical_bytes({name: document[name] for name in head_fields(document)})


def sign_head(
    organization_id: str,
    sequence: int,
    head_hash: str,
    signed_off_by: str,
    signed_off_at: dt.datetime,
    private_key: Ed25519PrivateKey,
    vouchers: tuple[int, str] | None = None,
    audit: tuple[int, str] | None = None,
) -> dict:
    """A format 2 head when the voucher chain's and the audit records' heads (sequence, hash) are
    given; format 1 (the ledger's entries alone) when neither is."""
    if (vouchers is None) != (audit is None):
        raise ValueError("a format 2 head signs both the voucher chain's and the audit records' heads")
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
    if vouchers is not None and audit is not None:
        fields |= {
            "head_format": HEAD_FORMAT,
            "voucher_sequence": vouchers[0],
            "voucher_hash": vouchers[1],
            "audit_sequence": audit[0],
            "audit_hash": audit[1],
        }
    signature = private_key.sign(signed_payload(fields))
    return {**fields, "signature": {"algorithm": SIGNATURE_ALGORITHM, "value": base64.b64encode(signature).decode()}}


def signature_problem(document, trusted: Mapping[str, Ed25519PublicKey]) -> str | None:
    """None when the document is a head signed by one of the ``trusted`` keys; otherwise why not."""
    if not isinstance(document, dict):
        return "the head document is not a JSON object"
    signed = head_fields(document)
    if "head_format" in document and document["head_format"] != HEAD_FORMAT:
        return f"the head document's format {document['head_format']!r} is not one this service knows (1 or 2)"
    missing = [name for name in (*signed, "signature") if name not in document]
    if missing:
        return f"the head document lacks {', '.join(missing)}"
    extra = sorted(set(document) - {*signed, "signature"})
    if extra:
        return f"the head document has unsigned fields {', '.join(extra)}"
    signature = document["signature"]
    if not isinstance(signature, dict) or signature.get("algorithm") != SIGNATURE_ALGORITHM:
        return f"the head document is not signed with {SIGNATURE_ALGORITHM}"
    for name in _WHOLE_FIELDS:
        if name in signed and (not isinstance(document[name], int) or isinstance(document[name], bool)):
            return f"the head document's {name} is not a whole number"
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


async def verify_audit_records(session: AsyncSession, organization_id: str) -> ChainCheck:
    """The ledger's audit records (经审) verified from record 1: :func:`verify_records`."""
    rows = await session.execute(
        select(audit_records).where(audit_records.c.ledger_id == organization_id).order_by(audit_records.c.sequence)
    )
    return verify_records(organization_id, rows)


async def voucher_head(session: AsyncSession, organization_id: str) -> tuple[int, str]:
    """The voucher chain's head (sequence, hash); the genesis hash at 0 before its first voucher."""
    row = (
        await session.execute(
            select(voucher_heads.c.last_sequence, voucher_heads.c.last_hash).where(
                voucher_heads.c.organization_id == organization_id
            )
        )
    ).first()
    return (row.last_sequence, row.last_hash) if row else (0, GENESIS_HASH)


async def export_head(
    session: AsyncSession,
    organization_id: str,
    auditor: str,
    private_key: Ed25519PrivateKey,
    now: dt.datetime | None = None,
) -> dict:
    """Sign off the current heads of the ledger's three chains (entries, vouchers, audit records):
    a format 2 head. A broken chain is refused (:class:`ChainBroken`), never signed."""
    report = await verify_chain(session, organization_id)  # the entries and every voucher
    if not report.ok:
        raise ChainBroken(report)
    audit = await verify_audit_records(session, organization_id)
    if not audit.ok:
        raise ChainBroken(
            ChainReport(
                organization_id,
                report.entries_checked,
                report.last_sequence,
                report.last_hash,
                None,
                Break.AUDIT_RECORDS,
                str(audit),
            )
        )
    return sign_head(
        organization_id,
        report.last_sequence,
        report.last_hash,
        auditor,
        now or dt.datetime.now(dt.UTC),
        private_key,
        vouchers=await voucher_head(session, organization_id),
        audit=(audit.last_sequence, audit.last_hash),
    )


async def export_ledger_head(
    session: AsyncSession,
    organization_id: str,
    signer: str,
    private_key: Ed25519PrivateKey,
    now: dt.datetime | None = None,
) -> dict:
    """A format 1 head (the ledger's entries alone), verified first as :func:`export_head`: what a
    printed statement's QR code carries, which has no room for the other two chains' heads."""
    report = await verify_chain(session, organization_id)
    if not report.ok:
        raise ChainBroken(report)
    return sign_head(
        organization_id, report.last_sequence, report.last_hash, signer, now or dt.datetime.now(dt.UTC), private_key
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
        if "head_format" in doc and self.signature_ok:
            vouchers, audit = doc.get("voucher_sequence"), doc.get("audit_sequence")
            if self.ok:
                return (
                    f"Nothing recorded up to entry {doc['sequence']} of {doc['organization_id']} ({who}, "
                    f"key {str(doc['key_id'])[:16]}…) has changed since it was signed, nor any voucher up to "
                    f"link {vouchers} or audit record up to {audit}."
                )
            return (
                f"Entries, vouchers or audit records up to entry {doc['sequence']}, voucher link {vouchers} and "
                f"audit record {audit} of {doc['organization_id']} ({who}) HAVE CHANGED since they were signed: "
                f"{self.problem}."
            )
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
    """The signature holds, the chain verifies up to the signed entry, and that entry still has the
    signed hash; for a format 2 head, the same of the voucher chain and of the audit records.

    ``report`` is the ledger's :func:`verify_chain` report when the caller has one already.
    """
    problem = signature_problem(head_document, trusted)
    if problem:
        return HeadCheck(head_document, problem, signature_ok=False)
    organization_id, sequence = head_document["organization_id"], head_document["sequence"]
    problems = []
    problem = await head_problem(session, organization_id, sequence, head_document["hash"], report)
    if problem and problem.startswith(f"entry {sequence} now has hash"):
        problem += ": entries up to it were rewritten after sign-off"
    if problem:
        problems.append(problem)
    if "head_format" in head_document:
        problems += await voucher_head_problems(
            session, organization_id, head_document["voucher_sequence"], head_document["voucher_hash"]
        )
        problem = await audit_head_problem(
            session, organization_id, head_document["audit_sequence"], head_document["audit_hash"]
        )
        if problem:
            problems.append(problem)
    return HeadCheck(head_document, "; ".join(problems) or None)


async def voucher_head_problems(
    session: AsyncSession, organization_id: str, sequence: int, head_hash: str
) -> list[str]:
    """Empty when the voucher chain still reaches ``head_hash`` at link ``sequence`` and every voucher
    up to it verifies (its row, its entry, its file's bytes); otherwise each voucher that does not,
    by name (a voucher chained after ``sequence`` is not what was signed)."""
    findings = list((await verify_vouchers(session, organization_id)).up_to(sequence))
    if sequence == 0:
        return findings
    row = (
        await session.execute(
            select(voucher_links.c.hash, attachments.c.file_name, voucher_links.c.attachment_id)
            .select_from(voucher_links.outerjoin(attachments, attachments.c.id == voucher_links.c.attachment_id))
            .where(voucher_links.c.organization_id == organization_id, voucher_links.c.sequence == sequence)
        )
    ).first()
    if row is None:
        findings.append(f"voucher link {sequence} no longer exists in ledger {organization_id}")
    elif row.hash != head_hash:
        findings.append(
            f"voucher link {sequence} ({row.file_name!r}, attachment {row.attachment_id}) now has hash {row.hash}, "
            f"not the signed {head_hash}: vouchers up to it were replaced or rewritten after sign-off"
        )
    return findings


async def audit_head_problem(session: AsyncSession, organization_id: str, sequence: int, head_hash: str) -> str | None:
    """None when the ledger's audit records, verified from record 1, still reach ``head_hash`` at
    ``sequence``; otherwise which record changed (one added after ``sequence`` was not signed)."""
    check = await verify_audit_records(session, organization_id)
    if not check.ok and check.broken_sequence is not None and check.broken_sequence <= sequence:
        return f"audit record {check.broken_sequence} of {organization_id}: {check.problem}"
    if sequence == 0:
        return None
    row = (
        await session.execute(
            select(audit_records.c.hash, audit_records.c.kind, audit_records.c.finding_id, audit_records.c.term).where(
                audit_records.c.ledger_id == organization_id, audit_records.c.sequence == sequence
            )
        )
    ).first()
    if row is None:
        return f"audit record {sequence} no longer exists in ledger {organization_id}"
    if row.hash != head_hash:
        what = f"finding {row.finding_id}" if row.finding_id else f"term {row.term}"
        return (
            f"audit record {sequence} ({row.kind}, {what}) now has hash {row.hash}, not the signed {head_hash}: "
            f"audit records up to it were rewritten after sign-off"
        )
    return None


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
