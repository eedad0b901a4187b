"""Airing log benchmark: append cost as the log grows (1k to 1M records), signing and verifying one record, and a
year's query and report.

Run from the repository: ``python bench/log_bench.py`` (``--sizes 1000,10000`` for a shorter run). It prints
the figures and exits 1 if a target is missed: an append costs at most 2 ms (median) at every size, signing
and verifying add at most 1 ms per airing, and a year of a busy station (100,000 airings) is queried and
reported in under 0.3 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broadcaster.airing_log import GENESIS, RECORD_VERSION, AiringLog, airing_fields, record_hash  # noqa: E402
from broadcaster.log_chain import record_signature, record_signed  # noqa: E402
from broadcaster.playout.events import AiringEvent  # noqa: E402
from broadcaster.schedule.plan import PlannedAiring  # noqa: E402
from broadcaster.trust.keys import new_key, public_raw  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STATION = "xa-ea-tu"
PER_YEAR = 100_000
STEP = dt.timedelta(days=365) / PER_YEAR  # a busy station: an airing every five minutes or so, day and night
START = dt.datetime(2025, 1, 1, tzinfo=TZ)
TOPICS = (("khau-hieu-5k", "Khẩu hiệu 5K cộng vắc-xin", "covid-prevention"),
          ("tin-gia", "Cảnh giác với tin giả trên mạng", "fake-news"),
          ("gioi-thieu", "Giới thiệu chương trình phát thanh", "station"))
APPENDS = 500
KEY = new_key()
QUERY = """
import datetime as dt, sys, time
sys.path.insert(0, {root!r})
from broadcaster.airing_log import AiringLog
from broadcaster.reports import build_report
first, last = dt.date.fromisoformat({first!r}), dt.date.fromisoformat({last!r})
started = time.perf_counter()
records = AiringLog({folder!r}, station={station!r}).report_records(first, last)
queried = time.perf_counter()
build_report(records, first, last)
print(queried - started, time.perf_counter() - queried, len(records))
"""


class BenchClock:
    """A clock the benchmark moves on."""

    def __init__(self, at: dt.datetime):
        self.tz = TZ
        self.at = at

    def now(self) -> dt.datetime:
        """The time set last."""
        return self.at


def airing(n: int) -> AiringEvent:
    """The n-th airing of the benchmark's station: realistic fields, Vietnamese titles."""
    ident, title, topic = TOPICS[n % len(TOPICS)]
    start = START + STEP * n
    end = start + dt.timedelta(seconds=75)
    planned = PlannedAiring(key=f"{start:%Y-%m-%d}/loa-xa/Buổi sáng/{start:%H:%M}/{n}", output="loa-xa",
                            session="Buổi sáng", start=start, end=end, announcement=ident, title=title, topic=topic,
                            fingerprint=f"{n:064x}", asset_path="", approved_by="Trần Văn Bình", voice="espeak:vi")
    return AiringEvent("aired" if n % 50 else "missed", planned, "sound device 'loa_xa'", start, end)


def write_chain(folder: Path, station: str, key, events) -> None:
    """Write ``events`` as a signed, chained log of ``station`` into the database in one transaction (as appends
    would have), each record made when its airing ended."""
    log = AiringLog(folder, station=station)
    prev, batch = GENESIS, []
    with log.store.writing() as db:
        for n, e in enumerate(events):
            record = {**airing_fields(e, "Nguyễn Văn An"), "v": RECORD_VERSION, "station": station,
                      "at": e.airing.end.isoformat(timespec="milliseconds"), "seq": n + 1, "prev": prev}
            record["hash"] = prev = record_hash(record)
            record["sig"] = record_signature(key, record["hash"])
            batch.append(record)
            if len(batch) == 10_000:
                log.store.insert(db, batch)
                batch = []
        log.store.insert(db, batch)
    log.store.close()


def build(folder: Path, count: int) -> dt.datetime:
    """Write a signed, chained log of ``count`` airings; returns its last time."""
    write_chain(folder, STATION, KEY, (airing(n) for n in range(count)))
    return START + STEP * count


def append_cost(count: int, appends: int) -> tuple[float, float, float]:
    """Milliseconds per append (median, 95th percentile) after ``count`` records, and the build time in s."""
    with tempfile.TemporaryDirectory(prefix="broadcaster-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        last = build(folder, count)
        built = time.perf_counter() - started
        clock = BenchClock(last)
        log = AiringLog(folder, station=STATION, clock=clock, key=KEY)
        costs = []
        for i in range(appends):
            e = airing(count + i)
            clock.at = e.actual_end
            started = time.perf_counter()
            log.append(e)
            costs.append((time.perf_counter() - started) * 1000)
        log.store.close()
        costs.sort()
        return statistics.median(costs), costs[int(len(costs) * 0.95) - 1], built


def signing_cost(n: int = 2000) -> tuple[float, float]:
    """Milliseconds to sign one record's hash, and to verify it."""
    hashes = [f"{i:064x}" for i in range(n)]
    started = time.perf_counter()
    records = [{"hash": h, "sig": record_signature(KEY, h)} for h in hashes]
    signed = time.perf_counter() - started
    public = public_raw(KEY)
    started = time.perf_counter()
    assert all(record_signed(public, r) for r in records)
    return signed / n * 1000, (time.perf_counter() - started) / n * 1000


def query_cost(runs: int = 3) -> list[tuple[float, float, int]]:
    """Seconds to query a year of 100,000 airings and to build its report, each run in a fresh process as a
    command would be."""
    with tempfile.TemporaryDirectory(prefix="broadcaster-bench-") as tmp:
        build(Path(tmp), PER_YEAR)
        code = QUERY.format(root=str(Path(__file__).resolve().parent.parent), folder=tmp, station=STATION,
                            first=START.date().isoformat(), last=(START + STEP * (PER_YEAR - 1)).date().isoformat())
        results = []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            queried, reported, n = out.split()
            results.append((float(queried), float(reported), int(n)))
        return results


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000", help="log sizes to append to")
    args = parser.parse_args()
    failed = False
    print(f"Append cost in SQLite (WAL, synchronous=FULL), signed ({APPENDS} appends after the log is built):")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        median, p95, built = append_cost(size, APPENDS)
        print(f"  {size:>9,} records: median {median:6.2f} ms, 95th percentile {p95:6.2f} ms  (built in {built:.0f} s)")
        if median > 2.0:
            print("  FAIL: over 2 ms")
            failed = True
    signed, verified = signing_cost()
    print(f"Signing a record {signed:.3f} ms, verifying it {verified:.3f} ms (target: together under 1 ms)")
    if signed + verified > 1.0:
        print("  FAIL: over 1 ms")
        failed = True
    runs = query_cost()
    total = statistics.median(q + r for q, r, _ in runs)
    print(f"A year of a busy station ({PER_YEAR:,} airings, {runs[0][2]:,} records once plain ones are folded), "
          f"{len(runs)} runs: query "
          + ", ".join(f"{q:.3f}" for q, _, _ in runs) + " s, report "
          + ", ".join(f"{r:.3f}" for _, r, _ in runs) + f" s; median of both {total:.3f} s (target: under 0.3 s)")
    if total >= 0.3:
        print("  FAIL: over 0.3 s")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
