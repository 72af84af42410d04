"""``python -m bench.console_bench``: the console's initial JavaScript (gzip) and the dashboard's time to
figures in Chromium, against a running platform (``make up``).

The initial JavaScript is what the browser must fetch before the first screen: the entry script of
console/dist/index.html and the modules it preloads; each desk's own chunk is loaded when opened.
The budget is 400 KB gzipped. The dashboard timing signs in as a demo account (``--user``/``--password``,
an account whose first password was already changed) and is measured by
console/scripts/bench-dashboard.mjs through the Performance API; the target is 2 s.
"""

import argparse
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[1] / "console"
BUDGET_GZIP_BYTES = 400 * 1024


def initial_javascript(dist: Path = CONSOLE / "dist") -> dict[str, int]:
    """Gzipped size (level 6, nginx's and Vite's report alike) of each script the first page loads."""
    index = (dist / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<script[^>]+src="([^"]+\.js)"', index) + re.findall(
        r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"', index
    )
    return {src: len(gzip.compress((dist / src.lstrip("/")).read_bytes(), compresslevel=6)) for src in sources}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--user", help="demo account for the dashboard timing (skipped without)")
    parser.add_argument("--password")
    parser.add_argument("--org", help="organization whose dashboard to open (default: the account's)")
    args = parser.parse_args()

    sizes = initial_javascript()
    total = sum(sizes.values())
    for src, size in sizes.items():
        print(f"  {src}: {size / 1024:.1f} KB gzip")
    verdict = "within" if total <= BUDGET_GZIP_BYTES else "OVER"
    print(f"initial JavaScript: {total / 1024:.1f} KB gzip ({verdict} the 400 KB budget)")
    ok = total <= BUDGET_GZIP_BYTES

    if args.user:
        command = ["node", "scripts/bench-dashboard.mjs", args.user, args.password or ""]
        if args.org:
            command.append(args.org)
        done = subprocess.run(command, cwd=CONSOLE, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            print(done.stdout, done.stderr, file=sys.stderr)
            return 1
        timing = json.loads(done.stdout)
        median = timing["warm_median_figures_shown_ms"]
        print(
            f"dashboard of {timing['org']}: cold load {timing['cold']['figures_shown_ms']} ms to figures, "
            f"warm median {median} ms (domInteractive {timing['warm_median_dom_interactive_ms']} ms)"
        )
        ok = ok and median <= 2000
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
