"""The record chains' rules: the canonical document and its hash, linking, naming a changed field."""

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

import pytest
import rfc8785

from unionfed_shared.record_chain.rules import (
    GENESIS_HASH,
    Current,
    changed_fields,
    compare_records,
    json_value,
    link_document,
    link_record,
    unchained_fields,
    verify_links,
)

AT = dt.datetime(2026, 11, 30, 8, 15, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8)))
REPORT = uuid.UUID("6f0a4f0e-5c3e-4d7e-9a51-1c0f2b8e7a10")


def _fields(**changes) -> dict:
    fields = {
        "statistics_reports.id": REPORT,
        "statistics_reports.state": "submitted",
        "statistics_reports.figures": {"members": 120, "women": 61, "ratio": 0.5},
        "statistics_reports.manual": {"activities": {"value": 3, "note": "含“职工书屋”"}},
        "statistics_reports.period_end": dt.date(2026, 10, 31),
        "statistics_reports.submitted_at": AT,
        "statistics_reports.return_reason": None,
    }
    return {**fields, **changes}


def _chain(*field_sets: dict, organization_id: str = "union-a") -> list[dict]:
    """Links as ``record_links`` rows hold them (fields as JSON, digests beside the hash)."""
    links, prior = [], GENESIS_HASH
    for sequence, fields in enumerate(field_sets, start=1):
        link = {
            "organization_id": organization_id,
            "sequence": sequence,
            "record_kind": "statistics_report",
            "record_id": str(REPORT),
            "action": fields["statistics_reports.state"],
            "previous_hash": prior,
            "recorded_at": AT + dt.timedelta(minutes=sequence),
        }
        digest, document_fields, digests = link_record(link, fields)
        links.append({**link, "fields": document_fields, "field_digests": digests, "hash": digest})
        prior = digest
    return links


def test_values_are_written_as_the_finance_chain_writes_them():
    assert json_value(REPORT) == "6f0a4f0e-5c3e-4d7e-9a51-1c0f2b8e7a10"
    assert json_value(AT) == "2026-11-30T00:15:00.123456Z"  # in UTC, microseconds
    assert json_value(dt.date(2026, 10, 31)) == "2026-10-31"
    assert json_value({"a": [AT.date(), None, 3]}) == {"a": ["2026-11-30", None, 3]}
    assert (json_value(Decimal("12")), json_value(Decimal("0.5")), json_value(b"\x00\xff")) == (12, "0.5", "AP8=")
    with pytest.raises(ValueError, match="timezone-aware"):
        json_value(dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="RFC 8785"):
        json_value(2**53)


def test_the_hash_is_sha256_of_rfc8785_of_the_documented_layout():
    link = _chain(_fields())[0]
    document = link_document(link, link["fields"])
    assert set(document) == {"v", "link", "fields"} and document["v"] == 1
    assert document["link"]["previous_hash"] == GENESIS_HASH
    assert link["hash"] == hashlib.sha256(rfc8785.dumps(document)).hexdigest()
    # The stored JSON (what JSONB gives back) hashes the same as the values it was made from.
    assert link_record(link, link["fields"])[0] == link["hash"]


def test_an_untouched_chain_verifies_and_names_each_records_last_link():
    links = _chain(_fields(), _fields(**{"statistics_reports.state": "accepted"}))
    findings, latest = verify_links(links)
    assert findings == []
    assert latest[("statistics_report", str(REPORT))]["sequence"] == 2


def test_a_changed_field_in_a_link_is_named():
    links = _chain(_fields(), _fields(**{"statistics_reports.state": "accepted"}))
    links[0]["fields"]["statistics_reports.figures"]["members"] = 121
    findings, _ = verify_links(links)
    assert findings == [
        f"link union-a#1 (statistics_report {REPORT}): the chained link was altered: statistics_reports.figures"
    ]


def test_a_rewritten_link_breaks_the_next_one():
    links = _chain(_fields(), _fields(**{"statistics_reports.state": "accepted"}))
    fields = {**links[0]["fields"], "statistics_reports.state": "returned"}
    digest, document_fields, digests = link_record(links[0], fields)  # re-hashed by whoever rewrote it
    links[0] = {**links[0], "fields": document_fields, "field_digests": digests, "hash": digest}
    findings, _ = verify_links(links)
    assert findings == [
        f"link union-a#2 (statistics_report {REPORT}): record_links.previous_hash does not chain the link before it"
    ]


def test_a_deleted_link_is_named_as_missing():
    links = _chain(_fields(), _fields(), _fields())
    findings, _ = verify_links([links[0], links[2]])
    assert findings == ["link union-a#2 is missing; the next is 3"]


def test_a_record_is_compared_field_by_field_with_its_last_link():
    links = _chain(_fields())
    _, latest = verify_links(links)
    now = _fields(**{"statistics_reports.figures": {"members": 12, "women": 61, "ratio": 0.5}})
    assert changed_fields(links[0]["fields"], _fields()) == []
    assert changed_fields(links[0]["fields"], now) == ["statistics_reports.figures"]
    current = {str(REPORT): Current("union-a", "union-a monthly 2026-10 v1", now)}
    assert compare_records(
        "statistics_report", "统计报表 statistics report", "statistics_reports", current, latest
    ) == [
        "统计报表 statistics report union-a monthly 2026-10 v1: statistics_reports.figures differs from what was "
        "chained (submitted, link union-a#1)"
    ]


def test_only_the_fields_a_state_fixes_are_compared():
    """A returned report is edited again: only the fields the return fixed are compared."""
    links = _chain(_fields(**{"statistics_reports.state": "returned", "statistics_reports.return_reason": "有误"}))
    _, latest = verify_links(links)
    edited = {"statistics_reports.state": "returned", "statistics_reports.return_reason": "有误"}
    assert changed_fields(links[0]["fields"], edited) == []
    assert changed_fields(links[0]["fields"], {**edited, "statistics_reports.return_reason": "无误"}) == [
        "statistics_reports.return_reason"
    ]


def test_a_record_never_chained_and_a_chained_record_gone_are_named():
    _, latest = verify_links(_chain(_fields()))
    other = str(uuid.uuid4())
    findings = compare_records(
        "statistics_report", "统计报表", "statistics_reports", {other: Current("union-a", "v2", _fields())}, latest
    )
    assert findings[0] == "统计报表 v2: was never chained (a statistics_reports row written around the service)"
    assert findings[1].startswith(f"统计报表 {REPORT}: chained (submitted, link union-a#1) but its statistics_reports")


def test_a_column_added_after_the_link_is_named_as_not_chained_yet_not_as_changed():
    """A migration adds a column: the records chained before it hold no value for it to differ from."""
    links = _chain(_fields())
    _, latest = verify_links(links)
    now = _fields(**{"statistics_reports.staff_known": True})
    assert changed_fields(links[0]["fields"], now) == []
    assert unchained_fields(links[0]["fields"], now) == ["statistics_reports.staff_known"]
    current = {str(REPORT): Current("union-a", "v1", now)}
    assert compare_records("statistics_report", "统计报表", "statistics_reports", current, latest) == [
        "统计报表 v1: statistics_reports.staff_known not chained yet (added after link union-a#1; run seal-records)"
    ]
