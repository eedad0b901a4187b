"""Web dashboard benchmark: server time per page for a station with 1,000 signed, approved announcements, a
schedule that names them, and a year of log (100,000 airings, the last ones today).

Run from the repository: ``python bench/web_bench.py`` (about a minute; ``--runs N`` per page). Every page
without URL arguments is found in the application's URL map (so pages added later are measured too) and
requested through Flask's test client by the admin, after one warm-up request; the on-air page's live stream
is timed to its first events. It prints p50 and p95 per page and exits 1 if a page's p95 is 50 ms or more;
and, as figures without a target, the on-air page's time when the library has just changed (the day is
planned again, then kept while nothing changes) and the week's records as CSV when the log has just changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from broadcaster.content.announcement import TEXT, Announcement, Variant  # noqa: E402
from broadcaster.content.library import APPROVED  # noqa: E402
from broadcaster.playout.events import AiringEvent  # noqa: E402
from broadcaster.schedule.plan import PlannedAiring  # noqa: E402
from broadcaster.station import init_station  # noqa: E402
from broadcaster.trust import statements  # noqa: E402
from broadcaster.web.app import create_app  # noqa: E402
from bench.log_bench import write_chain  # noqa: E402

ENTRIES, PER_YEAR, TARGET_MS = 1000, 100_000, 50.0
ADMIN, PASSPHRASE = "Trần Văn Bình", "mật khẩu giám sát"
OFFICER = "Lê Văn Cường"


class BenchClock:
    """The station's time: fixed, mid-morning, while the benchmark runs."""

    def __init__(self, at: dt.datetime):
        self.tz = at.tzinfo
        self.at = at

    def now(self) -> dt.datetime:
        """The time set."""
        return self.at


def build_station(root: Path, now: dt.datetime):
    """A station with ENTRIES approved announcements, a day's schedule naming them, and a year of log."""
    station = init_station(root, "Bench", "vi")
    station.users.add(ADMIN, "supervisor", PASSPHRASE, now, None)
    signer = station.users.unlock(ADMIN, PASSPHRASE, {"supervisor"}, "approve")
    at = now.isoformat(timespec="seconds")
    with station.library.store.transaction() as db:
        for n in range(ENTRIES):
            ann = Announcement(f"tin-{n:04d}", f"Tin số {n}: thông báo của xã", author=OFFICER, topic="general",
                               variants=(Variant("vie", TEXT, text=f"Kính thưa bà con, đây là tin số {n}."),))
            fp = ann.content_fingerprint()
            statement = statements.signed({"kind": "decision", "action": APPROVED, "id": ann.id, "by": signer.name,
                                           "at": at, "fingerprint": fp, "reason": "", "maker": OFFICER}, signer.key)
            db.table("announcements").insert({"v": 1, "announcement": ann.to_record(), "decision": {
                "action": APPROVED, "by": signer.name, "at": at, "fingerprint": fp, "reason": "",
                "statement": statement}})
    for old in (root / "schedules").glob("*.yaml"):
        old.unlink()
    sessions = "".join(f'  - name: "Buổi {hour}h"\n    start: "{hour:02d}:00"\n    output: loa-xa\n    items:\n'
                       + "".join(f"      - tin-{(hour * 10 + i) % ENTRIES:04d}\n" for i in range(10))
                       for hour in range(5, 22))
    (root / "schedules" / "bench.yaml").write_text(f"outputs:\n  loa-xa:\n    device: default\nsessions:\n{sessions}",
                                                   encoding="utf-8")
    build_log(station, now)
    return station


def build_log(station, now: dt.datetime) -> None:
    """A signed, chained year of PER_YEAR airings ending now, written in one transaction as appends would have."""
    step, first = dt.timedelta(days=365) / PER_YEAR, now - dt.timedelta(days=365)

    def airing(n: int) -> AiringEvent:
        start = first + step * n
        planned = PlannedAiring(key=f"{start:%Y-%m-%d}/loa-xa/Buổi sáng/{start:%H:%M}/{n}", output="loa-xa",
                                session="Buổi sáng", start=start, end=start + dt.timedelta(seconds=75),
                                announcement=f"tin-{n % ENTRIES:04d}", title=f"Tin số {n % ENTRIES}",
                                topic="general", fingerprint=f"{n:064x}", asset_path="", approved_by=ADMIN,
                                voice="espeak:vi")
        aired = n % 50 != 0
        return AiringEvent("aired" if aired else "missed", planned, "sound device 'default'",
                           start if aired else None, planned.end if aired else None,
                           "" if aired else "its time passed while broadcaster was not running")

    write_chain(station.data_dir / "log", station.config.id, station.station_key, (airing(n) for n in range(PER_YEAR)))


def timed(fn, runs: int) -> tuple[float, float]:
    """(p50, p95) in ms of ``runs`` calls of ``fn``, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="requests per page (default 40)")
    args = parser.parse_args()
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).replace(hour=9, minute=30, second=0, microsecond=0)
    with tempfile.TemporaryDirectory(prefix="broadcaster-web-bench-") as folder:
        started = time.perf_counter()
        station = build_station(Path(folder) / "station", now)
        print(f"station built in {time.perf_counter() - started:.1f} s: {ENTRIES} announcements, "
              f"{PER_YEAR:,} airings over a year")
        app = create_app(station, BenchClock(now), TESTING=True, STREAM_S=0)
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
        assert client.post("/login", data={"name": ADMIN, "passphrase": PASSPHRASE, "csrf_token": token}).status_code \
            == 302
        pages = sorted(rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments
                       and rule.endpoint not in ("static", "onair.stream"))
        pages += ["/library/?q=tin+s%E1%BB%91+9&status=approved&topic=general&lang=vie", "/library/?status=expired",
                  "/library/tin-0500/"]  # a search, a filter, one announcement
        worst = 0.0
        for page in pages:
            assert client.get(page).status_code == 200, page
            p50, p95 = timed(lambda: client.get(page).get_data(), args.runs)
            worst = max(worst, p95)
            print(f"{page[:24]:24} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")

        library = station.data_dir / "library.json"
        replanned = []
        for _ in range(3):  # the library changed (an approval, an edit): the on-air page plans the day again
            library.touch()
            started = time.perf_counter()
            client.get("/").get_data()
            replanned.append((time.perf_counter() - started) * 1000)
        print(f"{'/ after a library change':24} p50 {statistics.median(replanned):6.1f} ms   (plans the day again; "
              "kept until the next change)")

        log_file = station.data_dir / "log" / "airing-log.sqlite3"

        def new_log_csv() -> None:  # the log changed (an airing was logged): the week's records are made again
            log_file.touch()
            client.get("/reports/log.csv").get_data()

        p50, p95 = timed(new_log_csv, args.runs)
        print(f"{'/reports/log.csv (new)':24} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (after the log changed; then kept "
              "until it changes again)")

        def first_events() -> None:
            response = client.get("/onair/stream", buffered=False)
            b"".join(response.response)  # STREAM_S=0: the first events only, then the stream ends
            response.close()

        p50, p95 = timed(first_events, args.runs)
        worst = max(worst, p95)
        print(f"{'/onair/stream (first)':24} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    print(f"worst p95 {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
