"""Seals of the station's signals (chimes, jingles): the hash of each signal file, signed by the station
the first time the file is used, or when a supervisor accepts a new one. A signal file replaced under the
station folder no longer matches its seal and never airs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.atomic import replacing
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t
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
            self.seal(relative, sha256, "", seals)
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

    def seal(self, relative: str, sha256: str, by: str, seals: dict | None = None) -> None:
        """Seal ``relative`` as having hash ``sha256`` (accepted by ``by``; '' for a first use)."""
        if seals is None:
            try:
                seals = self._read()
            except BroadcasterError:
                seals = {}  # a supervisor accepting a signal replaces damaged seals
        signature = keys.b64(keys.sign(self.station_key(), _said(relative, sha256, by)))
        seals = {**seals, relative: {"sha256": sha256, "by": by, "seal": signature}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(self.path, "w", encoding="utf-8", what=t("the seals of the station signals")) as f:
            json.dump(seals, f, ensure_ascii=False, indent=1)
