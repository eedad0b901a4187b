"""The processing profile in station.yaml: read and checked once, and part of every render key."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import pytest

from broadcaster.config import Profile, parse_config
from broadcaster.errors import InputError
from broadcaster.yamlfile import load_yaml

PATH = Path("station.yaml")


def config(text: str):
    """The configuration of a station file with ``text`` after its name."""
    return parse_config(load_yaml("name: Đài truyền thanh xã Ea Tu\n" + text, PATH), PATH)


def test_every_audio_setting_is_read():
    profile = config("audio:\n  target_lufs: -18\n  true_peak_dbtp: -2\n  sample_rate: 48000\n  highpass_hz: 250\n"
                     "  lowpass_hz: 7000\n  compress_ratio: 3\n  compress_threshold_db: -12\n  pad_s: 0.5\n").profile
    assert profile == Profile(target_lufs=-18, true_peak_dbtp=-2, sample_rate=48000, highpass_hz=250, lowpass_hz=7000,
                              compress_ratio=3, compress_threshold_db=-12, pad_s=0.5)


def test_the_defaults_suit_horn_loudspeakers():
    profile = config("").profile
    assert (profile.target_lufs, profile.true_peak_dbtp, profile.highpass_hz) == (-16, -1, 200)
    assert (profile.lowpass_hz, profile.compress_ratio, profile.pad_s) == (0, 1, 0)


def test_every_setting_changes_the_key():
    base = Profile()
    changed = {"target_lufs": -14.0, "true_peak_dbtp": -2.0, "sample_rate": 48000, "highpass_hz": 250.0,
               "lowpass_hz": 6000.0, "compress_ratio": 2.0, "compress_threshold_db": -6.0, "pad_s": 0.5}
    assert set(changed) == {f.name for f in fields(Profile)}
    keys = {replace(base, **{name: value}).key() for name, value in changed.items()}
    assert len(keys) == len(changed) and base.key() not in keys


@pytest.mark.parametrize("audio, line, message", [
    ("  highpass_hz: 5\n", 3, "'highpass_hz' is 5; use 0 to turn the filter off, or at least 20"),
    ("  lowpass_hz: 30000\n", 3, "'lowpass_hz' is 30000; expected a value from 0 to 20000"),
    ("  sample_rate: 16000\n  lowpass_hz: 9000\n", 4, "lowpass_hz 9000 must be below half the sample rate (8000)"),
    ("  highpass_hz: 300\n  lowpass_hz: 1000\n", 4, None),
    ("  lowpass_hz: 1000\n  highpass_hz: 1000\n", 3, "lowpass_hz 1000 must be above highpass_hz 1000"),
    ("  compress_ratio: 0.5\n", 3, "'compress_ratio' is 0.5; expected a value from 1 to 20"),
    ("  pad_s: yes\n", 3, "'pad_s' must be a number, not 'yes'"),
    ("  pad: 1\n", 3, "unknown key 'pad' in audio (did you mean 'pad_s'?); expected one of: compress_ratio, "
                      "compress_threshold_db, highpass_hz, lowpass_hz, pad_s, sample_rate, target_lufs, true_peak_dbtp"),
])
def test_bad_audio_settings_name_the_line(audio, line, message):
    if message is None:  # a valid profile: a high-pass at 300 Hz under a low-pass at 1 kHz
        assert config("audio:\n" + audio).profile.lowpass_hz == 1000
        return
    with pytest.raises(InputError) as caught:
        config("audio:\n" + audio)
    assert (caught.value.line, caught.value.message) == (line, message)
