"""Loudness per ITU-R BS.1770-4 (K-weighting, gated 400 ms blocks), true peak by 4x oversampling, and
a look-ahead true-peak limiter, in vectorised numpy and scipy. The tests hold the figures to ffmpeg's
ebur128 filter.

Hour-long audio is the case to be quick for: large temporary arrays are avoided (work goes in
chunks), the oversampled points are worked out only where a peak could reach the level that
matters, and when the limiter changes a few stretches only those are K-weighted again."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, sosfilt

OVERSAMPLE = 4
# BS.1770-4 annex 2 suggests a 48-tap, 4-phase interpolation filter for true-peak metering.
_INTERPOLATOR = (firwin(48, 1.0 / OVERSAMPLE, window=("kaiser", 8.0)) * OVERSAMPLE).astype(np.float32)
_REACH = 6  # the oversampled points of a sample depend on the samples up to 6 before and after it
LOOKAHEAD_S = 0.005
SILENCE_LUFS = -70.0
SEGMENT_S = 0.1  # a 400 ms gating block starts every 100 ms: each block is four 100 ms segments
BLOCK_SEGMENTS = 4
RELATIVE_GATE_LU = -10.0
CEILING_MARGIN = 0.97  # the limiter aims this much under the ceiling, for peaks between oversampled points
TOLERANCE_LU = 0.05
_K_TAIL_S = 0.05  # the K-weighting's response to a sample falls below 1e-6 of it within 50 ms
_PEAK_BLOCK = 64  # samples per block when looking for where the true peaks can be
_CHUNK_BLOCKS = 4096  # blocks worked on at once: 1 MB of samples


def _interpolation_matrix() -> np.ndarray:
    """Taps that give the 4 oversampled points of each sample from the 13 samples around it: the points
    of ``upfirdn(_INTERPOLATOR, x, up=4)`` once its delay of 23 points is taken off."""
    h = _INTERPOLATOR.astype(np.float64)
    matrix = np.zeros((2 * _REACH + 1, OVERSAMPLE))
    for phase, (first_tap, shift) in enumerate(((3, 5), (0, 6), (1, 6), (2, 6))):
        for j in range(len(h) // OVERSAMPLE):
            matrix[shift - j + _REACH, phase] = h[first_tap + OVERSAMPLE * j]
    return matrix.astype(np.float32)


def _bound_gains(matrix: np.ndarray) -> tuple[float, float]:
    """(line, bend): no oversampled point of a sample exceeds ``line`` times the largest of the samples
    before, at and after it, plus ``bend`` times the largest second difference within 6 samples of it.
    Each phase is the straight line between two samples plus a sum of second differences, whose
    weights are the phase's taps less the line, summed twice."""
    line = bend = 0.0
    offsets = np.arange(-_REACH, _REACH + 1)
    for taps in matrix.astype(np.float64).T:
        gain = taps.sum()
        at = (offsets * taps).sum() / gain
        before = int(np.floor(at))
        straight = np.zeros_like(taps)
        straight[before + _REACH] = gain * (before + 1 - at)
        straight[before + _REACH + 1] = gain * (at - before)
        line = max(line, gain)
        bend = max(bend, float(np.abs(np.cumsum(np.cumsum(taps - straight))).sum()))
    return line * (1 + 1e-5), bend * (1 + 1e-5)  # a hair over, for the rounding of float32 sums


_MATRIX = _interpolation_matrix()
_LINE, _BEND = _bound_gains(_MATRIX)


def k_weighting(rate: int) -> np.ndarray:
    """BS.1770's K-weighting (a high shelf, then the RLB high-pass) at ``rate``, as second-order sections:
    the analogue design that libebur128 and ffmpeg's ebur128 use, right at every sample rate."""
    k = math.tan(math.pi * 1681.974450955533 / rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
             1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    k = math.tan(math.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return np.array([shelf, highpass])


def gated_loudness(energy: np.ndarray, segment: int) -> float:
    """Integrated loudness from the K-weighted energies of consecutive segments of ``segment`` samples:
    blocks of four segments, an absolute gate at -70 LUFS, then a relative gate 10 LU down."""
    if len(energy) < BLOCK_SEGMENTS:
        return float("-inf")
    z = np.maximum(np.convolve(energy, np.ones(BLOCK_SEGMENTS), mode="valid"), 0.0) / (BLOCK_SEGMENTS * segment)
    with np.errstate(divide="ignore"):
        level = -0.691 + 10 * np.log10(z)
        z, level = z[level > SILENCE_LUFS], level[level > SILENCE_LUFS]
        if len(z) == 0:
            return float("-inf")
        kept = z[level > -0.691 + 10 * np.log10(z.mean()) + RELATIVE_GATE_LU]
        return float(-0.691 + 10 * np.log10(kept.mean()))


@dataclass(frozen=True)
class Limiting:
    """What a limiter does: over each sample range from ``start`` to ``stop``, a gain below 1 (the
    ranges' gains laid end to end in ``gain``); elsewhere nothing."""

    start: np.ndarray
    stop: np.ndarray
    gain: np.ndarray

    def ranges(self) -> Iterator[tuple[int, int, np.ndarray]]:
        """(start, stop, the gain over it) of each range."""
        at = 0
        for a, b in zip(self.start.tolist(), self.stop.tolist()):
            yield a, b, self.gain[at: at + b - a]
            at += b - a

    def apply(self, samples: np.ndarray) -> None:
        """Turn ``samples`` down where the limiter does, in place."""
        for a, b, gain in self.ranges():
            samples[a:b] *= gain


NO_LIMITING = Limiting(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))


class LoudnessMeter:
    """The integrated loudness of a signal, turned up or down and limited: K-weighting is linear, so only
    the stretches that a limiter changes are weighted again."""

    def __init__(self, samples: np.ndarray, rate: int):
        self.samples = np.asarray(samples, dtype=np.float32)
        self.segment = int(round(SEGMENT_S * rate))
        self.sos = k_weighting(rate).astype(np.float32)
        self.tail = int(_K_TAIL_S * rate)
        self.weighted = sosfilt(self.sos, self.samples)
        count = len(self.samples) // self.segment
        whole = self.weighted[: count * self.segment].reshape(count, self.segment)
        self.energy = np.einsum("ij,ij->i", whole, whole, dtype=np.float64)

    def lufs(self, gain: float = 1.0, limiting: Limiting = NO_LIMITING) -> float:
        """Integrated loudness of ``gain`` times the signal, limited by ``limiting``."""
        energy = self.energy - self._lost(limiting) if len(limiting.start) else self.energy
        return gated_loudness(energy * gain * gain, self.segment)

    def _stretches(self, limiting: Limiting) -> Iterator[tuple[int, int, list[tuple[int, int, np.ndarray]]]]:
        """The limiter's ranges grouped into stretches that end in 50 ms untouched, so that the
        K-weighting has forgotten each stretch before the next: (start, stop, ranges) of each."""
        group: list[tuple[int, int, np.ndarray]] = []
        for a, b, gain in limiting.ranges():
            if group and a - group[-1][1] > self.tail:
                yield group[0][0], min(group[-1][1] + self.tail, len(self.samples)), group
                group = []
            group.append((a, b, gain))
        if group:
            yield group[0][0], min(group[-1][1] + self.tail, len(self.samples)), group

    def _lost(self, limiting: Limiting) -> np.ndarray:
        """The energy each segment loses to the limiter (of the signal before the gain)."""
        lost = np.zeros(len(self.energy) + 1)  # and one for whatever lies past the last whole segment
        batch: list[tuple[int, int, list]] = []
        size = 0
        for start, stop, ranges in self._stretches(limiting):
            batch.append((start, stop, ranges))
            size += stop - start
            if size >= _CHUNK_BLOCKS * _PEAK_BLOCK:
                self._add_lost(batch, lost)
                batch, size = [], 0
        if batch:
            self._add_lost(batch, lost)
        return lost[:-1]

    def _add_lost(self, stretches: list[tuple[int, int, list]], lost: np.ndarray) -> None:
        """Add what the segments under ``stretches`` lose: the limiter takes d away, and a segment loses
        2 K(x) K(d) - K(d)^2. Each stretch ends in silence long enough for the K-weighting to forget it,
        so they are weighted end to end in one go (a batch at a time, to keep the arrays small)."""
        length = sum(stop - start for start, stop, _ in stretches)
        d = np.zeros(length, dtype=np.float32)
        kx = np.empty(length, dtype=np.float32)
        pieces, segments, at = [], [], 0
        for start, stop, ranges in stretches:
            for a, b, gain in ranges:
                d[at + a - start: at + b - start] = self.samples[a:b] * (1 - gain)
            kx[at: at + stop - start] = self.weighted[start:stop]
            # Where the stretch crosses into another segment, and which segments those are.
            first = start // self.segment
            edges = np.arange((first + 1) * self.segment, stop, self.segment)
            pieces.append(np.concatenate(([at], edges - start + at)))
            segments.append(np.arange(first, first + len(edges) + 1))
            at += stop - start
        kd = sosfilt(self.sos, d).astype(np.float64)
        sums = np.add.reduceat(kd * (2 * kx - kd), np.concatenate(pieces))
        segment = np.minimum(np.concatenate(segments), len(lost) - 1)
        lost += np.bincount(segment, weights=sums, minlength=len(lost))


def integrated_lufs(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS; -inf for silence or audio shorter than one 400 ms block."""
    return LoudnessMeter(samples, rate).lufs()


def _around(values: np.ndarray) -> np.ndarray:
    """Each block's value, or a neighbour's when that is higher."""
    near = values.copy()
    near[1:] = np.maximum(near[1:], values[:-1])
    near[:-1] = np.maximum(near[:-1], values[1:])
    return near


def _block_bounds(x: np.ndarray) -> np.ndarray:
    """For each block of 64 samples, a level that no oversampled point of its samples exceeds (from the
    largest sample and the largest second difference of the block and its neighbours)."""
    n = len(x)
    blocks = -(-n // _PEAK_BLOCK)
    peak = np.empty(blocks, dtype=np.float32)
    bend = np.empty(blocks, dtype=np.float32)
    step = _CHUNK_BLOCKS * _PEAK_BLOCK
    for first in range(0, blocks * _PEAK_BLOCK, step):
        last = min(first + step, blocks * _PEAK_BLOCK)
        piece = np.zeros(last - first + 2, dtype=np.float32)  # with the sample before and the one after
        a, b = max(0, first - 1), min(last + 1, n)
        piece[a - first + 1: b - first + 1] = x[a:b]
        rows = (last - first) // _PEAK_BLOCK
        middle = piece[1:-1]
        peak[first // _PEAK_BLOCK: first // _PEAK_BLOCK + rows] = np.abs(middle).reshape(rows, -1).max(axis=1)
        second = np.abs(piece[2:] - 2 * middle + piece[:-2])
        bend[first // _PEAK_BLOCK: first // _PEAK_BLOCK + rows] = second.reshape(rows, -1).max(axis=1)
    return _LINE * _around(peak) + _BEND * _around(bend)


def _exact_peaks(x: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """The true peak around each sample of the chosen blocks (one row of 64 per block), the samples'
    own values included."""
    n = len(x)
    width = _PEAK_BLOCK + 2 * _REACH
    result = np.empty((len(blocks), _PEAK_BLOCK), dtype=np.float32)
    # The points of a block need 6 samples before and after it: the rows of a padded copy, taken a
    # chunk of blocks at a time so that no copy of the whole signal is made.
    for at in range(0, len(blocks), _CHUNK_BLOCKS):
        chosen = blocks[at: at + _CHUNK_BLOCKS]
        rows = np.zeros((len(chosen), width), dtype=np.float32)
        starts = chosen * _PEAK_BLOCK - _REACH
        inside = (starts >= 0) & (starts + width <= n)
        if inside.any():
            view = np.lib.stride_tricks.sliding_window_view(x, width)
            rows[inside] = view[starts[inside]]
        for row in np.flatnonzero(~inside):  # the blocks at the edges of the signal
            a, b = max(starts[row], 0), min(starts[row] + width, n)
            rows[row, a - starts[row]: b - starts[row]] = x[a:b]
        peak = np.abs(rows[:, _REACH: _REACH + _PEAK_BLOCK])
        for phase in range(OVERSAMPLE):
            # Thirteen shifted multiply-adds over whole rows: far quicker than gathering each window.
            points = rows[:, :_PEAK_BLOCK] * _MATRIX[0, phase]
            for offset in range(1, 2 * _REACH + 1):
                points += rows[:, offset: offset + _PEAK_BLOCK] * _MATRIX[offset, phase]
            np.maximum(peak, np.abs(points, out=points), out=peak)
        result[at: at + len(chosen)] = peak
    return result


def _edge_blocks(count: int) -> np.ndarray:
    # The bounds of the first and last blocks do not see past the ends of the signal.
    return np.array(sorted({0, count - 1}))


def peak_envelope(samples: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """The true peak around each sample (the largest of it and its 4x oversampled points), wherever it
    may exceed ``floor``; 0 where it cannot. That is all a limiter aiming above ``floor`` needs, and
    the points of quieter stretches are never worked out."""
    x = np.asarray(samples, dtype=np.float32)
    if len(x) == 0:
        return x.copy()
    bound = _block_bounds(x)
    envelope = np.zeros((len(bound), _PEAK_BLOCK), dtype=np.float32)  # pages never written cost nothing
    exact = np.union1d(np.flatnonzero(bound > floor), _edge_blocks(len(bound)))
    envelope[exact] = _exact_peaks(x, exact)
    return envelope.ravel()[: len(x)]


def true_peak_dbtp(samples: np.ndarray) -> float:
    """True peak in dBTP."""
    x = np.asarray(samples, dtype=np.float32)
    sample_peak = max(float(x.max()), -float(x.min())) if len(x) else 0.0
    if sample_peak == 0:
        return float("-inf")
    # Only where a point could beat the largest sample are the points worked out.
    bound = _block_bounds(x)
    exact = np.union1d(np.flatnonzero(bound > sample_peak), _edge_blocks(len(bound)))
    rows = _exact_peaks(x, exact)
    tail = len(bound) * _PEAK_BLOCK - len(x)  # the padding after the last sample is not audio
    if tail and exact[-1] == len(bound) - 1:
        rows[-1, _PEAK_BLOCK - tail:] = 0
    return 20 * math.log10(max(sample_peak, float(rows.max())))


def limiter(envelope: np.ndarray, rate: int, ceiling: float) -> Limiting:
    """The gain that keeps ``envelope`` under the linear ``ceiling``, ramped over 5 ms ahead of each
    peak; worked out only around the peaks over it."""
    over = np.flatnonzero(envelope > ceiling)
    if len(over) == 0:
        return NO_LIMITING
    ramp = max(1, int(LOOKAHEAD_S * rate))
    reach = 2 * ramp + 2  # further than the two filters below carry a peak's gain
    # Peaks closer than twice the reach share a range; each range starts and ends with a reach of
    # samples that need no limiting, so the ranges filtered end to end give what the whole would.
    breaks = np.flatnonzero(np.diff(over) > 2 * reach)
    start = np.maximum(over[np.r_[0, breaks + 1]] - reach, 0)
    stop = np.minimum(over[np.r_[breaks, len(over) - 1]] + reach + 1, len(envelope))
    peaks = np.concatenate([envelope[a:b] for a, b in zip(start.tolist(), stop.tolist())])
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(np.float32)
    # A minimum over twice the ramp, then a moving average over the ramp, stays below what is needed.
    gain = uniform_filter1d(minimum_filter1d(needed, size=2 * ramp + 1), size=ramp)
    return Limiting(start, stop, np.minimum(gain, needed))


@dataclass(frozen=True)
class Normalised:
    """Audio brought to a loudness, and its measured loudness and true peak."""

    samples: np.ndarray
    lufs: float
    true_peak_dbtp: float


def normalise(samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float,
              overwrite: bool = False) -> Normalised:
    """Bring ``samples`` to ``target_lufs`` with true peaks under ``ceiling_dbtp``; in place if
    ``overwrite`` (and they are float32), which spares a copy of an hour of audio."""
    x = np.asarray(samples, dtype=np.float32)
    meter = LoudnessMeter(x, rate)
    measured = meter.lufs()
    if not np.isfinite(measured):
        return Normalised(x, measured, true_peak_dbtp(x))  # silence, or too short to measure
    ceiling = 10 ** (ceiling_dbtp / 20) * CEILING_MARGIN
    gain_db = target_lufs - measured
    # Limiting lowers the loudness and the gain is raised to make that up: the envelope is exact
    # wherever a gain up to 3 dB over the first one could take it over the ceiling.
    reach_db = gain_db + 3
    envelope = peak_envelope(x, floor=ceiling / 10 ** (reach_db / 20))
    tried: list[tuple[float, float]] = []
    while True:
        if gain_db > reach_db:
            reach_db = gain_db + 3
            envelope = peak_envelope(x, floor=ceiling / 10 ** (reach_db / 20))
        gain = 10 ** (gain_db / 20)
        limiting = limiter(envelope, rate, ceiling / gain)
        loudness = meter.lufs(gain, limiting)
        tried.append((gain_db, loudness))
        error = target_lufs - loudness
        if abs(error) < TOLERANCE_LU or len(tried) == 8:
            break
        slope = 1.0
        if len(tried) > 1:  # the secant through the last two tries: limited peaks grow less than the gain
            (g0, l0), (g1, l1) = tried[-2:]
            slope = min(max((l1 - l0) / (g1 - g0), 0.1), 1.0) if g1 != g0 else 1.0
        gain_db += error / slope
    out = x if overwrite else x.copy()
    out *= np.float32(gain)
    limiting.apply(out)
    return Normalised(out, loudness, true_peak_dbtp(out))
