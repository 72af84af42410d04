"""What a voucher's link in its ledger's chain covers (no I/O).

Vouchers (票据) are attached to entries already posted, and the chain is append-only, so each
voucher gets a link of its own in a second chain of the ledger, hashed like an entry
(``sha256`` of the RFC 8785 bytes)::

    {"v": 1,
     "link": {"organization_id", "sequence", "posting_id", "posting_hash", "previous_hash"},
     "attachment": {every column of the voucher's ``attachments`` row}}

``posting_hash`` is the hash of the entry the voucher belongs to, which itself chains every entry
before it: a voucher moved to another entry, or an entry changed after its voucher was chained,
breaks the link. The ``attachments`` row holds the file's SHA-256, size, original name, media
type, uploader and time, so each is covered; verify-chain also hashes the stored bytes again, so
a receipt replaced in ``attachment_blobs`` is found even when every row is untouched.
"""

import hashlib
from collections.abc import Mapping

from unionfed_finance.domain.chain import canonical_bytes, json_value, value_digest

VOUCHER_SCHEME_VERSION = 1
LINK_COLUMNS = ("organization_id", "sequence", "posting_id", "posting_hash", "previous_hash")
ATTACHMENT_COLUMNS = (
    "id",
    "organization_id",
    "record_kind",
    "record_id",
    "purpose",
    "sha256",
    "size_bytes",
    "file_name",
    "media_type",
    "uploaded_by",
    "uploaded_at",
)
VOUCHER_RECORD_KIND = "ledger_entry"


def link_document(link: Mapping, attachment: Mapping) -> dict:
    return {
        "v": VOUCHER_SCHEME_VERSION,
        "link": {name: json_value(link[name]) for name in LINK_COLUMNS},
        "attachment": {name: json_value(attachment[name]) for name in ATTACHMENT_COLUMNS},
    }


def link_record(link: Mapping, attachment: Mapping) -> tuple[str, dict]:
    """The link's hash and its per-field digests (which name a changed column on verification).

    A field's digest is the ledger's :func:`~unionfed_finance.domain.chain.value_digest`, the same
    one an entry's columns have: the unit tests hold its bytes equal to RFC 8785's for every kind
    of value a link holds (text, whole numbers, null; UUIDs and timestamps as text).
    """
    document = link_document(link, attachment)
    digests = {
        part: {name: value_digest(value) for name, value in document[part].items()} for part in ("link", "attachment")
    }
    return hashlib.sha256(canonical_bytes(document)).hexdigest(), digests


def changed_columns(chained: Mapping, link: Mapping, attachment: Mapping) -> list[str]:
    """``voucher_links.…`` and ``attachments.…`` columns whose value is not what was chained."""
    _, now = link_record(link, attachment)
    table = {"link": "voucher_links", "attachment": "attachments"}
    return [
        f"{table[part]}.{name}"
        for part in ("link", "attachment")
        for name in now[part]
        if not isinstance(chained.get(part), Mapping) or chained[part].get(name) != now[part][name]
    ]
