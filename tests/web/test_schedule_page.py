"""The schedule page: a week's calendar per output, planned against aired, and the schedule files edited in the
browser with the checks of `schedule check`, saved only when they hold."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster.playout.events import AiringEvent
from broadcaster.web.app import create_app
from broadcaster.week import NO_RECORD, PLANNED, UNLOGGED, week_calendar
from tests.helpers import NOW, approved_station, write_schedule
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, csrf_token, log_in, with_people


@pytest.fixture
def planned(station_dir, clock):
    """The sample station with two approved texts every day at 06:30 (NOW is a Wednesday 05:00) and an operator
    logged in."""
    station = with_people(approved_station(station_dir).root)
    write_schedule(station_dir, "06:30", ["gioi-thieu", "khau-hieu-5k"])
    client = create_app(station, clock, TESTING=True).test_client()
    log_in(client, OPERATOR, OPERATOR_PASSPHRASE)
    return station, client


def test_the_week_shows_what_aired_what_was_missed_and_what_is_to_come(planned):
    station, client = planned
    yesterday = station.planner.plan(NOW.date() - dt.timedelta(days=1), NOW)
    first, second = yesterday.airings
    station.airing_log.append(AiringEvent("aired", first, "loa-xa", first.start, first.end, ""))
    station.airing_log.append(AiringEvent("missed", second, "loa-xa", None, None, "mất điện"))
    page = client.get("/schedule/").get_data(as_text=True)
    week = page.split('id="week-loa-xa"', 1)[1]
    days = week.split('<div class="day">')[1:]
    assert len(days) == 7 and "T2 23/11/2026" not in days[0] and "23/11/2026" in days[0]  # Monday first
    tuesday, wednesday = days[1], days[2]
    assert '<li class="aired"' in tuesday and '<li class="missed" title="missed: mất điện"' in tuesday
    assert wednesday.count('<li class="planned"') == 2  # today 06:30, still to come at 05:00
    assert days[0].count('<li class="no-record"') == 2  # Monday: before the log's first record, nothing wrong
    assert UNLOGGED not in page.split("<h2>")[1]  # only in the legend


def test_a_past_airing_the_log_says_nothing_of_is_unlogged_once_the_log_has_begun(planned, clock):
    station, client = planned
    monday = station.planner.plan(NOW.date() - dt.timedelta(days=2), NOW).airings[0]
    station.airing_log.append(AiringEvent("aired", monday, "loa-xa", monday.start, monday.end, ""))
    clock.at = NOW + dt.timedelta(hours=3)  # today's 06:30 is past, and the log has nothing of it
    log_in(client, OPERATOR, OPERATOR_PASSPHRASE)  # again: the session went idle meanwhile
    days = client.get("/schedule/").get_data(as_text=True).split('id="week-loa-xa"', 1)[1].split('<div class="day">')
    monday_cells, tuesday, wednesday = days[1], days[2], days[3]
    assert monday_cells.count('<li class="aired"') == 1 and monday_cells.count('<li class="unlogged"') == 1
    assert tuesday.count('<li class="unlogged"') == 2 and wednesday.count('<li class="unlogged"') == 2
    assert station.airing_log.began() == monday.start.date()


def test_a_station_without_a_log_yet_shows_no_record_for_its_past(planned, clock):
    station, client = planned
    assert station.airing_log.began() is None
    clock.at = NOW + dt.timedelta(hours=3)
    log_in(client, OPERATOR, OPERATOR_PASSPHRASE)
    week = client.get("/schedule/").get_data(as_text=True).split('id="week-loa-xa"', 1)[1]
    assert week.count('<li class="no-record" title="no record"') == 6 and '<li class="unlogged"' not in week


def test_the_calendar_is_pure_over_plans_and_records(planned):
    station, _ = planned
    plan = station.planner.plan(NOW.date(), NOW)
    assert [c.status for c in week_calendar([plan], [], NOW, None)["loa-xa"][0]] == [PLANNED, PLANNED]
    later = NOW + dt.timedelta(hours=3)
    record = {"key": plan.airings[0].key, "status": "failed", "reason": "loa hỏng"}
    cells = week_calendar([plan], [record], later, NOW.date())["loa-xa"][0]
    assert [(c.status, c.reason) for c in cells] == [("failed", "loa hỏng"), (UNLOGGED, "")]
    cells = week_calendar([plan], [], later, NOW.date() + dt.timedelta(days=1))["loa-xa"][0]
    assert [c.status for c in cells] == [NO_RECORD, NO_RECORD]  # the log began after this day


def test_a_valid_edit_is_saved_and_the_plan_follows(planned):
    station, client = planned
    path = station.schedules_dir / "test.yaml"
    text = path.read_text(encoding="utf-8").replace('"06:30"', '"07:15"')
    response = client.post("/schedule/edit/test.yaml", data={"text": text.replace("\n", "\r\n"),
                                                            "csrf_token": csrf_token(client, "/schedule/edit/test.yaml")})
    assert response.status_code == 303
    assert path.read_text(encoding="utf-8") == text  # the browser's CRLF stored as the file's own LF
    assert [a.start.strftime("%H:%M") for a in station.planner.plan(NOW.date(), NOW).airings][0] == "07:15"


@pytest.mark.parametrize("change, line, message", [
    (('"06:30"', '"25:30"'), 6, "test.yaml:6: "),
    (("      - khau-hieu-5k", "      - khong-co"), 10, "test.yaml:10: "),
    (("    output: loa-xa", "    output: khong-co"), 7, "test.yaml:7: "),
])
def test_an_invalid_edit_names_the_line_and_changes_nothing(planned, change, line, message):
    station, client = planned
    path = station.schedules_dir / "test.yaml"
    before = path.read_bytes()
    text = before.decode("utf-8").replace(*change)
    response = client.post("/schedule/edit/test.yaml", data={"text": text,
                                                            "csrf_token": csrf_token(client, "/schedule/edit/test.yaml")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and path.read_bytes() == before
    assert page.split('<ol class="lines">', 1)[1].split('id="error-line"', 1)[0].count("<li") == line  # the line marked beside the text


def test_an_officer_reads_the_calendar_but_cannot_edit(station_dir, clock):
    from tests.helpers import OFFICER, OFFICER_PASSPHRASE

    station = with_people(approved_station(station_dir).root)
    client = create_app(station, clock, TESTING=True).test_client()
    log_in(client, OFFICER, OFFICER_PASSPHRASE)
    assert client.get("/schedule/").status_code == 200
    assert client.get("/schedule/edit/vi-du.yaml").status_code == 403


def test_an_unknown_file_is_refused(planned):
    _, client = planned
    response = client.get("/schedule/edit/..%2Fstation.yaml")
    assert response.status_code in (400, 404)
