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
from broadcaster.hub.server import SERVER_OPTIONS, stop_serving
from broadcaster.trust.keys import fingerprint, new_key, public_raw
from tests.hub.conftest import PAGES_PASSPHRASE
from tests.web.conftest import console_problems, shoot


@pytest.fixture
def served_pages(pages_db, pages_clock, tmp_path):
    """The hub's pages on a free loopback port (a waitress thread of the test); their address."""
    import waitress

    from broadcaster.hub.api import create_app as api_app

    key = new_key()
    api = api_app(pages_db, key)
    server = waitress.create_server(dispatch(api, create_app(pages_db, tmp_path / "hub", key, pages_clock)),
                                    host="127.0.0.1", port=0, **SERVER_OPTIONS)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}", key
    stop_serving(server, api)
    thread.join(10)


def log_in(browser, url: str, name: str) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(url + "/login")
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "passphrase").send_keys(PAGES_PASSPHRASE)
    button = browser.find_element(By.CSS_SELECTOR, "form.login button[type=submit]")
    button.click()
    # While the next page replaces it, ChromeDriver may answer "node does not belong to the document"
    # instead of "stale": asked again, it says stale.
    WebDriverWait(browser, 60, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(button))


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


@pytest.mark.e2e
def test_an_admin_enrols_a_station_and_revokes_it_in_the_browser(browser, served_pages, pages_db):
    import re

    from selenium.webdriver.common.by import By

    url, key = served_pages
    browser.set_window_size(412, 915)
    log_in(browser, url, "tinh")
    browser.get(url + "/stations/")
    browser.find_element(By.LINK_TEXT, "Đăng ký một đài").click()
    for name, value in (("id", "xa-ea-tu"), ("name", "Xã Ea Tu"), ("area", "24620"), ("district", "643"),
                        ("passphrase", PAGES_PASSPHRASE)):
        browser.find_element(By.NAME, name).send_keys(value)
    browser.find_element(By.CSS_SELECTOR, "#enrol button[type=submit]").click()
    code = browser.find_element(By.CSS_SELECTOR, "#code strong").text
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code)
    line = browser.find_element(By.CSS_SELECTOR, "#code code").text
    assert line == f"broadcaster hub join {url} {code} --fingerprint {fingerprint(public_raw(key))}"
    shoot(browser, "hub-station-enrolled")
    browser.get(url + "/station/xa-ea-tu")
    assert "#code" not in browser.page_source and code not in browser.page_source  # shown once
    assert not browser.find_elements(By.ID, "revoke")  # no key yet: nothing to revoke
    browser.get(url + "/stations/")
    browser.find_element(By.LINK_TEXT, "Xã An Bình").click()
    browser.find_element(By.CSS_SELECTOR, "#revoke input[name=passphrase]").send_keys(PAGES_PASSPHRASE)
    browser.find_element(By.CSS_SELECTOR, "#revoke button[type=submit]").click()
    assert "xa-an-binh đã bị thu hồi" in browser.find_element(By.TAG_NAME, "main").text
    shoot(browser, "hub-station-revoked")
    with pages_db.connect() as db:
        assert db.exec_driver_sql("SELECT revoked_at IS NOT NULL FROM stations WHERE id = 'xa-an-binh'").scalar()
    assert not [p for p in console_problems(browser) if "Content Security Policy" in p]
