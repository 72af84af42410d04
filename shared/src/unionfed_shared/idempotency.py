"""Safe retries: the ``Idempotency-Key`` request header (IETF httpapi draft "The Idempotency-Key HTTP
Header Field").

A client that sends a creating or money-moving POST with a key and loses the connection can send it
again with the same key: it gets the first answer (status, body, Location…) and nothing happens twice.

Why the key is stored in the command's own transaction: a key recorded before the command (separate
transaction) blocks a retry after a crash that lost the command; a key recorded after it is lost by a
crash between the two and the retry does the command again. So the request's first
:class:`~unionfed_shared.messaging.unit_of_work.UnitOfWork` takes the key's lock and, when it commits,
does not commit yet: the transaction stays open until the answer is known, the answer is written
beside the effect, and the middleware commits both before it lets the answer leave. A connection
dropped after that commit finds the key with its answer on the retry; a crash before it leaves
neither.

* same key, same request (method, route, path and query parameters, body), same caller → the stored
  answer with ``Idempotent-Replayed: true``;
* same key, another request → 422 ``idempotency_key_reused``, nothing done;
* same key while the first is still running → 409 ``idempotency_key_in_flight``, nothing done;
* keys are the caller's (token subject): another caller's key is simply another key;
* a request that commits nothing (refused, or failed) stores no key: its retry runs again.

Keys live ``TTL`` (24 hours) and are deleted a few at a time by later keyed requests.
"""

import contextvars
import datetime as dt
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from unionfed_shared.errors import DomainError
from unionfed_shared.problems import problem_response

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
# Headers that are part of the answer a retry must see again; x-request-id and the like are per request.
_REPLAYED_HEADERS = frozenset(
    {
        b"content-type",
        b"location",
        b"content-location",
        b"content-language",
        b"content-disposition",
        b"link",
        b"retry-after",
    }
)
_SWEEP_BATCH = 50


def add_idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys",
        metadata,
        Column("subject", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("fingerprint", Text, nullable=False),
        Column("method", Text, nullable=False),
        Column("route", Text, nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("headers", JSONB, nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("subject", "key", name="pk_idempotency_keys"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )


def create_idempotency_keys_v1(op) -> None:
    """Create ``idempotency_keys`` (call from a service's Alembic revision)."""
    import sqlalchemy as sa

    op.create_table(
        "idempotency_keys",
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.Text(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("headers", JSONB(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])


def drop_idempotency_keys_v1(op) -> None:
    op.drop_table("idempotency_keys")


# -- refusals and replays ------------------------------------------------------------------------


class IdempotencyProblem(DomainError):
    status_code = 400
    category = "idempotency_key_invalid"


class IdempotencyKeyInvalid(IdempotencyProblem):
    pass


class IdempotencyKeyReused(IdempotencyProblem):
    status_code = 422
    category = "idempotency_key_reused"


class IdempotencyKeyInFlight(IdempotencyProblem):
    status_code = 409
    category = "idempotency_key_in_flight"


class IdempotentReplay(Exception):
    """The request was done before: answer what was answered then."""

    def __init__(self, status_code: int, headers: list[list[str]], body: bytes):
        super().__init__(status_code)
        self.status_code = status_code
        self.headers = headers
        self.body = body


def replay_response(replay: IdempotentReplay) -> Response:
    response = Response(content=replay.body, status_code=replay.status_code)
    # Response() set content-length from the body; the stored headers carry the rest of the answer.
    for name, value in replay.headers:
        response.headers.append(name, value)
    response.headers[REPLAYED_HEADER] = "true"
    return response


# -- the key of one request ------------------------------------------------------------------------


def parse_key(raw: str) -> str:
    """The header is a structured-field string (``"abc"``, RFC 8941); a bare token is accepted too."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if not value or len(value) > MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in value):
        raise IdempotencyKeyInvalid(
            "idempotency_key_invalid",
            zh=f"{HEADER} 须为 1 到 {MAX_KEY_LENGTH} 个可打印 ASCII 字符，例如一个 UUID",
            en=f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters, e.g. a UUID",
        )
    return value


def fingerprint(
    secret: bytes, method: str, route: str, path_params: dict, query: list[tuple[str, str]], body_digest: str
) -> str:
    """What makes two requests "the same request" for one key.

    Keyed (HMAC with the service's secret): a plain digest of a body holding an ID number could be
    reversed by trying every ID number; this one cannot without the secret.
    """
    canonical = json.dumps(
        [method, route, sorted((k, str(v)) for k, v in path_params.items()), sorted(query), body_digest],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hmac.new(secret, b"unionfed-idempotency-fingerprint-v1\x00" + canonical.encode(), hashlib.sha256).hexdigest()


def json_body_digest(body: bytes) -> str:
    """The body's digest; JSON is canonicalised so that a retry re-serialised by the client still matches."""
    try:
        value = json.loads(body) if body else None
    except ValueError:
        return hashlib.sha256(body).hexdigest()
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class IdempotentRequest:
    """One keyed request: looks its key up, holds its lock, and stores its answer with its effect."""

    table: Table
    subject: str
    key: str
    fingerprint: str
    method: str
    route: str
    session: AsyncSession | None = field(default=None, repr=False)  # the transaction the effect is in
    # Answered or failed: a unit of work started later (say, by a task that copied this context) is no part of it.
    finished: bool = False

    @property
    def holds_transaction(self) -> bool:
        return self.session is not None

    def _lock_id(self):
        # 64-bit hash of the caller's key: a collision costs a needless 409, never a wrong answer.
        return func.hashtextextended(self.subject + "\x1f" + self.key, 0)

    async def check(self, connection: AsyncConnection | AsyncSession) -> None:
        """Raise the replay, or the refusal, that an earlier request with this key calls for."""
        row = (
            (
                await connection.execute(
                    select(self.table).where(
                        self.table.c.subject == self.subject,
                        self.table.c.key == self.key,
                        self.table.c.expires_at > func.now(),
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return
        if row["fingerprint"] != self.fingerprint:
            raise IdempotencyKeyReused(
                "idempotency_key_reused",
                zh=f"此 {HEADER} 已用于另一请求（{row['method']} {row['route']}，参数或内容不同）；新请求请用新键",
                en=f"this {HEADER} was used for another request ({row['method']} {row['route']} with other "
                "parameters or body); use a new key for a new request",
            )
        raise IdempotentReplay(row["status_code"], row["headers"], row["body"])

    async def guard(self, session: AsyncSession) -> None:
        """At the start of a transaction that may do the work: hold the key, then look it up again."""
        locked = await session.scalar(select(func.pg_try_advisory_xact_lock(self._lock_id())))
        if not locked:
            raise IdempotencyKeyInFlight(
                "idempotency_key_in_flight",
                zh=f"使用此 {HEADER} 的请求仍在处理中；请待其答复后重试",
                en=f"a request with this {HEADER} is still being processed; retry once it has answered",
            )
        await self.check(session)

    def bind(self, session: AsyncSession) -> None:
        """The work is done in ``session``: it commits when the answer is known (:meth:`complete`)."""
        self.session = session

    def owns(self, session: AsyncSession) -> bool:
        return self.session is session

    async def complete(self, status_code: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Store the answer beside the effect and commit both."""
        session = self.session
        assert session is not None
        try:
            kept = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in headers if k.lower() in _REPLAYED_HEADERS]
            await session.execute(
                delete(self.table).where(
                    self.table.c.subject == self.subject,
                    self.table.c.key == self.key,
                    self.table.c.expires_at <= func.now(),
                )
            )
            await session.execute(
                insert(self.table).values(
                    subject=self.subject,
                    key=self.key,
                    fingerprint=self.fingerprint,
                    method=self.method,
                    route=self.route,
                    status_code=status_code,
                    headers=kept,
                    body=body,
                    expires_at=func.now() + TTL,
                )
            )
            await _sweep_expired(session, self.table)
            await session.commit()
        finally:
            self.session = None
            self.finished = True
            await session.close()

    async def abandon(self) -> None:
        """No answer to store (the request failed): the effect is rolled back with the key."""
        session, self.session = self.session, None
        self.finished = True
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()


async def _sweep_expired(session: AsyncSession, table: Table) -> None:
    """A few expired keys go with each new one: cheap, and enough to keep the table at a day's keys."""
    expired = (
        select(table.c.subject, table.c.key)
        .where(table.c.expires_at <= func.now())
        .order_by(table.c.expires_at)
        .limit(_SWEEP_BATCH)
        .with_for_update(skip_locked=True)
    )
    await session.execute(delete(table).where(tuple_(table.c.subject, table.c.key).in_(expired)))


# -- the request being served ----------------------------------------------------------------------


@dataclass
class _Slot:
    request: IdempotentRequest | None = None


_current: contextvars.ContextVar[_Slot | None] = contextvars.ContextVar("unionfed_idempotency", default=None)


def active_request() -> IdempotentRequest | None:
    """The keyed request this task is serving, if any (what the unit of work asks at begin and commit)."""
    slot = _current.get()
    if slot is None or slot.request is None or slot.request.finished:
        return None
    return slot.request


def register(request: IdempotentRequest) -> None:
    slot = _current.get()
    if slot is None:
        raise RuntimeError(
            "IdempotencyMiddleware is not installed on this app (see unionfed_shared.idempotency.install)"
        )
    slot.request = request


class IdempotencyMiddleware:
    """Holds a keyed POST's answer until its transaction (effect + key + answer) has committed."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        slot = _Slot()
        token = _current.set(slot)
        start: dict | None = None
        chunks: list[bytes] = []

        async def send_after_commit(message) -> None:
            nonlocal start
            request = slot.request
            if request is None or not request.holds_transaction:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            assert start is not None  # ASGI sends the start before the body
            answer = start
            try:
                await request.complete(answer["status"], answer.get("headers", []), body)
            except Exception:
                log.exception("idempotent request: commit failed", extra={"route": request.route})
                failed = problem_response(
                    Request(scope),
                    status=500,
                    category="commit_failed",
                    code="commit_failed",
                    texts={
                        "zh-CN": f"更改可能未保存；请用同一 {HEADER} 重试：已保存则答复首次结果，未保存则现在执行",
                        "en": f"the change may not have been saved; retry with the same {HEADER}: "
                        "it answers the first answer if it was, or does it now if it was not",
                    },
                )
                answer = {"type": "http.response.start", "status": 500, "headers": failed.raw_headers}
                body = bytes(failed.body)
            await send(answer)
            await send({"type": "http.response.body", "body": body})

        try:
            await self.app(scope, receive, send_after_commit)
        finally:
            try:
                if slot.request is not None:
                    await slot.request.abandon()  # nothing left to roll back once it completed
            finally:
                _current.reset(token)


async def _replay(_request: Request, exc: IdempotentReplay) -> Response:
    return replay_response(exc)


OPENAPI_PARAMETER = "IdempotencyKey"
# What parse_key accepts: 1 to 255 printable ASCII characters, no space at either end (quotes allowed).
KEY_PATTERN = rf"^[!-~]([ -~]{{0,{MAX_KEY_LENGTH - 2}}}[!-~])?$"


def _reusable_header_parameter(app) -> None:
    """Document the header once, in ``components/parameters``, and refer to it from every keyed operation."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        shared = None
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                parameters = (operation.get("parameters") if isinstance(operation, dict) else None) or []
                for index, parameter in enumerate(parameters):
                    if parameter.get("in") == "header" and parameter.get("name") == HEADER:
                        shared = shared or parameter
                        parameters[index] = {"$ref": f"#/components/parameters/{OPENAPI_PARAMETER}"}
        if shared is not None:
            # A header is text or absent: the schema says which text parse_key accepts.
            shared["schema"] = {
                "type": "string",
                "pattern": KEY_PATTERN,
                "maxLength": MAX_KEY_LENGTH,
                "examples": shared["schema"].get("examples", []),
            }
            schema.setdefault("components", {}).setdefault("parameters", {})[OPENAPI_PARAMETER] = shared
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


def install(app) -> None:
    """Wire safe retries into an app (the routes opt in with ``IdempotentRoute``)."""
    app.add_middleware(IdempotencyMiddleware)
    app.add_exception_handler(IdempotentReplay, _replay)
    _reusable_header_parameter(app)
