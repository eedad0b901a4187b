"""The library page in the real headless Chromium (marker e2e): an officer writes a text, reads how it will be
read and hears its audio; a supervisor, in a second session, approves it."""

from __future__ import annotations

import functools
import time

import pytest

from broadcaster.content.library import APPROVED
from broadcaster.station import Station
from tests import helpers
from tests.helpers import OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR
from tests.web.conftest import browser_log_in, console_problems, shoot

pytestmark = pytest.mark.e2e
IDENT = "hop-dan-web"
TEXT = (f"---\nid: {IDENT}\ntitle: Họp dân tháng 12\ntopic: general\n---\n\n"
        "Kính thưa bà con, ngày 5/12 thôn 3 họp dân lúc 14h tại nhà văn hóa.\n")


def css(browser, selector: str):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


wait_for = functools.partial(helpers.wait_for, step=0.1)


def test_an_officer_writes_and_hears_a_text_and_a_supervisor_approves_it(browser, served):
    browser_log_in(browser, served, OFFICER, OFFICER_PASSPHRASE)
    wait_for(lambda: "/login" not in browser.current_url)
    browser.get(served.page("/library/"))
    assert css(browser, "h1")[0].text == "Thư viện"
    assert css(browser, "#announcements a")  # the sample texts, taken in
    shoot(browser, "library")

    browser.get(served.page("/library/new"))
    text = css(browser, "#text-editor textarea")[0]
    text.clear()
    text.send_keys(TEXT)
    css(browser, "#text-editor button[hx-post]")[0].click()  # how it will be read, by htmx
    spoken = wait_for(lambda: css(browser, "#spoken p.spoken"))[0].text
    assert "ngày mồng năm tháng mười hai thôn ba họp dân lúc mười bốn giờ" in spoken
    shoot(browser, "library-editor")
    css(browser, "#text-editor input[name=passphrase]")[0].send_keys(OFFICER_PASSPHRASE)
    css(browser, "#text-editor button[type=submit]")[0].click()
    wait_for(lambda: browser.current_url.endswith(f"/library/{IDENT}/"))

    audio = css(browser, "#variant-vie audio")[0]
    browser.execute_script("arguments[0].preload = 'auto'; arguments[0].load();", audio)
    duration = wait_for(lambda: browser.execute_script(
        "const a = arguments[0]; return a.readyState >= 1 && isFinite(a.duration) ? a.duration : 0;", audio), 120)
    print(f"the preview of {IDENT} lasts {duration:.2f} s")
    assert duration > 1.0
    shoot(browser, "library-item-officer")
    assert not css(browser, "#decide")  # an officer does not decide

    browser_log_in(browser, served, SUPERVISOR, PASSPHRASE)  # a second session: the officer's cookie is gone
    wait_for(lambda: "/login" not in browser.current_url)
    browser.get(served.page(f"/library/{IDENT}/"))
    css(browser, "#decide input[name=passphrase]")[0].send_keys(PASSPHRASE)
    css(browser, "#decide button[value=approve]")[0].click()
    wait_for(lambda: css(browser, "p.notice"), 120)  # approving renders first
    assert Station(served.station.root).library.get(IDENT).status == APPROVED
    assert SUPERVISOR in css(browser, "#history tbody tr")[0].text
    shoot(browser, "library-item-approved")
    assert console_problems(browser) == []  # the pages, htmx and recorder.js run under the CSP


def test_an_officer_records_a_clip_in_the_browser(browser, served):
    from selenium.webdriver.support.ui import Select

    browser_log_in(browser, served, OFFICER, OFFICER_PASSPHRASE)
    wait_for(lambda: "/login" not in browser.current_url)
    browser.get(served.page("/library/"))
    form = "#add-clip"
    css(browser, f"{form} input[name=id]")[0].send_keys("ghi-am-web")
    css(browser, f"{form} input[name=title]")[0].send_keys("Ghi âm trên trình duyệt")
    Select(css(browser, f"{form} select[name=language]")[0]).select_by_value("rad")
    css(browser, f"{form} [data-record]")[0].click()
    canvas = css(browser, f"{form} canvas.level")[0]
    drawn = "const e = arguments[0], c = e.getContext('2d').getImageData(0, 0, e.width, e.height).data;" \
            "let n = 0; for (let i = 3; i < c.length; i += 4) if (c[i]) n++; return n;"
    assert wait_for(lambda: browser.execute_script(drawn, canvas), 30) > 0  # the level meter moves
    time.sleep(2)
    shoot(browser, "library-recording")
    css(browser, f"{form} [data-stop]")[0].click()
    clip = css(browser, f"{form} input[name=clip]")[0]
    wait_for(lambda: browser.execute_script("return arguments[0].files.length", clip), 30)
    css(browser, f"{form} input[name=passphrase]")[0].send_keys(OFFICER_PASSPHRASE)
    css(browser, f"{form} button[type=submit]")[0].click()
    wait_for(lambda: browser.current_url.endswith("/library/ghi-am-web/"), 60)
    variant = Station(served.station.root).library.get("ghi-am-web").announcement.variant("rad")
    print(f"recorded in the browser: {variant.source}, {variant.duration_s:.2f} s")
    assert variant.kind == "clip" and variant.duration_s > 1.5
    shoot(browser, "library-recorded")
    assert console_problems(browser) == []
