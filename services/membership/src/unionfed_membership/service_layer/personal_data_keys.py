"""Rotating the personal-data key: every row moved to the ring's current key, batch by batch.

The ring (MEMBERSHIP_PII_KEYS, MEMBERSHIP_PII_KEY_ID) decrypts rows under any of its keys, so a
rotation is: add the new key to the ring and make it current (every instance), run
``unionfed membership reencrypt-pii``, then remove the old key. The run:

- refuses first, changing nothing, when any row is under a key the ring does not hold (zh first);
- moves at most ``batch_size`` rows per transaction, each committed on its own, so a run stopped
  half-way (or killed) is resumed by running it again: what is left is what is not yet under the
  current key; two runs at once skip each other's locked rows;
- recomputes the ID number's digests under the new key with the ciphertexts, since lookups try
  every key of the ring, a row found by its old digest before the move is found by its new one after;
- does nothing on a second run (no row is under another key).

No hash chain covers personal data in this service: its record chains hash statistics reports
and 职工之家 reviews, which hold no ciphertext and no digest, so ``verify-chain`` answers the
same before and after a run. (No other service stores encrypted personal data.)
"""

from collections.abc import Callable
from dataclasses import dataclass

from unionfed_shared.errors import Conflict


@dataclass(frozen=True)
class Reencryption:
    current_key_id: str
    moved: dict[str, int]  # table → rows moved to the current key by this run
    by_key_before: dict[str, dict[str, int]]  # table → key id → rows, when the run began


async def reencrypt_personal_data(
    uow_factory, *, batch_size: int = 500, progress: Callable[[str, int, int], None] | None = None
) -> Reencryption:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    async with uow_factory() as uow:
        keys = uow.personal_data
        current = keys.current_key_id
        before = await keys.count_by_key()
        missing = sorted(
            {key for by_key in before.values() for key, rows in by_key.items() if rows and not keys.holds(key)}
        )
    if missing:
        named = ", ".join(missing)
        raise Conflict(
            "pii_key_missing",
            zh=f"有个人信息在密钥 {named} 之下，而密钥环（MEMBERSHIP_PII_KEYS）中没有该密钥：未作任何改动；请把该密钥加回密钥环后再运行",
            en=f"personal data is under key(s) {named}, which the key ring (MEMBERSHIP_PII_KEYS) lacks: "
            "nothing was changed; put the key back into the ring and run again",
        )
    moved: dict[str, int] = {}
    for table, by_key in before.items():
        to_move = sum(rows for key, rows in by_key.items() if key != current)
        done = 0
        while True:
            async with uow_factory() as uow:
                rows = await uow.personal_data.move_batch(table, batch_size)
                await uow.commit()
            if rows == 0:
                break
            done += rows
            if progress is not None:
                progress(table, done, max(to_move, done))
        moved[table] = done
    return Reencryption(current_key_id=current, moved=moved, by_key_before=before)
