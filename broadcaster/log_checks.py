"""Checking a log: every chain it holds, link by link and signature by signature, and what a witness saw.

A witness stands outside the station's PC: whoever holds the PC holds the station key and can rewrite
the log so that its chain verifies; a bundle exported earlier (now at the district) or a head written
down cannot be rewritten with it. Today's log must still hold every witnessed record unchanged, and
nothing added after the witness may be dated before it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.errors import InputError
from broadcaster.log_bundles import read_bundle
from broadcaster.log_chain import GENESIS, KEY_HANDOVER, ChainCheck, check_chain, describe
from broadcaster.log_store import COLUMNS, QUOTED, columns, row_record
from broadcaster.messages import t
from broadcaster.trust.keys import b64, fingerprint

if TYPE_CHECKING:
    from broadcaster.airing_log import AiringLog


def chains(log: AiringLog) -> list[ChainCheck]:
    """The check of the station's own chain and of every imported one; each names its first problem."""
    own = list(log.own_records())
    results = []
    if own:
        first = own[0].record if isinstance(own[0].record, dict) else {}
        # Archives moved off this computer: the chain starts where an archive record, itself chained, says.
        anchored = any(r.get("action") == "archive" and r.get("last_seq") == first.get("seq", 0) - 1
                       and r.get("last_hash") == first.get("prev") for r in (x.record for x in own)
                       if isinstance(r, dict) and r.get("kind") == "audit")
        start = (first.get("seq", 1), first.get("prev")) if anchored else (1, GENESIS)
        check = check_chain(own, log.station, *start, log.public_key)
        if log.public_key is None and any(isinstance(x.record, dict) and "sig" in x.record for x in own):
            check = ChainCheck(log.station, 0, 0, "", t("the station's key is missing, so the signatures of its "
                                                        "records cannot be checked"), log.store.path)
        results.append(_indexed(log, check))
    pins = log.pins()
    for station in log.sources():
        items = log.source_records(station)
        bundles = log.bundles(station)
        first = min((b[0] for b in bundles), default=1)
        first_prev = next((x.record.get("prev") for x in items if x.record.get("seq") == first), GENESIS)
        results.append(_indexed(log, check_chain(items, station, first, first_prev, pins.get(station),
                                                 last_seq=max((b[1] for b in bundles), default=None))))
    return results


def _indexed(log: AiringLog, check: ChainCheck) -> ChainCheck:
    """``check``, or the first row whose searched columns differ from its record (a query would miss it)."""
    if not check.intact:
        return check
    with log.store.reading() as db:
        for row in db.execute(f"SELECT seq, {QUOTED}, hash, body, sig FROM records WHERE station = ?",
                              (check.station,)):
            record = row_record(row[-2], row[-1])
            if not isinstance(record, dict) or record.get("seq") != row[0] or record.get("hash") != row[-3] \
                    or columns(record) != tuple(row[1:len(COLUMNS) + 1]):
                return ChainCheck(check.station, 0, 0, "", t("record {seq} ({what}) was altered: the fields the log "
                                                             "is searched by differ from the record", seq=row[0],
                                                             what=describe(record)), log.store.path)
    return check


def witnessed(log: AiringLog, witness: str | Path) -> str | None:
    """None when the log extends what ``witness`` saw (a bundle file, or 'SEQ:HASH'), else the first problem."""
    from broadcaster.airing_log import HEAD

    held = {x.record.get("seq"): x.record for x in log.own_records() if isinstance(x.record, dict)}
    head = HEAD.fullmatch(str(witness).strip().lower()) if not Path(witness).exists() else None
    if head:
        seq, prefix = int(head.group(1)), head.group(2)
        record = held.get(seq)
        if record is None:
            return t("record {seq}, seen by the witness, is no longer in the log", seq=seq)
        if not str(record.get("hash", "")).startswith(prefix):
            return t("record {seq} ({what}) is not the one the witness saw: it was altered", seq=seq,
                     what=describe(record))
        return _backdated(held, seq)
    exporter, chains = read_bundle(Path(witness))
    chain = next((c for c in chains if c.station == log.station), None)
    if chain is None:
        raise InputError(t("the bundle holds no records of this station ({station})", station=log.station),
                         path=witness)
    handed = {r.get("old_key") for r in held.values() if r.get("kind") == KEY_HANDOVER}  # keys the log had before
    if log.public_key is not None and chain.public_key != log.public_key and b64(chain.public_key) not in handed:
        return t("the bundle was signed by key {found}, but the station's key is now {key}: the station key was "
                 "replaced", found=fingerprint(chain.public_key), key=fingerprint(log.public_key))
    for r in chain.records:
        mine = held.get(r["seq"])
        if mine is None:
            return t("record {seq} ({what}), seen by the witness, is no longer in the log", seq=r["seq"],
                     what=describe(r))
        if mine.get("hash") != r["hash"]:
            return t("record {seq} ({what}) is not the one the witness saw: it was altered", seq=r["seq"],
                     what=describe(r))
    return _backdated(held, chain.last)


def _backdated(held: dict[int, dict], seq: int) -> str | None:
    """A record written after record ``seq`` but dated before it (added afterwards), if any."""
    seen_at = str(held[seq].get("at", ""))
    for later in sorted(s for s in held if isinstance(s, int) and s > seq):
        if str(held[later].get("at", "")) < seen_at:
            return t("record {seq} ({what}) was written after record {witnessed}, which the witness saw, but is "
                     "dated before it: it was added afterwards", seq=later, what=describe(held[later]),
                     witnessed=seq)
    return None
