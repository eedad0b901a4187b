"""The fault suite's stations, sound devices and processes.

Every fault is done to a real `broadcaster` process (`python -m broadcaster`, or tests/faults/crash.py
that kills it at a chosen file change), on a station folder on disk, with sound devices that are
ALSA 'file' plugins piping what is played into files (so that every stream of every restart is kept,
appended, and can be compared with what the log says was aired).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile

from broadcaster.airing_log import AiringLog
from broadcaster.content.library import APPROVED
from broadcaster.station import Station, init_station
from broadcaster.storage import Store
from tests.conftest import ROOT
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, officer, supervisor, with_supervisor

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RATE = 44100
CRASH = Path(__file__).with_name("crash.py")
AUTHOR = "Nguyễn Thị Lan"
# The sound devices of these tests are ALSA's (a pipe to a shell command): Linux only.
ALSA = pytest.mark.skipif(sys.platform != "linux", reason="the fault suite's sound devices are ALSA devices")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "timing: airs in real time; CI runs these once more under load (.ci/run)")


# Processes ------------------------------------------------------------------------------------------

def process_env(alsa_conf: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a broadcaster process: this checkout first on the path, the test's ALSA devices."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "BROADCASTER_PASSPHRASE": PASSPHRASE,
           **extra}
    if alsa_conf is not None:
        env["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{alsa_conf}"
    return env


def broadcaster(station: Path, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m broadcaster --station STATION ARGS` to its end."""
    return subprocess.run([sys.executable, "-m", "broadcaster", "--station", str(station), *args], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", env=env or process_env(),
                          timeout=timeout)


def crash(station: Path, kill_at: int | str, *args: str, env: dict | None = None,
          timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the command on the station, killed at its ``kill_at``-th file change under the station (0: never)."""
    return subprocess.run([sys.executable, str(CRASH), str(station), str(kill_at), "--station", str(station), *args],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env or process_env(),
                          timeout=timeout)


def changes_made(result: subprocess.CompletedProcess) -> int:
    """The number of file changes crash.py counted in a run that was not killed."""
    assert result.returncode == 0, result.stdout + result.stderr
    return int(result.stderr.strip().splitlines()[-1].removeprefix("changes: "))


# Sound devices ---------------------------------------------------------------------------------------

class Devices:
    """ALSA devices for a process started with ``env``: each pipes what is played to a raw file of its own
    (appended to by every stream, so nothing played across restarts is lost), or dies part-way."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.conf = folder / "asound.conf"
        self.lines: list[str] = []

    def _pcm(self, name: str, command: str) -> None:
        self.lines.append(
            f'pcm.{name} {{ type plug; slave {{ pcm {{ type file; slave.pcm "null"; format "raw"; '
            f'file "|{command}" }}; format S16_LE }} hint {{ show on; description "fault {name}" }} }}\n')
        self.conf.write_text("".join(self.lines))

    def capture(self, name: str) -> "Devices":
        """A device that keeps everything played to it in ``raw(name)``."""
        self._pcm(name, f"cat >> {self.raw(name)}")
        return self

    def dies(self, name: str, after_s: float, times: int = 1) -> "Devices":
        """A device that takes ``after_s`` seconds of audio and then stops accepting writes (its pipe is
        closed), the first ``times`` streams that get that far; later streams play normally."""
        script = self.folder / f"{name}.sh"
        limit = int(after_s * RATE) * 2
        marks = self.folder / f"{name}.died"
        # PortAudio opens every device once when it starts, to probe it: only a stream that brought
        # the full amount counts as a death.
        script.write_text(
            f'n=$(head -c {limit} | tee -a {self.raw(name)} | wc -c)\n'
            f'if [ "$n" -ge {limit} ] && [ "$(cat {marks} 2>/dev/null | wc -l)" -lt {times} ]; then\n'
            f'  echo died >> {marks}; exit 0\nfi\ncat >> {self.raw(name)}\n')
        self._pcm(name, f"sh {script}")
        return self

    def deaths(self, name: str) -> int:
        """How many times the device ``name`` died."""
        marks = self.folder / f"{name}.died"
        return len(marks.read_text().splitlines()) if marks.exists() else 0

    def raw(self, name: str) -> Path:
        """The file that the device ``name`` writes to."""
        return self.folder / f"{name}.raw"

    def played(self, name: str) -> np.ndarray:
        """Everything played to the device, as float samples."""
        path = self.raw(name)
        if not path.exists():
            return np.zeros(0, dtype=np.float32)
        data = path.read_bytes()
        return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a process that sees these devices."""
        return process_env(self.conf, **extra)


@pytest.fixture
def devices(tmp_path) -> Devices:
    """Sound devices of the test's own (none defined yet)."""
    return Devices(tmp_path / "alsa")


def tone(frequency: float, seconds: float, rate: int = RATE) -> np.ndarray:
    """A pure tone with short fades: the sound of one test announcement, told apart from the others by its pitch."""
    n = int(seconds * rate)
    samples = 0.5 * np.sin(2 * np.pi * frequency * np.arange(n) / rate)
    fade = int(0.005 * rate)
    samples[:fade] *= np.linspace(0, 1, fade)
    samples[-fade:] *= np.linspace(1, 0, fade)
    return samples.astype(np.float32)


def heard_seconds(played: np.ndarray, frequencies: dict[str, float], window: int = 2048) -> dict[str, float]:
    """How many seconds of each tone were played, from the loudest pitch of every window of ``played``."""
    if len(played) < window:
        return {}
    frames = np.lib.stride_tricks.sliding_window_view(played, window)[::window]
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(window), axis=1))
    loudest = spectrum.argmax(axis=1) * RATE / window
    loud = np.sqrt((frames ** 2).mean(axis=1)) > 0.05
    heard = {}
    for ident, frequency in frequencies.items():
        n = int(np.count_nonzero(loud & (np.abs(loudest - frequency) < 12)))
        if n:
            heard[ident] = n * window / RATE
    return heard


# Stations --------------------------------------------------------------------------------------------

def make_station(root: Path, texts: dict[str, str] = {}, tones: dict[str, tuple[float, float]] = {},
                 grace: str = "10s", render: bool = True, engine: str = "espeak") -> Station:
    """A new station at ``root`` whose texts, and clips of tones (id: frequency, seconds), are added and
    approved by the supervisor (and rendered, unless ``render`` is false)."""
    init_station(root, "Đài truyền thanh xã Thử Nghiệm")
    config = (root / "station.yaml").read_text(encoding="utf-8").replace("engine: espeak", f"engine: {engine}")
    (root / "station.yaml").write_text(config + f"grace: {grace}\n", encoding="utf-8")
    station = with_supervisor(root)
    maker = officer(station)
    for ident, text in texts.items():
        path = root / "scripts_text" / f"{ident}.md"
        path.write_text(f"---\nid: {ident}\ntitle: {text}\nauthor: {AUTHOR}\n---\n{text}\n", encoding="utf-8")
        station.content.add_file(path, NOW, signer=maker)
    for ident, (frequency, seconds) in tones.items():
        path = root / "audio" / f"{ident}.wav"
        soundfile.write(path, tone(frequency, seconds), RATE, subtype="PCM_16")
        station.content.add_file(path, NOW, ident=ident, language="vie", signer=maker)
    for ident in [*texts, *tones]:
        entry = station.library.decide(ident, APPROVED, supervisor(station), NOW)
        if render:
            for variant in entry.announcement.variants:
                station.renders.render(variant)
    return Station(root)


def tone_frequency(n: int, window: int = 2048) -> float:
    """The pitch of test announcement ``n``: every other FFT bin from 301 Hz, so that no two are confused."""
    return (14 + 2 * n) * RATE / window


def copy_station(template: Path, root: Path) -> Station:
    """A copy of a prepared station (its rendered audio and databases too; an SQLite database through SQLite,
    which copies it whole while another process may have it open)."""
    shutil.copytree(template, root, ignore=shutil.ignore_patterns("*.lock", "*.sqlite3", "*.sqlite3-wal",
                                                                   "*.sqlite3-shm"))
    for path in template.rglob("*.sqlite3"):
        with closing(sqlite3.connect(path)) as source, \
                closing(sqlite3.connect(root / path.relative_to(template))) as target:
            source.backup(target)
    return Station(root)


def write_schedule(root: Path, outputs: dict[str, str], sessions: list[tuple[str, dt.time, str, list[str]]]) -> Path:
    """One schedule file: outputs by device, and sessions (name, start, output, item ids)."""
    lines = ["outputs:"]
    for name, device in outputs.items():
        lines += [f"  {name}:", f"    device: {device}"]
    lines.append("sessions:")
    for name, start, output, items in sessions:
        lines += [f"  - name: {name}", f"    start: '{start.strftime('%H:%M:%S')}'", f"    output: {output}",
                  f"    items: [{', '.join(items)}]"]
    for old in (root / "schedules").glob("*.y*ml"):
        old.unlink()
    path = root / "schedules" / "ngay.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def startup_allowance() -> float:
    """Seconds a fresh interpreter takes, here and now, to import what `run` imports (the command line loads the
    module of `run` only when it is asked for)."""
    began = time.monotonic()
    subprocess.run([sys.executable, "-c", "import broadcaster.cli.playout, broadcaster.playout.runner"], cwd=ROOT,
                   env=process_env(), check=True, timeout=120)
    return time.monotonic() - began


def soon(seconds: float) -> dt.datetime:
    """``seconds`` from now, in the station's time zone, plus the time a fresh interpreter takes here and now
    to import what `run` imports: a busy computer starts `run` slowly, and an item due before it is ready
    would be missed rather than tested. The test is skipped when the day would end first."""
    when = dt.datetime.now(TZ) + dt.timedelta(seconds=seconds + startup_allowance())
    if when.date() != dt.datetime.now(TZ).date() or when.date() != (when + dt.timedelta(seconds=300)).date():
        pytest.skip("too close to midnight for a same-day schedule")
    return when


# Checks ------------------------------------------------------------------------------------------------

def open_everything(root: Path) -> list[str]:
    """Open every database and description of a station the way broadcaster does; the problems found."""
    problems = []
    data = root / "data"
    station = Station(root)
    for path in sorted(data.rglob("*.json")):
        relative = path.relative_to(root).as_posix()
        try:
            if path.parent.name == "render":
                description = json.loads(path.read_text(encoding="utf-8"))
                wav = path.with_suffix(".wav")
                info = soundfile.info(str(wav))
                if abs(info.frames / info.samplerate - description["duration_s"]) > 0.01:
                    problems.append(f"{relative}: says {description['duration_s']} s, its audio lasts "
                                    f"{info.frames / info.samplerate} s")
            elif path.parent.name in ("onair", "requests"):
                json.loads(path.read_text(encoding="utf-8"))
            else:
                Store(path).read()
        except Exception as exc:  # noqa: BLE001  any failure to open is what is looked for
            problems.append(f"{relative}: {type(exc).__name__}: {exc}")
    try:
        station.library.entries()
        station.users.names()
        for check in station.airing_log.verify():
            if not check.intact:
                problems.append(f"log of {check.station}: {check.problem}")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"station: {type(exc).__name__}: {exc}")
    return problems


def airing_records(log: AiringLog) -> list[dict]:
    """Every airing record of the station's own log, in the order written."""
    return [x.record for x in log.own_records() if x.record.get("kind") == "airing"]


SHORT_TONES = {"mot": (tone_frequency(0), 1.5), "hai": (tone_frequency(1), 1.5), "ba": (tone_frequency(2), 1.5),
               "bon": (tone_frequency(3), 1.5)}


@pytest.fixture(scope="session")
def tones_template(tmp_path_factory) -> Path:
    """A station of four approved, rendered clips of 1.5 s tones (mot, hai, ba, bon) and no schedule."""
    root = tmp_path_factory.mktemp("tones") / "template"
    make_station(root, tones=SHORT_TONES, grace="10s")
    return root


@pytest.fixture
def tones_station(tones_template, tmp_path) -> Station:
    """A fresh copy of the four-tone station."""
    return copy_station(tones_template, tmp_path / "xa")
