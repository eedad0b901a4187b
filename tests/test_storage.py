"""TinyDB made safe: atomic writes, no lost writes between processes, damage reported not hidden."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from broadcaster.errors import StorageError
from broadcaster.storage import SCHEMA_VERSION, AtomicJSONStorage, Store


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
