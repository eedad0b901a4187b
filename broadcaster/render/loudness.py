"""Loudness per ITU-R BS.1770 (pyloudnorm), true peak by 4x oversampling, and a true-peak limiter."""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, upfirdn

OVERSAMPLE = 4
# BS.1770-4 annex 2 suggests a 48-tap, 4-phase interpolation filter for true-peak metering.
_INTERPOLATOR = (firwin(48, 1.0 / OVERSAMPLE, window=("kaiser", 8.0)) * OVERSAMPLE).astype(np.float32)
LOOKAHEAD_S = 0.005
SILENCE_LUFS = -70.0


def integrated_lufs(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS; -inf for silence or audio shorter than one 400 ms block."""
    if len(samples) < int(0.4 * rate) + 1:
        return float("-inf")
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def peak_envelope(samples: np.ndarray) -> np.ndarray:
    """Per-sample peak of the 4x oversampled signal: the true peak around each sample."""
    up = np.abs(upfirdn(_INTERPOLATOR, samples.astype(np.float32), up=OVERSAMPLE))
    delay = (len(_INTERPOLATOR) - 1) // 2
    up = up[delay: delay + len(samples) * OVERSAMPLE]
    env = np.maximum(np.maximum(up[0::4], up[1::4]), np.maximum(up[2::4], up[3::4]))
    return np.maximum(env, np.abs(samples))


def true_peak_dbtp(samples: np.ndarray) -> float:
    """True peak in dBTP."""
    if len(samples) == 0:
        return float("-inf")
    peak = float(peak_envelope(samples).max())
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def limiter_gain(envelope: np.ndarray, rate: int, ceiling_dbtp: float) -> np.ndarray:
    """Per-sample gain that keeps ``envelope`` under the ceiling, ramped over 5 ms ahead of each peak."""
    ceiling = 10 ** (ceiling_dbtp / 20) * 0.97  # margin for the peaks between oversampled points
    needed = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12)).astype(np.float32)
    if needed.min() >= 1.0:
        return needed
    ramp = max(1, int(LOOKAHEAD_S * rate))
    # A minimum over twice the ramp, then a moving average over the ramp, stays below what is needed.
    gain = uniform_filter1d(minimum_filter1d(needed, size=2 * ramp + 1), size=ramp)
    return np.minimum(gain, needed)


def normalise(samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float) -> np.ndarray:
    """Bring ``samples`` to ``target_lufs`` with true peaks under ``ceiling_dbtp``."""
    samples = samples.astype(np.float32)
    measured = integrated_lufs(samples, rate)
    if not np.isfinite(measured) or measured < SILENCE_LUFS:
        return samples
    envelope = peak_envelope(samples)  # linear: the envelope of g*x is g times this one
    gain_db = target_lufs - measured
    out = samples
    for _ in range(4):  # limiting lowers loudness a little: make it up, then limit again
        gain = 10 ** (gain_db / 20)
        out = samples * (gain * limiter_gain(envelope * gain, rate, ceiling_dbtp))
        error = target_lufs - integrated_lufs(out, rate)
        if abs(error) < 0.1:
            break
        gain_db += error
    return out.astype(np.float32)
