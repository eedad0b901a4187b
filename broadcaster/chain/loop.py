"""`run`'s link with the hub: a thread that does a sync round every minute, and a few seconds after each
airing, so that the log reaches the hub within a minute. The hub or the link being down is said once (and
once again when it is back), never raised: airing goes on whatever the hub does."""

from __future__ import annotations

import datetime as dt
import threading
from typing import TYPE_CHECKING, Callable

from broadcaster.errors import BroadcasterError
from broadcaster.messages import t

if TYPE_CHECKING:
    from broadcaster.station import Station

EVERY_S = 60.0   # a heartbeat a minute
SOON_S = 5.0     # after an airing: a few seconds, so that the airings of one slot go together


class SyncLoop:
    """Sync rounds in a background thread until :meth:`stop`."""

    def __init__(self, station: Station, now: Callable[[], dt.datetime], say: Callable[[str], None],
                 every_s: float = EVERY_S, soon_s: float = SOON_S,
                 do_round: Callable[[Station, dt.datetime], object] | None = None):
        from broadcaster.chain.sync import sync_round

        self.station, self.now, self.say = station, now, say
        self.every_s, self.soon_s = every_s, soon_s
        self.do_round = do_round or sync_round
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-sync", daemon=True)
        self.problem: str | None = None  # the last round's problem, None when it went through
        self.rounds = 0

    def start(self) -> SyncLoop:
        """Start the thread; the first round is at once."""
        self._thread.start()
        return self

    def nudge(self, event: object = None) -> None:
        """Push soon (a listener of the playout engine: called after each airing outcome)."""
        self._wake.set()

    def stop(self, wait_s: float = 5.0) -> None:
        """End the thread after a last round (the log of the last airings and of the stop goes up); a round
        under way may take until its requests time out: `run` does not wait longer than ``wait_s``."""
        self._stop.set()
        self._wake.set()
        self._thread.join(wait_s)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._round()
            if self._wake.wait(self.every_s) and not self._stop.is_set():
                self._wake.clear()
                self._stop.wait(self.soon_s)
            self._wake.clear()
        self._round()

    def _round(self) -> None:
        try:
            self.do_round(self.station, self.now())
        except BroadcasterError as exc:
            problem = str(exc)
        except Exception as exc:  # noqa: BLE001 - the loop must outlive any failure: airing goes on
            problem = t("sync failed: {reason}", reason=f"{type(exc).__name__}: {exc}")
        else:
            problem = None
        self.rounds += 1
        if problem and problem != self.problem:
            self.say(t("hub: {problem}; airing goes on, the log is kept and sent later", problem=problem))
        elif problem is None and self.problem is not None:
            self.say(t("hub: reachable again; the log is sent"))
        self.problem = problem
