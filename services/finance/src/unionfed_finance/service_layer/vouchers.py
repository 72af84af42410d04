"""Vouchers (票据) of ledger entries: who may read and attach them, and their link in the chain.

An entry's vouchers are read by whoever may read the books (BOOK_READERS in scope) and attached by
the treasurers; an entry of another union is the same 404 as one that does not exist.
"""

import uuid

from unionfed_finance.service_layer.permissions import BOOK_READERS, TREASURERS
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared.attachments.records import RecordKind, RecordRef
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound

RECORD_KIND = "ledger_entry"


async def _entry(uow: FinanceUnitOfWork, principal: Principal, posting_id: uuid.UUID, roles) -> RecordRef:
    entry = await uow.vouchers.entry(posting_id)
    path = await uow.directory.path_of(entry["organization_id"]) if entry else None
    if entry is None or path is None or not principal.can_see(path):
        raise NotFound(
            "posting_not_found",
            zh="未找到该笔分录，或不在您的管理范围内",
            en="ledger entry not found or outside your scope",
        )
    principal.require_role(*roles)
    return RecordRef(entry["organization_id"], str(entry["id"]), f"第 {entry['sequence']} 笔 {entry['description']}")


async def readable(uow: FinanceUnitOfWork, principal: Principal, posting_id: uuid.UUID) -> RecordRef:
    return await _entry(uow, principal, posting_id, BOOK_READERS)


async def writable(uow: FinanceUnitOfWork, principal: Principal, posting_id: uuid.UUID) -> RecordRef:
    return await _entry(uow, principal, posting_id, TREASURERS)


async def titles(uow: FinanceUnitOfWork, record_ids: list[str]) -> dict[str, str]:
    return await uow.vouchers.descriptions([uuid.UUID(record_id) for record_id in record_ids])


async def chain_voucher(uow: FinanceUnitOfWork, record: RecordRef, attachment: dict) -> None:
    """The entry is posted and its chain append-only: the voucher gets a link of its own."""
    entry = await uow.vouchers.entry(uuid.UUID(record.record_id))
    assert entry is not None  # read in this transaction by writable()
    await uow.vouchers.chain(entry, attachment)


LEDGER_ENTRY = RecordKind(
    kind=RECORD_KIND,
    path="/postings/{posting_id}",
    parameter="posting_id",
    label_zh="记账凭证",
    purposes=("voucher", "other"),
    readable=readable,
    writable=writable,
    titles=titles,
    on_attached=chain_voucher,
)
