"""The audit log: who did what and when, for every state-changing HTTP call, append-only.

Every POST/PUT/PATCH/DELETE a service answers, refused ones included, leaves one row in its own
database's ``audit_log``: when (UTC), who (subject, role, the organization and federation they
acted for, as the verified token named them; nobody when the token was missing or invalid), what
(method, route template, path parameters, request/correlation/trace ids) and the outcome (status).
Request bodies and query strings are never stored: they carry personal data.

A trigger refuses UPDATE, DELETE and TRUNCATE on the table, so rows can only be added.
"""

import datetime as dt
import logging
import time
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_shared.access_log import request_id_of
from unionfed_shared.auth import Principal, Role
from unionfed_shared.caller import AUDIT_SCOPE_KEY, CurrentPrincipal, CurrentRuntime
from unionfed_shared.observability import current_trace_id
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page, decode_position, page_of
from unionfed_shared.wire_values import Moment

log = logging.getLogger(__name__)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_MAX_VALUE = 200

metadata = MetaData()

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("subject", Text),
    Column("role", Text),
    Column("organization_id", Text),
    Column("federation_id", Text),
    Column("method", Text, nullable=False),
    Column("route", Text, nullable=False),
    Column("path_params", JSONB, nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("request_id", Text, nullable=False),
    Column("correlation_id", Text),
    Column("trace_id", Text),
    Column("duration_ms", Integer, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
    Index("ix_audit_log_organization", "organization_id", "id"),
    Index("ix_audit_log_subject", "subject", "id"),
)

# The DDL each service's migration runs (see create_audit_log_v1). Kept here, once, beside the table.
_APPEND_ONLY_V1 = (
    """
    CREATE FUNCTION audit_log_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END $$
    """,
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log"
    " FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_rewrite()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
    " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_rewrite()",
)


def create_audit_log_v1(op) -> None:
    """Create ``audit_log`` and its append-only triggers (call from a service's Alembic revision)."""
    import sqlalchemy as sa

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subject", sa.Text()),
        sa.Column("role", sa.Text()),
        sa.Column("organization_id", sa.Text()),
        sa.Column("federation_id", sa.Text()),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("route", sa.Text(), nullable=False),
        sa.Column("path_params", JSONB(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.Text()),
        sa.Column("trace_id", sa.Text()),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )
    op.create_index("ix_audit_log_organization", "audit_log", ["organization_id", "id"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject", "id"])
    for statement in _APPEND_ONLY_V1:
        op.execute(statement)


def drop_audit_log_v1(op) -> None:
    op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
    op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION audit_log_refuse_rewrite()")


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return value.decode("latin-1")
    return None


def _clip(value: Any) -> str:
    # PostgreSQL text and JSONB cannot hold NUL: a path parameter carrying one would lose the row.
    return str(value)[:_MAX_VALUE].replace("\x00", "\ufffd")


def outcome_of(status_code: int) -> str:
    if status_code < 400:
        return "succeeded"
    if status_code < 500:
        return "refused"
    return "failed"


class AuditMiddleware:
    """ASGI middleware writing one audit row per state-changing call, before its answer leaves."""

    def __init__(self, app, runtime):
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        holder: dict = {}
        scope[AUDIT_SCOPE_KEY] = holder
        # The id the access-log middleware chose and answers with (x-request-id): one id per request.
        request_id = request_id_of(scope)
        occurred_at = dt.datetime.now(dt.UTC)
        started = time.monotonic()
        recorded = False

        async def record(status_code: int) -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            await self._record(scope, holder, status_code, request_id, occurred_at, started)

        async def send_recorded(message) -> None:
            if message["type"] == "http.response.start":
                await record(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recorded)
        except BaseException:
            await record(500)
            raise

    async def _record(
        self, scope, holder: dict, status_code: int, request_id: str, occurred_at: dt.datetime, started: float
    ) -> None:
        principal: Principal | None = holder.get("principal")
        route = scope.get("route")
        template = getattr(route, "path", None)
        # An unmatched path is not stored: it is whatever the caller typed, personal data included.
        params = {k: _clip(v) for k, v in (scope.get("path_params") or {}).items()} if template else {}
        correlation = _header(scope, b"x-correlation-id")
        row = {
            "occurred_at": occurred_at,
            "subject": principal.subject if principal else None,
            "role": principal.role.value if principal else None,
            "organization_id": principal.organization_id if principal else None,
            "federation_id": principal.federation_id if principal else None,
            "method": scope["method"],
            "route": template or "<unmatched>",
            "path_params": params,
            "status_code": status_code,
            "outcome": outcome_of(status_code),
            "request_id": request_id,
            "correlation_id": _clip(correlation) if correlation else None,
            "trace_id": current_trace_id(),
            "duration_ms": int((time.monotonic() - started) * 1000),
        }
        try:
            async with self.runtime.engine.begin() as connection:
                await connection.execute(insert(audit_log).values(**row))
        except Exception:
            log.exception(
                "audit log write failed",
                extra={
                    "audit_method": row["method"],
                    "audit_route": row["route"],
                    "audit_request_id": request_id,
                    "audit_status": status_code,
                },
            )


class AuditEntry(BaseModel):
    id: int
    occurred_at: dt.datetime
    subject: str | None
    role: str | None
    organization_id: str | None
    federation_id: str | None
    method: str
    route: str
    path_params: dict[str, str]
    status_code: int
    outcome: str
    request_id: str
    correlation_id: str | None
    trace_id: str | None
    duration_ms: int


async def _organizations_table(connection) -> str:
    """Where this service keeps the organization tree: its own (membership) or its directory copy."""
    for name in ("directory_organizations", "organizations"):
        if await connection.scalar(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": f"public.{name}"}):
            return name
    raise LookupError("no organization tree in this database")


def audit_router() -> APIRouter:
    """``GET /v1/organizations/{id}/audit-log``: the calls made by people acting for that subtree."""
    router = APIRouter(prefix="/v1", tags=["audit"])

    @router.get(
        "/organizations/{organization_id}/audit-log",
        response_model=Page[AuditEntry],
        summary="Audit log: state-changing calls by callers acting for this organization or below",
    )
    async def read_audit_log(
        organization_id: str,
        principal: CurrentPrincipal,
        runtime: CurrentRuntime,
        route: str | None = Query(
            default=None,
            max_length=300,
            description="A route template, e.g. /v1/grants/{grant_id}/approval",
        ),
        status_code: int | None = Query(
            default=None, alias="status", ge=100, le=599, description="HTTP status answered"
        ),
        actor: str | None = Query(default=None, max_length=200, description="The caller's token subject"),
        occurred_from: Moment | None = Query(default=None, alias="from", description="Inclusive, with a zone"),
        occurred_to: Moment | None = Query(default=None, alias="to", description="Exclusive, with a zone"),
        cursor: Cursor = None,
        limit: Limit = DEFAULT_LIMIT,
    ) -> Page[AuditEntry]:
        """Newest first. Pass the answer's `next_cursor` as `cursor` for the next page; null on the last."""
        principal.require_role(Role.AUDITOR, Role.FEDERATION_ADMIN)
        before_id = decode_position(cursor) if cursor else None
        async with runtime.engine.connect() as connection:
            table = await _organizations_table(connection)
            path = await connection.scalar(text(f"SELECT path FROM {table} WHERE id = :id"), {"id": organization_id})
            principal.require_scope(path)
            subtree = text(f"SELECT id FROM {table} WHERE :org = ANY(path)").bindparams(org=organization_id)
            query = select(audit_log).where(
                audit_log.c.organization_id.in_(subtree.columns(id=Text).subquery().select())
            )
            for column, wanted in (
                (audit_log.c.route, route),
                (audit_log.c.status_code, status_code),
                (audit_log.c.subject, actor),
            ):
                if wanted is not None:
                    query = query.where(column == wanted)
            if occurred_from is not None:
                query = query.where(audit_log.c.occurred_at >= occurred_from)
            if occurred_to is not None:
                query = query.where(audit_log.c.occurred_at < occurred_to)
            if before_id is not None:
                query = query.where(audit_log.c.id < before_id)
            query = query.order_by(audit_log.c.id.desc()).limit(limit + 1)
            rows = [AuditEntry(**row._mapping) for row in await connection.execute(query)]
        found, next_cursor = page_of(rows, limit, key=lambda entry: (entry.id,))
        return Page[AuditEntry](items=found, next_cursor=next_cursor)

    return router
