"""Named crash points for fault-injection tests, off unless UNIONFED_FAILPOINTS names them.

``UNIONFED_FAILPOINTS="consumer.after_db_commit"`` kills the process the first time that point is
reached; ``name:3`` kills it on the third time. The process dies with ``os._exit`` so nothing is
flushed or committed on the way out, as with ``kill -9``.

``name:3:stall=12`` makes the third time a stall instead: :func:`stall` sleeps 12 s there without
blocking the event loop (heartbeats go on), as a slow handler does — or less, once the file named
by ``UNIONFED_FAILPOINTS_RELEASE`` exists (a test releases it when what it waits for happened).
Only points awaited through :func:`stall` can stall; a stall armed at a plain :func:`failpoint`
does nothing.
"""

import asyncio
import os
import sys
from collections import Counter

_hits: Counter[str] = Counter()


def _armed() -> dict[str, int]:
    armed = {}
    for item in filter(None, os.environ.get("UNIONFED_FAILPOINTS", "").split(",")):
        name, _, rest = item.partition(":")
        nth, _, action = rest.partition(":")
        if not action:
            armed[name.strip()] = int(nth or 1)
    return armed


def _stalls() -> dict[str, tuple[int, float]]:
    stalls = {}
    for item in filter(None, os.environ.get("UNIONFED_FAILPOINTS", "").split(",")):
        name, _, rest = item.partition(":")
        nth, _, action = rest.partition(":")
        if action.startswith("stall="):
            stalls[name.strip()] = (int(nth or 1), float(action.removeprefix("stall=")))
    return stalls


_ARMED = _armed()
_STALLS = _stalls()


def failpoint(name: str, hits: int = 1) -> None:
    """Reach the point ``hits`` times at once: a batch of ten messages passes a per-message point ten times."""
    if name not in _ARMED:
        return
    before = _hits[name]
    _hits[name] += hits
    if before < _ARMED[name] <= _hits[name]:
        print(f"failpoint {name} reached: exiting", file=sys.stderr, flush=True)
        os._exit(137)


def _released() -> bool:
    release = os.environ.get("UNIONFED_FAILPOINTS_RELEASE")
    return release is not None and os.path.exists(release)


async def stall(name: str, hits: int = 1) -> None:
    """A point that kills (as :func:`failpoint`) or, armed with ``:stall=S``, sleeps S seconds once."""
    if name in _STALLS:
        nth, seconds = _STALLS[name]
        before = _hits[name]
        _hits[name] += hits
        if before < nth <= _hits[name]:
            print(f"failpoint {name} reached: stalling {seconds}s", file=sys.stderr, flush=True)
            steps = max(1, int(seconds * 10))
            for _ in range(steps):
                if _released():
                    break
                await asyncio.sleep(seconds / steps)
            print(f"failpoint {name}: stall over", file=sys.stderr, flush=True)
        return
    failpoint(name, hits)
