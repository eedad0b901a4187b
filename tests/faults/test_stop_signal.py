"""`broadcaster run` stopped by SIGTERM (a service stop, a shutdown) ends as Ctrl+C does: a run-stop record."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from broadcaster.station import Station
from tests.conftest import ROOT
from tests.faults.conftest import make_station, process_env, soon
from tests.processes import spawn

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGTERM to send to a process")


def test_sigterm_logs_the_run_stop(tmp_path):
    root = tmp_path / "xa"
    make_station(root)
    (root / "schedules" / "trong.yaml").write_text("outputs:\n  loa-xa:\n    file: loa-xa.wav\nsessions: []\n",
                                                 encoding="utf-8")
    process = spawn([sys.executable, "-m", "broadcaster", "--station", str(root), "run",
                    "--operator", "Y Bhim Niê"], cwd=ROOT, stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, text=True, encoding="utf-8", env=process_env())
    try:
        assert "on air" in process.stdout.readline()
        deadline = time.monotonic() + 60
        while not _kinds(root) and time.monotonic() < deadline:
            time.sleep(0.1)  # the run-start record is written once the run has started
        assert _kinds(root) == ["run-start"]
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0]
    finally:
        process.kill()
    assert process.returncode == 0, output
    assert output.rstrip().endswith("stopped"), output
    records = [x.record for x in Station(root).airing_log.own_records()]
    assert [(r["kind"], r["operator"]) for r in records] == [("run-start", "Y Bhim Niê"), ("run-stop", "Y Bhim Niê")]


def _kinds(root) -> list[str]:
    return [x.record["kind"] for x in Station(root).airing_log.own_records()]


def test_sigterm_stops_a_run_within_a_second_while_an_item_plays_and_junk_requests_wait(tmp_path):
    root = tmp_path / "xa"
    make_station(root, tones={"dai": (440.0, 60.0)})
    start = soon(3)
    (root / "schedules" / "lich.yaml").write_text(
        f"outputs:\n  loa-xa:\n    file: loa-xa.wav\nsessions:\n  - name: Dài\n    start: '{start:%H:%M:%S}'\n"
        "    output: loa-xa\n    items: [dai]\n", encoding="utf-8")
    requests = root / "data" / "requests"
    requests.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([sys.executable, "-m", "broadcaster", "--station", str(root), "run"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                               env=process_env())
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "ON AIR loa-xa: dai" in line:
                break
        # values that must not hang it: a repeat every 1e-300 s until the end of time, an enormous list
        (requests / "a.json").write_text('{"announcement": "dai", "outputs": ["loa-xa"], "level": "priority", '
                                         '"policy": "next", "every_s": 1e-300, "until": "9999-12-31T23:59:59+07:00"}',
                                         encoding="utf-8")
        (requests / "b.json").write_text("[" + "0," * 100_000 + "0]", encoding="utf-8")
        time.sleep(1.0)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
        took = time.monotonic() - sent
    finally:
        process.kill()
    output = "".join(lines) + output
    assert process.returncode == 0 and "Traceback" not in output, output
    assert output.rstrip().endswith("stopped"), output
    assert took < 1.0 + STARTUP_AND_TEARDOWN_S, took
    statuses = [x.record.get("status") for x in Station(root).airing_log.own_records() if x.record["kind"] == "airing"]
    assert statuses == ["partial"]


STARTUP_AND_TEARDOWN_S = 1.0  # the interpreter's own exit, on a loaded machine; `run` itself stops within the second
