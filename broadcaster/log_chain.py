"""Log records as a chain: each holds a sequence number, the hash of the record before it, its own hash and
the station's signature of that hash, so that editing, removing, reordering or forging a record is found."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.messages import marked, moment_text, t
from broadcaster.trust.keys import b64, fingerprint, public_raw, sign, verifies

RECORD_VERSION = 3  # 3: signed by the station key
GENESIS = "0" * 64
AIRING = marked("airing")
KEY_HANDOVER = marked("key")  # the station's key handed over to a new one: records after it are signed by that
RECORD_CONTEXT = b"broadcaster log record v1\n"   # what a record's signature signs, before its hash
HANDOVER_CONTEXT = b"broadcaster station key hand-over v1\n"  # what the old key signs when it hands over


def record_hash(record: dict) -> str:
    """SHA-256 of a record's canonical JSON, without its own hash and signature."""
    body = {k: v for k, v in record.items() if k not in ("hash", "sig")}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_signature(key: Ed25519PrivateKey, hash_: str) -> str:
    """The station's signature of a record: of its hash, which covers every other field."""
    return b64(sign(key, RECORD_CONTEXT + hash_.encode("ascii")))


def record_signed(public: bytes, record: dict) -> bool:
    """Whether ``record`` carries a signature of its hash by the key ``public``."""
    try:
        signature = base64.b64decode(str(record["sig"]), validate=True)
        data = RECORD_CONTEXT + str(record["hash"]).encode("ascii")
    except (KeyError, ValueError, UnicodeEncodeError):
        return False
    return verifies(public, signature, data)


def handover_message(station: str, prev: str, new_key: str) -> bytes:
    """What the old key signs to hand the station's chain over to ``new_key`` (base64) after the record ``prev``."""
    return HANDOVER_CONTEXT + f"{station}\n{prev}\n{new_key}".encode("utf-8")


def handover_fields(old: Ed25519PrivateKey, new_public: bytes, station: str, prev: str) -> dict:
    """The fields of a key hand-over record following the record whose hash is ``prev``: both keys, and the
    old key's endorsement of the new one (the record itself is then signed by the new key)."""
    new_key = b64(new_public)
    return {"kind": KEY_HANDOVER, "old_key": b64(public_raw(old)), "new_key": new_key,
            "endorsement": b64(sign(old, handover_message(station, prev, new_key)))}


def _key_field(record: dict, name: str) -> bytes:
    try:
        key = base64.b64decode(str(record.get(name)), validate=True)
    except ValueError:
        return b""
    return key if len(key) == 32 else b""


def first_key(records: Iterable[dict], public: bytes | None) -> bytes | None:
    """The key that signed the first of ``records``, whose last is signed by ``public``: the old key of their
    first hand-over, else ``public`` (the hand-over's own signature by the next key binds every record before)."""
    for r in records:
        if isinstance(r, dict) and r.get("kind") == KEY_HANDOVER:
            return _key_field(r, "old_key") or public
    return public


def signing_key(records: list[dict], seq: int, public: bytes | None) -> bytes | None:
    """The key that signed record ``seq`` of ``records`` (a chain whose last record ``public`` signed)."""
    key = first_key(records, public)
    for r in records:
        if not isinstance(r, dict) or not isinstance(r.get("seq"), int) or r["seq"] > seq:
            break
        if r.get("kind") == KEY_HANDOVER:
            key = _key_field(r, "new_key") or key
    return key


def _handover_problem(key: bytes, record: dict) -> str | None:
    """Why ``record``, a key hand-over, does not hand over from ``key`` (which signed the records before it)."""
    old, new = _key_field(record, "old_key"), _key_field(record, "new_key")
    what = t("record {seq} hands the station's key over", seq=record.get("seq"))
    if old != key:
        return t("{what} from a key that did not sign the records before it: it was forged", what=what)
    try:
        endorsement = base64.b64decode(str(record.get("endorsement")), validate=True)
    except ValueError:
        endorsement = b""
    message = handover_message(str(record.get("station")), str(record.get("prev")), str(record.get("new_key")))
    if not new or not verifies(old, endorsement, message):
        return t("{what} without the old key's endorsement: it was forged", what=what)
    if not record_signed(new, record):
        return t("{what} but is not signed by the new key: it was forged or altered", what=what)
    return None


def describe(record: dict) -> str:
    """A short phrase naming a record for a person."""
    if not isinstance(record, dict):
        return t("an unreadable record")
    if record.get("kind") == AIRING:
        return t("{id} planned {time} on {output}", id=record.get("announcement", "?"),
                 time=moment_text(str(record.get("planned_start", "?"))), output=record.get("output", "?"))
    return t("{kind} at {time}", kind=t(str(record.get("kind", "?"))), time=moment_text(str(record.get("at", "?"))))


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
    unsigned: int = 0  # records written before the station had a key, checked by the chain alone

    @property
    def intact(self) -> bool:
        """True when no record was altered, removed, reordered or forged."""
        return self.problem is None


def check_chain(items: Iterable[Located], station: str, first_seq: int = 1, first_prev: str = GENESIS,
                public: bytes | None = None, last_seq: int | None = None) -> ChainCheck:
    """Check records that should run from ``first_seq`` (linked to ``first_prev``) on, one after the other;
    with ``public``, each must be signed once one is (those before came before keys): by ``public``, or by the
    keys that its key hand-over records hand on from one to the next, the last to ``public``."""
    items = list(items)
    present = {x.record.get("seq") for x in items if isinstance(x.record, dict)}
    expected, prev_hash, count, unsigned, signing = first_seq, first_prev, 0, 0, False
    key = first_key((x.record for x in items), public)

    def broken(problem: str, path: Path | None) -> ChainCheck:
        return ChainCheck(station, count, expected - 1, prev_hash, problem, path, unsigned)

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
        if public is not None and r.get("kind") == KEY_HANDOVER:
            problem = _handover_problem(key, r)
            if problem:
                return broken(problem, x.path)
            key, signing = _key_field(r, "new_key"), True
        elif public is not None:
            if "sig" in r and not record_signed(key, r):
                return broken(t("record {seq} ({what}) is not signed by the station's key: it was forged or "
                                "altered", seq=seq, what=describe(r)), x.path)
            if "sig" not in r and signing:
                return broken(t("record {seq} ({what}) has no signature, though the records before it have: it "
                                "was forged or altered", seq=seq, what=describe(r)), x.path)
            signing = signing or "sig" in r
            unsigned += not signing
        prev_hash = r["hash"]
        expected += 1
        count += 1
    if last_seq is not None and expected - 1 < last_seq:
        path = items[-1].path if items else None
        if last_seq > expected:
            return broken(t("records {first} to {last} were removed from the end", first=expected, last=last_seq),
                          path)
        return broken(t("record {seq} was removed from the end", seq=expected), path)
    if public is not None and key != public:
        return broken(t("the last key hand-over (record {seq}) is to key {found}, not to the station's key {key}",
                        seq=max((x.record.get("seq", 0) for x in items if x.record.get("kind") == KEY_HANDOVER),
                                default=0), found=fingerprint(key), key=fingerprint(public)),
                      items[-1].path if items else None)
    return ChainCheck(station, count, expected - 1, prev_hash, unsigned=unsigned)
