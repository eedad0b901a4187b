"""Log bundles: the chains of a date range, signed by the station that exports them, checked whole on import.

A bundle carries, per chain, the station's public key and head (last sequence number and hash), each
record's signature, and one signature of the exporting station over all of it. Reading one caps its
size before reading, refuses deep nesting and wrong shapes in one line, and checks every chain.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.atomic import replacing
from broadcaster.config import STATION_ID
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.log_chain import RECORD_VERSION, Located, check_chain
from broadcaster.trust.keys import b64, public_raw, sign, verifies

BUNDLE_FORMAT = "broadcaster-log-bundle"
BUNDLE_VERSION = 2
MAX_BUNDLE_BYTES = 256 * 1024 * 1024  # about three years of a busy station
BUNDLE_CONTEXT = b"broadcaster log bundle v1\n"


def _bytes(text: object) -> bytes:
    return base64.b64decode(str(text), validate=True)


def _canonical(bundle: dict) -> bytes:
    return BUNDLE_CONTEXT + orjson.dumps({k: v for k, v in bundle.items() if k != "signature"},
                                         option=orjson.OPT_SORT_KEYS)


def signed_bundle(bundle: dict, key: Ed25519PrivateKey) -> bytes:
    """``bundle`` signed with the exporting station's key, as the bytes of its file (or of a hub upload)."""
    bundle = {**bundle, "format": BUNDLE_FORMAT, "v": BUNDLE_VERSION, "public_key": b64(public_raw(key))}
    bundle["signature"] = b64(sign(key, _canonical(bundle)))
    return orjson.dumps(bundle)


def write_bundle(path: Path, bundle: dict, key: Ed25519PrivateKey) -> None:
    """Sign ``bundle`` with the exporting station's key and write it whole to ``path``."""
    data = signed_bundle(bundle, key)
    with replacing(Path(path), what=t("the bundle")) as f:
        f.write(data)


@dataclass(frozen=True)
class Chain:
    """One station's records in a bundle, checked as a chain and for their signatures."""

    station: str
    public_key: bytes
    first: int
    last: int
    head: str
    records: list


def _refuse(path: Path, message: str) -> InputError:
    return InputError(message, path=path)


def read_bundle(path: Path) -> tuple[bytes, list[Chain]]:
    """The exporter's key and the checked chains of a bundle file; an InputError names the first problem."""
    path = Path(path)
    not_bundle = t("not a log bundle (not the JSON that 'broadcaster log export' writes)")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _refuse(path, not_bundle)
        if size > MAX_BUNDLE_BYTES:
            raise _refuse(path, t("the bundle is {size} MB, more than the {limit} MB a bundle may have; export "
                                  "a shorter date range", size=size // 2 ** 20, limit=MAX_BUNDLE_BYTES // 2 ** 20))
        with open(path, "rb") as f:
            raw = f.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        raise _refuse(path, t("no such file")) from None
    except OSError:
        raise _refuse(path, not_bundle) from None
    return parse_bundle(raw, path)


def parse_bundle(raw: bytes, path: Path | str) -> tuple[bytes, list[Chain]]:
    """The exporter's key and the checked chains of a bundle's bytes (``path`` names where they came from)."""
    not_bundle = t("not a log bundle (not the JSON that 'broadcaster log export' writes)")
    try:
        data = orjson.loads(raw)  # orjson refuses nesting deeper than 1,024 levels: no recursion to exhaust
    except orjson.JSONDecodeError:
        raise _refuse(path, not_bundle) from None
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT \
            or not isinstance(data.get("chains"), list):
        raise _refuse(path, not_bundle)
    version = data.get("v")
    if not isinstance(version, int) or version > BUNDLE_VERSION:
        raise _refuse(path, t("the bundle was written by a newer broadcaster (version {found}); upgrade broadcaster",
                              found=version))
    if version < BUNDLE_VERSION or "signature" not in data:
        raise _refuse(path, t("the bundle is not signed (it was made before stations had keys); ask the station "
                              "for a new export"))
    exporter = _key(data.get("public_key"), path, t("the bundle"))
    try:
        signed = verifies(exporter, _bytes(data["signature"]), _canonical(data))
    except (TypeError, ValueError):
        signed = False
    if not signed:
        raise _refuse(path, t("the bundle's signature does not verify: it was altered after it was exported; "
                              "nothing was imported"))
    chains = [_chain(raw_chain, path) for raw_chain in data["chains"]]
    if not chains:
        raise _refuse(path, t("the bundle is damaged: a chain without records; nothing was imported"))
    return exporter, chains


def _key(value: object, path: Path, what: str) -> bytes:
    try:
        key = _bytes(value)
    except (TypeError, ValueError):
        key = b""
    if len(key) != 32:
        raise _refuse(path, t("{what} has no valid public key; nothing was imported", what=what))
    return key


def _chain(raw: object, path: Path) -> Chain:
    if not isinstance(raw, dict) or not isinstance(raw.get("records"), list) or not raw["records"] \
            or not all(isinstance(r, dict) for r in raw["records"]):
        raise _refuse(path, t("the bundle is damaged: a chain without records; nothing was imported"))
    station = raw.get("station")
    if not isinstance(station, str) or not STATION_ID.fullmatch(station):
        raise _refuse(path, t("the bundle names a station '{station}' that is not a station id (lower-case letters "
                              "a-z, digits and '-'); nothing was imported", station=str(station)[:80]))
    public = _key(raw.get("public_key"), path, t("the chain of {station}", station=station))
    records = raw["records"]
    for r in records:
        if isinstance(r.get("v"), int) and r["v"] > RECORD_VERSION:
            raise _refuse(path, t("record {seq} was written by a newer broadcaster (version {found}, this one reads "
                                  "{known}); upgrade broadcaster", seq=str(r.get("seq"))[:20], found=r["v"],
                                  known=RECORD_VERSION))
        if not re.match(r"\d{4}-\d{2}-\d{2}", str(r.get("at", ""))):
            raise _refuse(path, t("{station}: record {seq} has no time; the bundle was altered, nothing was "
                                  "imported", station=station, seq=str(r.get("seq"))[:20]))
    first = raw.get("first") if isinstance(raw.get("first"), int) else 1
    check = check_chain([Located(r, path) for r in records], station, first, records[0].get("prev"), public)
    if not check.intact:
        raise _refuse(path, t("{station}: {problem}; the bundle was altered, nothing was imported",
                              station=station, problem=check.problem))
    if check.last_seq != raw.get("last") or check.last_hash != raw.get("head"):
        raise _refuse(path, t("{station}: the bundle ends at record {seq}, not at record {last} as it says; "
                              "the bundle was altered, nothing was imported", station=station,
                              seq=check.last_seq, last=str(raw.get("last"))[:20]))
    return Chain(station, public, first, check.last_seq, check.last_hash, records)

