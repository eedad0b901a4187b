"""The airing log's store: one SQLite database, a row per record, durable at every commit.

Write-ahead logging with ``synchronous=FULL`` makes each commit durable (a power cut keeps every record
committed before it, and never half a record) and an append cheap however long the log is. A row holds
the record as its hashed JSON, its signature, and the columns that queries filter and order on.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson

from broadcaster.errors import StorageError
from broadcaster.messages import t
from broadcaster.storage import LOCK_TIMEOUT_S

DB_FILE = "airing-log.sqlite3"
SCHEMA_VERSION = 1
# Filtered, ordered and grouped on by queries and reports, derived from the record when it is stored ('time':
# when an airing was planned, or when another record was written; 'day': its date).
TYPES = {"kind": "TEXT", "at": "TEXT", "time": "TEXT", "day": "TEXT", "status": "TEXT", "output": "TEXT", "topic": "TEXT",
         "language": "TEXT", "announcement": "TEXT", "trigger": "TEXT", "reason": "TEXT", "duration_s": "REAL",
         "before_approval": "INTEGER"}
COLUMNS = tuple(TYPES)
QUOTED = ", ".join(f'"{c}"' for c in COLUMNS)  # 'trigger' is a word of SQL's own
SCHEMA = f"""
CREATE TABLE records (
    station TEXT NOT NULL, seq INTEGER NOT NULL, {", ".join(f'"{c}" {kind}' for c, kind in TYPES.items())},
    hash TEXT NOT NULL, sig TEXT, body BLOB NOT NULL, PRIMARY KEY (station, seq)) WITHOUT ROWID;
-- Covers what a report groups and filters on: a year's report reads the index, not the records.
CREATE INDEX records_by_day ON records (day, station, output, topic, language, "trigger", kind, status, before_approval,
                                        duration_s);
CREATE TABLE stations (station TEXT PRIMARY KEY, public_key TEXT, expected TEXT, pinned_at TEXT);
CREATE TABLE bundles (station TEXT NOT NULL, file TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
                      imported_at TEXT NOT NULL, UNIQUE (station, file, first, last));
PRAGMA user_version = {SCHEMA_VERSION};
"""


def columns(record: dict) -> tuple:
    """The column values of ``record``, in the order of :data:`COLUMNS`."""
    duration = record.get("duration_s")
    when = str(record.get("planned_start") or record.get("at") or "")
    derived = {"time": when, "day": when[:10],
               "duration_s": float(duration) if isinstance(duration, (int, float)) else None,
               "before_approval": int(bool(record.get("before_approval")))}
    return tuple(derived[c] if c in derived else _text(record.get(c)) for c in COLUMNS)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def body(record: dict) -> bytes:
    """What a row keeps of ``record``: everything but its signature, as JSON."""
    return orjson.dumps({k: v for k, v in record.items() if k != "sig"})


def row_record(body_bytes: bytes, sig: str | None) -> dict:
    """The record a row holds, its signature (if any) under 'sig'."""
    record = orjson.loads(body_bytes)
    if sig is not None and isinstance(record, dict):
        record["sig"] = sig
    return record


def _make_tables(db: sqlite3.Connection) -> None:
    for statement in filter(str.strip, SCHEMA.split(";")):  # executescript() would commit first
        db.execute(statement)


class LogStore:
    """The SQLite database of one airing log; a connection shared by the threads of one process."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / DB_FILE
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def exists(self) -> bool:
        """Whether the database file has been made (an empty file is a database not made yet)."""
        try:
            return self.path.stat().st_size > 0
        except OSError:
            return False

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                db.execute("BEGIN IMMEDIATE")
                if db.execute("PRAGMA user_version").fetchone()[0] == 0:  # nobody made it meanwhile
                    _make_tables(db)
                    db.execute("COMMIT")
                else:
                    db.execute("ROLLBACK")
            elif version > SCHEMA_VERSION:
                raise StorageError(t("the airing log was written by a newer broadcaster (version {found}, this one "
                                     "reads {known}); upgrade broadcaster", found=version, known=SCHEMA_VERSION),
                                   path=self.path)
        except sqlite3.Error as exc:
            db.close()
            raise self.error(exc) from None
        except BaseException:
            db.close()
            raise
        self._connection, self._pid = db, os.getpid()
        return db

    def _frozen(self) -> sqlite3.Connection:
        """The database opened as it lies on disk, for reading where it cannot be opened as usual (a full disk
        has no room for the files of write-ahead logging): only while no -wal file holds newer records."""
        if Path(f"{self.path}-wal").exists():
            return self._connect()  # raises what went wrong again
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None)

    @staticmethod
    def _empty() -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", isolation_level=None)
        _make_tables(db)
        return db

    def error(self, exc: sqlite3.Error) -> StorageError:
        """A StorageError naming the database for what SQLite said."""
        text = str(exc)
        if getattr(exc, "sqlite_errorcode", None) == getattr(sqlite3, "SQLITE_FULL", 13) or "disk is full" in text:
            text = os.strerror(errno.ENOSPC)  # as every other file of the station says it
        if "locked" in text or "busy" in text:
            return StorageError(t("the airing log is locked by another broadcaster process"), path=self.path)
        if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text):
            return StorageError(t("the airing log is damaged ({reason}); it was left as it is, restore it from a "
                                  "backup", reason=text), path=self.path)
        return StorageError(t("the airing log could not be written: {reason}", reason=text), path=self.path)

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: every change in the block is committed together, or none is."""
        with self._lock:
            db = self._connect()
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self.error(exc) from None
            try:
                yield db
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    try:
                        db.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass  # a failed COMMIT may have rolled back already
                if isinstance(exc, sqlite3.Error):
                    raise self.error(exc) from None
                raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent view of the log while the block runs (of an empty log, without
        making its file, when there is none yet)."""
        with self._lock:
            if self._connection is None and not self.exists():
                db = self._empty()
            else:
                try:
                    db = self._connect()
                except StorageError:
                    db = self._frozen()
            try:
                db.execute("BEGIN")
                yield db
            except sqlite3.Error as exc:
                raise self.error(exc) from None
            finally:
                if db.in_transaction:
                    db.execute("ROLLBACK")

    def insert(self, db: sqlite3.Connection, records: list[dict]) -> None:
        """Store ``records`` (each with station, seq and hash) within a write transaction."""
        db.executemany(f"INSERT INTO records (station, seq, {QUOTED}, hash, sig, body) "
                       f"VALUES ({', '.join('?' * (len(COLUMNS) + 5))})",
                       [(r["station"], r["seq"], *columns(r), r["hash"], r.get("sig"), body(r)) for r in records])

    def close(self) -> None:
        """Close the connection (it is opened again when needed)."""
        with self._lock:
            if self._connection is not None and self._pid == os.getpid():
                self._connection.close()
            self._connection = None
