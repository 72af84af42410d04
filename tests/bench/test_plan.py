"""The harness's planning and its table, without infrastructure: what runs, in which order, what fits."""

import pytest

from bench import plan, table
from bench.harness import Sample


def test_short_profile_has_every_short_scenario_three_times_in_15_minutes():
    short = plan.PROFILES["short"]
    assert short.time_limit_s <= 15 * 60
    assert {s.scenario for s in short.steps} == set(plan.PROFILED)
    # The crash variant is a correctness check on greeting@20000's federation: once is enough.
    assert all(s.runs >= 3 for s in short.steps if s.scenario != "greeting-crash")
    assert {s.key for s in short.steps if s.scenario == "greeting"} == {"greeting@2000", "greeting@20000"}
    # Every step's first run is kept time for: they all fit, with the crash run, before any repeat.
    assert sum(s.estimate_s for s in short.steps) <= short.time_limit_s


def test_long_profile_is_the_issues_full_sizes_in_30_minutes():
    long = plan.PROFILES["long"]
    assert long.time_limit_s <= 30 * 60
    assert {s.key for s in long.steps} == {
        "greeting@100000",
        "greeting-crash@100000",
        "dues@100000",
        "rebuild@1000000",
    }
    assert sum(s.estimate_s for s in long.steps) <= long.time_limit_s


def test_the_crash_greeting_runs_once_after_the_clean_one_of_its_size_on_its_federation():
    for name, size, kills in (("short", 20_000, 2), ("long", 100_000, 3)):
        steps = plan.PROFILES[name].steps
        [crash] = [s for s in steps if s.scenario == "greeting-crash"]
        clean = next(s for s in steps if s.key == f"greeting@{size}")
        assert (crash.size, crash.runs, crash.options["kills per service"]) == (size, 1, kills)
        # After the clean one in the round-robin: the same federation, already seeded, and a clean wall time.
        order = [s.key for s, _ in plan.schedule(list(steps))]
        assert order.index(clean.key) < order.index(crash.key)
        assert crash.budget_s is not None and crash.size_label() == f"{size:,} members"
    assert [s.key for s in plan.select(plan.PROFILES["short"], ["greeting-crash"])] == ["greeting-crash@20000"]
    # "greeting" names the clean greeting only.
    assert "greeting-crash@20000" not in [s.key for s in plan.select(plan.PROFILES["short"], ["greeting"])]


def test_select_by_scenario_or_step_and_runs_override():
    short = plan.PROFILES["short"]
    assert [s.key for s in plan.select(short, ["greeting"])] == ["greeting@2000", "greeting@20000"]
    assert [s.key for s in plan.select(short, ["greeting@20000"])] == ["greeting@20000"]
    assert {s.runs for s in plan.select(short, None, runs=1)} == {1}
    # A scenario the long profile leaves out runs once at its default size.
    [latency] = plan.select(plan.PROFILES["long"], ["latency"])
    assert (latency.key, latency.runs) == ("latency", 1)
    with pytest.raises(ValueError, match="unknown scenarios: greeting@5"):
        plan.select(short, ["greeting@5"])


def test_schedule_is_round_robin_with_the_rebuild_last():
    steps = [plan.Step("ledger", 10, runs=2), plan.Step("rebuild", 10, runs=2, last=True), plan.Step("dues", 5, runs=1)]
    order = [(s.key, n) for s, n in plan.schedule(steps)]
    assert order == [("ledger@10", 1), ("dues@5", 1), ("ledger@10", 2), ("rebuild@10", 1), ("rebuild@10", 2)]


def test_a_first_step_runs_all_its_runs_before_the_round_robin():
    steps = [
        plan.Step("greeting", 5, runs=2),
        plan.Step("ledger", 10, runs=3, first=True),
        plan.Step("dues", 5, runs=1),
    ]
    order = [(s.key, n) for s, n in plan.schedule(steps)]
    assert order == [
        ("ledger@10", 1),
        ("ledger@10", 2),
        ("ledger@10", 3),
        ("greeting@5", 1),
        ("dues@5", 1),
        ("greeting@5", 2),
    ]
    assert [s.first for s in plan.select(plan.PROFILES["short"], ["ledger"], runs=1)] == [True], "kept with --runs"


def test_reserve_keeps_time_for_first_runs_still_to_come():
    a, b, last = plan.Step("a", runs=2, estimate_s=50), plan.Step("b", estimate_s=70), plan.Step("r", estimate_s=200)
    order = [(a, 1), (b, 1), (a, 2), (last, 1)]
    assert plan.reserve_s(order, 0, {}) == 270  # b's and the last step's first runs
    assert plan.reserve_s(order, 2, {"a": [40], "b": [60]}) == 200  # only the last step's
    assert plan.reserve_s(order, 3, {"a": [40], "b": [60]}) == 0


def test_a_first_run_starts_while_time_is_left_a_repeat_only_when_it_fits():
    step = plan.Step("greeting", 2000, estimate_s=500)
    assert plan.skip_reason(step, 1, seconds_left=100, reserve=0, measured={}) is None  # it sizes itself
    assert "kept for the scenarios still to come" in plan.skip_reason(step, 1, 100, reserve=80, measured={})
    assert plan.skip_reason(step, 2, 100, reserve=0, measured={"greeting@2000": [60, 90]}) is None
    reason = plan.skip_reason(step, 2, 100, reserve=20, measured={"greeting@2000": [60, 90]})
    assert reason.startswith("a run takes 90 s; 100 s left")


def test_run_budget_is_the_steps_cut_to_what_is_left():
    step = plan.Step("greeting", 100_000, budget_s=420)
    assert plan.run_budget_s(step, seconds_left=2000, reserve=500) == 420
    assert plan.run_budget_s(step, seconds_left=600, reserve=300, margin_s=20) == 280
    assert plan.run_budget_s(plan.Step("x"), seconds_left=100, reserve=0, margin_s=20) == 80
    assert plan.run_budget_s(step, seconds_left=10, reserve=0) == plan.FIRST_RUN_FLOOR_S


def test_size_label_says_what_a_row_ran_at():
    assert plan.Step("greeting", 20_000).size_label() == "20,000 members"
    assert plan.Step("rebuild", 1_000_000).size_label() == "1,000,000 journal events"
    assert plan.Step("latency", options={"seconds per read": 10}).size_label() == "seconds per read 10"


def test_table_groups_by_size_and_shows_the_readme_figure_before():
    samples = [
        Sample("greeting", "wall time, 2000 grants", v, "s", "< 60", size="2,000 members") for v in (10, 12, 11)
    ] + [
        Sample("greeting", "grants paid per second", 150, "grants/s", size="20,000 members"),
        Sample("greeting", "grants paid per second", 170, "grants/s", size="2,000 members"),
        Sample("dues", "members collected per second", 900, "members/s", ">= 1667", gate_failure="1 dead letter"),
    ]
    rows = {(r.scenario, r.size, r.metric): r for r in table.rows_of(samples)}
    wall = rows["greeting", "2,000 members", "wall time, 2000 grants"]
    assert (wall.median, wall.low, wall.high, wall.runs, wall.verdict) == (11, 10, 12, 3, "met")
    assert wall.before == "17.5 s [b]"
    assert rows["greeting", "20,000 members", "grants paid per second"].before == "146 grants/s [c]"
    failed = rows["dues", "", "members collected per second"]
    assert (failed.runs, failed.failed, failed.verdict, failed.before) == (0, 1, "no valid run", "")
    text = table.render(list(rows.values()))
    assert text.splitlines()[0].split() == list(table.HEADER)
    assert "before [b]: 2026-11-24 03:19 UTC" in text and "before [c]: issue 20" in text


def test_before_matches_a_metric_with_a_note_and_only_its_size():
    assert table.before_of("latency", "2,000 members", "member lookup p99 (generator lagged: …)") == "31.8 ms [d]"
    assert table.before_of("latency", "2,000 members", "member lookup p50") == ""
    assert table.before_of("greeting", "5,000 members", "wall time, 5000 grants") == ""
    assert table.before_of("ledger/full-service", "50,000 events", "postings/s") == "2,271 postings/s [a]"


def test_a_stopped_run_misses_its_target_whatever_its_figure():
    samples = [Sample("rebuild", "messages/s", 9_999, "messages/s", ">= 3334", incomplete="stopped at 180 s")]
    [row] = table.rows_of(samples)
    assert row.verdict == "missed (run stopped)"


def test_the_crash_greetings_rows_count_the_kills_against_the_plan():
    samples = [
        Sample("greeting-crash", "kills, welfare + finance", 4, "kills", ">= 4", size="2,000 members"),
        Sample("greeting-crash", "kills, welfare + finance", 3, "kills", ">= 4", size="20,000 members"),
        Sample(
            "greeting-crash",
            "time lost to kills (kill to payments moving again, overlaps once)",
            21.5,
            "s",
            size="2,000 members",
        ),
        Sample(
            "greeting-crash",
            "grants paid",
            2_000,
            "grants",
            ">= 2000",
            gate_failure="1 hold references posted twice",
            size="2,000 members",
        ),
    ]
    rows = {(r.size, r.metric): r for r in table.rows_of(samples)}
    assert rows["2,000 members", "kills, welfare + finance"].verdict == "met"
    assert rows["20,000 members", "kills, welfare + finance"].verdict == "missed"  # a kill came too late to land
    lost = rows["2,000 members", "time lost to kills (kill to payments moving again, overlaps once)"]
    assert (lost.median, lost.verdict, lost.before) == (21.5, "", "")
    # A gate failed: the run's rows do not count (the crash variant keeps the clean greeting's gates).
    assert rows["2,000 members", "grants paid"].verdict == "no valid run"
