"""Passes over long audio in chunks and halves: what they give is what one straight pass gives."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, sosfilt, sosfilt_zi

from broadcaster.render.filters import band, band_sections, sound_bounds
from broadcaster.render.loudness import k_weighting
from broadcaster.render.passes import SPLIT_FROM, filter_pass

RATE = 44100


def noise(length: int, seed: int = 5) -> np.ndarray:
    return (0.3 * np.random.default_rng(seed).standard_normal(length) + 0.2).astype(np.float32)


@pytest.mark.parametrize("sos", [butter(4, 200, "highpass", fs=RATE, output="sos"), k_weighting(RATE),
                                 butter(4, 20, "highpass", fs=96000, output="sos")], ids=["hp200", "k", "hp20"])
@pytest.mark.parametrize("length", [1000, SPLIT_FROM + 12345])
def test_a_split_pass_filters_as_one_straight_pass_does(sos, length):
    x = noise(length)
    sos = sos.astype(np.float32)
    zi = (sosfilt_zi(sos) * x[0]).astype(np.float32)
    exact = sosfilt(sos.astype(np.float64), x.astype(np.float64), zi=zi.astype(np.float64))[0]
    straight = sosfilt(sos, x, zi=zi)[0]
    out = np.full_like(x, np.nan)
    seen = np.zeros(length, dtype=int)

    def visit(a: int, b: int, y: np.ndarray) -> None:
        seen[a:b] += 1
        assert np.array_equal(y, out[a:b])

    filter_pass(sos, x, 441, zi=zi, out=out, visit=visit)
    assert np.all(seen == 1)  # every sample handed over once, the split point's included
    # float32 filtering is off the float64 result by its rounding; the split adds nothing to that.
    assert np.abs(out - exact).max() <= 1.2 * np.abs(straight - exact).max() + 1e-7


def test_the_band_pass_finds_the_sound_of_what_it_filtered():
    x = noise(SPLIT_FROM + 5000)
    x[: RATE] = 0.2  # a second of DC offset, then the noise
    sos = band_sections(RATE, 200, 6000)
    y, bounds = band(x, sos, RATE)
    assert bounds == sound_bounds(y, RATE)
    assert bounds[0] == pytest.approx(RATE - 0.15 * RATE, abs=0.011 * RATE)
    in_place = x.copy()
    z, _ = band(in_place, sos, RATE, out=in_place)
    assert z is in_place and np.array_equal(z, y)
