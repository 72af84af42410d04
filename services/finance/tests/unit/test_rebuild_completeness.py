"""Which ledger entries a replay missed: gaps in its sequences, and shortfalls from the live heads."""

from unionfed_finance.service_layer.rebuild import (
    IncompleteHistory,
    IncompleteLedgers,
    MissingEntries,
    _lost,
    missing_entries,
)


def test_a_complete_replay_misses_nothing_even_when_it_runs_ahead_of_the_live_books():
    assert missing_entries([], {"school-a": 7, "fed-1": 3}, {"school-a": 5, "fed-1": 3}) == []


def test_gaps_and_shortfalls_are_named_per_ledger_with_their_range():
    missing = missing_entries(
        gaps=[("school-a", 4, 6)],
        replayed_heads={"school-a": 9, "fed-1": 3},
        live_heads={"school-a": 9, "fed-1": 12, "school-b": 2},
    )

    assert missing == [
        MissingEntries("fed-1", 4, 12),
        MissingEntries("school-a", 4, 6),
        MissingEntries("school-b", 1, 2),
    ]
    assert str(IncompleteLedgers(missing)) == (
        "ledger fed-1: sequences 4–12 are missing from the replay; "
        "ledger school-a: sequences 4–6 are missing from the replay; "
        "ledger school-b: sequences 1–2 are missing from the replay; the rebuilt books are incomplete, do not use them"
    )


def test_a_replay_from_a_snapshot_needs_only_the_records_after_its_offsets():
    beginnings = {("journal", 0): 0, ("journal", 1): 40, ("journal", 2): 90, ("membership", 0): 5}
    starts = {("journal", 0): 0, ("journal", 1): 50, ("journal", 2): 70}

    lost = _lost(beginnings, starts)

    assert [str(x) for x in lost] == [
        "journal partition 2: offsets 70–89 are gone (deleted or expired)",
        "membership partition 0: offsets 0–4 are gone (deleted or expired)",
    ], "partition 1 lost only records the snapshot already holds"
    assert str(IncompleteHistory(lost)).endswith("a rebuild from this history would be incomplete")
