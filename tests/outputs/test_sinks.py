"""One contract for every sink: what is played comes out whole. The sounddevice sink goes through
the real PortAudio into an ALSA device that writes a file."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from broadcaster.errors import DeviceError
from broadcaster.outputs.sinks import SoundDeviceSink, WavFileSink, find_device, output_devices
from tests.conftest import CAPTURE_DIR, captured, similarity, trim_silence

RATE = 44100


def _chirp(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.5 * np.sin(2 * np.pi * (200 + 400 * t) * t)).astype(np.float32)


@pytest.fixture(params=["wav", "sounddevice"])
def sink_and_capture(request, tmp_path, clean_captures):
    if request.param == "wav":
        path = tmp_path / "out.wav"
        return WavFileSink(path), path
    return SoundDeviceSink("xe_loa_1"), captured("xe_loa_1")


def test_sink_plays_audio_whole(sink_and_capture):
    sink, path = sink_and_capture
    signal = _chirp(1.5)
    sink.open(RATE)
    for start in range(0, len(signal), 441):
        sink.write(signal[start:start + 441])
    sink.close()
    played, rate = soundfile.read(path, dtype="float32")
    assert rate == RATE
    played = trim_silence(played)
    assert similarity(played, signal) > 0.999
    assert abs(len(played) - len(signal)) <= RATE * 0.01


def test_wav_sink_appends_items_and_is_whole_after_each_close(tmp_path):
    sink = WavFileSink(tmp_path / "loa.wav")
    sink.open(RATE)
    sink.write(_chirp(0.5))
    sink.close()
    assert soundfile.info(tmp_path / "loa.wav").frames == int(0.5 * RATE)
    sink.open(RATE)
    sink.write(_chirp(0.25))
    sink.close()
    assert soundfile.info(tmp_path / "loa.wav").frames == int(0.5 * RATE) + int(0.25 * RATE)


def test_named_alsa_devices_are_listed():
    names = {d["name"] for d in output_devices()}
    assert {"loa_xa", "xe_loa_1"} <= names
    assert CAPTURE_DIR.exists()


def test_unknown_device_names_the_device_and_lists_others():
    with pytest.raises(DeviceError) as err:
        find_device("loa-thon-3")
    assert "sound device 'loa-thon-3' not found" in str(err.value)
    assert "loa_xa" in str(err.value)
