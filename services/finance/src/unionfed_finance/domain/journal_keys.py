"""Which key a money instruction is journaled under: what must stay in order with it.

The books rely on these orders (``ordering="ledger"``):

- a ledger's hash chain: every entry of one ledger, in the ledger's sequence;
- a hold's life: reserve, then capture or void, in the hold's ledger (the bank's pending money);
- a budget and a period: checked and changed against one ledger's state (its budgets, its
  closed periods, its floors), so in that ledger's order;
- a movement between two ledgers (employer funds' share owed upward, a remittance, an
  allocation): each side is one ledger's entry. It is journaled under its first posting's ledger,
  the side whose money rules can refuse it (the payer's bank, the payable), and the other side
  follows as a leg keyed by its own ledger, so no two partitions' interleaving decides a chain;
- a reversal: under the ledger of the posting it reverses; the other sides of a movement are
  reversed by legs in their ledgers.

Nothing else needs an order across ledgers: no rule reads one ledger while changing another.
"""

from unionfed_shared.contracts import finance as contract


def ledger_of(instruction, *, known: str | None = None) -> str:
    """The ledger whose chain ``instruction`` extends: its partition key under ledger keys.

    ``known`` is the ledger a capture or void's hold (or a reversal's posting) lives in, which the
    instruction does not name; the writer reads it from the books.
    """
    if isinstance(instruction, contract.Post):
        return instruction.postings[0].organization_id
    if isinstance(
        instruction,
        contract.Reserve | contract.PayMany | contract.CollectDues | contract.ClosePeriod | contract.SetBudget,
    ):
        return instruction.organization_id
    if known is None:
        raise ValueError(f"a {instruction.op} names no ledger: the writer must give its hold's or posting's ledger")
    return known


def legs(instruction) -> list[contract.PostingSpec]:
    """The postings applied as legs, in their own ledgers' order: every posting after the first."""
    return list(instruction.postings[1:]) if isinstance(instruction, contract.Post) else []
