"""`run` with its long poll for bulletins: an emergency bulletin of the province airs on the station's WAV
outputs within seconds of its delivery, and airing goes on while the hub is down."""

from __future__ import annotations

import functools
import datetime as dt
import time

import pytest
import soundfile

from broadcaster.chain.pull import BulletinLoop
from broadcaster.playout.events import STARTED
from tests import helpers
from tests.chain.conftest import TZ
from tests.chain.hubdata import FakeHub, sealed
from tests.playout.conftest import Running

pytestmark = pytest.mark.timing


wait_for = functools.partial(helpers.wait_for, step=0.02)


def first_start(r: Running, ident: str) -> float | None:
    found = [e for e in r.events if getattr(e, "status", "") == STARTED and e.airing.announcement == ident]
    return found[0].actual_start.timestamp() if found else None


def test_an_emergency_bulletin_airs_on_the_outputs_within_seconds(station, now):
    hub = FakeHub(station)
    with Running(station) as r:
        loop = BulletinLoop(station, lambda: dt.datetime.now(TZ), r.said.append, wait_s=2,
                            client=lambda: hub).start()
        try:
            wait_for(lambda: hub.polls)  # the long poll is waiting
            published = time.time()
            hub.publish(sealed("xa-ea-tu", 1, "lu-quet", now, level="emergency", outputs=["xe-loa"],
                               text="Khẩn cấp: lũ quét."))
            started = wait_for(lambda: first_start(r, "hub-lu-quet"), timeout=20)
            wait_for(lambda: any(r.get("announcement") == "hub-lu-quet" and r.get("status") == "aired"
                                 for r in station.airing_log.records(now.date())))
        finally:
            loop.stop()
    latency = started - published
    print(f"emergency bulletin: on air {latency:.2f} s after its delivery")
    assert latency < 5.0, latency  # about a second here (a render of a short text included)
    assert [x[:2] for x in ((h["delivery"], h["state"]) for h in hub.receipts)] == [(1, "delivered")]
    played, _ = soundfile.read(station.root / "data" / "xe-loa.wav", dtype="float32")
    assert abs(played).max() > 0.05
    assert not (station.root / "data" / "loa-xa.wav").exists()  # only the output it names
    assert "bulletin hub-lu-quet (emergency) from the province: sent on air" in r.said


def test_run_airs_on_while_the_hub_is_down_and_says_it_once(station):
    hub = FakeHub(station)
    hub.down = True
    with Running(station) as r:
        loop = BulletinLoop(station, lambda: dt.datetime.now(TZ), r.said.append, wait_s=1,
                            client=lambda: hub).start()
        time.sleep(3.5)
        loop.stop()
        assert r.thread.is_alive()
    assert [s for s in r.said if s.startswith("hub bulletins:")] == [
        "hub bulletins: the hub at http://127.0.0.1:9 cannot be reached: ConnectionError; airing goes on, tried "
        "again later"]
