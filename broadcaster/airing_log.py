"""The airing log: append-only and hash-chained, in small TinyDB segments, with imported copies of other logs.

Every record carries a sequence number, the hash of the record before it and its own hash, so that
editing, removing or reordering a record breaks the chain where it happened. The station's own
records live in ``log/YYYY-MM.NNNN.json`` segments of at most ``segment_records`` records (a TinyDB
file rewrites itself whole on every insert, so a capped segment keeps an append's cost flat however
old the log is); the first record of a segment holds the last hash of the segment before, so a
whole missing month is found too. Logs imported from other stations (vehicles, communes) live in
``log/sources/STATION/YYYY-MM.json``, each checked as its own chain. Months past the retention period
can be moved into ``log/archive/YYYY-MM.zip``; an archive record in the chain keeps them verifiable.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import re
import tempfile
import threading
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable, Iterator

from filelock import FileLock, Timeout
from tinydb.table import Document

from broadcaster.atomic import remove_leftovers
from broadcaster.errors import InputError, StorageError
from broadcaster.messages import marked, t
from broadcaster.playout.clock import Clock, SystemClock
from broadcaster.playout.events import AiringEvent
from broadcaster.storage import LOCK_TIMEOUT_S, AtomicJSONStorage, Store

RECORD_VERSION = 2
BUNDLE_FORMAT = "broadcaster-log-bundle"
BUNDLE_VERSION = 1
GENESIS = "0" * 64
TABLE = "records"
BUNDLES_TABLE = "bundles"
SEGMENT_RECORDS = 500
SOURCES_DIR = "sources"
ARCHIVE_DIR = "archive"
PENDING_IMPORT = "import-pending.json"  # an import written down before it is carried out
BUNDLES_FILE = "bundles.json"  # in each source's folder: the bundles imported from it

AIRING = marked("airing")
OTHER_KINDS = (marked("run-start"), marked("run-stop"), marked("device"), marked("audit"), marked("alarm"))
KINDS = (AIRING, *OTHER_KINDS)
STATUSES = ("aired", "partial", "interrupted", "failed", "missed", "skipped")
ON_AIR = frozenset({"aired", "partial", "interrupted"})  # statuses during which something was heard
CHAIN_FIELDS = frozenset({"v", "kind", "seq", "prev", "hash", "station", "at"})

_SEGMENT = re.compile(r"(\d{4}-\d{2})\.(\d+)\.json")
_SOURCE_MONTH = re.compile(r"\d{4}-\d{2}\.json")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_ARCHIVE = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.zip")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


def record_hash(record: dict) -> str:
    """SHA-256 of a record's canonical JSON, without its own hash."""
    body = {k: v for k, v in record.items() if k != "hash"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_day(record: dict) -> str:
    """The day a record belongs to: the planned day of an airing, else the day it was written."""
    return str(record.get("planned_start") or record.get("at") or "")[:10]


def describe(record: dict) -> str:
    """A short phrase naming a record for a person."""
    if not isinstance(record, dict):
        return t("an unreadable record")
    if record.get("kind") == AIRING:
        return t("{id} planned {time} on {output}", id=record.get("announcement", "?"),
                 time=str(record.get("planned_start", "?"))[:16].replace("T", " "), output=record.get("output", "?"))
    return t("{kind} at {time}", kind=t(str(record.get("kind", "?"))),
             time=str(record.get("at", "?"))[:16].replace("T", " "))


def airing_fields(event: AiringEvent, operator: str = "") -> dict:
    """The fields an airing record holds, from one airing event."""
    a = event.airing
    duration = (event.actual_end - event.actual_start).total_seconds() \
        if event.actual_start and event.actual_end else 0.0
    return {
        "kind": AIRING, "key": a.key, "status": event.status, "reason": event.reason,
        "output": a.output, "sink": event.sink, "session": a.session,
        "announcement": a.announcement, "title": a.title, "topic": a.topic, "fingerprint": a.fingerprint,
        "language": a.language, "voice": a.voice, "approved_by": a.approved_by,
        "before_approval": not a.approved_by, "priority": a.priority, "trigger": a.trigger,
        "operator": operator,
        "planned_start": _iso(a.start), "planned_end": _iso(a.end),
        "actual_start": _iso(event.actual_start), "actual_end": _iso(event.actual_end),
        "duration_s": round(duration, 3),
        **({"ordered_by": a.ordered_by, "order_reason": a.order_reason} if a.ordered_by or a.order_reason else {}),
    }


@dataclass(frozen=True)
class Located:
    """A record and the file that holds it."""

    record: dict
    path: Path


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking one chain: how much was checked and the first problem, if any."""

    station: str
    records: int
    last_seq: int
    last_hash: str
    problem: str | None = None
    path: Path | None = None

    @property
    def intact(self) -> bool:
        """True when no record was altered, removed or reordered."""
        return self.problem is None


@dataclass
class ImportResult:
    """What an import added, per station: new records and records already held."""

    new: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)


def _check_version(record: dict, path: Path) -> None:
    if isinstance(record, dict) and isinstance(record.get("v"), int) and record["v"] > RECORD_VERSION:
        raise StorageError(t("record {seq} was written by a newer broadcaster (version {found}, this one reads "
                             "{known}); upgrade broadcaster", seq=record.get("seq"), found=record["v"],
                             known=RECORD_VERSION), path=path)


def read_records(path: Path) -> list[dict]:
    """The records of one log file, in the order they are stored."""
    data = Store(path).read() or {}
    table = data.get(TABLE) or {}
    if not isinstance(table, dict):
        raise StorageError(t("not a log file: '{table}' is not a table", table=TABLE), path=path)
    rows = list(table.values())
    for r in rows:
        _check_version(r, path)
    return rows


def check_chain(items: Iterable[Located], station: str, first_seq: int = 1, first_prev: str = GENESIS,
                last_seq: int | None = None) -> ChainCheck:
    """Check records that should run from ``first_seq`` (linked to ``first_prev``) on, one after the other."""
    items = list(items)
    present = {x.record.get("seq") for x in items if isinstance(x.record, dict)}
    expected, prev_hash, count = first_seq, first_prev, 0

    def broken(problem: str, path: Path) -> ChainCheck:
        return ChainCheck(station, count, expected - 1, prev_hash, problem, path)

    for x in items:
        r = x.record if isinstance(x.record, dict) else {}
        seq = r.get("seq")
        if seq != expected:
            if isinstance(seq, int) and seq < expected:
                return broken(t("record {seq} ({what}) is out of order: it comes after record {after}",
                                seq=seq, what=describe(r), after=expected - 1), x.path)
            if expected in present:
                return broken(t("record {seq} was moved: record {other} ({what}) comes before it",
                                seq=expected, other=seq, what=describe(r)), x.path)
            if isinstance(seq, int) and seq > expected + 1:
                return broken(t("records {first} to {last} were removed: record {seq} ({what}) follows record "
                                "{before}", first=expected, last=seq - 1, seq=seq, what=describe(r),
                                before=expected - 1), x.path)
            if isinstance(seq, int):
                return broken(t("record {first} was removed: record {seq} ({what}) follows record {before}",
                                first=expected, seq=seq, what=describe(r), before=expected - 1), x.path)
            return broken(t("record {seq} ({what}) was altered", seq=expected, what=describe(r)), x.path)
        if record_hash(r) != r.get("hash"):
            return broken(t("record {seq} ({what}) was altered", seq=seq, what=describe(r)), x.path)
        if r.get("prev") != prev_hash:
            if expected == first_seq:
                return broken(t("record {seq} ({what}) does not follow the record before it", seq=seq,
                                what=describe(r)), x.path)
            return broken(t("record {seq} was altered: record {next} holds another hash for it",
                            seq=seq - 1, next=seq), x.path)
        if r.get("station") != station:
            return broken(t("record {seq} ({what}) was altered: it names station '{other}'", seq=seq,
                            what=describe(r), other=r.get("station")), x.path)
        prev_hash = r["hash"]
        expected += 1
        count += 1
    if last_seq is not None and expected - 1 < last_seq:
        path = items[-1].path if items else None
        if last_seq > expected:
            return broken(t("records {first} to {last} were removed from the end", first=expected, last=last_seq),
                          path)
        return broken(t("record {seq} was removed from the end", seq=expected), path)
    return ChainCheck(station, count, expected - 1, prev_hash)


class AiringLog:
    """The station's hash-chained log, and the logs imported from other stations."""

    def __init__(self, folder: Path, station: str = "station", clock: Clock | None = None, operator: str = "",
                 segment_records: int = SEGMENT_RECORDS):
        self.folder = Path(folder)
        self.station = station
        self.clock = clock or SystemClock(dt.timezone.utc)
        self.operator = operator  # the operator on duty, written into every airing record
        self.segment_records = segment_records
        self._swept = False  # whether the leftovers of killed writers were removed (once, under the lock)

    # Writing -----------------------------------------------------------------------------------

    def append(self, event: AiringEvent) -> dict | None:
        """Record one airing outcome (a listener of the playout engine); returns the stored record.

        An event that is not an outcome (the engine's 'started') is not recorded: None.
        """
        if event.status not in STATUSES:
            return None
        return self._append(airing_fields(event, self.operator))

    def record(self, kind: str, **fields: object) -> dict:
        """Record something other than an airing: run-start, run-stop, device or audit; returns the record."""
        if kind not in OTHER_KINDS:
            raise InputError(t("unknown kind of log record '{kind}'; expected one of: {kinds}",
                               kind=kind, kinds=", ".join(OTHER_KINDS)))
        reserved = sorted(CHAIN_FIELDS & fields.keys())
        if reserved:
            raise InputError(t("'{name}' is written by the log itself", name=reserved[0]))
        return self._append({"kind": kind, **fields})

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Hold the log's lock; the first time, remove the temporary files that a killed writer left."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.folder / "log.lock"), timeout=LOCK_TIMEOUT_S):
            if not self._swept:
                self._remove_leftovers()
                self._swept = True
            yield

    def _remove_leftovers(self) -> None:
        """Every file of the log is written under its lock: no temporary file of one is being written now."""
        remove_leftovers(self.folder, lambda name: bool(_SEGMENT.fullmatch(name)) or name == PENDING_IMPORT)
        remove_leftovers(self.folder / ARCHIVE_DIR, lambda name: bool(_ARCHIVE.fullmatch(name)))
        for station in self.sources():
            remove_leftovers(self.folder / SOURCES_DIR / station,
                             lambda name: bool(_SOURCE_MONTH.fullmatch(name)) or name == BUNDLES_FILE)

    def _append(self, fields: dict) -> dict:
        try:
            with self._lock():
                return self._append_locked(fields)
        except Timeout:
            raise StorageError(t("the airing log is locked by another broadcaster process"),
                               path=self.folder) from None

    def _append_locked(self, fields: dict) -> dict:
        now = self.clock.now()
        month = f"{now:%Y-%m}"
        segments = self.segments()
        record = {**fields, "v": RECORD_VERSION, "station": self.station, "at": _iso(now)}
        if segments:
            tail = segments[-1]
            tail_month, tail_number = _segment_key(tail)
            with Store(tail).transaction() as db:
                table = db.table(TABLE)
                last = max(table.all(), key=lambda r: r.get("seq", 0), default=None)
                if last is not None:
                    record["seq"], record["prev"] = last["seq"] + 1, last["hash"]
                else:
                    record["seq"], record["prev"] = 1, GENESIS
                record["hash"] = record_hash(record)
                # A month never goes back: a clock set back keeps writing to the newest segment.
                if len(table) < self.segment_records and month <= tail_month:
                    table.insert(Document(record, doc_id=record["seq"]))
                    return record
            target = f"{month}.0001.json" if month > tail_month else f"{tail_month}.{tail_number + 1:04d}.json"
        else:
            record["seq"], record["prev"] = 1, GENESIS
            record["hash"] = record_hash(record)
            target = f"{month}.0001.json"
        with Store(self.folder / target).transaction() as db:
            db.table(TABLE).insert(Document(record, doc_id=record["seq"]))
        return record

    # Reading -----------------------------------------------------------------------------------

    def segments(self) -> list[Path]:
        """The station's own segment files, oldest first."""
        if not self.folder.is_dir():
            return []
        return sorted((p for p in self.folder.iterdir() if _SEGMENT.fullmatch(p.name)), key=_segment_key)

    def sources(self) -> list[str]:
        """Stations whose logs were imported here."""
        folder = self.folder / SOURCES_DIR
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def _source_files(self, station: str) -> list[Path]:
        folder = self.folder / SOURCES_DIR / station
        return sorted(p for p in folder.iterdir() if _SOURCE_MONTH.fullmatch(p.name)) if folder.is_dir() else []

    def archives(self) -> list[Path]:
        """Months moved out of the live log, as ``archive/YYYY-MM.zip``, oldest first."""
        folder = self.folder / ARCHIVE_DIR
        return sorted(p for p in folder.glob("*.zip") if _MONTH.fullmatch(p.stem)) if folder.is_dir() else []

    def _own_files(self, first_month: str = "", last_month: str = "9999-99") -> list[Path]:
        archives = [p for p in self.archives() if first_month <= p.stem <= last_month]
        archived = {p.stem for p in archives}
        # A segment whose month is also archived is left over from an interrupted archive: the zip has it.
        return archives + [p for p in self.segments()
                           if first_month <= _segment_key(p)[0] <= last_month and _segment_key(p)[0] not in archived]

    def own_records(self, first_month: str = "", last_month: str = "9999-99") -> Iterator[Located]:
        """The station's own records in the order they were written, from segments (or archives) of these months."""
        for path in self._own_files(first_month, last_month):
            for r in _rows(path):
                yield Located(r, path)

    def source_records(self, station: str, first_month: str = "", last_month: str = "9999-99") -> list[Located]:
        """The records imported from ``station``, in sequence order."""
        found = [Located(r, path) for path in self._source_files(station)
                 if first_month <= path.stem <= last_month for r in read_records(path)]
        return sorted(found, key=lambda x: x.record.get("seq", 0) if isinstance(x.record, dict) else 0)

    def records(self, day: dt.date) -> list[dict]:
        """The station's own airing records of airings planned on ``day``, in planned order."""
        return [r for r in self.query(day, day, sources=False) if r.get("kind") == AIRING]

    def logged_keys(self, day: dt.date) -> set[str]:
        """Keys of the planned airings of ``day`` that already have an outcome."""
        return {r["key"] for r in self.records(day)}

    def query(self, start: dt.date, end: dt.date, *, kind: str | None = AIRING, output: str | None = None,
              topic: str | None = None, status: str | None = None, announcement: str | None = None,
              station: str | None = None, sources: bool = True) -> list[dict]:
        """Records of the days ``start`` to ``end`` that match every filter given, ordered by time."""
        if end < start:
            raise InputError(t("the dates are in the wrong order: {start} is after {end}",
                               start=start.isoformat(), end=end.isoformat()))
        first_month, last_month = f"{start:%Y-%m}", _add_months(f"{end:%Y-%m}", 1)  # an airing is logged after it ends
        first_day, last_day = start.isoformat(), end.isoformat()
        wanted = {k: v for k, v in (("kind", kind), ("output", output), ("topic", topic), ("status", status),
                                    ("announcement", announcement), ("station", station)) if v is not None}
        files = []
        if station in (None, self.station):
            files += self._own_files(first_month, last_month)
        if sources:
            files += [p for s in self.sources() if station in (None, s) and s != self.station
                      for p in self._source_files(s) if first_month <= p.stem <= last_month]
        with _collector_paused():
            found = _matching(files, first_day, last_day, tuple(wanted.items()))
        # Stable: records of the same time keep their order in the log.
        found.sort(key=itemgetter(0))
        return [r for _, r in found]

    # Checking ----------------------------------------------------------------------------------

    def verify(self) -> list[ChainCheck]:
        """Check the station's own chain and every imported one; each result names its first problem."""
        own = list(self.own_records())
        first = own[0].record if own and isinstance(own[0].record, dict) else {}
        # Archives moved off this computer: the chain starts where an archive record, itself chained, says.
        anchored = any(r.get("action") == "archive" and r.get("last_seq") == first.get("seq", 0) - 1
                       and r.get("last_hash") == first.get("prev") for r in (x.record for x in own)
                       if isinstance(r, dict) and r.get("kind") == "audit")
        results = []
        if own:
            results.append(check_chain(own, self.station, first["seq"], first["prev"]) if anchored
                           else check_chain(own, self.station))
        for station in self.sources():
            if station == self.station:
                continue
            bundles = self._bundles(station)
            items = self.source_records(station)
            first = min((b["first"] for b in bundles), default=1)
            first_prev = next((x.record.get("prev") for x in items if isinstance(x.record, dict)
                               and x.record.get("seq") == first), GENESIS)
            results.append(check_chain(items, station, first, first_prev,
                                       last_seq=max((b["last"] for b in bundles), default=None)))
        return results

    def _bundles(self, station: str) -> list[dict]:
        data = Store(self.folder / SOURCES_DIR / station / BUNDLES_FILE).read() or {}
        return list((data.get(BUNDLES_TABLE) or {}).values())

    # Retention --------------------------------------------------------------------------------

    def archive(self, retention_months: int, before: str | None = None) -> list[str]:
        """Move whole months older than the retention period (or before ``before``, YYYY-MM) into archive zips."""
        limit = _add_months(f"{self.clock.now():%Y-%m}", -retention_months)
        if before is not None and not _MONTH.fullmatch(before):
            raise InputError(t("'{month}' is not a month; expected YYYY-MM such as 2024-01", month=before))
        if before is not None and before > limit:
            raise InputError(t("the log keeps at least {n} months: only months before {limit} can be archived",
                               n=retention_months, limit=limit))
        before = before or limit
        try:
            with self._lock():
                return self._archive_locked(before)
        except Timeout:
            raise StorageError(t("the airing log is locked by another broadcaster process"),
                               path=self.folder) from None

    def _archive_locked(self, before: str) -> list[str]:
        segments = self.segments()
        head = _segment_key(segments[-1])[0] if segments else ""
        months = sorted({_segment_key(p)[0] for p in segments} - {head})
        done = []
        for month in (m for m in months if m < before):
            paths = [p for p in segments if _segment_key(p)[0] == month]
            rows = [r for p in paths for r in read_records(p) if isinstance(r, dict)]
            target = self.folder / ARCHIVE_DIR / f"{month}.zip"
            _write_zip(target, paths)
            last = max(rows, key=lambda r: r.get("seq", 0))
            self._append_locked({"kind": "audit", "action": "archive", "item": month, "records": len(rows),
                                 "first_seq": min(r.get("seq", 0) for r in rows), "last_seq": last.get("seq"),
                                 "last_hash": last.get("hash"),
                                 "sha256": hashlib.sha256(target.read_bytes()).hexdigest()})
            for p in paths:
                p.unlink()
                Path(str(p) + ".lock").unlink(missing_ok=True)
            done.append(month)
        return done

    # Export and import ------------------------------------------------------------------------

    def export(self, start: dt.date, end: dt.date, path: Path) -> dict[str, int]:
        """Write the records written from ``start`` to ``end`` (own and imported) to a bundle; count per station."""
        if end < start:
            raise InputError(t("the dates are in the wrong order: {start} is after {end}",
                               start=start.isoformat(), end=end.isoformat()))
        first_month, last_month = f"{start:%Y-%m}", f"{end:%Y-%m}"
        chains = []
        # A segment is named after the month its first record was written in, so the range may end in the next.
        for station, items in [(self.station, list(self.own_records(first_month, _add_months(last_month, 1))))] + \
                [(s, self.source_records(s, first_month, last_month)) for s in self.sources() if s != self.station]:
            records = [x.record for x in items if isinstance(x.record, dict)]
            inside = [i for i, r in enumerate(records)
                      if start.isoformat() <= str(r.get("at", ""))[:10] <= end.isoformat()]
            if inside:
                # The whole stretch between the first and last record of the range, so that it stays a chain.
                chosen = records[inside[0]: inside[-1] + 1]
                chains.append({"station": station, "first": chosen[0]["seq"], "last": chosen[-1]["seq"],
                               "head": chosen[-1]["hash"], "records": chosen})
        if not chains:
            raise InputError(t("the log has no records from {start} to {end}", start=start.isoformat(),
                               end=end.isoformat()))
        bundle = {"format": BUNDLE_FORMAT, "v": BUNDLE_VERSION, "exported_by": self.station,
                  "exported_at": _iso(self.clock.now()), "from": start.isoformat(), "to": end.isoformat(),
                  "chains": chains}
        AtomicJSONStorage(Path(path)).write(bundle)
        return {c["station"]: len(c["records"]) for c in chains}

    def import_bundles(self, paths: list[Path]) -> ImportResult:
        """Merge bundles into this log: every bundle is checked first, and nothing is written if one is refused."""
        incoming: dict[str, dict[int, tuple[dict, Path]]] = {}
        ranges: list[tuple[str, int, int, Path]] = []
        for path in paths:
            for chain in read_bundle(path):
                got = incoming.setdefault(chain["station"], {})
                for r in chain["records"]:
                    other = got.get(r["seq"])
                    if other is not None and other[0]["hash"] != r["hash"]:
                        raise InputError(t("record {seq} of {station} differs from the one in {other}; one of the "
                                           "two was altered, nothing was imported", seq=r["seq"],
                                           station=chain["station"], other=other[1]), path=path)
                    got[r["seq"]] = (r, path)
                ranges.append((chain["station"], chain["first"], chain["last"], path))
        try:
            with self._lock():
                self._finish_import()  # one cut off earlier: its records count as held
                result = ImportResult()
                writes: dict[str, list[dict]] = {}
                for station, got in sorted(incoming.items()):
                    held = self._held(station)
                    new = self._merge(station, got, held)
                    result.new[station] = len(new)
                    result.duplicates[station] = len(got) - len(new)
                    if new:
                        writes[station] = new
                # The whole import is written down first, then carried out: a power cut in between leaves
                # it to be finished when the log is next opened, so that it is never half done.
                now = _iso(self.clock.now())
                detail = ", ".join(f"{s}: +{n}" for s, n in sorted(result.new.items()))
                AtomicJSONStorage(self.folder / PENDING_IMPORT).write({
                    "v": 1, "id": uuid.uuid4().hex, "at": now, "writes": writes,
                    "bundles": [[station, first, last, Path(path).name] for station, first, last, path in ranges
                                if station != self.station],
                    "audit": [{"item": Path(path).name, "detail": detail} for path in paths]})
                self._finish_import()
        except Timeout:
            raise StorageError(t("the airing log is locked by another broadcaster process"),
                               path=self.folder) from None
        return result

    def recover(self) -> None:
        """Finish an import that a power cut or a kill interrupted (called when a station opens its log)."""
        if not (self.folder / PENDING_IMPORT).exists():
            return
        try:
            with self._lock():
                self._finish_import()
        except Timeout:
            raise StorageError(t("the airing log is locked by another broadcaster process"),
                               path=self.folder) from None

    def _finish_import(self) -> None:
        """Carry out the import written down in PENDING_IMPORT, if any; every step skips what is done."""
        path = self.folder / PENDING_IMPORT
        pending = AtomicJSONStorage(path).read()
        if pending is None:
            return
        for station, records in pending["writes"].items():
            self._write_source(station, records)
        for station, first, last, name in pending["bundles"]:
            entry = {"file": name, "first": first, "last": last, "imported_at": pending["at"]}
            with Store(self.folder / SOURCES_DIR / station / BUNDLES_FILE).transaction() as db:
                if entry not in db.table(BUNDLES_TABLE).all():
                    db.table(BUNDLES_TABLE).insert(entry)
        # Its audit records, if any, were written after the plan: in its month or later.
        done = {x.record.get("import") for x in self.own_records(pending["at"][:7])
                if isinstance(x.record, dict) and x.record.get("kind") == "audit"}
        for i, audit in enumerate(pending["audit"]):
            mark = f"{pending['id']}#{i}"
            if mark not in done:
                self._append_locked({"kind": "audit", "action": "import", **audit, "import": mark})
        path.unlink()  # (should a power cut undo this, the import is finished again: every step is skipped)

    def _held(self, station: str) -> dict[int, dict]:
        items = self.own_records() if station == self.station else self.source_records(station)
        return {x.record["seq"]: x.record for x in items if isinstance(x.record, dict) and "seq" in x.record}

    def _merge(self, station: str, got: dict[int, tuple[dict, Path]], held: dict[int, dict]) -> list[dict]:
        """The records of ``got`` not yet held, after checking that they agree and link with what is held."""
        for seq, (r, path) in got.items():
            if seq in held and held[seq].get("hash") != r["hash"]:
                raise InputError(t("record {seq} of {station} ({what}) differs from the copy already held; one of "
                                   "the two was altered, nothing was imported", seq=seq, station=station,
                                   what=describe(r)), path=path)
        new = [got[s][0] for s in sorted(got) if s not in held]
        if not new:
            return []
        if station == self.station:
            raise InputError(t("the bundle holds records of this station ({station}) that its own log does not "
                               "have; nothing was imported", station=station), path=got[new[0]["seq"]][1])
        seqs = sorted(set(held) | set(got))
        gaps = [(a, b) for a, b in zip(seqs, seqs[1:]) if b != a + 1]
        if gaps:
            a, b = gaps[0]
            raise InputError(t("records {first} to {last} of {station} are in no bundle given or held; import the "
                               "bundle that has them too; nothing was imported", first=a + 1, last=b - 1,
                               station=station), path=got[new[0]["seq"]][1])
        every = {**held, **{s: r for s, (r, _) in got.items()}}
        for s in seqs[1:]:
            if every[s].get("prev") != every[s - 1].get("hash"):
                path = got[s][1] if s in got else got[s - 1][1]
                raise InputError(t("record {seq} of {station} does not follow record {before} already held; one "
                                   "of them was altered, nothing was imported", seq=s, station=station,
                                   before=s - 1), path=path)
        return new

    def _write_source(self, station: str, records: list[dict]) -> None:
        by_month: dict[str, list[dict]] = {}
        for r in records:
            by_month.setdefault(str(r["at"])[:7], []).append(r)
        for month, rows in sorted(by_month.items()):
            with Store(self.folder / SOURCES_DIR / station / f"{month}.json").transaction() as db:
                table = db.table(TABLE)
                table.insert_multiple(Document(r, doc_id=r["seq"]) for r in rows if not table.contains(doc_id=r["seq"]))


class KeepingLog:
    """The airing log as a running broadcaster writes it: a record that cannot be written (the disk is full)
    is kept, the operator is told, and it is written, in order, as soon as the log takes records again,
    so that nothing aired goes unlogged while the station keeps airing."""

    def __init__(self, log: AiringLog, say: Callable[[str], None]):
        self.log = log
        self.say = say
        self.kept: list[tuple[str, object]] = []  # ('airing', AiringEvent) or (kind, fields), oldest first
        self._lock = threading.Lock()
        self._failing = False

    def append(self, event: AiringEvent) -> None:
        """Record one airing outcome, now or as soon as the log can take it."""
        if event.status in STATUSES:
            self._write((AIRING, event))

    def record(self, kind: str, **fields: object) -> None:
        """Record something other than an airing, now or as soon as the log can take it."""
        self._write((kind, fields))

    def keep(self, items: list[tuple[str, object]]) -> None:
        """Write records kept by an earlier run (oldest first), now or as soon as the log can take them."""
        with self._lock:
            self.kept[:0] = items
            self._flush()

    def flush(self) -> None:
        """Try again to write what was kept."""
        with self._lock:
            self._flush()

    def kept_airings(self) -> list[AiringEvent]:
        """Airing outcomes not written yet."""
        with self._lock:
            return [value for kind, value in self.kept if kind == AIRING]

    def _write(self, item: tuple[str, object]) -> None:
        with self._lock:
            self.kept.append(item)
            self._flush()

    def _flush(self) -> None:
        while self.kept:
            kind, value = self.kept[0]
            try:
                if kind == AIRING:
                    self.log.append(value)
                else:
                    self.log.record(kind, **value)
            except StorageError as exc:
                if not self._failing:
                    self.say(t("the airing log cannot be written: {error}; what is aired is kept and logged as soon "
                               "as it can be (free some space on the disk)", error=str(exc)))
                self._failing = True
                return
            self.kept.pop(0)
        if self._failing:
            self.say(t("the airing log can be written again: every record kept was written"))
            self._failing = False


def read_bundle(path: Path) -> list[dict]:
    """The chains of a bundle file, each checked; an InputError names the first problem."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(t("not a log bundle (not the JSON that 'broadcaster log export' writes)"),
                         path=path) from None
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT or not isinstance(data.get("chains"), list):
        raise InputError(t("not a log bundle (not the JSON that 'broadcaster log export' writes)"), path=path)
    if not isinstance(data.get("v"), int) or data["v"] > BUNDLE_VERSION:
        raise InputError(t("the bundle was written by a newer broadcaster (version {found}); upgrade broadcaster",
                           found=data.get("v")), path=path)
    for chain in data["chains"]:
        if not isinstance(chain, dict) or not isinstance(chain.get("records"), list) or not chain["records"] \
                or not isinstance(chain.get("station"), str):
            raise InputError(t("the bundle is damaged: a chain without records; nothing was imported"), path=path)
        for r in chain["records"]:
            _check_version(r, path)
            if isinstance(r, dict) and not _DAY.match(str(r.get("at", ""))):
                raise InputError(t("{station}: record {seq} has no time; the bundle was altered, nothing was "
                                   "imported", station=chain["station"], seq=r.get("seq")), path=path)
        first = chain["records"][0]
        first_prev = first.get("prev") if isinstance(first, dict) else None
        check = check_chain((Located(r, path) for r in chain["records"]), chain["station"],
                            first_seq=chain.get("first") if isinstance(chain.get("first"), int) else 1,
                            first_prev=first_prev)
        if not check.intact:
            raise InputError(t("{station}: {problem}; the bundle was altered, nothing was imported",
                               station=chain["station"], problem=check.problem), path=path)
        if check.last_seq != chain.get("last") or check.last_hash != chain.get("head"):
            raise InputError(t("{station}: the bundle ends at record {seq}, not at record {last} as it says; "
                               "the bundle was altered, nothing was imported", station=chain["station"],
                               seq=check.last_seq, last=chain.get("last")), path=path)
    return data["chains"]


def _matching(files: list[Path], first_day: str, last_day: str, checks: tuple) -> list[tuple[str, dict]]:
    """(time, record) of the records in ``files`` of the days given that have every field value in ``checks``."""
    found = []
    for path in files:
        # A plain loop: a year of a busy station is 100,000 records, and this is most of a query's time.
        for r in _rows(path):
            if type(r) is not dict:
                continue
            when = r.get("planned_start") or r.get("at") or ""
            if first_day <= when[:10] <= last_day:
                for k, v in checks:
                    if r.get(k) != v:
                        break
                else:
                    found.append((when, r))
    return found


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while millions of records are read: they hold no cycles and all stay
    alive, so its passes over them (a third of a year's query) find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rows(path: Path) -> list:
    """The records of a segment file, or of every segment in an archive zip, in the order written."""
    if path.suffix != ".zip":
        return read_records(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted((n for n in archive.namelist() if _SEGMENT.fullmatch(n)),
                           key=lambda n: _segment_key(Path(n)))
            tables = [json.loads(archive.read(n)).get(TABLE) or {} for n in names]
    except (OSError, zipfile.BadZipFile, json.JSONDecodeError, AttributeError) as exc:
        raise StorageError(t("the archive cannot be read: {reason}", reason=exc), path=path) from None
    rows = [r for table in tables for r in table.values()]
    for r in rows:
        _check_version(r, path)
    return rows


def _write_zip(target: Path, paths: list[Path]) -> None:
    """A zip of ``paths``, written beside ``target`` and renamed over it (never half a zip)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for p in paths:
                    archive.write(p, p.name)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(t("the archive could not be written: {reason}", reason=exc.strerror), path=target) from None


def _add_months(month: str, n: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _segment_key(path: Path) -> tuple[str, int]:
    match = _SEGMENT.fullmatch(path.name)
    return match.group(1), int(match.group(2))


