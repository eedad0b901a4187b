"""The report command: a table, a CSV for Excel, and an HTML page that headless Chromium renders and prints on A4."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.logdata import at, build_log, edit_record, event

A4_POINTS = (595.0, 842.0)


def _station_with_log(station_dir: Path) -> Station:
    events = [event(at(24, 5, 30), "khau-hieu-5k", seconds=120), event(at(24, 5, 33), "gioi-thieu", seconds=60),
              event(at(25, 5, 30), "tin-gia", "missed", reason="chậm hơn 60 giây"),
              event(at(25, 9, 0), "tiem-vac-xin", seconds=90, output="xe-loa")]
    build_log(station_dir / "data" / "log", events, station="dai-truyen-thanh-xa-ea-tu",
              key=Station(station_dir).station_key)
    return Station(station_dir)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium package (.ci/run)")
        pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium)")
    return found


def _headless(browser: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                           "--v=0", *args], capture_output=True, text=True, timeout=120)


def test_report_table(station_dir):
    result = CliRunner().invoke(cli, ["report", "--from", "2026-11-24", "--to", "2026-11-25"],
                                obj=_station_with_log(station_dir), catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith("Airing report from 2026-11-24 to 2026-11-25\n")
    for title in ("Airings per day and output", "Minutes aired per topic", "Minutes aired per language",
                  "Urgent broadcasts: none", "Broadcasts aired before approval: none", "Device trouble: none"):
        assert title in result.output


def test_report_on_an_altered_log_warns_and_fails(station_dir):
    station = _station_with_log(station_dir)
    path = station_dir / "data" / "log" / "airing-log.sqlite3"
    edit_record(path, 3, status="aired")
    result = CliRunner().invoke(cli, ["report", "--from", "2026-11-24", "--to", "2026-11-25"], obj=station)
    assert result.exit_code == 1
    assert result.output.startswith(
        f"WARNING: the log was ALTERED (dai-truyen-thanh-xa-ea-tu: {path}: record 3 (tin-gia planned 2026-11-25 "
        "05:30 on loa-xa) was altered); this report may not be what was aired ('broadcaster log verify' checks it)\n"
        "Airing report from 2026-11-24 to 2026-11-25\n")


def test_report_csv_keeps_vietnamese(station_dir, tmp_path):
    path = tmp_path / "báo cáo.csv"
    result = CliRunner().invoke(cli, ["report", "--from", "2026-11-24", "--to", "2026-11-25", "--format", "csv",
                                      "--file", str(path)], obj=_station_with_log(station_dir), catch_exceptions=False)
    assert result.output == f"written to {path}\n"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert ["2026-11-25", "dai-truyen-thanh-xa-ea-tu", "loa-xa", "1", "0", "0", "0", "0", "1", "0", "0", "0", "0.0",
            "missed: chậm hơn 60 giây"] in rows
    assert ["covid-prevention", "3.5", "77.8%"] in rows


def test_html_report_renders_in_headless_chromium_with_its_charts(station_dir, tmp_path):
    browser = _chromium()
    page = tmp_path / "bao-cao.html"
    result = CliRunner().invoke(cli, ["report", "--from", "2026-11-24", "--to", "2026-11-25", "--format", "html",
                                      "--file", str(page)], obj=_station_with_log(station_dir), catch_exceptions=False)
    assert result.exit_code == 0

    dom = _headless(browser, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert ":CONSOLE" not in dom.stderr  # no error or warning from the page itself
    assert "Airing report of Đài truyền thanh xã Ea Tu" in dom.stdout
    topics = re.search(r'<svg[^>]*id="chart-topics".*?</svg>', dom.stdout, re.S).group(0)
    assert topics.count('class="bar"') == 3  # 24th: two topics, 25th: one (the miss aired nothing)
    outputs = re.search(r'<svg[^>]*id="chart-outputs".*?</svg>', dom.stdout, re.S).group(0)
    assert outputs.count('class="bar"') == 4  # planned and aired, for loa-xa and xe-loa

    pdf = tmp_path / "bao-cao.pdf"
    printed = _headless(browser, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert printed.returncode == 0 and pdf.exists(), printed.stderr[-2000:]
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes and all(abs(float(w) - A4_POINTS[0]) < 1 and abs(float(h) - A4_POINTS[1]) < 1 for w, h in boxes)


def test_report_dates_out_of_order(station_dir):
    result = CliRunner().invoke(cli, ["report", "--from", "2026-11-25", "--to", "2026-11-24"],
                                obj=_station_with_log(station_dir))
    assert result.exit_code == 2
    assert result.output == "Error: the dates are in the wrong order: 2026-11-25 is after 2026-11-24\n"


def test_a_day_beyond_the_calendars_reach_is_refused_as_bad_input(station_dir):
    """Year 9999 is a date to Python, but the day after it is not: commands refuse it before they count."""
    result = CliRunner().invoke(cli, ["report", "--from", "2026-11-24", "--to", "31/12/9999"],
                                obj=_station_with_log(station_dir))
    assert result.exit_code == 2
    assert result.output.endswith("'31/12/9999' is not a date; expected YYYY-MM-DD or DD/MM/YYYY such as 2026-11-26 "
                                  "or 26/11/2026\n")
