"""`broadcaster play`: hearing an announcement before approving or airing it, on a device or into a WAV."""

from __future__ import annotations

import numpy as np
import soundfile
from click.testing import CliRunner

from broadcaster.audiofile import read_wav
from broadcaster.cli import cli
from broadcaster.station import Station
from tests.conftest import captured


def audio_of(station: Station, ident: str) -> tuple[np.ndarray, float]:
    variant = station.library.get(ident).announcement.variants[0]
    samples, rate = read_wav(station.renders.asset(variant).path)
    return samples, len(samples) / rate


def test_play_into_a_wav_file_writes_the_rendered_audio(quick, tmp_path):
    out = tmp_path / "nghe-thu.wav"
    result = CliRunner().invoke(cli, ["play", "mot", "--out", str(out)], obj=quick, catch_exceptions=False)
    samples, seconds = audio_of(quick, "mot")
    assert (result.exit_code, result.output) == (0, f"played mot (vie, {seconds:.1f} s) to WAV file {out}\n")
    written, _ = soundfile.read(out, dtype="float32")
    assert len(written) == len(samples) and np.abs(written - samples).max() < 1e-3  # 16-bit rounding


def test_play_on_a_device_is_heard_there(quick, clean_captures):
    result = CliRunner().invoke(cli, ["play", "hai", "--device", "loa_xa"], obj=quick, catch_exceptions=False)
    samples, seconds = audio_of(quick, "hai")
    assert (result.exit_code, result.output) == (0, f"played hai (vie, {seconds:.1f} s) to sound device 'loa_xa'\n")
    played, _ = soundfile.read(captured("loa_xa"), dtype="float32")
    assert len(played) >= len(samples)
    corr = np.correlate(played[:len(samples) * 2], samples, mode="valid")
    assert corr.max() / (np.linalg.norm(samples) ** 2) > 0.99


def test_a_new_text_is_rendered_and_heard_before_it_is_approved(quick, tmp_path):
    (quick.root / "scripts_text" / "moi.md").write_text(
        "---\nid: moi\ntitle: Tin mới\nauthor: Nguyễn Thị Lan\n---\nHọp thôn lúc 8 giờ sáng mai.\n", encoding="utf-8")
    out = tmp_path / "moi.wav"
    result = CliRunner().invoke(cli, ["play", "moi", "--out", str(out)], obj=Station(quick.root),
                                catch_exceptions=False)
    assert result.exit_code == 0 and result.output.startswith("played moi (vie, ")
    assert soundfile.info(out).duration > 1.0
    assert Station(quick.root).library.get("moi").approved_by == ""  # hearing it approves nothing


def test_play_refuses_a_missing_language_and_a_file_that_is_not_wav(quick, tmp_path):
    result = CliRunner().invoke(cli, ["play", "mot", "--lang", "eng"], obj=quick)
    assert (result.exit_code, result.output.splitlines()[-1]) == (2, "Error: 'mot' has no variant in 'eng'; it has: vie")
    result = CliRunner().invoke(cli, ["play", "mot", "--out", str(tmp_path / "x.mp3")], obj=quick)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: Invalid value for --out: '{tmp_path / 'x.mp3'}' must end in .wav"
    assert not (tmp_path / "x.mp3").exists()
