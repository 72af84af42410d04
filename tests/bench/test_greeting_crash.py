"""The crash greeting's kill plan and its time-lost arithmetic, without infrastructure."""

from bench import greeting_crash as crash
from bench.greeting_crash import Kill


def test_the_failpoints_fire_mid_greeting_whatever_the_seed():
    for seed in range(200):
        for count, chunk in ((2_000, 200), (2_000, 1_000), (20_000, 200), (100_000, 1_000), (150, 200)):
            plan = crash.kill_plan(count, chunk, 2, seed)
            chunks = -(-count // chunk)
            welfare, finance = plan.failpoints["welfare"], plan.failpoints["finance"]
            name, k = welfare.split(":")
            assert name == "greetings.after_chunk" and 1 <= int(k) <= max(1, chunks // 2)
            name, m = finance.split(":")
            # finance consumes at least two messages a chunk (the request, then the journal entry)
            assert name == "consumer.after_db_commit" and 1 <= int(m) <= chunks
            assert plan.random_kills() == 1


def test_the_same_seed_gives_the_same_plan():
    assert crash.kill_plan(20_000, 200, 3, 7) == crash.kill_plan(20_000, 200, 3, 7)
    assert crash.kill_plan(20_000, 200, 3, 7).random_kills() == 2
    assert crash.kill_plan(20_000, 200, 1, 7).random_kills() == 0


def test_time_lost_counts_overlapping_kills_once_and_an_unresumed_one_to_the_end():
    kills = [
        Kill("welfare", "failpoint", at=10.0, back=12.0, resumed=15.0),
        Kill("finance", "failpoint", at=11.0, back=14.0, resumed=20.0),  # overlaps welfare's: 10 → 20
        Kill("welfare", "SIGKILL", at=25.0, back=27.0, resumed=28.0),  # 3 s
        Kill("finance", "SIGKILL", at=30.0, back=None),  # never moved again before the end: 30 → 32
    ]
    assert crash.time_lost_s(kills, end=32.0) == 10 + 3 + 2
    assert crash.time_lost_s([], end=5.0) == 0
    # One span inside another adds nothing.
    inside = [Kill("finance", "x", at=1.0, resumed=9.0), Kill("welfare", "y", at=2.0, resumed=3.0)]
    assert crash.time_lost_s(inside, end=10.0) == 8
