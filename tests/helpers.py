"""Small helpers shared by tests."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from broadcaster.atomic import replacing
from broadcaster.content.library import APPROVED
from broadcaster.content.users import Signer
from broadcaster.station import Station

NOW = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SUPERVISOR = "Trần Văn Bình"
PASSPHRASE = "mật khẩu giám sát"
OFFICER, OFFICER_PASSPHRASE = "Lê Thị Soạn", "mật khẩu cán bộ soạn"


def with_supervisor(root: Path) -> Station:
    """The station at ``root`` with the supervisor SUPERVISOR (passphrase PASSPHRASE), its admin, and the
    officer OFFICER who writes texts."""
    station = Station(root)
    if SUPERVISOR not in dict(station.users.names()):
        station.users.add(SUPERVISOR, "supervisor", PASSPHRASE, NOW, None)
        station.users.add(OFFICER, "officer", OFFICER_PASSPHRASE, NOW, (SUPERVISOR, PASSPHRASE))
    return station


def officer(station: Station) -> Signer:
    """OFFICER with their key opened, to sign the versions they make."""
    return station.users.unlock(OFFICER, OFFICER_PASSPHRASE, {"officer"}, "add")


def supervisor(station: Station) -> Signer:
    """SUPERVISOR with their key opened, to sign decisions."""
    return station.users.unlock(SUPERVISOR, PASSPHRASE, {"supervisor"}, "approve")


def approved_station(root: Path, ids: tuple[str, ...] = ("gioi-thieu", "khau-hieu-5k"), render: bool = True) -> Station:
    """The station at ``root`` with the given sample texts added and approved (approval renders them)."""
    station = with_supervisor(root)
    maker = officer(station)
    for ident in ids:
        station.content.add_file(root / "scripts_text" / f"{ident}.md", NOW, signer=maker)
        if render:
            station.content.decide(ident, APPROVED, SUPERVISOR, PASSPHRASE, NOW)
        else:
            station.library.decide(ident, APPROVED, supervisor(station), NOW)
    return station


def write_schedule(root: Path, start: str, items: list[str], device: str = "loa_xa", output: str = "loa-xa") -> Path:
    """Replace the station's schedules with one session at ``start`` on one output."""
    for old in (root / "schedules").glob("*.yaml"):
        old.unlink()
    lines = ["outputs:", f"  {output}:", f"    device: {device}", "sessions:", "  - name: Thử nghiệm",
             f'    start: "{start}"', f"    output: {output}", "    items:"] + [f"      - {i}" for i in items]
    path = root / "schedules" / "test.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_and_die(paths: list[str]) -> None:
    with ExitStack() as files:
        for path in paths:
            files.enter_context(replacing(Path(path), "w", encoding="utf-8")).write("nửa chừng")
        os._exit(9)  # killed between writing and renaming: the temporary files stay


def killed_while_replacing(*paths: Path) -> list[Path]:
    """The temporary files, in the order of ``paths``, that a process killed while writing them (with
    `replacing`) leaves behind."""
    process = multiprocessing.get_context("spawn").Process(target=_write_and_die, args=([str(p) for p in paths],))
    process.start()
    process.join(60)
    assert process.exitcode == 9
    left = [t for p in paths for t in p.parent.iterdir() if t.name.startswith(p.name + ".") and t.suffix == ".tmp"]
    assert len(left) == len(paths)
    return left


def digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (lock files and the record of wrong passphrases left out); an
    SQLite database by what it holds, its -wal and -shm files left out: opening a database may fold them
    into it, which changes no record."""
    import hashlib
    import sqlite3

    found = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name.endswith((".lock", ".sqlite3-wal", ".sqlite3-shm")) or p.name == "tries.json":
            continue  # (wrong passphrases are recorded in tries.json)
        content = p.read_bytes()
        if p.suffix == ".sqlite3":
            try:
                db = sqlite3.connect(p)
                content = "\n".join(db.iterdump()).encode()
                db.close()
            except sqlite3.Error:
                pass  # not a database: its bytes
        found[p.relative_to(folder).as_posix()] = hashlib.sha256(content).hexdigest()
    return found


def wait_for(condition, timeout: float = 30.0, step: float = 0.05):
    """The first true value of ``condition()`` within ``timeout`` seconds; else an AssertionError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s: {condition}")


@contextmanager
def run_lock_held(station: Station) -> Iterator[object]:
    """`run` as the other programs see it: the station's run lock held (by this test process); its mailbox."""
    from broadcaster.playout.mailbox import Mailbox

    mailbox = Mailbox(station.data_dir)
    mailbox.hold()
    try:
        yield mailbox
    finally:
        mailbox.release()
