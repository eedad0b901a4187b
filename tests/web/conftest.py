"""Fixtures of the web dashboard: a station with people of every role, its Flask test client, and (for the
tests marked e2e) `broadcaster serve` on a free port with one headless Chromium for the whole session."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from broadcaster.station import Station
from broadcaster.web.app import create_app
from tests.conftest import ROOT
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, with_supervisor
from tests.processes import spawn

OPERATOR, OPERATOR_PASSPHRASE = "Phạm Văn Vận", "mật khẩu vận hành"
SUPERVISOR2, SUPERVISOR2_PASSPHRASE = "Đỗ Thị Duyệt", "mật khẩu người duyệt hai"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                  # a microphone that plays a tone, allowed without asking: the library's recorder
                  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")


class FixedClock:
    """A clock that says what the test sets (``at``), in the station's time zone."""

    def __init__(self, at: dt.datetime):
        self.tz = at.tzinfo
        self.at = at

    def now(self) -> dt.datetime:
        """The time set."""
        return self.at


def with_people(root: Path) -> Station:
    """The station at ``root`` with its admin SUPERVISOR, OFFICER, OPERATOR and a second supervisor."""
    station = with_supervisor(root)
    if OPERATOR not in dict(station.users.names()):
        station.users.add(OPERATOR, "operator", OPERATOR_PASSPHRASE, NOW, (SUPERVISOR, PASSPHRASE))
        station.users.add(SUPERVISOR2, "supervisor", SUPERVISOR2_PASSPHRASE, NOW, (SUPERVISOR, PASSPHRASE))
    return station


@pytest.fixture
def web_station(station_dir: Path) -> Station:
    """A copy of the sample station with people of every role."""
    return with_people(station_dir)


@pytest.fixture
def clock() -> FixedClock:
    """The web application's clock, at NOW unless a test moves it."""
    return FixedClock(NOW)


@pytest.fixture
def app(web_station: Station, clock: FixedClock):
    """The web application of ``web_station``."""
    return create_app(web_station, clock, TESTING=True)


@pytest.fixture
def client(app):
    """A browser without a session."""
    return app.test_client()


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, name: str = SUPERVISOR, passphrase: str = PASSPHRASE):
    """Log ``client`` in as ``name``; the response to the login form."""
    return client.post("/login", data={"name": name, "passphrase": passphrase, "csrf_token": csrf_token(client)})


@pytest.fixture
def admin(client):
    """A browser logged in as the admin (SUPERVISOR)."""
    assert log_in(client).status_code == 302
    return client


@pytest.fixture
def operator(client):
    """A browser logged in as OPERATOR."""
    assert log_in(client, OPERATOR, OPERATOR_PASSPHRASE).status_code == 302
    return client


# ---- end to end: `broadcaster serve` and a real Chromium ----

@dataclass
class Served:
    """A station served by `broadcaster serve` in a child process."""

    station: Station
    url: str
    log: Path  # what serve printed

    def page(self, path: str) -> str:
        """The full address of ``path``."""
        return self.url + path


def free_port() -> int:
    """A TCP port of 127.0.0.1 that no one listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process, log: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited with {process.returncode}: {log.read_text(encoding='utf-8')}")
        try:
            urllib.request.urlopen(url + "/login", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"serve did not answer on {url} within {timeout_s} s")


def served_station(root: Path) -> Station:
    """A Vietnamese test station at ``root`` (a new folder): the sample texts, schedules and audio, people of
    every role, its key made as 'init' does."""
    root.mkdir()
    for name in ("scripts_text", "schedules", "audio"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy2(ROOT / "station.yaml", root / "station.yaml")  # the sample station speaks Vietnamese
    station = with_people(root)
    station.station_key
    return station


@contextmanager
def serving(station: Station) -> Iterator[Served]:
    """``station`` served by `broadcaster serve` on a free port of 127.0.0.1 while the block runs."""
    port, log = free_port(), station.root.parent / f"serve-{station.root.name}.log"
    with log.open("w", encoding="utf-8") as output:  # a file, not a pipe: nobody reads it until the end
        process = spawn([sys.executable, "-m", "broadcaster", "--station", str(station.root), "serve", "--port",
                         str(port)], stdout=output, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, log)
            yield Served(station, url, log)
        finally:
            process.terminate()
            process.wait(30)


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Served:
    """A Vietnamese test station (people of every role, no data yet) served by `broadcaster serve` for the whole
    session; tests add what they need through ``served.station``."""
    with serving(served_station(tmp_path_factory.mktemp("served") / "station")) as served:
        yield served


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Debian's, through its chromedriver) of its own: its own cookies, its own session."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, for CSP violations
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    with chromium() as driver:
        yield driver


def shoot(browser, name: str) -> Path:
    """Save a screenshot of the browser's page as artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def console_problems(browser) -> list[str]:
    """What the page's console said at level SEVERE since the last call (a script blocked by the CSP, a
    failed request)."""
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def browser_log_in(browser, served: Served, name: str, passphrase: str) -> None:
    """Log the browser in as ``name`` (logging out whoever was in)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(served.page("/login"))
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "passphrase").send_keys(passphrase)
    button = browser.find_element(By.CSS_SELECTOR, "form.login button[type=submit]")
    button.click()
    # Until the answer's page is there: a page asked for at once could be overtaken by it on a busy machine.
    # While the next page replaces it, ChromeDriver may answer "node does not belong to the document"
    # instead of "stale": asked again, it says stale.
    WebDriverWait(browser, 60, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(button))
