"""What a record link covers and how it is checked (no I/O).

The hash of a link is ``sha256`` (hex) of the RFC 8785 (JSON Canonicalization Scheme) bytes of::

    {"v": 1,
     "link": {"organization_id", "sequence", "record_kind", "record_id", "action",
              "previous_hash", "recorded_at"},
     "fields": {field name: value, …}}

Values are written as finance's ledger chain writes them (``unionfed_finance.domain.chain``):
text, whole numbers and null as they are, UUIDs as lowercase hyphenated strings, dates as
``YYYY-MM-DD``, timestamps in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; JSON documents (JSONB
columns) and arrays as they are, their members written the same way; bytes as base64; decimals
whole as numbers, others as text. ``previous_hash`` is in the document,
so each hash covers every link before it in the organization's chain.

Next to the hash each link stores per-field digests (the first 16 hex digits of
``sha256(JCS(value))``): not what the chain trusts, only the evidence that names which field of a
broken link no longer holds what was chained. A record's fields now are compared with its last
link the same way, by digest, so a finding names the record and the field.
"""

import base64
import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import rfc8785

SCHEME_VERSION = 1
GENESIS_HASH = "0" * 64
FIELD_DIGEST_HEX = 16
LINK_COLUMNS = (
    "organization_id",
    "sequence",
    "record_kind",
    "record_id",
    "action",
    "previous_hash",
    "recorded_at",
)
MAX_SAFE_INTEGER = 2**53 - 1  # RFC 8785 writes numbers as IEEE 754 doubles


def json_value(value):
    """A field's value as the canonical document writes it (finance's rules, and JSON documents)."""
    if value is None or type(value) in (str, bool, float):
        return value
    if type(value) is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise ValueError(f"{value} is beyond the whole numbers RFC 8785 can write exactly")
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a chained timestamp must be timezone-aware")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    raise TypeError(f"a chained field cannot hold a {type(value).__name__}")


def canonical_bytes(document) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes."""
    return rfc8785.dumps(document)


def digest(value) -> str:
    """The digest of one field's (already JSON) value."""
    return hashlib.sha256(canonical_bytes(value)).hexdigest()[:FIELD_DIGEST_HEX]


def link_document(link: Mapping, fields: Mapping) -> dict:
    return {
        "v": SCHEME_VERSION,
        "link": {name: json_value(link[name]) for name in LINK_COLUMNS},
        "fields": {str(name): json_value(value) for name, value in fields.items()},
    }


def link_record(link: Mapping, fields: Mapping) -> tuple[str, dict, dict]:
    """The link's hash, its fields as JSON and its per-field digests (``{"link": …, "fields": …}``)."""
    document = link_document(link, fields)
    digests = {part: {name: digest(value) for name, value in document[part].items()} for part in ("link", "fields")}
    return hashlib.sha256(canonical_bytes(document)).hexdigest(), document["fields"], digests


def changed_link_fields(stored_digests: Mapping, link: Mapping, fields: Mapping) -> list[str]:
    """Which of a broken link's own values differ from the digests stored when it was chained."""
    _, _, now = link_record(link, fields)
    found = []
    for part, prefix in (("link", "record_links."), ("fields", "")):
        stored = stored_digests.get(part)
        was: Mapping = stored if isinstance(stored, Mapping) else {}
        names = list(now[part]) + [n for n in was if n not in now[part]]
        found += [f"{prefix}{name}" for name in names if was.get(name) != now[part].get(name)]
    return found


def changed_fields(chained: Mapping, current: Mapping) -> list[str]:
    """The fields of ``current`` (a record now) whose value is not the one its last link chained.

    Only the fields ``current`` names are compared (a record being edited again after a return is
    compared on the fields its state fixes). A field the link never had (a column added after the
    link was written) is not "changed": :func:`unchained_fields` names it, and ``seal-records``
    covers it.
    """
    return [
        name
        for name, value in current.items()
        if name in chained and digest(json_value(chained[name])) != digest(json_value(value))
    ]


def unchained_fields(chained: Mapping, current: Mapping) -> list[str]:
    """The fields of ``current`` that its last link does not hold: columns added since."""
    return [name for name in current if name not in chained]


@dataclass(frozen=True)
class Current:
    """A record as it is now: whose chain it is in, how a finding names it, the fields to compare."""

    organization_id: str
    name: str
    fields: Mapping


@dataclass(frozen=True)
class Verification:
    checked_links: int
    checked_records: int
    findings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    def __str__(self) -> str:
        head = f"{self.checked_links} link(s), {self.checked_records} record(s) checked"
        if self.ok:
            return f"OK: {head}"
        return "\n".join([f"BROKEN: {head}, {len(self.findings)} finding(s)", *(f"  - {f}" for f in self.findings)])


def verify_links(links: Sequence[Mapping]) -> tuple[list[str], dict[tuple[str, str], Mapping]]:
    """Check one organization's links in sequence order: numbering, ``previous_hash``, each hash.

    Each link is a mapping of the ``record_links`` columns. Returns the findings and the last link
    of each ``(record_kind, record_id)``.
    """
    findings: list[str] = []
    latest: dict[tuple[str, str], Mapping] = {}
    expected, prior = 1, GENESIS_HASH
    for link in links:
        where = f"link {link['organization_id']}#{link['sequence']} ({link['record_kind']} {link['record_id']})"
        if link["sequence"] != expected:
            findings.append(f"link {link['organization_id']}#{expected} is missing; the next is {link['sequence']}")
        elif link["previous_hash"] != prior:
            findings.append(f"{where}: record_links.previous_hash does not chain the link before it")
        recomputed, _, _ = link_record(link, link["fields"])
        if recomputed != link["hash"]:
            changed = changed_link_fields(link["field_digests"] or {}, link, link["fields"])
            what = ", ".join(changed) or "its values no longer hash to its hash (record_links.hash changed)"
            findings.append(f"{where}: the chained link was altered: {what}")
        expected, prior = link["sequence"] + 1, link["hash"]
        latest[(link["record_kind"], link["record_id"])] = link
    return findings, latest


def compare_records(
    kind: str, label: str, table: str, current: Mapping[str, Current], latest: Mapping[tuple[str, str], Mapping]
) -> list[str]:
    """Each record of ``kind`` now against its last link: a changed field, a record never chained,
    a chained record gone (or moved out of the state that chained it)."""
    findings: list[str] = []
    for record_id, record in current.items():
        link = latest.get((kind, record_id))
        if link is None:
            findings.append(f"{label} {record.name}: was never chained (a {table} row written around the service)")
            continue
        for name in changed_fields(link["fields"], record.fields):
            findings.append(
                f"{label} {record.name}: {name} differs from what was chained "
                f"({link['action']}, link {link['organization_id']}#{link['sequence']})"
            )
        if added := unchained_fields(link["fields"], record.fields):
            findings.append(
                f"{label} {record.name}: {', '.join(added)} not chained yet (added after "
                f"link {link['organization_id']}#{link['sequence']}; run seal-records)"
            )
    for (link_kind, record_id), link in latest.items():
        if link_kind == kind and record_id not in current:
            findings.append(
                f"{label} {record_id}: chained ({link['action']}, link {link['organization_id']}#{link['sequence']}) "
                f"but its {table} row is gone or no longer in the state that was chained"
            )
    return findings
