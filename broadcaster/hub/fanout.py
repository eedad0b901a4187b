"""Waking the stations' long-polls when deliveries are made: whoever makes them (the CLI, the web pages, the CAP
intake, in this process or another) NOTIFYs on commit; one thread here LISTENs, reads the new deliveries in one
query, and wakes the requests waiting on a threading.Condition. A waiting request holds no database connection,
and a woken one is answered from the envelopes read: 200 stations woken at once cost the database one query,
not 200. Deliveries are committed in the order of their numbers (bulletins.DELIVERY_LOCK), so reading those
numbered above the last one read misses none."""

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
KEEP_S = 60.0       # envelopes are held this long for the waits they wake (then read from the database)
RECONNECT_S = 1.0
RETRY_S = 30        # a station whose long-poll found no room asks again after this


class Busy(Exception):
    """No room for one more wait: the station is told to ask again after RETRY_S seconds."""


class Fanout:
    """The newest delivery number of each station and the envelopes made lately, kept up to date by a listening
    thread, and the waits on them."""

    def __init__(self, engine: Engine, max_waiters: int):
        self.url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.max_waiters = max_waiters
        self.condition = threading.Condition()
        self.latest: dict[str, int] = {}
        self.seen = 0               # the highest delivery number read so far
        self.since: int | None = None  # every delivery numbered above it was read with its envelope...
        self.recent: dict[str, list[tuple[int, float, dict]]] = {}  # ... and is here (number, when read, envelope)
        self.floor: dict[str, int] = {}  # unless forgotten: a station's deliveries up to its floor are not here
        self.waiting = 0
        self.turn: dict[str, int] = {}  # each station's latest wait: an earlier one of the same station ends
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

    def wait(self, station: str, after: int, seconds: float) -> list[dict] | None:
        """Wait up to ``seconds`` for deliveries to ``station`` numbered after ``after``: their envelopes, in order
        ([] when none came), or None when some came that are not held here (the caller reads the database). The
        caller has seen none in the database first: so every one that comes was made after, and read here.
        A station waits once: its new wait ends the one before (a stolen key cannot take every place). Beyond
        ``max_waiters`` waits at once, none is made: :class:`Busy`."""
        self.start()
        with self.condition:
            mine = self.turn[station] = self.turn.get(station, 0) + 1
            if mine > 1:
                self.condition.notify_all()  # the station's earlier wait gives up its place
            if self.waiting >= self.max_waiters and not self._waits(station, mine):
                raise Busy
            self.waiting += 1
            try:
                self.condition.wait_for(lambda: self.latest.get(station, 0) > after or self.stopped.is_set()
                                        or self.turn[station] != mine, seconds)
            finally:
                self.waiting -= 1
            if self.latest.get(station, 0) <= after:
                return []
            if self.since is None or after < max(self.since, self.floor.get(station, 0)):
                return None
            return [envelope for number, _, envelope in self.recent.get(station, ()) if number > after]

    def _waits(self, station: str, mine: int) -> bool:
        """Whether ``station`` has a wait that this one of turn ``mine`` takes over (its place is free soon)."""
        return mine > 1 and self.condition.wait_for(lambda: self.waiting < self.max_waiters, 1.0)

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
        """Read the deliveries made since the last reading, with their envelopes (the first time, only the newest
        number of each station: the history stays in the database); wake the waits."""
        if self.since is None:
            rows = [(newest, station, None) for station, newest in
                    conn.execute("SELECT station, max(id) FROM deliveries GROUP BY station").fetchall()]
        else:
            rows = conn.execute("SELECT id, station, envelope FROM deliveries WHERE id > %s ORDER BY id",
                                (self.seen,)).fetchall()
        now = time.monotonic()
        with self.condition:
            for number, station, envelope in rows:
                self.latest[station] = max(self.latest.get(station, 0), number)
                self.seen = max(self.seen, number)
                if envelope is not None:
                    self.recent.setdefault(station, []).append((number, now, envelope))
            if self.since is None:
                self.since = self.seen
            for station, held in list(self.recent.items()):
                while held and now - held[0][1] > KEEP_S:  # a woken station took them long ago
                    self.floor[station] = held.pop(0)[0]
                if not held:
                    del self.recent[station]
            if rows:
                self.condition.notify_all()
