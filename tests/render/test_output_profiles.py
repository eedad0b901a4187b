"""Per-output profiles: station.yaml names variants of its processing, a schedule output names one, and
that output airs audio rendered with it (planned, urgent, exported)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.airing_log import airing_fields
from broadcaster.audiofile import read_wav
from broadcaster.cli import cli
from broadcaster.config import Profile
from broadcaster.errors import InputError
from broadcaster.playout.events import AiringEvent
from broadcaster.playout.priority import DEFAULT_POLICY, PRIORITY
from broadcaster.render.loudness import integrated_lufs
from broadcaster.schedule.parser import load_schedules
from broadcaster.station import Station
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, approved_station
from tests.render.test_profile import config

PROFILES = """\
profiles:
  xe-loa:                 # loa gắn trên xe: to hơn, cắt trầm nhiều hơn, nén cho đường phố ồn
    target_lufs: -14
    highpass_hz: 250
    compress_ratio: 3
    pad_s: 0.5
"""
SCHEDULE = """\
outputs:
  loa-xa:
    device: loa_xa
  xe-loa:
    device: xe_loa_1
    profile: xe-loa
sessions:
  - name: Buổi sáng
    start: "05:30"
    outputs: [loa-xa, xe-loa]
    items:
      - gioi-thieu
      - khau-hieu-5k
"""


def station_with_profiles(root: Path, approve: bool = True) -> Station:
    """The sample station with the profile 'xe-loa' and a schedule for both outputs."""
    with open(root / "station.yaml", "a", encoding="utf-8") as f:
        f.write(PROFILES)
    for old in (root / "schedules").glob("*.yaml"):
        old.unlink()
    (root / "schedules" / "lich.yaml").write_text(SCHEDULE, encoding="utf-8")
    return approved_station(root, ("gioi-thieu", "khau-hieu-5k"), render=approve)


def test_a_named_profile_is_the_stations_with_some_settings_changed():
    station = config("audio:\n  target_lufs: -18\n  lowpass_hz: 7000\n" + PROFILES)
    assert station.profiles == {"xe-loa": Profile(target_lufs=-14, highpass_hz=250, lowpass_hz=7000, compress_ratio=3,
                                                  pad_s=0.5)}
    assert station.profile_named("xe-loa").key() != station.profile_named("").key()


@pytest.mark.parametrize("text, line, message", [
    ("profiles:\n  xe-loa:\n    sample_rate: 48000\n", 4,
     "sample_rate is set once for the whole station, under 'audio:'; every output plays at that rate"),
    ("profiles:\n  Xe Loa:\n    pad_s: 1\n", 3,
     "profile name 'Xe Loa' must be lower-case letters without accents, digits and '-'"),
    ("profiles:\n  xe-loa:\n    target: -14\n", 4, "unknown key 'target' in profile 'xe-loa' (did you mean "
                                                   "'target_lufs'?); expected one of: compress_ratio, "
                                                   "compress_threshold_db, highpass_hz, lowpass_hz, pad_s, "
                                                   "target_lufs, true_peak_dbtp"),
    ("profiles:\n  xe-loa: -14\n", 3, "profile 'xe-loa' must be a mapping of 'key: value' lines"),
])
def test_bad_profiles_name_the_line(text, line, message):
    with pytest.raises(InputError) as caught:
        config(text)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_an_output_names_its_profile(tmp_path):
    path = tmp_path / "lich.yaml"
    path.write_text(SCHEDULE, encoding="utf-8")
    outputs = load_schedules([path]).outputs
    assert (outputs["loa-xa"].profile, outputs["xe-loa"].profile) == ("", "xe-loa")
    path.write_text(SCHEDULE.replace("profile: xe-loa", "profile: ''"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_schedules([path])
    assert (caught.value.line, caught.value.message) == (6, "profile must be the name of a profile in station.yaml")


def test_a_profile_station_yaml_does_not_define_is_refused_with_the_output(station_dir):
    station = station_with_profiles(station_dir, approve=False)
    (station_dir / "schedules" / "lich.yaml").write_text(SCHEDULE.replace("profile: xe-loa", "profile: xe"),
                                                         encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Station(station_dir).planner.schedule()
    assert str(caught.value) == (f"{station_dir / 'schedules' / 'lich.yaml'}:4: output 'xe-loa' uses the profile "
                                 "'xe', which station.yaml does not define (its profiles: xe-loa)")
    assert station.library.get("gioi-thieu")


def test_each_output_airs_the_audio_of_its_own_profile(station_dir):
    station = station_with_profiles(station_dir)
    plan = station.planner.plan(NOW.date(), NOW)
    assert not plan.warnings and not plan.problems
    by_output = {output: [a for a in plan.airings if a.output == output] for output in ("loa-xa", "xe-loa")}
    assert [a.announcement for a in by_output["loa-xa"]] == [a.announcement for a in by_output["xe-loa"]] == [
        "gioi-thieu", "khau-hieu-5k"]
    for here, there in zip(by_output["loa-xa"], by_output["xe-loa"]):
        ours, rate = read_wav(here.asset_path)
        theirs, _ = read_wav(there.asset_path)
        assert integrated_lufs(ours, rate) == pytest.approx(-16, abs=0.2)
        assert integrated_lufs(theirs, rate) == pytest.approx(-14, abs=0.2)
        # The vehicle's items carry half a second of silence either side: its session runs longer (give
        # or take a 10 ms frame of trimming: the silence is judged after filters that differ; and each
        # profile's audio is spoken anew, by an espeak-ng whose speech varies by some milliseconds from
        # one synthesis to the next in a process).
        assert len(theirs) - len(ours) == pytest.approx(rate, abs=0.03 * rate)
        assert (there.end - there.start).total_seconds() == pytest.approx(len(theirs) / rate, abs=0.002)
    assert by_output["xe-loa"][1].start == by_output["xe-loa"][0].end


def test_render_makes_every_profile_and_says_which(station_dir):
    station = station_with_profiles(station_dir, approve=False)
    runner = CliRunner()
    result = runner.invoke(cli, ["render", "--dry-run"], obj=Station(station_dir), catch_exceptions=False)
    assert result.output == ("would render gioi-thieu (vie)\nwould render gioi-thieu (vie, profile xe-loa)\n"
                             "would render khau-hieu-5k (vie)\nwould render khau-hieu-5k (vie, profile xe-loa)\n"
                             "4 to render\n")
    result = runner.invoke(cli, ["render"], obj=Station(station_dir), catch_exceptions=False)
    assert "khau-hieu-5k (vie, profile xe-loa): " in result.output and result.output.endswith("4 rendered\n")
    assert station.renders.asset(station.library.get("gioi-thieu").announcement.variants[0], "xe-loa").lufs == \
        pytest.approx(-14, abs=0.1)


def test_changing_a_profile_keeps_the_approval_and_renders_again(station_dir):
    """An approval covers what is said, not how it is processed (issue 17)."""
    station_with_profiles(station_dir)
    path = station_dir / "station.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("target_lufs: -14", "target_lufs: -12"), encoding="utf-8")
    station = Station(station_dir)
    assert station.library.get("gioi-thieu").approved
    variant = station.library.get("gioi-thieu").announcement.variants[0]
    assert station.renders.needs_render(variant, "xe-loa") and not station.renders.needs_render(variant, "")
    assert station.renders.render(variant, "xe-loa")[0].lufs == pytest.approx(-12, abs=0.1)


def test_an_urgent_airing_on_an_output_uses_its_profile(station_dir):
    station = station_with_profiles(station_dir)
    now = dt.datetime.combine(NOW.date(), dt.time(10, 0), tzinfo=station.config.tz)
    request = station.playout.urgent_request("khau-hieu-5k", [], PRIORITY, DEFAULT_POLICY[PRIORITY], None, None, "", "", "",
                                     now)
    assert request["profiles"] == {"loa-xa": "", "xe-loa": "xe-loa"}
    request["id"] = "u1"  # as the mailbox numbers it
    variant = station.library.get("khau-hieu-5k").announcement.variants[0]
    for output, profile in request["profiles"].items():
        [airing] = station.playout.urgent_airings(request, output, now, 0)
        assert airing.asset_path == station.renders.asset(variant, profile).path


def test_an_urgent_airing_carries_who_ordered_it_and_why(station_dir):
    station = station_with_profiles(station_dir)
    station.users.add("Y Bhim Niê", "operator", "mật khẩu của Bhim", NOW, (SUPERVISOR, PASSPHRASE))
    now = dt.datetime.combine(NOW.date(), dt.time(10, 0), tzinfo=station.config.tz)
    request = station.playout.urgent_request("khau-hieu-5k", ["loa-xa"], PRIORITY, DEFAULT_POLICY[PRIORITY], None, None,
                                     "Y Bhim Niê", "mật khẩu của Bhim", "dịch bệnh tăng", now)
    request["id"] = "u1"
    [airing] = station.playout.urgent_airings(request, "loa-xa", now, 0)
    record = airing_fields(AiringEvent("aired", airing, "loa-xa", now, airing.end))
    assert (record["ordered_by"], record["order_reason"]) == ("Y Bhim Niê", "dịch bệnh tăng")
