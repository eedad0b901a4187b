"""One output's playout thread: a queue of items by priority, one stream kept open while busy,
items started on the sample at their time, interrupts by policy, failover to backup devices."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import soundfile

from broadcaster.errors import BroadcasterError, DeviceError, StorageError
from broadcaster.messages import t
from broadcaster.outputs.boost import raise_this_thread
from broadcaster.outputs.relay import RelayStream
from broadcaster.outputs.sinks import Sink
from broadcaster.outputs.timeline import Timeline
from broadcaster.playout.clock import Clock
from broadcaster.playout.mailbox import write_json
from broadcaster.playout.events import (AIRED, BACK, FAILED, INTERRUPTED, MISSED, PARTIAL, SKIPPED, STARTED,
                                        AiringEvent, DeviceEvent, airing_to_record)
from broadcaster.playout.preload import Preloaded
from broadcaster.playout.priority import NORMAL, RANK, Policy
from broadcaster.schedule.plan import PlannedAiring

BLOCK_S = 0.01          # audio is written in 10 ms blocks: interrupts and starts land within a block
PREROLL_S = 1.0         # a stream is opened this long before an item is due
KEEP_OPEN_S = 5.0       # a stream stays open (writing silence) when the next item is this close
MAX_AHEAD_S = 0.25      # never more audio written than this ahead of the clock
FADE_S = 0.5            # an interrupted item fades out over this long
JOURNAL_EVERY_S = 0.5   # how often the on-air journal notes that the item still plays
RELAY_STALL_S = 3.0     # a relayed stream that says nothing this long is taken as down
PROBE_CLEAR_S = 2.0     # ... unless an item is due (its stream opens) within this long


@dataclass(order=True)
class Queued:
    """An item waiting on a channel; ordered by priority, then time, then arrival."""

    sort_key: tuple
    airing: PlannedAiring = dataclasses.field(compare=False)
    policy: Policy = dataclasses.field(compare=False)
    not_after: dt.datetime = dataclasses.field(compare=False)
    chime: str | None = dataclasses.field(compare=False, default=None)
    on_interrupt: str = dataclasses.field(compare=False, default="replay")
    submitted: float = dataclasses.field(compare=False, default_factory=time.monotonic)


class Interrupted(Exception):
    """Raised inside playback when a more urgent item cuts in, or the channel stops."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Channel:
    """Plays one output's items one at a time, in a thread of its own."""

    _seq = itertools.count()

    def __init__(self, name: str, sinks: list[Sink], clock: Clock, rate: int, gain_db: float,
                 emit: Callable[[object], None], journal: Path,
                 gate: Callable[[PlannedAiring], str | None] = lambda airing: None, probe_s: float | None = None,
                 post: Callable[..., None] = lambda call, key=None: call(),
                 verify: Callable[[str, bytes], str] = lambda path, data: ""):
        self.name = name
        self.sinks = sinks
        self.clock = clock
        self.rate = rate
        self.gain = 10 ** (gain_db / 20)
        self.emit = emit
        self.journal = journal
        self.post = post  # how disk writes of the journal are done: by the engine's effects thread, in order
        self.gate = gate
        self.verify = verify  # why the bytes read from a file may not air ('' when they may)
        self._queue: list[Queued] = []
        self._cv = threading.Condition()
        self._stopping = False
        self._on_air: Queued | None = None
        self._on_air_late_s = 0.0  # how late the item on air started
        self._sink: Sink | None = None
        self._next_sinks: tuple[list[Sink], float] | None = None
        self._stream_time = Timeline(rate)
        self._since = 0.0  # the monotonic time at which the item on air was first heard
        self.faults = 0  # items that failed on an unexpected error of this output (run's exit code says so)
        self._down: set[str] = set()  # devices reported failed that have not worked since
        self.probe_s = probe_s  # None: idle devices are not probed (a demo, a test of the engine alone)
        self._probed = time.monotonic()  # devices were just checked at start-up
        self.priority = ""  # how the thread's priority was raised ('' if it could not be)
        self._thread = threading.Thread(target=self._run, name=f"channel-{name}", daemon=True)

    # -- control, from other threads ------------------------------------------------------------

    def start(self) -> None:
        """Start the channel's thread."""
        self._thread.start()

    def submit(self, airing: PlannedAiring, policy: Policy, not_after: dt.datetime, chime: str | None = None,
               on_interrupt: str = "replay") -> None:
        """Queue an item; it starts at its planned time (or as soon as its policy lets it)."""
        key = (-RANK[airing.priority], airing.start, next(self._seq))
        with self._cv:
            self._queue.append(Queued(key, airing, policy, not_after, chime, on_interrupt))
            self._queue.sort()
            self._cv.notify_all()

    def change_sinks(self, sinks: list[Sink], gain_db: float) -> None:
        """Play on other devices (an edited schedule), from the next item on; what plays finishes where it is."""
        with self._cv:
            self._next_sinks = (sinks, gain_db)
            self._cv.notify_all()

    def wake(self) -> None:
        """Look at the clock again now (it was stepped)."""
        with self._cv:
            self._cv.notify_all()

    def stop(self, timeout: float = 10.0) -> None:
        """Cut what plays (logged as partial), drop the queue, close the stream."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def known_down(self, device: str) -> None:
        """Take ``device`` as down and already reported (found missing at start-up); call before start."""
        self._down.add(device)

    def waiting(self) -> list[Queued]:
        """Queued items and the one on air."""
        with self._cv:
            return ([self._on_air] if self._on_air else []) + list(self._queue)

    def overdue(self, now: dt.datetime, late_s: float) -> list[PlannedAiring]:
        """Queued items that should have started more than ``late_s`` ago, unless the delay is by design or
        inherited: an urgent item (or the replay of an item it cut off) is on air, an urgent item waits by
        its policy for the item on air, or the item on air started late itself (after an urgent insert)."""
        with self._cv:
            on_air = self._on_air.airing if self._on_air else None
            if on_air is not None and (on_air.priority != NORMAL or on_air.trigger == "replay"):
                return []
            if on_air is not None and self._on_air_late_s > late_s:
                return []  # what plays started late itself: those after it inherit its delay
            return [q.airing for q in self._queue if (now - q.airing.start).total_seconds() > late_s
                    and not (on_air is not None and q.airing.priority != NORMAL and q.policy.mode != "now")]

    def cancel(self, keys: set[str]) -> None:
        """Remove queued (not yet started) items by key."""
        with self._cv:
            self._queue = [q for q in self._queue if q.airing.key not in keys]

    # -- the thread ---------------------------------------------------------------------------------

    def _run(self) -> None:
        self.priority = raise_this_thread()
        try:
            while True:
                with self._cv:
                    if self._stopping:
                        break
                    if self._next_sinks is not None:
                        self._close()
                        (self.sinks, gain_db), self._next_sinks = self._next_sinks, None
                        self.gain = 10 ** (gain_db / 20)
                    item = self._pick()
                    probe = False
                    if item is None:
                        wait = self._until_next()
                        if wait is None or wait > KEEP_OPEN_S or not self._is_open() \
                                or not self._sink.writes_silence:
                            self._close()
                            probe = self.probe_s is not None and time.monotonic() - self._probed >= self.probe_s \
                                and (wait is None or wait > PROBE_CLEAR_S)
                            if not probe:
                                self._cv.wait(timeout=min(wait, 1.0) if wait is not None else 1.0)
                                continue
                    else:
                        self._on_air, self._on_air_late_s = item, 0.0
                if probe:
                    self._probe()
                    continue
                if item is None:
                    try:
                        self._silence(BLOCK_S)
                    except DeviceError:
                        pass  # the stream is closed: the next item opens it again, or fails over
                    continue
                try:
                    self._play(item)
                except Exception as exc:  # noqa: BLE001  a fault of this output must neither kill it nor go unlogged
                    self._close()
                    self._journal(None, None)  # its outcome is logged here: a restart must not log it partial
                    self.faults += 1
                    self.emit(AiringEvent(FAILED, item.airing, self._describe(),
                                          reason=t("the output failed: {error}", error=f"{type(exc).__name__}: {exc}")))
                finally:
                    with self._cv:
                        self._on_air = None
        finally:
            self._close()

    def _pick(self) -> Queued | None:
        """The next item to start now (called under the lock); misses those past their time."""
        now = self.clock.now()
        for q in list(self._queue):
            if now > q.not_after:
                self._queue.remove(q)
                self.emit(AiringEvent(MISSED, q.airing, self._describe(), reason=t(
                    "could not start by {time}: the output was busy", time=q.not_after.strftime("%H:%M:%S"))))
        ready = [q for q in self._queue if (q.airing.start - now).total_seconds() <= PREROLL_S]
        if not ready:
            return None
        self._queue.remove(ready[0])
        return ready[0]

    def _until_next(self) -> float | None:
        if not self._queue:
            return None
        soonest = min(q.airing.start for q in self._queue)
        return max(0.0, (soonest - self.clock.now()).total_seconds() - PREROLL_S)

    def _describe(self) -> str:
        return (self._sink or self.sinks[0]).describe()

    # -- the stream ---------------------------------------------------------------------------------

    def _is_open(self) -> bool:
        return self._sink is not None

    def _open(self) -> None:
        """Open the first sink that works, primary first; report each one that does not."""
        if self._sink is not None:
            return
        reasons = []
        for i, sink in enumerate(self.sinks):
            try:
                sink.open(self.rate)
            except DeviceError as exc:
                reasons.append(exc.message)
                backup = self.sinks[i + 1].describe() if i + 1 < len(self.sinks) else ""
                self._trouble(sink.describe(), exc.message, backup)
                continue
            self._sink = sink
            self._stream_time.restart()
            return
        raise DeviceError("; ".join(reasons))

    def _close(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            sink.close()

    def _timeline(self) -> float:
        """The monotonic time at which the next written frame will be heard (never in the past)."""
        return self._stream_time.next_heard()

    def _write(self, block: np.ndarray) -> None:
        ahead = self._timeline() - time.monotonic()
        if ahead > MAX_AHEAD_S and self._sink.paced:
            time.sleep(ahead - MAX_AHEAD_S / 2)  # a device with no clock of its own is held to real time
        self._sink.write(block)
        self._stream_time.wrote(len(block))
        self._stream_time.device_says(self._sink.held_s())

    def _silence(self, seconds: float, item: Queued | None = None) -> None:
        """Write silence; within an item (a relay's filler) a more urgent item may cut in."""
        frames = int(round(seconds * self.rate))
        block = np.zeros(int(BLOCK_S * self.rate), dtype=np.float32)
        try:
            while frames > 0:
                if item is not None:
                    self._check_cut(item)
                n = min(frames, len(block))
                self._write(block[:n])
                frames -= n
        except DeviceError:
            if item is not None:
                raise
            self._close()
            raise  # before an item: it fails over, or fails

    # -- an item ----------------------------------------------------------------------------------

    def _play(self, item: Queued) -> None:
        airing = item.airing
        refused = self.gate(airing)
        if refused:
            self.emit(AiringEvent(SKIPPED, airing, self._describe(), reason=refused))
            return
        try:
            # Read once, checked, and those very bytes played: a file swapped after the gate never airs.
            files = [] if airing.relay_url else [self._load(path) for path in
                                                 ([item.chime] if item.chime else []) + [airing.asset_path]]
        except BroadcasterError as exc:
            self.emit(AiringEvent(SKIPPED, airing, self._describe(), reason=exc.message))
            return
        started = None
        for attempt in range(len(self.sinks)):
            try:
                self._open()
            except DeviceError as exc:  # no device would open; each one was reported
                self.emit(AiringEvent(FAILED, airing, self._describe(), reason=exc.message))
                break
            audio: list[Preloaded] = []
            try:
                for path, data in files:  # read before the start: it then plays from memory
                    audio.append(Preloaded(path, data, self.rate))
                if not self._lead_in(airing.start):
                    self._close_if_file()
                    self._requeue(item)  # the clock was set back: it waits for its time again
                    break
                self._since = self._timeline()
                started = self.clock.now() + dt.timedelta(seconds=self._since - time.monotonic())
                with self._cv:
                    self._on_air_late_s = (started - airing.start).total_seconds()
                self._journal(airing, started)
                self.emit(AiringEvent(STARTED, airing, self._describe(), started))
                note = ""
                if airing.relay_url:
                    note = self._play_relay(item, started)
                else:
                    for sound in audio:
                        self._play_file(sound, item, started)
                until = self._heard_until(started)
                self._tail()
                played = self._describe()  # before a file sink closes, when the primary would be named
                self._close_if_file()
                self.emit(AiringEvent(AIRED, airing, played, started, until, note))
                self._works(played)
                break
            except Interrupted as cut:
                self.emit(AiringEvent(cut.status, airing, self._describe(), started,
                                      self._heard_until(started) if started else None, cut.reason))
                if cut.status == INTERRUPTED and item.on_interrupt == "replay":
                    # Replayed from its beginning once the urgent item is over; never part-way.
                    self.submit(dataclasses.replace(airing, trigger="replay", start=self.clock.now()),
                                item.policy, item.not_after + (self.clock.now() - airing.start), None, "drop")
                break
            except DeviceError as exc:
                failed = self._describe()
                self._close()
                self._rotate()
                backup = self.sinks[0].describe() if attempt + 1 < len(self.sinks) else ""
                self._trouble(failed, exc.message, backup)
                if backup:
                    continue  # the item starts again, from the beginning, on the backup
                self.emit(AiringEvent(FAILED, airing, failed, started,
                                      self._heard_until(started) if started else None, exc.message))
            except BroadcasterError as exc:
                self.emit(AiringEvent(FAILED, airing, self._describe(), started,
                                      self._heard_until(started) if started else None, exc.message))
                break
            finally:
                for sound in audio:
                    sound.close()
        self._journal(None, None)

    def _trouble(self, device: str, reason: str, failover_to: str) -> None:
        """Report a device that failed, once until it works again (not for every item a dead device fails)."""
        if device not in self._down:
            self._down.add(device)
            self.emit(DeviceEvent(self.name, device, reason, failover_to))

    def _works(self, device: str) -> None:
        """An item aired whole on ``device``: if it was down, report it back."""
        if device in self._down:
            self._down.discard(device)
            self.emit(DeviceEvent(self.name, device, "", state=BACK))

    def _probe(self) -> None:
        """While idle, check without a sound the device the next item would play on; if it is gone, report
        it and put the first device that answers in its place, so the next item starts there."""
        self._probed = time.monotonic()
        failed, working = [], None
        for sink in self.sinks:
            try:
                sink.probe()
            except DeviceError as exc:
                failed.append((sink, exc.message))
                continue
            working = sink
            break
        for sink, reason in failed:
            self._trouble(sink.describe(), reason, working.describe() if working else "")
        while working is not None and self.sinks[0] is not working:
            self._rotate()

    def _rotate(self) -> None:
        """After a failure, try the next device first from now on."""
        self.sinks.append(self.sinks.pop(0))

    def _load(self, path: str) -> tuple[str, bytes]:
        """The bytes of a file to play, once :attr:`verify` accepts them."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise BroadcasterError(t("the rendered audio cannot be read: {reason}", reason=exc.strerror or exc),
                                   path=path) from None
        refused = self.verify(path, data)
        if refused:
            raise BroadcasterError(refused)
        return path, data

    def _play_file(self, audio: Preloaded, item: Queued, started: dt.datetime) -> None:
        last_note = time.monotonic()
        for block in audio.blocks(int(BLOCK_S * self.rate)):
            try:
                self._check_cut(item)
            except Interrupted:
                # Fade out what plays rather than cut it dead.
                fading = np.concatenate([block, audio.read(int(FADE_S * self.rate))])
                self._write(fading * np.linspace(1.0, 0.0, len(fading), dtype=np.float32) * self.gain)
                raise
            self._write(block * self.gain)
            if time.monotonic() - last_note > JOURNAL_EVERY_S:
                self._journal(item.airing, started)
                last_note = time.monotonic()

    def _tail(self) -> None:
        """Write silence until the item's last sound is heard, unless the next item is due first: a device
        that fails while it still holds the end of the item fails it over (the item is not aired yet)."""
        if not self._sink.writes_silence:
            return
        held = self._sink.held_s()  # the device's account (a shared card's queue too), else the count's
        end = time.monotonic() + held if held is not None else self._timeline()
        while (left := end - time.monotonic()) > 0:
            with self._cv:
                due = self.clock.now() + dt.timedelta(seconds=left)
                if self._stopping or any(q.airing.start <= due for q in self._queue):
                    return
            self._silence(BLOCK_S)

    def _play_relay(self, item: Queued, started: dt.datetime) -> str:
        """Relay the stream for the airing's length; if it drops, its fallback clip (repeated while a
        whole one fits) or silence fills the rest. Returns a note for the log, '' when all went well."""
        airing = item.airing
        total = round((airing.end - airing.start).total_seconds() * self.rate)
        ends = self._timeline() + total / self.rate  # the slot ends on time, however long the stream stalled
        block_frames = int(BLOCK_S * self.rate)
        played = 0
        stream = RelayStream(airing.relay_url, self.rate)
        try:
            while played < total:
                self._check_cut(item)
                block = stream.read(min(block_frames, total - played), RELAY_STALL_S)
                if block is None:
                    break
                self._write(block * self.gain)
                played += len(block)
        finally:
            stream.close()
        if played >= total:
            return ""
        dropped = played / self.rate
        while airing.asset_path and (ends - self._timeline()) * self.rate >= soundfile.info(airing.asset_path).frames:
            with Preloaded(*self._load(airing.asset_path), self.rate) as fallback:
                self._play_file(fallback, item, started)
        self._silence(max(0.0, ends - self._timeline()), item)
        filler = t("its fallback") if airing.asset_path else t("silence")
        return t("the stream dropped after {m}:{s:02d}; {filler} for the rest", m=int(dropped // 60),
                 s=int(dropped % 60), filler=filler)

    def _check_cut(self, item: Queued) -> None:
        with self._cv:
            if self._stopping:
                raise Interrupted(PARTIAL, t("broadcaster was stopped while it played"))
            rank = RANK[item.airing.priority]
            for q in self._queue:
                if RANK[q.airing.priority] <= rank or q.airing.start > self.clock.now():
                    continue
                waited = time.monotonic() - q.submitted
                if q.policy.mode == "now" or (q.policy.mode == "wait" and waited >= q.policy.wait_s):
                    raise Interrupted(INTERRUPTED, t("cut off for {level} '{id}'", level=t(q.airing.priority),
                                                     id=q.airing.announcement))

    def _lead_in(self, start: dt.datetime) -> bool:
        """Wait for ``start`` (writing silence to a stream that needs it), reading the clock again at every
        block, so that a clock stepped meanwhile moves the start with it. False when it was set back so far
        that the item is not due for a while again."""
        while True:
            ahead = self._timeline() - time.monotonic() if self._sink.writes_silence else 0.0
            left = (start - self.clock.now()).total_seconds() - ahead
            if left > 2 * PREROLL_S:
                return False
            if left * self.rate < 1:
                return True
            if self._sink.writes_silence:
                self._silence(min(left, BLOCK_S))
            else:
                time.sleep(min(left, BLOCK_S))

    def _requeue(self, item: Queued) -> None:
        with self._cv:
            self._queue.append(item)
            self._queue.sort()

    def _heard_until(self, started: dt.datetime) -> dt.datetime:
        """When what was written of the item on air will have been heard: its start plus the audio written,
        on the monotonic timeline (the wall clock may have been stepped while it played)."""
        return started + dt.timedelta(seconds=max(0.0, self._timeline() - self._since))

    def _close_if_file(self) -> None:
        if self._sink is not None and not self._sink.writes_silence:
            self._close()

    def _journal(self, airing: PlannedAiring | None, started: dt.datetime | None) -> None:
        """Note on disk what is on air, so that after a power cut it is logged as partial."""
        path = self.journal / f"{self.name}.json"
        if airing is None:
            self.post(lambda: path.unlink(missing_ok=True))  # after the outcome's record, posted before
            return
        heard = started + dt.timedelta(seconds=max(0.0, time.monotonic() - self._since))  # not the stepped clock
        note = {"v": 1, "airing": airing_to_record(airing), "sink": self._describe(),
                "actual_start": started.isoformat(), "still_on_air": heard.isoformat()}

        def write() -> None:
            try:
                write_json(path, note)
            except StorageError:  # a full disk: the item plays on (only a power cut during it would go unnoted)
                pass
        self.post(write, path)
