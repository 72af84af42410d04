"""The hash chain's canonical document and the auditor's Ed25519-signed head (no database)."""

import base64
import datetime as dt
import hashlib
import json
import shutil
import subprocess
import uuid

import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from unionfed_finance.adapters.chain import Break, ChainReport
from unionfed_finance.adapters.signed_head import (
    HEAD_FIELDS,
    HEAD_FIELDS_V2,
    HeadCheck,
    SigningKeyMissing,
    key_id,
    load_signing_key,
    load_trusted_keys,
    public_key_pem,
    sign_head,
    signature_problem,
    signed_payload,
)
from unionfed_finance.adapters.tables import posting_lines, postings
from unionfed_finance.domain.chain import (
    ENTRY_COLUMNS,
    LINE_COLUMNS,
    MAX_SAFE_INTEGER,
    UNCHAINED_COLUMNS,
    chain_record,
    changed_entry_columns,
    changed_lines,
    entry_document,
    entry_hash,
    field_digests,
)
from unionfed_finance.domain.ledger import GENESIS_HASH

POSTING_ID = uuid.UUID("7d7c1a3e-0000-4000-8000-000000000001")
ENTRY = {
    "id": POSTING_ID,
    "organization_id": "no1-primary",
    "sequence": 7,
    "effective_date": dt.date(2026, 10, 28),
    "description": "会费 Dues",
    "total_fen": 5000,
    "source_event_id": "evt-1",
    "source_event_type": "unionfed.membership.dues_collected.v1",
    "source_topic": "unionfed.membership",
    "source_partition": 2,
    "source_offset": 41,
    "actor": "treasurer-li",
    "causation_id": None,
    "correlation_id": "corr-1",
    "trace_id": None,
    "journal_event_id": "jrn-1",
    "journal_partition": 0,
    "journal_offset": 9,
    "reverses_posting_id": None,
    "previous_hash": GENESIS_HASH,
    "recorded_at": dt.datetime(2026, 10, 28, 18, 30, 5, 120, tzinfo=dt.timezone(dt.timedelta(hours=8))),
}
LINES = [
    {
        "posting_id": POSTING_ID,
        "line_no": 1,
        "organization_id": "no1-primary",
        "account_code": "1001",
        "debit_fen": 5000,
        "credit_fen": 0,
        "counterparty_id": None,
    },
    {
        "posting_id": POSTING_ID,
        "line_no": 2,
        "organization_id": "no1-primary",
        "account_code": "4101",
        "debit_fen": 0,
        "credit_fen": 5000,
        "counterparty_id": None,
    },
]
SIGNED_AT = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
KEY = Ed25519PrivateKey.generate()


def test_every_stored_column_is_chained_except_the_hash_and_its_digests():
    assert set(ENTRY_COLUMNS) | set(UNCHAINED_COLUMNS) == {c.name for c in postings.columns}
    assert set(LINE_COLUMNS) == {c.name for c in posting_lines.columns}


def test_the_canonical_document_is_rfc8785_of_the_documented_layout():
    # Written out by hand: keys sorted, no whitespace, UTF-8, UUIDs and dates as strings,
    # recorded_at in UTC with microseconds and Z. This is the layout the README documents.
    line = (
        '{{"account_code":"{a}","counterparty_id":null,"credit_fen":{c},"debit_fen":{d},"line_no":{n},'
        '"organization_id":"no1-primary","posting_id":"7d7c1a3e-0000-4000-8000-000000000001"}}'
    )
    expected = (
        '{"entry":{"actor":"treasurer-li","causation_id":null,"correlation_id":"corr-1","description":"会费 Dues",'
        '"effective_date":"2026-10-28","id":"7d7c1a3e-0000-4000-8000-000000000001","journal_event_id":"jrn-1",'
        '"journal_offset":9,"journal_partition":0,"organization_id":"no1-primary",'
        f'"previous_hash":"{GENESIS_HASH}","recorded_at":"2026-10-28T10:30:05.000120Z","reverses_posting_id":null,'
        '"sequence":7,"source_event_id":"evt-1","source_event_type":"unionfed.membership.dues_collected.v1",'
        '"source_offset":41,"source_partition":2,"source_topic":"unionfed.membership","total_fen":5000,'
        '"trace_id":null},"lines":['
        + line.format(a="1001", c=0, d=5000, n=1)
        + ","
        + line.format(a="4101", c=5000, d=0, n=2)
        + '],"v":2}'
    )
    assert entry_hash(ENTRY, LINES) == hashlib.sha256(expected.encode()).hexdigest()
    assert json.loads(expected) == entry_document(ENTRY, LINES)


def _changed(value):
    if isinstance(value, bool) or value is None:
        return "x"
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(microseconds=1)
    return value + dt.timedelta(days=1)


@pytest.mark.parametrize("column", ENTRY_COLUMNS)
def test_any_entry_column_changes_the_hash_and_its_digest_names_it(column):
    chained = field_digests(ENTRY, LINES)
    changed = {**ENTRY, column: _changed(ENTRY[column])}
    assert entry_hash(changed, LINES) != entry_hash(ENTRY, LINES)
    assert changed_entry_columns(chained["entry"], field_digests(changed, LINES)["entry"]) == [f"postings.{column}"]


@pytest.mark.parametrize("column", [c for c in LINE_COLUMNS if c != "line_no"])
def test_any_line_column_changes_the_hash_and_its_digest_names_it(column):
    chained = field_digests(ENTRY, LINES)
    lines = [LINES[0], {**LINES[1], column: _changed(LINES[1][column])}]
    assert entry_hash(ENTRY, lines) != entry_hash(ENTRY, LINES)
    now = field_digests(ENTRY, lines)["lines"]
    assert changed_lines(chained["lines"], now, [1, 2]) == [f"posting_lines.{column} of line 2"]


def test_a_renumbered_missing_or_added_line_is_named():
    chained = field_digests(ENTRY, LINES)["lines"]
    renumbered = [LINES[0], {**LINES[1], "line_no": 9}]
    assert changed_lines(chained, field_digests(ENTRY, renumbered)["lines"], [1, 9]) == [
        "posting_lines.line_no of line 2 (now 9)"
    ]
    assert changed_lines(chained, field_digests(ENTRY, LINES[:1])["lines"], [1]) == [
        "line 2 is missing (its posting_lines row deleted, or its posting_lines.posting_id changed)"
    ]
    extra = [*LINES, {**LINES[1], "line_no": 3}]
    assert changed_lines(chained, field_digests(ENTRY, extra)["lines"], [1, 2, 3]) == [
        "a posting_lines row with line_no 3 was added"
    ]


HOSTILE_TEXT = [
    "".join(map(chr, range(0x80))),  # every control character, quote, backslash, slash and DEL
    "工会 \u2028\u2029 \ufeff é 𝄞 🎉 \U0010ffff",
    '"\\"',
    "",
    " leading and trailing ",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_the_posters_fast_canonical_form_is_byte_for_byte_rfc8785(text):
    entry = {
        **ENTRY,
        "description": text,
        "actor": text[::-1],
        "total_fen": MAX_SAFE_INTEGER,
        "source_offset": -MAX_SAFE_INTEGER,
        "counterparty_id": None,
    }
    lines = [{**LINES[0], "counterparty_id": text}, LINES[1]]
    digest, digests = chain_record(entry, lines)
    assert digest == entry_hash(entry, lines) == hashlib.sha256(rfc8785.dumps(entry_document(entry, lines))).hexdigest()
    assert digests == field_digests(entry, lines)
    for name, value in entry_document(entry, lines)["entry"].items():
        assert digests["entry"][name] == hashlib.sha256(rfc8785.dumps(value)).hexdigest()[:16]


def test_a_number_rfc8785_cannot_write_exactly_is_refused():
    with pytest.raises(ValueError, match="RFC 8785"):
        chain_record({**ENTRY, "total_fen": MAX_SAFE_INTEGER + 1}, LINES)


def test_a_chained_timestamp_must_be_aware():
    with pytest.raises(ValueError):
        entry_hash({**ENTRY, "recorded_at": dt.datetime(2026, 10, 28)}, LINES)


# ---------------------------------------------------------------- the signed-off head


def head(**overrides) -> dict:
    values = {
        "organization_id": "no1-primary",
        "sequence": 42,
        "head_hash": "ab" * 32,
        "signed_off_by": "民主理财小组 Wang Fang",
        "signed_off_at": SIGNED_AT,
        "private_key": KEY,
    }
    values.update(overrides)
    return sign_head(**values)


TRUSTED = {key_id(KEY.public_key()): KEY.public_key()}


def test_signed_head_names_the_head_in_utc_and_verifies_after_a_json_round_trip():
    document = head()
    assert {k: document[k] for k in HEAD_FIELDS} == {
        "organization_id": "no1-primary",
        "sequence": 42,
        "hash": "ab" * 32,
        "chain_scheme": 2,
        "signed_off_by": "民主理财小组 Wang Fang",
        "signed_off_at": "2026-12-31T10:30:00+00:00",
        "key_id": key_id(KEY.public_key()),
    }
    assert document["signature"]["algorithm"] == "Ed25519"
    assert len(base64.b64decode(document["signature"]["value"])) == 64
    stored = json.loads(json.dumps(document, indent=2, ensure_ascii=True))
    assert signature_problem(stored, TRUSTED) is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("sequence", 41),
        ("hash", "cd" * 32),
        ("organization_id", "other-school"),
        ("signed_off_by", "someone else"),
        ("signed_off_at", "2027-01-01T00:00:00+00:00"),
        ("chain_scheme", 1),
    ],
)
def test_any_altered_field_breaks_the_signature(field, value):
    document = head()
    document[field] = value
    assert "signature does not match" in signature_problem(document, TRUSTED)


def head_v2(**overrides) -> dict:
    return head(vouchers=(3, "cd" * 32), audit=(7, "ef" * 32), **overrides)


def test_a_format_2_head_signs_the_voucher_and_audit_record_heads_too():
    document = head_v2()
    assert set(document) == {*HEAD_FIELDS_V2, "signature"}
    assert {k: document[k] for k in HEAD_FIELDS_V2 if k not in HEAD_FIELDS} == {
        "head_format": 2,
        "voucher_sequence": 3,
        "voucher_hash": "cd" * 32,
        "audit_sequence": 7,
        "audit_hash": "ef" * 32,
    }
    assert signature_problem(json.loads(json.dumps(document)), TRUSTED) is None
    assert signed_payload(document) == rfc8785.dumps({k: document[k] for k in HEAD_FIELDS_V2})
    # A format 1 head (exported before, or printed on a statement) still verifies as what it signed.
    assert "head_format" not in head() and signature_problem(head(), TRUSTED) is None
    with pytest.raises(ValueError, match="both"):
        head(vouchers=(3, "cd" * 32))


@pytest.mark.parametrize(
    "field, value",
    [("voucher_sequence", 2), ("voucher_hash", "00" * 32), ("audit_sequence", 6), ("audit_hash", "00" * 32)],
)
def test_any_altered_chain_head_breaks_a_format_2_signature(field, value):
    assert "signature does not match" in signature_problem({**head_v2(), field: value}, TRUSTED)


def test_a_format_2_head_cannot_pass_as_format_1_or_claim_an_unknown_format():
    document = head_v2()
    downgraded = {k: v for k, v in document.items() if k in (*HEAD_FIELDS, "signature")}
    assert "signature does not match" in signature_problem(downgraded, TRUSTED)
    assert "unsigned fields" in signature_problem({**head(), "voucher_hash": "cd" * 32}, TRUSTED)
    assert "format 3" in signature_problem({**document, "head_format": 3}, TRUSTED)
    partial = dict(document)
    del partial["audit_hash"]
    assert signature_problem(partial, TRUSTED) == "the head document lacks audit_hash"
    assert signature_problem({**document, "voucher_sequence": "3"}, TRUSTED) == (
        "the head document's voucher_sequence is not a whole number"
    )


def test_a_key_that_is_not_trusted_does_not_verify_and_a_retired_one_still_does():
    other = Ed25519PrivateKey.generate()
    foreign = head(private_key=other)
    assert "not among the trusted public keys" in signature_problem(foreign, TRUSTED)
    # Claiming a trusted key id does not help: the signature is checked with that key.
    assert "signature does not match" in signature_problem({**foreign, "key_id": key_id(KEY.public_key())}, TRUSTED)
    rotated = {**TRUSTED, key_id(other.public_key()): other.public_key()}
    assert signature_problem(foreign, rotated) is None and signature_problem(head(), rotated) is None


def test_trusted_keys_load_from_files_and_directories(tmp_path):
    current, retired = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    (tmp_path / "retired").mkdir()
    (tmp_path / "retired" / "2025.pem").write_text(public_key_pem(retired.public_key()))
    (tmp_path / "current.pem").write_text(public_key_pem(current.public_key()))
    trusted = load_trusted_keys([tmp_path / "current.pem", tmp_path / "retired"])
    assert set(trusted) == {key_id(current.public_key()), key_id(retired.public_key())}


def test_the_signing_key_is_an_ed25519_pem_file(tmp_path):
    with pytest.raises(SigningKeyMissing, match="FINANCE_HEAD_SIGNING_KEY_FILE"):
        load_signing_key(None)
    path = tmp_path / "key.pem"
    path.write_bytes(
        KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    assert key_id(load_signing_key(path).public_key()) == key_id(KEY.public_key())
    path.write_text("not a key")
    with pytest.raises(SigningKeyMissing, match="not a readable"):
        load_signing_key(path)


def test_missing_extra_or_unsigned_fields_are_refused():
    document = head()
    del document["hash"]
    assert signature_problem(document, TRUSTED) == "the head document lacks hash"
    assert "unsigned fields note" in signature_problem({**head(), "note": "added later"}, TRUSTED)
    hmac_signed = head()
    hmac_signed["signature"] = {"algorithm": "HMAC-SHA256", "value": "00" * 32}
    assert "not signed with Ed25519" in signature_problem(hmac_signed, TRUSTED)
    assert signature_problem(["not", "a", "dict"], TRUSTED) == "the head document is not a JSON object"


def test_a_string_sequence_is_refused_even_when_the_signature_would_match():
    document = head()
    document["sequence"] = "42"
    assert signature_problem(document, TRUSTED) == "the head document's sequence is not a whole number"


def test_signing_needs_an_aware_time_and_a_printable_auditor():
    with pytest.raises(ValueError):
        head(signed_off_at=dt.datetime(2026, 12, 31, 18, 30))
    with pytest.raises(ValueError):
        head(signed_off_by="Wang\nFang")


@pytest.mark.parametrize("head", [head, head_v2], ids=["format 1", "format 2"])
def test_an_auditor_verifies_a_head_with_jq_and_openssl_alone(tmp_path, head):
    """The README's recipe, run: no unionfed code and no secret, only the public key PEM."""
    for tool in ("openssl", "jq", "base64", "sha256sum"):
        assert shutil.which(tool), f"{tool} is needed for the auditor's recipe"
    (tmp_path / "head.json").write_text(json.dumps(head(), ensure_ascii=False, indent=2), encoding="utf-8")
    (tmp_path / "pub.pem").write_text(public_key_pem(KEY.public_key()))

    def sh(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=30)

    made = sh("jq -jcS 'del(.signature)' head.json > payload && jq -r .signature.value head.json | base64 -d > sig")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "payload").read_bytes() == signed_payload(head())
    verified = sh("openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in payload -sigfile sig")
    assert verified.returncode == 0 and "Signature Verified Successfully" in verified.stdout, (
        verified.stdout + verified.stderr
    )
    fingerprint = sh("openssl pkey -pubin -in pub.pem -outform DER | sha256sum")
    assert fingerprint.stdout.split()[0] == head()["key_id"]

    forged = {**head(), "sequence": 43}
    (tmp_path / "head.json").write_text(json.dumps(forged), encoding="utf-8")
    sh("jq -jcS 'del(.signature)' head.json > payload")
    refused = sh("openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in payload -sigfile sig")
    assert refused.returncode != 0 and "Signature Verified Successfully" not in refused.stdout


def test_a_head_check_reads_as_a_sentence_for_the_auditor():
    document = head()
    assert str(HeadCheck(document)) == (
        f"Nothing recorded up to entry 42 of no1-primary (signed off by 民主理财小组 Wang Fang on "
        f"2026-12-31 10:30 UTC, key {document['key_id'][:16]}…) has changed since it was signed."
    )
    changed = HeadCheck(document, "entry 42 now has hash ff…")
    assert str(changed).startswith("Entries up to entry 42 of no1-primary (signed off by") and "HAVE CHANGED" in str(
        changed
    )
    untrusted = HeadCheck(document, "the signature does not match", signature_ok=False)
    assert str(untrusted) == "The head of no1-primary at entry 42 cannot be trusted: the signature does not match."


def test_reports_read_as_sentences():
    intact = ChainReport("no1-primary", 3, 3, "ff" * 32)
    broken = ChainReport("no1-primary", 1, 1, "ff" * 32, 2, Break.GAP, "sequence 2 is missing; the next entry is 3")
    assert intact.ok and str(intact) == f"ledger no1-primary: chain intact, 3 entries, head sequence 3 hash {'ff' * 32}"
    assert not broken.ok
    assert str(broken) == (
        "ledger no1-primary: chain BROKEN at sequence 2: gap in sequence: sequence 2 is missing; the next entry is 3"
    )
