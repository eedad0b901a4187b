"""Loudness and true peak: the meter, the limiter, normalisation, and the processed output of awkward
inputs (quiet, loud, clipped, with a DC offset)."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy.signal import resample_poly, upfirdn

from broadcaster.audiofile import read_wav
from broadcaster.config import Profile
from broadcaster.content.library import APPROVED
from broadcaster.render.loudness import (_INTERPOLATOR, LoudnessMeter, integrated_lufs, limiter, normalise,
                                         peak_envelope, true_peak_dbtp, true_peaks)
from broadcaster.render.processing import process
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, approved_station, officer

RATE = 44100


def independent_true_peak(x: np.ndarray) -> float:
    """True peak by 8x oversampling with scipy's own filter: a check that shares no code with ours."""
    return 20 * np.log10(np.abs(resample_poly(x.astype(np.float64), 8, 1)).max())


def speechlike(seconds: float, level: float, seed: int = 1) -> np.ndarray:
    """Syllables of a buzzing voice with breath noise: 3.5 a second, with silence between them."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    syllables = (np.sin(2 * np.pi * 3.5 * t) > 0).astype(float)
    voice = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((180, 360, 720, 1440), 1))
    return (level * syllables * (voice + 0.2 * rng.standard_normal(len(t)))).astype(np.float32)


def tone(hz: float, seconds: float, level: float, rate: int = RATE) -> np.ndarray:
    """A sine at ``level`` peak."""
    return (level * np.sin(2 * np.pi * hz * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


def reference_envelope(x: np.ndarray) -> np.ndarray:
    """The true peak around each sample, the slow way: every oversampled point, by scipy's upfirdn."""
    up = np.abs(upfirdn(_INTERPOLATOR, x, up=4))[23: 23 + 4 * len(x)]
    return np.maximum(np.abs(x), up.reshape(-1, 4).max(axis=1))


AWKWARD = [
    ("quiet", speechlike(8, 0.01)),
    ("loud", speechlike(8, 0.9)),
    ("clipped", np.clip(speechlike(8, 3.0), -1, 1)),
    ("dc offset", speechlike(8, 0.2) + 0.3),
    ("tone", tone(997, 5, 0.5)),
]


@pytest.mark.parametrize("name,signal", AWKWARD, ids=[name for name, _ in AWKWARD])
def test_normalise_hits_target_under_ceiling_and_reports_what_it_made(name, signal):
    done = normalise(signal, RATE, -16.0, -1.0)
    assert abs(integrated_lufs(done.samples, RATE) - -16.0) <= 0.1
    assert done.lufs == pytest.approx(integrated_lufs(done.samples, RATE), abs=0.001)
    assert done.true_peak_dbtp == pytest.approx(true_peak_dbtp(done.samples), abs=1e-6)
    assert done.true_peak_dbtp < -1.0
    assert independent_true_peak(done.samples) < -1.0 + 0.1


@pytest.mark.parametrize("name,signal", AWKWARD[:4], ids=[name for name, _ in AWKWARD[:4]])
def test_processed_output_is_on_target_padded_and_without_dc(name, signal):
    profile = Profile(pad_s=0.5)
    out = process(signal, profile).samples
    assert abs(integrated_lufs(out, RATE) - profile.target_lufs) <= 0.1
    assert independent_true_peak(out) < profile.true_peak_dbtp + 0.1
    pad = int(0.5 * RATE)
    assert not out[:pad].any() and not out[-pad:].any()
    # The high-pass took the DC offset away: the sound is centred on zero (it was 0.3 / 0.2 of it).
    body = out[pad:-pad]
    assert abs(float(body.mean())) < 1e-3 * float(np.abs(body).max())


def test_the_dc_offset_input_is_not_taken_for_sound_when_trimming():
    # A second of silence (at a DC offset of 0.3) either side of the speech is trimmed to 0.15 s.
    signal = np.concatenate([np.zeros(RATE), speechlike(3, 0.2), np.zeros(RATE)]).astype(np.float32) + 0.3
    out = process(signal, Profile(pad_s=0.0)).samples
    assert 3.0 <= len(out) / RATE <= 3.0 + 2 * 0.15 + 0.02


def test_our_meter_agrees_with_pyloudnorm():
    for x in (speechlike(6, 0.2), tone(1000, 5, 0.1), tone(100, 5, 0.3)):
        assert integrated_lufs(x, RATE) == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(
            x.astype(float)), abs=0.1)


def test_a_full_scale_1khz_sine_reads_minus_3_lufs():
    # BS.1770's own check: a 0 dBFS 997 Hz sine (in one channel) reads -3.01 LUFS.
    assert integrated_lufs(tone(997, 10, 1.0, 48000), 48000) == pytest.approx(-3.01, abs=0.05)


def test_true_peak_sees_intersample_peaks():
    # A sine at fs/4 sampled 45 degrees off its crest: samples at 0.707, true peak 1.0 (0 dBTP).
    n = np.arange(4000)
    x = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(x) == pytest.approx(0.0, abs=0.3)


@pytest.mark.parametrize("length", [1, 63, 64, 65, 1000, 44101])
def test_the_envelope_is_exact_where_it_may_exceed_its_floor(length):
    rng = np.random.default_rng(length)
    for x in ((0.3 * rng.standard_normal(length)).astype(np.float32),
              speechlike(1, 0.5)[:length], tone(11000, 1, 0.8)[:length]):
        reference = reference_envelope(x)
        assert np.abs(peak_envelope(x) - reference).max() < 1e-6
        peak = reference.max()
        assert true_peak_dbtp(x) == (pytest.approx(20 * np.log10(peak), abs=1e-5) if peak else float("-inf"))
        for floor in (0.1, 0.5, 0.9):
            envelope = peak_envelope(x, floor)
            above = reference > floor
            assert np.abs(envelope[above] - reference[above]).max(initial=0) < 1e-6
            assert np.all(envelope <= reference + 1e-6)


def test_the_loudness_of_a_limited_signal_is_worked_out_without_weighting_it_all_again():
    x = speechlike(20, 0.5)
    meter = LoudnessMeter(x, RATE)
    limiting = limiter(true_peaks(x), RATE, 0.4)
    assert len(limiting.start) > 10
    limited = x * np.float32(1.6)
    limiting.apply(limited)
    assert meter.lufs(1.6, limiting) == pytest.approx(integrated_lufs(limited, RATE), abs=0.001)


def test_the_quick_estimate_of_a_limited_loudness_is_close_to_the_exact_figure():
    # Hard limiting of syllables that start at once: the estimate's worst case, yet within 0.1 LU (the
    # gain search checks it exactly before it settles on a gain).
    x = speechlike(20, 0.5)
    meter = LoudnessMeter(x, RATE, peaks=True)
    for gain, ceiling in ((1.6, 0.4), (3.0, 0.5), (1.0, 0.3)):
        limiting = limiter(meter.envelope(ceiling / gain / 2), RATE, ceiling / gain)
        assert len(limiting.start) > 10
        estimate, pinned = meter.estimate(gain, limiting)
        assert estimate == pytest.approx(meter.lufs(gain, limiting), abs=0.1)
        assert 0.5 < pinned <= 1  # most of the energy is in the syllables the limiter turns down


def test_processing_in_place_gives_what_processing_a_copy_gives():
    x = speechlike(30, 0.6)  # long enough to be worked on in halves
    copy = x.copy()
    kept = process(x, Profile())
    assert np.array_equal(x, copy)  # the caller's samples are left alone
    overwritten = process(x, Profile(), overwrite=True)
    assert np.shares_memory(overwritten.samples, x)
    assert np.array_equal(overwritten.samples, kept.samples)
    assert (overwritten.lufs, overwritten.true_peak_dbtp) == (kept.lufs, kept.true_peak_dbtp)


def test_silence_is_left_alone():
    assert not np.any(normalise(np.zeros(RATE * 2, dtype=np.float32), RATE, -16, -1).samples)
    out = process(np.zeros(RATE * 2, dtype=np.float32), Profile()).samples
    assert len(out) == RATE * 2 and not np.any(out)  # nothing to trim it to: all of it is kept


def test_rendered_asset_is_at_broadcast_loudness_with_its_padding(station_dir):
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  sample_rate: 44100\n",
                                                                 "  sample_rate: 44100\n  pad_s: 0.5\n"),
                      encoding="utf-8")
    station = approved_station(station_dir, ("khau-hieu-5k",))
    asset = station.renders.asset(station.library.get("khau-hieu-5k").announcement.variants[0])
    samples, rate = read_wav(asset.path)
    profile = station.config.profile
    assert profile.pad_s == 0.5
    assert rate == profile.sample_rate
    assert abs(integrated_lufs(samples, rate) - profile.target_lufs) <= 0.1
    assert asset.lufs == pytest.approx(integrated_lufs(samples, rate), abs=0.02)
    assert independent_true_peak(samples) < profile.true_peak_dbtp
    assert asset.duration_s == pytest.approx(len(samples) / rate, abs=0.001)
    pad = int(profile.pad_s * rate)
    assert not samples[:pad].any() and not samples[-pad:].any() and samples[pad: pad + rate // 5].any()


def test_an_imported_clip_is_processed_like_speech(station_dir):
    # A phone recording: a second of nothing, then the voice, all of it on a DC offset.
    clip = station_dir / "audio" / "khau-hieu-5k-rad.wav"
    clip.parent.mkdir(exist_ok=True)
    soundfile.write(clip, np.concatenate([np.zeros(RATE, np.float32), speechlike(4, 0.05)]) + 0.2, RATE)
    station = approved_station(station_dir, ("khau-hieu-5k",), render=False)
    station.content.add_file(clip, NOW, ident="khau-hieu-5k", language="rad", signer=officer(station))
    station.content.decide("khau-hieu-5k", APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    asset = station.renders.asset(station.library.get("khau-hieu-5k").announcement.variant("rad"))
    samples, rate = read_wav(asset.path)
    assert asset.engine == "clip"
    assert integrated_lufs(samples, rate) == pytest.approx(Profile().target_lufs, abs=0.1)
    assert independent_true_peak(samples) < Profile().true_peak_dbtp
    assert abs(float(samples.mean())) < 1e-3  # the offset is gone
    assert len(samples) / rate < 4 + 0.2  # and the second of silence with it (0.15 s of it is kept)
