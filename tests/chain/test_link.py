"""The station's side of the link: its state (counter and bulletin cursor, shared by threads), the client's
retry of a request that reached the hub out of order, the hub's clock, station.yaml's hub settings, and the
last sync round when `run` stops."""

from __future__ import annotations

import threading
from email.utils import format_datetime
import datetime as dt

import orjson
import pytest

from broadcaster.chain.client import HubClient, hub_clock_offset
from broadcaster.chain.loop import SyncLoop
from broadcaster.chain.state import SyncState
from broadcaster.hub_pin import pin_hub
from broadcaster.config import load_config
from broadcaster.errors import InputError
from broadcaster.hub.protocol import COUNTER_HEADER, HUB_SIGNATURE_HEADER, response_message
from broadcaster.trust.keys import b64, public_raw, sign
from tests.chain.conftest import hubbed_station
from tests.chain.hubdata import HUB


def test_threads_never_use_one_counter_twice(tmp_path):
    state = SyncState(tmp_path, now_us=lambda: 0)
    used: list[int] = []

    def take():
        for _ in range(25):
            used.append(state.next_counter())
    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(used) == list(range(1, 101))


def test_a_state_kept_before_bulletins_reads_with_an_empty_cursor(tmp_path):
    (tmp_path / "state.json").write_bytes(orjson.dumps({"v": 1, "counter": 7, "cursor": 3}))
    state = SyncState(tmp_path)
    assert state.bulletins() == {"after": 0, "taken": {}, "receipts": [], "waiting": []}
    assert state.next_counter() > 7 and state.read()["cursor"] == 3


class Answer:
    def __init__(self, status: int, body: dict, counter: int, station: str = "xa-ea-tu"):
        self.status_code, self.content = status, orjson.dumps(body)
        self.headers = {HUB_SIGNATURE_HEADER: b64(sign(HUB, response_message(station, counter, status, self.content))),
                        "Date": format_datetime(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30),
                                                usegmt=True)}


class OutOfOrderOnce:
    """A session whose first request reaches the hub after a later one of the same station."""

    def __init__(self):
        self.counters = []

    def request(self, method, url, data, headers, timeout):
        counter = int(headers[COUNTER_HEADER])
        self.counters.append(counter)
        if len(self.counters) == 1:
            return Answer(409, {"error": "request 1 of station xa-ea-tu was replayed or came out of order"}, counter)
        return Answer(200, {"deliveries": [], "cursor": 0}, counter)


def test_a_request_overtaken_by_another_thread_is_sent_again_with_a_new_counter(tmp_path):
    session = OutOfOrderOnce()
    client = HubClient("http://127.0.0.1:9", public_raw(HUB), "xa-ea-tu", HUB, SyncState(tmp_path), session)
    assert client.call("GET", "/bulletins?after=0&wait=0") == {"deliveries": [], "cursor": 0}
    assert len(session.counters) == 2 and session.counters[1] > session.counters[0]
    assert 29 <= client.clock_offset_s <= 31  # this hub's clock is 30 s ahead


def test_the_hubs_clock_is_read_from_the_date_of_its_answer():
    sent = dt.datetime(2026, 12, 4, 9, 0, 9, 800000, tzinfo=dt.timezone.utc).timestamp()
    assert hub_clock_offset("Fri, 04 Dec 2026 09:00:12 GMT", sent, sent + 0.4) == pytest.approx(2.5)
    assert hub_clock_offset(None, sent, sent) is None and hub_clock_offset("junk", sent, sent) is None


@pytest.mark.parametrize("setting, message", [
    ("  drill: yes please\n", "station.yaml:{line}: 'drill' must be true or false, not 'yes please'"),
    ("  priority: later\n", "station.yaml:{line}: interrupt policy 'later' is not one of: now, next, wait:SECONDS"),
])
def test_bad_hub_settings_are_refused_with_their_line(tmp_path, setting, message):
    station = hubbed_station(tmp_path / "xa")
    path = station.root / "station.yaml"
    path.write_text(path.read_text(encoding="utf-8") + setting, encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(InputError) as caught:
        load_config(station.root)
    assert str(caught.value) == message.format(line=line).replace("station.yaml", str(path))


def test_joining_again_keeps_the_stations_hub_settings(tmp_path):
    station = hubbed_station(tmp_path / "xa", drill=True, priority="wait:30")
    pin_hub(station, "http://127.0.0.1:8470", b64(public_raw(HUB)))
    hub = load_config(station.root).hub
    assert (hub.url, hub.drill, hub.priority) == ("http://127.0.0.1:8470", True, "wait:30")


def test_the_sync_thread_does_a_last_round_when_run_stops():
    rounds = []
    loop = SyncLoop(None, lambda: None, lambda text: None, every_s=3600, do_round=lambda s, now: rounds.append(1))
    loop.start()
    while not rounds:
        threading.Event().wait(0.01)
    loop.stop()
    assert len(rounds) == 2
