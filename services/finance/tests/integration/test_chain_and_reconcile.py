"""Tampering with the books is found: the hash chain names the entry, reconcile names the check.

Postings are made the way production makes them (journal entries through finance's consumer),
then rewritten behind the ledger's back as only a database superuser can: with
``session_replication_role = replica`` the immutability triggers do not fire.
"""

import asyncio
import datetime as dt
import itertools
import json
import os
import types
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.factories import dues as dues_event
from tests.factories import school_events
from tests.finance_tools import apply_journal, signing_key_file
from tests.kafka_tools import envelope_for
from tests.pytest_infra import REPO, service_env, unique
from unionfed_finance.adapters.chain import Break, recompute_hash, verify_chain
from unionfed_finance.adapters.reconciliation import reconcile
from unionfed_finance.adapters.signed_head import (
    export_head,
    key_id,
    load_signing_key,
    public_key_pem,
    verify_against_head,
)
from unionfed_finance.adapters.tables import ledgers, posting_lines, postings
from unionfed_finance.domain.chain import field_digests
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.finance import JournalEntryV1, LineSpec, Post, PostingSpec
from unionfed_shared.contracts.topics import FINANCE_JOURNAL
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration

_offsets = itertools.count(1)
DAY = dt.date(2026, 10, 28)


def spec(org: str, description: str, *lines: LineSpec) -> PostingSpec:
    return PostingSpec(organization_id=org, effective_date=DAY, description=description, lines=list(lines))


async def journal(finance, federation: str, requested_by: str, *specs: PostingSpec):
    entry = JournalEntryV1(
        organization_id=federation,
        federation_id=federation,
        requested_by=requested_by,
        instruction=Post(postings=list(specs)),
    )
    envelope = envelope_for(entry)
    message = IncomingMessage(
        topic=FINANCE_JOURNAL,
        partition=0,
        offset=next(_offsets),
        key=envelope.key,
        value=envelope.data,
        headers=tuple((k, v.encode()) for k, v in envelope.headers().items()),
    )
    assert await finance.consumer.handle(message) is Outcome.PROCESSED
    return envelope


def dues(school: str, fen: int) -> PostingSpec:
    return spec(school, "会费 Dues", LineSpec(account="1001", debit_fen=fen), LineSpec(account="4101", credit_fen=fen))


async def seed(finance):
    """A federation and a school: five entries in the school's ledger, two in the federation's.

    school: 1 dues 5000 · 2 dues 3000 · 3 remittance 1200 up · 4 allocation 800 down · 5 dues 2000
    federation: 1 remittance received · 2 allocation paid; then one refused spend (bank floor).
    """
    fed, school = unique("fed"), unique("school")
    await journal(finance, fed, school, dues(school, 5000))
    await journal(finance, fed, school, dues(school, 3000))
    await journal(
        finance,
        fed,
        school,
        spec(
            school,
            "上解 Remittance",
            LineSpec(account="5202", debit_fen=1200, counterparty_id=fed),
            LineSpec(account="1001", credit_fen=1200),
        ),
        spec(
            fed,
            "下级上缴 Remittance",
            LineSpec(account="1001", debit_fen=1200),
            LineSpec(account="4104", credit_fen=1200, counterparty_id=school),
        ),
    )
    await journal(
        finance,
        fed,
        fed,
        spec(
            fed,
            "补助下级 Allocation",
            LineSpec(account="5201", debit_fen=800, counterparty_id=school),
            LineSpec(account="1001", credit_fen=800),
        ),
        spec(
            school,
            "上级补助 Allocation",
            LineSpec(account="1001", debit_fen=800),
            LineSpec(account="4103", credit_fen=800, counterparty_id=fed),
        ),
    )
    await journal(finance, fed, school, dues(school, 2000))
    await journal(  # refused: the federation's bank holds 400 fen; a refusal is an outcome too
        finance,
        fed,
        fed,
        spec(
            fed,
            "设备 Equipment",
            LineSpec(account="5103", debit_fen=99_999),
            LineSpec(account="1001", credit_fen=99_999),
        ),
    )
    return fed, school


async def tamper(finance, sql: str, **params) -> None:
    """Rewrite ledger rows as a superuser can: triggers off for this transaction only.

    ``SET LOCAL`` rather than ``SET`` so the pooled connection does not go back to the pool
    with the immutability triggers still disabled.
    """
    async with finance.engine.begin() as conn:
        assert await conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(sql), params)


async def posting_id(finance, org: str, sequence: int) -> uuid.UUID:
    async with finance.session_factory() as session:
        return await session.scalar(
            select(postings.c.id).where(postings.c.organization_id == org, postings.c.sequence == sequence)
        )


async def journal_of(finance, posting: uuid.UUID) -> str:
    async with finance.session_factory() as session:
        return await session.scalar(
            text("SELECT journal_event_id FROM money_outcomes WHERE :p = ANY(posting_ids)"), {"p": posting}
        )


async def verify(finance, org: str):
    async with finance.session_factory() as session:
        return await verify_chain(session, org)


async def test_an_untouched_chain_verifies_and_the_triggers_refuse_rewrites(build_service):
    finance = await build_service(definition, start=False)
    fed, school = await seed(finance)

    async with finance.session_factory() as session:
        report = await verify_chain(session, school)
        # One snapshot for the whole walk, so concurrent appends cannot look like a broken head.
        assert await session.scalar(text("SHOW transaction_isolation")) == "repeatable read"
        head = await session.scalar(select(ledgers.c.last_hash).where(ledgers.c.organization_id == school))
    assert report.ok and report.entries_checked == 5 and report.last_sequence == 5
    assert report.last_hash == head
    assert (await verify(finance, fed)).entries_checked == 2
    # Without replica mode the ledger refuses the rewrite the other tests perform.
    with pytest.raises(DBAPIError, match="immutable"):
        async with finance.engine.begin() as conn:
            await conn.execute(text("UPDATE posting_lines SET debit_fen = 1 WHERE organization_id = :o"), {"o": school})


async def test_an_amount_changed_in_the_database_names_its_entry(build_service):
    finance = await build_service(definition, start=False)
    _fed, school = await seed(finance)
    second = await posting_id(finance, school, 2)

    await tamper(finance, "UPDATE posting_lines SET debit_fen = 30000 WHERE posting_id = :p AND line_no = 1", p=second)

    report = await verify(finance, school)
    assert (report.broken_sequence, report.problem) == (2, Break.HASH)
    assert report.entries_checked == 1
    assert "chain BROKEN at sequence 2: hash mismatch" in str(report)


async def test_a_deleted_entry_is_named_as_the_gap_it_leaves(build_service):
    finance = await build_service(definition, start=False)
    fed, school = await seed(finance)
    third = await posting_id(finance, school, 3)

    await tamper(finance, "DELETE FROM posting_lines WHERE posting_id = :p", p=third)
    await tamper(finance, "DELETE FROM postings WHERE id = :p", p=third)

    report = await verify(finance, school)
    assert (report.broken_sequence, report.problem) == (3, Break.GAP)
    assert "sequence 3 is missing; the next entry is 4" in str(report)
    async with finance.session_factory() as session:
        outcomes = next(c for c in (await reconcile(session)).checks if c.name.startswith("every consumed journal"))
    assert not outcomes.passed
    assert outcomes.offenders == [
        f"outcome {await journal_of(finance, third)} names posting {third}, which does not exist"
    ]
    # Only the lines gone, the entry still there: named as such.
    fed_second = await posting_id(finance, fed, 2)
    await tamper(finance, "DELETE FROM posting_lines WHERE posting_id = :p AND line_no = 2", p=fed_second)
    fed_report = await verify(finance, fed)
    assert (fed_report.broken_sequence, fed_report.problem) == (2, Break.LINES_MISSING)


async def test_swapped_entries_are_detected(build_service):
    finance = await build_service(definition, start=False)
    _fed, school = await seed(finance)
    second, fourth = await posting_id(finance, school, 2), await posting_id(finance, school, 4)

    # Through a free number, since (organization_id, sequence) stays unique in replica mode.
    await tamper(finance, "UPDATE postings SET sequence = -1 WHERE id = :p", p=second)
    await tamper(finance, "UPDATE postings SET sequence = 2 WHERE id = :p", p=fourth)
    await tamper(finance, "UPDATE postings SET sequence = 4 WHERE id = :p", p=second)

    report = await verify(finance, school)
    assert (report.broken_sequence, report.problem) == (2, Break.PREVIOUS_HASH)


async def rewrite_and_rehash(finance, org: str, from_sequence: int) -> None:
    """What an attacker with the database does: recompute every hash after the rewrite."""
    async with finance.session_factory() as session:
        rows = (
            await session.execute(
                select(postings).where(postings.c.organization_id == org).order_by(postings.c.sequence)
            )
        ).all()
        lines = {
            row.id: (
                await session.execute(
                    select(posting_lines).where(posting_lines.c.posting_id == row.id).order_by(posting_lines.c.line_no)
                )
            ).all()
            for row in rows
        }
    previous = rows[from_sequence - 2].hash
    for row in rows[from_sequence - 1 :]:
        entry = types.SimpleNamespace(**{**row._mapping, "previous_hash": previous})
        digest = recompute_hash(entry, lines[row.id])
        await tamper(
            finance,
            "UPDATE postings SET previous_hash = :prev, hash = :h, field_digests = CAST(:d AS jsonb) WHERE id = :p",
            prev=previous,
            h=digest,
            d=json.dumps(field_digests(entry, lines[row.id])),
            p=row.id,
        )
        previous = digest
    await tamper(finance, "UPDATE ledgers SET last_hash = :h WHERE organization_id = :o", h=previous, o=org)


async def test_a_signed_off_head_catches_a_rewritten_and_rehashed_chain(build_service, tmp_path):
    finance = await build_service(definition, start=False, head_signing_key_file=signing_key_file(tmp_path))
    fed, school = await seed(finance)
    private = load_signing_key(finance.settings.head_signing_key_file)
    key = {key_id(private.public_key()): private.public_key()}
    async with finance.session_factory() as session:
        head = await export_head(session, school, "民主理财小组", private)
    assert (head["organization_id"], head["sequence"], head["signed_off_by"]) == (school, 5, "民主理财小组")
    assert dt.datetime.fromisoformat(head["signed_off_at"]).utcoffset() == dt.timedelta(0)

    await journal(finance, fed, school, dues(school, 700))  # the books go on after sign-off
    async with finance.session_factory() as session:
        assert (await verify_against_head(session, head, key)).ok

    second = await posting_id(finance, school, 2)
    await tamper(finance, "UPDATE posting_lines SET debit_fen = 300 WHERE posting_id = :p AND line_no = 1", p=second)
    await tamper(finance, "UPDATE posting_lines SET credit_fen = 300 WHERE posting_id = :p AND line_no = 2", p=second)
    await tamper(
        finance,
        "UPDATE accounts SET balance_fen = balance_fen - 2700 WHERE organization_id = :o AND code IN ('1001', '4101')",
        o=school,
    )
    await rewrite_and_rehash(finance, school, 2)

    assert (await verify(finance, school)).ok  # the chain alone cannot tell
    async with finance.session_factory() as session:
        check = await verify_against_head(session, head, key)
        forged = await verify_against_head(session, {**head, "hash": check.document["hash"][::-1]}, key)
    assert not check.ok
    assert "entry 5 now has hash" in check.problem and "rewritten after sign-off" in check.problem
    assert str(check).startswith(
        f"Entries, vouchers or audit records up to entry 5, voucher link 0 and audit record 0 of {school} "
        "(signed off by 民主理财小组 on "
    )
    assert "signature does not match" in forged.problem


async def test_reconcile_names_pending_amounts_and_outcomes_that_disagree(build_service):
    finance = await build_service(definition, start=False)
    _fed, school = await seed(finance)
    first = await posting_id(finance, school, 1)
    journal_event = await journal_of(finance, first)

    async with finance.engine.begin() as conn:  # neither table is an immutable ledger table
        await conn.execute(
            text("UPDATE accounts SET pending_fen = 500 WHERE organization_id = :o AND code = '1001'"), {"o": school}
        )
        await conn.execute(text("DELETE FROM money_outcomes WHERE journal_event_id = :j"), {"j": journal_event})

    async with finance.session_factory() as session:
        report = await reconcile(session)
    assert report.failed == [
        "each account's pending equals its pending holds",
        "every consumed journal entry has exactly one outcome",
    ]
    checks = {check.name: check for check in report.checks}
    assert checks["each account's pending equals its pending holds"].offenders == [
        f"{school} 1001: pending 500 fen, pending holds 0 fen"
    ]
    assert checks["every consumed journal entry has exactly one outcome"].offenders == [
        f"journal entry {journal_event} was applied but has no outcome",
        f"{school} #1 (journal {journal_event}) is in no posted outcome",
    ]


async def run_cli(infra, database: str, *args: str, **settings: str) -> tuple[int, str]:
    env = {**os.environ, **service_env(infra, "finance", database, **settings)}
    process = await asyncio.create_subprocess_exec(
        str(REPO / ".venv" / "bin" / "unionfed"),
        "finance",
        *args,
        env=env,
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, output.decode()


async def test_reconcile_passes_on_clean_books_and_names_what_a_deleted_leg_breaks(build_service, infra):
    database = f"t_finance_{uuid.uuid4().hex[:8]}"
    finance = await build_service(definition, start=False, database=database)
    fed, school = await seed(finance)

    async with finance.session_factory() as session:
        clean = await reconcile(session)
    assert clean.ok, str(clean)
    assert len(clean.checks) == 11 and str(clean).endswith("reconcile: all checks pass")
    code, output = await run_cli(infra, database, "reconcile")
    assert code == 0, output
    assert "PASS  every inter-organization posting has its mirror" in output

    remittance = await posting_id(finance, school, 3)  # the school's 5202 leg naming the federation
    await tamper(finance, "DELETE FROM posting_lines WHERE posting_id = :p AND line_no = 1", p=remittance)

    async with finance.session_factory() as session:
        broken = await reconcile(session)
    assert broken.failed == [
        "debits equal credits per posting",
        "debits equal credits per ledger",
        "each account's balance equals the sum of its lines",
        "every posting has two or more lines and total_fen equals its debits",
        "every inter-organization posting has its mirror",
        "consolidated balances equal the sum of the subtree, inter-organization lines eliminated",
        "every ledger's hash chain verifies from sequence 1",
    ]
    rendered = str(broken)
    assert f"{school} #3: debits 0 fen, credits 1200 fen" in rendered
    assert f"{school} 5202: balance 1200 fen, lines sum to 0 fen" in rendered
    assert f"{fed} 4104 with {school}: 1200 fen, but {school} 5202 with {fed}: 0 fen" in rendered
    assert f"sequence 3 of {school}: lines missing" in rendered
    code, output = await run_cli(infra, database, "reconcile")
    assert code == 1, output
    assert "FAIL  debits equal credits per posting" in output and "7 of 11 checks FAIL" in output


async def test_the_cli_exports_a_head_and_verifies_the_chain_against_it(build_service, infra, tmp_path):
    database = f"t_finance_{uuid.uuid4().hex[:8]}"
    key_file = signing_key_file(tmp_path)
    finance = await build_service(definition, start=False, database=database, head_signing_key_file=key_file)
    _fed, school = await seed(finance)
    head_file, public_file = tmp_path / "head.json", tmp_path / "head-public-key.pem"

    code, output = await run_cli(
        infra,
        database,
        "export-head",
        "--org",
        school,
        "--auditor",
        "Wang Fang",
        "--out",
        str(head_file),
        head_signing_key_file=key_file,
    )
    assert code == 0, output
    head = json.loads(head_file.read_text())
    assert head["sequence"] == 5 and head["signature"]["algorithm"] == "Ed25519"
    code, output = await run_cli(
        infra, database, "public-key", "--out", str(public_file), head_signing_key_file=key_file
    )
    assert code == 0, output
    assert public_file.read_text() == public_key_pem(load_signing_key(key_file).public_key())
    assert f"key id {head['key_id']}" in output

    code, output = await run_cli(
        infra, database, "verify-chain", "--org", school, "--against", str(head_file), head_signing_key_file=key_file
    )
    assert code == 0, output
    assert "chain intact, 5 entries" in output
    assert f"Nothing recorded up to entry 5 of {school} (signed off by Wang Fang on " in output
    assert "has changed since it was signed, nor any voucher up to link 0 or audit record up to 0." in output
    # An auditor trusts their own copy of the public key, not the service's configuration.
    code, output = await run_cli(
        infra, database, "verify-chain", "--org", school, "--against", str(head_file), "--trusted-key", str(public_file)
    )
    assert code == 0 and "Nothing recorded up to entry 5" in output, output
    stranger = tmp_path / "stranger.pem"
    stranger.write_text(public_key_pem(Ed25519PrivateKey.generate().public_key()))
    code, output = await run_cli(
        infra, database, "verify-chain", "--org", school, "--against", str(head_file), "--trusted-key", str(stranger)
    )
    assert code == 1 and "cannot be trusted" in output and "not among the trusted public keys" in output, output

    fourth = await posting_id(finance, school, 4)
    await tamper(finance, "UPDATE posting_lines SET debit_fen = 80000 WHERE posting_id = :p AND line_no = 1", p=fourth)
    code, output = await run_cli(
        infra, database, "verify-chain", "--org", school, "--against", str(head_file), head_signing_key_file=key_file
    )
    assert code == 1, output
    assert "chain BROKEN at sequence 4: hash mismatch" in output
    assert f"entry {fourth} (sequence 4): posting_lines.debit_fen of line 1 differs from what was chained" in output
    assert f"up to entry 5, voucher link 0 and audit record 0 of {school} (signed off by Wang Fang on " in output
    assert "HAVE CHANGED" in output
    code, output = await run_cli(
        infra, database, "export-head", "--org", school, "--auditor", "Wang Fang", head_signing_key_file=key_file
    )
    assert code == 1 and "refusing to sign off a broken chain" in output


async def test_a_forged_total_is_named_by_the_verify_chain_command(build_service, infra):
    """Issue 13: total_fen raised by 100 yuan behind the ledger's back used to leave the chain "intact"."""
    database = f"t_finance_{uuid.uuid4().hex[:8]}"
    finance = await build_service(definition, start=False, database=database)
    _fed, school = await seed(finance)
    second = await posting_id(finance, school, 2)

    await tamper(finance, "UPDATE postings SET total_fen = total_fen + 10000 WHERE id = :p", p=second)

    code, output = await run_cli(infra, database, "verify-chain", "--org", school)
    assert code == 1, output
    assert (
        f"chain BROKEN at sequence 2: hash mismatch: entry {second} (sequence 2): "
        f"postings.total_fen differs from what was chained" in output
    )


async def test_an_entry_is_recorded_at_its_journal_entrys_time(build_service):
    """Not the clock: replaying the journal records, and so hashes, the same time."""
    finance = await build_service(definition, start=False)
    fed, school = unique("fed"), unique("school")
    envelope = await journal(finance, fed, school, dues(school, 5000))
    async with finance.session_factory() as session:
        recorded_at = await session.scalar(select(postings.c.recorded_at).where(postings.c.organization_id == school))
    assert recorded_at == envelope.time


# How to change a value of each SQL type, whatever it holds now (NULL included). A column of a
# type missing here fails the test below: it has to be taught, and the chain has to cover it.
TAMPERED_VALUE = {
    "text": "COALESCE({c} || 'x', 'x')",
    "bigint": "COALESCE({c} + 1000, 1000)",  # + 1000: a sequence or line number no other row has
    "integer": "COALESCE({c} + 1000, 1000)",
    "date": "{c} + 1",
    "timestamp with time zone": "{c} + interval '1 second'",
    "uuid": "gen_random_uuid()",
    "jsonb": "{c} || '{{\"tampered\": true}}'::jsonb",
}


async def columns_of(finance, table: str) -> list[tuple[str, str]]:
    async with finance.session_factory() as session:
        rows = await session.execute(
            text(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position"
            ),
            {"t": table},
        )
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("table", ["postings", "posting_lines"])
async def test_every_column_changed_behind_the_ledgers_back_is_named(build_service, table):
    """Each stored column, read from the database itself, is covered by the chain and named when changed."""
    finance = await build_service(definition, start=False)
    _fed, school = await seed(finance)
    third = await posting_id(finance, school, 3)  # the school's remittance: a counterparty on line 1
    columns = await columns_of(finance, table)
    assert len(columns) >= (7 if table == "posting_lines" else 20)
    where = "id = :p" if table == "postings" else "posting_id = :p"
    for column, data_type in columns:
        assert data_type in TAMPERED_VALUE, f"{table}.{column} is {data_type}: teach this test to change it"
        async with finance.engine.connect() as conn:
            # The row where the column holds something, so that changing it is possible under the CHECKs.
            ctid, original = (
                await conn.execute(
                    text(
                        f"SELECT ctid::text, {column}::text FROM {table} WHERE {where} "
                        f"ORDER BY ({column} IS NULL OR {column}::text = '0') LIMIT 1"
                    ),
                    {"p": third},
                )
            ).one()
        async with finance.engine.begin() as conn:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            ctid = await conn.scalar(
                text(
                    f"UPDATE {table} SET {column} = {TAMPERED_VALUE[data_type].format(c=column)} "
                    f"WHERE ctid = CAST(CAST(:t AS text) AS tid) RETURNING ctid::text"
                ),
                {"t": ctid},
            )

        report = await verify(finance, school)
        assert not report.ok, f"{table}.{column} changed, yet: {report}"
        assert report.broken_sequence == 3, str(report)
        assert f"{table}.{column}" in str(report), f"{table}.{column} changed, but the report says: {report}"

        async with finance.engine.begin() as conn:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(
                text(
                    f"UPDATE {table} SET {column} = CAST(CAST(:v AS text) AS {data_type}) "
                    f"WHERE ctid = CAST(CAST(:t AS text) AS tid)"
                ),
                {"v": original, "t": ctid},
            )
        restored = await verify(finance, school)
        assert restored.ok and restored.entries_checked == 5, f"after restoring {table}.{column}: {restored}"


async def test_reconcile_names_a_money_event_that_never_reached_the_journal(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    payments = [
        envelope_for(dues_event(federation, school, member_id, 21_50, period=p)) for p in ("2026-09", "2026-10")
    ]
    for envelope in [*map(envelope_for, setup), *payments]:
        message = IncomingMessage(
            topics.MEMBERSHIP,
            0,
            next(_offsets),
            envelope.key,
            envelope.data,
            tuple((k, v.encode()) for k, v in envelope.headers().items()),
        )
        assert await finance.consumer.handle(message) is Outcome.PROCESSED
    async with finance.engine.begin() as conn:  # as if the intake had consumed the payment and journaled nothing
        await conn.execute(
            text("DELETE FROM outbox WHERE convert_from(payload, 'UTF8')::jsonb -> 'source' ->> 'event_id' = :id"),
            {"id": payments[1].id},
        )
    await apply_journal(finance)

    async with finance.session_factory() as session:
        report = await reconcile(session)

    assert report.failed == ["every consumed money event reached the journal"]
    [offender] = {c.name: c for c in report.checks}["every consumed money event reached the journal"].offenders
    assert offender == f"unionfed.membership.dues_collected.v1 {payments[1].id} was consumed but never journaled"


# What verify-chain cannot check of a ledger's other rows, and why; every other column it names.
NOT_IMPLIED_BY_THE_CHAIN = {
    "accounts": {"pending_fen": "follows the holds, which are not chained; reconcile checks it"},
    "ledgers": {"federation_id": "no entry records it", "opened_at": "no entry records it"},
}


@pytest.mark.parametrize("table, row", [("accounts", "code = '1001'"), ("ledgers", "true")])
async def test_every_column_of_the_accounts_and_the_head_is_checked_against_the_chain(build_service, table, row):
    """Balances are the chained lines' sums, names, type and floor the chart's, the head the last entry."""
    finance = await build_service(definition, start=False)
    _fed, school = await seed(finance)
    columns = await columns_of(finance, table)
    for column, data_type in columns:
        if column in NOT_IMPLIED_BY_THE_CHAIN[table]:
            continue
        assert data_type in TAMPERED_VALUE, f"{table}.{column} is {data_type}: teach this test to change it"
        async with finance.engine.connect() as conn:
            ctid, original = (
                await conn.execute(
                    text(f"SELECT ctid::text, {column}::text FROM {table} WHERE organization_id = :o AND {row}"),
                    {"o": school},
                )
            ).one()
        async with finance.engine.begin() as conn:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            ctid = await conn.scalar(
                text(
                    f"UPDATE {table} SET {column} = {TAMPERED_VALUE[data_type].format(c=column)} "
                    f"WHERE ctid = CAST(CAST(:t AS text) AS tid) RETURNING ctid::text"
                ),
                {"t": ctid},
            )

        report = await verify(finance, school)
        assert not report.ok, f"{table}.{column} changed, yet: {report}"
        assert f"{table}.{column}" in str(report), f"{table}.{column} changed, but the report says: {report}"

        async with finance.engine.begin() as conn:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(
                text(
                    f"UPDATE {table} SET {column} = CAST(CAST(:v AS text) AS {data_type}) "
                    f"WHERE ctid = CAST(CAST(:t AS text) AS tid)"
                ),
                {"v": original, "t": ctid},
            )
        restored = await verify(finance, school)
        assert restored.ok and restored.entries_checked == 5, f"after restoring {table}.{column}: {restored}"


# The auditor's recipe in the README: the canonical document built by PostgreSQL itself, then
# canonicalized by jq (or rfc8785 in Python) and hashed, with no unionfed code involved.
ENTRY_DOCUMENT_SQL = """
SELECT json_build_object(
  'v', 2,
  'entry', (SELECT to_jsonb(p) - 'hash' - 'field_digests' || jsonb_build_object('recorded_at',
              to_char(p.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
            FROM postings p WHERE p.organization_id = :'org' AND p.sequence = :seq),
  'lines', (SELECT coalesce(json_agg(l ORDER BY l.line_no), '[]') FROM posting_lines l
            JOIN postings p ON p.id = l.posting_id WHERE p.organization_id = :'org' AND p.sequence = :seq))
"""
PYTHON_RECIPE = """
import hashlib, json, sys
import rfc8785
document = json.load(sys.stdin)
print(hashlib.sha256(rfc8785.dumps(document)).hexdigest())
"""


async def test_the_auditors_recipe_recomputes_every_stored_hash_without_unionfed_code(build_service, infra, tmp_path):
    database = f"t_finance_{uuid.uuid4().hex[:8]}"
    finance = await build_service(definition, start=False, database=database)
    fed, school = await seed(finance)
    (tmp_path / "entry.sql").write_text(ENTRY_DOCUMENT_SQL)
    (tmp_path / "recipe.py").write_text(PYTHON_RECIPE)
    dsn = infra.pg_dsn(database).replace("postgresql+asyncpg://", "postgresql://")
    for org, entries in ((school, 5), (fed, 2)):
        async with finance.session_factory() as session:
            stored = (
                await session.execute(
                    select(postings.c.sequence, postings.c.hash)
                    .where(postings.c.organization_id == org)
                    .order_by(postings.c.sequence)
                )
            ).all()
        assert len(stored) == entries
        for sequence, expected in stored:
            document = f"psql '{dsn}' -At -v org={org} -v seq={sequence} -f entry.sql"
            for recipe in (f"{document} | jq -jcS . | sha256sum", f"{document} | {REPO}/.venv/bin/python recipe.py"):
                process = await asyncio.create_subprocess_shell(
                    recipe, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
                )
                out, err = await process.communicate()
                assert process.returncode == 0, err.decode()
                assert out.decode().split()[0] == expected, (recipe, err.decode())
