"""The playout engine: APScheduler starts each planned airing on its output at its time."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Callable

import numpy as np
from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from broadcaster.audiofile import read_wav
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t
from broadcaster.outputs.sinks import Sink
from broadcaster.playout.clock import Clock
from broadcaster.playout.events import AIRED, FAILED, MISSED, AiringEvent
from broadcaster.schedule.plan import Plan, PlannedAiring

Listener = Callable[[AiringEvent], None]
DEFAULT_GRACE_S = 60


class PlayoutEngine:
    """Airs plans on their outputs, one item at a time per output, and reports every outcome."""

    def __init__(self, sinks: dict[str, Sink], clock: Clock,
                 load_audio: Callable[[str], tuple[np.ndarray, int]] = read_wav,
                 grace_s: float = DEFAULT_GRACE_S):
        self.sinks = sinks
        self.clock = clock
        self.load_audio = load_audio
        self.grace_s = grace_s
        self.listeners: list[Listener] = []
        self._output_locks = {name: threading.Lock() for name in sinks}
        self._pending: dict[str, PlannedAiring] = {}
        self._idle = threading.Condition()
        self._scheduler = BackgroundScheduler(timezone=clock.tz)
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every airing event."""
        self.listeners.append(listener)

    def load(self, plan: Plan, done: set[str] = frozenset()) -> None:
        """Schedule the airings of ``plan`` not yet done; those already past their grace are missed."""
        now = self.clock.now()
        for airing in plan.airings:
            if airing.key in done or airing.key in self._pending:
                continue
            if airing.start < now - dt.timedelta(seconds=self.grace_s):
                self._emit(AiringEvent(MISSED, airing, self._describe(airing),
                                       reason=t("its time passed while broadcaster was not running")))
                continue
            with self._idle:
                self._pending[airing.key] = airing
            self._scheduler.add_job(self._air, DateTrigger(run_date=max(airing.start, now)), args=[airing],
                                    id=airing.key, misfire_grace_time=int(self.grace_s), coalesce=False)

    def start(self) -> None:
        """Start the scheduler thread."""
        self._scheduler.start()

    def stop(self) -> None:
        """Stop scheduling and wait for items on air to finish; close the outputs."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        for sink in self.sinks.values():
            sink.close()

    def pending(self) -> list[PlannedAiring]:
        """Airings scheduled or on air, in start order."""
        with self._idle:
            return sorted(self._pending.values(), key=lambda a: a.start)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is pending; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._pending, timeout)

    def _describe(self, airing: PlannedAiring) -> str:
        sink = self.sinks.get(airing.output)
        return sink.describe() if sink else airing.output

    def _air(self, airing: PlannedAiring) -> None:
        sink = self.sinks.get(airing.output)
        try:
            if sink is None:
                self._emit(AiringEvent(FAILED, airing, airing.output, reason=t("the output has no sink")))
                return
            with self._output_locks[airing.output]:
                started = None
                try:
                    samples, rate = self.load_audio(airing.asset_path)
                    started = self.clock.now()
                    sink.play(samples, rate)
                    self._emit(AiringEvent(AIRED, airing, sink.describe(), started, self.clock.now()))
                except BroadcasterError as exc:
                    self._emit(AiringEvent(FAILED, airing, sink.describe(), started,
                                           self.clock.now() if started else None, reason=str(exc)))
        finally:
            self._done(airing)

    def _on_missed(self, event: JobExecutionEvent) -> None:
        with self._idle:
            airing = self._pending.get(event.job_id)
        if airing is not None:
            self._emit(AiringEvent(MISSED, airing, self._describe(airing),
                                   reason=t("started more than {s:g} s late", s=self.grace_s)))
            self._done(airing)

    def _done(self, airing: PlannedAiring) -> None:
        with self._idle:
            self._pending.pop(airing.key, None)
            self._idle.notify_all()

    def _emit(self, event: AiringEvent) -> None:
        for listener in self.listeners:
            listener(event)
