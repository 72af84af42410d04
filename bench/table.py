"""The results table: one row per scenario and metric, over the runs that passed their gates."""

import operator
import re
from dataclasses import dataclass

from bench.harness import Sample, median_and_spread

_COMPARISONS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
_TARGET = re.compile(r"^\s*(>=|<=|>|<)\s*([0-9][0-9_,.]*)\s*$")
HEADER = ("scenario", "metric", "median", "min–max", "runs", "target", "verdict")


@dataclass(frozen=True)
class Row:
    scenario: str
    metric: str
    unit: str
    median: float | None
    low: float | None
    high: float | None
    runs: int  # that counted
    failed: int  # that did not count (a gate failed)
    target: str
    verdict: str

    def cells(self) -> tuple[str, ...]:
        if self.median is None:
            median = spread = "—"
        else:
            median = f"{_number(self.median)} {self.unit}".strip()
            spread = f"{_number(self.low)}–{_number(self.high)}"
        runs = f"{self.runs}" + (f" (+{self.failed} failed)" if self.failed else "")
        return (self.scenario, self.metric, median, spread, runs, self.target or "—", self.verdict)


def rows_of(samples: list[Sample]) -> list[Row]:
    groups: dict[tuple[str, str], list[Sample]] = {}
    for sample in samples:
        groups.setdefault((sample.scenario, sample.metric), []).append(sample)
    rows = []
    for (scenario, metric), group in groups.items():
        counted = [s for s in group if s.gate_failure is None]
        target = next((s.target for s in group if s.target), "")
        if not counted:
            rows.append(Row(scenario, metric, group[0].unit, None, None, None, 0, len(group), target, "no valid run"))
            continue
        median, low, high = median_and_spread([s.value for s in counted])
        rows.append(
            Row(
                scenario,
                metric,
                group[0].unit,
                median,
                low,
                high,
                len(counted),
                len(group) - len(counted),
                target,
                _verdict(median, target, [s.incomplete for s in counted if s.incomplete]),
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
    numeric = {2, 3}  # right-aligned
    lines = []
    for number, line in enumerate(table):
        cells = [
            cell.rjust(w) if i in numeric and number else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
