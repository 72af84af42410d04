"""What a search of one organization's ledger entries asks for: every filter optional, all together."""

import dataclasses
import datetime as dt

from unionfed_shared.substring import substring_pattern


@dataclasses.dataclass(frozen=True)
class PostingFilter:
    date_from: dt.date | None = None  # effective date, inclusive
    date_to: dt.date | None = None  # effective date, inclusive
    account_code: str | None = None  # an entry with at least one line on this account
    amount_min_fen: int | None = None  # the entry's total, inclusive
    amount_max_fen: int | None = None
    text: str | None = None  # a part of the description, case-insensitive

    def text_pattern(self) -> str | None:
        """The text as an ILIKE pattern: its own %, _ and backslash match themselves."""
        return substring_pattern(self.text) if self.text else None
