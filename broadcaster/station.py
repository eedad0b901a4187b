"""A station folder: where its files are, and the stores, checks and plans made from them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.airing_log import AiringLog
from broadcaster.config import CONFIG_FILE, Profile, StationConfig, load_config
from broadcaster.content.announcement import CLIP, LANGUAGE_PATTERN, Announcement, Variant
from broadcaster.content.clips import CLIP_EXTENSIONS, decode_clip, file_sha256, keep_clip, kept_name
from broadcaster.content.library import (APPROVED, EDITED, REJECTED, RETIRED, Entry, FourEyesError, Library, merged,
                                         unknown_announcement)
from broadcaster.content.textfile import build, check_topic, read_announcement, read_sidecar
from broadcaster.content.users import Signer, Users, same_person
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import marked, t
from broadcaster.outputs.mixer import DeviceMixer, MixerSink
from broadcaster.outputs.sinks import Sink, SoundDeviceSink, WavFileSink
from broadcaster.playout.mailbox import ENVELOPE
from broadcaster.playout.priority import EMERGENCY, Policy
from broadcaster.playout.clock import SystemClock
from broadcaster.render.cache import Asset, RenderCache, cache_key, clip_key
from broadcaster.schedule.model import ANNOUNCEMENT, CHIME, TOPIC, Output, Schedule
from broadcaster.schedule.parser import load_schedules, schedule_files
from broadcaster.schedule.plan import CHIME_PREFIX, Material, Plan, PlannedAiring, Rendition, chime_key, plan_day
from broadcaster.speech.engine import SpeechEngine, SpokenText
from broadcaster.speech.factory import speech_engines
from broadcaster.speech.normalise import TextNormaliser, load_dictionary
from broadcaster.trust import statements
from broadcaster.trust.keys import b64, fingerprint, load_station_key, new_key, public_raw, write_station_key

FOLDERS = ("scripts_text", "audio", "schedules", "data")
ORDER_MAX_AGE_S = 600  # an urgent order older than this when `run` takes it is refused (a copied old file)
EDITED_BY_FILE = "(file edited)"

STATION_TEMPLATE = """\
# Station configuration (see README). Times are in the station's time zone.
name: {name}
timezone: Asia/Ho_Chi_Minh
language: {language}              # the program's messages: vi (Tiếng Việt) or en (English)
audio:
  target_lufs: -16        # integrated loudness, ITU-R BS.1770
  true_peak_dbtp: -1      # true-peak ceiling
  sample_rate: 44100
  highpass_hz: 200        # horn loudspeakers play no bass: rumble, hum and DC go (0: off)
  # lowpass_hz: 7000      # a gentle cut of hiss (0, the default: off)
  # compress_ratio: 3     # evens out loud and soft passages for noisy outdoor listening (1: off)
  # compress_threshold_db: -10   # where compression starts, in dB from the item's loudness
  # pad_s: 0.3            # seconds of silence before and after each item
speech:
  engine: espeak          # espeak: offline; gtts: Google's voice, online (falls back to espeak)
  voice: vi               # the espeak-ng voice
  rate_wpm: 150
  # timeout_s: 5          # gtts: seconds to wait for an answer
  # retries: 2            # gtts: tries after the first
  # fallback: espeak      # when gtts fails: espeak, or none
  # dictionary: tu-dien.yaml   # the station's own readings, "written: spoken" lines
"""

EXAMPLE_SCHEDULE_FILE = "vi-du.yaml"
# An empty schedule with the example commented out: it refers to nothing that does not exist yet, so
# 'schedule check' accepts it as it is, and an empty file would be refused.
EXAMPLE_SCHEDULE = """\
# Lịch phát mẫu (xem README). Để dùng: xoá hai dòng 'outputs: {}' và 'sessions: []',
# rồi bỏ dấu '# ' ở đầu các dòng bên dưới.
# Ngày: t2 ... t7, cn (hoặc thứ hai, chủ nhật; mon ... sun), hay 'daily' cho mọi ngày.
outputs: {}
sessions: []
# outputs:
#   loa-xa: {device: loa_xa}
# sessions:
#   - name: Buổi sáng
#     start: "05:30"
#     days: [t2, t4, t6]
#     output: loa-xa
#     items:
#       - gioi-thieu
#   - name: Buổi chiều chủ nhật
#     start: "17:00"
#     days: [cn]
#     output: loa-xa
#     items: [gioi-thieu]
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
        """Databases, kept clips and rendered audio."""
        return self.root / "data"

    @property
    def keys_dir(self) -> Path:
        """The station's private key and the admin's public key."""
        return self.data_dir / "keys"

    @property
    def station_key_path(self) -> Path:
        """The station's private key (PEM), made by ``init`` or ``upgrade``."""
        return self.keys_dir / "station.pem"

    @cached_property
    def station_key(self) -> Ed25519PrivateKey:
        """The station's private key: it signs rendered audio and the airing log (made when missing: a
        station set up before keys, or whose key was deleted, gets a new one, and a new fingerprint)."""
        self.config  # only inside a station folder
        if not self.station_key_path.exists():
            write_station_key(self.station_key_path, new_key())
        return load_station_key(self.station_key_path)

    def upgrade(self, admin: str, passphrase: str, now: dt.datetime) -> tuple[list[str], list[str], list[tuple]]:
        """Bring a station set up before keys to keys, losing nothing: the station key, the admin's key (the
        root of trust), the admin's signature on decisions carried over. Returns the ids carried over, those
        that need a new decision, and the people (name, role) to add again with a new passphrase."""
        self.station_key
        if self.users.admin_fingerprint() and any(p.public for p in self.users.people()):
            # done before, or cut off after the admin's key: the admin's passphrase finishes the job
            signer = self.users.unlock(admin, passphrase, {"supervisor"}, t("sign the decisions carried over"))
        else:
            signer = self.users.upgrade_admin(admin, passphrase, now)
        carried, left = self.library.carry_over(signer, now)
        return carried, left, [(p.name, p.role) for p in self.users.people() if not p.public]

    def identity(self) -> dict[str, str]:
        """What a district pins: the station's name, its key's fingerprint and the admin's (the root of trust)."""
        return {"name": self.config.name,
                "station": fingerprint(public_raw(self.station_key)),
                "admin": self.users.admin_fingerprint()}

    @property
    def clips_dir(self) -> Path:
        """The library's own copies of recorded clips, named by their hash."""
        return self.data_dir / "clips"

    @cached_property
    def library(self) -> Library:
        """The content library; a decision counts when signed by a person of the signed users file."""
        return Library(self.data_dir / "library.json", self.users.trusted)

    @property
    def profiles(self) -> dict[str, Profile]:
        """The processing profiles by name: the station's own ('') first, then the named ones of station.yaml."""
        return {"": self.config.profile, **dict(sorted(self.config.profiles.items()))}

    @cached_property
    def users(self) -> Users:
        """The people of the station and their roles."""
        self.config
        return Users(self.data_dir / "users.json", self.keys_dir / "admin.pub")

    @cached_property
    def airing_log(self) -> AiringLog:
        """The airing log, signed with the station's key (a log kept by an older version is carried over first)."""
        self.config
        log = AiringLog(self.data_dir / "log", station=self.config.id, clock=SystemClock(self.config.tz),
                        key=self.station_key if self.station_key_path.exists() else None)
        log.recover()
        return log

    @cached_property
    def cache(self) -> RenderCache:
        """Rendered audio."""
        return RenderCache(self.data_dir / "render", lambda: self.station_key)

    @cached_property
    def speech_engines(self) -> tuple[SpeechEngine, ...]:
        """The configured speech engine, then its fallback: the order in which they are tried."""
        return speech_engines(self.config.speech)

    @cached_property
    def normaliser(self) -> TextNormaliser:
        """The text normaliser, with the station's dictionary when it has one."""
        path = self.config.speech.dictionary
        return TextNormaliser(load_dictionary(path) if path else None)

    def read_source(self, source: str) -> Announcement:
        """An announcement from a text file (when ``source`` is one) or else from the library by id."""
        path = Path(source)
        if path.suffix.lower() in (".md", ".txt") or path.is_file():
            return read_announcement(path)
        return self.library.get(source).announcement

    def schedule(self) -> Schedule:
        """All schedule files, read and checked now (they may have been edited)."""
        schedule = load_schedules(schedule_files(self.schedules_dir))
        self._check_names(schedule)
        return schedule

    def _check_names(self, schedule: Schedule) -> None:
        """Refuse an output whose profile station.yaml does not define, and a topic it does not list."""
        for output in schedule.outputs.values():
            if output.profile and output.profile not in self.config.profiles:
                raise InputError(t("output '{name}' uses the profile '{profile}', which station.yaml does not define "
                                   "(its profiles: {names})", name=output.name, profile=output.profile,
                                   names=", ".join(sorted(self.config.profiles)) or t("none")),
                                 path=output.source)
        for item in (i for s in schedule.sessions for i in s.items if i.kind == TOPIC):
            check_topic(item.topic, self.config.topics, item.source, item.line)

    def _relative(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(Path(path).resolve())

    def _source(self, source: str) -> Path:
        path = Path(source)
        return path if path.is_absolute() else self.root / path

    def read_text(self, path: Path) -> Announcement:
        """Read and check an announcement text file for this station (its topic one of the station's)."""
        ann = read_announcement(Path(path), self.config.topics)
        variant = ann.variants[0]
        return ann.with_variant(Variant(variant.language, variant.kind, text=variant.text,
                                        source=self._relative(path)))

    def read_clip(self, path: Path, ident: str | None, language: str | None,
                  title: str | None = None) -> tuple[Variant, Announcement]:
        """Decode and check a clip (nothing is written); its id, language and metadata come from the
        options or its sidecar file. The variant names the copy the library will keep."""
        path = Path(path)
        header = read_sidecar(path.with_name(path.name + ".yaml"), self.config.topics)
        language = language or header.get("language")
        if not language:
            raise InputError(t("say which language the clip is in: --lang rad (Ê Đê), jra (J'rai), vie, ..."),
                             path=path)
        if not LANGUAGE_PATTERN.match(language):
            raise InputError(t("language '{lang}' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)",
                               lang=language), path=path)
        if ident:
            header["id"] = ident
        new = build(header, path, title=title or header.get("title") or path.stem)
        samples = decode_clip(path, self.config.profile.sample_rate)
        sha = file_sha256(path)
        variant = Variant(language=language, kind=CLIP, clip_sha256=sha, clip_file=kept_name(path, sha),
                          duration_s=round(len(samples) / self.config.profile.sample_rate, 3),
                          source=self._relative(path))
        return variant, new

    def read_file(self, path: Path, ident: str | None = None, language: str | None = None) -> Announcement:
        """Read and check a text or a clip for the library, writing nothing; a clip comes back as a new
        announcement holding just that variant."""
        path = Path(path)
        is_text = path.suffix.lower() in (".md", ".txt")
        if path.suffix.lower() in CLIP_EXTENSIONS or ((ident or language) and not is_text):
            # given as a clip, a file of another format is refused as such ('.wma' is not an audio format ...)
            variant, new = self.read_clip(path, ident, language)
            return replace(new, variants=(variant,))
        if ident or language:
            raise InputError(t("--id and --lang are for clips; a text names its id and language in its header"),
                             path=path)
        return self.read_text(path)

    def add(self, ann: Announcement, now: dt.datetime, by: str = "", signer: Signer | None = None) -> tuple[Entry, str]:
        """Put what :meth:`read_file` read into the library, the version signed by ``signer`` (who proved
        who they are) when given, else made by nobody until claimed; returns the entry and 'added',
        'updated' or 'unchanged'."""
        variant = ann.variants[0]
        by = signer.name if signer else by or ann.author
        if variant.kind == CLIP:
            keep_clip(self._source(variant.source), self.clips_dir, variant.clip_sha256)
            outcome = self.library.add_variant(ann.id, variant, now, by, ann, signer=signer)
        else:
            outcome = self.library.add_text(ann, now, by, signer=signer)
        return self.library.get(ann.id), outcome

    def add_file(self, path: Path, now: dt.datetime, by: str = "", ident: str | None = None,
                 language: str | None = None, signer: Signer | None = None) -> tuple[Entry, str]:
        """Read, check and add a text or a clip."""
        return self.add(self.read_file(path, ident, language), now, by, signer)

    def claim(self, ident: str, by: str, passphrase: str, now: dt.datetime) -> Entry:
        """An officer (or supervisor) signs the current version as theirs: a text edited outside the program
        has a maker again, and can be approved by someone else."""
        signer = self.users.unlock(by, passphrase, {"officer", "supervisor"}, t("claim a version"))
        return self.library.claim(self.entry(ident, now).id, signer, now)

    def sync(self, now: dt.datetime, only: str | None = None) -> dict[str, str]:
        """Take in new texts in scripts_text/ (as drafts) and edits of the library's source files (or of
        one announcement's); returns what cannot be used and why, by announcement id or file name."""
        problems = {} if only else self._take_in_new_texts(now)
        entries = [self.library.get(only)] if only else self.library.entries()
        for entry in entries:
            for variant in entry.announcement.variants:
                path = self._source(variant.source) if variant.source else None
                if path is None or not path.exists():
                    continue  # the library keeps its own copy: a moved or deleted file changes nothing
                try:
                    self._sync_variant(entry, variant, path, now)
                except BroadcasterError as exc:
                    problems[entry.id] = t("its file {path} was edited and is now unusable: {reason}",
                                           path=variant.source, reason=exc.message)
        return problems

    def _new_text_files(self) -> list[Path]:
        """Text files in scripts_text/ that no announcement of the library comes from."""
        known = {v.source for e in self.library.entries() for v in e.announcement.variants}
        return [p for p in sorted([*self.scripts_dir.glob("*.md"), *self.scripts_dir.glob("*.txt")])
                if self._relative(p) not in known]

    def entry(self, ident: str, now: dt.datetime) -> Entry:
        """One announcement as its files are now (a text just put in scripts_text/ is taken in)."""
        if self.library.find(ident) is not None:
            self.sync(now, only=ident)
            return self.library.get(ident)
        waiting = {}
        for path in self._new_text_files():
            try:
                waiting[read_announcement(path).id] = path
            except BroadcasterError:
                continue
        if ident not in waiting:
            raise unknown_announcement(ident, [*self.library.ids(), *waiting])
        self._take_in(waiting[ident], now)
        return self.library.get(ident)

    def _take_in_new_texts(self, now: dt.datetime) -> dict[str, str]:
        """scripts_text/ is watched: a text file there that the library does not know is added as a draft."""
        problems = {}
        for path in self._new_text_files():
            try:
                self._take_in(path, now)
            except BroadcasterError as exc:
                problems[path.name] = str(exc)
        return problems

    def _take_in(self, path: Path, now: dt.datetime) -> None:
        ann = self.read_text(path)
        other = self.library.find(ann.id)
        if other is not None:
            raise InputError(t("its id '{id}' is already taken by {source}", id=ann.id,
                               source=other.announcement.variants[0].source), path=path)
        self.library.add_text(ann, now, ann.author)

    def _sync_variant(self, entry: Entry, variant: Variant, path: Path, now: dt.datetime) -> None:
        if variant.kind == CLIP:
            if file_sha256(path) != variant.clip_sha256:
                new_variant, _ = self.read_clip(path, entry.id, variant.language, entry.announcement.title)
                keep_clip(path, self.clips_dir, new_variant.clip_sha256)
                self.library.add_variant(entry.id, new_variant, now, EDITED_BY_FILE)
            return
        ann = self.read_text(path)
        if ann.id != entry.id:
            raise InputError(t("its id is now '{id}'", id=ann.id), path=path)
        new = merged(entry.announcement, ann)
        if new != entry.announcement:
            self.library.put(new, now, EDITED_BY_FILE, action=EDITED)

    def decide(self, ident: str, action: str, by: str, passphrase: str, now: dt.datetime, reason: str = "") -> Entry:
        """A supervisor approves, retires or rejects the current version; approving renders it too."""
        verbs = {APPROVED: t("approve"), RETIRED: t("retire"), REJECTED: t("reject")}
        signer = self.users.unlock(by, passphrase, {"supervisor"}, verbs[action])
        self.entry(ident, now)
        try:
            if action == APPROVED:
                # Rendered before the approval is written: an approval cut off by a power cut is no approval,
                # rather than an approved announcement without audio (which approving again would refuse).
                for variant in self.library.check(ident, action, signer.name).announcement.variants:
                    self.render_all(variant)
            entry = self.library.decide(ident, action, signer, now, reason)
        except FourEyesError as exc:
            if [role for _, role in self.users.names()].count("supervisor") > 1:
                raise
            raise FourEyesError(exc.message + t("; this station has only one supervisor: add a second one "
                                                "(broadcaster user add NAME --role supervisor --admin \"{name}\"), "
                                                "or have the district approve it", name=signer.name)) from None
        if action == APPROVED:
            for variant in entry.announcement.variants:
                self.render_all(variant)  # the version approved (found in the cache, unless edited meanwhile)
        return entry

    def spoken(self, variant: Variant) -> SpokenText:
        """What the speech engine is given for a text variant: the text in words, as an announcer reads it."""
        return SpokenText(self.normaliser.normalise(variant.text), variant.language, self.normaliser.key())

    def asset(self, variant: Variant, profile: str = "") -> Asset | None:
        """The rendered audio of a variant with a profile (for a text, the configured engine's, else its
        fallback's)."""
        processing = self.config.profile_named(profile)
        if variant.kind == CLIP:
            return self.cache.find(clip_key(variant.clip_sha256, processing))
        return self.cache.lookup(self.spoken(variant), self.speech_engines, processing)

    def needs_render(self, variant: Variant, profile: str = "") -> bool:
        """Whether a variant has no audio with a profile yet, or only a fallback engine's (the configured one
        is tried again)."""
        if variant.kind == CLIP:
            return self.asset(variant, profile) is None
        key = cache_key(self.spoken(variant), self.speech_engines[0], self.config.profile_named(profile))
        return self.cache.find(key) is None

    def render(self, variant: Variant, profile: str = "") -> tuple[Asset, bool]:
        """Render one variant with a profile (or find it in the cache)."""
        processing = self.config.profile_named(profile)
        if variant.kind == CLIP:
            return self.cache.render_clip(self.clips_dir / variant.clip_file, variant.clip_sha256, processing)
        return self.cache.render(self.spoken(variant), self.speech_engines, processing)

    def render_all(self, variant: Variant) -> list[tuple[str, Asset, bool]]:
        """Render one variant with every profile: (profile, asset, rendered now) for each."""
        return [(name, *self.render(variant, name)) for name in self.profiles]

    def clean_renders(self, dry_run: bool = False) -> tuple[list[Path], list[Path]]:
        """Remove rendered audio that nothing uses any more (kept: every variant of every announcement in
        the library, with each engine and each profile, and the chimes); returns the paths removed and left."""
        keep = set()
        for profile in self.profiles.values():
            for entry in self.library.entries():
                for variant in entry.announcement.variants:
                    if variant.kind == CLIP:
                        keep.add(clip_key(variant.clip_sha256, profile))
                    else:
                        keep |= {cache_key(self.spoken(variant), engine, profile) for engine in self.speech_engines}
            for relative in self._chime_files():
                keep.add(clip_key(file_sha256(self._source(relative)), profile))
        return self.cache.clean(keep, dry_run)

    def _chime_files(self) -> set[str]:
        try:
            schedule = self.schedule()
        except BroadcasterError:
            schedule = None
        files = {i.chime for s in (schedule.sessions if schedule else ()) for i in s.items if i.kind == CHIME}
        if self.config.chime:
            files.add(self.config.chime)
        return {f for f in files if self._source(f).is_file()}

    def chime(self, relative: str, profile: str = "") -> Rendition | None:
        """A station signal file (a chime, a jingle) processed with a profile; None when missing."""
        path = self._source(relative)
        if not path.is_file():
            return None
        asset, _ = self.cache.render_clip(path, file_sha256(path), self.config.profile_named(profile))
        return Rendition("", asset.path, asset.duration_s, "clip")

    def material(self, now: dt.datetime, schedule: Schedule | None = None, profile: str = "") -> dict[str, Material]:
        """What the planner needs of every announcement (its audio with ``profile``), after taking in edited
        files; with the chimes that ``schedule`` uses, rendered."""
        return self._material(self.sync(now), schedule, profile)

    def _material(self, problems: dict[str, str], schedule: Schedule | None, profile: str) -> dict[str, Material]:
        result = {}
        chimes = {i.chime for s in (schedule.sessions if schedule else ()) for i in s.items if i.kind == CHIME}
        for relative in sorted(chimes):
            rendition = self.chime(relative, profile)
            if rendition is not None:
                sha = Path(rendition.asset_path).stem
                result[chime_key(relative)] = Material(
                    id=chime_key(relative), title=Path(relative).name, topic="chime", fingerprint=sha,
                    status=APPROVED, approved=True, valid_from=None, valid_until=None, renditions=(rendition,),
                    approved_by=t("station signal"))
        for entry in self.library.entries():
            a = entry.announcement
            renditions = []
            for variant in a.variants:
                asset = self.asset(variant, profile) if entry.approved else None
                renditions.append(Rendition(variant.language, asset.path if asset else None,
                                            asset.duration_s if asset else None, asset.engine if asset else ""))
            result[a.id] = Material(
                id=a.id, title=a.title, topic=a.topic, fingerprint=entry.fingerprint, status=entry.status,
                approved=entry.approved, valid_from=a.valid_from, valid_until=a.valid_until,
                renditions=tuple(sorted(renditions, key=lambda r: r.language != "vie")),
                approved_by=entry.approved_by, blocked=problems.get(a.id, ""))
        return result

    def plan(self, day: dt.date, now: dt.datetime, schedule: Schedule | None = None) -> Plan:
        """The plan of ``day``, as the files are at ``now``."""
        schedule = schedule or self.schedule()
        self._check_ids(schedule)
        self._check_names(schedule)
        problems = self.sync(now)
        # Outputs with their own profile air their own renders: each group of outputs is planned with
        # the audio of its profile. Their sessions never share an output, so the plans simply add up.
        groups: dict[str, list] = {}
        for session in schedule.sessions:
            groups.setdefault(schedule.outputs[session.output].profile, []).append(session)
        plans = []
        for profile, sessions in (groups or {"": []}).items():
            part = replace(schedule, sessions=tuple(sessions))
            plans.append(plan_day(part, self._material(problems, part, profile), day, self.config.tz))
        if len(plans) == 1:
            return plans[0]
        airings = sorted((a for p in plans for a in p.airings), key=lambda a: (a.start, a.output))
        return Plan(day=day, airings=tuple(airings), warnings=tuple(dict.fromkeys(w for p in plans for w in p.warnings)),
                    problems=tuple(dict.fromkeys(w for p in plans for w in p.problems)))

    def _check_ids(self, schedule: Schedule) -> None:
        """Refuse a schedule that names an announcement neither in the library nor in scripts_text/,
        before anything is taken in (bad input changes nothing)."""
        known = set(self.library.ids())
        for path in self._new_text_files():
            try:
                known.add(read_announcement(path).id)
            except BroadcasterError:
                pass  # reported by the plan as a file that cannot be used
        for session in schedule.sessions:
            for item in session.items:
                ident = item.announcement if item.kind == ANNOUNCEMENT else item.fallback
                if ident and ident not in known:
                    raise InputError(unknown_announcement(ident, known).message, path=item.source, line=item.line)

    def gate(self, airing: PlannedAiring, now: dt.datetime) -> str | None:
        """Why ``airing`` may not go on air now (its content changed or was withdrawn), or None."""
        if airing.relay_url or airing.announcement.startswith(CHIME_PREFIX):
            return None  # station signals and relays of an official station carry no library content
        if airing.asset_path:
            tampered = self.cache.tampered(airing.asset_path)
            if tampered:
                return tampered
        try:
            problems = self.sync(now, only=airing.announcement)
            entry = self.library.get(airing.announcement)
        except BroadcasterError as exc:
            return exc.message
        if airing.announcement in problems:
            return problems[airing.announcement]
        if entry.fingerprint != airing.fingerprint:
            return t("its content changed since it was planned")
        if airing.approved_by and not entry.approved:
            return t("no longer approved ({status})", status=t(entry.status))
        if not airing.approved_by and entry.status in (RETIRED, REJECTED):
            return t("{status} by a supervisor", status=t(entry.status))
        return None

    def urgent_request(self, ident: str, outputs: list[str], level: str, policy: Policy, every_s: float | None,
                       until: dt.datetime | None, by: str, passphrase: str, reason: str, now: dt.datetime) -> dict:
        """Check, render and describe an urgent airing for `run`. Unapproved content may go on air only
        as an emergency, by an operator or supervisor who gives their passphrase and a reason."""
        schedule = self.schedule()
        for name in outputs:
            if name not in schedule.outputs:
                raise InputError(t("unknown output '{name}'; the outputs are: {names}", name=name,
                                   names=", ".join(sorted(schedule.outputs))))
        self.sync(now, only=ident)
        entry = self.library.get(ident)
        before = not entry.approved
        if before and level != EMERGENCY:
            raise InputError(t("'{id}' is not approved ({status}); only an emergency may go on air before approval "
                               "(--level emergency, with --by NAME and --reason)", id=ident, status=t(entry.status)))
        if before and entry.status in (RETIRED, REJECTED):
            raise InputError(t("'{id}' was {status} by a supervisor and cannot go on air", id=ident,
                               status=t(entry.status)))
        if before and not (by and reason.strip()):
            raise InputError(t("an emergency broadcast before approval needs --by NAME and --reason TEXT"))
        if not before and not entry.announcement.valid_on(now.date()):
            raise InputError(t("'{id}' is not valid today", id=ident))
        quiet = schedule.quiet_hours
        if level != EMERGENCY and quiet is not None and quiet.contains(now.time()):
            raise InputError(t("it is quiet hours ({start}–{end}): only an emergency may air now",
                               start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M")))
        signer = self.users.unlock(by, passphrase, {"operator", "supervisor"}, t("air urgent announcements")) \
            if by else None
        outputs = outputs or sorted(schedule.outputs)
        profiles = {output: schedule.outputs[output].profile for output in outputs}
        for variant in entry.announcement.variants:
            for profile in sorted(set(profiles.values())):
                self.render(variant, profile)
        if before:
            self.library.note(ident, marked("emergency before approval"), signer.name, now, reason)
        order = {"kind": "urgent", "announcement": ident, "fingerprint": entry.fingerprint, "outputs": outputs,
                 "profiles": profiles, "level": level, "policy": str(policy), "every_s": every_s,
                 "until": until.isoformat() if until else None, "by": signer.name if signer else "",
                 "reason": reason, "before_approval": before, "ordered": now.isoformat()}
        # Signed by who ordered it; an order of approved content with no name, by the station.
        return statements.signed(order, signer.key if signer else self.station_key)

    def verified_order(self, request: object, now: dt.datetime) -> dict:
        """The urgent order in a request file, when its signature holds: by the operator or supervisor it
        names, or (approved content only, nobody named) by this station; recent (a copied old file airs
        nothing). Else an InputError saying why."""
        body = {k: v for k, v in request.items() if k not in ENVELOPE} if isinstance(request, dict) else None
        verdict = statements.check(body)
        if not verdict:
            raise InputError(t("the urgent order does not verify: {reason}", reason=verdict.reason))
        person = self.users.trusted().get(body[statements.SIGNER])
        if person is not None:
            if person.role not in ("operator", "supervisor") or not same_person(person.name, str(body.get("by"))):
                raise InputError(t("the urgent order is signed by {name}, who did not give it", name=person.name))
        elif body[statements.SIGNER] != b64(public_raw(self.station_key)) or body.get("by") \
                or body.get("before_approval") is not False:
            raise InputError(t("the urgent order is not signed by a person of this station who may order it"))
        try:
            age = (now - dt.datetime.fromisoformat(str(body.get("ordered")))).total_seconds()
        except (TypeError, ValueError):
            age = None
        if body.get("kind") != "urgent" or age is None or not -60 <= age <= ORDER_MAX_AGE_S:
            raise InputError(t("the urgent order is not a fresh order (made {at})", at=body.get("ordered")))
        return {**body, "id": str(request.get("id", ""))}

    def urgent_airings(self, request: dict, output: str, at: dt.datetime, n: int) -> list[PlannedAiring]:
        """The airings of an urgent request on one output at ``at`` (its variants back to back)."""
        entry = self.library.get(request["announcement"])
        airings = []
        for variant in entry.announcement.variants:
            asset, _ = self.render(variant, request.get("profiles", {}).get(output, ""))
            end = at + dt.timedelta(seconds=asset.duration_s)
            airings.append(PlannedAiring(
                key=f"urgent/{request['id']}/{output}/{n}.{variant.language}", output=output,
                session=t("urgent ({level})", level=t(request["level"])), start=at, end=end,
                announcement=entry.id, title=entry.announcement.title, topic=entry.announcement.topic,
                fingerprint=request["fingerprint"], asset_path=asset.path, language=variant.language,
                approved_by="" if request["before_approval"] else entry.approved_by, voice=asset.engine,
                priority=request["level"], trigger="urgent", on_interrupt="drop",
                ordered_by=request.get("by", ""), order_reason=request.get("reason", "")))
            at = end
        return airings

    def sinks(self, output: Output, mixers: dict[str | None, DeviceMixer]) -> tuple[Sink, ...]:
        """What an output plays to: its WAV file, or its device then its backups (their channels, through
        the ``mixers`` of devices shared by channel)."""
        if output.file:
            return (WavFileSink(self._wav_path(output.file)),)
        devices = tuple(MixerSink(mixers[device], output.channels) if output.channels else SoundDeviceSink(device)
                        for device in (output.device, *output.backups))
        return devices + ((WavFileSink(self._wav_path(output.backup_file)),) if output.backup_file else ())

    def _wav_path(self, file: str) -> Path:
        """A WAV output's path, relative to the station folder unless absolute."""
        path = Path(file)
        return path if path.is_absolute() else self.root / path


def init_station(root: Path, name: str, language: str = "en") -> Station:
    """Create the folders and configuration of a new, empty station; never overwrite one. The language is
    chosen by the caller ('init' makes Vietnamese the default for people)."""
    root = Path(root)
    if (root / CONFIG_FILE).exists():
        raise InputError(t("a station already exists here"), path=root / CONFIG_FILE)
    if root.exists() and not root.is_dir():
        raise InputError(t("this is a file, not a folder"), path=root)
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    station = Station(root)
    write_station_key(station.station_key_path, new_key())
    (root / "schedules" / EXAMPLE_SCHEDULE_FILE).write_text(EXAMPLE_SCHEDULE, encoding="utf-8")
    (root / CONFIG_FILE).write_text(STATION_TEMPLATE.format(name=json.dumps(name, ensure_ascii=False), language=language),
                                    encoding="utf-8")  # last: a station cut off before it has a key is made again
    return station
