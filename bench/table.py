"""The results table: one row per scenario, size and metric, over the runs that passed their gates.

Each row also shows the figure the README gave before (``BEFORE``), marked with the run it
came from (``BEFORE_RUNS``: date, command and sizes), so a run prints now against before.
"""

import operator
import re
from dataclasses import dataclass

from bench.harness import Sample, median_and_spread

_COMPARISONS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
_TARGET = re.compile(r"^\s*(>=|<=|>|<)\s*([0-9][0-9_,.]*)\s*$")
HEADER = ("scenario", "size", "metric", "median", "min–max", "runs", "target", "verdict", "before")

# The README's latest figures before this harness (issue 20's "now" column), by the run they came from.
BEFORE_RUNS = {
    "a": "2026-11-24 03:20 UTC, `make bench` (one run each: ledger 200,000 events, greeting 100,000 members "
    "stopped at 150 s, rebuild stopped at 165 s), quiet 2-core VM",
    "b": "2026-11-24 03:19 UTC, `BENCH_GREETING_MEMBERS=2000 python -m bench --only greeting`",
    "c": "issue 20's table (greeting 20,000 members), `make bench`",
    "d": "2026-12-05 08:42 UTC, `python -m bench --only latency` (3 runs, quiet)",
    "e": "2026-12-05 04:19 UTC, `python -m bench --only entries --runs 1` (load 7–8.5)",
}


@dataclass(frozen=True)
class Before:
    scenario: str
    metric: str  # the row's metric, or its start before " (" (a note the run adds)
    value: float
    unit: str
    run: str  # a key of BEFORE_RUNS
    size: str | None = None  # only rows of this size; None: any size (a rate)
    note: str = ""


BEFORE = (
    Before("ledger/full-service", "postings/s", 2_271, "postings/s", "a"),
    Before("ledger/full-service", "events/s", 2_271, "events/s", "a"),
    Before("ledger/baseline", "events/s", 3_851, "events/s", "a"),
    Before("ledger", "ratio service ÷ baseline", 0.59, "", "a"),
    Before("ledger/kafka-only", "events/s", 98_571, "events/s", "a"),
    Before("ledger/postgres-only", "events/s", 4_272, "events/s", "a"),
    Before("ledger/full-service", "RSS peak", 135, "MB", "a"),
    Before("greeting", "wall time, 2000 grants", 17.5, "s", "b", "2,000 members"),
    Before("greeting", "grants paid per second", 114, "grants/s", "b", "2,000 members"),
    Before("greeting", "welfare CPU per 1,000 grants paid", 6.4, "s", "b", "2,000 members"),
    Before("greeting", "finance CPU per 1,000 grants paid", 1.8, "s", "b", "2,000 members"),
    Before("greeting", "PostgreSQL CPU per 1,000 grants paid", 2.1, "s", "b", "2,000 members"),
    Before("greeting", "wall time, 20000 grants", 137, "s", "c", "20,000 members"),
    Before("greeting", "grants paid per second", 146, "grants/s", "c", "20,000 members"),
    Before("greeting", "grants paid", 1_881, "grants", "a", "100,000 members", "stopped at 150 s"),
    Before("greeting", "grants paid per second", 12.5, "grants/s", "a", "100,000 members", "stopped"),
    Before("greeting", "Kafka messages per second (all domain topics)", 2_122, "msg/s", "a", "100,000 members"),
    Before("greeting", "membership peak RSS", 108, "MB", "a", "100,000 members"),
    Before("greeting", "welfare peak RSS", 206, "MB", "a", "100,000 members"),
    Before("greeting", "finance peak RSS", 161, "MB", "a", "100,000 members"),
    Before("latency", "member lookup p99", 31.8, "ms", "d"),
    Before("latency", "ledger balances p99", 30.5, "ms", "d", note="2 runs of 3"),
    Before("latency", "disclosure statement p50", 9_300, "ms", "d", note="fell behind"),
    Before("latency", "audit trace of a posting p50", 2_300, "ms", "d", note="fell behind"),
    Before("latency", "member search by name p95 one request at a time", 19.5, "ms", "d"),
    Before("latency", "member search by name p99", 613, "ms", "d"),
    Before("latency", "disclosure statement p50 one request at a time", 16.0, "ms", "d"),
    Before("latency", "audit trace of a posting p50 one request at a time", 16.6, "ms", "d"),
    Before("entries", "first page p95", 118, "ms", "e"),
    Before("entries", "deep page by cursor p95", 103, "ms", "e"),
    Before("entries", "account 4102 p95", 107, "ms", "e"),
    Before("entries", "account 4103 (no entries) p95", 66, "ms", "e"),
    Before("entries", "amount range p95", 109, "ms", "e"),
    Before("entries", "text p95", 118, "ms", "e"),
    Before("entries", "text, one month's funds p95", 81, "ms", "e"),
    Before("entries", "one month p95", 78, "ms", "e"),
    # Alone on a quiet machine it made 2,764 messages/s (issue 20's table; stopped at its 360 s budget).
    Before("rebuild", "messages/s", 1_066, "messages/s", "a", note="1,326,966 to replay; stopped at 165 s"),
)


@dataclass(frozen=True)
class Row:
    scenario: str
    size: str
    metric: str
    unit: str
    median: float | None
    low: float | None
    high: float | None
    runs: int  # that counted
    failed: int  # that did not count (a gate failed)
    target: str
    verdict: str
    before: str = ""

    def cells(self) -> tuple[str, ...]:
        if self.median is None:
            median = spread = "—"
        else:
            median = f"{_number(self.median)} {self.unit}".strip()
            spread = f"{_number(self.low)}–{_number(self.high)}"
        runs = f"{self.runs}" + (f" (+{self.failed} failed)" if self.failed else "")
        return (
            self.scenario,
            self.size or "—",
            self.metric,
            median,
            spread,
            runs,
            self.target or "—",
            self.verdict,
            self.before or "—",
        )


def before_of(scenario: str, size: str, metric: str, before: tuple[Before, ...] = BEFORE) -> str:
    """The README's earlier figure for this row, e.g. "2,271 postings/s [a]"; empty when there is none."""
    for b in before:
        if b.scenario != scenario or (b.size is not None and b.size != size):
            continue
        if metric == b.metric or metric.startswith(b.metric + " ("):
            text = f"{_number(b.value)} {b.unit}".strip() + f" [{b.run}]"
            return text + (f" ({b.note})" if b.note else "")
    return ""


def rows_of(samples: list[Sample]) -> list[Row]:
    groups: dict[tuple[str, str, str], list[Sample]] = {}
    for sample in samples:
        groups.setdefault((sample.scenario, sample.size, sample.metric), []).append(sample)
    rows = []
    for (scenario, size, metric), group in groups.items():
        counted = [s for s in group if s.gate_failure is None]
        target = next((s.target for s in group if s.target), "")
        before = before_of(scenario, size, metric)
        if not counted:
            rows.append(
                Row(
                    scenario,
                    size,
                    metric,
                    group[0].unit,
                    None,
                    None,
                    None,
                    0,
                    len(group),
                    target,
                    "no valid run",
                    before,
                )
            )
            continue
        median, low, high = median_and_spread([s.value for s in counted])
        rows.append(
            Row(
                scenario,
                size,
                metric,
                group[0].unit,
                median,
                low,
                high,
                len(counted),
                len(group) - len(counted),
                target,
                _verdict(median, target, [s.incomplete for s in counted if s.incomplete]),
                before,
            )
        )
    return rows


def _verdict(median: float, target: str, incomplete: list[str]) -> str:
    if not target:
        return ""
    match = _TARGET.match(target)
    if not match:
        raise ValueError(f"target {target!r} is not like '>= 5000' or '< 300'")
    if incomplete:
        return "missed (run stopped)"
    limit = float(match.group(2).replace(",", "").replace("_", ""))
    return "met" if _COMPARISONS[match.group(1)](median, limit) else "missed"


def _number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def render(rows: list[Row]) -> str:
    table = [HEADER] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADER))]
    numeric = {3, 4}  # right-aligned
    lines = []
    for number, line in enumerate(table):
        cells = [
            cell.rjust(w) if i in numeric and number else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    marks = sorted({m for row in rows for m in _MARK.findall(row.before)})
    if marks:
        lines.append("")
        lines += [f"before [{m}]: {BEFORE_RUNS[m]}" for m in marks]
    return "\n".join(lines)


_MARK = re.compile(r"\[([a-z])\]")
