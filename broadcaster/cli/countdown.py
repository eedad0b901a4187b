"""`run`'s countdown to the next airing: one line refreshed in place on a terminal, a plain line each time the
next airing changes elsewhere (a pipe, a service's journal, --log-file)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Callable

from rich.console import Console
from rich.live import Live
from rich.text import Text

from broadcaster.errors import BroadcasterError
from broadcaster.messages import t
from broadcaster.schedule.plan import Plan, PlannedAiring

TICK_S = 1.0
AHEAD_DAYS = 7  # how far the countdown looks for the next airing when the plans run made are done


def until(seconds: float) -> str:
    """'45 s', '4 min 05 s', '12 min' or '2 h 03 min': how long until an item, to the second when it is near."""
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return t("{s} s", s=seconds)
    if seconds < 600:
        return t("{m} min {s:02d} s", m=seconds // 60, s=seconds % 60)
    if seconds < 3600:
        return t("{m} min", m=seconds // 60)
    return t("{h} h {m:02d} min", h=seconds // 3600, m=seconds % 3600 // 60)


class Countdown:
    """The next airing of the plans `run` made, and how long until it; never one whose time has passed."""

    def __init__(self, console: Console, now: Callable[[], dt.datetime]):
        self.console = console
        self.now = now
        self.plans: dict[dt.date, tuple[PlannedAiring, ...]] = {}
        self.shown: str | None = None
        self.live: Live | None = None
        self.lock = threading.Lock()  # ticked by its own thread, and by `run` as it plans

    def plan(self, plan: Plan, plan_of: Callable[[dt.date], Plan] | None = None) -> None:
        """Take a day's (new) plan; when nothing of it is still to air, the plans of the days after it (made
        by ``plan_of``) until one airs something, so that the line names tomorrow's first airing."""
        with self.lock:
            self.plans[plan.day] = plan.airings
            for later in sorted(day for day in self.plans if day > plan.day):
                del self.plans[later]  # made from files that may have changed since
        now, day, last = self.now(), plan.day, plan.day + dt.timedelta(days=AHEAD_DAYS)
        while plan_of is not None and day < last and not any(a.start > now for a in plan.airings):
            day += dt.timedelta(days=1)
            try:
                plan = plan_of(day)
            except BroadcasterError:
                return  # run says why when it comes to that day
            with self.lock:
                self.plans[day] = plan.airings

    def line(self) -> str:
        """'next: TITLE on OUTPUT at 07:00, in 12 min', or that nothing is left to air in the plans."""
        now = self.now()
        ahead = [a for airings in self.plans.values() for a in airings if a.start > now]
        if not ahead:
            return t("next: nothing more planned")
        a = min(ahead, key=lambda airing: airing.start)
        time = a.start.strftime("%H:%M" if a.start.second == 0 else "%H:%M:%S")
        if a.start.date() != now.date():
            time = t("{day} {time}", day=a.start.strftime("%d/%m"), time=time)
        return t("next: {title} on {output} at {time}, in {wait}", title=a.title, output=a.output, time=time,
                 wait=until((a.start - now).total_seconds()))

    def tick(self) -> None:
        """Refresh the line on a terminal; elsewhere print it when the next airing (not the wait) changed.
        Nothing until the first plan is made."""
        with self.lock:
            if not self.plans:
                return
            line = self.line()
            if self.live is not None:
                self.live.update(Text(line))
                return
            what = line.rsplit(", ", 1)[0]
            if what != self.shown:
                self.shown = what
                self.console.print(line, markup=False)

    def start(self, live: bool) -> None:
        """``live``: show the line redrawn under what `run` prints (a terminal); else print plain lines."""
        if live:
            self.live = Live(Text(""), console=self.console, auto_refresh=False, transient=True)
            self.live.start()

    def run(self, stop: threading.Event) -> None:
        """Tick every second until ``stop`` is set, then take the live line away."""
        try:
            while True:
                self.tick()
                if self.live is not None:
                    self.live.refresh()
                if stop.wait(TICK_S):
                    break
        finally:
            if self.live is not None:
                self.live.stop()
                self.live = None
