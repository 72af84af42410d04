"""A roster import answered as it runs: one NDJSON line per step, then the summary.

An office importing a school's two thousand teachers waits a minute or more; a client that asks for
``application/x-ndjson`` sees ``{"done": n, "total": m}`` lines while the members are enrolled, and
a last ``{"summary": …}`` line (or ``{"problem": …}`` if the import broke off). The import goes on to
the end if the client leaves: each member is its own transaction, and a re-import skips the done ones.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi.responses import StreamingResponse

from unionfed_membership.service_layer.roster_import import ImportSummary, Progress

MEDIA_TYPE = "application/x-ndjson"
log = logging.getLogger(__name__)
# Imports whose client went away: referenced here so the event loop does not drop them mid-way.
_unattended: set[asyncio.Task] = set()


def wants_progress(accept: str | None) -> bool:
    return MEDIA_TYPE in (accept or "")


def streamed(run: Callable[[Progress], Awaitable[ImportSummary]], language: str) -> StreamingResponse:
    return StreamingResponse(
        _lines(run, language),
        media_type=MEDIA_TYPE,
        # nginx would otherwise hold the lines back until the import ends.
        headers={"X-Accel-Buffering": "no", "Cache-Control": "no-store"},
    )


async def _lines(run: Callable[[Progress], Awaitable[ImportSummary]], language: str) -> AsyncIterator[str]:
    latest: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    task = asyncio.ensure_future(run(lambda done, total: latest.put_nowait((done, total))))
    try:
        while not task.done():
            step = asyncio.ensure_future(latest.get())
            await asyncio.wait({task, step}, return_when=asyncio.FIRST_COMPLETED)
            if not step.done():
                step.cancel()
                continue
            done, total = step.result()
            while not latest.empty():  # only the newest step is worth a line
                done, total = latest.get_nowait()
            yield _line({"done": done, "total": total})
        try:
            summary = task.result()
        except Exception:
            log.exception("roster import broke off")
            yield _line({"problem": {"code": "roster_import_interrupted", "detail": _interrupted(language)}})
            return
        yield _line({"summary": summary.as_dict(language)})
    finally:
        if not task.done():
            _unattended.add(task)
            task.add_done_callback(_unattended.discard)


def _interrupted(language: str) -> str:
    if language == "en":
        return "the import broke off; the members enrolled so far stay, and importing the file again adds the rest"
    return "导入中断：已导入的成员保留，重新导入同一文件即可补齐其余成员"


def _line(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, default=str) + "\n"
