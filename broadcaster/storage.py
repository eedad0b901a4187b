"""TinyDB made safe: atomic writes, a file lock shared by processes, and a schema version."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.storages import Storage

from broadcaster.atomic import remove_leftovers, replacing
from broadcaster.errors import StorageError
from broadcaster.messages import t

SCHEMA_VERSION = 1
META_TABLE = "_meta"
LOCK_TIMEOUT_S = 30


class AtomicJSONStorage(Storage):
    """A JSON file that is replaced whole (temp file, fsync, rename): a power cut leaves old or new."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def read(self):
        """The stored data, None for a missing or empty file, StorageError for an unreadable one."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageError(t("the database cannot be read: {reason}", reason=exc), path=self.path) from None
        if not raw.strip():
            return None
        try:
            # orjson parses bytes (UTF-8 checked) two to three times faster: a year of a busy station's log
            # is 100 MB of JSON.
            data = orjson.loads(raw)
        except json.JSONDecodeError as exc:  # orjson's error is a subclass, with the same line number
            raise StorageError(
                t("the database is damaged ({reason}); it was left as it is, restore it from a backup",
                  reason=exc.msg), path=self.path, line=exc.lineno) from None
        if not isinstance(data, dict):
            raise StorageError(t("the database is not a TinyDB file"), path=self.path)
        return data

    def write(self, data) -> None:
        """Replace the file whole (temporary file beside it, fsync, rename)."""
        with replacing(self.path, "w", encoding="utf-8", what=t("the database")) as f:
            json.dump(data, f, ensure_ascii=False, separators=(",", ":"))

    def close(self) -> None:
        """Nothing stays open between operations."""


def _tables(data: dict | None, path: Path) -> dict | None:
    """``data`` if it is TinyDB's tables of records: valid JSON of another shape would fail later, deep inside
    TinyDB, with a traceback."""
    for table, documents in (data or {}).items():
        if not isinstance(documents, dict) or not all(isinstance(d, dict) for d in documents.values()):
            raise StorageError(t("the database is damaged (table '{table}' is not a table of records); it was "
                                 "left as it is, restore it from a backup", table=table), path=path)
    return data


class _TransactionStorage(Storage):
    """An AtomicJSONStorage read once and written once, when the transaction ends without an error: the
    several writes of one change (a record and its history, a schema mark and a first record) reach the
    file together or not at all."""

    def __init__(self, path: Path):
        self._file = AtomicJSONStorage(path)
        self._data = None
        self._loaded = False
        self.dirty = False

    def read(self):
        """The data as it stands in this transaction."""
        if not self._loaded:
            self._data, self._loaded = _tables(self._file.read(), self._file.path), True
        return self._data

    def write(self, data) -> None:
        """Keep ``data`` until the transaction ends."""
        self._data, self._loaded, self.dirty = data, True, True

    def commit(self) -> None:
        """Write what the transaction changed, in one atomic write."""
        if self.dirty:
            self._file.write(self._data)
            self.dirty = False


class Store:
    """One TinyDB file, opened fresh for each locked transaction so that processes never miss writes."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)

    @contextmanager
    def transaction(self) -> Iterator[TinyDB]:
        """Hold the file lock, check the schema version, and yield the database; its changes are written
        once, at the end, and only when no error was raised. A temporary file that a killed writer left
        beside the file is removed (every writer holds this lock)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._lock:
                remove_leftovers(self.path.parent, lambda name: name == self.path.name)
                db = TinyDB(self.path, storage=_TransactionStorage)
                try:
                    self._check_schema(db)
                    yield db
                    db.storage.commit()
                finally:
                    db.close()
        except Timeout:
            raise StorageError(t("the database is locked by another broadcaster process"),
                               path=self.path) from None

    def read(self) -> dict | None:
        """Every table as stored, parsed once under the lock (for bulk reads); None for a missing file."""
        try:
            with self._lock:
                data = AtomicJSONStorage(self.path).read()
        except Timeout:
            raise StorageError(t("the database is locked by another broadcaster process"),
                               path=self.path) from None
        if data is not None:
            self._refuse_newer(data.get(META_TABLE, {}).get("1"))
        return data

    def _check_schema(self, db: TinyDB) -> None:
        meta = db.table(META_TABLE)
        record = meta.get(doc_id=1)
        if record is None:
            meta.insert({"schema": SCHEMA_VERSION})
        else:
            self._refuse_newer(record)

    def _refuse_newer(self, record: dict | None) -> None:
        if record is not None and record.get("schema", 0) > SCHEMA_VERSION:
            raise StorageError(
                t("the database was written by a newer broadcaster (schema {found}, this one reads {known}); "
                  "upgrade broadcaster", found=record.get("schema"), known=SCHEMA_VERSION), path=self.path)
