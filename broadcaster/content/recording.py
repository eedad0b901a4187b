"""Officers' recordings: a take from the microphone is checked (clipping, near-silence), trimmed of the
silence before and after it, written under the station's audio/ folder with a sidecar naming its
announcement, and added to the library like an imported clip: a draft variant, until approved."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable

import numpy as np

from broadcaster.atomic import replacing
from broadcaster.audiofile import write_wav
from broadcaster.content.announcement import ID_PATTERN, LANGUAGE_PATTERN
from broadcaster.content.clips import CLIP_EXTENSIONS, MAX_CLIP_S, MIN_CLIP_S, SILENT_DBFS
from broadcaster.content.library import Entry
from broadcaster.content.textfile import check_topic
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import t
from broadcaster.outputs.microphone import FULL_SCALE, Level, Microphone
from broadcaster.render.filters import sound_bounds

if TYPE_CHECKING:
    from broadcaster.content.users import Signer
    from broadcaster.station import Station

QUIET_DBFS = -30.0  # a take whose loudest sound is under this was made too far from the microphone
CLIPPED_SAMPLES = 3  # one or two samples at full scale may be a click; more are a voice that clipped


@dataclass(frozen=True)
class Recorded:
    """A recording stored in the library: its entry and what happened to it ('added', 'updated'), the
    file, how long was recorded and how long was kept, and what the officer should hear about it."""

    entry: Entry
    outcome: str
    path: Path
    recorded_s: float
    duration_s: float
    warnings: tuple[str, ...]


def check_request(station: "Station", ident: str, language: str, title: str | None, topic: str | None) -> None:
    """Refuse, before anyone speaks, a recording that could not be stored: a bad id or language, a new
    announcement without a title or with an unknown topic, a title or topic for one that exists."""
    if not ID_PATTERN.match(ident):
        raise InputError(t("'{id}' is not a usable id: use lower-case letters without accents, digits and '-' "
                           "(e.g. thong-diep-5k)", id=ident))
    if not LANGUAGE_PATTERN.match(language):
        raise InputError(t("language '{lang}' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)",
                           lang=language))
    existing = station.library.find(ident)
    if existing is not None:
        if title or topic:
            raise InputError(t("'{id}' already exists ('{title}'): --title and --topic are for a new announcement",
                               id=ident, title=existing.announcement.title))
        return
    if not title or not title.strip():
        raise InputError(t("'{id}' is a new announcement: give it a title with --title", id=ident))
    if "\n" in title:
        raise InputError(t("the title must be one line"))
    if topic:
        check_topic(topic, station.config.topics)


def take_warnings(samples: np.ndarray) -> list[str]:
    """What is wrong with a take that is still worth keeping: it clipped, or it is very quiet."""
    warnings = []
    clipped = int(np.count_nonzero(np.abs(samples) >= FULL_SCALE))
    if clipped >= CLIPPED_SAMPLES:
        warnings.append(t("the sound clipped ({n} samples at full scale): move back from the microphone or turn "
                          "its level down, and record again", n=clipped))
    peak = _peak_dbfs(samples)
    if peak < QUIET_DBFS:
        warnings.append(t("the recording is very quiet (its loudest sound is {db:.0f} dBFS): speak closer to the "
                          "microphone or turn its level up, and record again", db=peak))
    return warnings


def _peak_dbfs(samples: np.ndarray) -> float:
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def trimmed_take(samples: np.ndarray, rate: int) -> np.ndarray:
    """The take without the silence before and after the voice; InputError when there is no voice in it
    or too little to be an announcement."""
    peak = _peak_dbfs(samples)
    start, stop = sound_bounds(samples, rate)
    if peak < SILENT_DBFS or stop <= start:
        raise InputError(t("nothing was recorded: the microphone gave only silence (its loudest sound is "
                           "{db:.0f} dBFS); is it plugged in, switched on and chosen with --device?",
                           db=max(peak, -200.0)))
    if stop - start < MIN_CLIP_S * rate:
        raise InputError(t("the recording lasts {s:.2f} s: too short to be an announcement (at least {min} s)",
                           s=(stop - start) / rate, min=MIN_CLIP_S))
    return samples[start:stop]


def _new_file(folder: Path, ident: str, language: str, now: dt.datetime, suffix: str = ".wav") -> Path:
    """audio/ID-LANG-YYYYMMDD-HHMMSS.wav (or another suffix), never an existing file: every take is kept."""
    stem = f"{ident}-{language}-{now.strftime('%Y%m%d-%H%M%S')}"
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists() or path.with_name(path.name + ".yaml").exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def _sidecar(path: Path, ident: str, language: str, title: str | None, topic: str | None, by: str) -> Path:
    """The clip's sidecar header: its announcement, language and (for a new one) title and topic."""
    lines = [f"id: {ident}", f"language: {language}"]
    if title:
        lines.append(f'title: "{title.strip()}"')  # quoted: the header reader keeps what is inside whole
    if topic:
        lines.append(f"topic: {topic}")
    if by:
        lines.append(f'author: "{by}"')
    sidecar = path.with_name(path.name + ".yaml")
    with replacing(sidecar, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return sidecar


def record_announcement(station: "Station", microphone: Microphone, ident: str, language: str, now: dt.datetime,
                        stop: threading.Event, max_s: float = MAX_CLIP_S,
                        on_level: Callable[[Level], None] = lambda level: None,
                        on_start: Callable[[], None] = lambda: None, title: str | None = None,
                        topic: str | None = None, signer: Signer | None = None) -> Recorded:
    """Record from ``microphone`` until ``stop`` is set or ``max_s`` seconds have passed, and store the
    take as a draft clip variant of announcement ``ident`` in ``language`` (a new announcement takes
    ``title`` and ``topic``), the version signed by ``signer`` (without one, an officer must claim it).
    ``on_start`` is called once the microphone records, ``on_level`` as it goes."""
    check_request(station, ident, language, title, topic)
    rate = station.config.profile.sample_rate
    samples = microphone.record(rate, stop, min(max_s, MAX_CLIP_S), on_level, on_start)
    take = trimmed_take(samples, rate)
    warnings = take_warnings(take)
    folder = station.root / "audio"
    folder.mkdir(parents=True, exist_ok=True)
    path = _new_file(folder, ident, language, now)
    write_wav(path, take, rate)
    sidecar = _sidecar(path, ident, language, title, topic if title else None, signer.name if signer else "")
    try:
        entry, outcome = station.content.add_file(path, now, ident=ident, language=language, signer=signer)
    except BroadcasterError:
        path.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)
        raise
    return Recorded(entry, outcome, path, round(len(samples) / rate, 3), round(len(take) / rate, 3), tuple(warnings))


def add_clip(station: "Station", data: IO[bytes], name: str, ident: str, language: str, now: dt.datetime,
             signer: Signer, title: str | None = None, topic: str | None = None) -> tuple[Entry, str]:
    """Keep a clip sent as ``data`` (a phone's recording, a browser's; ``name`` only gives its format) under
    the station's audio/ folder with its sidecar, and add it as `content add` does, signed by ``signer``;
    nothing is kept when it is refused."""
    check_request(station, ident, language, title, topic)
    suffix = Path(name).suffix.lower()
    if suffix not in CLIP_EXTENSIONS:
        raise InputError(t("'{name}' is not a clip this program reads; the formats: {exts}", name=name,
                           exts=" ".join(CLIP_EXTENSIONS)))
    folder = station.root / "audio"
    path = _new_file(folder, ident, language, now, suffix)
    with replacing(path, what=t("the clip")) as f:
        while chunk := data.read(1 << 20):
            f.write(chunk)
    sidecar = _sidecar(path, ident, language, title, topic if title else None, signer.name)
    try:
        return station.content.add_file(path, now, ident=ident, language=language, signer=signer)
    except BroadcasterError as exc:
        path.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)
        if exc.path is None or Path(exc.path) != path:
            raise
        raise type(exc)(exc.message, path=name) from None  # the file the person sent, not the name it was kept as
