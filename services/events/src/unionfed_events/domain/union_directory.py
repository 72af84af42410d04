"""Organizations and members as the congress, surveys and nominations read them from the directory."""

import uuid
from dataclasses import dataclass

GRASSROOTS_UNION = "grassroots_union"


@dataclass(frozen=True)
class Organization:
    id: str
    kind: str | None
    parent_id: str | None
    federation_id: str
    path: tuple[str, ...]  # from the federation down to the organization itself


@dataclass(frozen=True)
class UnionMember:
    """An active member with the path of their organization."""

    id: uuid.UUID
    display_name: str
    organization_id: str
    path: tuple[str, ...]

    def branch_of(self, scope_id: str) -> str:
        """The scope's child the member belongs under (e.g. their school in a county survey), or the scope."""
        below = self.path[self.path.index(scope_id) + 1 :]
        return below[0] if below else scope_id
