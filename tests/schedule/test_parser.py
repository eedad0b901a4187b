"""Schedule files: every broken file is an InputError naming the file, the exact line and the problem.

Each case writes a small schedule to ``tmp_path`` and loads it with ``load_schedules``. The expected
line numbers are 1-based lines of the text written (count the lines of the string).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from broadcaster.errors import InputError
from broadcaster.schedule.model import Item
from broadcaster.schedule.parser import load_schedules

# A correct file, for cases that break one line of it.
GOOD = """\
outputs:
  loa-xa:
    device: loa_xa
sessions:
  - name: Buổi sáng
    start: "05:30"
    days: daily
    output: loa-xa
    items:
      - gioi-thieu
      - announcement: thong-diep-5k
        repeat: 2
        gap: 10s
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(paths: list[Path]) -> InputError:
    with pytest.raises(InputError) as info:
        load_schedules(paths)
    return info.value


def test_good_file_loads(tmp_path: Path):
    schedule = load_schedules([write(tmp_path, "lich.yaml", GOOD)])
    assert list(schedule.outputs) == ["loa-xa"]
    assert [s.name for s in schedule.sessions] == ["Buổi sáng"]


# (id, file text, expected line, fragment of the message). Line None: the error is about the whole file.
BROKEN = [
    ("unclosed-bracket",
     """\
     outputs:
       loa-xa: {device: loa_xa}
     sessions:
       - name: Buổi sáng
         start: "05:30"
         output: loa-xa
         items: [gioi-thieu, thong-diep-5k
       - name: Buổi chiều
         start: "17:00"
     """,
     # The parser notices the missing ']' at the next 'key:' (line 8), not where the '[' is.
     8, "invalid YAML: expected ',' or ']'"),

    ("tab-character",
     "outputs:\n  loa-xa:\n\tdevice: loa_xa\nsessions: []\n",
     3, "a tab character; indent with spaces"),

    ("start-25:00",
     GOOD.replace('start: "05:30"', 'start: "25:00"'),
     6, "start '25:00' is not a time of day"),

    ("start-25:00-unquoted",
     GOOD.replace('start: "05:30"', "start: 25:00"),
     6, "start '25:00' is not a time of day"),

    ("start-abc",
     GOOD.replace('start: "05:30"', "start: abc"),
     6, "start 'abc' is not a time of day; expected HH:MM"),

    ("unknown-top-level-key",
     GOOD.replace("sessions:", "sesions:"),
     4, "unknown key 'sesions' in a schedule file (did you mean 'sessions'?)"),

    ("unknown-session-key",
     GOOD.replace("output: loa-xa", "outptu: loa-xa"),
     8, "unknown key 'outptu' in a session (did you mean 'output'?)"),

    ("unknown-item-key",
     GOOD.replace("repeat: 2", "repaet: 2"),
     12, "unknown key 'repaet' in an item (did you mean 'repeat'?)"),

    ("unknown-output",
     GOOD.replace("output: loa-xa", "output: loa-thon-3"),
     8, "unknown output 'loa-thon-3'; the outputs are: loa-xa"),

    ("repeat-0",
     GOOD.replace("repeat: 2", "repeat: 0"),
     12, "repeat '0' must be a whole number from 1 to 100"),

    ("repeat-two",
     GOOD.replace("repeat: 2", 'repeat: "two"'),
     12, "repeat 'two' must be a whole number from 1 to 100"),

    ("repeat-true",
     GOOD.replace("repeat: 2", "repeat: true"),
     12, "must be a whole number from 1 to 100"),

    ("gap-soon",
     GOOD.replace("gap: 10s", 'gap: "soon"'),
     13, "gap 'soon' is not a duration"),

    ("gap-over-an-hour",
     GOOD.replace("gap: 10s", "gap: 61m"),
     13, "gap '61m' is longer than an hour"),

    ("days-funday",
     GOOD.replace("days: daily", "days: [funday]"),
     7, "'funday' is not a day of the week"),

    ("days-t8",
     GOOD.replace("days: daily", "days: [t8]"),
     7, "'t8' is not a day of the week; expected mon, tue, wed, thu, fri, sat, sun (or t2 ... t7, cn)"),

    ("days-funday-second-line",
     GOOD.replace("days: daily", "days: [mon,\n            funday]"),
     8, "'funday' is not a day of the week"),

    ("days-not-a-list",
     GOOD.replace("days: daily", "days: 3"),
     7, "days must be a list"),

    ("session-missing-items",
     """\
     outputs:
       loa-xa: {device: loa_xa}
     sessions:
       - name: Buổi sáng
         start: "05:30"
         output: loa-xa
       - name: Buổi chiều
         start: "17:00"
         output: loa-xa
     """,
     4, "a session needs 'items'"),

    ("session-empty-items",
     GOOD.replace("    items:\n      - gioi-thieu\n      - announcement: thong-diep-5k\n"
                  "        repeat: 2\n        gap: 10s\n", "    items: []\n"),
     9, "a session needs at least one item"),

    ("item-without-announcement",
     GOOD.replace("- announcement: thong-diep-5k\n        repeat: 2", "- repeat: 2"),
     11, "an item needs exactly one of: announcement, topic, silence, chime, relay"),

    ("sessions-not-a-list",
     "outputs:\n  loa-xa: {device: loa_xa}\nsessions:\n  name: Buổi sáng\n",
     4, "sessions must be a list"),

    ("empty-file",
     "",
     None, "the schedule is empty"),

    ("comments-only",
     "# Lịch phát thanh\n# chưa có gì\n",
     None, "the schedule is empty"),

    ("top-level-list",
     "- name: Buổi sáng\n  start: '05:30'\n",
     1, "a schedule file must be a mapping"),

    ("output-neither-device-nor-file",
     "outputs:\n  loa-xa: {device: loa_xa}\n  loa-thon-3: {}\nsessions: []\n",
     3, "output 'loa-thon-3' needs either 'device: NAME' or 'file: PATH.wav'"),

    ("output-both-device-and-file",
     "outputs:\n  loa-xa:\n    device: loa_xa\n    file: out.wav\nsessions: []\n",
     2, "output 'loa-xa' needs either 'device: NAME' or 'file: PATH.wav'"),

    ("output-not-a-mapping",
     "outputs:\n  loa-xa:\nsessions: []\n",
     2, "output 'loa-xa' must be a mapping"),

    ("unknown-output-key",
     "outputs:\n  loa-xa:\n    devise: loa_xa\nsessions: []\n",
     3, "unknown key 'devise' in an output (did you mean 'device'?)"),

    ("duplicate-key-in-one-file",
     "outputs:\n  loa-xa: {device: loa_xa}\n  loa-xa: {device: xe_loa_1}\nsessions: []\n",
     3, "invalid YAML"),

    ("not-utf-8",
     b"outputs:\n  loa-xa: {device: loa_xa}\nsessions:\n  - name: Bu\xe1\xbb\x95i s\xc3\xa1ng\n"
     b"    start: \xe9\n    output: loa-xa\n    items: [gioi-thieu]\n",
     5, "not UTF-8 text (byte 0xe9)"),

    ("not-utf-8-bom-utf16",
     b"\xff\xfeo\x00u\x00t\x00",
     1, "not UTF-8 text (byte 0xff)"),
]


@pytest.mark.parametrize("text, line, fragment", [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_file(tmp_path: Path, text: str | bytes, line: int | None, fragment: str):
    path = write(tmp_path, "lich.yaml", text)
    error = load_error([path])
    assert Path(error.path) == path
    assert error.line == line
    assert fragment in error.message
    assert error.exit_code == 2
    # The printed form starts with 'file:line: ' so a person can jump to the place.
    where = f"{path}:{line}: " if line else f"{path}: "
    assert str(error) == where + error.message


def test_output_defined_twice_across_files(tmp_path: Path):
    a = write(tmp_path, "a.yaml", """\
        outputs:
          loa-xa:
            device: loa_xa
        sessions: []
        """)
    b = write(tmp_path, "b.yaml", """\
        # Loa của thôn 3
        outputs:
          xe-loa: {device: xe_loa_1}
          loa-xa: {file: loa-xa.wav}
        sessions: []
        """)
    error = load_error([a, b])
    assert Path(error.path) == b
    assert error.line == 4
    assert "output 'loa-xa' is defined twice" in error.message
    assert f"first at {a}:2" in error.message
    assert error.exit_code == 2


def test_error_in_second_file_names_second_file(tmp_path: Path):
    a = write(tmp_path, "a.yaml", GOOD)
    b = write(tmp_path, "b.yaml", "sessions:\n  - name: Buổi trưa\n    start: '11:00'\n"
                                  "    output: loa-xa\n    items: [gioi-thieu]\n    days: [mon, funday]\n")
    error = load_error([a, b])
    assert Path(error.path) == b
    assert error.line == 6
    assert "'funday' is not a day of the week" in error.message


# Happy cases.

def session_of(tmp_path: Path, session_lines: str):
    text = "outputs:\n  loa-xa: {device: loa_xa}\nsessions:\n  - name: Buổi sáng\n    output: loa-xa\n" \
        + textwrap.indent(textwrap.dedent(session_lines), "    ")
    schedule = load_schedules([write(tmp_path, "lich.yaml", text)])
    (session,) = schedule.sessions
    return session


@pytest.mark.parametrize("value, expected", [
    ('"05:30"', dt.time(5, 30)),
    ("05:30", dt.time(5, 30)),                     # unquoted
    ("5:30", dt.time(5, 30)),
    ('"17:00:15"', dt.time(17, 0, 15)),
    ("17:00:15", dt.time(17, 0, 15)),              # unquoted, with seconds
    ('"00:00"', dt.time(0, 0)),
    ('"23:59:59"', dt.time(23, 59, 59)),
])
def test_start_times(tmp_path: Path, value: str, expected: dt.time):
    session = session_of(tmp_path, f"start: {value}\nitems: [gioi-thieu]\n")
    assert session.start == expected


def yaml_1_1_start(tmp_path: Path, start: str) -> dt.time:
    text = ("%YAML 1.1\n---\noutputs:\n  loa-xa: {device: loa_xa}\nsessions:\n  - name: Buổi chiều\n"
            f"    start: {start}\n    output: loa-xa\n    items: [gioi-thieu]\n")
    return load_schedules([write(tmp_path, "lich.yaml", text)]).sessions[0].start


# A '%YAML 1.1' file reads some unquoted times as base-60 numbers: 5:30 as 330, 17:00:15 as 61215
# (ruamel leaves values with a leading zero, such as 05:30, as text). parse_time undoes that.
@pytest.mark.parametrize("value, expected", [
    ("5:30", dt.time(5, 30)),                 # 330
    ("17:00", dt.time(17, 0)),                # 1020
    ("23:59", dt.time(23, 59)),               # 1439
    ("05:30", dt.time(5, 30)),                # text
    ("17:00:15", dt.time(17, 0, 15)),         # 61215; once turned into '1020:15' and refused
    ("1:00:00", dt.time(1, 0, 0)),            # 3600
    ("23:59:59", dt.time(23, 59, 59)),        # 86399
    ("00:05:30", dt.time(0, 5, 30)),          # text
])
def test_unquoted_time_in_yaml_1_1(tmp_path: Path, value: str, expected: dt.time):
    assert yaml_1_1_start(tmp_path, value) == expected


def test_unquoted_24_00_00_in_yaml_1_1_is_refused(tmp_path: Path):
    with pytest.raises(InputError) as info:
        yaml_1_1_start(tmp_path, "24:00:00")     # 86400
    assert info.value.line == 7
    assert "start '24:00:00' is not a time of day" in info.value.message


def test_unquoted_25_00_in_yaml_1_1_is_refused(tmp_path: Path):
    with pytest.raises(InputError) as info:
        yaml_1_1_start(tmp_path, "25:00")        # 1500
    assert info.value.line == 7
    assert "is not a time of day" in info.value.message


@pytest.mark.parametrize("days, expected", [
    ("", frozenset(range(7))),                   # no 'days:' at all
    ("days: daily\n", frozenset(range(7))),
    ("days: [mon, wed]\n", frozenset({0, 2})),
    ("days: [Mon, SUN]\n", frozenset({0, 6})),
    ("days:\n  - sat\n  - sun\n", frozenset({5, 6})),
    ("days: [t2, T4, cn]\n", frozenset({0, 2, 6})),
    ("days: [Thứ Hai, thứ 3, THU TU, thứ năm, thu sau, Thứ bảy, Chủ nhật]\n", frozenset(range(7))),
    ("days: [chu nhat, T7]\n", frozenset({5, 6})),
])
def test_days(tmp_path: Path, days: str, expected: frozenset[int]):
    session = session_of(tmp_path, f"start: '05:30'\n{days}items: [gioi-thieu]\n")
    assert session.days == expected


def test_items_plain_and_mapping(tmp_path: Path):
    path = write(tmp_path, "lich.yaml", """\
        outputs:
          loa-xa: {device: loa_xa}
        sessions:
          - name: Buổi sáng
            start: "05:30"
            output: loa-xa
            items:
              - gioi-thieu
              - announcement: thong-diep-5k
                repeat: 3
                gap: 10s
              - announcement: tiem-vac-xin
                gap: 2m
              - announcement: tin-gia
                gap: 90
              - announcement: khai-bao-y-te
                repeat: 2
                gap: 1.5min
        """)
    (session,) = load_schedules([path]).sessions
    source = str(path)
    assert session.items == (
        Item("gioi-thieu", 1, 0.0, source=source, line=8),
        Item("thong-diep-5k", 3, 10.0, source=source, line=9),
        Item("tiem-vac-xin", 1, 120.0, source=source, line=12),
        Item("tin-gia", 1, 90.0, source=source, line=14),
        Item("khai-bao-y-te", 2, 90.0, source=source, line=16),
    )
    assert session.source == source
    assert session.line == 4
    assert session.output == "loa-xa"
    assert session.name == "Buổi sáng"


def test_outputs(tmp_path: Path):
    path = write(tmp_path, "lich.yaml", """\
        outputs:
          loa-xa:
            device: default
          xe-loa:
            device: xe_loa_1
          ghi-am:
            file: ghi-am.wav
        sessions: []
        """)
    outputs = load_schedules([path]).outputs
    assert outputs["loa-xa"].device is None          # 'default' is the default device
    assert outputs["xe-loa"].device == "xe_loa_1"
    assert outputs["xe-loa"].file is None
    assert outputs["ghi-am"].file == "ghi-am.wav"
    assert outputs["ghi-am"].device is None
    assert outputs["ghi-am"].source == f"{path}:6"


def test_session_uses_output_of_another_file(tmp_path: Path):
    a = write(tmp_path, "a.yaml", GOOD)
    b = write(tmp_path, "b.yaml", """\
        # Buổi trưa, trên loa của xã định nghĩa ở a.yaml
        sessions:
          - name: Buổi trưa
            start: "11:00"
            days: [mon, wed]
            output: loa-xa
            items: [tiem-vac-xin]
        """)
    schedule = load_schedules([a, b])
    assert list(schedule.outputs) == ["loa-xa"]
    assert [(s.name, s.source, s.line) for s in schedule.sessions] == [
        ("Buổi sáng", str(a), 5), ("Buổi trưa", str(b), 3)]
    assert schedule.sessions[1].output == "loa-xa"


def test_output_defined_in_a_later_file(tmp_path: Path):
    # Outputs of all files are known before any session is checked.
    a = write(tmp_path, "a.yaml", "sessions:\n  - name: Buổi trưa\n    start: '11:00'\n"
                                  "    output: xe-loa\n    items: [tiem-vac-xin]\n")
    b = write(tmp_path, "b.yaml", "outputs:\n  xe-loa: {device: xe_loa_1}\nsessions: []\n")
    schedule = load_schedules([a, b])
    assert schedule.sessions[0].output == "xe-loa"


def test_file_with_only_outputs(tmp_path: Path):
    a = write(tmp_path, "outputs.yaml", "outputs:\n  loa-xa: {device: loa_xa}\n")
    b = write(tmp_path, "sang.yaml", "sessions:\n  - name: Buổi sáng\n    start: '05:30'\n"
                                     "    output: loa-xa\n    items: [gioi-thieu]\n")
    schedule = load_schedules([a, b])
    assert [s.name for s in schedule.sessions] == ["Buổi sáng"]


def test_utf8_bom_is_accepted(tmp_path: Path):
    path = write(tmp_path, "lich.yaml", b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert [s.name for s in load_schedules([path]).sessions] == ["Buổi sáng"]
