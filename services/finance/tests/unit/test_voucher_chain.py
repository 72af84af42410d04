"""A voucher's link covers its entry's hash and every column of its attachments row (no I/O)."""

import datetime as dt
import hashlib
import uuid

import pytest

from unionfed_finance.domain.chain import MAX_SAFE_INTEGER, _value_bytes, canonical_bytes, json_value, value_digest
from unionfed_finance.domain.voucher_chain import ATTACHMENT_COLUMNS, changed_columns, link_document, link_record

LINK = {
    "organization_id": "school-1",
    "sequence": 1,
    "posting_id": uuid.UUID(int=7),
    "posting_hash": "a" * 64,
    "previous_hash": "0" * 64,
}
ATTACHMENT = {
    "id": uuid.UUID(int=9),
    "organization_id": "school-1",
    "record_kind": "ledger_entry",
    "record_id": str(uuid.UUID(int=7)),
    "purpose": "voucher",
    "sha256": "b" * 64,
    "size_bytes": 1234,
    "file_name": "购买乐器发票.pdf",
    "media_type": "application/pdf",
    "uploaded_by": "officer-1",
    "uploaded_at": dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC),
}


def test_the_link_is_the_rfc8785_hash_of_its_document():
    digest, digests = link_record(LINK, ATTACHMENT)
    assert digest == hashlib.sha256(canonical_bytes(link_document(LINK, ATTACHMENT))).hexdigest()
    assert set(digests["attachment"]) == set(ATTACHMENT_COLUMNS)
    assert changed_columns(digests, LINK, ATTACHMENT) == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("sha256", "c" * 64),
        ("size_bytes", 1235),
        ("file_name", "other.pdf"),
        ("media_type", "image/png"),
        ("uploaded_by", "someone"),
        ("uploaded_at", dt.datetime(2026, 11, 2, tzinfo=dt.UTC)),
        ("record_id", str(uuid.UUID(int=8))),
    ],
)
def test_every_stored_field_a_reader_sees_is_covered_and_named_when_changed(column, value):
    digest, digests = link_record(LINK, ATTACHMENT)
    changed = {**ATTACHMENT, column: value}
    assert link_record(LINK, changed)[0] != digest
    assert changed_columns(digests, LINK, changed) == [f"attachments.{column}"]


def test_a_voucher_moved_to_another_entry_or_an_entry_changed_breaks_the_link():
    digest, digests = link_record(LINK, ATTACHMENT)
    moved = {**LINK, "posting_hash": "d" * 64}
    assert link_record(moved, ATTACHMENT)[0] != digest
    assert changed_columns(digests, moved, ATTACHMENT) == ["voucher_links.posting_hash"]


# Every kind of value a voucher link's document holds: text (names, hashes, ids, hostile text),
# whole numbers (sequence, size_bytes, up to the RFC 8785 limit), null, and UUIDs and timestamps
# as json_value writes them (text).
VOUCHER_VALUES = [
    "school-1",
    "购买乐器发票.pdf",
    "".join(map(chr, range(0x80))),
    "工会 \u2028\u2029 \ufeff é 𝄞 🎉 \U0010ffff",
    '"\\"',
    "",
    0,
    1,
    -1,
    1234,
    MAX_SAFE_INTEGER,
    -MAX_SAFE_INTEGER,
    None,
    uuid.UUID(int=9),
    dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 11, 1, 16, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8))),
]


@pytest.mark.parametrize("value", VOUCHER_VALUES)
def test_the_fast_value_bytes_are_the_rfc8785_bytes_of_every_kind_of_voucher_value(value):
    """The voucher chain's digests (once RFC 8785) and the entry digests (the fast writer) are one function."""
    written = json_value(value)
    assert _value_bytes(written) == canonical_bytes(written)
    assert value_digest(value) == hashlib.sha256(canonical_bytes(written)).hexdigest()[:16]


def test_a_links_field_digests_are_the_ledgers_value_digests():
    _, digests = link_record(LINK, ATTACHMENT)
    document = link_document(LINK, ATTACHMENT)
    for part in ("link", "attachment"):
        assert digests[part] == {name: value_digest(value) for name, value in document[part].items()}
        assert digests[part] == {
            name: hashlib.sha256(canonical_bytes(value)).hexdigest()[:16] for name, value in document[part].items()
        }
