"""Named crash points for fault-injection tests, off unless UNIONFED_FAILPOINTS names them.

``UNIONFED_FAILPOINTS="consumer.after_db_commit"`` kills the process the first time that point is
reached; ``name:3`` kills it on the third time. The process dies with ``os._exit`` so nothing is
flushed or committed on the way out, as with ``kill -9``.
"""

import os
import sys
from collections import Counter

_hits: Counter[str] = Counter()


def _armed() -> dict[str, int]:
    armed = {}
    for item in filter(None, os.environ.get("UNIONFED_FAILPOINTS", "").split(",")):
        name, _, nth = item.partition(":")
        armed[name.strip()] = int(nth or 1)
    return armed


_ARMED = _armed()


def failpoint(name: str, hits: int = 1) -> None:
    """Reach the point ``hits`` times at once: a batch of ten messages passes a per-message point ten times."""
    if name not in _ARMED:
        return
    before = _hits[name]
    _hits[name] += hits
    if before < _ARMED[name] <= _hits[name]:
        print(f"failpoint {name} reached: exiting", file=sys.stderr, flush=True)
        os._exit(137)
