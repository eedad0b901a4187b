"""Reports: figures checked against a log with known numbers; CSV keeps Vietnamese; HTML is self-contained."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from broadcaster.errors import InputError
from broadcaster.report_xlsx import write_xlsx
from broadcaster.reports import build_report, report_html, rule, sections, write_csv
from tests.logdata import StepClock, at, build_log, event

DAY1, DAY2 = dt.date(2026, 11, 24), dt.date(2026, 11, 25)


def known_log(folder):
    """Two days on two outputs: 7 planned, 5 of them aired, 1 urgent aired, 1 missed, 1 failed, 1 urgent before approval, 1 device record."""
    events = [
        event(at(24, 5, 30), "khau-hieu-5k", seconds=120),                        # covid 2 min
        event(at(24, 5, 33), "gioi-thieu", seconds=60),                           # station 1 min
        event(at(24, 5, 30), "tin-gia", "missed", output="xe-loa", reason="chậm hơn 60 giây"),
        event(at(25, 5, 30), "khau-hieu-5k", seconds=180),                        # covid 3 min
        event(at(25, 5, 34), "tiem-vac-xin", "failed", reason="thiết bị không có"),
        event(at(25, 5, 40), "tin-gia", seconds=240, language="ede"),            # fake-news 4 min, Ê Đê
        event(at(25, 9, 0), "tiem-vac-xin", seconds=30, output="xe-loa"),        # covid 0.5 min
        event(at(25, 10, 0), "tin-gia", seconds=90, trigger="urgent", approved_by="", priority="urgent",
              ordered_by="Y Bhim Niê", order_reason="lũ quét ở buôn Ea Kao"),
    ]
    log = build_log(folder, sorted(events, key=lambda e: e.airing.start))
    log.clock = StepClock(at(25, 8, 0))
    log.record("device", output="xe-loa", device="USB Audio", state="missing", reason="rút cáp")
    return log


@pytest.mark.parametrize("folded", [False, True], ids=["every record", "plain airings folded by the log"])
def test_figures_match_the_known_log(tmp_path, folded):
    log = known_log(tmp_path)
    records = log.report_records(DAY1, DAY2) if folded else log.query(DAY1, DAY2, kind=None)
    report = build_report(records, DAY1, DAY2)
    rows = {(d.day, d.output): d for d in report.days}
    assert sorted(rows) == [("2026-11-24", "loa-xa"), ("2026-11-24", "xe-loa"), ("2026-11-25", "loa-xa"),
                            ("2026-11-25", "xe-loa")]
    d = rows[("2026-11-25", "loa-xa")]
    # The urgent airing is in its own column, not among the statuses: they add up to planned (reports.rule).
    assert (d.planned, d.counts["aired"], d.counts["failed"], d.urgent) == (3, 2, 1, 1)
    assert d.minutes == pytest.approx(3 + 4 + 1.5)
    assert d.reasons == ("failed: thiết bị không có",)
    assert rows[("2026-11-24", "xe-loa")].counts["missed"] == 1 and rows[("2026-11-24", "xe-loa")].planned == 1
    assert sum(d.planned for d in report.days) == 7
    assert sum(d.counts["aired"] for d in report.days) == 5
    assert all(d.planned == sum(d.counts.values()) for d in report.days)
    topics = {s.name: (round(s.minutes, 2), round(s.share, 4)) for s in report.topics}
    assert topics == {"covid-prevention": (5.5, round(5.5 / 12, 4)), "fake-news": (5.5, round(5.5 / 12, 4)),
                      "station": (1.0, round(1 / 12, 4))}
    assert {s.name: s.minutes for s in report.languages} == pytest.approx({"vie": 8.0, "ede": 4.0})
    assert report.topic_minutes["2026-11-24"] == pytest.approx({"covid-prevention": 2.0, "station": 1.0})
    assert [r["announcement"] for r in report.urgent] == ["tin-gia"]
    assert [r["announcement"] for r in report.before_approval] == ["tin-gia"]
    assert [(r["status"], r["announcement"]) for r in report.problems] == [("missed", "tin-gia"),
                                                                          ("failed", "tiem-vac-xin")]
    assert [r["reason"] for r in report.devices] == ["rút cáp"]
    assert report.stations == ("xa-ea-tu",)


def test_urgent_sections_say_who_ordered_and_why(tmp_path):
    report = build_report(known_log(tmp_path).query(DAY1, DAY2, kind=None), DAY1, DAY2)
    assert [r["ordered_by"] for r in report.urgent] == ["Y Bhim Niê"]
    titled = {s.title: s for s in sections(report)}
    for title in ("Urgent broadcasts", "Broadcasts aired before approval"):
        [row] = titled[title].rows
        assert dict(zip(titled[title].columns, row))["ordered by"] == "Y Bhim Niê"
        assert dict(zip(titled[title].columns, row))["why ordered"] == "lũ quét ở buôn Ea Kao"
    assert "ordered by" not in titled["Not aired in full"].columns


def test_a_day_outside_the_range_is_left_out(tmp_path):
    log = known_log(tmp_path)
    report = build_report(log.query(DAY1, DAY2, kind=None), DAY2, DAY2)
    assert {d.day for d in report.days} == {"2026-11-25"}
    assert sum(s.minutes for s in report.topics) == pytest.approx(9.0)


def test_dates_out_of_order_are_refused():
    with pytest.raises(InputError, match="the dates are in the wrong order: 2026-11-25 is after 2026-11-24"):
        build_report([], DAY2, DAY1)


def test_csv_opens_in_excel_with_vietnamese_intact(tmp_path):
    report = build_report(known_log(tmp_path / "log").query(DAY1, DAY2, kind=None), DAY1, DAY2)
    path = tmp_path / "bao-cao.csv"
    write_csv(report, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert ["2026-11-25", "xa-ea-tu", "loa-xa", "3", "2", "0", "0", "1", "0", "0", "1", "0", "8.5",
            "failed: thiết bị không có"] in rows
    assert [rule()] in rows and rows[1] == ["CSV for programs: numbers with a '.' decimal point; for Excel use "
                                            "--format xlsx"]
    assert any("Cảnh giác với tin giả trên mạng" in row for row in rows)
    assert ["covid-prevention", "5.5", "45.8%"] in rows


def test_html_is_self_contained_and_escapes_text(tmp_path):
    log = known_log(tmp_path)
    log.record("device", output="<loa>", device="USB & co", state="missing", reason="")
    report = build_report(log.query(DAY1, DAY2, kind=None), DAY1, DAY2)
    page = report_html(report, "Báo cáo phát thanh xã Ea Tu")
    assert page.count("<svg") == 2 and 'id="chart-topics"' in page and 'id="chart-outputs"' in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "&lt;loa&gt;" in page and "USB &amp; co" in page
    assert "Báo cáo phát thanh xã Ea Tu" in page and "@page { size: A4" in page
    assert [s.title for s in sections(report)][0] == "Airings per day and output"


def test_a_report_of_folded_airings_is_the_report_of_every_airing(tmp_path):
    outcomes = ["aired", "aired", "aired", "partial", "missed", "aired", "interrupted", "failed", "aired", "skipped"]
    ids = ["khau-hieu-5k", "tiem-vac-xin", "gioi-thieu", "tin-gia"]
    events = [event(at(20 + i % 7, 5 + i % 12, i % 60), ids[i % 4], outcomes[i % 10], seconds=30 + i % 90,
                    output=("loa-xa", "xe-loa")[i % 2], language=("vie", "ede", "jra")[i % 3],
                    trigger=("schedule", "schedule", "replay", "urgent")[i % 4], approved_by=("Trần Văn Bình", "")[i % 5 == 0],
                    reason="" if outcomes[i % 10] == "aired" else "lý do", index=i)
              for i in range(300)]
    log = build_log(tmp_path, sorted(events, key=lambda e: e.airing.start))
    first, last = dt.date(2026, 11, 20), dt.date(2026, 11, 26)
    folded = log.report_records(first, last)
    assert any(r.get("n", 1) > 1 for r in folded)  # the log folded some
    assert [s.rows for s in sections(build_report(folded, first, last))] == \
        [s.rows for s in sections(build_report(log.query(first, last, kind=None), first, last))]


def test_the_statuses_add_up_to_planned_and_the_rule_says_so(tmp_path):
    events = [event(at(24, 5, 30), "khau-hieu-5k", "partial", seconds=20),
              event(at(24, 5, 31), "khau-hieu-5k", seconds=60, trigger="replay"),
              event(at(24, 5, 40), "tin-gia", "interrupted", seconds=10),
              event(at(24, 5, 50), "tin-gia", seconds=60, trigger="urgent", priority="urgent"),
              event(at(24, 6, 0), "gioi-thieu", "skipped"), event(at(24, 6, 5), "tiem-vac-xin", "missed")]
    [d] = build_report(build_log(tmp_path, events).query(DAY1, DAY1, kind=None), DAY1, DAY1).days
    assert (d.planned, d.counts, d.urgent, d.replays) == (
        4, {"aired": 0, "partial": 1, "interrupted": 1, "failed": 0, "missed": 1, "skipped": 1}, 1, 1)
    assert rule() == ("planned = aired + partial + interrupted + failed + missed + skipped; urgent airings and "
                      "replays after a restart are extra, outside this sum")


def test_xlsx_has_a_sheet_per_table_numbers_as_numbers_and_the_warning(tmp_path):
    from openpyxl import load_workbook

    report = build_report(known_log(tmp_path / "log").query(DAY1, DAY2, kind=None), DAY1, DAY2)
    path = tmp_path / "báo cáo.xlsx"
    write_xlsx(report, path, ("WARNING: the log was ALTERED",))
    book = load_workbook(path)
    assert book.sheetnames == ["report", "Airings per day and output", "Minutes aired per topic",
                               "Minutes aired per language", "Not aired in full", "Urgent broadcasts",
                               "Broadcasts aired before approva", "Device trouble"]  # Excel: 31 characters
    assert [c.value for c in book["report"]["A"]] == ["WARNING: the log was ALTERED",
                                                      "Airing report from 2026-11-24 to 2026-11-25", rule()]
    days = book["Airings per day and output"]
    assert days["A1"].value == "WARNING: the log was ALTERED" and days["A1"].fill.fgColor.rgb.endswith("C00000")
    rows = [[c.value for c in row] for row in days.iter_rows(min_row=3)]
    assert ["2026-11-25", "xa-ea-tu", "loa-xa", 3, 2, 1, 0, 1, 0, 8.5, "failed: thiết bị không có"] in rows
    topics = book["Minutes aired per topic"]
    share = next(row[2] for row in topics.iter_rows(min_row=3) if row[0].value == "covid-prevention")
    assert share.value == pytest.approx(0.458) and share.number_format == "0.0%"
    assert not path.with_name("báo cáo.xlsx.part").exists()


def test_report_files_carry_the_altered_log_warning(tmp_path):
    report = build_report(known_log(tmp_path / "log").query(DAY1, DAY2, kind=None), DAY1, DAY2)
    page = report_html(report, "Báo cáo", ("WARNING: the log was ALTERED (x: y: z)",))
    assert page.index('<p class="altered" role="alert">WARNING: the log was ALTERED (x: y: z)</p>') < page.index("<h1>")
    path = tmp_path / "r.csv"
    write_csv(report, path, ("WARNING: the log was ALTERED (x: y: z)",))
    with path.open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f)) == ["WARNING: the log was ALTERED (x: y: z)"]


def test_the_topic_chart_writes_days_as_vietnam_does(tmp_path):
    from broadcaster.reports import topic_chart

    report = build_report(known_log(tmp_path).query(DAY1, DAY2, kind=None), DAY1, DAY2)
    chart = topic_chart(report)
    assert ">24/11</text>" in chart and "<title>24/11/2026 covid-prevention: 2.0 " in chart
    assert "11-24" not in chart and "2026-11-24" not in chart
