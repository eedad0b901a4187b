"""The dashboard in a real headless Chromium, against `broadcaster serve` (marker e2e): one browser and one
server for the whole session."""

from __future__ import annotations

import datetime as dt
import sys
import time

import pytest

from broadcaster.station import Station
from broadcaster.content.library import APPROVED
from tests.helpers import OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, write_schedule
from tests.processes import spawn
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, browser_log_in, console_problems, shoot

pytestmark = pytest.mark.e2e
LIVE_S = 1.0  # the on-air page shows an airing within this of its start, without a reload


def by_css(browser, selector: str):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


def test_the_login_page_then_the_on_air_page(browser, served):
    browser.delete_all_cookies()
    browser.get(served.page("/"))
    assert browser.current_url.startswith(served.page("/login"))
    assert by_css(browser, "html")[0].get_attribute("lang") == "vi"
    shoot(browser, "login")
    browser_log_in(browser, served, SUPERVISOR, PASSPHRASE)
    assert by_css(browser, "h1")[0].text == "Đang phát"
    shoot(browser, "on-air")
    browser.set_window_size(390, 844)  # a phone
    by_css(browser, "details.urgent summary")[0].click()
    shoot(browser, "on-air-phone-urgent")
    assert by_css(browser, "body")[0].size["width"] <= 390  # nothing wider than the screen
    browser.set_window_size(1280, 900)
    browser.get(served.page("/users/"))
    assert by_css(browser, "h1")[0].text == "Người dùng"
    shoot(browser, "users")
    assert console_problems(browser) == []  # htmx and the pages run under the Content-Security-Policy


def test_the_on_air_page_shows_an_airing_of_run_without_a_reload(browser, served, clean_captures):
    station, now = served.station, dt.datetime.now(served.station.config.tz)
    # The server took the sample texts in unsigned (its first plan): an officer claims one, a supervisor approves.
    station.content.claim("gioi-thieu", OFFICER, OFFICER_PASSPHRASE, now)
    station.content.decide("gioi-thieu", APPROVED, SUPERVISOR, PASSPHRASE, now)
    browser_log_in(browser, served, OPERATOR, OPERATOR_PASSPHRASE)
    assert by_css(browser, "#nothing-on-air")
    tz = station.config.tz
    start = dt.datetime.now(tz).replace(microsecond=0) + dt.timedelta(seconds=8)
    if start.date() != (start + dt.timedelta(minutes=2)).date():
        pytest.skip("too close to midnight for a same-day schedule")
    write_schedule(station.root, start.strftime("%H:%M:%S"), ["gioi-thieu"])
    run = spawn([sys.executable, "-m", "broadcaster", "--station", str(station.root), "run", "--exit-when-idle"])

    seen = None
    deadline = time.monotonic() + 60
    while seen is None and time.monotonic() < deadline:
        if by_css(browser, "#playing li[data-key]"):
            seen = dt.datetime.now(tz)
        else:
            time.sleep(0.05)
    assert seen is not None, "the airing never showed on the page"
    playing = by_css(browser, "#playing li[data-key]")[0].text
    shoot(browser, "on-air-playing")
    assert run.wait(120) == 0
    (record,) = Station(station.root).airing_log.records(start.date())
    assert (record["announcement"], record["status"]) == ("gioi-thieu", "aired")
    late = (seen - dt.datetime.fromisoformat(record["actual_start"])).total_seconds()
    print(f"on-air page showed the airing {late:.3f} s after it started")
    assert late < LIVE_S
    assert "loa-xa" in playing and "gioi-thieu" in playing
    deadline = time.monotonic() + 10  # and once it has aired, the day's list says so, still without a reload
    while not by_css(browser, "#today tr.aired") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "gioi-thieu" in by_css(browser, "#today tr.aired")[0].text
    assert by_css(browser, "#nothing-on-air")
    shoot(browser, "on-air-aired")
    assert console_problems(browser) == []


def test_waitress_sends_each_event_as_it_is_written(served):
    """Not buffered: an item noted on air reaches a client of the stream within a fraction of a second."""
    import http.client
    import json
    import re
    import urllib.parse

    from broadcaster.playout.events import airing_to_record
    from broadcaster.playout.mailbox import Mailbox
    from tests.logdata import event

    connection = http.client.HTTPConnection(urllib.parse.urlsplit(served.url).netloc, timeout=10)
    connection.request("GET", "/login")
    login = connection.getresponse()
    cookie = login.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.read().decode())[1]
    body = urllib.parse.urlencode({"name": OPERATOR, "passphrase": OPERATOR_PASSPHRASE, "csrf_token": token})
    connection.request("POST", "/login", body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    answer = connection.getresponse()
    answer.read()
    cookie = answer.getheader("Set-Cookie").split(";")[0]
    connection.request("GET", "/onair/stream", headers={"Cookie": cookie})
    stream = connection.getresponse()
    assert stream.getheader("Content-Type").startswith("text/event-stream")
    mailbox = Mailbox(served.station.data_dir)
    mailbox.hold()  # `run` as the server sees it
    note = served.station.data_dir / "onair" / "xe-loa-1.json"
    try:
        while not stream.readline().startswith(b"event: today"):
            pass  # the state when the stream opened: nothing on xe-loa-1
        now = dt.datetime.now(served.station.config.tz)
        airing = airing_to_record(replace_output(event(now, "gioi-thieu").airing, "xe-loa-1"))
        note.parent.mkdir(parents=True, exist_ok=True)
        written = time.monotonic()
        note.write_text(json.dumps({"v": 1, "airing": airing, "sink": "xe_loa_1", "actual_start": now.isoformat(),
                                    "still_on_air": now.isoformat()}), encoding="utf-8")
        while b"xe-loa-1" not in stream.readline():
            pass
        late = time.monotonic() - written
    finally:
        note.unlink(missing_ok=True)
        mailbox.release()
        connection.close()
    print(f"the stream carried the note {late:.3f} s after it was written")
    assert late < LIVE_S


def replace_output(airing, output: str):
    from dataclasses import replace

    return replace(airing, output=output)
