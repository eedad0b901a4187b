"""The hub's pages in a real headless Chromium, served by waitress as `hub serve` serves them: log in, see the
stations and the report, and watch a bulletin's state at a station change without reloading the page."""

from __future__ import annotations

import datetime as dt
import threading
import time

import orjson
import pytest

from broadcaster.hub import bulletins, users
from broadcaster.hub.deliveries import take_receipts
from broadcaster.hub.pages import create_app, dispatch
from broadcaster.hub.server import SERVER_OPTIONS
from broadcaster.trust.keys import new_key
from tests.hub.conftest import PAGES_PASSPHRASE
from tests.web.conftest import console_problems, shoot


@pytest.fixture
def served_pages(pages_db, pages_clock, tmp_path):
    """The hub's pages on a free loopback port (a waitress thread of the test); their address."""
    import waitress

    from broadcaster.hub.api import create_app as api_app

    key = new_key()
    server = waitress.create_server(dispatch(api_app(pages_db, key), create_app(pages_db, tmp_path / "hub", key,
                                                                                  pages_clock)),
                                    host="127.0.0.1", port=0, **SERVER_OPTIONS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", key
    server.close()
    server.task_dispatcher.shutdown()  # its worker threads: close() leaves them running
    thread.join(10)


def log_in(browser, url: str, name: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(url + "/login")
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "passphrase").send_keys(PAGES_PASSPHRASE)
    button = browser.find_element(By.CSS_SELECTOR, "form.login button[type=submit]")
    button.click()
    WebDriverWait(browser, 60).until(expected_conditions.staleness_of(button))


@pytest.mark.e2e
def test_a_bulletins_state_at_a_station_goes_live_in_the_browser(browser, served_pages, pages_db, pages_clock):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, key = served_pages
    now = pages_clock.at
    officer = users.unlock(pages_db, "huyen643", PAGES_PASSPHRASE, now)
    approver = users.unlock(pages_db, "tinh", PAGES_PASSPHRASE, now)
    uid = bulletins.issue_bulletin(pages_db, bulletins.Draft(
        title="Cảnh báo lũ quét trên sông Ea Krông",
        text="Bà con vùng trũng di chuyển ngay lên chỗ cao.",
        level="emergency", to=("643",), source="web"), officer, now)
    bulletins.approve_bulletin(pages_db, key, uid, approver, now)

    browser.set_window_size(412, 915)  # a phone
    log_in(browser, url, "tinh")
    browser.get(url + "/stations/")
    shoot(browser, "hub-stations")
    browser.get(url + "/reports/?from=2026-11-27&to=2026-12-03")
    shoot(browser, "hub-reports")
    browser.get(url + f"/bulletins/{uid}")
    row = "#delivery-bulletin-xa-an-binh"
    assert "state-accepted" in browser.find_element(By.CSS_SELECTOR, row).get_attribute("class")
    with pages_db.begin() as db:
        delivery = db.exec_driver_sql("SELECT id FROM deliveries WHERE station = 'xa-an-binh'").scalar()
        at = now + dt.timedelta(seconds=2)
        take_receipts(db, "xa-an-binh", orjson.dumps({"receipts": [
            {"delivery": delivery, "state": "delivered", "at": at.isoformat()}]}), at)
    began = time.monotonic()
    WebDriverWait(browser, 10, 0.1).until(
        lambda b: "state-delivered" in b.find_element(By.CSS_SELECTOR, row).get_attribute("class"))
    seen_after = time.monotonic() - began
    assert seen_after < 5, seen_after  # asked for every second; a loaded machine may add some
    assert "0:02" in browser.find_element(By.CSS_SELECTOR, row).text
    shoot(browser, "hub-bulletin-live")
    browser.get(url + "/bulletins/")
    shoot(browser, "hub-bulletins")
    assert not [p for p in console_problems(browser) if "Content Security Policy" in p]
    browser.set_window_size(1280, 900)
