"""A vehicle's loop exported as one MP3: its items in order with the gaps between them."""

from __future__ import annotations

import numpy as np
import soundfile
from click.testing import CliRunner

from broadcaster.cli import cli
from tests.playout.conftest import write_schedule
from tests.playout.test_playout import asset_of, best_match


def test_export_loop_writes_items_and_gaps_as_one_mp3(quick, tmp_path):
    write_schedule(quick.root, "sessions:\n  - name: Xe loa sáng\n    start: '08:00'\n    loop_until: '11:00'\n"
                               "    loop_gap: 3s\n    output: xe-loa\n    items:\n      - mot\n      - silence: 2s\n"
                               "      - announcement: hai\n")
    target = tmp_path / "usb" / "xe-loa.mp3"
    result = CliRunner().invoke(cli, ["export-loop", "xe-loa", "--out", str(target)], obj=quick,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 items" in result.output
    mot, hai = asset_of(quick, "mot"), asset_of(quick, "hai")
    audio, rate = soundfile.read(target, dtype="float32")
    expected = (len(mot) + len(hai)) / rate + 2 + 3
    assert abs(len(audio) / rate - expected) < 0.1  # MP3 frames pad the ends a little
    assert best_match(audio, mot) > 0.95 and best_match(audio, hai) > 0.95
    # The gap: two seconds of silence right after the first item.
    onset = int(np.argmax(np.abs(audio) > 0.01))
    gap = audio[onset + len(mot) + int(0.2 * rate): onset + len(mot) + int(1.8 * rate)]
    assert np.abs(gap).max() < 0.01
    assert not target.with_name(target.name + ".part").exists()


def test_export_loop_refuses_a_day_the_loop_does_not_run_and_a_name_not_mp3(quick, tmp_path):
    write_schedule(quick.root, "sessions:\n  - name: Xe loa\n    date: 2026-12-01\n    start: '08:00'\n"
                               "    loop_until: '11:00'\n    output: xe-loa\n    items: [mot]\n")
    path = quick.root / "schedules" / "lich.yaml"
    target = tmp_path / "xe-loa.mp3"
    result = CliRunner().invoke(cli, ["export-loop", "xe-loa", "--date", "2026-11-30", "--out", str(target)],
                                obj=quick)
    assert result.exit_code == 2
    assert result.output == (f"Error: {path}:7: loop session 'Xe loa' of output 'xe-loa' does not run on 2026-11-30: "
                             "give --date a day it runs\n")
    wav = tmp_path / "xe-loa.wav"
    result = CliRunner().invoke(cli, ["export-loop", "xe-loa", "--date", "2026-12-01", "--out", str(wav)], obj=quick)
    assert result.exit_code == 2
    assert result.output == f"Error: {wav}: the loop is written as MP3: give --out a file name ending in .mp3\n"
    assert not target.exists() and not wav.exists()


def test_export_loop_needs_a_loop_session(quick):
    write_schedule(quick.root, "sessions:\n  - name: Sáng\n    start: '05:30'\n    output: loa-xa\n    items: [mot]\n")
    result = CliRunner().invoke(cli, ["export-loop", "loa-xa"], obj=quick)
    assert result.exit_code == 2
    assert result.output == ("Error: output 'loa-xa' has no loop session; a loop session has 'loop_until:'\n")
    result = CliRunner().invoke(cli, ["export-loop", "xe-lo"], obj=quick)
    assert result.output == "Error: unknown output 'xe-lo'; the outputs are: loa-xa, xe-loa\n"
