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

The verifier canonicalizes with the ``rfc8785`` package. The poster, on the hot path of every
posting, writes the same bytes with ``json.dumps`` (sorted keys, no whitespace, UTF-8): for a
document of ASCII keys, text, whole numbers within ±(2^53 − 1) and null — all an entry document
holds — the two are byte for byte the same (both escape exactly ``"``, ``\\`` and U+0000–U+001F,
with the same short forms), at a fraction of the cost. The unit tests hold them equal on hostile
text, and every verify-chain run recomputes each hash with ``rfc8785`` again.
"""

import datetime as dt
import functools
import hashlib
import json
import operator
import uuid
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring

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
LINE_COLUMNS = (
    "posting_id",
    "line_no",
    "organization_id",
    "account_code",
    "debit_fen",
    "credit_fen",
    "counterparty_id",
)
UNCHAINED_COLUMNS = ("hash", "field_digests")
FIELD_DIGEST_HEX = 16
MAX_SAFE_INTEGER = 2**53 - 1  # RFC 8785 writes numbers as IEEE 754 doubles


def json_value(value):
    """A column's value as the canonical document writes it."""
    if value is None or type(value) is str:
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
    return value


_ENTRY_ITEMS, _ENTRY_ATTRS = operator.itemgetter(*ENTRY_COLUMNS), operator.attrgetter(*ENTRY_COLUMNS)
_LINE_ITEMS, _LINE_ATTRS = operator.itemgetter(*LINE_COLUMNS), operator.attrgetter(*LINE_COLUMNS)


def entry_document(entry, lines: Sequence) -> dict:
    """The document an entry's hash is taken over; ``entry`` and ``lines`` are rows or mappings."""
    # All columns of a row read at once (itemgetter/attrgetter): the poster and verify-chain build
    # this document for every entry.
    return {
        "v": SCHEME_VERSION,
        "entry": dict(zip(ENTRY_COLUMNS, _json_values(_columns(entry, _ENTRY_ITEMS, _ENTRY_ATTRS)), strict=True)),
        "lines": [
            dict(zip(LINE_COLUMNS, _json_values(_columns(line, _LINE_ITEMS, _LINE_ATTRS)), strict=True))
            for line in lines
        ],
    }


def _json_values(values: tuple) -> list:
    # Text and null, most columns, are their own JSON value: no call for them.
    return [value if value is None or type(value) is str else json_value(value) for value in values]


def _columns(row, items, attrs) -> tuple:
    return items(row) if isinstance(row, Mapping) else attrs(row)


def canonical_bytes(document) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme) bytes: what verification and auditors use."""
    return rfc8785.dumps(document)


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _entry_bytes(document) -> bytes:
    """The RFC 8785 bytes of an entry document, written fast (see the module's docstring)."""
    return _ENCODER.encode(document).encode()


def entry_hash(entry, lines: Sequence) -> str:
    """Each ledger is a hash chain: rewriting any column of any entry changes every hash after it."""
    return hashlib.sha256(canonical_bytes(entry_document(entry, lines))).hexdigest()


def _value_bytes(value) -> bytes:
    """RFC 8785 of one column's JSON value (text, whole number or null), written fast."""
    if value is None:
        return b"null"
    if type(value) is int:
        return str(value).encode()
    return encode_basestring(value).encode()


def _digests_of(document: dict) -> dict:
    # The document's values are already JSON values (text, whole numbers, null), all hashable: the
    # cache is asked directly, and anything else takes the way that needs no hashing.
    digest = _cached_digest
    try:
        return {
            "entry": {name: digest(value) for name, value in document["entry"].items()},
            "lines": [{name: digest(value) for name, value in line.items()} for line in document["lines"]],
        }
    except TypeError:
        return {
            "entry": {name: _json_value_digest(value) for name, value in document["entry"].items()},
            "lines": [{name: _json_value_digest(value) for name, value in line.items()} for line in document["lines"]],
        }


def field_digests(entry, lines: Sequence) -> dict:
    """``{"entry": {column: digest}, "lines": [{column: digest}, …]}`` of the entry as it is now."""
    return _digests_of(entry_document(entry, lines))


def chain_record(entry, lines: Sequence) -> tuple[str, dict]:
    """What the poster stores with a new entry: its hash and its per-field digests."""
    document = entry_document(entry, lines)
    return hashlib.sha256(_entry_bytes(document)).hexdigest(), _digests_of(document)


def value_digest(value) -> str:
    """The digest a column holding ``value`` has in :func:`field_digests`, and a voucher link's
    field in ``voucher_chain.link_record``: one function for both stored digests."""
    return _json_value_digest(json_value(value))


# Most columns of a ledger's entries repeat (its organization, accounts, dates, texts, line numbers,
# zero amounts): a replay of a million entries asks for the same digests over and over. ``typed``
# keeps 1 and True apart.
def _json_value_digest(value) -> str:
    try:
        return _cached_digest(value)
    except TypeError:  # not hashable: not a column value of today's tables, but digest it all the same
        return _uncached_digest(value)


def _uncached_digest(value) -> str:
    return hashlib.sha256(_value_bytes(value)).hexdigest()[:FIELD_DIGEST_HEX]


_cached_digest = functools.lru_cache(maxsize=1 << 16, typed=True)(_uncached_digest)


def changed_entry_columns(chained: Mapping, current: Mapping) -> list[str]:
    """The ``postings`` columns whose digest differs from the chained one, in column order."""
    return [f"postings.{name}" for name in ENTRY_COLUMNS if chained.get(name) != current.get(name)]


def changed_lines(chained: Sequence[Mapping], current: Sequence[Mapping], current_line_nos: Sequence[int]) -> list[str]:
    """What differs between the chained lines and the entry's lines now, one finding per change.

    Chained line k has line_no k (the poster numbers lines from 1), so lines are matched by
    line_no; a line missing under its number but present under another with every other column
    unchanged is named as a changed ``line_no``.
    """
    chained_by_no = dict(enumerate(chained, start=1))
    current_by_no = dict(zip(current_line_nos, current))
    missing = [n for n in chained_by_no if n not in current_by_no]
    added = [n for n in current_by_no if n not in chained_by_no]
    findings: list[str] = []
    for number in sorted(set(chained_by_no) & set(current_by_no)):
        was, now = chained_by_no[number], current_by_no[number]
        findings += [
            f"posting_lines.{name} of line {number}" for name in LINE_COLUMNS if was.get(name) != now.get(name)
        ]

    def same_but_number(was: Mapping, now: Mapping) -> bool:
        return all(was.get(name) == now.get(name) for name in LINE_COLUMNS if name != "line_no")

    for number in missing:
        renumbered = next((n for n in added if same_but_number(chained_by_no[number], current_by_no[n])), None)
        if renumbered is not None:
            added.remove(renumbered)
            findings.append(f"posting_lines.line_no of line {number} (now {renumbered})")
        else:
            findings.append(
                f"line {number} is missing (its posting_lines row deleted, or its posting_lines.posting_id changed)"
            )
    findings += [f"a posting_lines row with line_no {n} was added" for n in added]
    return findings
