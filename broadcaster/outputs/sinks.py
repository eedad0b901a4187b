"""Audio sinks: a sound device through PortAudio (sounddevice), or a WAV file. Both are streams:
opened, written block by block, closed; the playout channel decides what to write and when."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np
import soundfile

from broadcaster.errors import DeviceError
from broadcaster.messages import t

DEVICE_BUFFER_S = 0.1  # a sound device's buffer: what the playout channel keeps written ahead of the clock


class Sink(Protocol):
    """Somewhere audio is heard. ``writes_silence`` says whether idle time should be written as silence;
    ``paced`` whether writes are held to real time (every output a person hears, or records, is)."""

    writes_silence: bool
    paced: bool

    def describe(self) -> str:
        """A short human description, e.g. 'sound device "loa_xa"'."""

    def probe(self) -> None:
        """Check, without a sound, that the sink could be opened now; DeviceError if not."""

    def open(self, rate: int) -> None:
        """Get ready to play mono float32 audio at ``rate``; DeviceError when the device is not there."""

    def write(self, block: np.ndarray) -> None:
        """Play a block (blocks while the device's buffer is full); DeviceError on failure."""

    def held_s(self) -> float | None:
        """How long until the next block written is heard, by the device's own account; None when it
        cannot tell."""

    def close(self) -> None:
        """Let what was written play out, and release the device or file."""


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
    index = match_device(name, devices)
    if index is not None:
        return index
    names = ", ".join(d["name"] for d in devices) or t("none")
    raise DeviceError(t("sound device '{name}' not found; devices that can play: {names}", name=name, names=names))


def match_device(name: str, devices: list[dict]) -> int | None:
    """The index of the device called ``name`` among ``devices``: exactly, else by a part of one name only."""
    exact = [d["index"] for d in devices if d["name"] == name]
    partial = [d["index"] for d in devices if name.casefold() in d["name"].casefold()]
    return (exact or partial)[0] if exact or len(partial) == 1 else None


def check_device(name: str | None, channels: int = 1) -> int:
    """The index of the device called ``name``, if it has at least ``channels`` output channels."""
    index = find_device(name)
    have = portaudio().query_devices(index)["max_output_channels"]
    if have < channels:
        raise DeviceError(t("sound device '{name}' has {have} output channels; channel {n} is asked for",
                            name=name or "default", have=have, n=channels))
    return index


def probe_device(name: str | None, channels: int = 1) -> int:
    """Check that the device called ``name`` is listed and opens, without a sound: a stream is opened and
    closed again, never started. Its index; DeviceError when it is missing or will not open."""
    sd = portaudio()
    index = check_device(name, channels)
    try:
        sd.OutputStream(device=index, channels=channels, dtype="float32").close()
    except sd.PortAudioError as exc:
        raise DeviceError(t("{device} cannot be opened: {reason}", device=t("sound device '{name}'",
                                                                              name=name or "default"),
                            reason=exc)) from None
    return index


def stream_held_s(stream, rate: int) -> float | None:
    """How long a PortAudio output stream holds before the next frame written is heard: its output latency
    less the room in its buffer; None when it cannot say."""
    try:
        return max(0.0, stream.latency - stream.write_available / rate)
    except Exception:  # noqa: BLE001  a stream closed or failing: the count of frames goes on alone
        return None


class SoundDeviceSink:
    """A sound device chosen by name, played through one PortAudio stream kept open while in use."""

    writes_silence = True
    paced = True

    def __init__(self, device: str | None = None):
        self.device = device
        self._stream = None
        self._rate = 0

    def describe(self) -> str:
        """The device's name."""
        return t("sound device '{name}'", name=self.device or "default")

    def open(self, rate: int) -> None:
        """Open and start an output stream on the device."""
        sd = portaudio()
        index = find_device(self.device)
        try:
            # A large device buffer rides out a busy computer without running dry (PortAudio's "high" is
            # some 35 ms through PulseAudio, less than a busy processor may keep a thread waiting); starts
            # stay on the sample because the channel counts what it wrote, whatever the buffer's size.
            self._stream = sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=index,
                                           latency=DEVICE_BUFFER_S)
            self._stream.start()
            self._rate = rate
        except sd.PortAudioError as exc:
            self._stream = None
            raise DeviceError(t("{device} cannot be opened: {reason}", device=self.describe(), reason=exc)) from None

    def write(self, block: np.ndarray) -> None:
        """A blocking write to the stream."""
        sd = portaudio()
        if self._stream is None:
            raise DeviceError(t("{device} is not open", device=self.describe()))
        try:
            self._stream.write(np.ascontiguousarray(block, dtype=np.float32).reshape(-1, 1))
        except sd.PortAudioError as exc:
            raise DeviceError(t("{device} failed: {reason}", device=self.describe(), reason=exc)) from None

    def probe(self) -> None:
        """Check, without a sound, that the device is still there and opens; DeviceError if not."""
        probe_device(self.device)

    def held_s(self) -> float | None:
        """The stream's output latency less the room in its buffer."""
        return stream_held_s(self._stream, self._rate)

    def close(self) -> None:
        """Drain the stream (stop waits for the buffer to play out), then close it."""
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception:  # noqa: BLE001  a device gone away cannot be closed more cleanly than this
                pass


class WavFileSink:
    """Everything played is appended to one WAV file, for outputs without a sound card. Idle time is
    not written, so the file holds the items back to back; it is closed (its header made right)
    whenever the channel falls idle."""

    writes_silence = False
    paced = True

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file: soundfile.SoundFile | None = None
        self._started = False  # a sink starts a new file, then appends to it

    def describe(self) -> str:
        """The file's path."""
        return t("WAV file {path}", path=self.path)

    def open(self, rate: int) -> None:
        """Create the file, or reopen it to append."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._started and self.path.exists():
                self._file = soundfile.SoundFile(self.path, "r+")
                if self._file.samplerate != rate:
                    raise DeviceError(t("{sink} is at {have} Hz, this audio at {got} Hz", sink=self.describe(),
                                        have=self._file.samplerate, got=rate))
                self._file.seek(0, soundfile.SEEK_END)
            else:
                self._file = soundfile.SoundFile(self.path, "w", samplerate=rate, channels=1, subtype="PCM_16")
                self._started = True
        except (OSError, RuntimeError, soundfile.SoundFileError) as exc:
            raise DeviceError(t("{sink} cannot be written: {reason}", sink=self.describe(), reason=exc)) from None

    def write(self, block: np.ndarray) -> None:
        """Append the block."""
        if self._file is None:
            raise DeviceError(t("{device} is not open", device=self.describe()))
        try:
            self._file.write(block)
        except (OSError, RuntimeError, soundfile.SoundFileError) as exc:
            raise DeviceError(t("{sink} cannot be written: {reason}", sink=self.describe(), reason=exc)) from None

    def probe(self) -> None:
        """A file is not probed: it is created when the first item plays."""

    def held_s(self) -> None:
        """A file has no clock."""
        return None

    def close(self) -> None:
        """Close the file, which writes its final length into the header."""
        file, self._file = self._file, None
        if file is not None:
            file.close()
