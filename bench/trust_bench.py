"""Trust benchmark: what signing and verifying add to each airing, and `content list` over 1,000 signed
announcements.

Run from the repository: ``python bench/trust_bench.py`` (about half a minute). It prints the figures and
exits 1 if a target is missed: signing and verifying add at most 1 ms per airing (the station's seal of a
render checked, an urgent order verified, the approval's signature verified); `content list` of 1,000
entries takes under 1 s. The SHA-256 of the rendered file, read again before it airs, is printed beside
them: it grows with the item's length (reading the file is not signing).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from click.testing import CliRunner  # noqa: E402

from broadcaster.audiofile import write_wav  # noqa: E402
from broadcaster.cli import cli  # noqa: E402
from broadcaster.content.announcement import TEXT, Announcement, Variant  # noqa: E402
from broadcaster.content.library import APPROVED  # noqa: E402
from broadcaster.content.clips import file_sha256  # noqa: E402
from broadcaster.station import init_station  # noqa: E402
from broadcaster.trust import keys, statements  # noqa: E402

NOW = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
ENTRIES, RUNS = 1000, 200


def _median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def per_airing() -> tuple[float, float, float]:
    """(sign ms, verify ms for the three checks of an airing, hash ms of a minute of audio)."""
    key = keys.new_key()
    public = keys.public_raw(key)
    body = statements.canonical({"kind": "render", "key": "0" * 32, "sha256": "1" * 64})
    seal = keys.sign(key, body)
    uncached = keys.verifies.__wrapped__  # each airing's statements are new: no remembered answer
    sign_ms = _median_ms(lambda: keys.sign(key, body))
    verify_ms = _median_ms(lambda: [uncached(public, seal, body) for _ in range(3)])
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "a.wav"
        write_wav(wav, np.zeros(60 * 44100, dtype=np.float32), 44100)
        hash_ms = _median_ms(lambda: file_sha256(wav), 20)
    return sign_ms, verify_ms, hash_ms


def content_list() -> float:
    """Seconds for `content list` over ENTRIES approved, signed announcements."""
    with tempfile.TemporaryDirectory() as folder:
        station = init_station(Path(folder) / "s", "Bench")
        station.users.add("Trần Văn Bình", "supervisor", "mật khẩu giám sát", NOW, None)
        signer = station.users.unlock("Trần Văn Bình", "mật khẩu giám sát", {"supervisor"}, "approve")
        with station.library.store.transaction() as db:
            for n in range(ENTRIES):
                ann = Announcement(f"tin-{n:04d}", f"Tin số {n}", author="Lê Văn Cường",
                                   variants=(Variant("vie", TEXT, text=f"Kính thưa bà con, tin số {n}."),))
                fp = ann.content_fingerprint()
                at = NOW.isoformat(timespec="seconds")
                statement = statements.signed({"kind": "decision", "action": APPROVED, "id": ann.id,
                                               "by": signer.name, "at": at, "fingerprint": fp, "reason": "",
                                               "maker": "Lê Văn Cường"}, signer.key)
                db.table("announcements").insert({"v": 1, "announcement": ann.to_record(), "decision": {
                    "action": APPROVED, "by": signer.name, "at": at, "fingerprint": fp, "reason": "",
                    "statement": statement}})
        start = time.perf_counter()
        result = CliRunner().invoke(cli, ["--station", str(station.root), "content", "list"])
        seconds = time.perf_counter() - start
        assert result.exit_code == 0 and result.output.count("approved") >= ENTRIES, result.output[-500:]
        return seconds


def main() -> int:
    sign_ms, verify_ms, hash_ms = per_airing()
    listing = content_list()
    print(f"per airing: sign (a render's seal) {sign_ms:.3f} ms; verify (seal, order, approval) {verify_ms:.3f} ms "
          f"-> {sign_ms + verify_ms:.3f} ms (target <= 1 ms)")
    print(f"per airing: SHA-256 of a minute of rendered audio read again {hash_ms:.2f} ms")
    print(f"content list of {ENTRIES} signed entries: {listing:.2f} s (target < 1 s)")
    return 0 if sign_ms + verify_ms <= 1 and listing < 1 else 1


if __name__ == "__main__":
    sys.exit(main())
