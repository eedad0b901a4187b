"""Shared fixtures. PortAudio is pointed at ALSA devices that write what they play to WAV files.

The ALSA configuration must be in place before sounddevice is imported (PortAudio lists the devices
once, at import), so it is written here, at collection time, before any test module imports it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
CAPTURE_DIR = Path(tempfile.mkdtemp(prefix="broadcaster-alsa-"))
CAPTURE_DEVICES = ("loa_xa", "xe_loa_1")


def _alsa_config() -> str:
    def device(name: str) -> str:
        return (f'pcm.{name} {{ type plug; slave {{ pcm {{ type file; slave.pcm "null"; format "wav"; '
                f'file "{(CAPTURE_DIR / name).as_posix()}.wav" }}; format S16_LE }} '
                f'hint {{ show on; description "capture {name}" }} }}\n')
    return "".join(device(n) for n in ("default_capture", *CAPTURE_DEVICES)) + 'pcm.!default "default_capture"\n'


_conf = CAPTURE_DIR / "asound.conf"
_conf.write_text(_alsa_config())
os.environ["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{_conf}"


def captured(name: str) -> Path:
    """The WAV file that the ALSA device ``name`` writes ('default_capture' for the default)."""
    return CAPTURE_DIR / f"{name}.wav"


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
    shutil.copy2(ROOT / "station.yaml", target / "station.yaml")
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
