"""The microphone: a sound device that records, read through PortAudio (sounddevice) block by block."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from broadcaster.errors import DeviceError
from broadcaster.messages import t
from broadcaster.outputs.sinks import match_device, portaudio

BLOCK_S = 0.1  # read a tenth of a second at a time: the level meter moves ten times a second
FULL_SCALE = 0.999  # a sample this loud hit the top of the converter's range: the sound clipped


@dataclass(frozen=True)
class Level:
    """How a recording goes: seconds recorded so far, and the last block's peak (dBFS) and clipped samples."""

    elapsed_s: float
    peak_dbfs: float
    clipped: int


def input_devices() -> list[dict]:
    """Every sound device that can record, as sounddevice describes it (name, index, channels, rate)."""
    return [dict(d) for d in portaudio().query_devices() if d["max_input_channels"] > 0]


def find_input_device(name: str | None) -> int:
    """The index of the recording device called ``name`` (exact, else a unique part), or the default one."""
    sd = portaudio()
    if name is None:
        index = sd.default.device[0]
        if index is None or index < 0:
            raise DeviceError(t("there is no microphone on this computer (no default recording device)"))
        return index
    devices = input_devices()
    index = match_device(name, devices)
    if index is not None:
        return index
    names = ", ".join(d["name"] for d in devices) or t("none")
    raise DeviceError(t("recording device '{name}' not found; devices that can record: {names}", name=name,
                        names=names))


class Microphone:
    """A recording device chosen by name (or the default one)."""

    def __init__(self, device: str | None = None):
        self.device = device

    def describe(self) -> str:
        """The device's name."""
        return t("recording device '{name}'", name=self.device or "default")

    def record(self, rate: int, stop: threading.Event, max_s: float,
               on_level: Callable[[Level], None] = lambda level: None,
               on_start: Callable[[], None] = lambda: None) -> np.ndarray:
        """Mono float32 samples at ``rate`` until ``stop`` is set or ``max_s`` seconds are recorded;
        ``on_start`` is called once the device records, ``on_level`` with every block as it comes."""
        sd = portaudio()
        index = find_input_device(self.device)
        block = max(1, int(BLOCK_S * rate))
        limit = int(max_s * rate)
        blocks: list[np.ndarray] = []
        frames = 0
        try:
            with sd.InputStream(samplerate=rate, channels=1, dtype="float32", device=index) as stream:
                on_start()
                while frames < limit and not stop.is_set():
                    # Overflows are not errors here: a block lost while the computer was busy is heard
                    # (or not) in the take; the officer listens to it before it is approved.
                    data, _ = stream.read(min(block, limit - frames))
                    samples = data[:, 0].copy()
                    blocks.append(samples)
                    frames += len(samples)
                    peak = float(np.abs(samples).max()) if len(samples) else 0.0
                    on_level(Level(frames / rate, 20 * np.log10(peak) if peak > 0 else float("-inf"),
                                   int(np.count_nonzero(np.abs(samples) >= FULL_SCALE))))
        except sd.PortAudioError as exc:
            raise DeviceError(t("{device} cannot record: {reason}", device=self.describe(), reason=exc)) from None
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
