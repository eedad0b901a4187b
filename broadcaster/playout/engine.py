"""The playout engine: a channel per output, APScheduler handing each planned airing to its channel
just before its time, urgent items put in by policy, and every outcome reported to listeners."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from broadcaster.outputs.sinks import Sink
from broadcaster.playout.channel import PREROLL_S, Channel
from broadcaster.playout.clock import Clock
from broadcaster.playout.effects import Effects
from broadcaster.playout.events import FINAL, MISSED, PARTIAL, STARTED, AiringEvent, airing_from_record
from broadcaster.playout.priority import DEFAULT_POLICY, Policy
from broadcaster.messages import t
from broadcaster.schedule.plan import Plan, PlannedAiring

Listener = Callable[[object], None]
DEFAULT_GRACE_S = 600


@dataclass(frozen=True)
class OutputSinks:
    """An output's devices (primary first, then backups) and its gain."""

    sinks: tuple[Sink, ...]
    gain_db: float = 0.0


class PlayoutEngine:
    """Airs plans and urgent items on their outputs and reports every outcome."""

    def __init__(self, outputs: dict[str, OutputSinks], clock: Clock, rate: int, journal: Path,
                 grace_s: float = DEFAULT_GRACE_S, gate: Callable[[PlannedAiring], str | None] = lambda a: None,
                 probe_s: float | None = None, verify: Callable[[str, bytes], str] = lambda path, data: ""):
        self.clock = clock
        self.verify = verify
        self.probe_s = probe_s
        self.rate = rate
        self.grace_s = grace_s
        self.journal = Path(journal)
        self.gate = gate
        self.listeners: list[tuple[Listener, bool]] = []
        self.effects = Effects()  # listeners and the on-air journal, off the channels' threads once started
        self.channels = {name: Channel(name, list(o.sinks), clock, rate, o.gain_db, self._emit, self.journal, gate,
                                       probe_s, self.effects.post, verify) for name, o in outputs.items()}
        self._scheduled: dict[str, PlannedAiring] = {}
        self._final: set[str] = set()  # keys with a final outcome this run, logged or on its way to the log
        self._scheduler = BackgroundScheduler(timezone=clock.tz)

    def set_outputs(self, outputs: dict[str, OutputSinks]) -> None:
        """Outputs of an edited schedule, new or changed: a new one gets a channel at once, a changed one
        its devices and gain from its next item."""
        for name, o in outputs.items():
            if name in self.channels:
                self.channels[name].change_sinks(list(o.sinks), o.gain_db)
                continue
            self.channels[name] = Channel(name, list(o.sinks), self.clock, self.rate, o.gain_db, self._emit,
                                          self.journal, self.gate, self.probe_s, self.effects.post, self.verify)
            if self._scheduler.running:
                self.channels[name].start()

    def subscribe(self, listener: Listener, started: bool = False) -> None:
        """Call ``listener`` with every outcome (and with STARTED events too when ``started``)."""
        self.listeners.append((listener, started))

    def recover(self, logged: Callable[[PlannedAiring, dt.datetime], bool] = lambda airing, started: False) -> None:
        """Log as partial whatever was on air when the last run ended without finishing it (unless its
        outcome was ``logged`` already: the run ended between logging it and clearing the journal)."""
        for path in sorted(self.journal.glob("*.json")):
            try:
                note = json.loads(path.read_text(encoding="utf-8"))
                airing = airing_from_record(note["airing"])
                start = dt.datetime.fromisoformat(note["actual_start"])
                last = dt.datetime.fromisoformat(note["still_on_air"])
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # a note half-written at the power cut: nothing had started
                continue
            if not logged(airing, start):
                self._emit(AiringEvent(PARTIAL, airing, note.get("sink", ""), start, last,
                                       t("cut off: broadcaster stopped while it played (power cut or crash)")))
            path.unlink(missing_ok=True)

    def load(self, plan: Plan, done: set[str] = frozenset(), tried: set[str] = frozenset()) -> None:
        """Schedule the plan's airings not yet done; those past their grace are logged as missed,
        those within it are aired now (never after their session's planned end). One that was ``tried``
        before (it went on air part-way) is a replay: its first record stays the planned airing's one."""
        now = self.clock.now()
        session_end: dict[tuple[str, str], dt.datetime] = {}
        for a in plan.airings:
            session_end[(a.output, a.session)] = max(a.end, session_end.get((a.output, a.session), a.end))
        wanted = {a.key for a in plan.airings}
        # Only the plan's own day is replaced: a session of the day before may still run past midnight, and
        # the clock set back over midnight must not withdraw what the next day has scheduled.
        self.cancel({key for key in self._scheduled if key not in wanted and _day_of(key) == plan.day})
        passed = (t("its time had passed when it was planned (the clock was set forward, or the schedule edited)")
                  if self._scheduler.running else t("its time passed while broadcaster was not running"))
        jumped = t("the clock jumped past its time and its grace (set forward, or the computer slept)")
        for airing in plan.airings:
            if airing.key in done or airing.key in self._final or airing.key in self._scheduled \
                    or self._on_channel(airing.key):
                continue
            not_after, late = airing.start + dt.timedelta(seconds=self.grace_s), jumped
            if airing.start < now:  # run was down (or an edit, a jump over midnight): late, within its session
                not_after = min(not_after, max(session_end[(airing.output, airing.session)], airing.start))
                late = passed
                if airing.key in tried:
                    airing = replace(airing, trigger="replay")
                if now > not_after:
                    self._emit(AiringEvent(MISSED, airing, airing.output, reason=late))
                    continue
            self._schedule(airing, not_after, late)

    def _on_channel(self, key: str) -> bool:
        return any(q.airing.key == key for c in self.channels.values() for q in c.waiting())

    def _schedule(self, airing: PlannedAiring, not_after: dt.datetime, late: str) -> None:
        """Hand ``airing`` to its channel just before its time; if that comes only after ``not_after``, it is
        missed for the reason ``late``."""
        self._scheduled[airing.key] = airing
        run_at = max(airing.start - dt.timedelta(seconds=PREROLL_S), self.clock.now())
        self._scheduler.add_job(self._hand_over, DateTrigger(run_date=run_at), args=[airing, not_after, late],
                                id=airing.key, misfire_grace_time=None, replace_existing=True)

    def _hand_over(self, airing: PlannedAiring, not_after: dt.datetime, late: str) -> None:
        self._scheduled.pop(airing.key, None)
        channel = self.channels.get(airing.output)
        if channel is None:
            self._emit(AiringEvent(MISSED, airing, airing.output, reason=t("the output is not configured")))
            return
        if self.clock.now() > not_after:
            self._emit(AiringEvent(MISSED, airing, airing.output, reason=late))
            return
        channel.submit(airing, DEFAULT_POLICY[airing.priority], not_after, on_interrupt=airing.on_interrupt)

    def urgent(self, airings: list[PlannedAiring], policy: Policy, chime: str | None) -> None:
        """Put items on air at their start by ``policy``, the chime before the first; later ones are
        handed over just before their time."""
        for i, airing in enumerate(airings):
            not_after = airing.start + dt.timedelta(seconds=self.grace_s)
            args = [airing, policy, not_after, chime if i == 0 else None, airing.on_interrupt]
            run_at = airing.start - dt.timedelta(seconds=PREROLL_S)
            if run_at <= self.clock.now():
                self.channels[airing.output].submit(*args)
            else:
                self._scheduler.add_job(self.channels[airing.output].submit, DateTrigger(run_date=run_at), args=args,
                                        id=airing.key, misfire_grace_time=None, replace_existing=True)

    def cancel(self, keys: set[str]) -> None:
        """Withdraw scheduled or queued airings that a new plan no longer has."""
        for key in keys:
            if self._scheduled.pop(key, None) is not None:
                try:
                    self._scheduler.remove_job(key)
                except Exception:  # noqa: BLE001  it fired in the meantime: the channel drops it below
                    pass
        for channel in self.channels.values():
            channel.cancel(keys)

    def wake(self) -> None:
        """Look at the clock again at once: after it was stepped, what fell due is handed over now rather
        than when a wait worked out from the old time runs out."""
        if self._scheduler.running:
            self._scheduler.wakeup()
        for channel in self.channels.values():
            channel.wake()

    def start(self) -> None:
        """Start the channels and the scheduler."""
        self.effects.start()
        for channel in self.channels.values():
            channel.start()
        self._scheduler.start()

    def stop(self) -> None:
        """Stop scheduling, cut what plays (logged as partial), close every output; return once every
        outcome has reached the listeners."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        for channel in self.channels.values():
            channel.stop()
        self.effects.close()

    def pending(self) -> list[PlannedAiring]:
        """Airings scheduled, queued or on air, in start order."""
        queued = [q.airing for c in self.channels.values() for q in c.waiting()]
        return sorted([*self._scheduled.values(), *queued], key=lambda a: a.start)

    def overdue(self, late_s: float = 1.0) -> list[PlannedAiring]:
        """Airings due more than ``late_s`` ago that have not started (the watchdog's concern)."""
        now = self.clock.now()
        return [a for c in self.channels.values() for a in c.overdue(now, late_s)]

    def _emit(self, event: object) -> None:
        if isinstance(event, AiringEvent) and event.status in FINAL:
            self._final.add(event.airing.key)  # before the channel lets go of it: a new plan never airs it again
        self.effects.post(lambda: self._deliver(event))

    def _deliver(self, event: object) -> None:
        is_started = isinstance(event, AiringEvent) and event.status == STARTED
        for listener, wants_started in self.listeners:
            if wants_started or not is_started:
                listener(event)


def _day_of(key: str) -> dt.date | None:
    """The day whose plan a planned airing's key belongs to (keys begin with it), or None."""
    try:
        return dt.date.fromisoformat(key.split("/", 1)[0])
    except ValueError:
        return None
