"""Which ledger entries a replay missed: gaps in its sequences, and shortfalls from the live heads."""

from unionfed_finance.service_layer.rebuild import IncompleteLedgers, MissingEntries, missing_entries


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
