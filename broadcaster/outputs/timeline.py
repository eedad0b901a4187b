"""When the next frame written to a stream will be heard: counted in frames from the moment the stream
opened, and nudged to follow the device's own clock when the device reports how much it holds. A sound
card's crystal is off by up to a few hundred parts per million, so a count of frames alone drifts from
the wall clock by some milliseconds a minute while a stream stays open."""

from __future__ import annotations

import time
from typing import Callable

SETTLE_S = 2.0        # the device's report is averaged this long before it is taken as the reference
SMOOTHING = 0.01      # each report moves the average by this share (about a second of 10 ms writes)
CLOCKED_S = 0.001     # a device that holds back this much before the next frame has a clock of its own
MAX_SLEW = 0.002      # the count is moved by at most 2,000 ppm of the time written: a clock's drift, not
                      # the jumps of a device that has no clock (which then stays on its count)


class Timeline:
    """Monotonic time at which the next frame written is heard."""

    def __init__(self, rate: int, monotonic: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.monotonic = monotonic
        self.restart()

    def restart(self) -> None:
        """A stream (re)opened now, or ran dry: the next frame is heard now."""
        self._t0 = self._last = self.monotonic()
        self._frames = 0
        self._held = 0.0                      # the device's last account, 0 until it shows it has a clock
        self._gap: float | None = None        # average of (device's account - the count)
        self._reference: float | None = None  # that average once settled: only changes since are drift

    def next_heard(self) -> float:
        """When the next frame written will be heard. A stream that ran dry restarts its count from now;
        one whose device still holds audio has not run dry, whatever the count says."""
        at = self._t0 + self._frames / self.rate
        if at < self.monotonic() and self._held <= 0:
            self.restart()
            return self._t0
        return at

    def wrote(self, frames: int) -> None:
        """Count frames written."""
        self._frames += frames

    def device_says(self, held_s: float | None) -> None:
        """The device holds ``held_s`` seconds before the next frame written is heard (None: it cannot
        tell): once settled, the count follows the changes of that account, within a clock's drift."""
        if held_s is None or (held_s < CLOCKED_S and self._held <= 0):
            return  # a device without a clock (or whose buffer is not yet full) never holds anything back
        self._held = held_s
        now = self.monotonic()
        since, self._last = now - self._last, now
        gap = now + held_s - (self._t0 + self._frames / self.rate)
        self._gap = gap if self._gap is None else self._gap + SMOOTHING * (gap - self._gap)
        if self._reference is None:
            if self._frames / self.rate >= SETTLE_S:
                self._reference = self._gap
            return
        limit = MAX_SLEW * since
        step = max(-limit, min(limit, self._gap - self._reference))
        self._t0 += step
        self._gap -= step  # the average already counts this step: it is not corrected twice
