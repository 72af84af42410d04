"""Consolidated balances over a subtree: the ledgers added up, the flows inside it eliminated."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from unionfed_finance.domain.ledger import (
    AccountType,
    account_spec,
)
from unionfed_finance.service_layer.disclosure_statement import Movement
from unionfed_finance.service_layer.report_format import parent_code

# ---------------------------------------------------------------- consolidation


@dataclass(frozen=True)
class ConsolidatedAccount:
    code: str
    combined_fen: int  # sum of the ledgers' balances, normal direction
    eliminated_fen: int  # inter-organization lines inside the subtree, normal direction

    @property
    def consolidated_fen(self) -> int:
        return self.combined_fen - self.eliminated_fen

    @property
    def type(self) -> AccountType:
        return account_spec(self.code).type


def consolidate(
    balances: Iterable[tuple[str, int]], eliminated: Mapping[str, Movement]
) -> tuple[ConsolidatedAccount, ...]:
    """``balances``: (account code, balance in its normal direction) of every ledger included;
    ``eliminated``: debits and credits of the lines whose counterparty is inside the subtree."""
    combined: dict[str, int] = {}
    for code, balance_fen in balances:
        parent = parent_code(code)
        combined[parent] = combined.get(parent, 0) + balance_fen
    removed: dict[str, int] = {}
    for code, movement in eliminated.items():
        parent = parent_code(code)
        removed[parent] = removed.get(parent, 0) + movement.net_for(account_spec(parent).type)
    codes = sorted(set(combined) | set(removed))
    return tuple(ConsolidatedAccount(code, combined.get(code, 0), removed.get(code, 0)) for code in codes)
