"""`broadcaster run` stopped by SIGTERM (a service stop, a shutdown) ends as Ctrl+C does: a run-stop record."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from broadcaster.station import Station
from tests.conftest import ROOT
from tests.faults.conftest import make_station, process_env
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
