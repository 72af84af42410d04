"""What a search of one organization's ledger entries asks for: every filter optional, all together."""

import dataclasses
import datetime as dt


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
        if not self.text:
            return None
        escaped = self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"
