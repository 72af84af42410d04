"""Rotating the personal-data key on real PostgreSQL: rows written under key A stay readable
while B is current, ``reencrypt-pii`` moves every row to B (resumably, in batches), A leaves the
ring and every row still reads; a second run does nothing; a ring without the rows' key is
refused in Chinese first and changes nothing."""

import asyncio
import datetime as dt
import json
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from tests.pytest_infra import service_env, unique
from unionfed_membership.adapters import pii
from unionfed_membership.domain.member_search import MemberFilter
from unionfed_membership.domain.model import Member
from unionfed_membership.domain.personal_data import id_check_character
from unionfed_membership.domain.safety import SafetyInspector
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.entrypoints.cli import cli
from unionfed_membership.service_layer.personal_data_keys import reencrypt_personal_data

pytestmark = pytest.mark.integration

A = "key-a-" + "a" * 32
B = "key-b-" + "b" * 32
C = "key-c-" + "c" * 32


def _id_number(n: int) -> str:
    first_17 = f"3301021985061{n:04d}"
    return first_17 + id_check_character(first_17)


@pytest.fixture
def restored_ring():
    """Building settings configures the process's ring: give the next test back the one it had."""
    saved = pii._current
    yield
    pii._current = saved


async def _rows(runtime) -> list[tuple]:
    async with runtime.engine.connect() as conn:
        members = (
            await conn.execute(
                text(
                    "SELECT id, pii_key_id, id_number_ciphertext, phone_ciphertext, id_number_digest, "
                    "id_number_tail_digest FROM members ORDER BY id"
                )
            )
        ).all()
        inspectors = (
            await conn.execute(text("SELECT id, pii_key_id, phone_ciphertext FROM safety_inspectors ORDER BY id"))
        ).all()
    return [tuple(row) for row in (*members, *inspectors)]


async def _key_ids(runtime) -> dict[str, set[str]]:
    async with runtime.engine.connect() as conn:
        return {
            table: set((await conn.scalars(text(f"SELECT DISTINCT pii_key_id FROM {table}"))).all())
            for table in ("members", "safety_inspectors")
        }


async def _reads_everything(runtime, county: str, people: dict[uuid.UUID, tuple[str, str | None]], inspector) -> None:
    """Every member's number and phone, found by the number and by its tail; the inspector's phone."""
    async with runtime.uow() as uow:
        root = await uow.organizations.get(county)
        for member_id, (number, phone) in people.items():
            member = await uow.members.get(member_id)
            assert (member.id_number, member.phone) == (number, phone)
            assert (await uow.members.find_by_id_number(county, number)).id == member_id
            found = await uow.members.search(root, MemberFilter(id_tail=number[-4:]), None, 10)
            assert [m.id for m in found] == [member_id]
        assert (await uow.safety_inspectors.get(inspector.id)).phone == inspector.phone


def _cli(monkeypatch, infra, database: str, keys: dict[str, str], current: str, *args: str):
    env = service_env(infra, "membership", database, pii_keys=json.dumps(keys), pii_key_id=current)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return asyncio.to_thread(CliRunner().invoke, cli, ["reencrypt-pii", *args])


async def test_the_personal_data_key_rotates_and_every_row_moves_to_the_new_key(
    infra, build_service, monkeypatch, restored_ring
):
    database = f"t_membership_{uuid.uuid4().hex[:8]}"

    async def under(keys: dict[str, str], current: str):
        return await build_service(
            definition, start=False, database=database, pii_keys=json.dumps(keys), pii_key_id=current
        )

    # Key A alone: five members (one without a phone) and a safety inspector with a phone.
    runtime = await under({"a": A}, "a")
    county, school = unique("county"), unique("school")
    enterprise_id = uuid.uuid4()
    async with runtime.engine.begin() as conn:
        for org, kind, parent, path in (
            (county, "federation", None, [county]),
            (school, "grassroots_union", county, [county, school]),
        ):
            await conn.execute(
                text("INSERT INTO organizations (id, name, kind, parent_id, path) VALUES (:id, :id, :k, :p, :path)"),
                {"id": org, "k": kind, "p": parent, "path": path},
            )
        await conn.execute(
            text(
                "INSERT INTO enterprises (id, organization_id, federation_id, name, credit_code, workers, "
                "registered_by) VALUES (:id, :o, :o, '某厂', '91330100MA0000000X', 10, 'test')"
            ),
            {"id": enterprise_id, "o": county},
        )
    people: dict[uuid.UUID, tuple[str, str | None]] = {
        uuid.uuid4(): (_id_number(n), None if n == 3 else f"1380000{n:04d}") for n in range(1, 6)
    }
    inspector = SafetyInspector(
        id=uuid.uuid4(), enterprise_id=enterprise_id, name="赵工", appointed_on=dt.date(2026, 1, 5), phone="13900001111"
    )
    async with runtime.uow() as uow:
        for member_id, (number, phone) in people.items():
            await uow.members.add(
                Member(
                    id=member_id,
                    organization_id=school,
                    federation_id=county,
                    display_name=f"会员{number[-4:]}",
                    gender="female",
                    joined_on=dt.date(2020, 9, 1),
                    id_number=number,
                    phone=phone,
                )
            )
        await uow.safety_inspectors.add(inspector, "test")
        await uow.commit()
    assert await _key_ids(runtime) == {"members": {"a"}, "safety_inspectors": {"a"}}
    under_a = await _rows(runtime)

    # B current, A kept: the rows under A read (and are found by number and tail) as before;
    # a new member is written under B, and the same person under A's digest is still recognised.
    runtime = await under({"a": A, "b": B}, "b")
    await _reads_everything(runtime, county, people, inspector)
    newcomer = uuid.uuid4()
    async with runtime.uow() as uow:
        assert await uow.members.find_by_id_number(county, _id_number(1)) is not None
        await uow.members.add(
            Member(
                id=newcomer,
                organization_id=school,
                federation_id=county,
                display_name="新会员",
                gender="male",
                joined_on=dt.date(2026, 12, 1),
                id_number=_id_number(9),
                phone="13800009999",
            )
        )
        await uow.commit()
    people[newcomer] = (_id_number(9), "13800009999")
    assert await _key_ids(runtime) == {"members": {"a", "b"}, "safety_inspectors": {"a"}}

    # A run stopped after its first batch (two rows, committed) ...
    class Stopped(Exception):
        pass

    def stop(table: str, done: int, total: int) -> None:
        raise Stopped(f"{table} {done}/{total}")

    with pytest.raises(Stopped, match="members 2/5"):
        await reencrypt_personal_data(runtime.uow, batch_size=2, progress=stop)
    async with runtime.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM members WHERE pii_key_id = 'a'")) == 3
    # ... is resumed by running the command again: the rest moves, with its progress.
    result = await _cli(monkeypatch, infra, database, {"a": A, "b": B}, "b", "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert "members: 2/3 re-encrypted\nmembers: 3/3 re-encrypted\nsafety_inspectors: 1/1 re-encrypted\n" in (
        result.output
    )
    assert "4 row(s) re-encrypted under key b" in result.output
    runtime = await under({"a": A, "b": B}, "b")
    assert await _key_ids(runtime) == {"members": {"b"}, "safety_inspectors": {"b"}}
    # Every ciphertext and digest is new: nothing of A's is left in a row.
    under_b = {row[0]: row for row in await _rows(runtime)}
    for before in under_a:
        after = under_b[before[0]]
        assert all(old is None or old != new for old, new in zip(before[2:], after[2:], strict=True)), before[0]

    # A removed from the ring: every row still reads; a second run finds nothing to do.
    runtime = await under({"b": B}, "b")
    await _reads_everything(runtime, county, people, inspector)
    again = await _cli(monkeypatch, infra, database, {"b": B}, "b")
    assert again.exit_code == 0, again.output
    assert "nothing to re-encrypt: every row is under key b" in again.output
    assert "members before: b: 6" in again.output and "safety_inspectors before: b: 1" in again.output

    # A ring that lacks B (C only): refused, Chinese first, and no row changed.
    unchanged = await _rows(runtime)
    refused = await _cli(monkeypatch, infra, database, {"c": C}, "c")
    assert refused.exit_code == 1, refused.output
    assert refused.output.startswith(
        "Error: 有个人信息在密钥 b 之下，而密钥环（MEMBERSHIP_PII_KEYS）中没有该密钥：未作任何改动"
    ), refused.output
    assert "personal data is under key(s) b, which the key ring (MEMBERSHIP_PII_KEYS) lacks" in refused.output
    assert await _rows(runtime) == unchanged
