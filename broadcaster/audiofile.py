"""Reading and writing broadcast audio with pydub: mono 16-bit WAV."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np

from broadcaster.atomic import replacing
from broadcaster.errors import InputError
from broadcaster.messages import t


def _audio_segment() -> type:
    """pydub's AudioSegment, imported on first use so that commands which touch no audio start fast."""
    with warnings.catch_warnings():
        # pydub warns at import when no ffmpeg is on PATH; WAV needs none.
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
    return AudioSegment


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write mono 16-bit WAV atomically: a power cut leaves no half file under the final name."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    segment = _audio_segment()(data=pcm.tobytes(), sample_width=2, frame_rate=rate, channels=1)
    # Made in memory, then written in one go: a full disk fails one write of ours, not pydub's half-written WAV.
    wav = io.BytesIO()
    segment.export(wav, format="wav")
    with replacing(path, what=t("the audio file")) as f:
        f.write(wav.getbuffer())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples and the rate of a WAV file."""
    try:
        segment = _audio_segment().from_wav(str(path))
    except FileNotFoundError:
        raise InputError(t("no such audio file"), path=path) from None
    except Exception as exc:  # pydub raises plain exceptions of many kinds for a damaged file
        raise InputError(t("not a readable WAV file: {reason}", reason=exc), path=path) from None
    segment = segment.set_channels(1).set_sample_width(2)
    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.float32) / 32768.0
    return samples, segment.frame_rate
