"""Rendering: the audio of each variant with each processing profile, and of the station's signals."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.content.announcement import CLIP, Variant
from broadcaster.content.clips import file_sha256
from broadcaster.errors import BroadcasterError
from broadcaster.render.cache import Asset, cache_key, clip_key
from broadcaster.schedule.model import CHIME
from broadcaster.schedule.plan import Rendition
from broadcaster.speech.engine import SpokenText

if TYPE_CHECKING:
    from broadcaster.station import Station


class Renders:
    """The station's rendered audio: found in the cache, or made."""

    def __init__(self, station: Station):
        self.station = station

    def spoken(self, variant: Variant) -> SpokenText:
        """What the speech engine is given for a text variant: the text in words, as an announcer reads it."""
        return SpokenText(self.station.normaliser.normalise(variant.text), variant.language, self.station.normaliser.key())

    def asset(self, variant: Variant, profile: str = "") -> Asset | None:
        """The rendered audio of a variant with a profile (for a text, the configured engine's, else its
        fallback's)."""
        processing = self.station.config.profile_named(profile)
        if variant.kind == CLIP:
            return self.station.cache.find(clip_key(variant.clip_sha256, processing))
        return self.station.cache.lookup(self.spoken(variant), self.station.speech_engines, processing)

    def needs_render(self, variant: Variant, profile: str = "") -> bool:
        """Whether a variant has no audio with a profile yet, or only a fallback engine's (the configured one
        is tried again)."""
        if variant.kind == CLIP:
            return self.asset(variant, profile) is None
        key = cache_key(self.spoken(variant), self.station.speech_engines[0], self.station.config.profile_named(profile))
        return self.station.cache.find(key) is None

    def render(self, variant: Variant, profile: str = "") -> tuple[Asset, bool]:
        """Render one variant with a profile (or find it in the cache)."""
        processing = self.station.config.profile_named(profile)
        if variant.kind == CLIP:
            return self.station.cache.render_clip(self.station.clips_dir / variant.clip_file, variant.clip_sha256, processing)
        return self.station.cache.render(self.spoken(variant), self.station.speech_engines, processing)

    def render_all(self, variant: Variant) -> list[tuple[str, Asset, bool]]:
        """Render one variant with every profile: (profile, asset, rendered now) for each."""
        return [(name, *self.render(variant, name)) for name in self.station.profiles]

    def clean_renders(self, dry_run: bool = False) -> tuple[list[Path], list[Path]]:
        """Remove rendered audio that nothing uses any more (kept: every variant of every announcement in
        the library, with each engine and each profile, and the chimes); returns the paths removed and left."""
        keep = set()
        for profile in self.station.profiles.values():
            for entry in self.station.library.entries():
                for variant in entry.announcement.variants:
                    if variant.kind == CLIP:
                        keep.add(clip_key(variant.clip_sha256, profile))
                    else:
                        keep |= {cache_key(self.spoken(variant), engine, profile) for engine in self.station.speech_engines}
            for relative in self._chime_files():
                keep.add(clip_key(file_sha256(self.station.path_of(relative)), profile))
        return self.station.cache.clean(keep, dry_run)

    def _chime_files(self) -> set[str]:
        try:
            schedule = self.station.planner.schedule()
        except BroadcasterError:
            schedule = None
        files = {i.chime for s in (schedule.sessions if schedule else ()) for i in s.items if i.kind == CHIME}
        if self.station.config.chime:
            files.add(self.station.config.chime)
        return {f for f in files if self.station.path_of(f).is_file()}

    def chime(self, relative: str, profile: str = "") -> Rendition | None:
        """A station signal file (a chime, a jingle) processed with a profile; None when missing."""
        path = self.station.path_of(relative)
        if not path.is_file():
            return None
        asset, _ = self.station.cache.render_clip(path, file_sha256(path), self.station.config.profile_named(profile))
        return Rendition("", asset.path, asset.duration_s, "clip")
