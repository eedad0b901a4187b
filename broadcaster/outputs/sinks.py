"""Audio sinks: a sound device through PortAudio (sounddevice), or a WAV file."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile

from broadcaster.errors import DeviceError
from broadcaster.messages import t

BLOCK_FRAMES = 4096


class Sink(Protocol):
    """Somewhere audio is played. ``play`` returns when the audio has been handed over in full."""

    def describe(self) -> str:
        """A short human description, e.g. 'sound device "loa_xa"'."""

    def play(self, samples: np.ndarray, rate: int) -> None:
        """Play mono float32 samples; raise DeviceError on failure."""

    def close(self) -> None:
        """Release the device or file."""


def portaudio():
    """The sounddevice module, or a DeviceError saying how to get PortAudio."""
    try:
        import sounddevice
    except OSError as exc:
        raise DeviceError(t("PortAudio is not available ({reason}); on Debian or Ubuntu: "
                            "apt-get install libportaudio2", reason=exc)) from None
    return sounddevice


def output_devices() -> list[dict]:
    """Every sound device that can play, as sounddevice describes it (name, index, channels, rate)."""
    sd = portaudio()
    return [dict(d) for d in sd.query_devices() if d["max_output_channels"] > 0]


def find_device(name: str | None) -> int:
    """The index of the output device called ``name`` (exact, else a unique part), or the default one."""
    sd = portaudio()
    devices = output_devices()
    if name is None:
        index = sd.default.device[1]
        if index is None or index < 0:
            raise DeviceError(t("there is no default sound device on this computer"))
        return index
    exact = [d["index"] for d in devices if d["name"] == name]
    partial = [d["index"] for d in devices if name.casefold() in d["name"].casefold()]
    if exact or len(partial) == 1:
        return (exact or partial)[0]
    names = ", ".join(d["name"] for d in devices) or t("none")
    raise DeviceError(t("sound device '{name}' not found; devices that can play: {names}", name=name, names=names))


class SoundDeviceSink:
    """A sound device chosen by name; each play is written to a PortAudio stream and drained."""

    def __init__(self, device: str | None = None):
        self.device = device

    def describe(self) -> str:
        """The device's name."""
        return t("sound device '{name}'", name=self.device or "default")

    def play(self, samples: np.ndarray, rate: int) -> None:
        """Blocking writes to an output stream, then wait until it has played out."""
        sd = portaudio()
        index = find_device(self.device)
        try:
            with sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=index) as stream:
                data = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1, 1)
                for start in range(0, len(data), BLOCK_FRAMES):
                    stream.write(data[start:start + BLOCK_FRAMES])
        except sd.PortAudioError as exc:
            raise DeviceError(t("{device} failed: {reason}", device=self.describe(), reason=exc)) from None

    def close(self) -> None:
        """Streams are closed after each play."""


class WavFileSink:
    """Everything played is appended to one WAV file, for outputs without a sound card."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file: soundfile.SoundFile | None = None
        self._lock = threading.Lock()

    def describe(self) -> str:
        """The file's path."""
        return t("WAV file {path}", path=self.path)

    def play(self, samples: np.ndarray, rate: int) -> None:
        """Append the samples and flush, so that the file is readable after every item."""
        with self._lock:
            try:
                if self._file is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._file = soundfile.SoundFile(self.path, "w", samplerate=rate, channels=1, subtype="PCM_16")
                if self._file.samplerate != rate:
                    raise DeviceError(t("{sink} is at {have} Hz, this audio at {got} Hz", sink=self.describe(),
                                        have=self._file.samplerate, got=rate))
                self._file.write(samples)
                self._file.flush()
            except (OSError, RuntimeError, soundfile.SoundFileError) as exc:
                raise DeviceError(t("{sink} cannot be written: {reason}", sink=self.describe(), reason=exc)) from None

    def close(self) -> None:
        """Close the file (its header then carries the final length)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
