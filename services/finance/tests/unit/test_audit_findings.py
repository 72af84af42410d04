"""The audit committee's (经审) rules and use cases on the fake unit of work: who records, answers and
closes findings, their states, the hash chain over them, and a term's sign-off with its ledger head."""

import dataclasses
import datetime as dt
import uuid

import pytest

from services.finance.tests.unit.fake_unit_of_work import FakeFinanceUnitOfWork
from unionfed_finance.domain import audit_findings as rules
from unionfed_finance.service_layer import audit_findings
from unionfed_finance.service_layer.commands import (
    AnswerFinding,
    CloseFinding,
    RecordFinding,
    ReopenFinding,
    SignOffTerm,
)
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

PATHS = {
    "county": ["county"],
    "school1": ["county", "school1"],
    "school2": ["county", "school2"],
    "other": ["other"],
}
COUNTY_AUDITOR = Principal("county-auditor", Role.AUDITOR, "county", "county")
SCHOOL_AUDITOR = Principal("school1-auditor", Role.AUDITOR, "school1", "county")
SCHOOL2_AUDITOR = Principal("school2-auditor", Role.AUDITOR, "school2", "county")
TREASURER = Principal("school1-officer", Role.UNION_OFFICER, "school1", "county")
OTHER_TREASURER = Principal("school2-officer", Role.UNION_OFFICER, "school2", "county")
ADMIN = Principal("county-admin", Role.FEDERATION_ADMIN, "county", "county")
WELFARE = Principal("school1-welfare", Role.WELFARE_OFFICER, "school1", "county")
ENTRY = uuid.uuid4()


def _uow() -> FakeFinanceUnitOfWork:
    uow = FakeFinanceUnitOfWork(PATHS)
    uow.audit.ledgers.update({"county": "county", "school1": "county", "school2": "county"})
    uow.audit.postings[ENTRY] = ("school1", dt.date(2026, 3, 5))
    uow.audit.heads["school1"] = (12, "ab" * 32)
    uow.audit.voucher_heads["school1"] = (4, "cd" * 32)
    return uow


def _on_entry(**extra) -> RecordFinding:
    return RecordFinding(
        **{"subject_kind": "entry", "posting_id": ENTRY, "severity": "major", "text": "票据缺少经办人签字", **extra}
    )


async def test_the_auditor_records_the_treasurer_answers_the_auditor_closes():
    uow = _uow()
    found = await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school1", _on_entry())
    assert (found.state, found.period_start, found.recorded_by) == ("open", dt.date(2026, 3, 5), "county-auditor")
    answered = await audit_findings.answer_finding(uow, TREASURER, found.id, AnswerFinding(answer="已补签"))
    assert (answered.state, answered.answer, answered.answered_by) == ("answered", "已补签", "school1-officer")
    closed = await audit_findings.close_finding(uow, COUNTY_AUDITOR, found.id, CloseFinding())
    assert closed.state == "closed" and closed.closed_by == "county-auditor"
    assert [r.kind for r in closed.history] == ["finding_recorded", "finding_answered", "finding_closed"]
    assert uow.committed
    assert (await audit_findings.verify_chain(uow, WELFARE, "school1")).ok


async def test_only_auditors_record_close_and_reopen_and_only_treasurers_answer():
    uow = _uow()
    for someone in (TREASURER, ADMIN, WELFARE):
        with pytest.raises(Forbidden):
            await audit_findings.record_finding(uow, someone, "school1", _on_entry())
    found = await audit_findings.record_finding(uow, SCHOOL_AUDITOR, "school1", _on_entry())
    for someone in (SCHOOL_AUDITOR, COUNTY_AUDITOR, WELFARE):
        with pytest.raises(Forbidden):
            await audit_findings.answer_finding(uow, someone, found.id, AnswerFinding(answer="x"))
    county_officer = Principal("county-officer", Role.UNION_OFFICER, "county", "county")
    with pytest.raises(Forbidden) as not_theirs:  # the county's officers keep the county's books, not the school's
        await audit_findings.answer_finding(uow, county_officer, found.id, AnswerFinding(answer="x"))
    assert not_theirs.value.code == "not_the_ledgers_treasurer"
    await audit_findings.answer_finding(uow, ADMIN, found.id, AnswerFinding(answer="县总工会代为答复"))
    for someone in (TREASURER, ADMIN):
        with pytest.raises(Forbidden):
            await audit_findings.close_finding(uow, someone, found.id, CloseFinding())
        with pytest.raises(Forbidden):
            await audit_findings.reopen_finding(uow, someone, found.id, ReopenFinding(reason="x"))


async def test_callers_outside_the_ledgers_tree_get_the_answer_for_a_missing_finding():
    uow = _uow()
    found = await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school1", _on_entry())
    with pytest.raises(NotFound) as sibling:
        await audit_findings.answer_finding(uow, OTHER_TREASURER, found.id, AnswerFinding(answer="x"))
    with pytest.raises(NotFound) as missing:
        await audit_findings.answer_finding(uow, TREASURER, uuid.uuid4(), AnswerFinding(answer="x"))
    assert sibling.value.code == missing.value.code == "audit_finding_not_found"
    with pytest.raises(NotFound):
        await audit_findings.record_finding(uow, SCHOOL2_AUDITOR, "school1", _on_entry())
    with pytest.raises(NotFound):
        await audit_findings.finding(uow, SCHOOL2_AUDITOR, found.id)
    assert await audit_findings.findings(uow, SCHOOL2_AUDITOR, "school2") == []


async def test_an_entry_of_another_ledger_is_not_found_in_this_one():
    uow = _uow()
    with pytest.raises(NotFound) as refused:
        await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school2", _on_entry())
    assert refused.value.code == "posting_not_found" and not uow.audit.rows


async def test_states_move_one_way_and_reopening_says_why():
    uow = _uow()
    found = await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school1", _on_entry())
    with pytest.raises(Conflict) as early:
        await audit_findings.close_finding(uow, COUNTY_AUDITOR, found.id, CloseFinding())
    assert early.value.code == "finding_not_answered"
    with pytest.raises(Conflict):
        await audit_findings.reopen_finding(uow, COUNTY_AUDITOR, found.id, ReopenFinding(reason="x"))
    await audit_findings.answer_finding(uow, TREASURER, found.id, AnswerFinding(answer="已补签"))
    with pytest.raises(Conflict) as twice:
        await audit_findings.answer_finding(uow, TREASURER, found.id, AnswerFinding(answer="再答"))
    assert twice.value.code == "finding_not_open"
    with pytest.raises(Invalid):
        await audit_findings.reopen_finding(uow, COUNTY_AUDITOR, found.id, ReopenFinding(reason="   "))
    reopened = await audit_findings.reopen_finding(
        uow, COUNTY_AUDITOR, found.id, ReopenFinding(reason="补签人不是经办人")
    )
    assert (reopened.state, reopened.reopen_reason) == ("open", "补签人不是经办人")
    again = await audit_findings.answer_finding(uow, TREASURER, found.id, AnswerFinding(answer="已由经办人签字"))
    assert again.answer == "已由经办人签字"


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (dict(subject_kind="entry"), "finding_entry_missing"),
        (dict(subject_kind="statement", period_start=dt.date(2026, 1, 1)), "finding_period_missing"),
        (dict(subject_kind="report", report_ref="x"), "finding_report_missing"),
        (dict(subject_kind="report", report_kind="disclosure"), "finding_report_missing"),
        (
            dict(subject_kind="statement", period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 6, 30)),
            "period_reversed",
        ),
    ],
)
async def test_a_finding_names_what_it_is_about(command, code):
    uow = _uow()
    with pytest.raises(Invalid) as refused:
        await audit_findings.record_finding(
            uow, COUNTY_AUDITOR, "school1", RecordFinding(severity="minor", text="x", **command)
        )
    assert refused.value.code == code and not uow.audit.rows


async def test_the_list_searches_by_state_ledger_period_and_severity():
    uow = _uow()
    on_entry = await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school1", _on_entry())
    statement = await audit_findings.record_finding(
        uow,
        COUNTY_AUDITOR,
        "school2",
        RecordFinding(
            subject_kind="statement",
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 12, 31),
            severity="serious",
            text="下半年收支表未披露",
        ),
    )
    report = await audit_findings.record_finding(
        uow,
        COUNTY_AUDITOR,
        "county",
        RecordFinding(
            subject_kind="report", report_kind="welfare-report", report_ref="2026", severity="minor", text="x"
        ),
    )
    await audit_findings.answer_finding(uow, TREASURER, on_entry.id, AnswerFinding(answer="已补签"))
    ids = lambda fs: {f.id for f in fs}  # noqa: E731
    assert ids(await audit_findings.findings(uow, COUNTY_AUDITOR, "county")) == {on_entry.id, statement.id, report.id}
    assert ids(await audit_findings.findings(uow, COUNTY_AUDITOR, "county", state="open")) == {statement.id, report.id}
    assert ids(await audit_findings.findings(uow, COUNTY_AUDITOR, "county", ledger="school2")) == {statement.id}
    assert ids(
        await audit_findings.findings(
            uow, COUNTY_AUDITOR, "county", period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 6, 30)
        )
    ) == {on_entry.id}
    assert ids(await audit_findings.findings(uow, COUNTY_AUDITOR, "county", severity="serious")) == {statement.id}
    # A treasurer sees its own ledger's findings, not its sibling's.
    assert ids(await audit_findings.findings(uow, TREASURER, "school1")) == {on_entry.id}
    with pytest.raises(NotFound):
        await audit_findings.findings(uow, TREASURER, "school1", ledger="school2")
    assert ids(await audit_findings.findings_on_entry(uow, WELFARE, ENTRY)) == {on_entry.id}


async def test_the_chain_finds_a_finding_rewritten_deleted_or_its_answer_changed():
    uow = _uow()
    found = await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school1", _on_entry())
    await audit_findings.answer_finding(uow, TREASURER, found.id, AnswerFinding(answer="已补签"))
    await audit_findings.close_finding(uow, COUNTY_AUDITOR, found.id, CloseFinding(note="同意"))
    rows = list(uow.audit.rows)
    uow.audit.rows[1] = dataclasses.replace(rows[1], text="早已补签")
    broken = await audit_findings.verify_chain(uow, COUNTY_AUDITOR, "school1")
    assert (broken.ok, broken.broken_sequence, broken.records_checked) == (False, 2, 1)
    assert "hash mismatch" in (broken.problem or "")
    uow.audit.rows = [rows[0], rows[2]]
    gap = await audit_findings.verify_chain(uow, COUNTY_AUDITOR, "school1")
    assert gap.broken_sequence == 2 and "missing" in (gap.problem or "")


def test_a_records_hash_covers_every_column():
    record = rules.chained(
        rules.AuditRecord(
            id=uuid.uuid4(),
            ledger_id="school1",
            federation_id="county",
            sequence=1,
            kind="finding_recorded",
            actor="a",
            actor_role="auditor",
            recorded_at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC),
            previous_hash=rules.GENESIS_HASH,
            severity="minor",
            text="x",
        )
    )
    for name in rules.RECORD_COLUMNS:
        if name in ("recorded_at",):
            changed = dataclasses.replace(record, recorded_at=dt.datetime(2026, 3, 6, tzinfo=dt.UTC))
        elif name == "sequence" or name == "head_sequence":
            changed = dataclasses.replace(record, **{name: 7})
        elif name in ("id", "finding_id", "posting_id"):
            changed = dataclasses.replace(record, **{name: uuid.uuid4()})
        elif name in ("period_start", "period_end"):
            changed = dataclasses.replace(record, **{name: dt.date(2026, 1, 1)})
        else:
            changed = dataclasses.replace(record, **{name: "changed"})
        assert rules.record_hash(changed) != record.hash, name


def test_a_sign_offs_voucher_head_is_hashed_as_version_2_and_older_records_stay_version_1():
    values = dict(
        id=uuid.uuid4(),
        ledger_id="school1",
        federation_id="county",
        sequence=3,
        kind="term_signed_off",
        actor="a",
        actor_role="auditor",
        recorded_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC),
        previous_hash="cd" * 32,
        term="2026-H1",
        text="x",
        head_sequence=12,
        head_hash="ab" * 32,
    )
    older = rules.chained(rules.AuditRecord(**values))
    assert rules.record_document(older)["v"] == 1 and "voucher_hash" not in rules.record_document(older)["record"]
    signed = rules.chained(rules.AuditRecord(**values, voucher_sequence=2, voucher_hash="ef" * 32))
    document = rules.record_document(signed)
    assert document["v"] == 2 and (document["record"]["voucher_sequence"], document["record"]["voucher_hash"]) == (
        2,
        "ef" * 32,
    )
    first = rules.chained(dataclasses.replace(signed, sequence=1, previous_hash=rules.GENESIS_HASH))
    assert rules.verify_records("school1", [first]).ok
    for name, value in (("voucher_sequence", 3), ("voucher_hash", "00" * 32)):
        assert rules.record_hash(dataclasses.replace(signed, **{name: value})) != signed.hash, name
    # Dropping the voucher head (back to version 1) or adding one to an older record changes the hash.
    assert rules.record_hash(dataclasses.replace(signed, voucher_sequence=None, voucher_hash=None)) != signed.hash
    assert rules.record_hash(dataclasses.replace(older, voucher_sequence=0, voucher_hash="ef" * 32)) != older.hash


@pytest.mark.parametrize(
    ("term", "start", "end"),
    [
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31)),
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ],
)
def test_terms(term, start, end):
    assert rules.term_dates(term) == (start, end)


def test_an_unknown_term_is_refused():
    with pytest.raises(Invalid) as refused:
        rules.term_dates("2026-H3")
    assert refused.value.code == "term_invalid"


async def test_a_sign_off_records_the_head_lists_open_findings_and_shows_a_change_below_it():
    uow = _uow()
    done = await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school1", _on_entry())
    await audit_findings.answer_finding(uow, TREASURER, done.id, AnswerFinding(answer="已补签"))
    await audit_findings.close_finding(uow, COUNTY_AUDITOR, done.id, CloseFinding())
    pending = await audit_findings.record_finding(uow, COUNTY_AUDITOR, "school1", _on_entry(severity="minor"))
    with pytest.raises(Forbidden):
        await audit_findings.sign_off_term(uow, TREASURER, "school1", SignOffTerm(term="2026-H1", opinion="x"))
    view = await audit_findings.sign_off_term(
        uow, COUNTY_AUDITOR, "school1", SignOffTerm(term="2026-H1", opinion="收支真实，票据基本齐全")
    )
    signed = view.sign_off
    assert (signed.head_sequence, signed.head_hash, signed.term_end) == (12, "ab" * 32, dt.date(2026, 6, 30))
    assert (signed.voucher_sequence, signed.voucher_hash) == (4, "cd" * 32)
    assert [f.id for f in view.open_findings] == [pending.id] and view.verified
    uow.audit.signed_vouchers_changed.add("school1")
    [replaced] = await audit_findings.sign_offs(uow, WELFARE, "school1")
    assert not replaced.verified and "voucher link 4 now has hash 0bad" in (replaced.problem or "")
    uow.audit.signed_vouchers_changed.clear()
    uow.audit.signed_heads_changed.add("school1")
    [later] = await audit_findings.sign_offs(uow, WELFARE, "school1")
    assert not later.verified and "not the signed" in (later.problem or "")
    assert (await audit_findings.sign_off(uow, ADMIN, signed.id)).sign_off.opinion == "收支真实，票据基本齐全"
    assert (await audit_findings.verify_chain(uow, COUNTY_AUDITOR, "school1")).records_checked == 5


async def test_a_broken_ledger_is_never_signed_off():
    uow = _uow()
    uow.audit.broken["school1"] = "ledger school1: chain BROKEN at sequence 3"
    with pytest.raises(Conflict) as refused:
        await audit_findings.sign_off_term(uow, COUNTY_AUDITOR, "school1", SignOffTerm(term="2026", opinion="x"))
    assert refused.value.code == "chain_broken" and not uow.audit.rows
