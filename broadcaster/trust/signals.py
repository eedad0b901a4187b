"""Seals of the station's signals (chimes, jingles): the hash of each signal file, signed by the station
the first time the file is used, or when a supervisor accepts a new one. A signal file replaced under the
station folder no longer matches its seal and never airs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from filelock import FileLock, Timeout

from broadcaster.atomic import remove_leftovers, replacing
from broadcaster.errors import BroadcasterError, StorageError
from broadcaster.messages import t
from broadcaster.storage import LOCK_TIMEOUT_S
from broadcaster.trust import keys
from broadcaster.trust.statements import canonical

MAX_SEALS_BYTES = 1 << 20  # a few hundred signals fit in far less; a bigger file is not ours


def _said(relative: str, sha256: str, by: str) -> bytes:
    return canonical({"kind": "signal", "path": relative, "sha256": sha256, "by": by})


class SignalSeals:
    """The sealed hashes of the station's signal files, in one JSON file signed entry by entry."""

    def __init__(self, path: Path, station_key: Callable[[], Ed25519PrivateKey]):
        self.path = Path(path)
        self.station_key = station_key
        self._lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)

    def _read(self) -> dict:
        """The stored seals; BroadcasterError when the file is damaged (then no signal verifies)."""
        if not self.path.exists():
            return {}
        try:
            if self.path.stat().st_size > MAX_SEALS_BYTES:
                raise ValueError(t("too large"))
            seals = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BroadcasterError(t("the seals of the station signals {path} are damaged ({reason}): have a "
                                     "supervisor accept the signals again ('broadcaster signal accept')",
                                     path=self.path, reason=exc)) from None
        if not isinstance(seals, dict):
            raise BroadcasterError(t("the seals of the station signals {path} are damaged ({reason}): have a "
                                     "supervisor accept the signals again ('broadcaster signal accept')",
                                     path=self.path, reason=t("not a table of files")))
        return seals

    def check(self, relative: str, sha256: str) -> str:
        """Why the signal file ``relative`` with hash ``sha256`` may not air; '' when its seal matches (a
        signal never seen before is sealed now: from then on, a replaced file is refused)."""
        try:
            seals = self._read()
        except BroadcasterError as exc:
            return exc.message
        record = seals.get(relative)
        if record is None:
            self.seal({relative: sha256}, "")
            return ""
        if not isinstance(record, dict):
            return t("its seal is damaged: have a supervisor accept it ('broadcaster signal accept')")
        try:
            signature = keys.unb64(record.get("seal"), str(self.path))
        except BroadcasterError:
            signature = b""
        said = _said(relative, str(record.get("sha256")), str(record.get("by", "")))
        if not keys.verifies(keys.public_raw(self.station_key()), signature, said):
            return t("its seal does not verify: have a supervisor accept it ('broadcaster signal accept')")
        if record.get("sha256") != sha256:
            return t("the file was replaced since it was sealed: have a supervisor accept it ('broadcaster signal "
                     "accept')")
        return ""

    def seal(self, hashes: dict[str, str], by: str) -> None:
        """Seal each file of ``hashes`` (relative path: SHA-256) as accepted by ``by`` ('' for a first use),
        in one write: all of them or none."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._lock:  # every writer holds it: a temporary file found now was left by a killed one
                remove_leftovers(self.path.parent, lambda name: name == self.path.name)
                self._write(hashes, by)
        except Timeout:
            raise StorageError(t("the database is locked by another broadcaster process"), path=self.path) from None

    def reseal(self, old: Ed25519PrivateKey, new: Ed25519PrivateKey) -> None:
        """Seal again with ``new`` every entry that ``old`` sealed (the station's key changed); damaged seals
        stay damaged (a supervisor accepts the signals again)."""
        old_public = keys.public_raw(old)
        try:
            with self._lock:
                try:
                    seals = self._read()
                except BroadcasterError:
                    return
                if not seals:
                    return
                for relative, record in seals.items():
                    if not isinstance(record, dict):
                        continue
                    said = _said(relative, str(record.get("sha256")), str(record.get("by", "")))
                    try:
                        signature = keys.unb64(record.get("seal"), str(self.path))
                    except BroadcasterError:
                        continue
                    if keys.verifies(old_public, signature, said):
                        record["seal"] = keys.b64(keys.sign(new, said))
                with replacing(self.path, "w", encoding="utf-8", what=t("the seals of the station signals")) as f:
                    json.dump(seals, f, ensure_ascii=False, indent=1)
        except Timeout:
            raise StorageError(t("the database is locked by another broadcaster process"), path=self.path) from None

    def _write(self, hashes: dict[str, str], by: str) -> None:
        try:
            seals = self._read()
        except BroadcasterError:
            seals = {}  # a supervisor accepting the signals replaces damaged seals (a first use never gets here)
        key = self.station_key()
        for relative, sha in hashes.items():
            seals = {**seals, relative: {"sha256": sha, "by": by,
                                         "seal": keys.b64(keys.sign(key, _said(relative, sha, by)))}}
        with replacing(self.path, "w", encoding="utf-8", what=t("the seals of the station signals")) as f:
            json.dump(seals, f, ensure_ascii=False, indent=1)
