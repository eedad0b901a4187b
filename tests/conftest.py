"""Shared fixtures. PortAudio is pointed at ALSA devices that write what they play to WAV files, and at
a microphone that plays a file.

The ALSA configuration must be in place before sounddevice is imported (PortAudio lists the devices
once, at import), so it is written here, at collection time, before any test module imports it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from broadcaster.station import Station

ROOT = Path(__file__).resolve().parent.parent
CAPTURE_DIR = Path(tempfile.mkdtemp(prefix="broadcaster-alsa-"))
CAPTURE_DEVICES = ("loa_xa", "xe_loa_1", "cum_loa")
MICROPHONE = "micro_thu"
MICROPHONE_FILE = CAPTURE_DIR / "microphone.f32"


def _alsa_config() -> str:
    def device(name: str) -> str:
        return (f'pcm.{name} {{ type plug; slave {{ pcm {{ type file; slave.pcm "null"; format "wav"; '
                f'file "{(CAPTURE_DIR / name).as_posix()}.wav" }}; format S16_LE }} '
                f'hint {{ show on; description "capture {name}" }} }}\n')
    # A microphone that "hears" the raw float32 samples of a file. ALSA's file plugin reads its infile
    # when a buffer is mapped (mmap_begin, which PortAudio uses), for all the frames mapped, committed
    # or not; under a plug plugin the sound came out scrambled. So no plug: the file is in the format
    # PortAudio asks for (float32, at the stream's rate). Without its infile the device cannot record
    # at all, so an empty one exists before PortAudio lists the devices.
    microphone = (f'pcm.{MICROPHONE} {{ type file; slave.pcm "null"; format "raw"; '
                  f'file "{(CAPTURE_DIR / "microphone-heard.raw").as_posix()}"; infile "{MICROPHONE_FILE.as_posix()}" '
                  f'hint {{ show on; description "microphone {MICROPHONE}" }} }}\n')
    return ("".join(device(n) for n in ("default_capture", *CAPTURE_DEVICES)) + microphone
            + 'pcm.!default "default_capture"\n')


_conf = CAPTURE_DIR / "asound.conf"
_conf.write_text(_alsa_config())
MICROPHONE_FILE.write_bytes(b"")
os.environ["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{_conf}"


def captured(name: str) -> Path:
    """The WAV file that the ALSA device ``name`` writes ('default_capture' for the default)."""
    return CAPTURE_DIR / f"{name}.wav"


def microphone_hears(samples: np.ndarray, rate: int = 44100) -> None:
    """What the microphone device records next (mono float32 at the stream's rate), then a minute of
    silence: past the end of its file the device would repeat stale sound from its buffer."""
    silence = np.zeros(60 * rate, dtype="<f4")
    np.concatenate([np.asarray(samples, dtype="<f4"), silence]).tofile(MICROPHONE_FILE)


@pytest.fixture
def clean_captures():
    """Remove earlier captures, so a test reads only what it played."""
    for path in CAPTURE_DIR.glob("*.wav"):
        path.unlink()
    yield


@pytest.fixture
def station_dir(tmp_path: Path) -> Path:
    """A copy of the sample station (texts, schedules, configuration), without data."""
    target = tmp_path / "station"
    target.mkdir()
    for name in ("scripts_text", "schedules", "audio"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name)
    # The sample station speaks Vietnamese; the tests read the messages in English, the catalogue's keys (a
    # test of the Vietnamese output says 'language: vi' itself).
    config = (ROOT / "station.yaml").read_text(encoding="utf-8")
    (target / "station.yaml").write_text(re.sub(r"(?m)^language:.*\n", "", config), encoding="utf-8")
    Station(target).station_key  # made, as 'init' does
    return target


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Peak normalised cross-correlation of two signals, whatever their offset."""
    from scipy.signal import correlate

    a = a - a.mean()
    b = b - b.mean()
    corr = correlate(a, b, mode="full", method="fft")
    return float(np.max(np.abs(corr)) / (np.linalg.norm(a) * np.linalg.norm(b)))


def trim_silence(x: np.ndarray, threshold: float = 1e-4) -> np.ndarray:
    """``x`` without leading and trailing near-zero samples (PortAudio primes streams with zeros)."""
    loud = np.flatnonzero(np.abs(x) > threshold)
    return x[loud[0]: loud[-1] + 1] if len(loud) else x[:0]
