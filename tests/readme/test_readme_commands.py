"""The README's commands work exactly as written, in a new shell with nothing exported.

A code block whose shell lines a reader may run against the platform `make up` started is
marked by an HTML comment on the line before its fence:

    <!-- runnable -->
    ```sh
    uv run unionfed finance reconcile
    ```

Each block runs in one ``bash`` in a copy of the repository where ``make up`` ran (the
``running_platform`` fixture), line after line as a reader types them (so ``TOKEN=$(…)`` serves
the next line), with only HOME and PATH in the environment. Every line must exit 0; where a
line's output says whether it worked, that is checked too. Lines that create something must be
safe to run once on the demo data.
"""

import json
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.timeout(1500)

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- runnable -->"
FENCE = re.compile(r"^```(sh|bash|shell)\s*$")


@dataclass(frozen=True)
class Line:
    block: int  # index of its block among the runnable ones
    number: int  # its line number in README.md (the first, for a continued line)
    command: str

    def __str__(self) -> str:
        return f"README.md:{self.number} {self.command[:60]}"


def runnable_lines(text: str) -> list[Line]:
    """Every shell line of every marked block; a line ending in a backslash continues on the next."""
    lines, block = [], -1
    source = text.splitlines()
    i = 0
    while i < len(source):
        if source[i].strip() == MARKER:
            if i + 1 >= len(source) or not FENCE.match(source[i + 1]):
                raise AssertionError(f"README.md:{i + 1}: {MARKER} must be followed by a ```sh or ```bash block")
            block += 1
            i += 2
            pending, start = "", 0
            while i < len(source) and not source[i].startswith("```"):
                raw = source[i]
                if not pending:
                    start = i + 1
                if raw.endswith("\\"):
                    pending += raw[:-1] + " "
                elif (pending + raw).strip() and not (pending + raw).lstrip().startswith("#"):
                    lines.append(Line(block, start, pending + raw))
                    pending = ""
                i += 1
        i += 1
    return lines


LINES = runnable_lines(README.read_text())


@dataclass
class Ran:
    exit_code: int
    stdout: str
    stderr: str


def run_block(platform, lines: list[Line]) -> list[Ran]:
    """One bash for the block, as one terminal: each line's exit code, its stdout (up to a marker
    printed after it) and its stderr (a file per line, redirected by ``exec`` between lines, so the
    line itself runs unchanged)."""
    token = uuid.uuid4().hex
    errors = Path(tempfile.mkdtemp(prefix="readme-stderr-"))
    script = []
    for n, line in enumerate(lines):
        script.append(f"exec 2>{errors}/{n}\n{line.command}\nprintf '\\n{token} %d %d\\n' {n} $?")
    done = platform.shell("\n".join(script), timeout=900)
    ran, text = [], done.stdout
    for n in range(len(lines)):
        stderr = (errors / str(n)).read_text(errors="replace") if (errors / str(n)).exists() else ""
        found = re.search(rf"\n{token} {n} (\d+)\n", text)
        if not found:
            ran.append(Ran(-1, text, stderr + f"\n(the shell stopped before this line; exit {done.returncode})"))
            text = ""
            continue
        ran.append(Ran(int(found.group(1)), text[: found.start()], stderr))
        text = text[found.end() :]
    shutil.rmtree(errors, ignore_errors=True)
    return ran


@pytest.fixture(scope="module")
def results(running_platform) -> dict[Line, Ran]:
    answers = {}
    for block in sorted({line.block for line in LINES}):
        lines = [line for line in LINES if line.block == block]
        answers.update(zip(lines, run_block(running_platform, lines), strict=True))
    return answers


# What a line's output must show when its exit code alone does not say it worked.
def _reconcile(ran: Ran) -> None:
    output = ran.stdout + ran.stderr
    assert "PASS" in output and "FAIL" not in output, output


def _json_answer(ran: Ran) -> None:
    answer = json.loads(ran.stdout)
    assert not (isinstance(answer, dict) and str(answer.get("type", "")).startswith("urn:unionfed:problem")), ran.stdout


def _founded(ran: Ran) -> None:
    answer = json.loads(ran.stdout)
    assert answer["kind"] == "federation" and answer["path"] == [answer["id"]], ran.stdout


def _scraped(ran: Ran) -> None:
    """Prometheus text, with the outbox's backlog and finance's postings among what grep kept."""
    samples = {sample.name for family in text_string_to_metric_families(ran.stdout) for sample in family.samples}
    assert {"unionfed_outbox_unpublished_rows", "unionfed_finance_postings_total"} <= samples, ran.stdout


CHECKS = [
    (re.compile(r"unionfed finance reconcile"), _reconcile),
    (re.compile(r"curl .*-X POST .*/v1/federations"), _founded),
    (re.compile(r"^curl .*localhost:\d+/metrics"), _scraped),
    (re.compile(r"^curl (?!.*localhost:\d+/metrics)"), _json_answer),
]


def test_the_readme_marks_the_blocks_a_reader_can_run():
    commands = [line.command for line in LINES]
    assert any("unionfed finance reconcile" in c for c in commands), commands
    assert any("/v1/federations" in c for c in commands), commands


@pytest.mark.parametrize("line", LINES, ids=str)
def test_a_runnable_readme_line_works_as_written(results, line: Line):
    ran = results[line]
    shown = f"{line}\n--- stdout\n{ran.stdout[-3000:]}\n--- stderr\n{ran.stderr[-3000:]}"
    assert ran.exit_code == 0, f"exited {ran.exit_code}: {shown}"
    assert "Traceback" not in ran.stdout + ran.stderr, shown
    for pattern, check in CHECKS:
        if pattern.search(line.command):
            check(ran)
            break
