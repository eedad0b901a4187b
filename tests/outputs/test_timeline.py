"""A stream's timeline: a count of frames that follows the drift of a device's clock, and leaves a device
without a clock (a file, ALSA's null device) on its count. Time is a fake monotonic clock."""

from __future__ import annotations

import pytest

from broadcaster.outputs.timeline import MAX_SLEW, Timeline

RATE = 44100
BLOCK = 441  # 10 ms


class Device:
    """A sound card whose crystal runs ``ppm`` fast, with a buffer it keeps full: the time, and how long
    it holds what was written before the next frame is heard."""

    def __init__(self, ppm: float, buffer_s: float = 0.035):
        self.now = 1000.0
        self.ppm = ppm
        self.buffer_s = buffer_s
        self.played_s = 0.0  # device time: frames played at its own rate

    def play_block(self) -> float:
        """Time passes until the device has room for one more block; returns what it holds then."""
        real = (BLOCK / RATE) / (1 + self.ppm / 1e6)
        self.now += real
        return self.buffer_s


def run(timeline: Timeline, device: Device, seconds: float) -> None:
    for _ in range(int(seconds * RATE / BLOCK)):
        held = device.play_block()
        timeline.wrote(BLOCK)
        timeline.device_says(held)


def truth_minus_count(timeline: Timeline, device: Device) -> float:
    """When the device will really play the next frame, less when the count says it will."""
    return device.now + device.buffer_s - timeline.next_heard()


@pytest.mark.parametrize("ppm", [480, -100, 0])
def test_the_count_follows_a_device_whose_clock_drifts(ppm):
    device = Device(ppm)
    timeline = Timeline(RATE, monotonic=lambda: device.now)
    run(timeline, device, 5)
    settled = truth_minus_count(timeline, device)
    run(timeline, device, 600)  # ten minutes of a stream kept open
    # Without following the device, ten minutes at 480 ppm would be 288 ms off; it stays within a block.
    assert truth_minus_count(timeline, device) == pytest.approx(settled, abs=0.002)


def test_a_device_without_a_clock_leaves_the_count_alone():
    now = [0.0]
    timeline = Timeline(RATE, monotonic=lambda: now[0])
    for _ in range(6000):  # a minute of blocks, written as fast as a null device takes them
        now[0] += 0.01
        timeline.wrote(BLOCK)
        timeline.device_says(0.0)  # it holds nothing back, however much is written
    assert timeline.next_heard() == pytest.approx(60.0, abs=1e-9)


def test_a_jump_in_what_the_device_says_is_followed_only_at_a_clocks_pace():
    device = Device(0)
    timeline = Timeline(RATE, monotonic=lambda: device.now)
    run(timeline, device, 5)
    before = timeline.next_heard() - device.now
    device.buffer_s += 0.5  # a device whose account suddenly changes by half a second
    run(timeline, device, 10)
    moved = timeline.next_heard() - device.now - before
    assert 0 < moved <= MAX_SLEW * 10 + 1e-6


def test_a_stream_that_ran_dry_restarts_its_count_from_now():
    now = [0.0]
    timeline = Timeline(RATE, monotonic=lambda: now[0])
    timeline.wrote(RATE)  # a second written
    now[0] = 3.0          # and nothing more for three seconds
    assert timeline.next_heard() == 3.0
