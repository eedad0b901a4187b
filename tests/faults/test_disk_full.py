"""A disk that fills up: while the log, the library or a render is written, a clear error (exit 1, one line
naming the file, no traceback) and nothing corrupted; `run` airs on and logs what it kept once it can.

Two disks: a real small one (a tmpfs mounted for the test, where the machine allows it: root with the
right to mount), and a fake filesystem layer that makes the Nth file written in a command fail with
ENOSPC (everywhere), so that every write of every command meets a full disk once.
"""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.conftest import ROOT
from tests.faults.conftest import (ALSA, SHORT_TONES, Devices, airing_records, broadcaster, copy_station,
                                   heard_seconds, make_station, open_everything, soon, write_schedule)
from tests.faults.test_kill_commands import OPERATIONS, _bundles, _clip_file, again, ends_well, state
from tests.helpers import NOW, PASSPHRASE, officer
from tests.processes import spawn

FULL = "No space left on device"


# The fake layer ----------------------------------------------------------------------------------------

class FullDisk:
    """Files opened for writing under ``folder`` (through os.fdopen or io.open, which is every writer of
    broadcaster) are counted; the ``fail_at``-th one finds the disk full at its first write."""

    def __init__(self, folder: Path, fail_at: int = 0):
        self.folder = str(folder)
        self.fail_at = fail_at
        self.opened = 0
        self._fdopen, self._open, self._mkstemp = os.fdopen, io.open, tempfile.mkstemp
        self._paths: dict[int, str] = {}  # the files that mkstemp made, by descriptor

    def install(self, monkeypatch) -> "FullDisk":
        monkeypatch.setattr(os, "fdopen", self.fdopen)
        monkeypatch.setattr(io, "open", self.open)
        monkeypatch.setattr(tempfile, "mkstemp", self.mkstemp)
        return self

    def mkstemp(self, *args, **kwargs):
        fd, path = self._mkstemp(*args, **kwargs)
        self._paths[fd] = os.path.abspath(path)
        return fd, path

    def fdopen(self, fd, mode="r", *args, **kwargs):
        f = self._fdopen(fd, mode, *args, **kwargs)
        return self._watch(f, self._paths.pop(fd, None) if any(c in mode for c in "wax+") else None)

    def open(self, file, mode="r", *args, **kwargs):
        f = self._open(file, mode, *args, **kwargs)
        path = os.path.abspath(os.fspath(file)) if isinstance(file, (str, os.PathLike)) else None
        return self._watch(f, path if any(c in mode for c in "wax+") else None)

    def _watch(self, f, path: str | None):
        if path is None or not path.startswith(self.folder):
            return f
        self.opened += 1
        return _Full(f, path) if self.opened == self.fail_at else f


class _Full:
    """A file on a full disk: writing to it fails."""

    def __init__(self, f, path: str):
        self._f, self._path = f, path

    def write(self, data):
        raise OSError(errno.ENOSPC, FULL, self._path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()

    def __getattr__(self, name):
        return getattr(self._f, name)


# SQLite writes the airing log by itself, unseen by this injection: 'log import' meets a real full disk below.
@pytest.mark.parametrize("operation", [o for o in OPERATIONS if o.name != "log import"], ids=lambda o: o.name)
def test_each_file_written_meets_a_full_disk_in_turn(operation, tmp_path, monkeypatch):
    template = tmp_path / "before" / "xa"
    template.parent.mkdir()
    args = operation.prepare(template)
    before = state(template)
    reference = copy_station(template, tmp_path / "reference" / "xa")
    with monkeypatch.context() as m:
        counting = FullDisk(reference.root).install(m)
        assert CliRunner().invoke(cli, ["--station", str(reference.root), *args],
                                  env={"BROADCASTER_PASSPHRASE": PASSPHRASE}).exit_code == 0
    after = state(reference.root)
    second = again(reference.root, args)
    problems = {}
    for n in range(1, counting.opened + 1):
        station = copy_station(template, tmp_path / f"full-{n}" / "xa")
        with monkeypatch.context() as m:
            FullDisk(station.root, fail_at=n).install(m)
            result = CliRunner().invoke(cli, ["--station", str(station.root), *args],
                                        env={"BROADCASTER_PASSPHRASE": PASSPHRASE})
        found = open_everything(station.root)
        lines = result.output.splitlines()
        if result.exit_code != 1 or not isinstance(result.exception, SystemExit) or not lines \
                or not (lines[-1].startswith(f"Error: {station.root}") and lines[-1].endswith(FULL)):
            found.append(f"exit {result.exit_code}: {result.output!r} {result.exception!r}")
        leftovers = [p.name for p in station.root.rglob("*.tmp")]
        if leftovers:
            found.append(f"temporary files left: {leftovers}")
        found += ends_well(station.root, operation, args, before, after, second)  # the disk has room again
        if found:
            problems[n] = found
    print(f"{operation.name}: files written {counting.opened}, each met a full disk, cleanly: "
          f"{counting.opened - len(problems)}")
    assert counting.opened > 0 and not problems, problems


# A real small disk -----------------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs mounted on a folder of the test (skipped where mounting is not allowed)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small disk needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small disk here: {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)


class Filler:
    """Keeps a disk full (a file grown until the disk refuses, again and again, as space is freed) until
    it is told to stop; then removes the file."""

    def __init__(self, disk: Path):
        self.path = disk / "filler"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._fill, daemon=True)

    def _fill(self) -> None:
        with open(self.path, "ab", buffering=0) as f:
            while not self.stop.is_set():
                try:
                    while True:
                        f.write(b"\0" * 4096)
                except OSError:
                    pass
                try:
                    while True:
                        f.write(b"\0" * 64)
                except OSError:
                    time.sleep(0.02)

    def __enter__(self) -> "Filler":
        self.thread.start()
        while not self.path.exists() or shutil.disk_usage(self.path.parent).free > 4096:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(10)
        self.path.unlink()


def test_commands_on_a_full_disk_say_so_and_change_nothing(small_disk, tmp_path):
    station = make_station(small_disk / "xa", texts={"tin-1": "Thông báo số một: họp thôn lúc 19 giờ."},
                           render=False)
    text = station.root / "scripts_text" / "moi.md"
    text.write_text("---\nid: moi\nauthor: Nguyễn Thị Lan\n---\nThông báo mới: họp thôn.\n", encoding="utf-8")
    station.content.add_file(text, NOW, signer=officer(station))  # by an officer: the supervisor may approve it
    clip = _clip_file(tmp_path / "ghi-am-rad.wav")
    bundles = _bundles(tmp_path)
    commands = {
        "render": ["render"],
        "content approve": ["content", "approve", "moi", "--by", "Trần Văn Bình"],
        "content add (clip)": ["content", "add", str(clip), "--id", "tin-1", "--lang", "rad"],
        "log import": ["log", "import", *map(str, bundles)],
    }
    with Filler(small_disk):
        before = state(station.root)
        results = {name: broadcaster(station.root, *args) for name, args in commands.items()}
        after = state(station.root)
    for name, result in results.items():
        last = (result.stdout + result.stderr).strip().splitlines()[-1]
        assert result.returncode == 1 and "Traceback" not in result.stderr, (name, result.stderr)
        assert last.startswith(f"Error: {station.root}/data/") and last.endswith(FULL), (name, last)
    assert after == before and open_everything(station.root) == []
    assert not list(station.root.rglob("*.tmp"))
    for name, args in commands.items():  # room again: each does its work
        result = broadcaster(station.root, *args)
        assert result.returncode == 0, (name, result.stdout, result.stderr)
    assert open_everything(station.root) == []


def _run_while_the_disk_fills(disk: Path, free_again_after: str | None) -> tuple[Station, Devices, list[str], int]:
    """`run` a session of four tones; the disk fills after the first is aired, and has room again when
    ``free_again_after`` is heard (or never)."""
    station = make_station(disk / "xa", tones=SHORT_TONES)
    devices = Devices(disk.parent / "alsa").capture("cap_a")
    start = soon(4)
    write_schedule(station.root, {"loa-xa": "cap_a"},
                   [(f"Buổi {i}", (start + dt.timedelta(seconds=3 * i)).time(), "loa-xa", [ident])
                    for i, ident in enumerate(SHORT_TONES)])
    process = spawn([sys.executable, "-m", "broadcaster", "--station", str(station.root), "run",
                    "--exit-when-idle"], cwd=ROOT, env=devices.env(), stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines, filler = [], None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if "aired: mot on loa-xa" in line:
            filler = Filler(disk).__enter__()
        if free_again_after and f"aired: {free_again_after} on loa-xa" in line and filler is not None:
            filler.__exit__()
            filler = None
    process.wait(30)
    if filler is not None:
        filler.__exit__()
    return station, devices, lines, process.returncode


@ALSA
def test_run_airs_on_while_the_disk_is_full_and_logs_everything_once_it_has_room(small_disk):
    station, devices, lines, code = _run_while_the_disk_fills(small_disk, free_again_after="ba")
    console = "\n".join(lines)
    assert code == 0 and "Traceback" not in console, console
    assert any(line.startswith("the airing log cannot be written: ") and FULL in line for line in lines), console
    assert "the airing log can be written again: every record kept was written" in lines
    records = airing_records(station.airing_log)
    assert [(r["announcement"], r["status"]) for r in records] == [(i, "aired") for i in SHORT_TONES]
    heard = heard_seconds(devices.played("cap_a"), {i: f for i, (f, _) in SHORT_TONES.items()})
    assert all(heard.get(i, 0) > seconds - 0.15 for i, (_, seconds) in SHORT_TONES.items()), heard
    assert open_everything(station.root) == []


@ALSA
def test_run_that_ends_with_the_disk_still_full_says_what_it_could_not_log(small_disk):
    station, devices, lines, code = _run_while_the_disk_fills(small_disk, free_again_after=None)
    console = "\n".join(lines)
    assert code == 1 and "Traceback" not in console, console
    assert lines[-1] == (f"Error: {station.root}/data/log: the disk is full: 4 records kept in log-reserve, the "
                         "next run logs them; free some space on the disk"), console
    heard = heard_seconds(devices.played("cap_a"), {i: f for i, (f, _) in SHORT_TONES.items()})
    assert set(heard) == set(SHORT_TONES)  # all four aired all the same
    assert [r["announcement"] for r in airing_records(station.airing_log)] == ["mot"]
    # room again: the next run logs what aired as aired (from the reserve), not as missed
    second = subprocess.run([sys.executable, "-m", "broadcaster", "--station", str(station.root), "run",
                            "--exit-when-idle"], cwd=ROOT, env=devices.env(), capture_output=True, text=True,
                           encoding="utf-8", timeout=60)
    assert second.returncode == 0, second.stdout + second.stderr
    assert [(r["announcement"], r["status"]) for r in airing_records(Station(station.root).airing_log)] == [
        (i, "aired") for i in SHORT_TONES]
    assert open_everything(station.root) == []
