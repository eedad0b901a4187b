"""Waking the stations' long-polls when deliveries are made: whoever makes them (the CLI, the web pages, the CAP
intake, in this process or another) NOTIFYs on commit; one thread here LISTENs, reads the newest delivery of each
station, and wakes the requests waiting on a threading.Condition. A waiting request holds no database
connection, and none is asked of the pool until there is something for its station."""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.engine import Engine

from broadcaster.hub.bulletins import NOTIFY_CHANNEL

log = logging.getLogger(__name__)
# A province's ~200 stations each keep a long-poll waiting, and each wait holds a thread of the server (see
# server.SERVER_OPTIONS). Beyond MAX_WAITERS waits at once a long-poll is answered at once (maybe empty) and the
# station polls again at its next round, so that waits never take the threads other requests need. An idle
# thread costs little memory (bench/fanout_bench.py measures the hub's RSS with 200 waiting). A province with
# more stations raises it.
MAX_WAITERS = 224
RESCAN_S = 5.0      # the newest deliveries are read this often even without a NOTIFY (one lost in a restart)
RECONNECT_S = 1.0


class Fanout:
    """The newest delivery number of each station, kept up to date by a listening thread, and the waits on it."""

    def __init__(self, engine: Engine, max_waiters: int):
        self.url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.max_waiters = max_waiters
        self.condition = threading.Condition()
        self.latest: dict[str, int] = {}
        self.seen = 0               # the highest delivery number read so far
        self.waiting = 0
        self.stopped = threading.Event()
        self.ready = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Start listening (once), and wait a little for the first reading."""
        with self.condition:
            if self.thread is None:
                self.thread = threading.Thread(target=self._listen, name="hub-fanout", daemon=True)
                self.thread.start()
        self.ready.wait(5)

    def stop(self) -> None:
        """Stop listening and release every wait."""
        self.stopped.set()
        with self.condition:
            self.condition.notify_all()
        if self.thread is not None:
            self.thread.join(5)

    def wait(self, station: str, after: int, seconds: float) -> bool:
        """Wait up to ``seconds`` for a delivery to ``station`` numbered after ``after``; whether one came. Beyond
        ``max_waiters`` waits at once, none is made: the request is answered at once and the station polls again."""
        self.start()
        with self.condition:
            if self.waiting >= self.max_waiters:
                return self.latest.get(station, 0) > after
            self.waiting += 1
            try:
                return self.condition.wait_for(
                    lambda: self.latest.get(station, 0) > after or self.stopped.is_set(), seconds) \
                    and not self.stopped.is_set()
            finally:
                self.waiting -= 1

    def _listen(self) -> None:
        import psycopg

        while not self.stopped.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self._read(conn)  # what was made before listening (or while the link was down)
                    self.ready.set()
                    last = time.monotonic()
                    while not self.stopped.is_set():
                        told = list(conn.notifies(timeout=1.0, stop_after=1))
                        if told or time.monotonic() - last > RESCAN_S:
                            self._read(conn)
                            last = time.monotonic()
            except psycopg.Error as exc:  # the database restarts: listen again, reading what was missed
                log.warning("bulletin wake-ups paused: %s", exc)
                self.ready.set()  # waits go on by their timeout meanwhile
                self.stopped.wait(RECONNECT_S)

    def _read(self, conn) -> None:
        """Read the newest delivery of each station that has new ones; wake the waits."""
        rows = conn.execute("SELECT station, max(id) FROM deliveries WHERE id > %s GROUP BY station",
                            (self.seen,)).fetchall()
        if rows:
            with self.condition:
                for station, newest in rows:
                    self.latest[station] = max(self.latest.get(station, 0), newest)
                self.seen = max(self.seen, *(newest for _, newest in rows))
                self.condition.notify_all()
