"""Filters for horn loudspeakers, in vectorised numpy and scipy: the speech band (a high-pass that also
removes any DC offset, an optional gentle low-pass), a compressor for noisy outdoor listening, and the
trimming and padding of silence. An hour of audio takes seconds, where a loop over samples in Python
(pydub's compress_dynamic_range) takes minutes."""

from __future__ import annotations

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d
from scipy.signal import butter, sosfilt_zi

from broadcaster.render.passes import each_chunk, filter_pass

HIGHPASS_ORDER = 4  # 24 dB an octave: rumble, hum and handling noise that horns cannot play are gone
LOWPASS_ORDER = 2   # 12 dB an octave: a gentle roll-off of hiss
DETECTOR_S = 0.01   # the compressor hears the level over 10 ms
ATTACK_S = 0.005    # and turns down over 5 ms, ahead of the sound that needs it
RELEASE_DB_PER_S = 40.0  # then lets go at 40 dB a second
FRAME_S = 0.01      # silence is judged in 10 ms frames: a frame is silence when it is
SILENCE_BELOW_PEAK_DB = 40.0  # 40 dB under the loudest frame,
ABOVE_NOISE_DB = 10.0         # or within 10 dB of the background noise (the quietest tenth of the frames),
SILENCE_DBFS = -70.0          # or under -70 dBFS;
SOUND_BELOW_PEAK_DB = 20.0    # but never when it is within 20 dB of the loudest frame
NOISE_PERCENTILE = 10
TRIM_MARGIN_S = 0.15  # kept before the first and after the last sound: soft onsets and endings
_RELEASE_CHUNK = 1 << 20


def band_sections(rate: int, highpass_hz: float, lowpass_hz: float) -> np.ndarray:
    """The speech band as one cascade of second-order sections (float32): the high-pass, then the
    low-pass; either may be off (0)."""
    sections = [np.zeros((0, 6))]
    if highpass_hz:
        sections.append(butter(HIGHPASS_ORDER, highpass_hz, "highpass", fs=rate, output="sos"))
    if lowpass_hz:
        sections.append(butter(LOWPASS_ORDER, lowpass_hz, "lowpass", fs=rate, output="sos"))
    return np.concatenate(sections).astype(np.float32)


def band(samples: np.ndarray, sos: np.ndarray, rate: int, out: np.ndarray | None = None
         ) -> tuple[np.ndarray, tuple[int, int]]:
    """``samples`` filtered by ``sos`` (into ``out``, which may be ``samples`` itself), and the bounds of
    the sound in the result (see sound_bounds), gathered on the way: one pass over the audio."""
    x = np.asarray(samples, dtype=np.float32)
    y = np.empty_like(x) if out is None else out
    frame = max(1, int(FRAME_S * rate))
    sums, squares = np.zeros(len(x) // frame), np.zeros(len(x) // frame)

    def measure(a: int, b: int, piece: np.ndarray) -> None:
        count = min(b // frame, len(sums)) - a // frame
        _frame_sums(piece[: count * frame], frame, sums[a // frame: a // frame + count],
                    squares[a // frame: a // frame + count])

    if len(x) and len(sos):
        # Started as if the first sample had always been there: a DC offset leaves no thump at the start.
        filter_pass(sos, x, frame, zi=sosfilt_zi(sos).astype(np.float32) * x[0], out=y, visit=measure)
    else:
        if y is not x:
            y[:] = x
        each_chunk(len(x), frame, lambda a, b: measure(a, b, x[a:b]))
    return y, _sound_in(sums, squares, frame, len(x), rate)


def highpass(samples: np.ndarray, rate: int, hz: float) -> np.ndarray:
    """Butterworth high-pass at ``hz`` (4th order); removes DC offset too."""
    return band(samples, band_sections(rate, hz, 0), rate)[0]


def lowpass(samples: np.ndarray, rate: int, hz: float) -> np.ndarray:
    """Gentle Butterworth low-pass at ``hz`` (2nd order)."""
    return band(samples, band_sections(rate, 0, hz), rate)[0]


def compression_gain_db(samples: np.ndarray, rate: int, threshold_dbfs: float, ratio: float) -> np.ndarray:
    """The compressor's gain in dB (0 or less) for each sample: above ``threshold_dbfs`` (RMS over 10 ms)
    the level is cut by ``1 - 1/ratio`` of the excess, reached within 5 ms before the sound, released at
    40 dB a second."""
    x = np.asarray(samples, dtype=np.float32)
    n = len(x)
    if n == 0 or ratio <= 1:
        return np.zeros(n, dtype=np.float32)
    power = uniform_filter1d(x * x, size=max(1, int(DETECTOR_S * rate)))
    reduction = 10 * np.log10(np.maximum(power, 1e-12)) - np.float32(threshold_dbfs)
    np.maximum(reduction, 0, out=reduction)
    reduction *= np.float32(1 - 1 / ratio)
    held = _released(reduction, RELEASE_DB_PER_S / rate)
    # Looked ahead over the attack time, then ramped in over it: the gain is down when the sound comes.
    attack = max(1, int(ATTACK_S * rate))
    held = maximum_filter1d(held, size=attack, origin=-(attack // 2))
    return -uniform_filter1d(held, size=attack)


def _released(reduction: np.ndarray, step: float) -> np.ndarray:
    """Each reduction held and then let go by ``step`` dB a sample: held[n] = max over k <= n of
    (reduction[k] - step * (n - k)), which is a running maximum once the slope is added, then taken
    away again. Done a chunk at a time, so that the slope stays small enough for float32."""
    held = np.empty_like(reduction)
    slope = np.arange(_RELEASE_CHUNK, dtype=np.float32) * np.float32(step)
    carry = np.float32(0)
    for start in range(0, len(reduction), _RELEASE_CHUNK):
        piece = reduction[start: start + _RELEASE_CHUNK]
        ramp = slope[: len(piece)]
        run = np.maximum.accumulate(piece + ramp) - ramp
        np.maximum(run, carry - (ramp + np.float32(step)), out=run)  # what the last chunk held, let go since
        held[start: start + len(piece)] = run
        carry = run[-1]
    return held


def compress(samples: np.ndarray, rate: int, threshold_dbfs: float, ratio: float) -> np.ndarray:
    """Dynamic-range compression: loud passages turned down towards the threshold (see compression_gain_db)."""
    gain = compression_gain_db(samples, rate, threshold_dbfs, ratio)
    return (np.asarray(samples, dtype=np.float32) * np.power(np.float32(10), gain / 20)).astype(np.float32)


def _frame_sums(x: np.ndarray, frame: int, sums: np.ndarray, squares: np.ndarray) -> None:
    """The sum and the sum of squares of each whole frame of ``x``, into ``sums`` and ``squares``."""
    frames = x.reshape(-1, frame)
    sums[:] = frames.sum(axis=1, dtype=np.float64)
    squares[:] = np.einsum("ij,ij->i", frames, frames, dtype=np.float64)


def sound_bounds(samples: np.ndarray, rate: int) -> tuple[int, int]:
    """The first and the last sample worth keeping: from 0.15 s before the first 10 ms that is not
    silence to 0.15 s after the last; (0, 0) when it is all silence. A DC offset is not sound, nor is
    the hiss of a microphone."""
    x = np.asarray(samples, dtype=np.float32)
    frame = max(1, int(FRAME_S * rate))
    count = len(x) // frame
    sums, squares = np.zeros(count), np.zeros(count)
    _frame_sums(x[: count * frame], frame, sums, squares)
    return _sound_in(sums, squares, frame, len(x), rate)


def _sound_in(sums: np.ndarray, squares: np.ndarray, frame: int, length: int, rate: int) -> tuple[int, int]:
    """sound_bounds from the sums and the sums of squares of the frames."""
    count = len(sums)
    if count == 0:
        return 0, 0
    mean = sums.sum() / (count * frame)
    # Power about the mean, without a copy of the signal: sum (x - m)^2 = sum x^2 - 2 m sum x + n m^2.
    power = np.maximum(squares - 2 * mean * sums + frame * mean * mean, 0) / frame
    if not power.max() > 0:
        return 0, 0
    level = 10 * np.log10(np.maximum(power, 1e-20))  # digital silence reads -200 dBFS
    peak = float(level.max())
    noise = float(np.percentile(level, NOISE_PERCENTILE))
    threshold = min(max(peak - SILENCE_BELOW_PEAK_DB, noise + ABOVE_NOISE_DB, SILENCE_DBFS),
                    peak - SOUND_BELOW_PEAK_DB)
    sound = np.flatnonzero(level > threshold)
    if len(sound) == 0:
        return 0, 0
    margin = int(TRIM_MARGIN_S * rate)
    return max(0, int(sound[0]) * frame - margin), min(length, (int(sound[-1]) + 1) * frame + margin)


def pad(samples: np.ndarray, rate: int, seconds: float) -> np.ndarray:
    """``samples`` with ``seconds`` of silence before and after."""
    silence = np.zeros(int(round(seconds * rate)), dtype=np.float32)
    return np.concatenate([silence, np.asarray(samples, dtype=np.float32), silence])
