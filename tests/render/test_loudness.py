"""Loudness normalisation: integrated loudness on target, true peak under the ceiling."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from broadcaster.audiofile import read_wav
from broadcaster.config import Profile
from broadcaster.render.loudness import integrated_lufs, normalise, true_peak_dbtp
from tests.helpers import approved_station

RATE = 44100


def _independent_true_peak(x: np.ndarray) -> float:
    """True peak by 8x oversampling with scipy's own filter: a check that shares no code with ours."""
    return 20 * np.log10(np.abs(resample_poly(x.astype(np.float64), 8, 1)).max())


def _speechlike(seconds: float, level: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    syllables = (np.sin(2 * np.pi * 3.5 * t) > 0).astype(float)
    voice = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((180, 360, 720, 1440), 1))
    return (level * syllables * (voice + 0.2 * rng.standard_normal(len(t)))).astype(np.float32)


@pytest.mark.parametrize("name,signal", [
    ("quiet", _speechlike(8, 0.01)),
    ("loud", _speechlike(8, 0.9)),
    ("clipped", np.clip(_speechlike(8, 3.0), -1, 1)),
    ("dc offset", _speechlike(8, 0.2) + 0.3),
    ("tone", (0.5 * np.sin(2 * np.pi * 997 * np.arange(5 * RATE) / RATE)).astype(np.float32)),
])
def test_normalise_hits_target_under_ceiling(name, signal):
    out = normalise(signal, RATE, -16.0, -1.0)
    assert abs(integrated_lufs(out, RATE) - -16.0) <= 0.5
    assert true_peak_dbtp(out) < -1.0
    assert _independent_true_peak(out) < -1.0 + 0.1


def test_our_loudness_is_pyloudnorm_bs1770():
    x = _speechlike(6, 0.2)
    assert integrated_lufs(x, RATE) == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(x.astype(float)))


def test_true_peak_sees_intersample_peaks():
    # A sine at fs/4 sampled 45 degrees off its crest: samples at 0.707, true peak 1.0 (0 dBTP).
    n = np.arange(4000)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(x) == pytest.approx(0.0, abs=0.3)


def test_silence_is_left_alone():
    assert not np.any(normalise(np.zeros(RATE * 2, dtype=np.float32), RATE, -16, -1))


def test_rendered_asset_is_at_broadcast_loudness(station_dir):
    station = approved_station(station_dir, ("khau-hieu-5k",))
    asset = station.asset(station.library.get("khau-hieu-5k").announcement.variants[0])
    samples, rate = read_wav(asset.path)
    profile = Profile()
    assert rate == profile.sample_rate
    assert abs(integrated_lufs(samples, rate) - profile.target_lufs) <= 0.5
    assert _independent_true_peak(samples) < profile.true_peak_dbtp
    assert asset.duration_s == pytest.approx(len(samples) / rate, abs=0.001)
