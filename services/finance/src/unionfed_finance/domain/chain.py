"""What a ledger's hash chain covers: every stored column of an entry and its lines (no I/O).

The hash of a journal entry is ``sha256`` (hex) of the RFC 8785 (JSON Canonicalization
Scheme) bytes of one document::

    {"v": 2,
     "entry": {every column of ``postings`` but ``hash`` and ``field_digests``},
     "lines": [{every column of ``posting_lines``}, … in line_no order]}

Values are written as JSON: text and whole numbers as they are, NULL as null, UUIDs as
lowercase hyphenated strings, dates as ``YYYY-MM-DD``, ``recorded_at`` in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffffZ``. ``previous_hash`` is one of the columns, so each hash also
covers every entry before it.

Next to the hash the poster stores per-field digests (the first 16 hex digits of
``sha256(JCS(value))`` for each column): they are not what the chain trusts, only the evidence
that lets a verifier name which column of a broken entry no longer holds what was chained.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence

import rfc8785

SCHEME_VERSION = 2
# Every column of ``postings`` but the two derived from the others: the hash and the digests.
ENTRY_COLUMNS = (
    "id",
    "organization_id",
    "sequence",
    "effective_date",
    "description",
    "total_fen",
    "source_event_id",
    "source_event_type",
    "source_topic",
    "source_partition",
    "source_offset",
    "actor",
    "causation_id",
    "correlation_id",
    "trace_id",
    "journal_event_id",
    "journal_partition",
    "journal_offset",
    "reverses_posting_id",
    "previous_hash",
    "recorded_at",
)
LINE_COLUMNS = ("posting_id", "line_no", "organization_id", "account_code", "debit_fen", "credit_fen", "counterparty_id")
UNCHAINED_COLUMNS = ("hash", "field_digests")
FIELD_DIGEST_HEX = 16


def json_value(value):
    """A column's value as the canonical document writes it."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a chained timestamp must be timezone-aware")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _get(row, name: str):
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def entry_document(entry, lines: Sequence) -> dict:
    """The document an entry's hash is taken over; ``entry`` and ``lines`` are rows or mappings."""
    return {
        "v": SCHEME_VERSION,
        "entry": {name: json_value(_get(entry, name)) for name in ENTRY_COLUMNS},
        "lines": [{name: json_value(_get(line, name)) for name in LINE_COLUMNS} for line in lines],
    }


def canonical_bytes(document) -> bytes:
    return rfc8785.dumps(document)


def entry_hash(entry, lines: Sequence) -> str:
    """Each ledger is a hash chain: rewriting any column of any entry changes every hash after it."""
    return hashlib.sha256(canonical_bytes(entry_document(entry, lines))).hexdigest()


def _digest(value) -> str:
    return hashlib.sha256(canonical_bytes(value)).hexdigest()[:FIELD_DIGEST_HEX]


def field_digests(entry, lines: Sequence) -> dict:
    """``{"entry": {column: digest}, "lines": [{column: digest}, …]}`` of the entry as it is now."""
    document = entry_document(entry, lines)
    return {
        "entry": {name: _digest(value) for name, value in document["entry"].items()},
        "lines": [{name: _digest(value) for name, value in line.items()} for line in document["lines"]],
    }


def value_digest(value) -> str:
    """The digest a column holding ``value`` has in :func:`field_digests`."""
    return _digest(json_value(value))


def changed_entry_columns(chained: Mapping, current: Mapping) -> list[str]:
    """The ``postings`` columns whose digest differs from the chained one, in column order."""
    return [
        f"postings.{name}" for name in ENTRY_COLUMNS if chained.get(name) != current.get(name)
    ]


def changed_lines(chained: Sequence[Mapping], current: Sequence[Mapping], current_line_nos: Sequence[int]) -> list[str]:
    """What differs between the chained lines and the entry's lines now, one finding per change.

    Chained line k has line_no k (the poster numbers lines from 1), so lines are matched by
    line_no; a line missing under its number but present under another with every other column
    unchanged is named as a changed ``line_no``.
    """
    chained_by_no = {number: digests for number, digests in enumerate(chained, start=1)}
    current_by_no = dict(zip(current_line_nos, current))
    missing = [n for n in chained_by_no if n not in current_by_no]
    added = [n for n in current_by_no if n not in chained_by_no]
    findings: list[str] = []
    for number in sorted(set(chained_by_no) & set(current_by_no)):
        was, now = chained_by_no[number], current_by_no[number]
        findings += [f"posting_lines.{name} of line {number}" for name in LINE_COLUMNS if was.get(name) != now.get(name)]

    def same_but_number(was: Mapping, now: Mapping) -> bool:
        return all(was.get(name) == now.get(name) for name in LINE_COLUMNS if name != "line_no")

    for number in missing:
        renumbered = next((n for n in added if same_but_number(chained_by_no[number], current_by_no[n])), None)
        if renumbered is not None:
            added.remove(renumbered)
            findings.append(f"posting_lines.line_no of line {number} (now {renumbered})")
        else:
            findings.append(f"line {number} is missing (its posting_lines row deleted, or its posting_lines.posting_id changed)")
    findings += [f"a posting_lines row with line_no {n} was added" for n in added]
    return findings
