"""Start-time accuracy in real time: 200 short items on each of two outputs, aired by the playout engine
(in a process of its own) through PortAudio into PulseAudio null sinks, and heard by recording the sinks'
monitors. Reported: the constant offset (median of heard minus planned start, in wall-clock terms) and
the spread around it (targets: p99 of |error - median| <= 10 ms, max <= 20 ms), its drift while a stream
stays open; the engine's own account of its starts; PortAudio's output latency of its streams.

How the heard time is found. Each monitor is recorded through PortAudio (an InputStream on an ALSA pcm of
type pulse, at low latency, which keeps the null sink's own latency, how long before its clock plays a
sample the monitor gets it, to about 2 ms: pactl's figure is printed). A beep's onset is the first
sample above -26 dBFS, a sample index in the recording; the recording's timeline maps it to wall-clock:
- A block of samples reaches the callback after it was captured, so the time it arrives, less its place
  in the recording, bounds from above the time of the recording's first sample. The line under these
  bounds (its slope fitted through the lowest bound of each SEGMENT_S, then lowered to lie under all)
  is the timeline; its slope is the sink's real rate against the wall clock, which is not the nominal
  one (here the null sink runs 450 to 650 ppm fast, as a sound card's crystal may, usually by less).
- Checks printed: how far each segment's lowest bound lies above the line; PortAudio's own capture times
  (inputBufferAdcTime) against it; and reference beeps put on each sink directly by a PortAudio callback
  stream where its outputBufferDacTime (PortAudio's and PulseAudio's account of when a buffer is heard)
  says a chosen time falls: heard minus chosen should be about zero.
- Clocks: planned starts are wall-clock (the station's clock). PortAudio 19.6's ALSA host stamps stream
  times with CLOCK_REALTIME (PaUtil_GetTime, and ALSA's status timestamps through the pulse plugin), not
  CLOCK_MONOTONIC; each callback compares currentTime with time.time() and time.monotonic(), and the
  bench says which clock it found and maps it to wall-clock.
- A silent client (pacat) stays on each sink for the whole run: an idle null sink renders up to two
  seconds ahead, so its monitor would get samples long before the sink's clock plays them.

Needs PortAudio (libportaudio2), PulseAudio, its tools and ALSA's pulse plugin (Debian: apt-get install
pulseaudio pulseaudio-utils libasound2-plugins); says which is missing. About two minutes (--items N for a
shorter run): python bench/timing_bench.py after pip install -e ., or PYTHONPATH=. from the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile

import load  # bench/load.py, beside this file

RATE = 44100
SPACING_S = 0.5
BEEP_S = 0.1
REFERENCE_BEEPS = 10
SEGMENT_S = 2.0  # the timeline is fitted through the lowest arrival bound of each stretch this long
OUTPUTS = ("cap1", "cap2")
SERVER_RT_PRIORITY = 20  # above the engine's feeding threads (10), as a sound server's are
INSTALL = "apt-get install -y pulseaudio pulseaudio-utils libasound2-plugins"
BEEP = (0.5 * np.sin(2 * np.pi * 1000 * np.arange(int(BEEP_S * RATE)) / RATE)).astype(np.float32)


def monitor(name: str) -> str:
    """The ALSA pcm that records a null sink's monitor."""
    return f"{name}_monitor"


def start_pulseaudio(folder: Path) -> None:
    """A private PulseAudio daemon with a null sink per output, and an ALSA configuration naming them."""
    missing = [tool for tool in ("pulseaudio", "pactl", "pacat") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"PulseAudio is missing ({' and '.join(missing)} not found): {INSTALL}")
    os.environ["PULSE_RUNTIME_PATH"] = str(folder / "pulse")
    os.environ["HOME"] = str(folder)  # pulseaudio keeps a cookie and state there
    args = ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", f"--log-target=file:{folder / 'pulse.log'}",
            "-n", "--load=module-native-protocol-unix"]
    args += [f"--load=module-null-sink sink_name={name} rate={RATE} channels=1" for name in OUTPUTS]
    started = subprocess.run(args, capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"PulseAudio did not start (exit {started.returncode}); its log: {folder / 'pulse.log'}")
    print(f"PulseAudio's threads: {sound_server_realtime(folder / 'pulse' / 'pid')}", flush=True)
    conf = folder / "asound.conf"
    conf.write_text("".join(f'pcm.{name} {{ type pulse; device "{name}" }}\n'
                            f'pcm.{monitor(name)} {{ type pulse; device "{name}.monitor" }}\n' for name in OUTPUTS)
                    + "ctl.!default { type pulse }\n")
    os.environ["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{conf}"


def sound_server_realtime(pid_file: Path) -> str:
    """Put every thread of the PulseAudio daemon in the real-time class, as a desktop's sound server is (by
    rtkit) and as a sound card's clock is not held up by the processor at all: under load the null sinks
    then keep time, and the bench measures the engine rather than them. Says what it did."""
    pid = pid_file.read_text().split()[0]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            os.sched_setscheduler(int(task.name), os.SCHED_RR, os.sched_param(SERVER_RT_PRIORITY))
    except (OSError, AttributeError) as exc:
        return (f"not real-time ({exc}; needs root or a real-time limit): under load the sinks themselves "
                f"stall, and the figures count that too")
    return f"real-time (SCHED_RR {SERVER_RT_PRIORITY})"


def portaudio_with_pulse():
    """sounddevice, once PortAudio sees the null sinks (it reads the ALSA configuration on import)."""
    try:
        import sounddevice
    except OSError as exc:
        sys.exit(f"PortAudio is missing ({exc}): apt-get install -y libportaudio2")
    names = {d["name"] for d in sounddevice.query_devices()}
    if not {n for name in OUTPUTS for n in (name, monitor(name))} <= names:
        sys.exit(f"PortAudio cannot reach the PulseAudio sinks through ALSA; is ALSA's pulse plugin "
                 f"(libasound2-plugins) installed? {INSTALL}")
    return sounddevice


def to_wall(stream_time: float, wall: float, mono: float) -> float:
    """What to add to a PortAudio stream time to make it wall-clock, from the stream's currentTime and
    time.time() and time.monotonic() read in the same callback."""
    if abs(stream_time - wall) < 1.0:
        return 0.0
    if abs(stream_time - mono) < 1.0:
        return wall - mono
    sys.exit(f"PortAudio's stream clock ({stream_time:.3f}) is neither wall-clock ({wall:.3f}) "
             f"nor monotonic ({mono:.3f})")


class MonitorRecorder:
    """Records a null sink's monitor through PortAudio; every block keeps the wall-clock time it reached
    the callback and PortAudio's capture time of its first sample."""

    def __init__(self, sd, name: str):
        self.blocks: list[np.ndarray] = []
        self.arrival: list[float] = []
        self.adc: list[float] = []
        self.shift: float | None = None
        self.overflows = 0
        self.stream = sd.InputStream(device=monitor(name), samplerate=RATE, channels=1, dtype="float32",
                                     latency="low", callback=self._block)

    def _block(self, indata, frames, times, status) -> None:
        wall, mono = time.time(), time.monotonic()
        if self.shift is None:
            self.shift = to_wall(times.currentTime, wall, mono)
        self.overflows += bool(status.input_overflow)
        self.blocks.append(indata[:, 0].copy())
        self.arrival.append(wall)
        self.adc.append(times.inputBufferAdcTime + self.shift)

    def timeline(self) -> tuple[float, float, np.ndarray, np.ndarray]:
        """Wall-clock time of sample 0, seconds per sample; how far each segment's lowest bound lies
        above the line, and each block's PortAudio capture time minus the line (in seconds)."""
        sizes = np.array([len(b) for b in self.blocks])
        last = np.cumsum(sizes) - 1  # each block's last sample
        arrival = np.array(self.arrival)
        segment = last // int(SEGMENT_S * RATE)
        lowest = np.array([np.flatnonzero(segment == s)[np.argmin(arrival[segment == s] - last[segment == s] / RATE)]
                           for s in np.unique(segment)])
        slope = np.polyfit(last[lowest], arrival[lowest], 1)[0]
        origin = (arrival - slope * last).min()  # the line lies under every block's bound
        stray = arrival[lowest] - (origin + slope * last[lowest])
        return origin, slope, stray, np.array(self.adc) - (origin + slope * (last + 1 - sizes))

    def onsets(self) -> np.ndarray:
        """Wall-clock time of each beep's first sample."""
        origin, slope, _, _ = self.timeline()
        return origin + slope * onsets(np.concatenate(self.blocks))


def onsets(recording: np.ndarray) -> np.ndarray:
    """Sample index where each beep starts: the first loud sample after a quiet stretch."""
    loud = np.abs(recording) > 0.05
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    keep = [s for i, s in enumerate(starts) if i == 0 or s - starts[i - 1] > int(0.25 * RATE)]
    return np.array(keep, dtype=np.int64)


class ReferenceBeeper:
    """A PortAudio callback stream on a sink that puts a beep where the stream's own account of when a
    buffer is heard (outputBufferDacTime) says a chosen time falls, and writes silence otherwise."""

    def __init__(self, sd, name: str):
        self.due: float | None = None
        self.placed: list[float] = []
        self._rest = BEEP[:0]
        self._lock = threading.Lock()
        self.stream = sd.OutputStream(device=name, samplerate=RATE, channels=1, dtype="float32",
                                      latency="low", callback=self._block)

    def _block(self, outdata, frames, times, status) -> None:
        heard = times.outputBufferDacTime + to_wall(times.currentTime, time.time(), time.monotonic())
        outdata.fill(0)
        with self._lock:
            at = 0
            if self.due is not None and heard + frames / RATE > self.due:
                at = max(0, int(round((self.due - heard) * RATE)))
                self.placed.append(heard + at / RATE)
                self._rest, self.due = BEEP, None
            n = min(frames - at, len(self._rest))
            outdata[at:at + n, 0] = self._rest[:n]
            self._rest = self._rest[n:]

    def beep_at(self, when: float) -> None:
        """Put a beep on the sink at ``when`` (wall-clock)."""
        with self._lock:
            self.due = when


def reference_beeps(sd) -> dict[str, np.ndarray]:
    """REFERENCE_BEEPS beeps put on every sink directly; their chosen wall-clock times, by output."""
    beepers = {name: ReferenceBeeper(sd, name) for name in OUTPUTS}
    for b in beepers.values():
        b.stream.start()
    time.sleep(1.0)  # a new stream takes a moment to settle to a steady latency
    for _ in range(REFERENCE_BEEPS):
        due = time.time() + 0.3
        for b in beepers.values():
            b.beep_at(due)
        time.sleep(SPACING_S)
    time.sleep(0.5)
    for b in beepers.values():
        b.stream.stop()
        b.stream.close()
    return {name: np.array(b.placed) for name, b in beepers.items()}


def sink_latencies() -> dict[str, float]:
    """Each null sink's latency in ms, as pactl reports it."""
    out = subprocess.run(["pactl", "list", "sinks"], capture_output=True, text=True,
                         env={**os.environ, "LC_ALL": "C"}).stdout
    found, name = {}, None
    for line in (line.strip() for line in out.splitlines()):
        if line.startswith("Name:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("Latency:") and name:
            found[name] = int(line.split()[1]) / 1000
    return found


def engine_run(folder: Path, items: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, float]]:
    """The engine airs ``items`` beeps on each output. Returns, by output, their planned starts and the
    engine's reported starts (wall-clock), and pactl's sink latencies taken during the run."""
    from zoneinfo import ZoneInfo

    from broadcaster.outputs.sinks import SoundDeviceSink
    from broadcaster.playout.clock import SystemClock
    from broadcaster.playout.engine import OutputSinks, PlayoutEngine
    from broadcaster.schedule.plan import Plan, PlannedAiring

    beep = folder / "beep.wav"
    soundfile.write(beep, BEEP, RATE, subtype="PCM_16")
    clock = SystemClock(ZoneInfo("Asia/Ho_Chi_Minh"))
    first = clock.now() + dt.timedelta(seconds=3)
    airings = tuple(PlannedAiring(key=f"{name}/{i}", output=name, session="bench", start=first + dt.timedelta(
        seconds=i * SPACING_S), end=first + dt.timedelta(seconds=i * SPACING_S + BEEP_S), announcement="beep",
        title="beep", topic="bench", fingerprint="f", asset_path=str(beep)) for name in OUTPUTS for i in range(items))
    engine = PlayoutEngine({name: OutputSinks((SoundDeviceSink(name),)) for name in OUTPUTS}, clock, RATE,
                           folder / "onair", grace_s=60)
    reported: dict[str, float] = {}
    engine.subscribe(lambda e: reported.__setitem__(e.airing.key, e.actual_start.timestamp())
                     if getattr(e, "status", "") == "aired" else None)
    engine.load(Plan(day=first.date(), airings=airings, warnings=()))
    engine.start()
    time.sleep(10)
    latencies = sink_latencies()
    while engine.pending():
        time.sleep(0.2)
    time.sleep(1.0)
    engine.stop()
    print("its channels' threads: " + ", ".join(f"{name} {c.priority or 'not raised'}"
                                                 for name, c in engine.channels.items()), flush=True)
    planned = {name: np.array([a.start.timestamp() for a in airings if a.output == name]) for name in OUTPUTS}
    own = {name: np.array([reported.get(f"{name}/{i}", np.nan) for i in range(items)]) for name in OUTPUTS}
    return planned, own, latencies


def engine_process(folder: Path, items: int, results) -> None:
    """engine_run in a process of its own, so that the recorders' callbacks do not compete with the
    engine's threads for the interpreter (as another program's would not); its priority raised as `run`
    raises its own."""
    from broadcaster.outputs.boost import raise_process

    print(f"the engine's process priority: {raise_process() or 'as other programs (not allowed to raise it)'}",
          flush=True)
    results.put(engine_run(folder, items))


def heard(recorders: dict[str, MonitorRecorder], planned: dict[str, np.ndarray]) -> np.ndarray:
    """Heard minus planned start in ms, by output (rows) and item (columns); NaN where no onset lies
    within half a spacing of the planned time."""
    errors = []
    for name, rec in recorders.items():
        found = rec.onsets()
        if not len(found):
            errors.append(np.full(len(planned[name]), np.nan))
            continue
        nearest = found[np.abs(found[None, :] - planned[name][:, None]).argmin(axis=1)] - planned[name]
        errors.append(np.where(np.abs(nearest) < SPACING_S / 2, nearest, np.nan))
    return np.array(errors) * 1000


def spread(err: np.ndarray) -> str:
    missing = int(np.isnan(err).sum())
    err = err[~np.isnan(err)]
    around = np.abs(err - np.median(err))
    p99, worst = np.percentile(around, 99), around.max()
    verdict = "met" if p99 <= 10 and worst <= 20 and not missing else "NOT met"
    return (f"offset median {np.median(err):+.2f} ms; spread around it p99 {p99:.2f} ms, max {worst:.2f} ms"
            f"{f'; {missing} not heard within {SPACING_S / 2 * 1000:.0f} ms of their time' if missing else ''} "
            f"(targets p99 <= 10 ms, max <= 20 ms: {verdict})")


def output_latency(sd) -> float:
    """PortAudio's output latency of a stream opened as the engine's sound device sink opens it."""
    from broadcaster.outputs.sinks import DEVICE_BUFFER_S

    with sd.OutputStream(device=OUTPUTS[0], samplerate=RATE, channels=1, dtype="float32",
                         latency=DEVICE_BUFFER_S) as s:
        return s.latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200, help="items on each output (default 200)")
    parser.add_argument("--load", action="store_true",
                        help=f"run beside a busy computer's load: {load.CPU} CPU-bound processes and a writer "
                             f"syncing {load.FILE_MB} MB files to disk in a loop (started and stopped here)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="broadcaster-timing-"))
    start_pulseaudio(folder)
    try:
        if args.load:
            with load.Load(args.items * SPACING_S + 120, folder=folder) as busy:
                print(f"under load: {busy.describe()}", flush=True)
                measure(folder, args.items)
        else:
            measure(folder, args.items)
    finally:
        subprocess.run(["pulseaudio", "--kill"], capture_output=True)


def measure(folder: Path, items: int) -> None:
    from broadcaster.outputs.boost import raise_process

    raise_process()  # the recorders are the bench's instrument: as the engine's, their threads inherit it
    sd = portaudio_with_pulse()
    # A silent client on each sink for the whole run: an idle null sink renders up to two seconds ahead,
    # so its monitor would get samples long before the sink's clock plays them.
    keepers = [subprocess.Popen(["pacat", "--playback", f"--device={name}", "--raw", "--format=s16le",
                                 f"--rate={RATE}", "--channels=1", "/dev/zero"])
               for name in OUTPUTS]
    try:
        recorders = {name: MonitorRecorder(sd, name) for name in OUTPUTS}
        for rec in recorders.values():
            rec.stream.start()
        time.sleep(1.0)
        placed = reference_beeps(sd)
        spawn = multiprocessing.get_context("spawn")
        results = spawn.Queue()
        engine = spawn.Process(target=engine_process, args=(folder, items, results))
        engine.start()
        try:
            planned, own, sink_latency = results.get(timeout=items * SPACING_S + 60)
        except queue.Empty:
            sys.exit(f"the engine's process gave no result (exit code {engine.exitcode})")
        engine.join()
        for rec in recorders.values():
            rec.stream.stop()
            rec.stream.close()
    finally:
        for keeper in keepers:
            keeper.terminate()
            keeper.wait()
    report(recorders, placed, planned, own, sink_latency, output_latency(sd))


def report(recorders, placed, planned, own, sink_latency, latency) -> None:
    overflows = sum(r.overflows for r in recorders.values())
    shift = next(iter(recorders.values())).shift
    print(f"PortAudio's stream clock: {'wall-clock (CLOCK_REALTIME)' if shift == 0 else 'monotonic'}; "
          f"recording overflows: {overflows}{'' if not overflows else ' (the timeline may be off)'}")
    print("null sink latency (pactl, mid-run): " + ", ".join(f"{n} {v:.1f} ms" for n, v in sink_latency.items()))
    for name, rec in recorders.items():
        _, slope, stray, adc = rec.timeline()
        print(f"{name} timeline: the sink plays {1 / slope:.2f} samples a second ({(1 / slope / RATE - 1) * 1e6:+.0f} "
              f"ppm); segments' lowest bounds within {stray.max() * 1000:.2f} ms of the line; PortAudio's capture "
              f"times minus the line: median {np.median(adc) * 1000:+.2f} ms")
    ref = heard(recorders, placed)
    print(f"reference: {ref.size} beeps put on the sinks directly at a chosen outputBufferDacTime: heard minus "
          f"chosen median {np.nanmedian(ref):+.2f} ms, range {np.nanmin(ref):+.2f} to {np.nanmax(ref):+.2f} ms"
          f"{f', {int(np.isnan(ref).sum())} not heard' if np.isnan(ref).any() else ''}")
    err = heard(recorders, planned)
    print(f"engine: {err.size} items on {len(OUTPUTS)} outputs, heard minus planned start: {spread(err.ravel())}")
    minutes = np.arange(err.shape[1]) * SPACING_S / 60
    drift = np.mean([np.polyfit(minutes[~np.isnan(e)], e[~np.isnan(e)], 1)[0] for e in err])
    print(f"  first items {np.nanmedian(err[:, :10]):+.2f} ms, last items {np.nanmedian(err[:, -10:]):+.2f} ms: "
          f"a drift of {drift:+.2f} ms a minute while each stream stays open")
    account = np.array([own[n] - planned[n] for n in OUTPUTS]) * 1000
    print(f"the engine's own account (actual_start minus planned): median {np.nanmedian(account):+.2f} ms, "
          f"max {np.nanmax(account):+.2f} ms; heard minus its account: median {np.nanmedian(err - account):+.2f} ms")
    print(f"PortAudio's output latency of a stream opened as the engine opens it (stream.latency): "
          f"{latency * 1000:.1f} ms")


if __name__ == "__main__":
    main()
