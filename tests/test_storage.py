"""TinyDB made safe: atomic writes, no lost writes between processes, damage reported not hidden."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest
from filelock import FileLock

from broadcaster.atomic import replacing
from broadcaster.errors import StorageError
from broadcaster.storage import SCHEMA_VERSION, AtomicJSONStorage, Store
from tests.helpers import killed_while_replacing


def _insert_many(path: str, who: int, n: int) -> None:
    store = Store(Path(path))
    for i in range(n):
        with store.transaction() as db:
            db.table("t").insert({"who": who, "i": i})


def test_two_processes_lose_no_writes(tmp_path):
    path = tmp_path / "db.json"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_insert_many, args=(str(path), who, 40)) for who in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with Store(path).transaction() as db:
        rows = db.table("t").all()
    assert sorted((r["who"], r["i"]) for r in rows) == [(w, i) for w in (1, 2) for i in range(40)]


def test_damaged_file_is_reported_and_left_as_it_is(tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"t": {"1": {"a": 1}', encoding="utf-8")
    with pytest.raises(StorageError) as err:
        with Store(path).transaction():
            pass
    assert str(err.value).startswith(f"{path}:1: the database is damaged")
    assert path.read_text(encoding="utf-8") == '{"t": {"1": {"a": 1}'


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"_meta": {"1": {"schema": %d}}}' % (SCHEMA_VERSION + 1), encoding="utf-8")
    with pytest.raises(StorageError, match="newer broadcaster"):
        with Store(path).transaction():
            pass


def test_write_replaces_whole_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "db.json"
    with Store(path).transaction() as db:
        db.table("t").insert({"text": "Thông điệp 5K"})
    assert "Thông điệp 5K" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.lock"]


def test_a_transaction_is_written_once_and_not_at_all_after_an_error(tmp_path, monkeypatch):
    path = tmp_path / "db.json"
    with Store(path).transaction() as db:
        db.table("t").insert({"i": 0})
    before = path.read_bytes()
    writes = []
    original = AtomicJSONStorage.write
    monkeypatch.setattr(AtomicJSONStorage, "write", lambda self, data: (writes.append(1), original(self, data)))
    with pytest.raises(RuntimeError):
        with Store(path).transaction() as db:
            db.table("t").insert({"i": 1})
            db.table("history").insert({"i": 1})
            raise RuntimeError("cut off")
    assert path.read_bytes() == before and writes == []
    with Store(path).transaction() as db:
        db.table("t").insert({"i": 1})
        db.table("history").insert({"i": 1})
    assert len(writes) == 1
    with Store(path).transaction() as db:
        assert [r["i"] for r in db.table("t").all()] == [0, 1] and len(db.table("history")) == 1


def test_a_temporary_file_left_by_a_killed_writer_is_removed_when_the_store_is_next_written(tmp_path):
    path = tmp_path / "db.json"
    with Store(path).transaction() as db:
        db.table("t").insert({"i": 0})
    other = Store(tmp_path / "other.json")  # another store in the same folder, with a lock of its own
    with other.transaction():
        pass
    leftover, others = killed_while_replacing(path, other.path)
    (tmp_path / "db.json.ghi-chu.tmp").write_text("a file of someone else's naming", encoding="utf-8")
    with Store(path).transaction() as db:
        assert [r["i"] for r in db.table("t").all()] == [0]
    assert not leftover.exists() and others.exists() and (tmp_path / "db.json.ghi-chu.tmp").exists()
    assert Store(other.path).read() is not None and others.exists()  # reading removes nothing
    with other.transaction():
        pass
    assert not others.exists()


def _write_while_holding_the_lock(path: str, writing, done) -> None:
    with FileLock(path + ".lock"):
        with replacing(Path(path), "w", encoding="utf-8") as f:
            json.dump({"t": {"1": {"who": "the other process"}}}, f)
            f.flush()
            writing.set()
            done.wait(60)


def test_a_temporary_file_that_another_process_is_writing_is_left_alone(tmp_path):
    path = tmp_path / "db.json"
    ctx = multiprocessing.get_context("spawn")
    writing, done = ctx.Event(), ctx.Event()
    other = ctx.Process(target=_write_while_holding_the_lock, args=(str(path), writing, done))
    other.start()
    assert writing.wait(60)
    [temporary] = tmp_path.glob("db.json.*.tmp")
    rows = []

    def insert() -> None:
        with Store(path).transaction() as db:
            rows.extend(db.table("t").all())
            db.table("t").insert({"who": "this process"})

    ours = threading.Thread(target=insert)
    ours.start()
    ours.join(0.5)  # it waits for the lock (were it to look for leftovers before, it would find this one)
    assert temporary.exists()
    done.set()
    other.join(60)
    ours.join(60)
    assert other.exitcode == 0 and not ours.is_alive()
    assert rows == [{"who": "the other process"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.json", "db.json.lock"]
