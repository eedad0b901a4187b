"""Airing log benchmark: append cost as the log grows (1k to 1M records), and a year's query and report.

Run from the repository: ``python bench/log_bench.py`` (``--sizes 1000,10000`` for a shorter run). It prints
the figures and exits 1 if a target is missed: an append costs about the same at every size, and a year
of a busy station (100,000 airings) is queried and reported in under a second.
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

from broadcaster.airing_log import (GENESIS, RECORD_VERSION, SEGMENT_RECORDS, TABLE, AiringLog,  # noqa: E402
                                    airing_fields, record_hash)
from broadcaster.playout.events import AiringEvent  # noqa: E402
from broadcaster.schedule.plan import PlannedAiring  # noqa: E402
from broadcaster.storage import SCHEMA_VERSION, AtomicJSONStorage  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STATION = "xa-ea-tu"
PER_YEAR = 100_000
STEP = dt.timedelta(days=365) / PER_YEAR  # a busy station: an airing every five minutes or so, day and night
START = dt.datetime(2025, 1, 1, tzinfo=TZ)
TOPICS = (("khau-hieu-5k", "Khẩu hiệu 5K cộng vắc-xin", "covid-prevention"),
          ("tin-gia", "Cảnh giác với tin giả trên mạng", "fake-news"),
          ("gioi-thieu", "Giới thiệu chương trình phát thanh", "station"))
SINGLE_FILE_APPENDS = 20
QUERY = """
import datetime as dt, sys, time
sys.path.insert(0, {root!r})
from broadcaster.airing_log import AiringLog
from broadcaster.reports import build_report
first, last = dt.date.fromisoformat({first!r}), dt.date.fromisoformat({last!r})
started = time.perf_counter()
records = AiringLog({folder!r}, station={station!r}).query(first, last)
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


def build(folder: Path, count: int, segment_records: int | None) -> dt.datetime:
    """Write a chained log of ``count`` airings straight to segment files (as appends would); returns its last time.

    With ``segment_records`` None the whole log is one file, named after the month of the benchmark's last append
    so that every append goes on in it.
    """
    prev, seq, rows, month, number = GENESIS, 0, {}, None, 0
    last_append = START + STEP * (count + SINGLE_FILE_APPENDS)

    def flush():
        if rows:
            name = f"{month}.{number:04d}.json" if segment_records else f"{last_append:%Y-%m}.0001.json"
            AtomicJSONStorage(folder / name).write({"_meta": {"1": {"schema": SCHEMA_VERSION}}, TABLE: dict(rows)})

    for n in range(count):
        e = airing(n)
        seq += 1
        at = e.actual_end
        record = {**airing_fields(e, "Nguyễn Văn An"), "v": RECORD_VERSION, "station": STATION,
                  "at": at.isoformat(timespec="milliseconds"), "seq": seq, "prev": prev}
        record["hash"] = prev = record_hash(record)
        if segment_records and (f"{at:%Y-%m}" != month or len(rows) >= segment_records):
            flush()
            number = 1 if f"{at:%Y-%m}" != month else number + 1
            month, rows = f"{at:%Y-%m}", {}
        rows[str(seq)] = record
    flush()
    return START + STEP * count


def append_cost(count: int, segment_records: int | None, appends: int) -> tuple[float, float, float]:
    """Milliseconds per append (median, 95th percentile) after ``count`` records, and the build time in s."""
    with tempfile.TemporaryDirectory(prefix="broadcaster-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        last = build(folder, count, segment_records)
        built = time.perf_counter() - started
        clock = BenchClock(last)
        log = AiringLog(folder, station=STATION, clock=clock, segment_records=segment_records or 10 ** 9)
        costs = []
        for i in range(appends):
            e = airing(count + i)
            clock.at = e.actual_end
            started = time.perf_counter()
            log.append(e)
            costs.append((time.perf_counter() - started) * 1000)
        costs.sort()
        return statistics.median(costs), costs[int(len(costs) * 0.95) - 1], built


def query_cost(runs: int = 3) -> list[tuple[float, float, int]]:
    """Seconds to query a year of 100,000 airings and to build its report, each run in a fresh process as a
    command would be."""
    with tempfile.TemporaryDirectory(prefix="broadcaster-bench-") as tmp:
        build(Path(tmp), PER_YEAR, SEGMENT_RECORDS)
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
    parser.add_argument("--single-file-sizes", default="1000,10000,100000",
                        help="sizes for the comparison with one TinyDB file per log")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    failed = False
    print(f"Append cost, segments of {SEGMENT_RECORDS} records ({SEGMENT_RECORDS} appends, a whole segment's worth, "
          "after the log is built):")
    medians = []
    for size in sizes:
        median, p95, built = append_cost(size, SEGMENT_RECORDS, SEGMENT_RECORDS)
        medians.append(median)
        print(f"  {size:>9,} records: median {median:6.1f} ms, 95th percentile {p95:6.1f} ms  (built in {built:.0f} s)")
    if medians and max(medians) > 3 * min(medians):
        print("  FAIL: the append cost grows with the log")
        failed = True
    print(f"For comparison, the whole log in one TinyDB file (rewritten whole on every insert; "
          f"{SINGLE_FILE_APPENDS} appends):")
    for size in [int(s) for s in args.single_file_sizes.split(",") if s]:
        median, p95, _ = append_cost(size, None, SINGLE_FILE_APPENDS)
        print(f"  {size:>9,} records: median {median:8.1f} ms, 95th percentile {p95:8.1f} ms")
    runs = query_cost()
    queried = statistics.median(q for q, _, _ in runs)
    print(f"A year of a busy station ({runs[0][2]:,} airings), {len(runs)} runs: query "
          + ", ".join(f"{q:.2f}" for q, _, _ in runs) + f" s, median {queried:.2f} s (target: under 1 s); "
          f"then its report {statistics.median(r for _, r, _ in runs):.2f} s")
    if queried >= 1.0:
        print("  FAIL: over a second")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
