"""The speech band, the compressor, trimming and padding."""

from __future__ import annotations

import numpy as np
import pytest

from broadcaster.render.filters import (RELEASE_DB_PER_S, _released, compress, compression_gain_db, highpass,
                                        lowpass, pad, sound_bounds)

RATE = 44100


def tone(hz: float, seconds: float, level: float) -> np.ndarray:
    """A sine at ``level`` peak."""
    return (level * np.sin(2 * np.pi * hz * np.arange(int(seconds * RATE)) / RATE)).astype(np.float32)


def rms_db(x: np.ndarray) -> float:
    """RMS level in dBFS."""
    return 10 * np.log10(np.mean(np.square(x, dtype=np.float64)))


@pytest.mark.parametrize("hz,change_db", [(50, -48), (100, -24), (1000, 0), (4000, 0)])
def test_highpass_keeps_speech_and_drops_rumble(hz, change_db):
    x = tone(hz, 2, 0.5)
    y = highpass(x, RATE, 200)
    # Measured after the first half second, when the filter has settled; 24 dB an octave below 200 Hz.
    assert rms_db(y[RATE // 2:]) - rms_db(x[RATE // 2:]) == pytest.approx(change_db, abs=1.5)


def test_highpass_removes_a_dc_offset_without_a_thump_at_the_start():
    x = tone(500, 2, 0.2) + np.float32(0.4)
    y = highpass(x, RATE, 200)
    assert abs(float(y[RATE // 10:].mean())) < 1e-4
    assert np.abs(y).max() < 0.25  # the offset was there from the first sample: no step to filter


def test_lowpass_is_gentle():
    # About 12 dB an octave (a little more near the top of the band, as digital filters go).
    assert -15 < rms_db(lowpass(tone(8000, 1, 0.5), RATE, 4000)) - rms_db(tone(8000, 1, 0.5)) < -11
    assert rms_db(lowpass(tone(1000, 1, 0.5), RATE, 4000)) - rms_db(tone(1000, 1, 0.5)) == pytest.approx(0, abs=0.2)


def test_release_is_a_held_maximum_let_go_at_a_steady_rate():
    rng = np.random.default_rng(1)
    reduction = np.maximum(rng.standard_normal(3 * (1 << 20) // 2) * 5 - 5, 0).astype(np.float32)
    step = RELEASE_DB_PER_S / RATE
    expected, held = np.empty(len(reduction)), 0.0
    for i, value in enumerate(reduction.tolist()):  # the plain loop, over more than one chunk
        held = max(value, held - step)
        expected[i] = held
    assert np.abs(_released(reduction, step) - expected).max() < 1e-3


def test_compressor_turns_loud_passages_down_by_its_ratio_and_lets_go():
    quiet, loud = tone(440, 1, 0.02), tone(440, 1, 0.5)  # -37 and -9 dBFS RMS
    x = np.concatenate([quiet, loud, quiet])
    gain = compression_gain_db(x, RATE, threshold_dbfs=-20, ratio=4)
    y = compress(x, RATE, threshold_dbfs=-20, ratio=4)
    assert rms_db(y[: RATE // 2]) == pytest.approx(rms_db(x[: RATE // 2]), abs=0.01)  # under the threshold
    # 11 dB over the threshold becomes 11 / 4: the loud second is turned down by 8.25 dB.
    assert rms_db(y[RATE + RATE // 4: 2 * RATE]) == pytest.approx(rms_db(loud) - 8.25, abs=0.5)
    # Down before the loud part starts (look-ahead), let go at 40 dB a second after it ends.
    assert gain[RATE] < -7
    assert gain[2 * RATE + RATE // 10] == pytest.approx(-8.25 + 4, abs=0.7)
    assert gain[2 * RATE + RATE // 2] == 0


def test_compressor_off():
    x = tone(440, 1, 0.9)
    assert np.array_equal(compress(x, RATE, -30, 1), x)


@pytest.mark.parametrize("hiss_level", [0.0, 0.0002, 0.005])  # none, -74 and -46 dBFS
def test_trim_keeps_a_margin_around_the_sound_and_ignores_dc_and_hiss(hiss_level):
    hiss = (hiss_level * np.random.default_rng(2).standard_normal(3 * RATE)).astype(np.float32)
    x = hiss + np.float32(0.1)
    x[RATE: 2 * RATE] += tone(300, 1, 0.3)
    start, stop = sound_bounds(x, RATE)
    assert start == pytest.approx(RATE - 0.15 * RATE, abs=0.011 * RATE)
    assert stop == pytest.approx(2 * RATE + 0.15 * RATE, abs=0.011 * RATE)


def test_pure_silence_and_the_empty_have_no_sound_to_trim_to():
    assert sound_bounds(np.zeros(RATE, dtype=np.float32), RATE) == (0, 0)
    assert sound_bounds(np.zeros(10, dtype=np.float32), RATE) == (0, 0)


def test_pad():
    out = pad(np.ones(10, dtype=np.float32), RATE, 0.5)
    assert len(out) == 10 + RATE and out[: RATE // 2].sum() == 0 and out[RATE // 2: RATE // 2 + 10].all()
