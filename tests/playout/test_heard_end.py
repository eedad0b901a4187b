"""An item is aired once its end has been heard: a device that takes the whole item into its buffer and
dies before playing the end fails the item over to the backup, where it plays again whole."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import numpy as np
import soundfile

from broadcaster.errors import DeviceError
from broadcaster.playout.channel import Channel
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.events import AIRED, AiringEvent, DeviceEvent
from broadcaster.playout.priority import DEFAULT_POLICY, NORMAL
from broadcaster.schedule.plan import PlannedAiring

RATE = 8000
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class BufferingSink:
    """A device that holds ``holds_s`` of audio before it is heard; one that ``dies`` fails every write
    after the sound ends (the item's end is in its buffer, not yet heard)."""

    writes_silence = True
    paced = True

    def __init__(self, name: str, holds_s: float, dies: bool = False):
        self.name = name
        self.holds_s = holds_s
        self.dies = dies
        self.sounded = False
        self.frames = 0

    def describe(self) -> str:
        return f"sound device '{self.name}'"

    def probe(self) -> None:
        pass

    def open(self, rate: int) -> None:
        pass

    def write(self, block) -> None:
        if self.dies and self.sounded and not np.any(block):
            raise DeviceError(f"sound device '{self.name}' failed: gone")
        self.sounded = self.sounded or bool(np.any(block))
        self.frames += len(block)

    def held_s(self) -> float:
        return self.holds_s

    def close(self) -> None:
        pass


def test_a_device_dying_with_the_end_of_an_item_in_its_buffer_fails_it_over(tmp_path):
    audio = tmp_path / "mot.wav"
    soundfile.write(audio, np.full(int(0.3 * RATE), 0.1, dtype=np.float32), RATE)
    start = dt.datetime.now(TZ) + dt.timedelta(seconds=0.5)
    airing = PlannedAiring(key="d/mot", output="loa-xa", session="s", start=start,
                           end=start + dt.timedelta(seconds=0.3), announcement="mot", title="mot", topic="t",
                           fingerprint="f", asset_path=str(audio))
    # The card takes the lead-in and the whole item, then dies: the item's end was never heard.
    card = BufferingSink("card", holds_s=0.5, dies=True)
    spare = BufferingSink("spare", holds_s=0.0)
    events, done = [], threading.Event()

    def emit(event):
        events.append(event)
        if isinstance(event, AiringEvent) and event.status == AIRED:
            done.set()
    channel = Channel("loa-xa", [card, spare], SystemClock(TZ), RATE, 0.0, emit, tmp_path)
    channel.start()
    try:
        channel.submit(airing, DEFAULT_POLICY[NORMAL], start + dt.timedelta(seconds=30))
        assert done.wait(15)
    finally:
        channel.stop()
    aired = [e for e in events if isinstance(e, AiringEvent) and e.status == AIRED]
    assert [(e.airing.key, e.sink) for e in aired] == [("d/mot", "sound device 'spare'")]
    trouble = [e for e in events if isinstance(e, DeviceEvent)]
    assert [(e.device, e.failover_to) for e in trouble] == [("sound device 'card'", "sound device 'spare'")]
    assert card.sounded and spare.frames >= int(0.3 * RATE)  # played again whole there
