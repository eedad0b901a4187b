"""The private PostgreSQL of a hub killed with SIGKILL, or cut by a power cut: the next hub adopts the server
left running and stops it when it exits (none is orphaned for good), and a stale postmaster.pid or a list of
users half written does not keep it from starting, and a server of another folder is never adopted. One
``hub serve`` per data folder. The data is all there."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import psutil
import pytest

from tests.faults.conftest import process_env
from tests.helpers import wait_for
from tests.hub.conftest import free_port
from tests.hub.test_kill import _answers
from tests.processes import spawn

pytestmark = [pytest.mark.hub, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL: POSIX")]


def _servers(pgdata, name: str = "postgres") -> list[psutil.Process]:
    """The PostgreSQL servers running on ``pgdata`` (or the processes named ``name`` with it in their command)."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if name in (process.info["name"] or "") and str(pgdata) in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


def _watchers(pgdata) -> list[psutil.Process]:
    """The watchers of the server on ``pgdata``."""
    return [p for p in _servers(pgdata, "python") if "broadcaster.hub.pgwatch" in p.cmdline()]


def _hub_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "broadcaster", "--lang", "en", "hub", *args], env=process_env(),
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def pgdata(tmp_path):
    """The private server's folder of a hub; whatever server is left on it is killed after the test."""
    folder = tmp_path / "hub-data" / "pgdata"
    yield folder
    for process in _watchers(folder) + _servers(folder):
        process.kill()


def test_a_killed_hub_leaves_no_server_for_good_and_a_power_cut_does_not_stop_the_next_start(pgdata,
                                                                                            embedded_postgres_server):
    data = pgdata.parent
    port = free_port()
    hub = spawn([sys.executable, "-m", "broadcaster", "hub", "serve", "--port", str(port), "--data", str(data)],
                env=process_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: _answers(port), timeout=120)
        enrolled = _hub_command("enrol", "xa-ea-tu", "--data", str(data))
        assert enrolled.returncode == 0, enrolled.stderr
    finally:
        hub.send_signal(signal.SIGKILL)
        hub.wait(30)
    wait_for(lambda: not _servers(pgdata), timeout=60)  # its watcher stopped the server it left
    assert not (pgdata / "postmaster.pid").exists()  # cleanly

    listed = _hub_command("stations", "--data", str(data))  # the next hub process starts it ...
    assert listed.returncode == 0 and "xa-ea-tu" in listed.stdout, listed.stderr
    wait_for(lambda: not _servers(pgdata), timeout=60)  # ... and, the last to use it, stops it as it exits

    # A power cut: the server killed too, its postmaster.pid left naming a process that is no PostgreSQL (this
    # test's), and the list of the server's users half written.
    started = _hub_command("stations", "--data", str(data))
    assert started.returncode == 0
    pidfile = pgdata / "postmaster.pid"
    lines = pidfile.read_text(encoding="utf-8").splitlines() if pidfile.exists() else []
    for process in _servers(pgdata):
        process.kill()
    pidfile.write_text("\n".join([str(os.getpid()), *lines[1:]]) + "\n", encoding="utf-8")
    (pgdata / ".handle_pids.json").write_text("[12", encoding="utf-8")
    after = _hub_command("stations", "--data", str(data))
    assert after.returncode == 0 and "xa-ea-tu" in after.stdout, after.stderr
    assert json.loads((pgdata / ".handle_pids.json").read_text(encoding="utf-8")) == []
    wait_for(lambda: not _servers(pgdata), timeout=60)


def _serve(data, port: int):
    return spawn([sys.executable, "-m", "broadcaster", "--lang", "en", "hub", "serve", "--port", str(port),
                  "--data", str(data)], env=process_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_one_hub_per_folder_and_a_server_of_another_folder_is_never_adopted(pgdata, embedded_postgres_server):
    data = pgdata.parent
    port = free_port()
    first = _serve(data, port)
    wait_for(lambda: _answers(port), timeout=120)
    assert _hub_command("enrol", "xa-ea-tu", "--data", str(data)).returncode == 0

    second = _hub_command("serve", "--port", str(free_port()), "--data", str(data))  # the same folder
    assert second.returncode == 1
    assert second.stderr.strip() == f"Error: another hub is already serving {data.resolve()}; stop it first"
    assert first.poll() is None and _answers(port) and len(_servers(pgdata)) == 1  # the first untouched

    first.send_signal(signal.SIGKILL)
    first.wait(30)
    again = _serve(data, port)  # after a kill: it starts, on the server left (provably this folder's)
    try:
        wait_for(lambda: _answers(port), timeout=120)
        assert len(_servers(pgdata)) == 1
        wait_for(lambda: len(_watchers(pgdata)) == 1, timeout=30)  # the killed hub's watcher ended, leaving it
        listed = _hub_command("stations", "--data", str(data))
        assert listed.returncode == 0 and "xa-ea-tu" in listed.stdout, listed.stderr
    finally:  # a power cut: the watcher, the hub and the server all gone at once
        for watcher in _watchers(pgdata):
            watcher.kill()
        again.send_signal(signal.SIGKILL)
        again.wait(30)

    # A power cut: the server gone too, its postmaster.pid naming the postmaster of another folder's cluster
    # (the session's embedded server), running as the same user: it is not this folder's, so not adopted.
    lines = (pgdata / "postmaster.pid").read_text(encoding="utf-8").splitlines()
    gone = _servers(pgdata)
    for process in gone:
        process.kill()
    psutil.wait_procs(gone, timeout=30)
    other = embedded_postgres_server.server.get_pid()
    (pgdata / "postmaster.pid").write_text("\n".join([str(other), *lines[1:]]) + "\n", encoding="utf-8")
    after = _hub_command("stations", "--data", str(data))
    assert after.returncode == 0 and "xa-ea-tu" in after.stdout, after.stderr
    assert psutil.Process(other).is_running()  # the other cluster untouched
    wait_for(lambda: not _servers(pgdata), timeout=60)


def test_a_server_of_the_folder_that_does_not_answer_as_its_file_says_is_stopped_and_started_afresh(pgdata):
    data = pgdata.parent
    port = free_port()
    hub = _serve(data, port)
    wait_for(lambda: _answers(port), timeout=120)
    assert _hub_command("enrol", "xa-ea-tu", "--data", str(data)).returncode == 0
    for watcher in _watchers(pgdata):  # the watcher gone too: the server is left running, orphaned
        watcher.kill()
    hub.send_signal(signal.SIGKILL)
    hub.wait(30)
    [orphan] = _servers(pgdata)
    lines = (pgdata / "postmaster.pid").read_text(encoding="utf-8").splitlines()
    lines[3] = str(free_port())  # its file names a port it does not listen on: not provably the server there
    (pgdata / "postmaster.pid").write_text("\n".join(lines) + "\n", encoding="utf-8")

    listed = _hub_command("stations", "--data", str(data))
    assert listed.returncode == 0 and "xa-ea-tu" in listed.stdout, listed.stderr
    try:  # stopped cleanly (pg_ctl stop -m fast), then started afresh (a zombie until its reaper comes by)
        assert orphan.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        pass
    assert "received fast shutdown request" in (pgdata / "log").read_text(encoding="utf-8")
    wait_for(lambda: not _servers(pgdata), timeout=60)
