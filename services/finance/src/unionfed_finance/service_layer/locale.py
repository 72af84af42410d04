"""Which language an organization's books are written in.

Decided when an instruction is written to the journal (the intake of another service's event,
or a treasurer's command), from the directory as it stands then, and carried inside the journal
entry as the postings' text. The poster and ``unionfed finance rebuild`` copy the journal
entry's text and never ask again: a rebuild reads the membership topic, and so fills the
directory, in its own order beside the journal, yet posts the very same words and hashes.
"""

from unionfed_finance.domain.texts import Language
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork


async def language_of(uow: FinanceUnitOfWork, organization_id: str) -> Language:
    """The language of the federation ``organization_id`` belongs to (zh-CN while not known).

    The directory remembers it once read, so a batch of dues does not ask for every payment.
    """
    return await uow.directory.language_of(organization_id)
