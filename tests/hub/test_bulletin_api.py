"""The stations' side of bulletins at the hub, over real HTTP and PostgreSQL: the long-poll woken by an approval,
clips, receipts kept once, on air from the station's log; junk refused with one line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
import time

import orjson
import pytest
from sqlalchemy import select

from broadcaster.chain.sync import join_hub, sync_round
from broadcaster.hub import stations, utc_now
from broadcaster.hub.bulletin_protocol import open_envelope
from broadcaster.hub.bulletins import approve_bulletin, bulletin_status, issue_bulletin
from broadcaster.hub.schema import deliveries
from broadcaster.hub.users import unlock
from broadcaster.station import Station
from broadcaster.trust.keys import public_raw
from tests.helpers import wait_for
from tests.hub.bulletindata import SignedStation, draft, passphrase, province
from tests.hub.conftest import ServedHub
from tests.hub.stationdata import fill_log, new_station
from tests.logdata import at, event


@pytest.fixture
def hub(one_pg_url, tmp_path):
    served = ServedHub(one_pg_url, tmp_path / "hub-data")
    served.keys = province(served.engine, utc_now())
    yield served
    served.close()


def client(hub, station: str = "xa-ea-tu") -> SignedStation:
    return SignedStation(hub.url, public_raw(hub.key), station, hub.keys[station])


def approved(hub, when: dt.datetime | None = None, **changes) -> str:
    now = when or utc_now()
    uid = issue_bulletin(hub.engine, draft(**changes), unlock(hub.engine, "lan", passphrase("lan"), now), now)
    approve_bulletin(hub.engine, hub.key, uid, unlock(hub.engine, "hung", passphrase("hung"), now), when or utc_now())
    return uid


def test_a_waiting_station_is_woken_within_a_second_of_the_approval(hub):
    now = utc_now()
    uid = issue_bulletin(hub.engine, draft(), unlock(hub.engine, "lan", passphrase("lan"), now), now)
    approver = unlock(hub.engine, "hung", passphrase("hung"), now)
    answers = {}

    def poll():
        answers["answer"] = client(hub).json("GET", "/bulletins?after=0&wait=30")
        answers["at"] = time.monotonic()

    waiting = threading.Thread(target=poll)
    waiting.start()
    fanout = hub.app.extensions["fanout"]
    wait_for(lambda: fanout.waiting == 1)
    began = time.monotonic()
    approve_bulletin(hub.engine, hub.key, uid, approver, utc_now())
    waiting.join(30)
    assert answers["at"] - began < 1.0
    status, found = answers["answer"]
    assert status == 200
    (envelope,) = found["deliveries"]
    received = open_envelope(envelope, public_raw(hub.key), "xa-ea-tu")
    assert (received.uid, found["cursor"]) == (uid, received.delivery)
    # Nothing after the cursor: a poll without a wait answers at once, empty, with the same cursor.
    assert client(hub).json("GET", f"/bulletins?after={found['cursor']}&wait=0") == \
        (200, {"deliveries": [], "cursor": found["cursor"]})


def test_a_wait_with_nothing_coming_answers_empty_at_its_end(hub):
    began = time.monotonic()
    assert client(hub).json("GET", "/bulletins?after=0&wait=1") == (200, {"deliveries": [], "cursor": 0})
    assert 0.9 < time.monotonic() - began < 10


@pytest.mark.parametrize("query, message", [
    ("after=abc&wait=0", "the cursor 'abc' is not a delivery number"),
    ("after=-1&wait=0", "the cursor '-1' is not a delivery number"),
    ("after=0&wait=31", "the wait '31' is not a number of seconds from 0 to 30"),
    ("after=0&wait=1.5", "the wait '1.5' is not a number of seconds from 0 to 30"),
    ("after=%C2%B2&wait=0", "the cursor '²' is not a delivery number"),     # a digit to str.isdigit, not to int
    ("after=0&wait=%E2%91%A0", "the wait '①' is not a number of seconds from 0 to 30"),
])
def test_a_junk_cursor_or_wait_is_refused(hub, query, message):
    assert client(hub).json("GET", f"/bulletins?{query}") == (400, {"error": message})


def test_the_clip_goes_only_to_the_stations_it_was_sent_to(hub):
    clip = b"RIFF" + bytes(range(256)) * 40
    uid = approved(hub, text=None, clip=clip, clip_format="wav", to=("xa-ea-tu",))
    status, envelope = client(hub).json("GET", "/bulletins?after=0&wait=0")
    bulletin = open_envelope(envelope["deliveries"][0], public_raw(hub.key), "xa-ea-tu").bulletin
    status, got = client(hub).call("GET", f"/bulletins/{uid}/clip")
    assert status == 200 and hashlib.sha256(got).hexdigest() == bulletin["clip_sha256"]
    refused = client(hub, "xa-hoa-thang").json("GET", f"/bulletins/{uid}/clip")
    assert refused == (404, {"error": f"no bulletin '{uid}' with a clip was sent to station xa-hoa-thang"})


def receipts(*items) -> bytes:
    return orjson.dumps({"receipts": list(items)})


def test_receipts_are_taken_once_the_first_state_winning(hub):
    uid = approved(hub)
    number = client(hub).json("GET", "/bulletins?after=0")[1]["cursor"]
    stamp = utc_now().isoformat()
    delivered = {"delivery": number, "state": "delivered", "at": stamp}
    assert client(hub).json("POST", "/bulletins/receipts", receipts(delivered)) == (200, {"taken": 1})
    assert client(hub).json("POST", "/bulletins/receipts", receipts(delivered, delivered)) == (200, {"taken": 0})
    failed = {"delivery": number, "state": "failed", "reason": "không dựng được giọng đọc", "at": stamp}
    assert client(hub).json("POST", "/bulletins/receipts", receipts(failed)) == (200, {"taken": 1})
    assert client(hub).json("POST", "/bulletins/receipts", receipts(failed, delivered)) == (200, {"taken": 0})
    other = client(hub, "xa-hoa-thang")
    theirs = other.json("GET", "/bulletins?after=0")[1]["cursor"]
    assert other.json("POST", "/bulletins/receipts", receipts(
        {"delivery": theirs, "state": "failed", "reason": "not in drill mode", "at": "2030-01-01T00:00:00+00:00"})) \
        == (200, {"taken": 1})
    with hub.engine.connect() as db:
        found = {s.station: s for s in bulletin_status(db, uid, utc_now()).stations}
    assert (found["xa-ea-tu"].state, found["xa-ea-tu"].reason) == ("failed", "không dựng được giọng đọc")
    assert found["xa-ea-tu"].delivered_at == dt.datetime.fromisoformat(stamp)
    assert found["xa-hoa-thang"].failed_at <= utc_now()   # a station's clock ahead is not believed
    assert found["xa-krong-bong"].state == "accepted"


@pytest.mark.parametrize("body, message", [
    (b"not json", "the request is not a list of at most 1000 receipts"),
    (orjson.dumps({"receipts": {}}), "the request is not a list of at most 1000 receipts"),
    (receipts("delivered"), "receipt 1: not an object"),
    (receipts({"delivery": "1", "state": "delivered", "at": "2026-12-04T07:00:00+07:00"}),
     "receipt 1: 'delivery' is not a delivery number"),
    (receipts({"delivery": 2 ** 63, "state": "delivered", "at": "2026-12-04T07:00:00+07:00"}),
     "receipt 1: 'delivery' is not a delivery number"),
    (receipts({"delivery": 1, "state": "aired", "at": "2026-12-04T07:00:00+07:00"}),
     "receipt 1: 'state' is not one of: delivered, failed"),
    (receipts({"delivery": 1, "state": "failed", "reason": "x" * 501, "at": "2026-12-04T07:00:00+07:00"}),
     "receipt 1: 'reason' is not a text of at most 500 characters"),
    (receipts({"delivery": 1, "state": "delivered", "at": "2026-12-04 07:00"}),
     "receipt 1: 'at' is not a date and time with its time zone"),
    (receipts({"delivery": 1, "state": "delivered", "at": "hôm qua"}),
     "receipt 1: 'at' is not a date and time with its time zone"),
])
def test_junk_receipts_are_refused_whole(hub, body, message):
    assert client(hub).json("POST", "/bulletins/receipts", body) == (400, {"error": message})


def test_a_receipt_dated_before_its_delivery_is_taken_as_of_the_delivery(hub):
    """A stolen key's receipt "delivered in year 1" cannot put a date the pages cannot show into the database."""
    uid = approved(hub)
    number = client(hub).json("GET", "/bulletins?after=0")[1]["cursor"]
    assert client(hub).json("POST", "/bulletins/receipts", receipts(
        {"delivery": number, "state": "delivered", "at": "0001-01-01T00:00:00+14:00"})) == (200, {"taken": 1})
    with hub.engine.connect() as db:
        row = db.execute(select(deliveries).where(deliveries.c.id == number)).one()
        assert row.delivered_at == row.accepted_at
        assert bulletin_status(db, uid, utc_now()).stations  # the status reads back


def test_a_counter_beyond_18_digits_is_refused_as_bad_input(hub):
    signed = client(hub)
    signed._counters = iter([2 ** 63])
    status, content = signed.call("GET", "/bulletins?after=0&wait=0")
    assert (status, orjson.loads(content)) == (400, {"error": "the request's counter is not a whole number of at "
                                                              "most 18 digits"})


def test_a_receipt_for_another_stations_delivery_takes_nothing(hub):
    approved(hub)
    mine = client(hub).json("GET", "/bulletins?after=0")[1]["cursor"]
    theirs = client(hub, "xa-hoa-thang").json("GET", "/bulletins?after=0")[1]["cursor"]
    stamp = utc_now().isoformat()
    answer = client(hub).json("POST", "/bulletins/receipts", receipts(
        {"delivery": mine, "state": "delivered", "at": stamp}, {"delivery": theirs, "state": "failed", "at": stamp}))
    assert answer == (400, {"error": f"delivery {theirs} is not one the hub made for station xa-ea-tu"})
    with hub.engine.connect() as db:
        assert db.execute(select(deliveries.c.id).where(deliveries.c.delivered_at.is_not(None)
                                                        | deliveries.c.failed_at.is_not(None))).first() is None


def test_on_air_comes_from_the_station_log(hub, tmp_path):
    uid = approved(hub, at(4, 5, 0), to=("xa-ea-tu",))   # sent at 05:00, before the airings of the log
    station = new_station(tmp_path / "xa-ea-tu", "xa-ea-tu")   # the real station, joining again with a new code
    with hub.engine.begin() as db:
        code = stations.enrol(db, "xa-ea-tu", utc_now())
    join_hub(station, hub.url, code)
    station = Station(station.root)
    aired = event(at(4, 7, 1), status="aired")
    aired = dataclasses.replace(aired, airing=dataclasses.replace(aired.airing, announcement=f"hub-{uid}"))
    missed = dataclasses.replace(aired, status="missed", actual_start=None, actual_end=None,
                                 airing=dataclasses.replace(aired.airing, start=at(4, 6, 0)))
    again = dataclasses.replace(aired, airing=dataclasses.replace(aired.airing, start=at(4, 9, 0)),
                                actual_start=at(4, 9, 0), actual_end=at(4, 9, 1))
    fill_log(station, [missed, aired, again])
    sync_round(station, at(4, 10))
    with hub.engine.connect() as db:
        (state,) = bulletin_status(db, uid, utc_now()).stations
    assert (state.state, state.on_air_at) == ("on air", at(4, 7, 1))


def test_an_airing_logged_before_its_bulletin_was_sent_counts_from_the_sending(hub):
    """A station's clock, or its key in the wrong hands, cannot make a bulletin on air before it was sent."""
    from broadcaster.hub.deliveries import mark_on_air

    uid = approved(hub, to=("xa-ea-tu",))
    with hub.engine.begin() as db:
        assert mark_on_air(db, "xa-ea-tu", [{"kind": "airing", "status": "aired", "announcement": f"hub-{uid}",
                                             "actual_start": "0001-01-01T00:00:00+14:00"}], utc_now()) == 1
        row = db.execute(select(deliveries)).one()
        assert row.on_air_at == row.accepted_at


def test_the_fanout_answers_from_what_it_read_and_sends_the_rest_to_the_database(hub):
    from broadcaster.hub.fanout import Fanout

    approved(hub, to=("xa-ea-tu",))          # made before this fanout listened: not held
    fanout = Fanout(hub.engine, max_waiters=1)
    try:
        fanout.start()
        assert fanout.wait("xa-ea-tu", 0, 0) is None
        assert fanout.wait("xa-hoa-thang", 0, 0) == []     # nothing for it: an empty answer
        after = approved(hub, to=("xa-ea-tu",))
        wait_for(lambda: fanout.latest.get("xa-ea-tu", 0) > fanout.since)
        (envelope,) = fanout.wait("xa-ea-tu", fanout.since, 0)
        assert open_envelope(envelope, public_raw(hub.key), "xa-ea-tu").uid == after
        assert fanout.wait("xa-ea-tu", envelope["delivery"], 0) == []
    finally:
        fanout.stop()


def test_beyond_its_waiters_a_long_poll_is_answered_at_once(hub):
    from broadcaster.hub.fanout import Busy, Fanout

    fanout = Fanout(hub.engine, max_waiters=0)
    try:
        began = time.monotonic()
        with pytest.raises(Busy):
            fanout.wait("xa-ea-tu", 0, 20)
        assert time.monotonic() - began < 5
    finally:
        fanout.stop()


def test_a_station_waits_once_so_one_key_cannot_take_every_place(hub):
    """270 waits from one stolen key held 224 places and left none for the others: now its newest wait ends
    its earlier one, and another station still waits its full time."""
    fanout = hub.app.extensions["fanout"]
    greedy = [threading.Thread(target=client(hub).json, args=("GET", "/bulletins?after=999999&wait=5"))
              for _ in range(6)]
    for thread in greedy:
        thread.start()
        time.sleep(0.1)
    wait_for(lambda: fanout.waiting == 1)
    began = time.monotonic()
    assert client(hub, "xa-hoa-thang").json("GET", "/bulletins?after=0&wait=2") == \
        (200, {"deliveries": [], "cursor": 0})
    assert time.monotonic() - began > 1.5
    for thread in greedy:
        thread.join(30)


def test_a_long_poll_without_room_says_when_to_ask_again(hub):
    hub.app.extensions["fanout"].max_waiters = 0
    assert client(hub).json("GET", "/bulletins?after=0&wait=5") == \
        (200, {"deliveries": [], "cursor": 0, "waited": False, "retry_after": 30})


def test_waits_are_woken_again_after_postgresql_restarts(hub, debian_postgres):
    client(hub).json("GET", "/bulletins?after=0&wait=0")   # the hub's listener is up
    debian_postgres.stop("immediate")
    debian_postgres.start()
    answers = {}
    waiting = threading.Thread(target=lambda: answers.update(got=client(hub).json("GET", "/bulletins?after=0&wait=30")))
    waiting.start()
    fanout = hub.app.extensions["fanout"]
    wait_for(lambda: fanout.waiting == 1)
    began = time.monotonic()
    uid = approved(hub)
    waiting.join(30)
    assert time.monotonic() - began < 10   # the listener listens again within a second or two of the restart
    status, found = answers["got"]
    assert status == 200 and open_envelope(found["deliveries"][0], public_raw(hub.key), "xa-ea-tu").uid == uid


def test_a_stopped_hub_leaves_none_of_its_threads(one_pg_url, tmp_path):
    before = threading.active_count()
    served = ServedHub(one_pg_url, tmp_path / "hub-data")
    assert threading.active_count() >= before + 256   # room for 224 long-polls and 32 other requests
    served.close()
    wait_for(lambda: threading.active_count() <= before, timeout=15)
