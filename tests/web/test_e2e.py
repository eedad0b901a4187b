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
    browser.get(served.page("/users/"))
    assert by_css(browser, "h1")[0].text == "Người dùng"
    shoot(browser, "users")
    assert console_problems(browser) == []  # htmx and the pages run under the Content-Security-Policy


def test_the_on_air_page_shows_an_airing_of_run_without_a_reload(browser, served, clean_captures):
    station, now = served.station, dt.datetime.now(served.station.config.tz)
    # The server took the sample texts in unsigned (its first plan): an officer claims one, a supervisor approves.
    station.claim("gioi-thieu", OFFICER, OFFICER_PASSPHRASE, now)
    station.decide("gioi-thieu", APPROVED, SUPERVISOR, PASSPHRASE, now)
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
