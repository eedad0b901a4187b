"""Rendering in stages (source audio -> resample -> process -> store), cached on disk by what was done.
A text is spoken by the first engine that can (the configured one, then its fallback); a clip is decoded.
Speech, clips and chimes get the same processing (render/processing.py)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.atomic import replacing
from broadcaster.config import Profile
from broadcaster.content.clips import decode_clip, file_sha256
from broadcaster.errors import BroadcasterError, SpeechError
from broadcaster.messages import t
from broadcaster.speech.engine import Speech, SpeechEngine, SpokenText
from broadcaster.trust import keys
from broadcaster.trust.statements import canonical

if TYPE_CHECKING:
    import numpy as np  # numpy and scipy load where audio is made: planning only looks assets up

KEY_LENGTH = 32
ASSET_FILE = re.compile(r"([0-9a-f]{%d})\." % KEY_LENGTH)  # <key>.wav, <key>.json and their temporary files
CLIP = "clip"


@dataclass(frozen=True)
class Asset:
    """A rendered, broadcast-ready WAV file and what it is."""

    key: str
    path: str
    duration_s: float
    lufs: float
    true_peak_dbtp: float
    engine: str
    voice: str = ""
    normaliser: str = ""
    spoken: str = ""
    fallback: str = ""  # why the engines before this one did not speak; empty when the first one did
    sha256: str = ""  # of the WAV file as rendered
    seal: str = ""  # the station's signature of the key and the sha256: audio swapped on disk never airs


def _sealed(key: str, sha256: str) -> bytes:
    return canonical({"kind": "render", "key": key, "sha256": sha256})


def cache_key(spoken: SpokenText, engine: SpeechEngine, profile: Profile) -> str:
    """Hash of the spoken (normalised) text, its language and normaliser, the engine and voice, the profile."""
    what = json.dumps([spoken.text, spoken.language, spoken.normaliser, engine.key(), profile.key()],
                      ensure_ascii=False)
    return hashlib.sha256(what.encode()).hexdigest()[:KEY_LENGTH]


def clip_key(clip_sha256: str, profile: Profile) -> str:
    """Hash of a clip's bytes and the profile."""
    return hashlib.sha256(json.dumps([clip_sha256, profile.key()]).encode()).hexdigest()[:KEY_LENGTH]


def resample(speech: Speech, rate: int) -> np.ndarray:
    """The samples of ``speech`` at ``rate``."""
    if speech.sample_rate == rate:
        return speech.samples
    import numpy as np
    from scipy.signal import resample_poly  # scipy loads only when audio is rendered, not for every command

    g = np.gcd(speech.sample_rate, rate)
    return resample_poly(speech.samples, rate // g, speech.sample_rate // g).astype(np.float32)


class RenderCache:
    """Rendered assets in one folder: ``<key>.wav`` and its ``<key>.json`` description, which holds the WAV's
    hash sealed by the station's key."""

    def __init__(self, folder: Path, station_key: Callable[[], Ed25519PrivateKey]):
        self.folder = Path(folder)
        self.station_key = station_key

    def find(self, key: str) -> Asset | None:
        """The asset under ``key`` if both its files are there and its description is sealed (one rendered
        before seals, or damaged, is rendered again)."""
        meta, wav = self.folder / f"{key}.json", self.folder / f"{key}.wav"
        if not (meta.exists() and wav.exists()):
            return None
        try:
            asset = Asset(**{**json.loads(meta.read_text(encoding="utf-8")), "path": str(wav)})
        except (ValueError, TypeError):
            return None  # a damaged description: render again
        return asset if asset.seal and asset.key == key else None

    def tampered(self, path: str, data: bytes | None = None) -> str:
        """Why the rendered file at ``path`` (or ``data``, the bytes read from it to be played) may not go to
        a device: they are not those the station sealed when it rendered them; '' when they are."""
        wav = Path(path)
        asset = self.find(wav.stem) if wav.parent == self.folder and wav.suffix == ".wav" else None
        if asset is None:
            return t("its rendered audio has no seal of this station: render it again ('broadcaster render')")
        try:
            seal = keys.unb64(asset.seal, str(wav))
        except BroadcasterError:
            seal = b""
        if not keys.verifies(keys.public_raw(self.station_key()), seal, _sealed(asset.key, asset.sha256)):
            return t("the seal of its rendered audio does not verify: render it again ('broadcaster render')")
        try:
            sha = hashlib.sha256(data).hexdigest() if data is not None else file_sha256(wav)
            if sha != asset.sha256:
                return t("its rendered audio was changed on disk: render it again ('broadcaster render')")
        except OSError as exc:
            return t("the rendered audio cannot be read: {reason}", reason=exc.strerror or exc)
        return ""

    def lookup(self, spoken: SpokenText, engines: tuple[SpeechEngine, ...], profile: Profile) -> Asset | None:
        """The asset of the first engine that has one (the configured engine's, else its fallback's)."""
        for engine in engines:
            found = self.find(cache_key(spoken, engine, profile))
            if found is not None:
                return found
        return None

    def render(self, spoken: SpokenText, engines: tuple[SpeechEngine, ...], profile: Profile) -> tuple[Asset, bool]:
        """The first engine's asset, rendered now if missing, else the next one's; the flag: rendered now."""
        # A fallback's asset is reused, but only after the engines before it were tried again: the
        # configured voice replaces the fallback as soon as it works.
        failures: list[str] = []
        for engine in engines:
            key = cache_key(spoken, engine, profile)
            found = self.find(key)
            if found is not None:
                return found, False
            try:
                speech = engine.synthesize(spoken.text)
            except SpeechError as exc:
                failures.append(f"{engine.name}: {exc.message}")
                continue
            return self._store(key, resample(speech, profile.sample_rate), profile, engine=engine.key(),
                               voice=engine.voice, normaliser=spoken.normaliser, spoken=spoken.text,
                               fallback="; ".join(failures)), True
        raise SpeechError(t("no speech engine could speak the text ({reasons})", reasons="; ".join(failures)))

    def render_clip(self, clip: Path, clip_sha256: str, profile: Profile) -> tuple[Asset, bool]:
        """A recorded clip (or a station chime) decoded and processed like speech."""
        key = clip_key(clip_sha256, profile)
        found = self.find(key)
        if found is not None:
            return found, False
        return self._store(key, decode_clip(clip, profile.sample_rate), profile, engine=CLIP), True

    def _store(self, key: str, raw: np.ndarray, profile: Profile, **made: str) -> Asset:
        from broadcaster.audiofile import write_wav
        from broadcaster.render.processing import process  # scipy, only when rendering

        # The raw samples are this cache's own (just spoken, resampled or decoded): processed in place.
        done = process(raw, profile, overwrite=True)
        wav = self.folder / f"{key}.wav"
        write_wav(wav, done.samples, profile.sample_rate)
        sha = file_sha256(wav)
        seal = keys.b64(keys.sign(self.station_key(), _sealed(key, sha)))
        asset = Asset(key=key, path=str(wav), duration_s=round(len(done.samples) / profile.sample_rate, 3),
                      lufs=round(done.lufs, 2), true_peak_dbtp=round(done.true_peak_dbtp, 2), **made,
                      sha256=sha, seal=seal)
        # The description is written last: an asset without it is not found, and is rendered again.
        with replacing(self.folder / f"{key}.json", "w", encoding="utf-8",
                       what=t("the description of the rendered audio")) as meta:
            json.dump(asdict(asset), meta, ensure_ascii=False)
        return asset

    def reseal(self, old: Ed25519PrivateKey, new: Ed25519PrivateKey) -> int:
        """Seal again with ``new`` every asset that ``old`` sealed (the station's key changed); how many."""
        old_public, count = keys.public_raw(old), 0
        for meta in sorted(self.folder.glob("*.json")):
            asset = self.find(meta.stem)
            try:
                seal = keys.unb64(asset.seal, str(meta)) if asset else b""
            except BroadcasterError:
                seal = b""
            said = _sealed(asset.key, asset.sha256) if asset else b""
            if not seal or not keys.verifies(old_public, seal, said):
                continue  # not sealed by this station: it stays unverified
            with replacing(meta, "w", encoding="utf-8", what=t("the description of the rendered audio")) as f:
                json.dump(asdict(replace(asset, seal=keys.b64(keys.sign(new, said)))), f, ensure_ascii=False)
            count += 1
        return count

    def clean(self, keep: set[str], dry_run: bool = False) -> tuple[list[Path], list[Path]]:
        """Remove the files of every asset whose key is not in ``keep``; returns the paths removed and left."""
        removed, left = [], []
        for path in sorted(self.folder.glob("*")):
            match = ASSET_FILE.match(path.name)
            if not path.is_file() or match is None or match.group(1) in keep:
                continue
            try:
                if not dry_run:
                    path.unlink()
                removed.append(path)
            except OSError:
                left.append(path)  # on Windows, a file being played: removed next time
        return removed, left
