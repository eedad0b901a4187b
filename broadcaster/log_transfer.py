"""Moving records in and out of the airing log: signed bundles exported and imported, keys of other stations
pinned, whole months archived. Each change to the database is one transaction: all of it, or none."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.errors import InputError
from broadcaster.log_bundles import read_bundle, write_bundle
from broadcaster.log_chain import KEY_HANDOVER, describe, first_key, record_signed, signing_key
from broadcaster.log_legacy import write_zip
from broadcaster.log_store import row_record
from broadcaster.messages import day_text, t
from broadcaster.trust.keys import b64, fingerprint

if TYPE_CHECKING:
    from broadcaster.airing_log import AiringLog, ImportResult


def export_bundle(log: AiringLog, start: dt.date, end: dt.date, path: Path) -> dict[str, int]:
    """Write the records written from ``start`` to ``end`` to a bundle signed by the station; count per station.
    Each chain is the whole stretch between its first and last record of the range, so that it stays a chain."""
    pins = log.pins()
    chains = []
    sources = [(s, pins[s], [x.record for x in log.source_records(s)]) for s in log.sources() if s in pins]
    for station, public, records in [(log.station, log.public_key, [x.record for x in log.own_records()])] + sources:
        inside = [i for i, r in enumerate(records) if start.isoformat() <= str(r.get("at", ""))[:10] <= end.isoformat()]
        if inside:
            chosen = records[inside[0]: inside[-1] + 1]
            # Signed by the key in force at its last record: the keys of the hand-overs before it lead there.
            public = signing_key(records, chosen[-1]["seq"], public)
            chains.append({"station": station, "public_key": b64(public), "first": chosen[0]["seq"],
                           "last": chosen[-1]["seq"], "head": chosen[-1]["hash"], "records": chosen})
    if not chains:
        raise InputError(t("the log has no records from {start} to {end}", start=day_text(start),
                           end=day_text(end)))
    write_bundle(path, {"exported_by": log.station, "exported_at": log.clock.now().isoformat(timespec="seconds"),
                        "from": start.isoformat(), "to": end.isoformat(), "chains": chains}, log.key)
    return {c["station"]: len(c["records"]) for c in chains}


def import_bundles(log: AiringLog, paths: list[Path]) -> ImportResult:
    """Merge bundles into ``log``: every bundle is checked first, and nothing is written if one is refused."""
    from broadcaster.airing_log import ImportResult

    incoming: dict[str, dict[int, tuple[dict, Path]]] = {}
    keys: dict[str, tuple[bytes, Path]] = {}
    ranges: list[tuple[str, int, int, str]] = []
    for path in paths:
        for chain in read_bundle(path)[1]:
            key, where = keys.setdefault(chain.station, (chain.public_key, path))
            if key != chain.public_key:
                raise InputError(t("{station} is signed by two keys, in {other} and here; nothing was imported",
                                   station=chain.station, other=where), path=path)
            got = incoming.setdefault(chain.station, {})
            for r in chain.records:
                other = got.get(r["seq"])
                if other is not None and other[0]["hash"] != r["hash"]:
                    raise InputError(t("record {seq} of {station} differs from the one in {other}; one of the "
                                       "two was altered, nothing was imported", seq=r["seq"],
                                       station=chain.station, other=other[1]), path=path)
                got[r["seq"]] = (r, path)
            ranges.append((chain.station, chain.first, chain.last, Path(path).name))
    result = ImportResult()
    former = {x.record.get("old_key") for x in log.own_records() if isinstance(x.record, dict)
              and x.record.get("kind") == KEY_HANDOVER} if log.station in incoming else set()
    with log.store.writing() as db:
        pinned = {s: (k, e) for s, k, e in db.execute("SELECT station, public_key, expected FROM stations")}
        to_pin = []
        for station, got in sorted(incoming.items()):
            public, path = keys[station]
            start = first_key([r for _, (r, _) in sorted(got.items())], public)
            if _first_key(log, station, public, start, pinned.get(station), path, former):
                to_pin.append(station)
                if not (pinned.get(station) or (None, None))[1]:
                    result.pinned[station] = fingerprint(public)
            held = {seq: row_record(body, sig) for seq, body, sig in
                    db.execute("SELECT seq, body, sig FROM records WHERE station = ?", (station,))}
            new, forged_from = _merge(log, station, public, got, held)
            if forged_from is not None:
                db.execute("DELETE FROM records WHERE station = ? AND seq >= ?", (station, forged_from))
                result.replaced[station] = forged_from
            result.new[station] = len(new)
            result.duplicates[station] = len(got) - len(new)
            log.store.insert(db, new)
        now = log.clock.now().isoformat(timespec="milliseconds")
        db.executemany("INSERT INTO stations (station, public_key, pinned_at) VALUES (?, ?, ?) ON CONFLICT (station) "
                       "DO UPDATE SET public_key = excluded.public_key, pinned_at = excluded.pinned_at",
                       [(s, b64(keys[s][0]), now) for s in to_pin])
        db.executemany("INSERT OR IGNORE INTO bundles (station, file, first, last, imported_at) VALUES (?, ?, ?, ?, ?)",
                       [(s, name, first, last, now) for s, first, last, name in ranges if s != log.station])
        detail = ", ".join(f"{s}: +{n}" for s, n in sorted(result.new.items()))
        for path in paths:
            log._append_in(db, {"kind": "audit", "action": "import", "item": Path(path).name, "detail": detail})
    return result


def _first_key(log: AiringLog, station: str, public: bytes, start: bytes, pin: tuple | None, path: Path,
               former: set[str]) -> bool:
    """Whether ``public`` is ``station``'s key seen for the first time (to pin), after refusing any key other
    than the one pinned (on first sight, or by hand); ``start`` signed the bundle's first records, and says
    so when the bundle hands the pinned key over to another; ``former``: the keys this station had before
    (its own bundles exported then are its own)."""
    if station == log.station:
        if log.public_key is not None and public != log.public_key and b64(public) not in former:
            raise InputError(t("the bundle's records of this station ({station}) are signed by another key; nothing "
                               "was imported", station=station), path=path)
        return False
    key, expected = pin if pin else (None, None)
    if key is not None:
        if base64.b64decode(key) == public:
            return False
        if base64.b64decode(key) == start:
            # Whoever copied the old key can hand over to a key of their own too: the new one is pinned by hand,
            # as the station tells it (the hub, or a call), never on the bundle's word.
            raise InputError(t("{station} handed its key over from the key pinned for it to key {found}; nothing was "
                               "imported: if the station says its key is now {found}, pin it (broadcaster log pin "
                               "{station} {found}) and import again", station=station, found=fingerprint(public)),
                             path=path)
        raise InputError(t("{station} is signed by key {found}, but the key pinned for it is {pinned}; nothing "
                           "was imported (if the station really has a new key, pin it: broadcaster log pin "
                           "{station} {found})", station=station, found=fingerprint(public),
                           pinned=fingerprint(base64.b64decode(key))), path=path)
    if expected is not None and fingerprint(public) != expected:
        raise InputError(t("{station} is signed by key {found}, not by the key {pinned} pinned for it; nothing was "
                           "imported", station=station, found=fingerprint(public), pinned=expected), path=path)
    return True


def _merge(log: AiringLog, station: str, public: bytes, got: dict[int, tuple[dict, Path]],
           held: dict[int, dict]) -> tuple[list[dict], int | None]:
    """The records of ``got`` not yet held, and the first held record to drop as forged (None: none), after
    checking that they agree and link with what is held."""
    forged_from = None
    for seq in sorted(got):
        r, path = got[seq]
        if seq in held and held[seq].get("hash") != r["hash"]:
            signer = signing_key([got[s][0] for s in sorted(got)], seq, public)
            if station == log.station or record_signed(signer, held[seq]):
                raise InputError(t("record {seq} of {station} ({what}) differs from the copy already held; one of "
                                   "the two was altered, nothing was imported", seq=seq, station=station,
                                   what=describe(r)), path=path)
            # The held copy is not signed by the station's key and the bundle's is: the held one was forged,
            # and every record held after it hangs on it.
            forged_from = seq
            held = {s: h for s, h in held.items() if s < seq}
            break
    new = [got[s][0] for s in sorted(got) if s not in held]
    if not new:
        return [], forged_from
    if station == log.station:
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
    return new, forged_from


def pin_station(log: AiringLog, station: str, fingerprint_: str) -> None:
    """Expect ``station``'s bundles to be signed by the key whose fingerprint is given (told by the station)."""
    from broadcaster.config import STATION_ID

    if not STATION_ID.fullmatch(station) or station == log.station:
        raise InputError(t("'{station}' is not the id of another station", station=station))
    if not fingerprint_.startswith("SHA256:") or len(fingerprint_) != len(fingerprint(b"")):
        raise InputError(t("'{fingerprint}' is not a key fingerprint such as {example}", fingerprint=fingerprint_,
                           example=fingerprint(b"broadcaster")))
    with log.store.writing() as db:
        db.execute("INSERT INTO stations (station, public_key, expected, pinned_at) VALUES (?, NULL, ?, ?) "
                   "ON CONFLICT (station) DO UPDATE SET public_key = NULL, expected = excluded.expected, "
                   "pinned_at = excluded.pinned_at", (station, fingerprint_, log.clock.now().isoformat()))
        log._append_in(db, {"kind": "audit", "action": "pin", "item": station, "detail": fingerprint_})


def archive_months(log: AiringLog, before: str) -> list[str]:
    """Move the station's own records of whole months before ``before`` into ``archive/YYYY-MM.zip``."""
    from broadcaster.airing_log import ARCHIVE_DIR

    records = [x.record for x in log.own_records() if x.path == log.store.path]
    months: dict[str, list[dict]] = {}
    month = ""
    for r in records:  # a month never goes back: a record written under a clock set back joins the newest month
        month = max(month, str(r.get("at", ""))[:7])
        months.setdefault(month, []).append(r)
    done = []
    for month, rows in list(months.items())[:-1]:  # the newest month stays live
        if month >= before:
            break
        target = log.folder / ARCHIVE_DIR / f"{month}.zip"
        with log.store.writing() as db:  # the zip too is written under the log's write lock (see recover())
            write_zip(target, month, rows)
            db.execute("DELETE FROM records WHERE station = ? AND seq <= ?", (log.station, rows[-1]["seq"]))
            log._append_in(db, {"kind": "audit", "action": "archive", "item": month, "records": len(rows),
                                "first_seq": rows[0]["seq"], "last_seq": rows[-1]["seq"],
                                "last_hash": rows[-1]["hash"],
                                "sha256": hashlib.sha256(target.read_bytes()).hexdigest()})
        done.append(month)
    return done
