"""`broadcaster record`: through real PortAudio from an ALSA microphone that plays a known file."""

from __future__ import annotations

import re
import threading
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.content.library import APPROVED
from broadcaster.errors import DeviceError
from broadcaster.outputs.microphone import Microphone
from broadcaster.render.cache import resample
from broadcaster.render.loudness import integrated_lufs
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.station import Station
from tests.conftest import MICROPHONE, microphone_hears, similarity
from tests.helpers import NOW, OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, approved_station, with_supervisor

RATE = 44100
TITLE = "Thông báo của Ủy ban nhân dân xã về lịch tiêm vắc-xin"


@pytest.fixture(scope="module")
def voice() -> np.ndarray:
    """A Vietnamese sentence as spoken into the microphone, at a comfortable level."""
    speech = resample(EspeakEngine().synthesize("Bà con chú ý, sáng mai tiêm vắc xin tại trạm y tế xã."), RATE)
    return (0.5 * speech / np.abs(speech).max()).astype(np.float32)


def record(station: Station, *args: str):
    """Run `broadcaster record` on the test microphone."""
    return CliRunner().invoke(cli, ["record", *args, "--device", MICROPHONE], obj=station)


def new_files(station: Station) -> list:
    """The files under the station's audio/ folder."""
    folder = station.root / "audio"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_new_announcement_is_recorded_trimmed_and_stored_as_a_draft_clip(station_dir, voice):
    # A second of silence, the sentence (about 4 s), a second and a half of silence; 7 s recorded.
    microphone_hears(np.concatenate([np.zeros(RATE), voice, np.zeros(3 * RATE // 2)]))
    station = with_supervisor(station_dir)
    result = record(station, "thong-bao-tiem", "--lang", "rad", "--title", TITLE, "--topic", "vaccination",
                    "--seconds", "7", "--by", "Y Bhim Niê")
    assert result.exit_code == 0, result.output
    match = re.fullmatch(
        r"Recording 'thong-bao-tiem' \(rad\) from recording device 'micro_thu': speak now; press Enter to stop\.\n"
        r"thong-bao-tiem: added \(draft\); the rad recording is (audio/thong-bao-tiem-rad-\d{8}-\d{6}\.wav): "
        r"(\d+\.\d) s of the 7\.0 s recorded, the silence before and after it trimmed\n", result.output)
    assert match, result.output
    stored, rate = soundfile.read(station_dir / match.group(1), dtype="float32")
    # The sentence, sounding as it went in, with at most 0.15 s (and a 10 ms frame) of the silence kept
    # either side of it (the speech engine's own quiet edges may go too).
    assert rate == RATE
    assert len(voice) / RATE - 0.1 <= len(stored) / RATE <= len(voice) / RATE + 0.32
    assert float(match.group(2)) == pytest.approx(len(stored) / RATE, abs=0.05)
    assert similarity(stored, voice) > 0.999
    entry = station.library.get("thong-bao-tiem")
    assert (entry.status, entry.announcement.title, entry.announcement.topic) == ("draft", TITLE, "vaccination")
    variant = entry.announcement.variants[0]
    assert (variant.language, variant.kind, variant.source) == ("rad", "clip", match.group(1))
    assert (station_dir / (match.group(1) + ".yaml")).exists()
    # Approved, it is rendered like any clip: processed to the station's loudness.
    station.content.claim("thong-bao-tiem", OFFICER, OFFICER_PASSPHRASE, NOW)  # recorded at the PC: claimed, then approved
    station.content.decide("thong-bao-tiem", APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    asset = station.renders.asset(variant)
    rendered, _ = soundfile.read(asset.path, dtype="float32")
    assert integrated_lufs(rendered, RATE) == pytest.approx(station.config.profile.target_lufs, abs=0.2)


def test_a_recording_adds_a_language_to_an_announcement_which_goes_back_to_draft(station_dir, voice):
    station = approved_station(station_dir, ("gioi-thieu",))
    microphone_hears(voice)
    result = record(station, "gioi-thieu", "--lang", "jra", "--seconds", "3")
    assert result.exit_code == 0, result.output
    assert "gioi-thieu: updated (changed since approval)" in result.output
    entry = station.library.get("gioi-thieu")
    assert entry.announcement.languages() == ("vie", "jra") and not entry.approved


@pytest.mark.parametrize("level,clip,warning", [
    (3.0, True, "warning: the sound clipped ("),
    (0.01, False, "warning: the recording is very quiet (its loudest sound is -40 dBFS): speak closer to the "
                  "microphone or turn its level up, and record again\n"),
], ids=["clipped", "quiet"])
def test_a_clipped_or_quiet_take_is_stored_with_a_warning(station_dir, voice, level, clip, warning):
    take = voice / np.abs(voice).max() * level
    microphone_hears(np.clip(take, -1, 1) if clip else take)
    result = record(with_supervisor(station_dir), "loa-moi", "--lang", "vie", "--title", "Loa mới", "--seconds", "3")
    assert result.exit_code == 0, result.output
    assert warning in result.output
    assert "loa-moi: added (draft)" in result.output


def test_silence_is_refused_and_nothing_is_stored(station_dir):
    microphone_hears(np.zeros(3 * RATE, dtype=np.float32))
    station = with_supervisor(station_dir)
    before = new_files(station)
    result = record(station, "im-lang", "--lang", "vie", "--title", "Im lặng", "--seconds", "2")
    assert result.exit_code == 2
    assert result.output.endswith("Error: nothing was recorded: the microphone gave only silence (its loudest sound "
                                  "is -200 dBFS); is it plugged in, switched on and chosen with --device?\n")
    assert new_files(station) == before and station.library.find("im-lang") is None


@pytest.mark.parametrize("args,code,message", [
    (["moi", "--lang", "vie", "--seconds", "2"], 2, "Error: 'moi' is a new announcement: give it a title with --title\n"),
    (["gioi-thieu", "--lang", "vie", "--title", "X", "--seconds", "2"], 2,
     "Error: 'gioi-thieu' already exists ('Lời giới thiệu chương trình phát thanh'): --title and --topic are for a "
     "new announcement\n"),
    (["moi", "--lang", "viet", "--title", "X", "--seconds", "2"], 2,
     "Error: language 'viet' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)\n"),
    (["Mới", "--lang", "vie", "--title", "X", "--seconds", "2"], 2,
     "Error: 'Mới' is not a usable id: use lower-case letters without accents, digits and '-' (e.g. thong-diep-5k)\n"),
    (["moi", "--lang", "vie", "--title", "X", "--topic", "thoi-tiet", "--seconds", "2"], 2,
     "Error: unknown topic 'thoi-tiet'; the station's topics are: covid-prevention, vaccination, policy, "
     "agriculture, general (add more under 'topics:' in station.yaml)\n"),
    (["moi", "--lang", "vie", "--title", "X"], 2, "there is no keyboard to press Enter on: say how long to record "
                                                   "with --seconds\n"),
])
def test_a_recording_that_could_not_be_stored_is_refused_before_anyone_speaks(station_dir, args, code, message):
    station = approved_station(station_dir, ("gioi-thieu",), render=False)
    result = record(station, *args)
    assert result.exit_code == code
    assert result.output.endswith(message)
    assert "Recording" not in result.output


def test_an_unknown_microphone_is_named_with_those_there_are(station_dir):
    result = CliRunner().invoke(cli, ["record", "moi", "--lang", "vie", "--title", "X", "--seconds", "2",
                                      "--device", "micro_khong_co"], obj=with_supervisor(station_dir))
    assert result.exit_code == 1
    assert re.search(r"Error: recording device 'micro_khong_co' not found; devices that can record: .*micro_thu",
                     result.output)


def test_recording_stops_when_asked_and_reports_its_level_on_the_way(voice):
    microphone_hears(np.concatenate([voice, voice]))
    stop, levels = threading.Event(), []

    def listen(level):
        levels.append(level)
        if level.elapsed_s >= 1.0:
            stop.set()  # as the Enter key does

    samples = Microphone(MICROPHONE).record(RATE, stop, 30.0, listen)
    assert len(samples) == 10 * RATE // 10  # ten blocks of 0.1 s, then the stop was seen
    assert np.array_equal(samples, voice[: len(samples)])
    assert [round(level.elapsed_s, 1) for level in levels] == [round(0.1 * n, 1) for n in range(1, 11)]
    assert [level.peak_dbfs for level in levels] == pytest.approx(
        [20 * np.log10(np.abs(block).max()) for block in samples.reshape(10, -1)], abs=1e-4)


def test_a_computer_without_a_microphone_says_so(monkeypatch):
    # PortAudio says -1 for the default input of a computer with no sound card (sounddevice's own
    # defaults are left alone: they do not come back as they were once changed).
    without = SimpleNamespace(default=SimpleNamespace(device=[-1, -1]))
    monkeypatch.setattr("broadcaster.outputs.microphone.portaudio", lambda: without)
    with pytest.raises(DeviceError, match="there is no microphone on this computer"):
        Microphone().record(RATE, threading.Event(), 1.0)


def test_devices_lists_the_microphones(station_dir):
    result = CliRunner().invoke(cli, ["devices"], obj=Station(station_dir), catch_exceptions=False)
    recording = result.output[result.output.index("Sound devices that can record"):]
    assert re.search(r"│ +\d+ +│ micro_thu +│ +128 +│ 44100 +│", recording), recording
