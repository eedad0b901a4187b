"""The rest of the schedule format: outputs with backups and gain, several outputs, dated and one-off
sessions, loops, item kinds, exceptions, quiet hours, caps; and `schedule check` from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.errors import InputError
from broadcaster.schedule.model import CHIME, RELAY, SILENCE, TOPIC, Exception_, QuietHours
from broadcaster.schedule.parser import load_schedules
from broadcaster.station import Station
from tests.helpers import approved_station

FULL = """\
quiet_hours: {from: "21:00", until: "05:30"}
max_session: 15m
exceptions:
  - 2026-09-02
  - {from: 2027-02-16, until: 2027-02-20, reason: Tết Nguyên đán}
outputs:
  loa-xa: {device: loa_xa, backup: [loa_du_phong, default], gain: -3}
  xe-loa-1: {device: xe_loa_1}
sessions:
  - name: Buổi sáng
    start: "05:30"
    outputs: [loa-xa, xe-loa-1]
    from: 2026-11-01
    until: 2026-12-31
    max_length: 20m
    on_interrupt: drop
    items:
      - chime: audio/nhac-hieu.wav
      - silence: 3s
      - topic: vaccination
      - announcement: thong-diep-5k
        languages: [vie, rad]
      - relay: http://127.0.0.1:8000/vov1
        duration: 30m
        fallback: gioi-thieu
  - name: Họp dân
    start: "19:00"
    date: 2026-11-30
    output: loa-xa
    items: [tin-gia]
  - name: Xe loa sáng
    start: "08:00"
    loop_until: "11:00"
    loop_gap: 30s
    output: xe-loa-1
    items: [thong-diep-5k]
"""


def test_the_whole_format(tmp_path):
    path = tmp_path / "lich.yaml"
    path.write_text(FULL, encoding="utf-8")
    s = load_schedules([path])
    assert s.quiet_hours == QuietHours(dt.time(21), dt.time(5, 30)) and s.max_session_s == 900
    assert s.exceptions == (Exception_(dt.date(2026, 9, 2), dt.date(2026, 9, 2)),
                            Exception_(dt.date(2027, 2, 16), dt.date(2027, 2, 20), "Tết Nguyên đán"))
    assert s.outputs["loa-xa"].backups == ("loa_du_phong", "default") and s.outputs["loa-xa"].gain_db == -3
    morning = [x for x in s.sessions if x.name == "Buổi sáng"]
    assert [x.output for x in morning] == ["loa-xa", "xe-loa-1"]
    m = morning[0]
    assert (m.date_from, m.date_until, m.max_length_s, m.on_interrupt) == (
        dt.date(2026, 11, 1), dt.date(2026, 12, 31), 1200, "drop")
    assert [i.kind for i in m.items] == [CHIME, SILENCE, TOPIC, "announcement", RELAY]
    assert m.items[3].languages == ("vie", "rad")
    assert (m.items[4].relay, m.items[4].relay_s, m.items[4].fallback) == ("http://127.0.0.1:8000/vov1", 1800,
                                                                           "gioi-thieu")
    once = next(x for x in s.sessions if x.name == "Họp dân")
    assert once.runs_on(dt.date(2026, 11, 30)) and not once.runs_on(dt.date(2026, 12, 1))
    loop = next(x for x in s.sessions if x.name == "Xe loa sáng")
    assert (loop.loop_until, loop.loop_gap_s) == (dt.time(11), 30)


@pytest.mark.parametrize("old,new,line,message", [
    ("    date: 2026-11-30\n", "    date: 2026-11-30\n    days: [mon]\n", 28,
     "a one-off session has 'date:' alone, without days, from or until"),
    ('    loop_until: "11:00"', '    loop_until: "07:00"', 33, "loop_until 07:00:00 is not after the start 08:00:00"),
    ("        duration: 30m\n", "", 23, "a relay needs 'duration:' (e.g. 30m)"),
    ("      - relay: http://127.0.0.1:8000/vov1", "      - relay: vov1", 23,
     "relay 'vov1' must be a stream address starting with http:// or https://"),
    ("    on_interrupt: drop", "    on_interrupt: later", 16, "on_interrupt 'later' must be 'replay' or 'drop'"),
    ("  loa-xa: {device: loa_xa, backup: [loa_du_phong, default], gain: -3}",
     "  loa-xa: {device: loa_xa, gain: loud}", 7, "gain 'loud' must be a number of dB from -40 to 12"),
    ("  - {from: 2027-02-16, until: 2027-02-20, reason: Tết Nguyên đán}",
     "  - {from: 2027-02-20, until: 2027-02-16}", 5, "until is before from"),
    ('quiet_hours: {from: "21:00", until: "05:30"}', 'quiet_hours: {from: "21:00"}', 1,
     "quiet_hours needs 'from:' and 'until:'"),
    ("    outputs: [loa-xa, xe-loa-1]", "    outputs: [loa-xa, xe-loa-2]", 12, "unknown output 'xe-loa-2'"),
    ("      - silence: 3s", "      - silence: 3s\n        announcement: tin-gia", 19,
     "an item needs exactly one of"),
])
def test_broken_features_name_the_line(tmp_path, old, new, line, message):
    assert old in FULL
    path = tmp_path / "lich.yaml"
    path.write_text(FULL.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_schedules([path])
    assert (Path(err.value.path), err.value.line) == (path, line)
    assert err.value.message.startswith(message)


def test_schedule_check_reports_overlaps_with_both_places_and_exits_2(station_dir):
    approved_station(station_dir, ("gioi-thieu", "khau-hieu-5k"))
    path = station_dir / "schedules" / "hang-ngay.yaml"
    path.write_text("outputs:\n  loa-xa: {device: loa_xa}\nsessions:\n"
                    "  - {name: Sáng, start: '05:30', output: loa-xa, items: [gioi-thieu, khau-hieu-5k]}\n"
                    "  - {name: Chen, start: '05:30:10', output: loa-xa, items: [gioi-thieu]}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", "check"], obj=Station(station_dir))
    assert result.exit_code == 2, result.output
    assert (f"problem: loa-xa: session 'Chen' ({path}:5) starts at 05:30:10 and overlaps session 'Sáng' ({path}:4)"
            in result.output)
    path.write_text("outputs:\n  loa-xa: {device: loa_xa}\nsessions:\n"
                    "  - {name: Sáng, start: '05:30', output: loa-xa, items: [gioi-thieu, khau-hieu-5k]}\n",
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", "check"], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 0 and result.output.endswith("the schedule is fine\n")


def test_schedule_check_of_a_file_outside_the_station(station_dir, tmp_path):
    path = tmp_path / "moi.yaml"
    path.write_text("outputs:\n  loa: {device: loa_xa}\nsessions:\n  - name: X\n    start: '5:3O'\n"
                    "    output: loa\n    items: [gioi-thieu]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", "check", str(path)], obj=Station(station_dir))
    assert result.exit_code == 2
    assert result.output == (f"Error: {path}:5: start '5:3O' is not a time of day; expected HH:MM such as 05:30 "
                             "or 17:00\n")


def test_a_backup_may_be_a_wav_file_tried_after_the_backup_devices(tmp_path):
    path = tmp_path / "lich.yaml"
    path.write_text("outputs:\n  a: {device: loa_xa, backup: {file: du-phong.wav}}\n"
                    "  b:\n    device: loa_xa\n    backup:\n      - loa_2\n      - file: b.wav\nsessions: []\n",
                    encoding="utf-8")
    s = load_schedules([path])
    assert (s.outputs["a"].backups, s.outputs["a"].backup_file) == ((), "du-phong.wav")
    assert (s.outputs["b"].backups, s.outputs["b"].backup_file) == (("loa_2",), "b.wav")


def test_schedule_check_accepts_vietnamese_weekdays_and_names_a_wrong_one(station_dir):
    approved_station(station_dir, ("gioi-thieu",))
    path = station_dir / "schedules" / "hang-ngay.yaml"
    path.write_text("outputs:\n  loa-xa: {device: loa_xa}\nsessions:\n"
                    "  - {name: Sáng, start: '05:30', output: loa-xa, days: [T2, thứ tư, Chủ Nhật],"
                    " items: [gioi-thieu]}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", "check"], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 0 and result.output.endswith("the schedule is fine\n"), result.output
    path.write_text(path.read_text(encoding="utf-8").replace("T2", "T8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["schedule", "check"], obj=Station(station_dir))
    assert result.exit_code == 2
    assert result.output == (f"Error: {path}:4: 'T8' is not a day of the week; expected mon, tue, wed, thu, fri, sat,"
                             " sun (or t2 ... t7, cn) or 'daily'\n")
