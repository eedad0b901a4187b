"""A station folder: where its files are, and the stores, checks and plans made from them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.config import CONFIG_FILE, Profile, StationConfig, load_config
from broadcaster.errors import InputError
from broadcaster.messages import t

# The stores, keys and services are imported where they are opened: a command loads those it uses.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from broadcaster.airing_log import AiringLog
    from broadcaster.content.library import Library
    from broadcaster.content.users import Users
    from broadcaster.render.cache import RenderCache

    from broadcaster.services.content import Content
    from broadcaster.services.planning import Planner
    from broadcaster.services.playout import PlayoutControl
    from broadcaster.services.renders import Renders
    from broadcaster.speech.engine import SpeechEngine
    from broadcaster.speech.normalise import TextNormaliser

FOLDERS = ("scripts_text", "audio", "schedules", "data")

# In Vietnamese, as the sample station's and the example schedule's: the people who edit it read Vietnamese.
STATION_TEMPLATE = """\
# Cấu hình đài (xem README). Giờ tính theo múi giờ của đài.
name: {name}
timezone: Asia/Ho_Chi_Minh
language: {language}              # thông báo của chương trình: vi (Tiếng Việt) hoặc en (tiếng Anh)
audio:
  target_lufs: -16        # độ lớn tích hợp theo ITU-R BS.1770
  true_peak_dbtp: -1      # trần đỉnh thực
  sample_rate: 44100
  highpass_hz: 200        # loa nén không phát được âm trầm: bỏ tiếng ù, tiếng rung (0: tắt)
  # lowpass_hz: 7000      # cắt nhẹ tiếng xì (mặc định 0: tắt)
  # compress_ratio: 3     # nén dải động cho dễ nghe ngoài trời ồn (1: tắt)
  # compress_threshold_db: -10   # ngưỡng nén, tính bằng dB so với độ lớn của bản tin
  # pad_s: 0.3            # số giây im lặng trước và sau mỗi bản tin
speech:
  engine: espeak          # espeak: đọc không cần mạng; gtts: giọng của Google, cần mạng (lỗi thì dùng espeak)
  voice: vi               # giọng espeak-ng
  rate_wpm: 150
  # timeout_s: 5          # gtts: số giây chờ trả lời
  # retries: 2            # gtts: số lần thử lại sau lần đầu
  # fallback: espeak      # khi gtts lỗi: espeak, hoặc none
  # dictionary: tu-dien.yaml   # cách đọc riêng của đài, mỗi dòng "chữ viết: cách đọc"
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
        self._key: tuple[tuple, Ed25519PrivateKey] | None = None  # the station key and the file's stamp

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

    @property
    def station_key(self) -> Ed25519PrivateKey:
        """The station's private key: it signs rendered audio and the airing log (made when missing: a
        station set up before keys, or whose key was deleted, gets a new one, and a new fingerprint; read
        again when the file changed: a key hand-over by another process)."""
        from broadcaster.trust.keys import load_station_key, new_key, write_station_key

        self.config  # only inside a station folder
        path = self.station_key_path
        if not path.exists():
            write_station_key(path, new_key())
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        if self._key is None or self._key[0] != stamp:
            self._key = (stamp, load_station_key(path))
        return self._key[1]

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
        from broadcaster.trust.keys import fingerprint, public_raw

        return {"name": self.config.name,
                "station": fingerprint(public_raw(self.station_key)),
                "admin": self.users.admin_fingerprint()}

    @property
    def clips_dir(self) -> Path:
        """The library's own copies of recorded clips, named by their hash."""
        return self.data_dir / "clips"

    @cached_property
    def library(self) -> Library:
        """The content library; a decision counts when signed by a person of the signed users file, or by the
        province through the hub whose key station.yaml pins."""
        from broadcaster.content.library import Library

        return Library(self.data_dir / "library.json", self.users.trusted, self._hub_doubt)

    def _hub_doubt(self, ann, decision) -> str:
        """Why the province's decision on ``ann`` does not hold with the pinned hub key ('' when it does)."""
        from broadcaster.chain.bulletins import hub_doubt
        from broadcaster.hub_pin import pinned_hub

        if self.config.hub is not None:
            try:
                pinned_hub(self)  # station.yaml edited to name another hub: nothing of it is believed
            except InputError as exc:
                return exc.message
        return hub_doubt(ann, decision, self.config.hub, self.config.id, self.config.tz)

    @property
    def profiles(self) -> dict[str, Profile]:
        """The processing profiles by name: the station's own ('') first, then the named ones of station.yaml."""
        return {"": self.config.profile, **dict(sorted(self.config.profiles.items()))}

    @cached_property
    def users(self) -> Users:
        """The people of the station and their roles."""
        from broadcaster.content.users import Users

        return Users(self.data_dir / "users.json", self.keys_dir / "admin.pub", tz=self.config.tz)

    @cached_property
    def airing_log(self) -> AiringLog:
        """The airing log, signed with the station's key (a log kept by an older version is carried over first)."""
        from broadcaster.airing_log import AiringLog
        from broadcaster.playout.clock import SystemClock

        self.config
        log = AiringLog(self.data_dir / "log", station=self.config.id, clock=SystemClock(self.config.tz),
                        key=self.station_key if self.station_key_path.exists() else None,
                        key_source=lambda: self.station_key)
        log.recover()
        return log

    @cached_property
    def cache(self) -> RenderCache:
        """Rendered audio."""
        from broadcaster.render.cache import RenderCache  # numpy and scipy: only for what renders or plays

        return RenderCache(self.data_dir / "render", lambda: self.station_key)

    @cached_property
    def speech_engines(self) -> tuple[SpeechEngine, ...]:
        """The configured speech engine, then its fallback: the order in which they are tried."""
        from broadcaster.speech.factory import speech_engines
        return speech_engines(self.config.speech)

    @cached_property
    def normaliser(self) -> TextNormaliser:
        """The text normaliser, with the station's dictionary when it has one."""
        from broadcaster.speech.normalise import TextNormaliser, load_dictionary
        path = self.config.speech.dictionary
        return TextNormaliser(load_dictionary(path) if path else None)

    @cached_property
    def content(self) -> Content:
        """Content and approval."""
        from broadcaster.services.content import Content
        return Content(self)

    @cached_property
    def renders(self) -> Renders:
        """Rendered audio."""
        from broadcaster.services.renders import Renders
        return Renders(self)

    @cached_property
    def planner(self) -> Planner:
        """Schedules and plans."""
        from broadcaster.services.planning import Planner
        return Planner(self)

    @cached_property
    def playout(self) -> PlayoutControl:
        """Urgent orders and sinks."""
        from broadcaster.services.playout import PlayoutControl
        return PlayoutControl(self)

    def relative(self, path: Path) -> str:
        """A path as the library records it: relative to the station folder when inside it."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(Path(path).resolve())

    def path_of(self, source: str) -> Path:
        """The file a recorded path names (relative to the station folder unless absolute)."""
        path = Path(source)
        return path if path.is_absolute() else self.root / path



def init_station(root: Path, name: str, language: str = "en") -> Station:
    """Create the folders and configuration of a new, empty station; never overwrite one. The language is
    chosen by the caller ('init' makes Vietnamese the default for people)."""
    root = Path(root)
    if (root / CONFIG_FILE).exists():
        raise InputError(t("a station already exists here"), path=root / CONFIG_FILE)
    if root.exists() and not root.is_dir():
        raise InputError(t("this is a file, not a folder"), path=root)
    from broadcaster.trust.keys import new_key, write_station_key

    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
    station = Station(root)
    write_station_key(station.station_key_path, new_key())
    (root / "schedules" / EXAMPLE_SCHEDULE_FILE).write_text(EXAMPLE_SCHEDULE, encoding="utf-8")
    (root / CONFIG_FILE).write_text(STATION_TEMPLATE.format(name=json.dumps(name, ensure_ascii=False), language=language),
                                    encoding="utf-8")  # last: a station cut off before it has a key is made again
    return station
