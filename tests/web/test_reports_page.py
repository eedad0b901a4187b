"""The log and reports page: the period's report narrowed by filters, its charts, the log's check, and the
files for Excel: the same numbers as the CLI's `report`."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from tests.helpers import NOW
from tests.logdata import edit_record, event
from tests.web.conftest import csrf_token

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def aired(web_station):
    """Three days of airings: two outputs, two languages, one missed."""
    log = web_station.airing_log
    for days in (2, 1):
        day = NOW - dt.timedelta(days=days)
        log.append(event(day, "khau-hieu-5k", seconds=90))
        log.append(event(day + dt.timedelta(minutes=5), "tiem-vac-xin", output="xe-loa", language="rad", seconds=120))
    log.append(event(NOW - dt.timedelta(hours=1), "tin-gia", status="missed", reason="mất điện"))
    return web_station


def table(page: str, title: str) -> str:
    return page.split(f"<h3>{title}</h3>", 1)[1].split("</table>", 1)[0]


def test_the_report_of_the_last_week_adds_up_as_the_cli_says(operator, aired):
    page = operator.get("/reports/").get_data(as_text=True)
    assert 'id="chart-topics"' in page and 'id="chart-outputs"' in page
    assert "mất điện" in page  # the missed airing's reason
    first = (NOW.date() - dt.timedelta(days=6)).isoformat()
    cli_csv = CliRunner().invoke(cli, ["--lang", "en", "report", "--from", first, "--to", NOW.date().isoformat(),
                                       "--format", "csv", "--file", str(aired.root / "r.csv")], obj=aired)
    assert cli_csv.exit_code == 0, cli_csv.output
    web_csv = operator.get(f"/reports/report.csv?from={first}&to={NOW.date()}").data
    assert web_csv.startswith("\ufeff".encode()) and web_csv.decode("utf-8-sig").splitlines()[2:] == \
        (aired.root / "r.csv").read_text(encoding="utf-8-sig").splitlines()[2:]


def test_filters_narrow_the_report(operator, aired):
    rows = list(csv.reader(io.StringIO(operator.get("/reports/report.csv?output=xe-loa").data.decode("utf-8-sig"))))
    outputs = {row[2] for row in rows if len(row) > 3 and row[0][:4] == "2026"}
    assert outputs == {"xe-loa"}
    page = operator.get("/reports/?language=rad").get_data(as_text=True)
    assert "khau-hieu-5k" not in page and "4.0" in page  # two airings of 2 min in Ê Đê, nothing else


def test_the_log_check_says_intact_then_names_an_altered_record(operator, aired):
    assert "intact, 5 records" in operator.get("/reports/verify").get_data(as_text=True)
    edit_record(aired.data_dir / "log" / "airing-log.sqlite3", 2, status="failed")
    check = operator.get("/reports/verify").get_data(as_text=True)
    assert "record 2 (tiem-vac-xin planned 2026-11-23 05:05 on xe-loa) was altered" in check and "intact, " not in check
    assert 'class="altered"' in operator.get("/reports/").get_data(as_text=True)  # the warning heads the report


def test_the_records_and_the_workbook_download(operator, aired):
    raw = operator.get("/reports/log.csv?status=missed").data
    assert raw.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    (row,) = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    assert (row["Announcement"], row["Reason"], row["Status"]) == ("tin-gia", "mất điện", "missed")
    assert not {"v", "prev", "hash", "sig"} & set(row)  # the chain's proof is for `log export`, not Excel
    operator.post("/language", data={"lang": "vi", "csrf_token": csrf_token(operator, "/reports/")})
    records = operator.get("/reports/log.csv?status=missed").data.decode("utf-8-sig")
    assert records.startswith("Số bản ghi,Đài,Loại bản ghi,Thời điểm ghi,Bắt đầu dự kiến,Kết thúc dự kiến,")
    assert [r["Bản tin"] for r in csv.DictReader(io.StringIO(records))] == ["tin-gia"]
    book = operator.get("/reports/report.xlsx")
    assert book.status_code == 200 and book.data[:2] == b"PK"


def test_a_download_kept_from_before_a_new_record_is_made_again(operator, aired):
    before = operator.get("/reports/log.csv?status=missed").data
    assert operator.get("/reports/log.csv?status=missed").data == before  # kept: the log did not change
    aired.airing_log.append(event(NOW - dt.timedelta(minutes=30), "khau-hieu-5k", status="missed", reason="hết pin"))
    after = operator.get("/reports/log.csv?status=missed").data.decode("utf-8-sig")
    assert [r["Reason"] for r in csv.DictReader(io.StringIO(after))] == ["mất điện", "hết pin"]


def test_days_are_written_dd_mm_yyyy_whatever_the_browsers_locale(operator, aired):
    page = operator.get("/reports/").get_data(as_text=True)
    first = (NOW.date() - dt.timedelta(days=6)).strftime("%d/%m/%Y")
    assert f'name="from" value="{first}"' in page and 'type="date"' not in page
    assert 'placeholder="dd/mm/yyyy"' in page
    written = operator.get("/reports/report.csv?from=23/11/2026&to=24/11/2026").data
    iso = operator.get("/reports/report.csv?from=2026-11-23&to=2026-11-24").data  # links keep ISO days
    assert written == iso and b"2026-11-23" in written and b"2026-11-25" not in written
    assert 'name="to" value="24/11/2026"' in operator.get("/reports/?from=2026-11-23&to=2026-11-24").get_data(as_text=True)


@pytest.mark.parametrize("query, message", [("from=31/02/2026", "&#39;31/02/2026&#39; is not a day (dd/mm/yyyy)"),
                                            ("from=11/23/2026", "&#39;11/23/2026&#39; is not a day"),
                                            ("status=nope", "unknown status"),
                                            ("from=2026-11-25&to=2026-11-01", "the dates are in the wrong order")])
def test_bad_filters_say_why(operator, aired, query, message):
    response = operator.get(f"/reports/?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_a_topic_with_a_script_is_shown_as_text(operator, aired):
    aired.airing_log.append(event(NOW - dt.timedelta(minutes=10), "khau-hieu-5k", output=SCRIPT))
    page = operator.get("/reports/").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_a_vietnamese_report_names_topics_and_languages_and_writes_decimals_with_a_comma(operator, aired):
    with operator.session_transaction() as browser:
        browser["lang"] = "vi"
    page = operator.get("/reports/").get_data(as_text=True)
    topics = table(page, "Số phút phát theo chủ đề")
    assert "Phòng chống COVID-19" in topics and "covid-prevention" not in topics and "7,0" in topics
    assert "Ê Đê" in table(page, "Số phút phát theo ngôn ngữ")
    chart = page.split('id="chart-topics"', 1)[1].split("</svg>", 1)[0]
    assert "Phòng chống COVID-19" in chart and "covid-prevention" not in chart
    assert '>Phòng chống COVID-19</option>' in page
