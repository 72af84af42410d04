"""Backing a service up and restoring it: its database, consistent with its Kafka offsets.

A backup of one service is two files in a directory: ``NAME.dump`` (``pg_dump`` custom format)
and ``NAME.json``, the manifest: the consumer group's offsets, the migration revision, what the
service adds itself (``facts``: finance's ledger heads), the times and each file's SHA-256.

**Why the offsets are read before the dump.** The consumer commits a batch's effects and inbox
rows in PostgreSQL first and only then commits the batch's Kafka offsets. So when the group's
committed offset of a partition is ``n`` at some moment, every message below ``n`` is already in
the database at that moment. The backup reads the offsets (1), then opens the snapshot the dump
is taken from (2): everything below the offsets read in (1) is inside the snapshot of (2). The
offsets are thus at or below what the dump contains, never above: a restore that consumes from
them may deliver again some messages the dump already applied, and the inbox skips those (their
ids are in the restored ``inbox``). Offsets read after the snapshot could be above it, and the
messages in between would be lost to the restored service.

**One snapshot for the dump and the manifest.** A REPEATABLE READ, READ ONLY transaction exports
its snapshot (``pg_export_snapshot()``), reads the migration revision and the service's facts,
and stays open while ``pg_dump --snapshot`` dumps exactly what it sees: the ledger heads in the
manifest are those of the dump, whatever commits meanwhile. (The services write under READ
COMMITTED, so ``--serializable-deferrable`` would add nothing to this.)

**A restore** goes into an empty database only (or one not created yet); it refuses before
changing anything when the target holds anything, when a file's checksum differs from the
manifest, or when the consumer group it would move has members (the service is still running).
It then restores the dump in one transaction, checks the revision and the service's facts
(``check``: finance verifies every ledger's chain and its head against the manifest), sets the
consumer group to the manifest's offsets and, unless told not to, consumes the tail up to the
topics' current ends with the outbox relay off, as finance's rebuild does. The outbox rows the
dump holds unpublished are published when the service starts again; ones already published then
reach their consumers twice, and the inboxes skip them.
"""

import asyncio
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.db import ensure_database
from unionfed_shared.errors import Conflict
from unionfed_shared.messaging.kafka import (
    Kafka,
    beginning_offsets,
    client_kwargs,
    committed_offsets,
    end_offsets,
    kafka_client_options,
)
from unionfed_shared.runtime import Runtime, ServiceDefinition
from unionfed_shared.settings import ServiceSettings

MANIFEST_FORMAT = 1
# What a service reads from the dump's snapshot into the manifest (finance: every ledger's head).
Facts = Callable[[AsyncSession], Awaitable[dict[str, Any]]]
# What a service checks on its restored database against the manifest's facts: the problems found.
Check = Callable[[AsyncSession, dict[str, Any]], Awaitable[list[str]]]
Progress = Callable[[str], None]


class RestoreRefused(Conflict):
    """The restore changed nothing: the target, the files or the consumer group did not allow it."""

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"


class RestoreFailed(Exception):
    """The dump was restored, but the restored database does not hold what the manifest says."""


@dataclass(frozen=True)
class RestoreReport:
    database: str
    consumer_group: str
    tables: int
    replayed: int | None  # messages consumed after the backup's offsets; None: not replayed
    seconds: float
    notes: list[str] = field(default_factory=list)


def pg_tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` as deploy/local/infra.sh finds PostgreSQL: ``UNIONFED_PG_BIN``, else
    the newest ``/usr/lib/postgresql/<version>/bin`` (Debian's packages), else the PATH."""
    explicit = os.environ.get("UNIONFED_PG_BIN")
    candidates = [Path(explicit)] if explicit else []
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    candidates += reversed(versions)
    for folder in candidates:
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found (UNIONFED_PG_BIN, /usr/lib/postgresql/*/bin, PATH)")
    return found


def _libpq(database_url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL tools (the password never in argv)."""
    url = make_url(database_url)
    args = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = url.password
    return args, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _offsets_json(offsets: dict[tuple[str, int], int]) -> dict[str, dict[str, int]]:
    grouped: dict[str, dict[str, int]] = {}
    for (topic, partition), offset in sorted(offsets.items()):
        grouped.setdefault(topic, {})[str(partition)] = offset
    return grouped


def _offsets_of(document: dict[str, dict[str, int]]) -> dict[tuple[str, int], int]:
    return {(topic, int(p)): offset for topic, parts in document.items() for p, offset in parts.items()}


async def group_offsets(bootstrap: Kafka, group: str, topics: list[str]) -> dict[tuple[str, int], int]:
    """Where ``group`` would go on in every partition of ``topics``: its committed offset, else (it
    never committed there, and the consumer starts at the earliest record) the partition's first offset."""
    if not topics:
        return {}
    committed, first = await asyncio.gather(committed_offsets(bootstrap, group), beginning_offsets(bootstrap, topics))
    return {tp: committed.get(tp, start) for tp, start in first.items()}


async def take_backup(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    out_dir: Path,
    *,
    facts: Facts | None = None,
    progress: Progress = lambda line: None,
) -> dict[str, Any]:
    """Dump the service's database into ``out_dir`` with its manifest; returns the manifest."""
    name = definition.name
    dump_file, manifest_file = _new_files(out_dir, name)
    runtime = Runtime(definition, settings)
    topics, group = runtime.consumer.topics, settings.consumer_group
    started = _utc_now()
    try:
        # (1) The offsets first: see the module's docstring for why they are then at or below the dump.
        offsets = await group_offsets(kafka_client_options(settings), group, topics)
        progress(f"{name}: offsets of {group} read for {len(offsets)} partition(s)")
        # (2) The snapshot, the manifest's facts from it, and the dump of it while it is held.
        async with runtime.engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                await connection.execute(text("SET TRANSACTION READ ONLY"))
                snapshot = await connection.scalar(text("SELECT pg_export_snapshot()"))
                snapshot_at = _utc_now()
                revision = await connection.scalar(text("SELECT string_agg(version_num, ',') FROM alembic_version"))
                session = AsyncSession(bind=connection)
                service_facts = await facts(session) if facts else {}
                args, env = _libpq(settings.database_url)
                process = await asyncio.create_subprocess_exec(
                    pg_tool("pg_dump"),
                    *args,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={dump_file}",
                    env=env,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                )
                _out, err = await process.communicate()
                if process.returncode != 0:
                    raise RuntimeError(f"pg_dump of {name} failed: {err.decode(errors='replace').strip()}")
    finally:
        if runtime.blob_storage is not None:
            await runtime.blob_storage.close()
        await runtime.engine.dispose()
    manifest = {
        "format": MANIFEST_FORMAT,
        "service": name,
        "started_at": started,
        "snapshot_at": snapshot_at,
        "finished_at": _utc_now(),
        "migration_revision": revision,
        "consumer_group": group,
        "offsets": _offsets_json(offsets),
        "facts": service_facts,
        "files": {dump_file.name: _file_facts(dump_file)},
    }
    _write_manifest(manifest_file, manifest)
    size = manifest["files"][dump_file.name]["bytes"]
    progress(f"{name}: {dump_file} ({size:,} bytes), revision {revision}, manifest {manifest_file}")
    return manifest


# The name ``unionfed backup`` gives a backup directory by default: its UTC time, so names sort by age.
BACKUP_DIR_NAME = re.compile(r"^\d{8}T\d{6}Z$")


def prune_backups(parent: Path, keep: int, services: list[str]) -> list[Path]:
    """Remove all but the ``keep`` newest complete backups in ``parent``; the removed, oldest first.

    Only directories named by their UTC time that hold every service's manifest count: a backup
    that failed half-way, or any other directory, is left for a person to look at.
    """
    if keep < 1:
        raise ValueError("keep at least one backup")
    complete = sorted(
        path
        for path in parent.iterdir()
        if path.is_dir()
        and BACKUP_DIR_NAME.match(path.name)
        and all((path / f"{service}.json").is_file() for service in services)
    )
    removed = complete[:-keep]
    for path in removed:
        shutil.rmtree(path)
    return removed


def _new_files(out_dir: Path, name: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    dump_file, manifest_file = out_dir / f"{name}.dump", out_dir / f"{name}.json"
    if dump_file.exists() or manifest_file.exists():
        raise FileExistsError(f"{dump_file} or {manifest_file} exists already; back up into a new directory")
    return dump_file, manifest_file


def _write_manifest(manifest_file: Path, manifest: dict[str, Any]) -> None:
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _file_facts(path: Path) -> dict[str, Any]:
    return {"sha256": _sha256(path), "bytes": path.stat().st_size}


def read_manifest(backup_dir: Path, service: str) -> dict[str, Any]:
    """The manifest of ``service`` in ``backup_dir``, its files checked against their checksums."""
    manifest_file = backup_dir / f"{service}.json"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RestoreRefused(
            "backup_manifest_unreadable",
            zh=f"无法读取备份清单 {manifest_file}：{exc}",
            en=f"the backup manifest {manifest_file} cannot be read: {exc}",
        ) from None
    if manifest.get("service") != service or manifest.get("format") != MANIFEST_FORMAT:
        raise RestoreRefused(
            "backup_manifest_foreign",
            zh=f"{manifest_file} 不是 {service} 服务的备份清单",
            en=f"{manifest_file} is not a backup manifest of {service}",
        )
    for file_name, expected in manifest["files"].items():
        path = backup_dir / file_name
        actual = _sha256(path) if path.is_file() else None
        if actual != expected["sha256"]:
            raise RestoreRefused(
                "backup_checksum_mismatch",
                zh=f"备份文件 {path} 缺失或校验和与清单不符；未做任何更改",
                en=f"the backup file {path} is missing or its checksum differs from the manifest; nothing was changed",
            )
    return manifest


async def _database_contents(database_url: str) -> list[str] | None:
    """What the database holds besides what a new one has; None when it does not exist."""
    url = make_url(database_url)
    try:
        conn = await asyncpg.connect(
            host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
        )
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        relations = await conn.fetch(
            "SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' "
            "AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1 LIMIT 5"
        )
        extensions = await conn.fetch(
            "SELECT 'extension ' || extname AS name FROM pg_extension WHERE extname <> 'plpgsql'"
        )
        return [r["name"] for r in relations] + [r["name"] for r in extensions]
    finally:
        await conn.close()


async def _group_members(bootstrap: Kafka, group: str) -> int:
    admin = AIOKafkaAdminClient(**client_kwargs(bootstrap))
    await admin.start()
    try:
        responses = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    # DescribeGroupsResponse: groups of (error_code, group_id, state, protocol_type, protocol, members, …)
    return sum(len(described[5]) for response in responses for described in response.groups)


async def set_group_offsets(bootstrap: Kafka, group: str, offsets: dict[tuple[str, int], int]) -> None:
    """Commit ``offsets`` for ``group`` (which has no members): it goes on from there."""
    if not offsets:
        return
    consumer = AIOKafkaConsumer(**client_kwargs(bootstrap), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = {TopicPartition(topic, partition): offset for (topic, partition), offset in offsets.items()}
        consumer.assign(list(partitions))
        await consumer.commit(partitions)
    finally:
        await consumer.stop()


async def restore_backup(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    backup_dir: Path,
    *,
    check: Check | None = None,
    replay: bool = True,
    progress: Progress = lambda line: None,
    poll_s: float = 0.5,
) -> RestoreReport:
    """Restore ``backup_dir``'s dump of the service into ``settings.database_url`` (empty), then replay the tail.

    ``settings.consumer_group`` is the group set to the manifest's offsets and consumed with.
    Raises RestoreRefused before changing anything; RestoreFailed when the restored database does
    not hold what the manifest says.
    """
    name, database_url = definition.name, settings.database_url
    bootstrap, group = kafka_client_options(settings), settings.consumer_group
    clock = asyncio.get_running_loop().time
    began = clock()
    manifest = read_manifest(backup_dir, name)
    progress(f"{name}: manifest of {manifest['snapshot_at']} read, checksums match")
    contents = await _database_contents(database_url)
    target = make_url(database_url).database
    if contents:
        raise RestoreRefused(
            "restore_target_not_empty",
            zh=f"目标数据库 {target} 不是空的（已有 {', '.join(contents)} 等）；只能恢复到空数据库，未做任何更改",
            en=f"the target database {target} is not empty (it holds {', '.join(contents)}, …); "
            "a restore goes into an empty database only; nothing was changed",
        )
    offsets = _offsets_of(manifest["offsets"])
    if offsets and await _group_members(bootstrap, group):
        raise RestoreRefused(
            "restore_group_in_use",
            zh=f"消费组 {group} 仍有成员在运行；请先停止 {name} 服务，未做任何更改",
            en=f"the consumer group {group} still has members; stop the {name} service first; nothing was changed",
        )
    created = await ensure_database(database_url)
    progress(f"{name}: database {target} {'created' if created else 'exists and is empty'}; pg_restore …")
    args, env = _libpq(database_url)
    process = await asyncio.create_subprocess_exec(
        pg_tool("pg_restore"),
        *args,
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        str(backup_dir / f"{name}.dump"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await process.communicate()
    if process.returncode != 0:
        raise RestoreFailed(
            f"pg_restore into {target} failed (nothing restored): {err.decode(errors='replace').strip()}"
        )
    # The runtime's sessions read attachments where the service keeps them (a voucher in S3, say).
    runtime = Runtime(definition, settings)
    started = False
    try:
        async with runtime.session_factory() as session:
            tables = await session.scalar(
                text("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
            )
            revision = await session.scalar(text("SELECT string_agg(version_num, ',') FROM alembic_version"))
        problems = []
        if revision != manifest["migration_revision"]:
            problems.append(f"migration revision {revision}, the manifest says {manifest['migration_revision']}")
        if check is not None:
            async with runtime.session_factory() as session:
                problems += await check(session, manifest["facts"])
        if problems:
            raise RestoreFailed(
                f"{name}: the restored database {target} differs from the backup: " + "; ".join(problems)
            )
        progress(f"{name}: {tables} tables restored at revision {revision}; what the manifest records holds")
        await set_group_offsets(bootstrap, group, offsets)
        replayed = None
        if replay and runtime.consumer.topics:
            started = True
            replayed = await _replay_tail(runtime, offsets, progress, poll_s)
        elif replay:
            replayed = 0
        else:
            progress(
                f"{name}: consumer group {group} set to the backup's offsets; the service consumes the tail when started"
            )
    finally:
        if started:
            await runtime.stop()
        else:
            if runtime.blob_storage is not None:
                await runtime.blob_storage.close()
            await runtime.engine.dispose()
    return RestoreReport(target or "", group, int(tables or 0), replayed, clock() - began)


async def _replay_tail(runtime: Runtime, offsets: dict[tuple[str, int], int], progress: Progress, poll_s: float) -> int:
    """Consume from the backup's offsets to the topics' current ends, with the relay and schedules off."""
    name, settings = runtime.definition.name, runtime.settings
    bootstrap, group = runtime.kafka, settings.consumer_group
    targets = await end_offsets(bootstrap, runtime.consumer.topics)
    total = sum(max(end - offsets.get(tp, 0), 0) for tp, end in targets.items())
    progress(f"{name}: replaying {total:,} message(s) after the backup with group {group}")
    await runtime.start(consume=True, relay=False, schedule=False)
    said = -1
    while True:
        done = await committed_offsets(bootstrap, group)
        applied = sum(max(min(done.get(tp, 0), end) - offsets.get(tp, 0), 0) for tp, end in targets.items())
        if applied != said:
            progress(f"{name}: {applied:,} of {total:,} replayed")
            said = applied
        if applied >= total:
            return total
        await asyncio.sleep(poll_s)
