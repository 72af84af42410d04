"""Who may read and who may move a union's money."""

from unionfed_shared.auth import Role

# Members see public disclosures (issue on statements), not the books themselves.
BOOK_READERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER, Role.WELFARE_OFFICER, Role.AUDITOR)
TREASURERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)
