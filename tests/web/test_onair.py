"""The on-air page: what plays (from run's journal), what comes next, today's outcomes, and the urgent button."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from broadcaster.playout.events import airing_to_record
from broadcaster.playout.mailbox import Mailbox
from broadcaster.trust import statements
from broadcaster.web import onair
from tests.helpers import NOW, approved_station, run_lock_held, write_schedule
from tests.logdata import event
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, csrf_token, with_people

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def running(web_station):
    """`run` as the web sees it: the run lock held (by this test process)."""
    with run_lock_held(web_station) as mailbox:
        yield mailbox


def on_air(station, announcement="gioi-thieu", title="Giới thiệu chương trình", started=NOW, seconds=65.0):
    """A journal note as `run` writes it when an item goes on air on loa-xa."""
    airing = event(started, "gioi-thieu").airing
    record = {**airing_to_record(airing), "announcement": announcement, "title": title,
              "end": (started + dt.timedelta(seconds=seconds)).isoformat()}
    folder = station.data_dir / "onair"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "loa-xa.json").write_text(json.dumps({"v": 1, "airing": record, "sink": "loa_xa",
                                                    "actual_start": started.isoformat(),
                                                    "still_on_air": started.isoformat()}), encoding="utf-8")


def test_the_item_on_air_with_its_elapsed_and_remaining_time(operator, web_station, running, clock):
    on_air(web_station)
    clock.at = NOW + dt.timedelta(seconds=12)
    page = operator.get("/").get_data(as_text=True)
    assert "broadcaster run is running" in page
    assert "<strong>loa-xa</strong>: Giới thiệu chương trình" in page
    assert '<span class="elapsed">0:12</span> / 1:05,' in page and "0:53 left" in page and "since 05:00:00" in page


def test_a_note_left_by_a_stopped_run_is_not_on_air(operator, web_station):
    on_air(web_station)
    page = operator.get("/").get_data(as_text=True)
    assert "broadcaster run is not running" in page and "Nothing on air." in page


def test_the_next_three_hours_of_the_plan(station_dir, clock):
    from broadcaster.web.app import create_app
    from tests.web.conftest import log_in

    station = with_people(approved_station(station_dir).root)
    write_schedule(station_dir, "06:30", ["gioi-thieu", "khau-hieu-5k"])
    client = create_app(station, clock, TESTING=True).test_client()
    log_in(client, OPERATOR, OPERATOR_PASSPHRASE)
    page = client.get("/").get_data(as_text=True)
    assert page.count("<td>loa-xa</td>") == 2
    assert "<tr><td>06:30–" in page and "gioi-thieu" in page and "khau-hieu-5k" in page
    clock.at = NOW + dt.timedelta(hours=4)  # 09:00: the session is behind
    log_in(client, OPERATOR, OPERATOR_PASSPHRASE)  # (after four idle hours)
    assert "Nothing planned in the next 3 hours." in client.get("/").get_data(as_text=True)


def test_todays_outcomes_with_their_reasons(operator, web_station):
    web_station.airing_log.append(event(NOW - dt.timedelta(hours=1), "tin-gia"))
    web_station.airing_log.append(event(NOW - dt.timedelta(minutes=30), "tiem-vac-xin", status="missed",
                                        reason="its time passed while broadcaster was not running"))
    web_station.airing_log.append(event(NOW - dt.timedelta(days=1), "khau-hieu-5k"))  # yesterday: not shown
    page = operator.get("/").get_data(as_text=True)
    assert '<tr class="aired"><td>04:00</td>' in page
    assert '<tr class="missed"><td>04:30</td>' in page and "its time passed while broadcaster was not running" in page
    assert "khau-hieu-5k" not in page.split("<h2>Today</h2>")[1]


def test_a_title_with_a_script_is_shown_as_text(operator, web_station, running):
    on_air(web_station, title=SCRIPT)
    aired = event(NOW - dt.timedelta(hours=1), "tin-gia", reason=SCRIPT)
    web_station.airing_log.append(replace(aired, airing=replace(aired.airing, title=SCRIPT)))
    page = operator.get("/").get_data(as_text=True)
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # on air, and today's title and reason
    stream = operator.get("/onair/stream", buffered=False)
    first = "".join(chunk.decode() for _, chunk in zip(range(2), stream.response))
    assert "&lt;script&gt;" in first and SCRIPT not in first
    stream.close()


def test_the_live_stream_sends_what_plays_then_each_change(app, operator, web_station, running, clock):
    app.config["STREAM_S"] = 1.5
    response = operator.get("/onair/stream", buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    assert next(chunks) == b"retry: 1000\n\n"
    first = next(chunks).decode()
    assert first.startswith("event: playing\n") and "Nothing on air." in first
    assert next(chunks).decode().startswith("event: today\n")
    on_air(web_station)  # an item goes on air while the page is open
    clock.at = NOW + dt.timedelta(seconds=3)
    changed = next(chunks).decode()
    assert changed.startswith("event: playing\n") and "data: " in changed and "0:03" in changed
    rest = b"".join(chunks).decode()  # the stream ends after STREAM_S: the browser opens a new one
    assert rest.startswith("event: today\n")
    response.close()


def test_urgent_refuses_while_run_is_not_running(operator):
    response = operator.post("/onair/urgent", data={"announcement": "gioi-thieu", "level": "priority",
                                                    "passphrase": OPERATOR_PASSPHRASE,
                                                    "csrf_token": csrf_token(operator, "/")})
    assert response.status_code == 303
    assert "broadcaster run is not running on this station: start it first" in operator.get("/").get_data(as_text=True)


def test_urgent_sends_an_order_signed_by_the_operator(station_dir, clock, monkeypatch):
    from broadcaster.web.app import create_app
    from tests.web.conftest import log_in

    monkeypatch.setattr(onair, "URGENT_WAIT_S", 0.1)  # no `run` here to answer
    station = with_people(approved_station(station_dir).root)
    client = create_app(station, clock, TESTING=True).test_client()
    log_in(client, OPERATOR, OPERATOR_PASSPHRASE)
    mailbox = Mailbox(station.data_dir)
    mailbox.hold()
    try:
        response = client.post("/onair/urgent", data={
            "announcement": "gioi-thieu", "level": "emergency", "output": "loa-xa", "times": "3", "every": "20",
            "passphrase": OPERATOR_PASSPHRASE, "csrf_token": csrf_token(client, "/")})
        assert response.status_code == 303
        assert "sent: gioi-thieu (emergency) on loa-xa; not on air yet" in client.get("/").get_data(as_text=True)
        (sent,) = (station.data_dir / "requests").glob("*.json")
        order = station.playout.verified_order(json.loads(sent.read_text(encoding="utf-8")), NOW)
    finally:
        mailbox.release()
    assert (order["by"], order["level"], order["policy"], order["every_s"]) == (OPERATOR, "emergency", "now", 1200.0)
    assert order["until"] == (NOW + dt.timedelta(minutes=40)).isoformat()
    assert order[statements.SIGNER] == next(p.public for p in station.users.people() if p.name == OPERATOR)


@pytest.mark.parametrize("form, message", [
    ({"passphrase": "sai mật khẩu"}, f"wrong passphrase for {OPERATOR}"),
    ({"level": "tối khẩn"}, "level 'tối khẩn' is not one of: normal, priority, emergency"),
    ({"times": "2", "every": "0"}, "a repeat needs the minutes between airings, from 1 to 1440"),
    ({"times": "nhiều"}, "the number of times and the minutes between them must be numbers"),
    ({"announcement": "khong-co"}, "unknown announcement 'khong-co'"),
])
def test_urgent_with_bad_input_says_why_and_sends_nothing(operator, web_station, running, form, message):
    approved_station(web_station.root, render=False)
    data = {"announcement": "gioi-thieu", "level": "priority", "passphrase": OPERATOR_PASSPHRASE, **form}
    operator.post("/onair/urgent", data={**data, "csrf_token": csrf_token(operator, "/")})
    assert message in operator.get("/").get_data(as_text=True).replace("&#39;", "'")
    assert not list((web_station.data_dir / "requests").glob("*.json"))


def test_an_officer_sees_the_page_but_not_the_urgent_button(client, web_station):
    from tests.helpers import OFFICER, OFFICER_PASSPHRASE
    from tests.web.conftest import log_in

    log_in(client, OFFICER, OFFICER_PASSPHRASE)
    page = client.get("/").get_data(as_text=True)
    assert "<h1>On air</h1>" in page and "/onair/urgent" not in page
    assert client.post("/onair/urgent", data={"csrf_token": csrf_token(client, "/")}).status_code == 403


def test_status_on_the_command_line_says_what_the_page_says(web_station, running):
    from click.testing import CliRunner

    from broadcaster.cli import cli

    started = dt.datetime.now(web_station.config.tz) - dt.timedelta(seconds=20)
    on_air(web_station, started=started)
    result = CliRunner().invoke(cli, ["status"], obj=web_station)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "broadcaster run is running"
    assert lines[1].startswith("ON AIR loa-xa: gioi-thieu Giới thiệu chương trình (2")  # about 20 s of 65 s
    assert lines[1].endswith(f" s of 65 s, since {started:%H:%M:%S})")
    assert "Next 3 hours" in lines and "Today" in lines
