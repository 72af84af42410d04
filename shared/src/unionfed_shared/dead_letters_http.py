"""Dead letters over HTTP, for the platform's operators: ``GET /v1/dead-letters`` and its replay.

The same two routes in every service (each app mounts ``dead_letters_router()`` explicitly); they
answer what ``unionfed <service> dead-letters list|replay`` prints. Where a message came from, why it
failed and how often is shown; its payload is not: it may name members and their hardship.
"""

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from unionfed_shared.auth import Role
from unionfed_shared.caller import CurrentPrincipal, CurrentRuntime
from unionfed_shared.errors import Invalid, field_refusal
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt
from unionfed_shared.messaging.consumer import Outcome

# Running the platform, not a federation: a federation's officers see no other federation's
# messages, and a dead letter may be anyone's.
OPERATORS = (Role.PLATFORM_ADMIN,)

StatusFilter = Literal["pending", "replayed", "all"]


class DeadLetterOut(BaseModel):
    id: int
    consumer: str
    topic: str
    partition: int
    offset: int
    event_id: str | None = Field(description="Null when the message was not a readable CloudEvent")
    event_type: str | None
    error: str = Field(description="The exception of the last failure (English, technical)")
    attempts: int
    status: Literal["pending", "replayed"]
    first_failed_at: dt.datetime
    last_failed_at: dt.datetime
    resolved_at: dt.datetime | None = Field(description="When a replay applied it")


class DeadLetterCounts(BaseModel):
    pending: int
    replayed: int


class DeadLetterList(BaseModel):
    service: str
    counts: DeadLetterCounts = Field(description="Over all dead letters of the service, whatever `status` asks")
    items: list[DeadLetterOut] = Field(description="Oldest first, at most `limit`")
    more: bool = Field(description="More dead letters of the asked status than `limit`")


class ReplayRequest(BaseModel):
    ids: list[int] | None = Field(default=None, min_length=1, max_length=500, description="Dead letters to replay")
    all: bool = Field(default=False, description="Replay every pending dead letter instead")

    @model_validator(mode="after")
    def one_target(self) -> "ReplayRequest":
        if (self.ids is None) == (not self.all):
            raise field_refusal(
                "dead_letter_replay_target",
                zh="请指定要重放的死信编号（ids），或选择全部重放（all），二者只选其一",
                en="name the dead letters to replay (ids) or ask for all of them (all), not both",
            )
        return self


class ReplayedLetter(BaseModel):
    id: int
    outcome: Literal["processed", "duplicate", "ignored", "dead_lettered"] = Field(
        description="`dead_lettered`: it failed again and stays pending"
    )


class ReplayAnswer(BaseModel):
    results: list[ReplayedLetter]
    replayed: int
    still_failing: int


def _letter(row: dict) -> DeadLetterOut:
    return DeadLetterOut(
        **{k: row[k] for k in DeadLetterOut.model_fields if k in row}, first_failed_at=row["created_at"]
    )


def dead_letters_router() -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["operations"], route_class=IdempotentRoute)

    @router.get(
        "/dead-letters",
        response_model=DeadLetterList,
        summary="Messages this service could not apply (platform administrators)",
    )
    async def list_dead_letters(
        principal: CurrentPrincipal,
        runtime: CurrentRuntime,
        status: StatusFilter = Query(default="pending"),
        limit: int = Query(default=100, ge=1, le=500),
    ) -> DeadLetterList:
        principal.require_role(*OPERATORS)
        rows = await runtime.dead_letters.find(None if status == "all" else status, limit + 1)
        counts = await runtime.dead_letters.counts()
        return DeadLetterList(
            service=runtime.definition.name,
            counts=DeadLetterCounts(pending=counts.get("pending", 0), replayed=counts.get("replayed", 0)),
            items=[_letter(row) for row in rows[:limit]],
            more=len(rows) > limit,
        )

    @router.post(
        "/dead-letters/replay",
        response_model=ReplayAnswer,
        summary="Apply dead letters again, once their cause is fixed (platform administrators)",
    )
    @exempt("only pending dead letters are replayed and the consumer applies each event once (its inbox)")
    async def replay_dead_letters(
        body: ReplayRequest, principal: CurrentPrincipal, runtime: CurrentRuntime
    ) -> ReplayAnswer:
        principal.require_role(*OPERATORS)
        if body.ids is not None:
            pending = {row["id"] for row in await runtime.dead_letters.find("pending")}
            unknown = sorted(set(body.ids) - pending)
            if unknown:
                listed = ", ".join(map(str, unknown))
                raise Invalid(
                    "dead_letter_not_pending",
                    zh=f"以下死信不存在或已重放：{listed}",
                    en=f"no pending dead letter with id {listed}",
                )
        results = await runtime.dead_letters.replay(body.ids)
        failed = sum(1 for r in results if r.outcome is Outcome.DEAD_LETTERED)
        return ReplayAnswer(
            results=[ReplayedLetter(id=r.dead_letter_id, outcome=r.outcome.value) for r in results],
            replayed=len(results) - failed,
            still_failing=failed,
        )

    return router
