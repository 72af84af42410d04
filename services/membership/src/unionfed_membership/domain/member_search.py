"""What a member search asks for: every filter is optional and they all apply together."""

import dataclasses

from unionfed_membership.domain.model import MemberStatus
from unionfed_shared.substring import substring_pattern


@dataclasses.dataclass(frozen=True)
class MemberFilter:
    name: str | None = None  # a part of the display name, any characters, case-insensitive
    staff_no: str | None = None  # 工号, exactly
    id_tail: str | None = None  # the ID number's last four characters (personal_data.normalise_id_tail)
    union_id: str | None = None  # an organization in the searched subtree: its members and those below it
    status: MemberStatus | None = None

    @property
    def name_is_caseless(self) -> bool:
        """Chinese names have no case: LIKE then finds what ILIKE would, several times faster."""
        return self.name is not None and self.name.lower() == self.name.upper()

    @property
    def name_gram(self) -> str | None:
        """A one- or two-character name, folded: it is one of the name grams indexed (see 0006_search)."""
        return self.name.lower() if self.name and len(self.name) <= 2 else None

    def name_pattern(self) -> str | None:
        """The name as an ILIKE pattern: its own %, _ and backslash match themselves."""
        return substring_pattern(self.name) if self.name else None
