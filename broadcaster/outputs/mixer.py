"""Outputs on channels of one sound device (a loudspeaker cluster on each channel of a multichannel
card): one PortAudio stream per device, shared by those outputs. Each output writes its own mono audio as
if it had a device to itself; the mixer lays every output's audio on its channels, sample-aligned, and
fills what nobody plays with silence."""

from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np

from broadcaster.errors import DeviceError
from broadcaster.outputs.boost import raise_this_thread
from broadcaster.messages import t
from broadcaster.outputs.sinks import check_device, portaudio, probe_device, stream_held_s
from broadcaster.outputs.timeline import Timeline

BLOCK_S = 0.01   # the shared stream is written in 10 ms blocks
LEAD_S = 0.2     # never more than this written ahead of real time
DELAY_S = 0.25   # an output's audio is heard this long after it is written: longer than the lead, so an
                 # output that keeps the usual quarter second ahead never runs dry; the same for every
                 # output of the device, so their starts keep their planned distance to the sample


class _Part:
    """One output's audio waiting to be mixed: the stream frame its first queued sample lands on."""

    def __init__(self, channels: tuple[int, ...]):
        self.columns = [c - 1 for c in channels]
        self.at: int | None = None
        self.blocks: deque[np.ndarray] = deque()
        self.failed = ""


class DeviceMixer:
    """The one stream of a device that several outputs play on, ``width`` channels wide; opened when the
    first output needs it, closed when the last one is done."""

    def __init__(self, device: str | None, width: int):
        self.device = device
        self.width = width
        self._life = threading.Lock()      # opening and closing the stream, one at a time
        self._cv = threading.Condition()   # the parts and the stream's frame count
        self._parts: dict[int, _Part] = {}
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._rate = 0
        self._time = Timeline(1)           # when the next frame mixed is heard
        self._frames = 0                   # frames mixed so far

    def describe(self) -> str:
        """The device's name."""
        return t("sound device '{name}'", name=self.device or "default")

    def attach(self, key: int, channels: tuple[int, ...], rate: int) -> None:
        """Make room for an output on ``channels``; opens the stream if it is not running."""
        with self._life:
            if self._thread is None:
                self._open(rate)
            elif rate != self._rate:
                raise DeviceError(t("{device} plays at {have} Hz, this output at {got} Hz", device=self.describe(),
                                    have=self._rate, got=rate))
            with self._cv:
                self._parts[key] = _Part(channels)

    def probe(self) -> None:
        """Check, without a sound, that the device is there and opens; a stream already running is proof
        enough (a second one could find the device busy). DeviceError if not."""
        with self._life:
            if self._thread is None:
                probe_device(self.device, self.width)

    def put(self, key: int, block: np.ndarray) -> None:
        """Queue an output's mono block, just after what it wrote before (or, when it ran dry or is new,
        DELAY_S after now)."""
        with self._cv:
            part = self._parts.get(key)
            if part is None or part.failed:
                raise DeviceError(part.failed if part else t("{device} is not open", device=self.describe()))
            if part.at is None or (not part.blocks and part.at < self._frames):
                part.at = self._frames + max(0, round((time.monotonic() + DELAY_S - self._heard(self._frames))
                                                      * self._rate))
            part.blocks.append(np.asarray(block, dtype=np.float32).reshape(-1))

    def detach(self, key: int) -> None:
        """Let an output's queued audio be mixed, then drop it; the last one out closes the stream."""
        with self._cv:
            part = self._parts.get(key)
            if part is not None and not part.failed:
                deadline = time.monotonic() + DELAY_S + LEAD_S + 1.0 + sum(map(len, part.blocks)) / self._rate
                while part.blocks and not part.failed and time.monotonic() < deadline:
                    self._cv.wait(0.05)
        with self._life:
            with self._cv:
                self._parts.pop(key, None)
                thread = self._thread
                if thread is None or any(not part.failed for part in self._parts.values()):
                    return
                self._stopping, self._thread = True, None
                self._cv.notify_all()
            thread.join()

    # -- the stream ---------------------------------------------------------------------------------

    def _heard(self, frame: int) -> float:
        """When the stream's ``frame`` is heard (monotonic)."""
        return self._time.next_heard() + (frame - self._frames) / self._rate

    def held_s(self, key: int) -> float | None:
        """How long until an output's next frame written is heard."""
        with self._cv:
            part = self._parts.get(key)
            if part is None or part.at is None:
                return None
            end = part.at + sum(len(block) for block in part.blocks)
            return max(0.0, self._heard(end) - time.monotonic())

    def _open(self, rate: int) -> None:
        sd = portaudio()
        index = check_device(self.device, self.width)
        try:
            stream = sd.OutputStream(samplerate=rate, channels=self.width, dtype="float32", device=index,
                                     latency="high")
            stream.start()
        except sd.PortAudioError as exc:
            raise DeviceError(t("{device} cannot be opened: {reason}", device=self.describe(), reason=exc)) from None
        self._rate, self._time, self._frames, self._stopping = rate, Timeline(rate), 0, False
        self._thread = threading.Thread(target=self._pump, args=(stream,), name=f"mixer-{self.device}", daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:
        raise_this_thread()
        sd = portaudio()
        frames = int(BLOCK_S * self._rate)
        try:
            while True:
                with self._cv:
                    if self._stopping:
                        break
                    ahead = self._time.next_heard() - time.monotonic()  # late (a busy computer): heard later
                    if ahead > LEAD_S:
                        self._cv.wait(ahead - LEAD_S / 2)
                        continue
                    block = self._mix(frames)
                try:
                    stream.write(block)
                except sd.PortAudioError as exc:
                    self._fail(t("{device} failed: {reason}", device=self.describe(), reason=exc))
                    break
                with self._cv:
                    self._time.device_says(stream_held_s(stream, self._rate))
        finally:
            try:
                stream.stop()
                stream.close()
            except Exception:  # noqa: BLE001  a device gone away cannot be closed more cleanly than this
                pass

    def _mix(self, n: int) -> np.ndarray:
        """The next ``n`` frames of every channel (under the lock)."""
        out = np.zeros((n, self.width), dtype=np.float32)
        first = self._frames
        for part in self._parts.values():
            while part.blocks and not part.failed and part.at < first + n:
                block = part.blocks[0]
                skip = max(0, first - part.at)       # never happens while the output keeps ahead
                start = part.at + skip - first
                take = min(len(block) - skip, n - start)
                out[start:start + take, part.columns] = block[skip:skip + take, None]
                part.at += skip + take
                if skip + take == len(block):
                    part.blocks.popleft()
                else:
                    part.blocks[0] = block[skip + take:]
        self._frames += n
        self._time.wrote(n)
        self._cv.notify_all()
        return out

    def _fail(self, reason: str) -> None:
        """The device failed: every output on it hears so at its next write; the stream is gone."""
        with self._cv:
            for part in self._parts.values():
                part.failed = reason
            self._stopping = True
            self._thread = None
            self._cv.notify_all()


class MixerSink:
    """An output wired to some channels of a device that other outputs share."""

    writes_silence = True
    paced = True

    def __init__(self, mixer: DeviceMixer, channels: tuple[int, ...]):
        self.mixer = mixer
        self.channels = channels
        self._open = False

    def describe(self) -> str:
        """The device's name and the output's channels."""
        return t("{device} channel {channels}", device=self.mixer.describe(),
                 channels=", ".join(map(str, self.channels)))

    def open(self, rate: int) -> None:
        """Take the output's channels of the device's shared stream."""
        self.mixer.attach(id(self), self.channels, rate)
        self._open = True

    def probe(self) -> None:
        """Check the shared device, without a sound; DeviceError if it is gone."""
        self.mixer.probe()

    def write(self, block: np.ndarray) -> None:
        """Queue a block on the output's channels."""
        self.mixer.put(id(self), block)

    def held_s(self) -> float | None:
        """How long until the output's next block written is heard, by the shared stream's account."""
        return self.mixer.held_s(id(self))

    def close(self) -> None:
        """Let what was written play out, and give the channels back."""
        if self._open:
            self._open = False
            self.mixer.detach(id(self))


def mixers_for(uses: list[tuple[str | None, tuple[int, ...]]]) -> dict[str | None, DeviceMixer]:
    """A mixer for every device that outputs use by channel (device, channels), as wide as its highest
    channel."""
    widths: dict[str | None, int] = {}
    for device, channels in uses:
        if channels:
            widths[device] = max(widths.get(device, 0), *channels)
    return {device: DeviceMixer(device, width) for device, width in widths.items()}
