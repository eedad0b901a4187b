"""Loudness per ITU-R BS.1770-4 (K-weighting, gated 400 ms blocks), true peak by 4x oversampling, and
a look-ahead true-peak limiter, in vectorised numpy and scipy. The tests hold the figures to ffmpeg's
ebur128 filter.

Hour-long audio is the case to be quick for. The signal is read in one pass, a chunk at a time and
its two halves at once (render/passes.py): K-weighted energies of 100 ms segments, and for each block
of 32 samples a bound on its oversampled points. No whole-length array is made. The oversampled
points are worked out only in the blocks whose bound reaches the level that matters (a matrix
product per block), and when the limiter changes a few stretches only the segments under them are
K-weighted again."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, sosfilt

from broadcaster.render.passes import both, each_chunk, filter_pass, scratch

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
_ESTIMATES = 12  # tries of a gain on estimates before the loudness is worked out exactly all the same
_ESTIMATE_TOLERANCE_LU = 0.04  # an estimate this close is checked exactly (on speech they are within 0.01 LU)
_EXACT_TRIES = 6  # loudness worked out exactly at most this often
_K_TAIL_S = 0.05  # the K-weighting's response to a sample falls below 1e-6 of it within 50 ms
_PEAK_BLOCK = 32  # samples per block when looking for where the true peaks can be
_ROWS = 2048  # blocks whose oversampled points are worked out at once
_PRODUCT_ROWS = 40  # rows per matrix product: small enough for BLAS to keep it to one thread
_BATCH = 1 << 17  # samples the limiter works on at once, and K-weighted again at once after it


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


def _block_taps(matrix: np.ndarray) -> np.ndarray:
    """The oversampled points of a block as one matrix product: a row of the block's samples with 6
    either side, times these taps, gives the block's points, phase by phase."""
    width = _PEAK_BLOCK + 2 * _REACH
    taps = np.zeros((width, OVERSAMPLE, _PEAK_BLOCK), dtype=np.float32)
    for j in range(_PEAK_BLOCK):
        taps[j: j + 2 * _REACH + 1, :, j] = matrix
    return taps.reshape(width, OVERSAMPLE * _PEAK_BLOCK)


_TAPS = _block_taps(_MATRIX)


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


def _padded(x: np.ndarray, a: int, b: int) -> np.ndarray:
    """``x[a:b]``, with zeros where that runs past either end of ``x``."""
    if a >= 0 and b <= len(x):
        return x[a:b]
    piece = np.zeros(b - a, dtype=np.float32)
    lo, hi = max(a, 0), min(b, len(x))
    if hi > lo:
        piece[lo - a: hi - a] = x[lo:hi]
    return piece


def _block_figures(x: np.ndarray, a: int, b: int, peak: np.ndarray | None, bound: np.ndarray) -> None:
    """For each block from sample ``a`` (a multiple of 32) to ``b``: the largest of its samples and the
    one either side, into ``peak`` (unless None), and a level that none of its oversampled points
    exceeds, into ``bound``: the largest over its samples of line times the largest of the sample and
    the one either side, plus bend times the largest second difference within 6 samples (see
    _bound_gains). Outside the signal the samples are taken as 0."""
    count = -(-(b - a) // _PEAK_BLOCK)
    length = count * _PEAK_BLOCK
    size = length + 2 * _REACH  # from sample a - 6 to a + length + 5
    xs = _padded(x, a - _REACH - 1, a + length + _REACH + 1)  # sample a - 7 is xs[0]
    work = np.abs(xs, out=scratch("figures", size + 2))
    near = np.maximum(work[:-2], work[2:], out=scratch("near", size))
    np.maximum(near, work[1:-1], out=near)
    bend = np.add(xs[:-2], xs[2:], out=scratch("bend", size))
    bend -= np.multiply(xs[1:-1], np.float32(2), out=work[:size])
    np.abs(bend, out=bend)
    other = work
    for width in (1, 2, 4, 5):  # the largest within 2, 4, 8, then 13 samples: 6 either side
        np.maximum(bend[: size - width], bend[width: size], out=other[: size - width])
        bend, other, size = other, bend, size - width
    level = bend[:length]
    level *= np.float32(_BEND)
    top = near[_REACH: _REACH + length]
    level += np.multiply(top, np.float32(_LINE), out=other[:length])
    starts = np.arange(0, length, _PEAK_BLOCK)
    first = a // _PEAK_BLOCK
    if peak is not None:
        peak[first: first + count] = np.maximum.reduceat(top, starts)
    bound[first: first + count] = np.maximum.reduceat(level, starts)


def _exact_peaks(x: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """The true peak around each sample of the chosen blocks (one row of 32 per block): the largest of
    the sample and its 4 oversampled points. Points past the end of the signal are 0."""
    width = _PEAK_BLOCK + 2 * _REACH
    result = np.empty((len(blocks), _PEAK_BLOCK), dtype=np.float32)
    view = np.lib.stride_tricks.sliding_window_view(x, width) if len(x) >= width else None
    for at in range(0, len(blocks), _ROWS):
        chosen = blocks[at: at + _ROWS]
        starts = chosen * _PEAK_BLOCK - _REACH
        inside = (starts >= 0) & (starts + width <= len(x))
        if inside.all():
            rows = view[starts]
        else:
            rows = np.zeros((len(chosen), width), dtype=np.float32)
            if inside.any():
                rows[inside] = view[starts[inside]]
            for row in np.flatnonzero(~inside):  # the blocks at the ends of the signal
                rows[row] = _padded(x, int(starts[row]), int(starts[row]) + width)
        points = np.empty((len(chosen), OVERSAMPLE * _PEAK_BLOCK), dtype=np.float32)
        # In small products: BLAS's own threads, woken for larger ones, cost more than they bring.
        for row in range(0, len(chosen), _PRODUCT_ROWS):
            np.matmul(rows[row: row + _PRODUCT_ROWS], _TAPS, out=points[row: row + _PRODUCT_ROWS])
        points = points.reshape(len(chosen), OVERSAMPLE, _PEAK_BLOCK)
        peak = np.abs(rows[:, _REACH: _REACH + _PEAK_BLOCK])
        for phase in range(OVERSAMPLE):
            np.maximum(peak, np.abs(points[:, phase]), out=peak)
        result[at: at + len(chosen)] = peak
    past = len(blocks) and (blocks[-1] + 1) * _PEAK_BLOCK - len(x)
    if past > 0:
        result[-1, _PEAK_BLOCK - past:] = 0
    return result


def _blocks_under(start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """The blocks of 32 under the ranges from ``start`` to ``stop`` (``start`` a multiple of 32), in order."""
    counts = -(-(stop - start) // _PEAK_BLOCK)
    return (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            + np.repeat(start // _PEAK_BLOCK, counts))


@dataclass(frozen=True)
class Envelope:
    """The true peak around each sample (the largest of it and its oversampled points), worked out
    only in some blocks of 32 samples (``rows[i]`` for block ``blocks[i]``, in order); 0 elsewhere."""

    length: int
    blocks: np.ndarray
    rows: np.ndarray

    def dense(self) -> np.ndarray:
        """The envelope sample by sample."""
        out = np.zeros(-(-self.length // _PEAK_BLOCK) * _PEAK_BLOCK, dtype=np.float32)
        out.reshape(-1, _PEAK_BLOCK)[self.blocks] = self.rows
        return out[: self.length]

    def over(self, level: float) -> np.ndarray:
        """The samples whose true peak exceeds ``level``, in order."""
        hit = np.flatnonzero(self.rows > level)
        return self.blocks[hit // _PEAK_BLOCK] * _PEAK_BLOCK + hit % _PEAK_BLOCK

    def within(self, start: np.ndarray, stop: np.ndarray, out: np.ndarray) -> np.ndarray:
        """The envelope over the ranges from ``start`` to ``stop`` (multiples of 32, but for a last
        stop at the end of the signal), laid end to end in ``out``."""
        wanted = _blocks_under(start, stop)
        at = np.minimum(np.searchsorted(self.blocks, wanted), max(len(self.blocks) - 1, 0))
        found = np.flatnonzero(self.blocks[at] == wanted) if len(self.blocks) else np.zeros(0, dtype=np.int64)
        values = out[: len(wanted) * _PEAK_BLOCK].reshape(len(wanted), _PEAK_BLOCK)
        values[:] = 0
        values[found] = self.rows[at[found]]
        return out[: int((stop - start).sum())]


def _figures(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each block's peak and bound (see _block_figures), in one pass."""
    blocks = -(-len(x) // _PEAK_BLOCK)
    peak, bound = np.zeros(blocks, dtype=np.float32), np.zeros(blocks, dtype=np.float32)
    each_chunk(len(x), _PEAK_BLOCK, lambda a, b: _block_figures(x, a, b, peak, bound))
    return peak, bound


def _envelope(x: np.ndarray, bound: np.ndarray, floor: float) -> Envelope:
    blocks = np.flatnonzero(bound > floor)
    return Envelope(len(x), blocks, _exact_peaks(x, blocks))


def _true_peak(x: np.ndarray, peak: np.ndarray, bound: np.ndarray) -> float:
    """True peak in dBTP from the blocks' figures: only where a point could beat the largest sample
    are the points worked out."""
    sample_peak = float(peak.max()) if len(peak) else 0.0
    if sample_peak == 0:
        return float("-inf")
    rows = _exact_peaks(x, np.flatnonzero(bound > sample_peak))
    return 20 * math.log10(max(sample_peak, float(rows.max(initial=0))))


class LoudnessMeter:
    """The integrated loudness of a signal, turned up or down and limited, from one pass over it (which
    also gives each block's bound and K-weighted energy when ``peaks``): K-weighting is linear, so only
    the segments that a limiter changes are weighted again."""

    def __init__(self, samples: np.ndarray, rate: int, peaks: bool = False):
        self.samples = x = np.asarray(samples, dtype=np.float32)
        self.segment = int(round(SEGMENT_S * rate))
        self.sos = k_weighting(rate).astype(np.float32)
        self.tail = int(_K_TAIL_S * rate)
        self.energy = np.zeros(len(x) // self.segment)
        blocks = -(-len(x) // _PEAK_BLOCK) if peaks else 0
        self.bound = np.zeros(blocks, dtype=np.float32)
        self.block_energy = np.zeros(blocks, dtype=np.float32)

        def visit(a: int, b: int, weighted: np.ndarray) -> None:
            self._add_energy(a, weighted)
            if peaks:
                _block_figures(x, a, b, None, self.bound)
                squares = np.square(weighted, out=scratch("squares", len(weighted)))
                self.block_energy[a // _PEAK_BLOCK: -(-b // _PEAK_BLOCK)] = np.add.reduceat(
                    squares, np.arange(0, len(squares), _PEAK_BLOCK))

        filter_pass(self.sos, x, math.lcm(self.segment, _PEAK_BLOCK), visit=visit)

    def _add_energy(self, a: int, weighted: np.ndarray) -> None:
        """The energies of the whole segments in ``weighted`` (which starts at sample ``a``, a multiple
        of the segment)."""
        first = a // self.segment
        count = min(len(weighted) // self.segment, len(self.energy) - first)
        if count > 0:
            whole = weighted[: count * self.segment].reshape(count, self.segment)
            self.energy[first: first + count] = np.einsum("ij,ij->i", whole, whole, dtype=np.float64)

    def lufs(self, gain: float = 1.0, limiting: Limiting = NO_LIMITING) -> float:
        """Integrated loudness of ``gain`` times the signal, limited by ``limiting``."""
        energy = self.energy
        if len(limiting.start):
            energy = energy.copy()
            self._weigh_again(limiting, energy)
        return gated_loudness(energy * gain * gain, self.segment)

    def estimate(self, gain: float, limiting: Limiting) -> tuple[float, float]:
        """About lufs(gain, limiting), quickly (needs ``peaks``): the limiter's gain changes slowly, so
        each block of 32 samples is taken to lose its K-weighted energy in the proportion that the
        mean square of that gain over it takes away. With it, the share of the energy left in the
        blocks that the limiter turns down: theirs grows little with the gain."""
        if not len(limiting.start):
            return self.lufs(gain), 0.0
        blocks = _blocks_under(limiting.start, limiting.stop)
        whole = len(limiting.gain) // _PEAK_BLOCK
        rows = limiting.gain[: whole * _PEAK_BLOCK].reshape(whole, _PEAK_BLOCK)
        kept = np.einsum("ij,ij->i", rows, rows) / _PEAK_BLOCK
        if len(blocks) > whole:  # the last block, cut short by the end of the signal
            rest = limiting.gain[whole * _PEAK_BLOCK:]
            kept = np.append(kept, np.mean(np.square(rest)))
        energy = self.block_energy[blocks]
        segment = blocks * _PEAK_BLOCK // self.segment
        lost = np.bincount(segment, weights=energy * (1 - kept), minlength=len(self.energy) + 1)
        left = np.maximum(self.energy - lost[: len(self.energy)], 0)
        share = float(np.dot(energy, kept * (kept < 1))) / max(float(left.sum()), 1e-30)
        return gated_loudness(left * gain * gain, self.segment), min(share, 1.0)

    def envelope(self, floor: float) -> Envelope:
        """The envelope, exact wherever it may exceed ``floor`` (needs ``peaks``)."""
        return _envelope(self.samples, self.bound, floor)

    def true_peak_after(self, out: np.ndarray, gain: float, limiting: Limiting) -> float:
        """True peak in dBTP of ``out``, which is the signal times ``gain`` (as float32) then limited by
        ``limiting`` (needs ``peaks``). The points of the blocks near the limiter are worked out; of
        the others, only those of blocks whose bound, scaled, beats the largest point found."""
        if not len(limiting.start):
            return true_peak_dbtp(out)
        # A block's points see 6 samples either side of it: a block more either side.
        lo = np.maximum((limiting.start - _REACH) // _PEAK_BLOCK - 1, 0)
        hi = np.minimum((limiting.stop + _REACH) // _PEAK_BLOCK + 2, len(self.bound))
        near = np.concatenate([np.arange(a, b) for a, b in _merged(lo, hi)])
        half = len(near) // 2
        first, second = both(lambda: _exact_peaks(out, near[:half]), lambda: _exact_peaks(out, near[half:]))
        found = max(float(first.max(initial=0)), float(second.max(initial=0)))
        # Elsewhere the samples are the signal's times the gain: so are their points, to rounding.
        away = np.ones(len(self.bound), dtype=bool)
        away[near] = False
        others = np.flatnonzero(away & (self.bound * np.float32(gain * (1 + 1e-5)) > found))
        found = max(found, float(_exact_peaks(out, others).max(initial=0)))
        return 20 * math.log10(found) if found > 0 else float("-inf")

    def _weigh_again(self, limiting: Limiting, energy: np.ndarray) -> None:
        """The energies of the segments that ``limiting`` changes (its ranges and 50 ms after them),
        K-weighted again in runs of touched segments. Each run starts 50 ms early, so that the
        K-weighting has settled as it would have over the whole signal; the runs are weighted end to
        end, a batch at a time, half of them in another thread."""
        count = len(self.energy)
        first = limiting.start // self.segment
        last = np.minimum((limiting.stop + self.tail - 1) // self.segment + 1, count)
        keep = first < last
        runs = _merged(first[keep], last[keep])
        if not runs:
            return
        sizes = np.cumsum([(b - a) * self.segment + self.tail for a, b in runs])
        half = int(np.searchsorted(sizes, sizes[-1] / 2))
        offsets = np.concatenate(([0], np.cumsum(limiting.stop - limiting.start)))
        both(lambda: self._weigh_runs(runs[:half], limiting, offsets, energy),
             lambda: self._weigh_runs(runs[half:], limiting, offsets, energy))

    def _weigh_runs(self, runs: list[tuple[int, int]], limiting: Limiting, offsets: np.ndarray,
                    energy: np.ndarray) -> None:
        batch: list[tuple[int, int, int]] = []
        size = 0
        for s0, s1 in runs:
            begin = max(s0 * self.segment - self.tail, 0)
            batch.append((begin, s0, s1))
            size += s1 * self.segment - begin
            if size >= _BATCH:
                self._weigh_batch(batch, limiting, offsets, energy)
                batch, size = [], 0
        if batch:
            self._weigh_batch(batch, limiting, offsets, energy)

    def _weigh_batch(self, batch: list[tuple[int, int, int]], limiting: Limiting, offsets: np.ndarray,
                     energy: np.ndarray) -> None:
        """K-weight the limited signal over the batch's runs, laid end to end, and put in the energies."""
        lengths = [s1 * self.segment - begin for begin, _, s1 in batch]
        y = scratch("limited", sum(lengths))
        at = 0
        for (begin, _, s1), length in zip(batch, lengths):
            end = s1 * self.segment
            y[at: at + length] = self.samples[begin:end]
            first = int(np.searchsorted(limiting.stop, begin, side="right"))
            last = int(np.searchsorted(limiting.start, end))
            for i in range(first, last):
                a, b = int(limiting.start[i]), int(limiting.stop[i])
                lo, hi = max(a, begin), min(b, end)
                y[at + lo - begin: at + hi - begin] *= limiting.gain[offsets[i] + lo - a: offsets[i] + hi - a]
            at += length
        weighted = sosfilt(self.sos, y)
        at = 0
        for (begin, s0, s1), length in zip(batch, lengths):
            whole = weighted[at + s0 * self.segment - begin: at + length].reshape(s1 - s0, self.segment)
            energy[s0:s1] = np.einsum("ij,ij->i", whole, whole, dtype=np.float64)
            at += length


def _merged(lo: np.ndarray, hi: np.ndarray) -> list[tuple[int, int]]:
    """The intervals from ``lo`` to ``hi`` (sorted by ``lo``), overlapping or touching ones merged."""
    if len(lo) == 0:
        return []
    reach = np.maximum.accumulate(hi)
    breaks = np.flatnonzero(lo[1:] > reach[:-1]) + 1
    starts = lo[np.r_[0, breaks]]
    stops = reach[np.r_[breaks - 1, len(lo) - 1]]
    return list(zip(starts.tolist(), stops.tolist()))


def integrated_lufs(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS; -inf for silence or audio shorter than one 400 ms block."""
    return LoudnessMeter(samples, rate).lufs()


def true_peaks(samples: np.ndarray, floor: float = 0.0) -> Envelope:
    """The true peak around each sample (the largest of it and its 4x oversampled points), wherever it
    may exceed ``floor``; 0 where it cannot. That is all a limiter aiming above ``floor`` needs, and
    the points of quieter stretches are never worked out."""
    x = np.asarray(samples, dtype=np.float32)
    return _envelope(x, _figures(x)[1], floor)


def peak_envelope(samples: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """true_peaks sample by sample."""
    return true_peaks(samples, floor).dense()


def true_peak_dbtp(samples: np.ndarray) -> float:
    """True peak in dBTP."""
    x = np.asarray(samples, dtype=np.float32)
    return _true_peak(x, *_figures(x))


def limiter(envelope: Envelope, rate: int, ceiling: float) -> Limiting:
    """The gain that keeps ``envelope`` under the linear ``ceiling``, ramped over 5 ms ahead of each
    peak; worked out only around the peaks over it."""
    over = envelope.over(ceiling)
    if len(over) == 0:
        return NO_LIMITING
    ramp = max(1, int(LOOKAHEAD_S * rate))
    reach = 2 * ramp + 2  # further than the two filters below carry a peak's gain
    # Peaks far enough apart get ranges of their own; each range starts and ends with a reach of
    # samples that need no limiting (and is widened to whole blocks), so the ranges filtered end to
    # end, a batch at a time, give what the whole would.
    breaks = np.flatnonzero(np.diff(over) > 2 * (reach + _PEAK_BLOCK))
    start = np.maximum(over[np.r_[0, breaks + 1]] - reach, 0) // _PEAK_BLOCK * _PEAK_BLOCK
    stop = np.minimum(-(-(over[np.r_[breaks, len(over) - 1]] + reach + 1) // _PEAK_BLOCK) * _PEAK_BLOCK,
                      envelope.length)
    ends = np.cumsum(stop - start)
    gain = np.empty(int(ends[-1]), dtype=np.float32)
    first, at = 0, 0
    while first < len(start):
        last = max(int(np.searchsorted(ends, at + _BATCH, side="right")), first + 1)
        size = int(ends[last - 1]) - at
        needed = envelope.within(start[first:last], stop[first:last], scratch("needed", size + _PEAK_BLOCK))
        np.maximum(needed, np.float32(1e-12), out=needed)
        np.divide(np.float32(ceiling), needed, out=needed)
        np.minimum(needed, np.float32(1), out=needed)
        # A minimum over twice the ramp, then a moving average over the ramp, stays below what is needed.
        least = minimum_filter1d(needed, size=2 * ramp + 1, output=scratch("least", size))
        smooth = uniform_filter1d(least, size=ramp, output=scratch("smooth", size))
        np.minimum(smooth, needed, out=gain[at: at + size])
        first, at = last, at + size
    return Limiting(start, stop, gain)


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
    meter = LoudnessMeter(x, rate, peaks=True)
    measured = meter.lufs()
    if not np.isfinite(measured):
        return Normalised(x, measured, true_peak_dbtp(x))  # silence, or too short to measure
    ceiling = 10 ** (ceiling_dbtp / 20) * CEILING_MARGIN
    gain_db = target_lufs - measured
    # Limiting lowers the loudness and the gain is raised to make that up: the envelope is exact
    # wherever a gain up to 3 dB over the first one could take it over the ceiling.
    reach_db = gain_db + 3
    envelope = meter.envelope(floor=ceiling / 10 ** (reach_db / 20))
    # The gain is searched with quick estimates of the loudness (LoudnessMeter.estimate); once they
    # are on target the loudness is worked out exactly, and if that is off, the difference corrects
    # the estimates from then on.
    tried: list[tuple[float, float]] = []
    offset, exact = 0.0, 0
    while True:
        if gain_db > reach_db:
            reach_db = gain_db + 3
            envelope = meter.envelope(floor=ceiling / 10 ** (reach_db / 20))
        gain = 10 ** (gain_db / 20)
        limiting = limiter(envelope, rate, ceiling / gain)
        estimate, pinned = meter.estimate(gain, limiting)
        estimate += offset
        if abs(target_lufs - estimate) < _ESTIMATE_TOLERANCE_LU or len(tried) >= _ESTIMATES:
            loudness = meter.lufs(gain, limiting)
            exact += 1
            if abs(target_lufs - loudness) < TOLERANCE_LU or exact == _EXACT_TRIES:
                break
            offset += loudness - estimate
            tried = [(g, level + loudness - estimate) for g, level in tried]
            estimate = loudness
        tried.append((gain_db, estimate))
        # Limited peaks grow less than the gain: the first step goes by the share of the energy in
        # them, the next ones by the secant through the last two tries.
        slope = 1.0 - pinned
        if len(tried) > 1:
            (g0, l0), (g1, l1) = tried[-2:]
            slope = (l1 - l0) / (g1 - g0) if g1 != g0 else 1.0
        gain_db += (target_lufs - estimate) / min(max(slope, 0.1), 1.0)
    out = x if overwrite else x.copy()
    out *= np.float32(gain)
    limiting.apply(out)
    return Normalised(out, loudness, meter.true_peak_after(out, gain, limiting))
