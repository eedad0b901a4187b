"""Memory while airing: a two-hour vehicle loop on one output must stay under 150 MB resident, because
audio is streamed from disk block by block, never loaded whole.

Run: python bench/memory_bench.py   (Linux or macOS: it reads the peak resident size from the OS)
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import soundfile

from broadcaster.playout.channel import Channel
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.priority import Policy
from broadcaster.schedule.plan import PlannedAiring

RATE = 44100
LOOP_S = 2 * 3600
ITEM_S = 600  # six ten-minute recordings, cycled: the loop is two hours of audio
TARGET_MB = 150


class NullSink:
    """A sink that discards what it is given, as fast as it comes (no real time: the bench is not timing)."""

    writes_silence = False
    paced = False

    def __init__(self):
        self.frames = 0

    def describe(self) -> str:
        return "null"

    def probe(self) -> None:
        pass

    def open(self, rate: int) -> None:
        pass

    def write(self, block: np.ndarray) -> None:
        self.frames += len(block)

    def close(self) -> None:
        pass


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="broadcaster-bench-"))
    rng = np.random.default_rng(1)
    files = []
    for n in range(6):
        path = folder / f"ban-tin-{n}.wav"
        with soundfile.SoundFile(path, "w", samplerate=RATE, channels=1, subtype="PCM_16") as f:
            for _ in range(ITEM_S // 10):
                f.write((0.1 * rng.standard_normal(10 * RATE)).astype(np.float32))
        files.append(path)
    before = peak_mb()
    clock = SystemClock(ZoneInfo("Asia/Ho_Chi_Minh"))
    sink = NullSink()
    done = []
    channel = Channel("xe-loa", [sink], clock, RATE, 0.0, done.append, folder / "onair")
    now = clock.now()
    count = LOOP_S // ITEM_S
    for i in range(count):
        airing = PlannedAiring(key=f"loop/{i}", output="xe-loa", session="Xe loa", start=now,
                               end=now + dt.timedelta(seconds=ITEM_S), announcement=f"ban-tin-{i % 6}",
                               title="Bản tin", topic="general", fingerprint="f", asset_path=str(files[i % 6]))
        channel.submit(airing, Policy("next"), now + dt.timedelta(days=1))
    began = time.perf_counter()
    channel.start()
    while sum(1 for e in done if getattr(e, "status", "") == "aired") < count:
        time.sleep(0.2)
    channel.stop()
    took = time.perf_counter() - began
    aired = sink.frames / RATE
    peak = peak_mb()
    print(f"aired {aired / 3600:.2f} h of audio ({count} items) in {took:.1f} s; peak resident {peak:.0f} MB "
          f"(before playing: {before:.0f} MB); target < {TARGET_MB} MB: {'met' if peak < TARGET_MB else 'NOT met'}")


if __name__ == "__main__":
    main()
