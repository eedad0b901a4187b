"""A station folder: where its files are, and the stores and plans made from them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from broadcaster.airing_log import AiringLog
from broadcaster.config import CONFIG_FILE, StationConfig, load_config
from broadcaster.content.library import Entry, Library
from broadcaster.content.textfile import Announcement, read_announcement
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.outputs.sinks import Sink, SoundDeviceSink, WavFileSink
from broadcaster.render.cache import Asset, RenderCache, cache_key
from broadcaster.schedule.model import Output, Schedule
from broadcaster.schedule.parser import load_schedules, schedule_files
from broadcaster.schedule.plan import Material, Plan, plan_day
from broadcaster.speech.engine import SpeechEngine, SpokenText
from broadcaster.speech.factory import speech_engines
from broadcaster.speech.normalise import LANGUAGE, TextNormaliser, load_dictionary

FOLDERS = ("scripts_text", "audio", "schedules", "data")

STATION_TEMPLATE = """\
# Station configuration (see README). Times are in the station's time zone.
name: {name}
timezone: Asia/Ho_Chi_Minh
audio:
  target_lufs: -16        # integrated loudness, ITU-R BS.1770
  true_peak_dbtp: -1      # true-peak ceiling
  sample_rate: 44100
speech:
  engine: espeak          # espeak: offline; gtts: Google's voice, online (falls back to espeak)
  voice: vi               # the espeak-ng voice
  rate_wpm: 150
  # timeout_s: 5          # gtts: seconds to wait for an answer
  # retries: 2            # gtts: tries after the first
  # fallback: espeak      # when gtts fails: espeak, or none
  # dictionary: tu-dien.yaml   # the station's own readings, "written: spoken" lines
"""


@dataclass
class Station:
    """One station folder: scripts_text/, audio/, schedules/, station.yaml and data/."""

    root: Path

    def __post_init__(self):
        self.root = Path(self.root)

    @cached_property
    def config(self) -> StationConfig:
        """The checked configuration (read once)."""
        return load_config(self.root)

    @property
    def scripts_dir(self) -> Path:
        """Announcement texts."""
        return self.root / "scripts_text"

    @property
    def schedules_dir(self) -> Path:
        """Schedule files."""
        return self.root / "schedules"

    @property
    def data_dir(self) -> Path:
        """Databases and rendered audio."""
        return self.root / "data"

    @cached_property
    def library(self) -> Library:
        """The content library."""
        self.config  # a folder without station.yaml is refused before anything is written
        return Library(self.data_dir / "library.json")

    @cached_property
    def airing_log(self) -> AiringLog:
        """The airing log."""
        self.config
        return AiringLog(self.data_dir / "log")

    @cached_property
    def cache(self) -> RenderCache:
        """Rendered audio."""
        return RenderCache(self.data_dir / "render")

    @cached_property
    def speech_engines(self) -> tuple[SpeechEngine, ...]:
        """The configured speech engine, then its fallback: the order in which they are tried."""
        return speech_engines(self.config.speech)

    @cached_property
    def normaliser(self) -> TextNormaliser:
        """The text normaliser, with the station's dictionary when it has one."""
        path = self.config.speech.dictionary
        return TextNormaliser(load_dictionary(path) if path else None)

    def spoken(self, ann: Announcement) -> SpokenText:
        """What the speech engine is given for an announcement: a Vietnamese text in words."""
        if ann.language != LANGUAGE:
            return SpokenText(ann.text, ann.language, "")
        return SpokenText(self.normaliser.normalise(ann.text), ann.language, self.normaliser.key())

    def read_source(self, source: str) -> Announcement:
        """An announcement from a text file (when ``source`` is one) or else from the library by id."""
        path = Path(source)
        if path.suffix.lower() in (".md", ".txt") or path.is_file():
            return read_announcement(path)
        return self.library.get(source).announcement

    def schedule(self) -> Schedule:
        """All schedule files, read and checked now (they may have been edited)."""
        return load_schedules(schedule_files(self.schedules_dir))

    def add_file(self, path: Path, now: dt.datetime) -> tuple[Entry, str]:
        """Import an announcement file into the library."""
        ann = read_announcement(path)
        outcome = self.library.add(ann, now)
        return self.library.get(ann.id), outcome

    def asset(self, entry: Entry) -> Asset | None:
        """The rendered audio of an entry (the configured engine's, else its fallback's), if it exists."""
        return self.cache.lookup(self.spoken(entry.announcement), self.speech_engines, self.config.profile)

    def needs_render(self, entry: Entry) -> bool:
        """Whether the configured engine has not rendered the entry yet (it may have a fallback's audio)."""
        key = cache_key(self.spoken(entry.announcement), self.speech_engines[0], self.config.profile)
        return self.cache.find(key) is None

    def render(self, entry: Entry) -> tuple[Asset, bool]:
        """Render one entry (or find it in the cache)."""
        return self.cache.render(self.spoken(entry.announcement), self.speech_engines, self.config.profile)

    def clean_renders(self, dry_run: bool = False) -> tuple[list[Path], list[Path]]:
        """Remove rendered audio that no approved announcement uses; returns the paths removed and left."""
        keep = {cache_key(self.spoken(entry.announcement), engine, self.config.profile)
                for entry in self.library.entries() if entry.approved for engine in self.speech_engines}
        return self.cache.clean(keep, dry_run)

    def material(self) -> dict[str, Material]:
        """What the planner needs of every announcement in the library."""
        result = {}
        for entry in self.library.entries():
            a = entry.announcement
            asset = self.asset(entry) if entry.approved else None
            result[a.id] = Material(
                id=a.id, title=a.title, topic=a.topic, fingerprint=a.fingerprint(), status=entry.status,
                approved=entry.approved, valid_from=a.valid_from, valid_until=a.valid_until,
                asset_path=asset.path if asset else None, duration_s=asset.duration_s if asset else None,
                language=a.language, approved_by=entry.approval.by if entry.approval else "",
                voice=asset.engine if asset else "")
        return result

    def plan(self, day: dt.date, schedule: Schedule | None = None) -> Plan:
        """The plan of ``day``."""
        return plan_day(schedule or self.schedule(), self.material(), day, self.config.tz)

    def sink(self, output: Output) -> Sink:
        """The sink an output plays to."""
        if output.file:
            path = Path(output.file)
            return WavFileSink(path if path.is_absolute() else self.root / path)
        return SoundDeviceSink(output.device)


def init_station(root: Path, name: str) -> Station:
    """Create the folders and configuration of a new, empty station; never overwrite one."""
    root = Path(root)
    if (root / CONFIG_FILE).exists():
        raise InputError(t("a station already exists here"), path=root / CONFIG_FILE)
    if root.exists() and not root.is_dir():
        raise InputError(t("this is a file, not a folder"), path=root)
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / CONFIG_FILE).write_text(STATION_TEMPLATE.format(name=json.dumps(name, ensure_ascii=False)), encoding="utf-8")
    return Station(root)
