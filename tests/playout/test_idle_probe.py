"""An idle channel checks the device its next item would play on, without opening a stream to play: a
device gone is reported once and the first backup that answers takes its place."""

from __future__ import annotations

import threading
import time
from zoneinfo import ZoneInfo

from broadcaster.errors import DeviceError
from broadcaster.playout.channel import Channel
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.events import DeviceEvent


class ProbedSink:
    """A sink that answers a probe (or not, once ``gone``) and counts what would make a sound."""

    writes_silence = True
    paced = True

    def __init__(self, name: str, gone: bool = False):
        self.name = name
        self.gone = gone
        self.probes = 0
        self.opened = 0

    def describe(self) -> str:
        return f"sound device '{self.name}'"

    def probe(self) -> None:
        self.probes += 1
        if self.gone:
            raise DeviceError(f"sound device '{self.name}' cannot be opened: gone")

    def open(self, rate: int) -> None:
        self.opened += 1

    def write(self, block) -> None:
        raise AssertionError("an idle probe plays nothing")

    def held_s(self):
        return None

    def close(self) -> None:
        pass


def _channel(sinks, tmp_path, events):
    got = threading.Event()

    def emit(event):
        events.append(event)
        got.set()
    channel = Channel("loa-xa", sinks, SystemClock(ZoneInfo("Asia/Ho_Chi_Minh")), 44100, 0.0, emit, tmp_path,
                      probe_s=0.1)
    return channel, got


def _wait_for_probes(sink: ProbedSink, n: int) -> None:
    deadline = time.monotonic() + 10
    while sink.probes < n and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sink.probes >= n


def test_a_lost_device_is_reported_once_and_the_backup_that_answers_comes_first(tmp_path):
    card, dead_backup, spare = ProbedSink("card", gone=True), ProbedSink("old", gone=True), ProbedSink("spare")
    events = []
    channel, got = _channel([card, dead_backup, spare], tmp_path, events)
    channel.start()
    try:
        assert got.wait(10)
        _wait_for_probes(spare, 2)  # it keeps probing (now the spare, first), and reports nothing again
    finally:
        channel.stop()
    assert all(isinstance(e, DeviceEvent) and (e.output, e.state) == ("loa-xa", "failed") for e in events)
    assert [(e.device, e.reason, e.failover_to) for e in events] == [
        ("sound device 'card'", "sound device 'card' cannot be opened: gone", "sound device 'spare'"),
        ("sound device 'old'", "sound device 'old' cannot be opened: gone", "sound device 'spare'")]
    assert channel.sinks == [spare, card, dead_backup]
    assert card.probes == 1 and (card.opened, dead_backup.opened, spare.opened) == (0, 0, 0)


def test_a_lost_device_without_a_backup_is_reported_and_stays_first(tmp_path):
    card = ProbedSink("card", gone=True)
    events = []
    channel, got = _channel([card], tmp_path, events)
    channel.start()
    try:
        assert got.wait(10)
        _wait_for_probes(card, 2)
    finally:
        channel.stop()
    assert [(e.device, e.failover_to) for e in events] == [("sound device 'card'", "")]
    assert channel.sinks == [card] and card.opened == 0


def test_a_device_that_answers_is_left_alone(tmp_path):
    card, spare = ProbedSink("card"), ProbedSink("spare")
    events = []
    channel, _ = _channel([card, spare], tmp_path, events)
    channel.start()
    try:
        _wait_for_probes(card, 2)
    finally:
        channel.stop()
    assert events == [] and channel.sinks == [card, spare] and spare.probes == 0
