"""Writing money instructions to the journal: from other services' events and from commands."""

import uuid

from unionfed_finance.domain import journal_keys
from unionfed_finance.domain.ledger import Posting
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.errors import Conflict
from unionfed_shared.messaging.consumer import Delivery

JOURNAL_NAMESPACE = uuid.UUID("0b8e4c8e-5f6a-5e64-8d7b-3b1f6e2a9c44")


def spec_of(posting: Posting) -> contract.PostingSpec:
    return contract.PostingSpec(
        organization_id=posting.organization_id,
        effective_date=posting.effective_date,
        description=posting.description,
        lines=[
            contract.LineSpec(
                account=l.account_code,
                debit_fen=l.debit_fen,
                credit_fen=l.credit_fen,
                counterparty_id=l.counterparty_id,
            )
            for l in posting.lines
        ],
    )


def post(*postings: Posting) -> contract.Post:
    return contract.Post(postings=[spec_of(p) for p in postings])


def trace_id_of(trace_headers: dict[str, str]) -> str | None:
    """The trace id carried by the event itself (W3C traceparent), the same on every replay."""
    parts = trace_headers.get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


def source_ref(delivery: Delivery) -> contract.SourceRef:
    envelope: Envelope = delivery.envelope
    return contract.SourceRef(
        event_id=envelope.id,
        event_type=envelope.type,
        topic=delivery.topic,
        partition=delivery.partition,
        offset=delivery.offset,
        occurred_at=envelope.time,
        actor=envelope.actor,
        causation_id=envelope.causation_id,
        correlation_id=envelope.correlation_id,
        trace_id=trace_id_of(envelope.trace_headers),
    )


async def write(
    uow: FinanceUnitOfWork,
    federation_id: str,
    requested_by: str,
    instruction,
    *,
    delivery: Delivery | None = None,
    reference: str | None = None,
    ledger: str | None = None,
) -> str:
    """Stage a journal entry in the outbox; returns its event id (the request id callers poll).

    An entry caused by another service's event gets an id derived from that event, so doing the
    intake twice (a rebuild) writes the same entry, which the poster recognises.

    Keyed by the federation, or — once the federation is keyed by ledger — by the ledger whose
    chain it extends (``journal_keys.ledger_of``; ``ledger`` names a capture's or void's hold's
    ledger and a reversal's posting's, which the instruction does not).
    """
    ordering = await uow.journal_keys.ordering_of(federation_id)
    key = journal_keys.ledger_of(instruction, known=ledger) if ordering == "ledger" else federation_id
    entry = contract.JournalEntryV1(
        organization_id=key,
        federation_id=federation_id,
        instruction=instruction,
        ordering=ordering,
        source=source_ref(delivery) if delivery else None,
        requested_by=requested_by,
        reference=reference,
    )
    event_id = str(uuid.uuid5(JOURNAL_NAMESPACE, delivery.envelope.id)) if delivery else None
    return uow.emit(entry, event_id=event_id).id


async def key_by_ledger(uow: FinanceUnitOfWork, federation_id: str) -> bool:
    """Key the federation's journal by ledger from its first instruction on; False when it already is.

    Refused once the federation has books with entries or any applied instruction: entries keyed by
    federation before and by ledger after would leave their relative order to the interleaving of
    partitions in a rebuild (the cutover of a federation with history is not built yet).
    """
    if await uow.journal_keys.ordering_of(federation_id) == "ledger":
        return False
    if await uow.journal_keys.has_history(federation_id):
        raise Conflict(
            "journal_has_history",
            zh=f"{federation_id} 的日记账已有记录，不能改为按账簿分区（已有历史的联合会尚不支持切换）",
            en=f"{federation_id} already has journal history; only a federation without any can be keyed by ledger",
        )
    await uow.journal_keys.key_by_ledger(federation_id)
    await uow.commit()
    return True
