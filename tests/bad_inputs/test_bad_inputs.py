"""Every case of the bad-input corpus (cases.py) through the command line: the exact message, the exit code,
no traceback, and the station folder unchanged (hashed before and after)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.bad_inputs.cases import CASES, Case
from tests.faults.conftest import SHORT_TONES, copy_station, make_station, tone
from tests.helpers import OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, digest
from tests.logdata import at, build_log, event

CORPUS = Path(__file__).parent
SCHEDULE = ("outputs:\n  loa-xa:\n    device: default\nsessions:\n  - name: Buổi sáng\n    start: '05:30'\n"
            "    output: loa-xa\n    items: [mot, hai]\n")
RESULTS: dict[str, bool] = {}


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A station with four approved, rendered announcements (mot, hai, ba, bon) and a daily schedule."""
    root = tmp_path_factory.mktemp("bad-inputs") / "xa"
    make_station(root, tones=SHORT_TONES)
    (root / "schedules" / "lich.yaml").write_text(SCHEDULE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The inputs too big to check in (or built from a log), made once."""
    folder = tmp_path_factory.mktemp("made")
    line = "# một dòng chú thích để làm cho tệp lịch thật lớn\n".encode()
    big = SCHEDULE.encode() + line * ((10_000_000 - len(SCHEDULE.encode())) // len(line))
    (folder / "ten-megabytes.yaml").write_bytes(big + b"#" * (10_000_000 - len(big) - 1) + b"\n")
    sentence = "Thông báo tiêm vắc-xin cho trẻ em tại trạm y tế xã. ".encode()
    text = sentence * (1_000_000 // len(sentence))
    (folder / "one-megabyte.md").write_bytes(text + b"." * (1_000_000 - len(text)))
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=200:sample_rate=8000", "-t", "10800", str(folder / "three-hours.flac")], check=True)
    vehicle = build_log(folder / "xe", [event(at(d, 7, 0), "tiem-vac-xin") for d in (1, 2, 3)], station="xe-loa-1")
    vehicle.export(dt.date(2026, 11, 1), dt.date(2026, 11, 30), folder / "altered-bundle.json")
    bundle = json.loads((folder / "altered-bundle.json").read_text(encoding="utf-8"))
    bundle["chains"][0]["records"][1]["status"] = "missed"  # what a vehicle would like its log to say
    (folder / "altered-bundle.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    if hasattr(os, "mkfifo"):
        (folder / "zero.md").symlink_to("/dev/zero")
        (folder / "zero.wav").symlink_to("/dev/zero")
        os.mkfifo(folder / "pipe.yaml")
    return folder


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_bad_input_is_refused_with_a_clear_message(case: Case, template, made, tmp_path):
    station = copy_station(template, tmp_path / "xa")
    file = None
    if case.file is not None:
        file = made / case.file.removeprefix("made:") if case.file.startswith("made:") else CORPUS / case.file
    if case.into:
        shutil.copyfile(file, station.root / case.into)
    before = digest(station.root)
    args = [a.format(file=file) for a in case.args]
    result = CliRunner().invoke(cli, ["--station", str(station.root), *args], input="",
                                env={"BROADCASTER_PASSPHRASE": PASSPHRASE})
    expected = case.expected.format(file=file, station=station.root)
    lines = result.output.splitlines()
    clean = result.exit_code == case.code and (result.exception is None or isinstance(result.exception, SystemExit)) \
        and "Traceback" not in result.output and expected in lines \
        and (not expected.startswith("Error: ") or lines[-1] == expected) and digest(station.root) == before
    RESULTS[case.name + " ".join(case.args)] = clean
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit)), \
        result.output
    assert result.exit_code == case.code, result.output
    assert expected in lines, result.output
    if expected.startswith("Error: "):
        assert lines[-1] == expected  # the error is the last word, on one line
    assert digest(station.root) == before


@pytest.mark.parametrize("channels,rate", [(8, 44100), (1, 192000), (8, 192000)])
def test_eight_channels_and_192_khz_are_accepted_and_converted(channels, rate, template, tmp_path):
    station = copy_station(template, tmp_path / "xa")
    clip = tmp_path / "ghi-am-rad.wav"
    samples = tone(440.0, 1.0, rate)
    soundfile.write(clip, np.repeat(samples[:, None], channels, axis=1), rate, subtype="PCM_16")
    runner = CliRunner()
    added = runner.invoke(cli, ["--station", str(station.root), "content", "add", str(clip), "--id", "ghi-am",
                                "--lang", "rad", "--by", OFFICER], env={"BROADCASTER_PASSPHRASE": OFFICER_PASSPHRASE},
                          catch_exceptions=False)
    assert (added.exit_code, added.output) == (0, "ghi-am: added (draft)\n")
    approved = runner.invoke(cli, ["--station", str(station.root), "content", "approve", "ghi-am", "--by", SUPERVISOR],
                             env={"BROADCASTER_PASSPHRASE": PASSPHRASE}, catch_exceptions=False)
    assert approved.exit_code == 0, approved.output
    variant = Station(station.root).library.get("ghi-am").announcement.variant("rad")
    assert variant.duration_s == 1.0
    asset = Station(station.root).renders.asset(variant)
    info = soundfile.info(asset.path)
    assert (info.channels, info.samplerate, info.frames) == (1, 44100, 44100)
    played, _ = soundfile.read(asset.path, dtype="float32")
    spectrum = np.abs(np.fft.rfft(played * np.hanning(len(played))))
    assert abs(np.fft.rfftfreq(len(played), 1 / 44100)[spectrum.argmax()] - 440.0) < 2.0  # the same sound


def test_summary(request):
    """The figures for the issue: how many bad inputs were tried and how many cleanly rejected."""
    if not RESULTS:
        pytest.skip("the corpus did not run in this session")
    print(f"bad inputs tried: {len(RESULTS)}, cleanly rejected: {sum(RESULTS.values())}")
    assert len(RESULTS) == len(CASES)
