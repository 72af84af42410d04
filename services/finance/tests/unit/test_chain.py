"""The auditor's signed-off head: canonical form, signing and checking (no I/O)."""

import datetime as dt
import json
import types
import uuid

import pytest
from pydantic import SecretStr

from unionfed_finance.adapters.chain import (
    HEAD_FIELDS,
    Break,
    ChainReport,
    canonical_json,
    recompute_hash,
    sign_head,
    signature_problem,
    signing_key,
)
from unionfed_finance.domain.ledger import GENESIS_HASH, Line, Posting, chain_hash

KEY = b"a-signing-key-of-the-audit-office"
SIGNED_AT = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def head(**overrides) -> dict:
    values = {
        "organization_id": "no1-primary", "sequence": 42, "head_hash": "ab" * 32,
        "signed_off_by": "民主理财小组 Wang Fang", "signed_off_at": SIGNED_AT, "key": KEY,
    }
    values.update(overrides)
    return sign_head(**values)


def test_canonical_json_ignores_key_order_and_whitespace():
    a = canonical_json({"b": 1, "a": "工会"})
    b = canonical_json(json.loads('{ "a" : "工会",\n "b" : 1 }'))
    assert a == b == '{"a":"工会","b":1}'.encode()


def test_signed_head_names_the_head_in_utc_and_verifies_after_a_json_round_trip():
    document = head()
    assert {k: document[k] for k in HEAD_FIELDS} == {
        "organization_id": "no1-primary", "sequence": 42, "hash": "ab" * 32,
        "signed_off_by": "民主理财小组 Wang Fang", "signed_off_at": "2026-12-31T10:30:00+00:00",
    }
    assert document["signature"]["algorithm"] == "HMAC-SHA256"
    assert len(document["signature"]["value"]) == 64
    stored = json.loads(json.dumps(document, indent=2, ensure_ascii=True))
    assert signature_problem(stored, KEY) is None


@pytest.mark.parametrize(
    "field, value",
    [("sequence", 41), ("hash", "cd" * 32), ("organization_id", "other-school"), ("signed_off_by", "someone else"),
     ("signed_off_at", "2027-01-01T00:00:00+00:00")],
)
def test_any_altered_field_breaks_the_signature(field, value):
    document = head()
    document[field] = value
    assert "signature does not match" in signature_problem(document, KEY)


def test_another_key_does_not_verify():
    assert "signature does not match" in signature_problem(head(), b"another key")


def test_missing_extra_or_unsigned_fields_are_refused():
    document = head()
    del document["hash"]
    assert signature_problem(document, KEY) == "the head document lacks hash"
    assert "unsigned fields note" in signature_problem({**head(), "note": "added later"}, KEY)
    unsigned = head()
    unsigned["signature"] = {"algorithm": "none", "value": ""}
    assert "not signed with HMAC-SHA256" in signature_problem(unsigned, KEY)
    assert signature_problem(["not", "a", "dict"], KEY) == "the head document is not a JSON object"


def test_a_string_sequence_is_refused_even_when_the_signature_would_match():
    # Types are part of what was signed: "42" is not the entry 42 an auditor accepted.
    document = head()
    document["sequence"] = "42"
    assert signature_problem(document, KEY) == "the head document's sequence is not a whole number"


def test_signing_needs_an_aware_time():
    with pytest.raises(ValueError):
        head(signed_off_at=dt.datetime(2026, 12, 31, 18, 30))


def test_signing_key_prefers_the_dedicated_key_over_the_jwt_secret(monkeypatch):
    settings = types.SimpleNamespace(jwt_secret=SecretStr("the-jwt-secret-of-finance-0123456789"))
    monkeypatch.delenv("FINANCE_HEAD_SIGNING_KEY", raising=False)
    assert signing_key(settings) == b"the-jwt-secret-of-finance-0123456789"
    monkeypatch.setenv("FINANCE_HEAD_SIGNING_KEY", "dedicated")
    assert signing_key(settings) == b"dedicated"


def test_recompute_hash_is_the_posters_chain_hash_of_the_rows():
    posting = Posting(
        "no1-primary", dt.date(2026, 10, 28), "会费 Dues",
        (Line("1001", 5000, 0, None), Line("4101", 0, 5000, None)), uuid.UUID(int=7),
    )
    row = types.SimpleNamespace(
        organization_id="no1-primary", effective_date=dt.date(2026, 10, 28), description="会费 Dues",
        reverses_posting_id=uuid.UUID(int=7), previous_hash=GENESIS_HASH, sequence=1, source_event_id="evt-1",
    )
    lines = [types.SimpleNamespace(account_code=l.account_code, debit_fen=l.debit_fen, credit_fen=l.credit_fen,
                                   counterparty_id=l.counterparty_id) for l in posting.lines]
    assert recompute_hash(row, lines) == chain_hash(GENESIS_HASH, 1, posting, "evt-1")
    lines[0].debit_fen = 5001
    assert recompute_hash(row, lines) != chain_hash(GENESIS_HASH, 1, posting, "evt-1")


def test_reports_read_as_sentences():
    intact = ChainReport("no1-primary", 3, 3, "ff" * 32)
    broken = ChainReport("no1-primary", 1, 1, "ff" * 32, 2, Break.GAP, "sequence 2 is missing; the next entry is 3")
    assert intact.ok and str(intact) == f"ledger no1-primary: chain intact, 3 entries, head sequence 3 hash {'ff' * 32}"
    assert not broken.ok
    assert str(broken) == (
        "ledger no1-primary: chain BROKEN at sequence 2: gap in sequence: sequence 2 is missing; the next entry is 3"
    )
