"""Screens that fit: every table at 80 columns, the log's trigger, language and approval columns, --wide,
the report's counting rule and its files (xlsx, the altered-log warning)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.logdata import at, build_log, edit_record, event

STATION_ID = "dai-truyen-thanh-xa-ea-tu"
RULE = ("planned = aired + partial + interrupted + failed + missed + skipped; urgent airings and replays after a "
        "restart are extra, outside this sum")


def _station(station_dir: Path) -> Station:
    events = [event(at(24, 5, 30), "khau-hieu-5k", seconds=120),
              event(at(24, 5, 33), "tin-gia", "failed", reason="thiết bị không có (USB Audio CODEC đã rút ra)"),
              event(at(24, 5, 34), "tin-gia", seconds=60, trigger="replay"),
              event(at(24, 9, 0), "tiem-vac-xin", seconds=90, output="xe-loa-thon-3", language="ede"),
              event(at(24, 10, 0), "tin-gia", seconds=90, trigger="urgent", approved_by="", priority="urgent",
                    ordered_by="Y Bhim Niê", order_reason="lũ quét ở buôn Ea Kao, mọi người tránh xa bờ suối")]
    build_log(station_dir / "data" / "log", events, station=STATION_ID, key=Station(station_dir).station_key)
    return Station(station_dir)


def _run(station: Station, args: list[str], columns: int = 80):
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(cli, args, obj=station, catch_exceptions=False)


@pytest.mark.parametrize("args", [["log", "--date", "2026-11-24"], ["log", "--from", "2026-11-23", "--to", "2026-11-24"],
                                  ["log", "--date", "2026-11-24", "--kind", "all"],
                                  ["report", "--from", "2026-11-24", "--to", "2026-11-24"],
                                  ["content", "list"], ["plan", "--date", "2026-11-25"], ["users"], ["devices"]],
                         ids=lambda a: " ".join(a))
def test_no_table_is_wider_than_80_columns(station_dir, args):
    result = _run(_station(station_dir), args)
    assert result.output.count("\n") > 3
    too_wide = [line for line in result.output.splitlines() if line[:1] in "┏┃┡│└" and len(line) > 80]
    assert too_wide == []


def test_the_log_shows_trigger_language_and_airing_before_approval(station_dir):
    result = _run(_station(station_dir), ["log", "--date", "2026-11-24"], columns=120)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    header = next(line for line in lines if "planned" in line)
    assert [c.strip() for c in header.strip("┃ ").split("┃")] == ["planned", "started", "output", "id", "lang", "by",
                                                                  "status", "reason"]
    rows = [line for line in lines if line[:3] in ("│ 0", "│ 1")]
    assert [[c.strip() for c in row.strip("│ ").split("│")][:7] for row in rows] == [
        ["05:30:00", "05:30:00", "loa-xa", "khau-hieu-5k", "vie", "schedule", "aired"],
        ["05:33:00", "-", "loa-xa", "tin-gia", "vie", "schedule", "failed"],
        ["05:34:00", "05:34:00", "loa-xa", "tin-gia", "vie", "replay", "aired"],
        ["09:00:00", "09:00:00", "xe-loa-thon-3", "tiem-vac-xin", "ede", "schedule", "aired"],
        ["10:00:00", "10:00:00", "loa-xa", "tin-gia", "vie", "urgent, NOT APPROVED", "aired"]]


def test_log_wide_adds_the_day_end_time_station_and_fingerprint(station_dir):
    result = _run(_station(station_dir), ["log", "--date", "2026-11-24", "--wide"], columns=200)
    header = next(line for line in result.output.splitlines() if "planned" in line)
    assert [c.strip() for c in header.strip("┃ ").split("┃")] == [
        "day", "planned", "started", "ended", "station", "output", "id", "lang", "by", "status", "reason",
        "fingerprint"]


def test_report_prints_the_rule_under_the_counts_and_they_add_up(station_dir):
    result = _run(_station(station_dir), ["report", "--from", "2026-11-24", "--to", "2026-11-24"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1:10] == [
        "Airings per day and output",
        "┏━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓",
        "┃           ┃         ┃       ┃        ┃        ┃        ┃         ┃   minutes ┃",
        "┃ output    ┃ planned ┃ aired ┃ failed ┃ missed ┃ urgent ┃ replays ┃     aired ┃",
        "┡━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩",
        "│ loa-xa    │       2 │     1 │      1 │      0 │      1 │       1 │       4.5 │",
        "│ xe-loa-th │       1 │     1 │      0 │      0 │      0 │       0 │       1.5 │",
        "│ on-3      │         │       │        │        │        │         │           │",
        "└───────────┴─────────┴───────┴────────┴────────┴────────┴─────────┴───────────┘"]
    assert " ".join(line.strip() for line in lines[10:12]) == RULE


def test_report_xlsx_is_written(station_dir, tmp_path):
    path = tmp_path / "báo cáo.xlsx"
    result = _run(_station(station_dir), ["report", "--from", "2026-11-24", "--to", "2026-11-24", "--format", "xlsx",
                                          "--file", str(path)])
    assert (result.exit_code, result.output) == (0, f"written to {path}\n")
    from openpyxl import load_workbook

    rows = [[c.value for c in row] for row in load_workbook(path)["Airings per day and output"].iter_rows()]
    assert rows[1] == ["2026-11-24", STATION_ID, "loa-xa", 2, 1, 1, 0, 1, 1, 4.5,
                       "failed: thiết bị không có (USB Audio CODEC đã rút ra)"]


@pytest.mark.parametrize("fmt", ["csv", "html", "xlsx"])
def test_report_files_of_an_altered_log_carry_the_warning(station_dir, tmp_path, fmt):
    station = _station(station_dir)
    log_path = station_dir / "data" / "log" / "airing-log.sqlite3"
    edit_record(log_path, 2, status="aired")
    path = tmp_path / f"r.{fmt}"
    result = CliRunner().invoke(cli, ["report", "--from", "2026-11-24", "--to", "2026-11-24", "--format", fmt,
                                      "--file", str(path)], obj=station)
    warning = (f"WARNING: the log was ALTERED ({STATION_ID}: {log_path}: record 2 (tin-gia planned 2026-11-24 05:33 "
               "on loa-xa) was altered); this report may not be what was aired ('broadcaster log verify' checks it)")
    assert (result.exit_code, result.output) == (1, f"{warning}\nwritten to {path}\n")
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        assert all(sheet["A1"].value == warning for sheet in book.worksheets)
    elif fmt == "html":
        assert f'<body><p class="altered" role="alert">{warning}</p>'.replace("'", "&#x27;") in path.read_text()
    else:
        assert path.read_text(encoding="utf-8-sig").splitlines()[0] == warning


@pytest.mark.parametrize("terminal", [True, False])
def test_the_rendering_spinner_is_drawn_on_a_terminal_only(monkeypatch, terminal):
    import io

    from rich.console import Console

    from broadcaster.cli import output

    stderr = io.StringIO()
    monkeypatch.setattr(output, "progress_console", Console(file=stderr, force_terminal=terminal))
    with output.working("rendering the audio…"):
        pass
    assert ("rendering the audio…" in stderr.getvalue()) is terminal
    stderr.truncate(0)
    with output.working(""):
        pass
    assert stderr.getvalue() == ""
