"""The rows that hold personal data, by the key they are under: what reencrypt-pii reads and moves.

Two tables hold personal data: ``members`` (the ID number and phone, encrypted, and two keyed
digests of the ID number) and ``safety_inspectors`` (a worker's phone). Each row's ciphertexts
and digests are under the key its ``pii_key_id`` names (0018_pii_key_ids). Nothing chained
holds personal data: membership's record chains cover statistics reports and 职工之家 reviews,
whose hashed rows have no ciphertext and no digest (see adapters/record_chains.py), so moving a
row to another key breaks no chain.
"""

from dataclasses import dataclass

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.pii import PersonalDataKeyRing
from unionfed_membership.adapters.safety_tables import safety_inspectors
from unionfed_membership.adapters.tables import members
from unionfed_membership.domain.personal_data import id_tail_of


@dataclass(frozen=True)
class _Encrypted:
    table: Table
    ciphertexts: tuple[str, ...]


_TABLES = (
    _Encrypted(members, ("id_number_ciphertext", "phone_ciphertext")),
    _Encrypted(safety_inspectors, ("phone_ciphertext",)),
)


class PersonalDataRows:
    def __init__(self, session: AsyncSession, keys: PersonalDataKeyRing):
        self._session = session
        self._keys = keys

    @property
    def current_key_id(self) -> str:
        return self._keys.current_id

    def holds(self, key_id: str) -> bool:
        return self._keys.has(key_id)

    async def count_by_key(self) -> dict[str, dict[str, int]]:
        """Table → key id → rows under it."""
        counts: dict[str, dict[str, int]] = {}
        for encrypted in _TABLES:
            key_id = encrypted.table.c.pii_key_id
            rows = await self._session.execute(select(key_id, func.count()).group_by(key_id))
            counts[encrypted.table.name] = {row[0]: row[1] for row in rows}
        return counts

    async def move_batch(self, table_name: str, limit: int) -> int:
        """Re-encrypt up to ``limit`` rows of the table not under the current key: decrypted under
        their own key, encrypted and digested under the current one. Rows another run holds are
        skipped (SKIP LOCKED), so two runs share the work. Raises PersonalDataKeyMissing, having
        changed nothing in this transaction, for a row under a key the ring lacks."""
        encrypted = next(e for e in _TABLES if e.table.name == table_name)
        table = encrypted.table
        columns = [table.c.id, table.c.pii_key_id, *(table.c[name] for name in encrypted.ciphertexts)]
        query = (
            select(*columns)
            .where(table.c.pii_key_id != self._keys.current_id)
            .order_by(table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._session.execute(query)).all()
        for row in rows:
            await self._session.execute(
                update(table).where(table.c.id == row.id).values(self._moved(encrypted, row._mapping))
            )
        return len(rows)

    def _moved(self, encrypted: _Encrypted, row) -> dict:
        values: dict[str, object] = {"pii_key_id": self._keys.current_id}
        for name in encrypted.ciphertexts:
            token = row[name]
            if token is None:
                continue
            plaintext = self._keys.decrypt(token, row["pii_key_id"])
            values[name] = self._keys.encrypt(plaintext)
            if encrypted.table is members and name == "id_number_ciphertext":
                values["id_number_digest"] = self._keys.id_number_digest(plaintext)
                values["id_number_tail_digest"] = self._keys.id_tail_digest(id_tail_of(plaintext))
        return values
