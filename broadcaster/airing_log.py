"""The airing log: append-only, hash-chained and signed by the station, in one SQLite database, with the
logs imported from other stations beside the station's own.

Every record carries a sequence number, the hash of the record before it, its own hash and the station
key's signature of that hash (:mod:`broadcaster.log_chain`), so that editing, removing, reordering or
forging a record breaks the chain where it happened. Whoever holds the station's PC holds its key too:
against that person, an exported bundle or a head written down elsewhere is the witness
(:mod:`broadcaster.log_checks`). Months past the retention period can be moved into
``log/archive/YYYY-MM.zip``; an archive record in the chain keeps them verifiable.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.atomic import remove_leftovers
from broadcaster.errors import InputError, StorageError
from broadcaster.log_chain import (AIRING, GENESIS, KEY_HANDOVER, RECORD_VERSION, ChainCheck, Located, describe,
                                   handover_fields, record_hash, record_signature)
from broadcaster.log_store import LogStore, row_record
from broadcaster.messages import day_text, marked, t
from broadcaster.playout.clock import Clock, SystemClock
from broadcaster.playout.events import AiringEvent
from broadcaster.trust.keys import b64, fingerprint, public_raw

__all__ = ["AIRING", "GENESIS", "ChainCheck", "Located", "describe", "record_hash", "AiringLog", "KeepingLog"]

ARCHIVE_DIR = "archive"
OTHER_KINDS = (marked("run-start"), marked("run-stop"), marked("device"), marked("audit"), marked("alarm"))
KINDS = (AIRING, *OTHER_KINDS, KEY_HANDOVER)
STATUSES = ("aired", "partial", "interrupted", "failed", "missed", "skipped")
ON_AIR = frozenset({"aired", "partial", "interrupted"})  # statuses during which something was heard
CHAIN_FIELDS = frozenset({"v", "kind", "seq", "prev", "hash", "sig", "station", "at"})
HEAD = re.compile(r"(\d+):([0-9a-f]{16,64})")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_ARCHIVE = re.compile(r"\d{4}-(0[1-9]|1[0-2])\.zip")


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


def record_day(record: dict) -> str:
    """The day a record belongs to: the planned day of an airing, else the day it was written."""
    return str(record.get("planned_start") or record.get("at") or "")[:10]


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


@dataclass
class ImportResult:
    """What an import added, per station: new records, records already held, keys pinned on first sight."""

    new: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)
    pinned: dict[str, str] = field(default_factory=dict)  # station -> fingerprint, for stations seen first
    replaced: dict[str, int] = field(default_factory=dict)  # station -> first record whose held copy was forged


class AiringLog:
    """The station's signed, hash-chained log, and the logs imported from other stations."""

    def __init__(self, folder: Path, station: str = "station", clock: Clock | None = None, operator: str = "",
                 key: Ed25519PrivateKey | None = None, key_source: Callable[[], Ed25519PrivateKey] | None = None):
        self.folder = Path(folder)
        self.station = station
        self.clock = clock or SystemClock(dt.timezone.utc)
        self.operator = operator  # the operator on duty, written into every airing record
        self.key = key  # the station's key: records are signed with it, and checked against its public half
        self.key_source = key_source  # where the key is read again after another process handed it over
        self.store = LogStore(self.folder)
        self._recovered = threading.Event()

    @property
    def public_key(self) -> bytes | None:
        """The public half of the station's key, if the log has it."""
        return public_raw(self.key) if self.key is not None else None

    def recover(self) -> None:
        """Once: carry a log kept in TinyDB files by an older version into the database (see log_legacy), and
        remove the archive zips that a killed ``log archive`` left half written."""
        if self._recovered.is_set():
            return
        from broadcaster.log_legacy import legacy_files, migrate

        if legacy_files(self.folder):
            migrate(self.folder, self.store)
        if (self.folder / ARCHIVE_DIR).is_dir():
            with self.store.writing():  # every archive zip is written holding this lock: none is being written
                remove_leftovers(self.folder / ARCHIVE_DIR, lambda name: bool(_ARCHIVE.fullmatch(name)))
        self._recovered.set()

    # Writing -----------------------------------------------------------------------------------

    def append(self, event: AiringEvent) -> dict | None:
        """Record one airing outcome (a listener of the playout engine); returns the stored record.

        An event that is not an outcome (the engine's 'started') is not recorded: None.
        """
        if event.status not in STATUSES:
            return None
        return self._append(airing_fields(event, self.operator))

    def record(self, kind: str, **fields: object) -> dict:
        """Record something other than an airing: run-start, run-stop, device, audit or alarm."""
        if kind not in OTHER_KINDS:
            raise InputError(t("unknown kind of log record '{kind}'; expected one of: {kinds}",
                               kind=kind, kinds=", ".join(OTHER_KINDS)))
        reserved = sorted(CHAIN_FIELDS & fields.keys())
        if reserved:
            raise InputError(t("'{name}' is written by the log itself", name=reserved[0]))
        return self._append({"kind": kind, **fields})

    def _append(self, fields: dict) -> dict:
        self.recover()
        with self.store.writing() as db:
            return self._append_in(db, fields)

    def _append_in(self, db, fields: dict, key: Ed25519PrivateKey | None = None) -> dict:
        last = db.execute("SELECT seq, hash FROM records WHERE station = ? ORDER BY seq DESC LIMIT 1",
                          (self.station,)).fetchone()
        record = {**fields, "v": RECORD_VERSION, "station": self.station, "at": _iso(self.clock.now()),
                  "seq": last[0] + 1 if last else 1, "prev": last[1] if last else GENESIS}
        record["hash"] = record_hash(record)
        key = key or self._current_key(db)
        if key is not None:
            record["sig"] = record_signature(key, record["hash"])
        self.store.insert(db, [record])
        return record

    def _current_key(self, db) -> Ed25519PrivateKey | None:
        """The key to sign the next record with: this log's, or the one another process handed the chain over
        to (read again from ``key_source``); a StorageError when this process cannot have it."""
        if self.key is None:
            return None
        row = db.execute("SELECT public_key FROM stations WHERE station = ?", (self.station,)).fetchone()
        if row is None or row[0] is None or row[0] == b64(public_raw(self.key)):
            return self.key
        if self.key_source is not None:
            self.key = self.key_source()
        if row[0] != b64(public_raw(self.key)):
            raise StorageError(t("the log is handed over to the station key {key}, but the key file is not that key "
                                 "yet: start broadcaster run to finish the key change",
                                 key=fingerprint(base64.b64decode(row[0]))), path=self.store.path)
        return self.key

    def hand_over(self, new: Ed25519PrivateKey) -> dict | None:
        """Hand the station's chain over to the key ``new``: a record endorsed by the current key and signed by
        the new one, after which every record is signed by it. The record (None if ``new`` holds it already)."""
        if self.key is None:
            raise StorageError(t("the station has no key yet"), path=self.folder)
        self.recover()
        public = b64(public_raw(new))
        with self.store.writing() as db:
            row = db.execute("SELECT public_key FROM stations WHERE station = ?", (self.station,)).fetchone()
            if row is not None and row[0] == public:
                self.key = new
                return None
            old = self._current_key(db)
            last = db.execute("SELECT hash FROM records WHERE station = ? ORDER BY seq DESC LIMIT 1",
                              (self.station,)).fetchone()
            fields = handover_fields(old, public_raw(new), self.station, last[0] if last else GENESIS)
            record = self._append_in(db, fields, key=new)
            # The station's own row names its key in force: every process signing records reads it.
            db.execute("INSERT INTO stations (station, public_key, pinned_at) VALUES (?, ?, ?) ON CONFLICT (station) "
                       "DO UPDATE SET public_key = excluded.public_key, pinned_at = excluded.pinned_at",
                       (self.station, public, record["at"]))
        self.key = new
        return record

    # Reading -----------------------------------------------------------------------------------

    def _chain(self, station: str) -> list[dict]:
        self.recover()
        with self.store.reading() as db:
            rows = db.execute("SELECT body, sig FROM records WHERE station = ? ORDER BY seq", (station,)).fetchall()
        return [row_record(b, s) for b, s in rows]

    def sources(self) -> list[str]:
        """Stations whose logs were imported here."""
        self.recover()
        with self.store.reading() as db:
            return [s for (s,) in db.execute("SELECT DISTINCT station FROM records WHERE station != ? ORDER BY 1",
                                            (self.station,))]

    def archives(self) -> list[Path]:
        """Months moved out of the live log, as ``archive/YYYY-MM.zip``, oldest first."""
        folder = self.folder / ARCHIVE_DIR
        return sorted(p for p in folder.glob("*.zip") if _MONTH.fullmatch(p.stem)) if folder.is_dir() else []

    def own_records(self) -> Iterator[Located]:
        """The station's own records in the order they were written: archived months first."""
        yield from self._archived_rows(self.archives())
        for r in self._chain(self.station):
            yield Located(r, self.store.path)

    def _archived_rows(self, paths: list[Path]) -> Iterator[Located]:
        """The records of these archive zips, but those still live in the database."""
        self.recover()
        with self.store.reading() as db:
            (first_live,) = db.execute("SELECT min(seq) FROM records WHERE station = ?", (self.station,)).fetchone()
        for path in paths:
            for r in _zip_rows(path):
                # Records still live were zipped by an archive cut off before it took them out: not twice.
                if not isinstance(r, dict) or not isinstance(r.get("seq"), int) or first_live is None \
                        or r["seq"] < first_live:
                    yield Located(r, path)

    def handovers_after(self, seq: int) -> list[dict]:
        """The station's own key hand-over records after record ``seq``, in order (from the archive zips only
        when some of the records after it were archived): with :func:`first_key`, the key that signed any
        record after ``seq``."""
        self.recover()
        with self.store.reading() as db:
            (first_live,) = db.execute("SELECT min(seq) FROM records WHERE station = ?", (self.station,)).fetchone()
            rows = db.execute("SELECT body, sig FROM records WHERE station = ? AND seq > ? AND kind = ? ORDER BY seq",
                              (self.station, seq, KEY_HANDOVER)).fetchall()
        archived = [x.record for x in self._archived_rows(self.archives()) if isinstance(x.record, dict)
                    and x.record.get("kind") == KEY_HANDOVER and x.record.get("seq", 0) > seq] \
            if first_live is None or seq < first_live else []
        return archived + [row_record(*row) for row in rows]

    def records_after(self, seq: int, limit: int) -> list[dict]:
        """Up to ``limit`` of the station's own records that follow record ``seq``, in order (from the archive
        zips only when some of them were archived)."""
        self.recover()
        with self.store.reading() as db:
            (first_live,) = db.execute("SELECT min(seq) FROM records WHERE station = ?", (self.station,)).fetchone()
            if first_live is not None and first_live <= seq + 1:
                rows = db.execute("SELECT body, sig FROM records WHERE station = ? AND seq > ? ORDER BY seq LIMIT ?",
                                  (self.station, seq, limit)).fetchall()
                return [row_record(b, s) for b, s in rows]
        found = []
        for x in self.own_records():
            if isinstance(x.record, dict) and isinstance(x.record.get("seq"), int) and x.record["seq"] > seq:
                found.append(x.record)
                if len(found) == limit:
                    break
        return found

    def source_records(self, station: str) -> list[Located]:
        """The records imported from ``station``, in sequence order."""
        return [Located(r, self.store.path) for r in self._chain(station)]

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
                               start=day_text(start), end=day_text(end)))
        wanted = {k: v for k, v in (("kind", kind), ("output", output), ("topic", topic), ("status", status),
                                    ("announcement", announcement), ("station", station)) if v is not None}
        if not sources:
            wanted["station"] = self.station
        where = " AND ".join(f'"{k}" = ?' for k in wanted) or "1"
        return self._archived(start, end, wanted) + self._select(start, end, where, tuple(wanted.values()))

    def report_records(self, start: dt.date, end: dt.date) -> list[dict]:
        """What a report of the days ``start`` to ``end`` needs, fast for a year of a busy station: in full every
        record a report lists (all but plain airings), and the plain airings (aired in full, on schedule, approved)
        folded into one record per day, station, output, topic, language and trigger, holding their number
        ``n`` and summed ``duration_s``."""
        plain = "kind = 'airing' AND status = 'aired' AND \"trigger\" != 'urgent' AND before_approval = 0"
        full = self._archived(start, end, {}) + self._select(start, end, f"NOT ({plain})", ())
        with self.store.reading() as db:
            groups = db.execute(
                "SELECT day, station, output, topic, language, \"trigger\", count(*), sum(duration_s) FROM records "
                f"WHERE day BETWEEN ? AND ? AND {plain} GROUP BY 1, 2, 3, 4, 5, 6",
                (start.isoformat(), end.isoformat())).fetchall()
        return full + [{"kind": AIRING, "status": "aired", "planned_start": day, "station": station, "output": output,
                        "topic": topic, "language": language, "trigger": trigger, "n": n, "duration_s": seconds}
                       for day, station, output, topic, language, trigger, n, seconds in groups]

    def _select(self, start: dt.date, end: dt.date, where: str, args: tuple) -> list[dict]:
        """The records in the database of the days ``start`` to ``end`` that match ``where``, ordered by time."""
        self.recover()
        with self.store.reading() as db:
            # The records are fetched by the keys that the index finds: none is read that is not wanted. The day
            # index is named: with a station among the filters, SQLite would walk that station's whole log by its
            # primary key instead (a second, not milliseconds, for one day of a year's log).
            rows = db.execute(f"WITH k AS MATERIALIZED (SELECT station, seq FROM records INDEXED BY records_by_day "
                              f"WHERE day BETWEEN ? AND ? "
                              f"AND {where}) SELECT time, station, seq, body, sig FROM k JOIN records USING "
                              "(station, seq)", (start.isoformat(), end.isoformat(), *args)).fetchall()
        rows.sort(key=lambda row: row[:3])
        return [row_record(row[3], row[4]) for row in rows]

    def _archived(self, start: dt.date, end: dt.date, wanted: dict) -> list[dict]:
        """The archived records of the days ``start`` to ``end`` that have every value in ``wanted``."""
        # An archived airing is in the zip of the month it was logged in: its planned month, or the next.
        months = (start.isoformat()[:7], _add_months(end.isoformat()[:7], 1))
        paths = [p for p in self.archives() if months[0] <= p.stem <= months[1]]
        return sorted((x.record for x in self._archived_rows(paths) if isinstance(x.record, dict)
                       and _matches(x.record, start, end, wanted)), key=_when) if paths else []

    # Checking ----------------------------------------------------------------------------------

    def verify(self) -> list[ChainCheck]:
        """Check the station's own chain and every imported one, signatures included; each result names its
        first problem."""
        from broadcaster.log_checks import chains

        self.recover()
        return chains(self)

    def began(self) -> dt.date | None:
        """The first day the station's own log speaks of (its earliest record, archived or live, by the day an
        airing was planned or another record written), None while it has no record."""
        days = [record_day(x.record) for x in self._archived_rows(self.archives()[:1]) if isinstance(x.record, dict)
                and record_day(x.record)]
        if not days:
            with self.store.reading() as db:
                (first,) = db.execute("SELECT min(day) FROM records INDEXED BY records_by_day WHERE station = ?",
                                      (self.station,)).fetchone()
            days = [first] if first else []
        try:
            return dt.date.fromisoformat(min(days)) if days else None
        except ValueError:
            return None  # a damaged record (`log verify` says so): the calendar then claims nothing missing

    def head(self) -> tuple[int, str] | None:
        """The last sequence number and hash of the station's own chain (write it down: it is a witness)."""
        with self.store.reading() as db:
            return db.execute("SELECT seq, hash FROM records WHERE station = ? ORDER BY seq DESC LIMIT 1",
                              (self.station,)).fetchone()

    def verify_against(self, witness: str | Path) -> str | None:
        """Whether today's log still extends what a witness saw: a bundle exported from this log, or a head
        written down ('SEQ:HASH', the hash's first 16 or more hex digits). None, or the first problem."""
        from broadcaster.log_checks import witnessed

        self.recover()
        return witnessed(self, witness)

    def pins(self) -> dict[str, bytes]:
        """The public keys pinned for other stations: on their first import, or by hand."""
        with self.store.reading() as db:
            return {s: base64.b64decode(k) for s, k in db.execute(
                "SELECT station, public_key FROM stations WHERE public_key IS NOT NULL AND station != ?",
                (self.station,))}

    def bundles(self, station: str) -> list[tuple[int, int]]:
        """(first, last) sequence numbers of each bundle of ``station`` imported here."""
        with self.store.reading() as db:
            return db.execute("SELECT first, last FROM bundles WHERE station = ?", (station,)).fetchall()

    # Retention, export and import -------------------------------------------------------------

    def archive(self, retention_months: int, before: str | None = None) -> list[str]:
        """Move whole months older than the retention period (or before ``before``, YYYY-MM) into archive zips."""
        from broadcaster.log_transfer import archive_months

        limit = _add_months(f"{self.clock.now():%Y-%m}", -retention_months)
        if before is not None and not _MONTH.fullmatch(before):
            raise InputError(t("'{month}' is not a month; expected YYYY-MM such as 2024-01", month=before))
        if before is not None and before > limit:
            raise InputError(t("the log keeps at least {n} months: only months before {limit} can be archived",
                               n=retention_months, limit=limit))
        self.recover()
        return archive_months(self, before or limit)

    def export(self, start: dt.date, end: dt.date, path: Path) -> dict[str, int]:
        """Write the records written from ``start`` to ``end`` (own and imported) to a signed bundle."""
        from broadcaster.log_transfer import export_bundle

        if end < start:
            raise InputError(t("the dates are in the wrong order: {start} is after {end}",
                               start=day_text(start), end=day_text(end)))
        if self.key is None:
            raise StorageError(t("the station has no key yet"), path=self.folder)
        self.recover()
        return export_bundle(self, start, end, path)

    def import_bundles(self, paths: list[Path]) -> ImportResult:
        """Merge bundles into this log: every bundle is checked first, and nothing is written if one is refused."""
        from broadcaster.log_transfer import import_bundles

        self.recover()
        return import_bundles(self, paths)

    def pin(self, station: str, fingerprint_: str) -> None:
        """Expect ``station``'s bundles to be signed by the key with this fingerprint (read from the station)."""
        from broadcaster.log_transfer import pin_station

        self.recover()
        pin_station(self, station, fingerprint_)


def _when(record: dict) -> str:
    return str(record.get("planned_start") or record.get("at") or "")


def _matches(record: dict, start: dt.date, end: dt.date, wanted: dict) -> bool:
    return start.isoformat() <= _when(record)[:10] <= end.isoformat() and \
        all(record.get(k) == v for k, v in wanted.items())


def _zip_rows(path: Path) -> list:
    from broadcaster.log_legacy import zip_rows

    return zip_rows(path)


def _add_months(month: str, n: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


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

