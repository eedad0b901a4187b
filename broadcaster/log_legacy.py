"""Logs written before the SQLite store, and archives: TinyDB segments and months zipped by ``log archive``.

A station upgraded from a version that kept its log in ``log/YYYY-MM.NNNN.json`` segments (and imported
logs in ``log/sources/STATION/``) has them carried into the database the first time the log is opened:
every record as it was, so the chain verifies as before. The old files are then moved, not deleted,
into ``log/before-sqlite/``. Archived months stay zips of segment files, the old ones and new ones alike.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import orjson

from broadcaster.atomic import replacing
from broadcaster.errors import StorageError
from broadcaster.log_store import LogStore
from broadcaster.messages import t
from broadcaster.storage import AtomicJSONStorage

TABLE = "records"
SEGMENT = re.compile(r"(\d{4}-\d{2})\.(\d+)\.json")
SOURCE_MONTH = re.compile(r"\d{4}-\d{2}\.json")
SOURCES_DIR = "sources"
BUNDLES_FILE = "bundles.json"
PENDING_IMPORT = "import-pending.json"
MOVED_DIR = "before-sqlite"


def segment_key(path: Path) -> tuple[str, int]:
    """(month, number) of a segment file name."""
    match = SEGMENT.fullmatch(path.name)
    return match.group(1), int(match.group(2))


def _table_rows(data: object, path: Path) -> list:
    table = data.get(TABLE) if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise StorageError(t("not a log file: '{table}' is not a table", table=TABLE), path=path)
    return list(table.values())


def zip_rows(path: Path) -> list:
    """The records of every segment in an archive zip, in the order written."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted((n for n in archive.namelist() if SEGMENT.fullmatch(n)), key=lambda n: segment_key(Path(n)))
            return [r for n in names for r in _table_rows(json.loads(archive.read(n)), path)]
    except (OSError, zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise StorageError(t("the archive cannot be read: {reason}", reason=exc), path=path) from None


def write_zip(target: Path, month: str, records: list[dict]) -> None:
    """A zip holding ``records`` as one segment of ``month``, written beside ``target`` and renamed over it."""
    segment = json.dumps({TABLE: {str(r["seq"]): r for r in records}}, ensure_ascii=False)
    with replacing(target, what=t("the archive")) as f:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{month}.0001.json", segment)


def legacy_files(folder: Path) -> list[Path]:
    """The files of a log kept before the SQLite store, if any are left in ``folder``."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if SEGMENT.fullmatch(p.name) or p.name == PENDING_IMPORT]
    sources = folder / SOURCES_DIR
    return found + ([sources] if sources.is_dir() else [])


def migrate(folder: Path, store: LogStore) -> int:
    """Carry a log kept in TinyDB segments into ``store`` whole, then move its files aside; returns the records
    carried. Run again after a cut, it skips what the database holds and checks that it is the same."""
    files = legacy_files(folder)
    if not files:
        return 0
    rows, bundles = _legacy_rows(folder)
    with store.writing() as db:
        held = {(s, q): orjson.loads(b) for s, q, b in db.execute("SELECT station, seq, body FROM records")}
        new = []
        for r in rows:
            key = (r.get("station"), r.get("seq"))
            if key in held:
                if held[key] != r:
                    raise StorageError(t("record {seq} of {station} differs between the old log files and the "
                                         "database; nothing was changed", seq=key[1], station=key[0]), path=folder)
                continue
            held[key] = r
            new.append(r)
        store.insert(db, new)
        db.executemany("INSERT OR IGNORE INTO bundles (station, file, first, last, imported_at) VALUES (?, ?, ?, ?, ?)",
                       bundles)
    moved = folder / MOVED_DIR
    moved.mkdir(exist_ok=True)
    for path in files:
        if (moved / path.name).exists():  # moved by a migration cut off after moving it: this is a copy
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        else:
            os.replace(path, moved / path.name)
    return len(new)


def _legacy_rows(folder: Path) -> tuple[list[dict], list[tuple]]:
    """Every record of the old files (own segments, imported months, an import cut off) and the bundles held."""
    rows: list[dict] = []
    for path in sorted((p for p in folder.iterdir() if SEGMENT.fullmatch(p.name)), key=segment_key):
        rows += _table_rows(AtomicJSONStorage(path).read() or {TABLE: {}}, path)
    bundles = []
    sources = folder / SOURCES_DIR
    for station in sorted(p for p in sources.iterdir() if p.is_dir()) if sources.is_dir() else []:
        for path in sorted(p for p in station.iterdir() if SOURCE_MONTH.fullmatch(p.name)):
            rows += _table_rows(AtomicJSONStorage(path).read() or {TABLE: {}}, path)
        held = (AtomicJSONStorage(station / BUNDLES_FILE).read() or {}).get("bundles") or {}
        bundles += [(station.name, b["file"], b["first"], b["last"], b["imported_at"]) for b in held.values()]
    pending = AtomicJSONStorage(folder / PENDING_IMPORT).read()
    if pending:  # an import cut off by a power cut before the upgrade: its records count as imported
        rows += [r for records in pending.get("writes", {}).values() for r in records]
        bundles += [(s, name, first, last, pending["at"]) for s, first, last, name in pending.get("bundles", [])]
    bad = next((r for r in rows if not isinstance(r, dict) or not isinstance(r.get("seq"), int)
                or not isinstance(r.get("station"), str) or not isinstance(r.get("hash"), str)), None)
    if bad is not None:
        raise StorageError(t("the old log holds a record that is not a log record: {record}",
                             record=str(bad)[:80]), path=folder)
    return rows, bundles
