"""Recorded clips in every format officers' phones and recorders make; damaged or silent ones refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
import soundfile

from broadcaster.content.clips import decode_clip
from broadcaster.errors import InputError
from tests.conftest import similarity

RATE = 44100


def voice(seconds: float = 2.0, rate: int = RATE, channels: int = 1) -> np.ndarray:
    """A speech-like test signal: a 200 Hz buzz that comes and goes four times a second."""
    t = np.arange(int(seconds * rate)) / rate
    mono = 0.4 * np.sin(2 * np.pi * 200 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))
    return np.repeat(mono[:, None], channels, axis=1).astype(np.float32) if channels > 1 else mono.astype(np.float32)


def ffmpeg_encode(source: Path, target: Path, *args: str) -> Path:
    """Encode with the same bundled ffmpeg, as a phone would have done."""
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(source), *args, str(target)],
                   check=True)
    return target


@pytest.fixture
def wav(tmp_path) -> Path:
    path = tmp_path / "ban-thu.wav"
    soundfile.write(path, voice(), RATE)
    return path


@pytest.mark.parametrize("suffix,args", [
    (".wav", None), (".flac", None), (".ogg", None), (".mp3", None),
    (".m4a", ("-c:a", "aac", "-b:a", "96k")), (".aac", ("-c:a", "aac")),
    (".amr", ("-ar", "8000", "-ac", "1", "-c:a", "libopencore_amrnb", "-b:a", "12.2k")),
])
def test_accepted_formats_decode_to_the_recorded_sound(tmp_path, wav, suffix, args):
    path = tmp_path / f"thong-diep-5k-rad{suffix}"
    if args is None:
        soundfile.write(path, voice(), RATE)
    else:
        ffmpeg_encode(wav, path, *args)
    samples = decode_clip(path, RATE)
    assert abs(len(samples) / RATE - 2.0) < 0.1
    # Lossy codecs (and AMR's 8 kHz telephone band) change the waveform, not what it is.
    assert similarity(samples, voice()) > (0.9 if suffix != ".amr" else 0.6)


def test_eight_channels_at_192_khz_are_mixed_down_and_resampled(tmp_path):
    path = tmp_path / "da-kenh.wav"
    soundfile.write(path, voice(1.0, 192000, channels=8), 192000)
    samples = decode_clip(path, RATE)
    assert len(samples) == RATE
    assert similarity(samples, voice(1.0)) > 0.99


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(b""), "the clip is empty (0 bytes)"),
    (lambda p: p.write_text("Đây không phải là âm thanh", encoding="utf-8"), "not a readable audio clip"),
    (lambda p: soundfile.write(p, np.zeros(RATE * 2, dtype=np.float32), RATE),
     "the clip is silent (its loudest sample is below -50 dBFS): was the microphone on?"),
    (lambda p: soundfile.write(p, voice(0.1), RATE),
     "the clip lasts 0.10 s: too short to be an announcement (at least 0.5 s)"),
], ids=["zero bytes", "text renamed", "silent", "0.1 s"])
def test_refused_clips_say_why(tmp_path, make, message):
    path = tmp_path / ("ban-ghi.mp3" if "renamed" in message or "empty" in message else "ban-ghi.wav")
    make(path)
    with pytest.raises(InputError) as err:
        decode_clip(path, RATE)
    assert err.value.path == path
    assert err.value.message.startswith(message)


def test_truncated_mp3_is_refused_or_decoded_to_what_is_left(tmp_path):
    full = tmp_path / "du.mp3"
    soundfile.write(full, voice(3.0), RATE)
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(full.read_bytes()[:600])
    with pytest.raises(InputError) as err:
        decode_clip(cut, RATE)
    assert err.value.path == cut


def test_a_wav_shorter_than_its_header_says_is_refused(tmp_path):
    full = tmp_path / "du.wav"
    soundfile.write(full, voice(10.0), RATE, subtype="PCM_16")
    cut = tmp_path / "thieu.wav"
    cut.write_bytes(full.read_bytes()[:44 + 2 * int(3.2 * RATE)])
    with pytest.raises(InputError) as err:
        decode_clip(cut, RATE)
    assert (err.value.path, err.value.message) == (cut, "the clip is cut short: it should last 10.0 s, but the file "
                                                        "ends after 3.2 s; copy it again from the phone or recorder")


MP3S = {"128 kbit/s": ("-b:a", "128k"), "VBR": ("-q:a", "4"), "MPEG-2, 22 kHz": ("-ar", "22050", "-b:a", "32k"),
        "MPEG-2.5, 8 kHz": ("-ar", "8000", "-b:a", "16k"), "stereo 48 kHz": ("-ac", "2", "-ar", "48000"),
        "ID3 tags": ("-write_id3v1", "1", "-metadata", "title=Thông báo tiêm vắc-xin")}


@pytest.mark.parametrize("args", MP3S.values(), ids=MP3S.keys())
def test_an_mp3_without_a_length_header_cut_mid_frame_is_refused(tmp_path, wav, args):
    whole = ffmpeg_encode(wav, tmp_path / "du.mp3", "-c:a", "libmp3lame", "-write_xing", "0", *args)
    assert abs(len(decode_clip(whole, RATE)) / RATE - 2.0) < 0.2  # the whole file is taken (with the encoder's padding)
    data = whole.read_bytes()
    for size in range(len(data) // 2, len(data) // 2 + 400, 41):  # copies that stopped at other bytes
        cut = tmp_path / "thieu.mp3"
        cut.write_bytes(data[:size])
        with pytest.raises(InputError) as err:
            decode_clip(cut, RATE)
        assert err.value.message.startswith("the clip is cut short: it ends in the middle of an MP3 frame, after ")


def test_three_hours_is_too_long(tmp_path):
    path = tmp_path / "ba-gio.flac"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=200:sample_rate=8000", "-t", "10800", str(path)], check=True)
    with pytest.raises(InputError, match="the clip lasts 180 minutes; an announcement may last at most 60"):
        decode_clip(path, RATE)


def test_unknown_extension(tmp_path):
    path = tmp_path / "ban-ghi.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match="'.docx' is not an audio format broadcaster takes"):
        decode_clip(path, RATE)
