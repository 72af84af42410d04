"""Files attached to grants (慰问): the signed receipt (签收单), photos of the visit.

Read by whoever may read the grant (its union's welfare officers, officers and auditors, in
scope), attached by whoever may record it; another union's grant is the same 404 as a missing one.
"""

import uuid

from unionfed_shared.attachments.records import RecordKind, RecordRef
from unionfed_shared.auth import Principal
from unionfed_welfare.domain import grants as rules
from unionfed_welfare.service_layer import grants
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

ARCHIVE_READERS = grants.READERS


async def _grant(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID, manage: bool) -> RecordRef:
    grant = await grants.load(uow, principal, grant_id, manage=manage)
    return RecordRef(grant.organization_id, str(grant.id), await _title(uow, grant))


async def _title(uow: WelfareUnitOfWork, grant) -> str:
    member = await uow.directory.member(grant.member_id)
    name = member["display_name"] if member else ""
    return f"{rules.VISIT_TYPES.get(grant.visit_type, grant.visit_type)} {grant.occasion_on.isoformat()} {name}".strip()


async def readable(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID) -> RecordRef:
    return await _grant(uow, principal, grant_id, manage=False)


async def writable(uow: WelfareUnitOfWork, principal: Principal, grant_id: uuid.UUID) -> RecordRef:
    return await _grant(uow, principal, grant_id, manage=True)


async def titles(uow: WelfareUnitOfWork, record_ids: list[str]) -> dict[str, str]:
    found = {}
    for record_id in record_ids:
        grant = await uow.grants.get(uuid.UUID(record_id))
        if grant is not None:
            found[record_id] = await _title(uow, grant)
    return found


GRANT = RecordKind(
    kind="grant",
    path="/grants/{grant_id}",
    parameter="grant_id",
    label_zh="慰问",
    purposes=("receipt", "photo", "other"),
    readable=readable,
    writable=writable,
    titles=titles,
)
KINDS = (GRANT,)
