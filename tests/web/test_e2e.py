"""The dashboard in a real headless Chromium, against `broadcaster serve` (marker e2e)."""

from __future__ import annotations

import pytest

from tests.helpers import PASSPHRASE, SUPERVISOR
from tests.web.conftest import browser_log_in, shoot

pytestmark = pytest.mark.e2e


def test_the_login_page_then_the_on_air_page(browser, served):
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(served.page("/"))
    assert browser.current_url.startswith(served.page("/login"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    shoot(browser, "login")
    browser_log_in(browser, served, SUPERVISOR, PASSPHRASE)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Đang phát"
    shoot(browser, "on-air")
