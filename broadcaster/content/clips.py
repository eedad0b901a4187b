"""Recorded clips: decoded from what phones and recorders make, checked, and kept in the library."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile

from broadcaster.atomic import replacing
from broadcaster.errors import InputError
from broadcaster.messages import t

CLIP_EXTENSIONS = (".wav", ".mp3", ".m4a", ".aac", ".mp4", ".3gp", ".amr", ".ogg", ".oga", ".opus", ".flac")
MAX_CLIP_BYTES = 500_000_000
MIN_CLIP_S = 0.5
MAX_CLIP_S = 3600.0
SILENT_DBFS = -50.0


def _ffmpeg() -> str:
    """The ffmpeg binary that the imageio-ffmpeg wheel ships (no system ffmpeg needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _with_soundfile(path: Path, rate: int) -> np.ndarray | None:
    """WAV, FLAC, OGG and MP3 through libsndfile; None when it cannot read the file."""
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, TypeError):
        return None
    if info.duration > MAX_CLIP_S:
        raise InputError(t("the clip lasts {minutes:.0f} minutes; an announcement may last at most {limit:.0f}",
                           minutes=info.duration / 60, limit=MAX_CLIP_S / 60), path=path)
    try:
        data, file_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise InputError(t("the clip is damaged: {reason}", reason=exc), path=path) from None
    if len(data) < 0.98 * info.frames and _length_is_written(path, info.format):
        raise InputError(t("the clip is cut short: it should last {full:.1f} s, but the file ends after {got:.1f} s; "
                           "copy it again from the phone or recorder", full=info.duration, got=len(data) / file_rate),
                         path=path)
    if not np.isfinite(data).all():
        raise InputError(t("the clip is damaged: some of its samples are not numbers"), path=path)
    mono = data.mean(axis=1)
    if file_rate == rate or len(mono) == 0:
        return mono
    from scipy.signal import resample_poly

    g = np.gcd(file_rate, rate)
    return resample_poly(mono, rate // g, file_rate // g).astype(np.float32)


def _length_is_written(path: Path, container: str) -> bool:
    """Whether the file states how long it is (FLAC always; MP3 in a Xing or Info header), so that less audio
    than that means the file was cut short. (Without such a header an MP3's length is only guessed.)"""
    if container == "FLAC":
        return True
    if container != "MP3":
        return False
    with open(path, "rb") as f:
        head = f.read(10)
        if head[:3] == b"ID3" and len(head) == 10:  # skip the tag: its size is four 7-bit bytes
            f.seek(10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10])))
        else:
            f.seek(0)
        first_frame = f.read(200)
    return b"Xing" in first_frame or b"Info" in first_frame


def _with_ffmpeg(path: Path, rate: int) -> np.ndarray:
    """Anything ffmpeg decodes (M4A/AAC, AMR, ...), as mono float32 at ``rate``."""
    command = [_ffmpeg(), "-nostdin", "-v", "error", "-i", str(path), "-t", str(MAX_CLIP_S + 1),
               "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
    try:
        result = subprocess.run(command, capture_output=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(t("the clip could not be decoded: {reason}", reason=exc), path=path) from None
    if result.returncode != 0 or not result.stdout:
        reason = (result.stderr.decode("utf-8", "replace").strip().splitlines() or [t("no audio in it")])[-1]
        raise InputError(t("not a readable audio clip ({reason})", reason=reason.split(": ")[-1]), path=path)
    samples = np.frombuffer(result.stdout[: len(result.stdout) // 4 * 4], dtype="<f4").copy()
    if len(samples) > MAX_CLIP_S * rate:
        raise InputError(t("the clip lasts more than {limit:.0f} minutes", limit=MAX_CLIP_S / 60), path=path)
    return samples


def decode_clip(path: Path, rate: int) -> np.ndarray:
    """Decode and check a clip: mono float32 at ``rate``; InputError when damaged, silent, too short or long."""
    if path.suffix.lower() not in CLIP_EXTENSIONS:
        raise InputError(t("'{ext}' is not an audio format broadcaster takes; use one of: {exts}",
                           ext=path.suffix or t("(no extension)"), exts=" ".join(CLIP_EXTENSIONS)), path=path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    if size == 0:
        raise InputError(t("the clip is empty (0 bytes)"), path=path)
    if size > MAX_CLIP_BYTES:
        raise InputError(t("the clip is {mb} MB, more than {limit} MB", mb=size // 1_000_000,
                           limit=MAX_CLIP_BYTES // 1_000_000), path=path)
    samples = _with_soundfile(path, rate)
    if samples is None:
        samples = _with_ffmpeg(path, rate)
    duration = len(samples) / rate
    if duration < MIN_CLIP_S:
        raise InputError(t("the clip lasts {s:.2f} s: too short to be an announcement (at least {min} s)",
                           s=duration, min=MIN_CLIP_S), path=path)
    peak = float(np.abs(samples).max())
    if peak == 0 or 20 * np.log10(peak) < SILENT_DBFS:
        raise InputError(t("the clip is silent (its loudest sample is below {db:.0f} dBFS): was the microphone on?",
                           db=SILENT_DBFS), path=path)
    return samples


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def kept_name(path: Path, sha256: str) -> str:
    """The name of the library's copy of a clip: its hash, and its kind of file."""
    return f"{sha256[:32]}{path.suffix.lower()}"


def keep_clip(path: Path, folder: Path, sha256: str) -> Path:
    """Copy the clip's bytes into the library folder under their hash (atomically); returns the copy."""
    target = folder / kept_name(path, sha256)
    if target.exists():
        return target
    with replacing(target, what=t("the library's copy of the clip")) as out, open(path, "rb") as src:
        shutil.copyfileobj(src, out)
    return target
