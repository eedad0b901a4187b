"""What the station keeps of its conversation with the hub, in ``data/hub/state.json``: the last request
counter used (the hub refuses any not higher), the last log record the hub acknowledged, and of bulletins the
last delivery taken (the cursor), the uids taken, the receipts not yet taken by the hub and the bulletins
waiting to be placed on air. Written whole and atomically under a lock (threads of `run` and a `broadcaster
sync` by hand share it); another lock keeps sync rounds from interleaving."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import orjson
from filelock import FileLock, Timeout

from broadcaster.atomic import replacing
from broadcaster.errors import StorageError
from broadcaster.messages import t

STATE_FILE = "state.json"
LOCK_FILE = "state.lock"
WRITE_LOCK_FILE = "state.write.lock"
BULLETINS_LOCK_FILE = "bulletins.lock"
STATE_VERSION = 1
_threads = threading.Lock()  # threads of one process; the write lock file keeps processes apart


def no_bulletins() -> dict:
    """The bulletin part of a state before the first delivery."""
    return {"after": 0, "taken": {}, "receipts": [], "waiting": []}


class SyncState:
    """The counter and cursor of one station, in ``folder``."""

    def __init__(self, folder: Path, now_us=lambda: time.time_ns() // 1000):
        self.folder = Path(folder)
        self.path = self.folder / STATE_FILE
        self.now_us = now_us  # a counter never below the time in microseconds: a lost state file starts above

    def read(self) -> dict:
        """The state as kept; an empty one before the first request."""
        try:
            data = orjson.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {"v": STATE_VERSION, "counter": 0, "cursor": 0, "bulletins": no_bulletins()}
        except (OSError, orjson.JSONDecodeError):
            raise StorageError(t("the hub state is damaged; delete it, it is made again at the next sync"),
                               path=self.path) from None
        if not isinstance(data, dict) or not isinstance(data.get("counter"), int) \
                or not isinstance(data.get("cursor"), int) \
                or not isinstance(data.setdefault("bulletins", no_bulletins()), dict) \
                or not isinstance(data["bulletins"].get("after"), int):
            raise StorageError(t("the hub state is damaged; delete it, it is made again at the next sync"),
                               path=self.path)
        for key, empty in no_bulletins().items():
            if not isinstance(data["bulletins"].get(key), type(empty)):
                data["bulletins"][key] = empty
        return data

    def _write(self, data: dict) -> None:
        with replacing(self.path, what=t("the hub state")) as f:
            f.write(orjson.dumps({**data, "v": STATE_VERSION}))

    def update(self, change: Callable[[dict], object]) -> object:
        """Read, ``change`` in place and write the state, with no other thread or process in between; what
        ``change`` returns."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with _threads:
            lock = FileLock(str(self.folder / WRITE_LOCK_FILE), timeout=30)
            try:
                lock.acquire()
            except Timeout:
                raise StorageError(t("the hub state is held by another process for more than 30 s"),
                                   path=self.path) from None
            try:
                data = self.read()
                before = orjson.dumps(data)
                result = change(data)
                if orjson.dumps(data) != before:
                    self._write(data)
                return result
            finally:
                lock.release()

    def next_counter(self) -> int:
        """A counter higher than every one used before, kept before it is used."""
        def bump(data: dict) -> int:
            data["counter"] = max(data["counter"] + 1, self.now_us())
            return data["counter"]
        return self.update(bump)

    def acknowledged(self, cursor: int) -> None:
        """Remember that the hub holds the log up to record ``cursor``."""
        self.update(lambda data: data.update(cursor=cursor))

    def bulletins(self) -> dict:
        """The bulletin part of the state: cursor, uids taken, receipts to send, bulletins waiting."""
        return self.read()["bulletins"]

    def taking_bulletins(self, wait_s: float = 30) -> Iterator[bool]:
        """Hold the lock under which deliveries are taken (one taker at a time, whichever thread or process);
        yields False when another holds it for longer than ``wait_s``."""
        return self._held(BULLETINS_LOCK_FILE, wait_s)

    def round(self, wait_s: float = 0) -> Iterator[bool]:
        """Hold the station's sync lock while the block runs; yields False when another round holds it."""
        return self._held(LOCK_FILE, wait_s)

    @contextmanager
    def _held(self, name: str, wait_s: float) -> Iterator[bool]:
        """Hold the file lock ``name`` of the state's folder while the block runs (False: not had in ``wait_s``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.folder / name), timeout=wait_s)
        try:
            lock.acquire()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()
