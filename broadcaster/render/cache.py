"""Rendering in stages (source audio -> resample -> normalise -> store), cached on disk by what was done."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from broadcaster.audiofile import write_wav
from broadcaster.config import Profile
from broadcaster.content.announcement import TEXT, Variant
from broadcaster.content.clips import decode_clip
from broadcaster.render.loudness import integrated_lufs, normalise, true_peak_dbtp
from broadcaster.speech.engine import Speech, SpeechEngine


@dataclass(frozen=True)
class Asset:
    """A rendered, broadcast-ready WAV file and what it is."""

    key: str
    path: str
    duration_s: float
    lufs: float
    true_peak_dbtp: float
    engine: str


def cache_key(variant: Variant, engine: SpeechEngine, profile: Profile) -> str:
    """Hash of what is spoken (text, language, engine and voice) or played (the clip's bytes), and the processing."""
    source = [variant.text, variant.language, engine.key()] if variant.kind == TEXT else [variant.clip_sha256]
    return hashlib.sha256(json.dumps([*source, profile.key()], ensure_ascii=False).encode()).hexdigest()[:32]


def resample(speech: Speech, rate: int) -> np.ndarray:
    """The samples of ``speech`` at ``rate``."""
    if speech.sample_rate == rate:
        return speech.samples
    g = np.gcd(speech.sample_rate, rate)
    return resample_poly(speech.samples, rate // g, speech.sample_rate // g).astype(np.float32)


def source_audio(variant: Variant, engine: SpeechEngine, profile: Profile, clips: Path) -> tuple[np.ndarray, str]:
    """The raw audio of a variant at the profile's rate, and what made it (engine and voice, or 'clip')."""
    if variant.kind == TEXT:
        return resample(engine.synthesize(variant.text), profile.sample_rate), engine.key()
    return decode_clip(clips / variant.clip_file, profile.sample_rate), "clip"


class RenderCache:
    """Rendered assets in one folder: ``<key>.wav`` and its ``<key>.json`` description."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def find(self, key: str) -> Asset | None:
        """The asset under ``key`` if both its files are there."""
        meta, wav = self.folder / f"{key}.json", self.folder / f"{key}.wav"
        if not (meta.exists() and wav.exists()):
            return None
        try:
            return Asset(**{**json.loads(meta.read_text(encoding="utf-8")), "path": str(wav)})
        except (ValueError, TypeError):
            return None  # a damaged description: render again

    def render(self, variant: Variant, engine: SpeechEngine, profile: Profile, clips: Path) -> tuple[Asset, bool]:
        """The cached asset, or a new one; the flag says whether it was rendered now."""
        key = cache_key(variant, engine, profile)
        found = self.find(key)
        if found is not None:
            return found, False
        raw, made_by = source_audio(variant, engine, profile, clips)
        samples = normalise(raw, profile.sample_rate, profile.target_lufs, profile.true_peak_dbtp)
        wav = self.folder / f"{key}.wav"
        write_wav(wav, samples, profile.sample_rate)
        asset = Asset(key=key, path=str(wav), duration_s=round(len(samples) / profile.sample_rate, 3),
                      lufs=round(integrated_lufs(samples, profile.sample_rate), 2),
                      true_peak_dbtp=round(true_peak_dbtp(samples), 2), engine=made_by)
        # The description is written last: an asset without it is not found, and is rendered again.
        meta = self.folder / f"{key}.json"
        tmp = meta.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(asset)), encoding="utf-8")
        tmp.replace(meta)
        return asset, True
