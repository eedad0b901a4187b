"""Our loudness and true-peak figures against ffmpeg's ebur128 filter, a reference implementation
nobody here wrote, on the same files: speech, tones and noise, as they come and as we process them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile

from broadcaster.config import Profile
from broadcaster.render.cache import resample
from broadcaster.render.loudness import integrated_lufs, true_peak_dbtp
from broadcaster.render.processing import process
from broadcaster.speech.espeak import EspeakEngine

SPOKEN = ("Thông điệp năm ca của Bộ Y tế: khẩu trang, khử khuẩn, khoảng cách, không tụ tập, khai báo y tế. "
          "Ủy ban nhân dân xã Ea Tu thông báo lịch tiêm vắc xin phòng Cô vít mười chín cho người dân các thôn, buôn.")


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated loudness, true peak) of a file as ffmpeg's ebur128 filter measures them."""
    result = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", "-i", str(path),
                             "-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                            capture_output=True, text=True, check=True)
    summary = result.stderr[result.stderr.rindex("Summary:"):]
    loudness = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary)
    return float(loudness.group(1)), float(peak.group(1))


def _speech(rate: int) -> np.ndarray:
    return resample(EspeakEngine().synthesize(SPOKEN), rate)


def _tone(hz: float, level: float, rate: int, seconds: float = 8.0) -> np.ndarray:
    return (level * np.sin(2 * np.pi * hz * np.arange(int(seconds * rate)) / rate + 0.3)).astype(np.float32)


def _pink(rate: int, seconds: float = 8.0) -> np.ndarray:
    rng = np.random.default_rng(7)
    n = int(seconds * rate)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    x = np.fft.irfft(spectrum, n)
    return (0.3 * x / np.abs(x).max()).astype(np.float32)


SIGNALS = {
    "speech": _speech,
    "tone 1 kHz": lambda rate: _tone(1000, 0.5, rate),
    "tone 60 Hz": lambda rate: _tone(60, 0.7, rate),
    "tone 10 kHz": lambda rate: _tone(10000, 0.3, rate),
    "tones 300 Hz + 3 kHz": lambda rate: (_tone(300, 0.3, rate) + _tone(3000, 0.2, rate)).astype(np.float32),
    "white noise": lambda rate: (0.1 * np.random.default_rng(3).standard_normal(8 * rate)).astype(np.float32),
    "pink noise": _pink,
    "quiet noise": lambda rate: (0.002 * np.random.default_rng(4).standard_normal(8 * rate)).astype(np.float32),
}


@pytest.mark.parametrize("rate", [44100, 48000, 22050])
@pytest.mark.parametrize("name", list(SIGNALS))
def test_our_figures_agree_with_ffmpeg_ebur128(tmp_path, name, rate):
    x = SIGNALS[name](rate)
    path = tmp_path / "do-kiem.wav"
    soundfile.write(path, x, rate, subtype="FLOAT")
    loudness, peak = ebur128(path)
    # ffmpeg prints one decimal; the issue asks for agreement within 0.2 LU.
    assert integrated_lufs(x, rate) == pytest.approx(loudness, abs=0.2)
    # True peak: ffmpeg oversamples to 192 kHz with its own resampler, we by 4 with the BS.1770 filter.
    assert true_peak_dbtp(x) == pytest.approx(peak, abs=0.5)


@pytest.mark.parametrize("name", ["speech", "tones 300 Hz + 3 kHz", "pink noise"])
@pytest.mark.parametrize("profile", [Profile(), Profile(target_lufs=-14, true_peak_dbtp=-2, highpass_hz=250,
                                                        lowpass_hz=6000, compress_ratio=3)], ids=["default", "xe-loa"])
def test_ffmpeg_reads_our_processed_output_at_the_target(tmp_path, name, profile):
    done = process(SIGNALS[name](profile.sample_rate), profile)
    path = tmp_path / "da-xu-ly.wav"
    soundfile.write(path, done.samples, profile.sample_rate, subtype="PCM_16")  # as the render cache writes it
    loudness, peak = ebur128(path)
    assert loudness == pytest.approx(profile.target_lufs, abs=0.2)
    assert done.lufs == pytest.approx(loudness, abs=0.2)
    assert peak <= profile.true_peak_dbtp + 0.1
