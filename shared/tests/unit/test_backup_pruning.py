"""``unionfed backup --keep N``: only complete, time-named backups are pruned, the newest kept."""

from pathlib import Path

import pytest

from unionfed_shared.backup import prune_backups

SERVICES = ["membership", "finance"]


def backup(parent: Path, name: str, services: list[str] = SERVICES) -> Path:
    path = parent / name
    path.mkdir()
    for service in services:
        (path / f"{service}.json").write_text("{}")
        (path / f"{service}.dump").write_bytes(b"dump")
    return path


def test_the_newest_complete_backups_are_kept_and_the_older_removed_oldest_first(tmp_path: Path):
    oldest = backup(tmp_path, "20261201T020000Z")
    older = backup(tmp_path, "20261202T020000Z")
    newer = backup(tmp_path, "20261203T020000Z")
    newest = backup(tmp_path, "20261204T020000Z")

    assert prune_backups(tmp_path, 2, SERVICES) == [oldest, older]

    assert sorted(p.name for p in tmp_path.iterdir()) == [newer.name, newest.name]


def test_a_half_done_backup_and_foreign_directories_are_left_alone_and_do_not_count(tmp_path: Path):
    complete_old = backup(tmp_path, "20261201T020000Z")
    half_done = backup(tmp_path, "20261202T020000Z", services=["membership"])
    foreign = backup(tmp_path, "before-the-upgrade")
    complete_new = backup(tmp_path, "20261203T020000Z")

    assert prune_backups(tmp_path, 1, SERVICES) == [complete_old]

    assert half_done.exists() and foreign.exists() and complete_new.exists()


def test_keeping_none_is_refused(tmp_path: Path):
    backup(tmp_path, "20261201T020000Z")
    with pytest.raises(ValueError):
        prune_backups(tmp_path, 0, SERVICES)
    assert (tmp_path / "20261201T020000Z").exists()
