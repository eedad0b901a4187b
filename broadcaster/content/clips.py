"""Recorded clips: decoded from what phones and recorders make, checked, and kept in the library."""

from __future__ import annotations

import hashlib
import shutil
import stat
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.content.announcement import MAX_CLIP_S
from broadcaster.atomic import replacing
from broadcaster.errors import InputError
from broadcaster.messages import t

if TYPE_CHECKING:
    import numpy as np  # numpy and soundfile are imported where a clip is decoded: listing content needs neither

CLIP_EXTENSIONS = (".wav", ".mp3", ".m4a", ".aac", ".mp4", ".3gp", ".amr", ".ogg", ".oga", ".opus", ".flac",
                   ".webm")  # .webm: what a browser records (MediaRecorder), decoded by ffmpeg
MAX_CLIP_BYTES = 500_000_000
MIN_CLIP_S = 0.5
SILENT_DBFS = -50.0


def _ffmpeg() -> str:
    """The ffmpeg binary that the imageio-ffmpeg wheel ships (no system ffmpeg needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _with_soundfile(path: Path, rate: int) -> np.ndarray | None:
    """WAV, FLAC, OGG and MP3 through libsndfile; None when it cannot read the file, or should not: an MP3
    without a Xing or Info header, whose length libsndfile guesses from its first frame (a VBR file then
    comes out short), is left to ffmpeg, which reads it to its end."""
    import numpy as np
    import soundfile

    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, TypeError):
        return None
    if info.format == "MP3" and not _has_xing_header(path):
        return None
    if info.duration > MAX_CLIP_S:
        raise InputError(t("the clip lasts {minutes:.0f} minutes; an announcement may last at most {limit:.0f}",
                           minutes=info.duration / 60, limit=MAX_CLIP_S / 60), path=path)
    try:
        data, file_rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise InputError(t("the clip is damaged: {reason}", reason=exc), path=path) from None
    declared = info.frames if info.format in ("FLAC", "MP3") else _wav_declared_frames(path)
    if declared and len(data) < 0.98 * declared:  # FLAC and these MP3s state their length; WAV its data's size
        raise InputError(t("the clip is cut short: it should last {full:.1f} s, but the file ends after {got:.1f} s; "
                           "copy it again from the phone or recorder", full=declared / file_rate,
                           got=len(data) / file_rate), path=path)
    if not np.isfinite(data).all():
        raise InputError(t("the clip is damaged: some of its samples are not numbers"), path=path)
    mono = data.mean(axis=1)
    if file_rate == rate or len(mono) == 0:
        return mono
    from scipy.signal import resample_poly

    g = np.gcd(file_rate, rate)
    return resample_poly(mono, rate // g, file_rate // g).astype(np.float32)


def _mp3_audio_start(f) -> int:
    """Where an MP3's audio starts: after its ID3v2 tag (its size is four 7-bit bytes), if it has one."""
    head = f.read(10)
    if head[:3] == b"ID3" and len(head) == 10:
        return 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
    return 0


def _has_xing_header(path: Path) -> bool:
    """Whether the first frame of an MP3 is a Xing or Info header, which states the number of frames.
    (Without one an MP3's length is only guessed from its size.)"""
    with open(path, "rb") as f:
        f.seek(_mp3_audio_start(f))
        first_frame = f.read(200)
    return b"Xing" in first_frame or b"Info" in first_frame


def _wav_declared_frames(path: Path) -> int | None:
    """The frames a RIFF WAV's data chunk declares; None for other files, and when the header leaves the
    size open (0 or 0xFFFFFFFF: a recording that was never closed)."""
    with open(path, "rb") as f:
        riff = f.read(12)
        if riff[:4] != b"RIFF" or riff[8:12] != b"WAVE":
            return None
        block = 0
        while len(head := f.read(8)) == 8:
            ident, size = head[:4], int.from_bytes(head[4:], "little")
            if ident == b"data":
                return size // block if block and size not in (0, 0xFFFFFFFF) else None
            if ident == b"fmt ":
                block = int.from_bytes(f.read(size + size % 2)[12:14], "little")  # bytes a frame, all channels
            else:
                f.seek(size + size % 2, 1)
    return None


# MPEG audio frame headers: kbit/s by (MPEG-1?, layer) and bitrate index; sample rates by version.
_KBPS = {(True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
         (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
         (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
         (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
         (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_KBPS[(False, 3)] = _KBPS[(False, 2)]
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_frame(header: bytes) -> tuple[int, float] | None:
    """The length in bytes and in seconds of the MPEG audio frame that starts with ``header``; None when it
    is no frame (or one of free bitrate, whose length the header does not give)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, 4 - ((header[1] >> 1) & 3)
    index, rate_index, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer == 4 or index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bits, rate = _KBPS[(mpeg1, layer)][index] * 1000, _RATES[version][rate_index]
    if layer == 1:
        return (12 * bits // rate + padding) * 4, 384 / rate
    samples = 1152 if mpeg1 or layer == 2 else 576
    return samples // 8 * bits // rate + padding, samples / rate


def _refuse_cut_mp3(path: Path) -> None:
    """Refuse an MP3 whose last frame goes on past the end of the file: a copy that stopped part way.
    (Such an MP3 states its length nowhere: one cut exactly between two frames cannot be told from a whole one.)"""
    data = path.read_bytes()
    with open(path, "rb") as f:
        start = _mp3_audio_start(f)
    # The first frame: a frame header whose next frame starts just where its length says.
    pos = next((i for i in range(start, min(len(data), start + 65536)) if (frame := _mpeg_frame(data[i:i + 4]))
                and (i + frame[0] >= len(data) or _mpeg_frame(data[i + frame[0]:i + frame[0] + 4]))), None)
    seconds = 0.0
    while pos is not None and pos < len(data):
        frame = _mpeg_frame(data[pos:pos + 4])
        if frame is None and (len(data) - pos >= 4 or data[pos] != 0xFF):
            return  # a tag (ID3v1, APE) or other bytes after the audio
        if frame is None or pos + frame[0] > len(data):
            raise InputError(t("the clip is cut short: it ends in the middle of an MP3 frame, after {got:.1f} s; "
                               "copy it again from the phone or recorder", got=seconds), path=path)
        pos, seconds = pos + frame[0], seconds + frame[1]


def _with_ffmpeg(path: Path, rate: int) -> np.ndarray:
    """Anything ffmpeg decodes (M4A/AAC, AMR, ...), as mono float32 at ``rate``."""
    import numpy as np

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
    import numpy as np

    if path.suffix.lower() not in CLIP_EXTENSIONS:
        raise InputError(t("'{ext}' is not an audio format broadcaster takes; use one of: {exts}",
                           ext=path.suffix or t("(no extension)"), exts=" ".join(CLIP_EXTENSIONS)), path=path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    if not stat.S_ISREG(info.st_mode):  # a device or a pipe would hang the decoder or fill memory
        raise InputError(t("this is not a plain file (a device, a pipe, or a link to one); only plain files are read"),
                         path=path)
    size = info.st_size
    if size == 0:
        raise InputError(t("the clip is empty (0 bytes)"), path=path)
    if size > MAX_CLIP_BYTES:
        raise InputError(t("the clip is {mb} MB, more than {limit} MB", mb=size // 1_000_000,
                           limit=MAX_CLIP_BYTES // 1_000_000), path=path)
    samples = _with_soundfile(path, rate)
    if samples is None:
        _refuse_cut_mp3(path)
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
