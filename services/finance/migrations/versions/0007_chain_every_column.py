"""chain every column: each entry's hash covers every stored column of it and its lines

Revision ID: 0007_chain_every_column
Revises: 0006_goods_apart

A one-time upgrade of the hash-chain scheme. The first scheme hashed only some columns of an
entry (organization, sequence, date, description, lines, reversal, source event), so a changed
``total_fen``, actor, trace or journal reference went unnoticed. The new scheme (v2,
:mod:`unionfed_finance.domain.chain`) hashes every column with RFC 8785, and stores per-field
digests next to the hash so verify-chain can name the column that changed.

Existing ledgers are first verified under the old scheme (its hash function is frozen in this
file): a ledger whose old chain is already broken stops the upgrade, since re-chaining it would
bless the tampering. Then every ledger is re-chained in sequence order under v2 and its head
moved to the new last hash. ``recorded_at`` keeps each entry's stored value and loses its
server default: the poster now sets it to the journal entry's time. Heads signed off before
this upgrade name old-scheme hashes and must be exported again.
"""

import hashlib
import json
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from unionfed_finance.domain.chain import entry_hash, field_digests

revision: str = "0007_chain_every_column"
down_revision: str | tuple[str, ...] | None = "0006_goods_apart"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS_HASH = "0" * 64


def v1_hash(entry, lines) -> str:
    """The first scheme's hash, frozen here as it was written (domain.ledger.chain_hash)."""
    canonical = json.dumps(
        {
            "org": entry.organization_id,
            "seq": entry.sequence,
            "date": entry.effective_date.isoformat(),
            "description": entry.description,
            "lines": [[l.account_code, l.debit_fen, l.credit_fen, l.counterparty_id] for l in lines],
            "reverses": str(entry.reverses_posting_id) if entry.reverses_posting_id else None,
            "source": entry.source_event_id,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(f"{entry.previous_hash}:{canonical}".encode()).hexdigest()


def _ledgers(connection) -> list[tuple[str, int, str]]:
    return list(connection.execute(sa.text("SELECT organization_id, last_sequence, last_hash FROM ledgers ORDER BY 1")))


def _entries(connection, organization_id: str):
    rows = connection.execute(
        sa.text("SELECT * FROM postings WHERE organization_id = :o ORDER BY sequence"), {"o": organization_id}
    ).all()
    lines: dict = {row.id: [] for row in rows}
    for line in connection.execute(
        sa.text(
            "SELECT l.* FROM posting_lines l JOIN postings p ON p.id = l.posting_id "
            "WHERE p.organization_id = :o ORDER BY l.posting_id, l.line_no"
        ),
        {"o": organization_id},
    ):
        lines[line.posting_id].append(line)
    return rows, lines


def _verify(
    connection, organization_id: str, last_sequence: int, last_hash: str, hash_of: Callable, scheme: str
) -> None:
    rows, lines = _entries(connection, organization_id)
    prior = GENESIS_HASH
    for expected, row in enumerate(rows, start=1):
        if row.sequence != expected or row.previous_hash != prior or hash_of(row, lines[row.id]) != row.hash:
            raise RuntimeError(
                f"ledger {organization_id} is broken at sequence {expected} under the {scheme} chain scheme; "
                f"re-chaining it would hide that. Investigate (unionfed finance verify-chain on the previous "
                f"release) before upgrading."
            )
        prior = row.hash
    if (last_sequence, last_hash) != (len(rows), prior):
        raise RuntimeError(f"ledger {organization_id}'s head does not match its entries under the {scheme} scheme")


def _rechain(connection, organization_id: str, hash_of: Callable, with_digests: bool) -> None:
    rows, lines = _entries(connection, organization_id)
    prior, updates = GENESIS_HASH, []
    for row in rows:
        entry = {**row._mapping, "previous_hash": prior}
        digest = hash_of(entry, lines[row.id])
        update = {"id": row.id, "previous_hash": prior, "hash": digest}
        if with_digests:
            update["digests"] = json.dumps(field_digests(entry, lines[row.id]))
        updates.append(update)
        prior = digest
    digests = ", field_digests = CAST(:digests AS jsonb)" if with_digests else ""
    if updates:
        connection.execute(
            sa.text(f"UPDATE postings SET previous_hash = :previous_hash, hash = :hash{digests} WHERE id = :id"),
            updates,
        )
    connection.execute(
        sa.text("UPDATE ledgers SET last_hash = :h WHERE organization_id = :o"), {"h": prior, "o": organization_id}
    )


def _verify_all(scheme: str, hash_of: Callable) -> list:
    connection = op.get_bind()
    ledgers = _ledgers(connection)
    for organization_id, last_sequence, last_hash in ledgers:
        _verify(connection, organization_id, last_sequence, last_hash, hash_of, scheme)
    return ledgers


def _rechain_all(ledgers: list, hash_of: Callable, with_digests: bool) -> None:
    # Entries are immutable to everyone else; the scheme upgrade is the one rewrite, as the owner.
    op.execute("ALTER TABLE postings DISABLE TRIGGER postings_immutable")
    for organization_id, _sequence, _hash in ledgers:
        _rechain(op.get_bind(), organization_id, hash_of, with_digests)
    op.execute("ALTER TABLE postings ENABLE TRIGGER postings_immutable")


class _Attrs:
    """A mapping read as attributes, for the frozen v1 function written against rows."""

    def __init__(self, mapping):
        self.__dict__.update(mapping)


def upgrade() -> None:
    op.add_column("postings", sa.Column("field_digests", postgresql.JSONB()))
    op.alter_column("postings", "recorded_at", server_default=None)
    ledgers = _verify_all("old", v1_hash)
    _rechain_all(ledgers, entry_hash, with_digests=True)
    op.alter_column("postings", "field_digests", nullable=False)


def downgrade() -> None:
    ledgers = _verify_all("v2", entry_hash)
    op.drop_column("postings", "field_digests")
    _rechain_all(ledgers, lambda entry, lines: v1_hash(_Attrs(entry), lines), with_digests=False)
    op.alter_column("postings", "recorded_at", server_default=sa.text("now()"))
