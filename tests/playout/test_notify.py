"""`run` under systemd: it says when it is ready, that it is alive (the watchdog), and when it stops."""

from __future__ import annotations

import socket

import pytest

from broadcaster.playout.clock import SystemClock
from broadcaster.playout.runner import Runner

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="systemd's socket is a Unix one")


def test_run_tells_the_service_manager_it_is_ready_alive_and_stopping(quick, tmp_path, monkeypatch):
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(str(path))
        manager.settimeout(5)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        Runner(quick, SystemClock(quick.config.tz), []).run(exit_when_idle=True)
        said = [manager.recv(64) for _ in range(3)]
    assert said == [b"READY=1", b"WATCHDOG=1", b"STOPPING=1"]
