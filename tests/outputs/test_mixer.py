"""Outputs on channels of one device: the real engine plays through one PortAudio stream into an ALSA
device that writes a multichannel file, and each output's items come out on its channels, at their
planned distance from one another."""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.errors import DeviceError
from broadcaster.outputs.mixer import DeviceMixer, MixerSink, mixers_for
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.engine import OutputSinks, PlayoutEngine
from broadcaster.playout.events import AIRED, AiringEvent, DeviceEvent
from broadcaster.schedule.plan import Plan, PlannedAiring
from broadcaster.station import Station
from tests.conftest import captured

RATE = 44100
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def tone(path, frequency: float, seconds: float) -> str:
    t = np.arange(int(seconds * RATE)) / RATE
    soundfile.write(path, (0.5 * np.sin(2 * np.pi * frequency * t)).astype(np.float32), RATE, subtype="FLOAT")
    return str(path)


def airing(output: str, start: dt.datetime, asset: str, n: int) -> PlannedAiring:
    return PlannedAiring(key=f"{output}/{n}", output=output, session="Sáng", start=start,
                         end=start + dt.timedelta(seconds=0.3), announcement=f"tin-{n}", title="Thông báo",
                         topic="general", fingerprint="f", asset_path=asset)


def air(outputs: dict[str, OutputSinks], airings: list[PlannedAiring], folder) -> list[object]:
    """Run the engine until every airing has its outcome."""
    engine = PlayoutEngine(outputs, SystemClock(TZ), RATE, folder / "onair", grace_s=30)
    events: list[object] = []
    engine.subscribe(events.append)
    engine.load(Plan(day=airings[0].start.date(), airings=tuple(airings), warnings=()))
    engine.start()
    deadline = time.monotonic() + 30
    while engine.pending() and time.monotonic() < deadline:
        time.sleep(0.05)
    engine.stop()
    return events


def onsets(column: np.ndarray) -> list[float]:
    """Where each tone starts, in seconds from the start of the file."""
    loud = np.abs(column) > 0.01
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    return [s / RATE for i, s in enumerate(starts) if i == 0 or s - starts[i - 1] > RATE // 10]


def test_outputs_on_channels_of_one_device_each_play_on_theirs_on_time(tmp_path, clean_captures):
    mixers = mixers_for([("cum_loa", (1,)), ("cum_loa", (2, 3))])
    assert mixers["cum_loa"].width == 3
    thon1 = OutputSinks((MixerSink(mixers["cum_loa"], (1,)),))
    thon2 = OutputSinks((MixerSink(mixers["cum_loa"], (2, 3)),), gain_db=-6)
    low, high = tone(tmp_path / "a.wav", 440, 0.3), tone(tmp_path / "b.wav", 1000, 0.3)
    first = dt.datetime.now(TZ) + dt.timedelta(seconds=2)
    plan = [airing("thon-1", first, low, 0), airing("thon-1", first + dt.timedelta(seconds=1.2), low, 1),
            airing("thon-2", first + dt.timedelta(seconds=0.5), high, 2),
            airing("thon-2", first + dt.timedelta(seconds=0.9), high, 3)]
    events = air({"thon-1": thon1, "thon-2": thon2}, plan, tmp_path)
    aired = [e for e in events if isinstance(e, AiringEvent) and e.status == AIRED]
    assert len(aired) == 4, events
    assert {e.sink for e in aired} == {"sound device 'cum_loa' channel 1", "sound device 'cum_loa' channel 2, 3"}
    played, rate = soundfile.read(captured("cum_loa"), dtype="float32")
    assert rate == RATE and played.shape[1] == 3
    left, middle, right = onsets(played[:, 0]), onsets(played[:, 1]), onsets(played[:, 2])
    assert len(left) == 2 and len(middle) == 2 and middle == right
    # One stream: every start keeps its planned distance from the first, whichever output it is on.
    got = [x - left[0] for x in (*left, *middle)]
    assert np.allclose(got, [0, 1.2, 0.5, 0.9], atol=0.005), got
    # Each channel holds its own tone, at its output's gain; nothing leaks onto the other.
    one = played[int(left[0] * RATE):int((left[0] + 0.3) * RATE)]
    assert np.abs(one[:, 0]).max() == pytest.approx(0.5, abs=0.01) and np.abs(one[:, 1:]).max() == 0
    two = played[int(middle[0] * RATE):int((middle[0] + 0.3) * RATE)]
    assert np.abs(two[:, 1]).max() == pytest.approx(0.5 * 10 ** (-6 / 20), abs=0.01) and np.abs(two[:, 0]).max() == 0
    spectrum = np.abs(np.fft.rfft(two[:, 1]))
    assert np.argmax(spectrum) * RATE / len(two) == pytest.approx(1000, abs=5)


def test_a_missing_device_fails_over_to_the_same_channel_of_the_backup(tmp_path, clean_captures):
    mixers = mixers_for([("khong_co_loa", (2,)), ("cum_loa", (2,))])
    outputs = {"thon-2": OutputSinks((MixerSink(mixers["khong_co_loa"], (2,)), MixerSink(mixers["cum_loa"], (2,))))}
    start = dt.datetime.now(TZ) + dt.timedelta(seconds=1.5)
    events = air(outputs, [airing("thon-2", start, tone(tmp_path / "a.wav", 440, 0.3), 0)], tmp_path)
    device = [e for e in events if isinstance(e, DeviceEvent)]
    assert device and "sound device 'khong_co_loa' not found" in device[0].reason
    assert device[0].failover_to == "sound device 'cum_loa' channel 2"
    assert [e.sink for e in events if isinstance(e, AiringEvent) and e.status == AIRED] == [
        "sound device 'cum_loa' channel 2"]
    played, _ = soundfile.read(captured("cum_loa"), dtype="float32")
    assert played.shape[1] == 2 and np.abs(played[:, 0]).max() == 0 and np.abs(played[:, 1]).max() > 0.4


def test_a_channel_the_device_does_not_have_is_named():
    sink = MixerSink(DeviceMixer("cum_loa", 200), (200,))
    with pytest.raises(DeviceError) as err:
        sink.open(RATE)
    assert str(err.value) == "sound device 'cum_loa' has 128 output channels; channel 200 is asked for"


def test_the_stream_is_open_while_any_output_plays_and_closed_after_the_last(clean_captures):
    mixer = DeviceMixer("cum_loa", 2)
    a, b = MixerSink(mixer, (1,)), MixerSink(mixer, (2,))
    a.open(RATE)
    b.open(RATE)
    a.write(np.full(4410, 0.25, dtype=np.float32))
    a.close()
    assert mixer._thread is not None  # b still has the stream
    b.write(np.full(4410, -0.25, dtype=np.float32))
    b.close()
    assert mixer._thread is None
    played, _ = soundfile.read(captured("cum_loa"), dtype="float32")
    assert np.count_nonzero(played[:, 0]) == 4410 and np.count_nonzero(played[:, 1]) == 4410
    with pytest.raises(DeviceError):
        a.write(np.zeros(441, dtype=np.float32))


def test_devices_checks_every_output_device_and_its_channels(station_dir):
    (station_dir / "schedules" / "hang-ngay.yaml").write_text(
        "outputs:\n  thon-1: {device: cum_loa, channel: 1, backup: loa_du_phong}\n"
        "  thon-9: {device: cum_loa, channel: 200}\nsessions: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["devices"], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert re.search(r"^thon-1: device \d+ 'cum_loa' found$", result.output, re.M), result.output
    assert any(line.startswith("thon-1: backup device NOT USABLE — sound device 'loa_du_phong' not found; devices "
                               "that can play: ") for line in lines), lines
    assert "thon-9: device NOT USABLE — sound device 'cum_loa' has 128 output channels; channel 200 is asked for" in lines


def test_one_card_written_two_ways_is_named(station_dir):
    (station_dir / "schedules" / "hang-ngay.yaml").write_text(
        "outputs:\n  thon-1: {device: cum_loa, channel: 1}\n  thon-2: {device: CUM_LOA, channel: 2}\nsessions: []\n",
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["devices"], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 1
    assert ("thon-2: device NOT USABLE — the device 'cum_loa' is written 'CUM_LOA' here: write one device's name the "
            "same way in every output that uses its channels") in result.output.splitlines()
