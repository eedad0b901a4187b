"""Stopping the test suite with Ctrl+C leaves no `broadcaster run` behind (tests/processes.py)."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time

import pytest

from tests.faults.conftest import make_station, process_env
from tests.processes import spawn

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Ctrl+C is sent here as POSIX's SIGINT")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_on_pytest_stops_the_run_a_test_started(tmp_path):
    root = tmp_path / "xa"
    make_station(root)
    (root / "schedules" / "trong.yaml").write_text("outputs:\n  loa-xa:\n    file: loa-xa.wav\nsessions: []\n",
                                                 encoding="utf-8")
    pid_file = tmp_path / "run.pid"
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(f"""
        import subprocess, sys, time
        from pathlib import Path
        from tests.processes import spawn

        def test_runs_the_station():
            run = spawn([sys.executable, "-m", "broadcaster", "--station", {str(root)!r}, "run"],
                        stdout=subprocess.PIPE, text=True, encoding="utf-8")
            assert "on air" in run.stdout.readline()
            Path({str(pid_file)!r}).write_text(str(run.pid))
            time.sleep(600)
    """), encoding="utf-8")
    # As from a terminal: Ctrl+C is not ignored (a shell's background job, as a CI runner may start the tests
    # in, hands SIGINT on ignored, and Python then never turns it into KeyboardInterrupt).
    suite = spawn([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "test_inner.py")],
                  cwd=tmp_path, env=process_env(), stdout=open(tmp_path / "pytest.txt", "w"),
                  stderr=open(tmp_path / "pytest.err", "w"),
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not pid_file.exists() and time.monotonic() < deadline and suite.poll() is None:
        time.sleep(0.1)
    assert pid_file.exists(), (tmp_path / "pytest.txt").read_text()
    run_pid = int(pid_file.read_text())
    assert _alive(run_pid)
    suite.send_signal(signal.SIGINT)  # what Ctrl+C sends to pytest
    assert suite.wait(60) == 2  # pytest's exit code when interrupted
    assert "KeyboardInterrupt" in (tmp_path / "pytest.txt").read_text()
    deadline = time.monotonic() + 10
    while _alive(run_pid) and time.monotonic() < deadline:
        time.sleep(0.1)  # an orphan is reaped by init a moment after it died
    assert not _alive(run_pid)
