"""The bench's journal entries: keyed as finance's outbox keys them, for either ordering."""

from bench import events
from unionfed_finance.domain import journal_keys
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.envelope import Envelope


def _entry(key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> contract.JournalEntryV1:
    envelope = Envelope.from_headers({name: raw.decode() for name, raw in headers}, value)
    assert envelope.key == key
    return envelope.parse(contract.JournalEntryV1)


def test_a_federation_keyed_journal_puts_each_federation_on_its_own_key():
    keys = set()
    for index in range(400):
        entry = _entry(*events.journal_message(index))
        assert entry.ordering == "federation" and entry.organization_id == entry.federation_id
        keys.add(entry.organization_id)
    assert keys == {events.federation_id(f) for f in range(events.FEDERATIONS)}


def test_one_federation_keyed_by_ledger_spreads_over_its_unions_ledgers():
    keys = set()
    for index in range(100):
        entry = _entry(*events.journal_message(index, federations=1, ordering="ledger"))
        assert entry.ordering == "ledger" and entry.federation_id == events.federation_id(0)
        # the key is the one ledger whose chain the entry extends, as finance's poster requires
        assert entry.organization_id == journal_keys.ledger_of(entry.instruction, known=None)
        keys.add(entry.organization_id)
    assert keys == {events.union_id(0, u) for u in range(events.UNIONS_PER_FEDERATION)}


def test_the_amounts_booked_follow_the_same_events_whatever_the_keying():
    assert events.event_of(7, federations=1) == (events.federation_id(0), events.union_id(0, 7), events.event_of(7)[2])
    assert events.event_of(25, federations=1)[1] == events.union_id(0, 0)
