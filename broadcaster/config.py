"""The station's configuration file, read and checked once into a frozen dataclass."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from broadcaster.content.announcement import DEFAULT_TOPIC_NAMES, DEFAULT_TOPICS
from broadcaster.errors import InputError
from broadcaster.messages import LANGUAGES, SOURCE_LANGUAGE, t
from broadcaster.yamlfile import check_keys, expect_list, expect_map, line_of, read_yaml_file

CONFIG_FILE = "station.yaml"


# Raised whenever render/ processes the same settings differently, so that everything is rendered again.
PROCESSING_VERSION = 2


@dataclass(frozen=True)
class Profile:
    """How audio is processed for broadcast: the speech band for horn loudspeakers, compression,
    silence around each item, loudness per ITU-R BS.1770 with a true-peak ceiling, and the sample rate."""

    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    sample_rate: int = 44100
    highpass_hz: float = 200.0          # 0: off
    lowpass_hz: float = 0.0             # 0: off
    compress_ratio: float = 1.0         # 1: off
    compress_threshold_db: float = -10.0  # relative to the item's loudness
    pad_s: float = 0.0                  # silence before and after each item

    def key(self) -> str:
        """A stable text that changes whenever the processing would change."""
        return (f"v={PROCESSING_VERSION};lufs={self.target_lufs:g};tp={self.true_peak_dbtp:g};sr={self.sample_rate};"
                f"hp={self.highpass_hz:g};lp={self.lowpass_hz:g};cr={self.compress_ratio:g};"
                f"ct={self.compress_threshold_db:g};pad={self.pad_s:g}")


@dataclass(frozen=True)
class SpeechSettings:
    """Which speech engine reads the texts (and which takes over when it fails), voice, speed, dictionary."""

    engine: str = "espeak"
    voice: str = "vi"
    rate_wpm: int = 150
    fallback: str = "espeak"
    timeout_s: float = 5.0
    retries: int = 2
    dictionary: Path | None = None


@dataclass(frozen=True)
class HubSettings:
    """The province hub this station reports to: its URL and its public key, pinned at join; whether drill
    bulletins (Test, Exercise) air here; how a priority bulletin gets on air over what plays ('next': after
    the item on air, 'now', or 'wait:SECONDS')."""

    url: str
    public_key: bytes
    drill: bool = False
    priority: str = "next"

    @property
    def fingerprint(self) -> str:
        """The pinned key's fingerprint, as the province reads it aloud."""
        from broadcaster.trust.keys import fingerprint

        return fingerprint(self.public_key)


@dataclass(frozen=True)
class StationConfig:
    """Everything a station is configured with."""

    name: str = "Đài truyền thanh xã"
    timezone: str = "Asia/Ho_Chi_Minh"
    profile: Profile = field(default_factory=Profile)
    profiles: dict[str, Profile] = field(default_factory=dict)  # named variants of ``profile``, for outputs
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    topics: tuple[str, ...] = DEFAULT_TOPICS
    topic_names: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TOPIC_NAMES))  # code -> name
    chime: str = ""
    grace_s: float = 600.0
    urgent_per_hour: int = 12  # the most airings an urgent request's repeats make in an hour, per output
    id: str = ""
    log_retention_months: int = 24
    language: str = SOURCE_LANGUAGE  # of the program's messages; BROADCASTER_LANG and --lang override it
    hub: HubSettings | None = None  # None: the station reports to no hub

    def __post_init__(self):
        if not self.id:
            # A station without an explicit id is known by its name, spelled as an id.
            object.__setattr__(self, "id", slug(self.name))

    def profile_named(self, name: str) -> Profile:
        """The station's profile ('') or one of its named profiles."""
        return self.profiles[name] if name else self.profile

    @property
    def tz(self) -> ZoneInfo:
        """The station's time zone."""
        return ZoneInfo(self.timezone)


ENGINES = {"espeak", "gtts"}
FALLBACKS = {"espeak", "none"}
TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
STATION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def slug(text: str) -> str:
    """``text`` as a station id: 'Đài truyền thanh xã Ea Tu' -> 'dai-truyen-thanh-xa-ea-tu'."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain)[:64].strip("-") or "station"


def _number(node: Any, key: str, path: Path, low: float, high: float, kind: type = float) -> Any:
    value = node[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
        raise InputError(t("'{key}' must be a number, not '{value}'", key=key, value=value),
                         path=path, line=line_of(node, key))
    if not low <= value <= high:
        raise InputError(t("'{key}' is {value}; expected a value from {low} to {high}",
                           key=key, value=value, low=low, high=high), path=path, line=line_of(node, key))
    return kind(value)


def _choice(node: Any, key: str, path: Path, choices: set[str], what: str) -> str:
    value = _text(node, key, path)
    if value not in choices:
        raise InputError(t("unknown {what} '{name}'; expected one of: {names}", what=what, name=value,
                           names=", ".join(sorted(choices))), path=path, line=line_of(node, key))
    return value


def _text(node: Any, key: str, path: Path) -> str:
    value = node[key]
    if not isinstance(value, str) or not value.strip():
        raise InputError(t("'{key}' must be a text", key=key), path=path, line=line_of(node, key))
    return value.strip()


# The audio settings and their ranges; the sample rate is the whole station's (every output plays it).
AUDIO_KEYS = {"target_lufs": (-40, -5), "true_peak_dbtp": (-12, 0), "sample_rate": (8000, 96000),
              "highpass_hz": (0, 1000), "lowpass_hz": (0, 20000), "compress_ratio": (1, 20),
              "compress_threshold_db": (-40, 0), "pad_s": (0, 10)}
PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def _profile_settings(node: Any, path: Path) -> dict[str, Any]:
    settings = {key: _number(node, key, path, *AUDIO_KEYS[key], int if key == "sample_rate" else float)
                for key in AUDIO_KEYS if key in node}
    for key, low in (("highpass_hz", 20), ("lowpass_hz", 1000)):
        if 0 < settings.get(key, 0) < low:
            raise InputError(t("'{key}' is {value}; use 0 to turn the filter off, or at least {low}", key=key,
                               value=node[key], low=low), path=path, line=line_of(node, key))
    return settings


def _profiles(root: Any, path: Path, base: Profile) -> dict[str, Profile]:
    """Named profiles: the station's audio settings with some of them changed, for outputs that name them."""
    node = expect_map(root["profiles"], path, "profiles", line_of(root, "profiles"))
    profiles = {}
    for name in node:
        if not isinstance(name, str) or not PROFILE_NAME.match(name):
            raise InputError(t("profile name '{name}' must be lower-case letters without accents, digits and '-'",
                               name=name), path=path, line=line_of(node, name))
        settings = expect_map(node[name], path, t("profile '{name}'", name=name), line_of(node, name))
        if "sample_rate" in settings:
            raise InputError(t("sample_rate is set once for the whole station, under 'audio:'; every output "
                               "plays at that rate"), path=path, line=line_of(settings, "sample_rate"))
        check_keys(settings, set(AUDIO_KEYS) - {"sample_rate"}, path, t("profile '{name}'", name=name))
        profiles[name] = _checked(replace(base, **_profile_settings(settings, path)), settings, path)
    return profiles


def _checked(profile: Profile, node: Any, path: Path) -> Profile:
    """The profile, if its low-pass lies above its high-pass and below half the sample rate."""
    line = line_of(node, "lowpass_hz") or line_of(node, "highpass_hz") or line_of(node)
    if profile.lowpass_hz and profile.lowpass_hz >= profile.sample_rate / 2:
        raise InputError(t("lowpass_hz {hz:g} must be below half the sample rate ({half:g})", hz=profile.lowpass_hz,
                           half=profile.sample_rate / 2), path=path, line=line)
    if profile.lowpass_hz and profile.lowpass_hz <= profile.highpass_hz:
        raise InputError(t("lowpass_hz {low:g} must be above highpass_hz {high:g}", low=profile.lowpass_hz,
                           high=profile.highpass_hz), path=path, line=line)
    return profile


HUB_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")


def _hub(root: Any, path: Path) -> HubSettings:
    """The 'hub:' setting: the hub's URL and its public key (base64), as 'broadcaster hub join' writes them."""
    import base64
    import binascii

    node = expect_map(root["hub"], path, "hub", line_of(root, "hub"))
    check_keys(node, {"url", "key", "drill", "priority"}, path, "hub")
    for key in ("url", "key"):
        if key not in node:
            raise InputError(t("'hub:' lacks '{key}' (join the hub with 'broadcaster hub join HUB_URL CODE')",
                               key=key), path=path, line=line_of(root, "hub"))
    url = _text(node, "url", path)
    if not HUB_URL.fullmatch(url):
        raise InputError(t("the hub's url '{url}' must start with https:// or http://", url=url), path=path,
                         line=line_of(node, "url"))
    try:
        public = base64.b64decode(_text(node, "key", path), validate=True)
    except (binascii.Error, ValueError):
        public = b""
    if len(public) != 32:
        raise InputError(t("the hub's key is not an Ed25519 public key in base64 (join the hub again)"), path=path,
                         line=line_of(node, "key"))
    drill = node.get("drill", False)
    if not isinstance(drill, bool):
        raise InputError(t("'drill' must be true or false, not '{value}'", value=drill), path=path,
                         line=line_of(node, "drill"))
    priority = "next"
    if "priority" in node:
        from broadcaster.playout.priority import parse_policy

        try:
            priority = str(parse_policy(_text(node, "priority", path)))
        except InputError as exc:
            raise InputError(exc.message, path=path, line=line_of(node, "priority")) from None
    return HubSettings(url.rstrip("/"), public, drill, priority)


def parse_config(data: Any, path: Path) -> StationConfig:
    """Check the parsed YAML of a station file and build its configuration."""
    if data is None:
        return StationConfig()
    root = expect_map(data, path, t("the station file"))
    check_keys(root, {"id", "name", "timezone", "language", "audio", "profiles", "speech", "log", "topics", "chime",
                      "grace", "urgent_per_hour", "hub"}, path, t("the station file"))
    values: dict[str, Any] = {}
    if "language" in root:
        values["language"] = _choice(root, "language", path, set(LANGUAGES), t("language"))
    if "chime" in root:
        values["chime"] = _text(root, "chime", path)
    if "grace" in root:
        from broadcaster.schedule.parser import parse_duration  # the schedule's duration syntax, '10m'

        values["grace_s"] = parse_duration(root["grace"], path, line_of(root, "grace"), "grace")
    if "urgent_per_hour" in root:
        values["urgent_per_hour"] = _number(root, "urgent_per_hour", path, 1, 60, int)
    if "name" in root:
        values["name"] = _text(root, "name", path)
    if "id" in root:
        values["id"] = _text(root, "id", path)
        if not STATION_ID.fullmatch(values["id"]):
            raise InputError(t("station id '{id}' must be lower-case letters a-z, digits and '-', such as xa-ea-tu",
                               id=values["id"]), path=path, line=line_of(root, "id"))
    if "hub" in root:
        values["hub"] = _hub(root, path)
    if "log" in root:
        log = expect_map(root["log"], path, "log", line_of(root, "log"))
        check_keys(log, {"retention_months"}, path, "log")
        if "retention_months" in log:
            values["log_retention_months"] = _number(log, "retention_months", path, 1, 1200, int)
    if "timezone" in root:
        values["timezone"] = _text(root, "timezone", path)
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(t("unknown time zone '{tz}'; for Vietnam use Asia/Ho_Chi_Minh", tz=values["timezone"]),
                             path=path, line=line_of(root, "timezone")) from None
    if "topics" in root:
        node = expect_list(root["topics"], path, "topics", line_of(root, "topics"))
        names, codes = dict(DEFAULT_TOPIC_NAMES), []
        for i, entry in enumerate(node):
            # "- nong-nghiep" or "- nong-nghiep: Nông nghiệp", a code and the name shown for it
            topic, name = next(iter(entry.items())) if isinstance(entry, dict) and len(entry) == 1 else (entry, None)
            if not isinstance(topic, str) or not TOPIC.match(topic):
                raise InputError(t("topic '{topic}' must be lower-case letters without accents, digits and '-'",
                                   topic=topic), path=path, line=line_of(node, i))
            if name is not None:
                if not isinstance(name, str) or not name.strip():
                    raise InputError(t("topic '{topic}': its name must be a text, e.g. '- nong-nghiep: Nông nghiệp'",
                                       topic=topic), path=path, line=line_of(node, i))
                names[topic] = name.strip()
            codes.append(topic)
        values["topics"] = tuple(dict.fromkeys([*DEFAULT_TOPICS, *codes]))
        values["topic_names"] = names
    if "audio" in root:
        audio = expect_map(root["audio"], path, "audio", line_of(root, "audio"))
        check_keys(audio, set(AUDIO_KEYS), path, "audio")
        values["profile"] = _checked(Profile(**_profile_settings(audio, path)), audio, path)
    if "profiles" in root:
        values["profiles"] = _profiles(root, path, values.get("profile", Profile()))
    if "speech" in root:
        speech = expect_map(root["speech"], path, "speech", line_of(root, "speech"))
        check_keys(speech, {"engine", "voice", "rate_wpm", "fallback", "timeout_s", "retries", "dictionary"},
                   path, "speech")
        kwargs = {}
        if "engine" in speech:
            kwargs["engine"] = _choice(speech, "engine", path, ENGINES, t("speech engine"))
        if "fallback" in speech:
            kwargs["fallback"] = _choice(speech, "fallback", path, FALLBACKS, t("fallback engine"))
        if "voice" in speech:
            kwargs["voice"] = _text(speech, "voice", path)
        if "rate_wpm" in speech:
            kwargs["rate_wpm"] = _number(speech, "rate_wpm", path, 80, 450, int)
        if "timeout_s" in speech:
            kwargs["timeout_s"] = _number(speech, "timeout_s", path, 0.5, 60)
        if "retries" in speech:
            kwargs["retries"] = _number(speech, "retries", path, 0, 5, int)
        if "dictionary" in speech:
            kwargs["dictionary"] = path.parent / _text(speech, "dictionary", path)
        values["speech"] = SpeechSettings(**kwargs)
    return StationConfig(**values)


def declared_language(station_dir: Path) -> str | None:
    """The language station.yaml asks for, read even when the rest of it is wrong (so that what is wrong is told
    in it): English when it names none or none that is known; None when there is no station.yaml."""
    path = station_dir / CONFIG_FILE
    if not path.exists():
        return None
    try:
        data = read_yaml_file(path)
    except InputError:
        return SOURCE_LANGUAGE
    value = data.get("language") if isinstance(data, dict) else None
    return value if value in LANGUAGES else SOURCE_LANGUAGE


def load_config(station_dir: Path) -> StationConfig:
    """Read and check ``station.yaml`` in a station folder."""
    path = station_dir / CONFIG_FILE
    if not path.exists():
        raise InputError(t("not a station folder: there is no {file} (create one with 'broadcaster init')",
                           file=CONFIG_FILE), path=station_dir)
    return parse_config(read_yaml_file(path), path)
