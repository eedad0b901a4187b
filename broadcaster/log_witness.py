"""A witness outside the station's PC: whoever holds the PC holds the station key and can rewrite the log so
that it verifies; a bundle exported earlier (now at the district) or a head written down cannot be
rewritten with it. Today's log must still hold every witnessed record unchanged, and nothing added
after the witness may be dated before it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.errors import InputError
from broadcaster.log_bundles import read_bundle
from broadcaster.log_chain import describe
from broadcaster.messages import t
from broadcaster.trust.keys import fingerprint

if TYPE_CHECKING:
    from broadcaster.airing_log import AiringLog


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
    if log.public_key is not None and chain.public_key != log.public_key:
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
