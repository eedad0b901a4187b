"""What playout does besides playing, done off the audio path: reporting outcomes to listeners (the airing
log syncs each record to disk) and noting on disk what is on air. One thread does them in the order they
were asked for, so a record is on disk before the on-air note it replaces is removed, and a disk that takes
a second to sync delays the log, never a start."""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable, Hashable


class Effects:
    """A thread doing posted calls one at a time, in order; a call posted under a ``key`` replaces one
    still waiting at the end of the queue under the same key (a newer note of the same thing)."""

    def __init__(self, name: str = "playout-effects"):
        self._queue: deque[tuple[Hashable | None, Callable[[], None]]] = deque()
        self._cv = threading.Condition()
        self._closing = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)

    def start(self) -> None:
        """Start doing what is posted (until then, :meth:`post` does it at once)."""
        self._thread.start()

    def post(self, call: Callable[[], None], key: Hashable | None = None) -> None:
        """Have ``call`` done after everything posted before it."""
        with self._cv:
            if not self._thread.is_alive():
                running = False
            else:
                running = True
                if key is not None and self._queue and self._queue[-1][0] == key:
                    self._queue[-1] = (key, call)
                else:
                    self._queue.append((key, call))
                self._cv.notify_all()
        if not running:
            call()

    def close(self) -> None:
        """Do what is waiting, stop the thread; raise the first error a call raised, if any."""
        with self._cv:
            self._closing = True
            self._cv.notify_all()
        if self._thread.is_alive():
            self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _work(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._queue or self._closing)
                if not self._queue:
                    return
                _, call = self._queue.popleft()
            try:
                call()
            except Exception as exc:  # noqa: BLE001  kept for close(): a listener's fault must not stop the rest
                self._error = self._error or exc
