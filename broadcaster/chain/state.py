"""What the station keeps of its conversation with the hub, in ``data/hub/state.json``: the last request
counter used (the hub refuses any not higher) and the last log record the hub acknowledged. Written whole
and atomically before each request; a lock keeps `run` and a `broadcaster sync` by hand from interleaving."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import orjson
from filelock import FileLock, Timeout

from broadcaster.atomic import replacing
from broadcaster.errors import StorageError
from broadcaster.messages import t

STATE_FILE = "state.json"
LOCK_FILE = "state.lock"
STATE_VERSION = 1


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
            return {"v": STATE_VERSION, "counter": 0, "cursor": 0}
        except (OSError, orjson.JSONDecodeError):
            raise StorageError(t("the hub state is damaged; delete it, it is made again at the next sync"),
                               path=self.path) from None
        if not isinstance(data, dict) or not isinstance(data.get("counter"), int) \
                or not isinstance(data.get("cursor"), int):
            raise StorageError(t("the hub state is damaged; delete it, it is made again at the next sync"),
                               path=self.path)
        return data

    def _write(self, data: dict) -> None:
        with replacing(self.path, what=t("the hub state")) as f:
            f.write(orjson.dumps({**data, "v": STATE_VERSION}))

    def next_counter(self) -> int:
        """A counter higher than every one used before, kept before it is used."""
        data = self.read()
        data["counter"] = max(data["counter"] + 1, self.now_us())
        self._write(data)
        return data["counter"]

    def acknowledged(self, cursor: int) -> None:
        """Remember that the hub holds the log up to record ``cursor``."""
        data = self.read()
        if data["cursor"] != cursor:
            self._write({**data, "cursor": cursor})

    @contextmanager
    def round(self, wait_s: float = 0) -> Iterator[bool]:
        """Hold the station's sync lock while the block runs; yields False when another round holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.folder / LOCK_FILE), timeout=wait_s)
        try:
            lock.acquire()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()
