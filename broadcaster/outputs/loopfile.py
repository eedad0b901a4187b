"""A vehicle's loop as one MP3 file for a USB stick: portable loudspeakers (loa kéo) play it on repeat."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import soundfile

from broadcaster.errors import DeviceError, InputError
from broadcaster.messages import day_text, t
from broadcaster.schedule.model import Schedule, Session
from broadcaster.schedule.plan import Material, plan_session

BLOCK_FRAMES = 65536


def loop_session(schedule: Schedule, output: str, name: str | None) -> Session:
    """The loop session of ``output`` (the one called ``name`` when it has several)."""
    if output not in schedule.outputs:
        raise InputError(t("unknown output '{name}'; the outputs are: {names}", name=output,
                           names=", ".join(sorted(schedule.outputs))))
    loops = [s for s in schedule.sessions if s.output == output and s.loop_until is not None
             and (name is None or s.name == name)]
    if not loops:
        raise InputError(t("output '{output}' has no loop session{named}; a loop session has 'loop_until:'",
                           output=output, named=t(" called '{name}'", name=name) if name else ""))
    if len(loops) > 1 and name is None:
        raise InputError(t("output '{output}' has several loop sessions ({names}): choose one with --session",
                           output=output, names=", ".join(s.name for s in loops)))
    return loops[0]


def export_loop(session: Session, material: dict[str, Material], day: dt.date, tz, rate: int,
                target: Path) -> tuple[int, float, list[str]]:
    """Write one cycle of the loop (its items, the gaps between them, the loop gap at the end) as MP3;
    returns the number of items, the seconds written, and the warnings of the plan."""
    airings, warnings = plan_session(replace(session, loop_until=None), material, day, tz)
    if not airings:
        raise InputError(t("nothing in loop session '{name}' can be aired on {day}: {why}", name=session.name,
                           day=day_text(day), why="; ".join(warnings) or t("no items")))
    start = airings[0].start
    end = airings[-1].end + dt.timedelta(seconds=session.loop_gap_s)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    written = 0
    try:
        with soundfile.SoundFile(tmp, "w", samplerate=rate, channels=1, format="MP3",
                                 subtype="MPEG_LAYER_III") as mp3:
            for airing in airings:
                written += _silence(mp3, round((airing.start - start).total_seconds() * rate) - written)
                with soundfile.SoundFile(airing.asset_path) as audio:  # streamed: a loop may be long
                    for block in audio.blocks(blocksize=BLOCK_FRAMES, dtype="float32", always_2d=True):
                        mp3.write(block.mean(axis=1))
                        written += len(block)
            written += _silence(mp3, round((end - start).total_seconds() * rate) - written)
        tmp.replace(target)
    except (OSError, RuntimeError, soundfile.SoundFileError) as exc:
        tmp.unlink(missing_ok=True)
        raise DeviceError(t("the MP3 file cannot be written: {reason}", reason=exc), path=target) from None
    return len(airings), written / rate, warnings


def _silence(mp3: soundfile.SoundFile, frames: int) -> int:
    block = np.zeros(BLOCK_FRAMES, dtype=np.float32)
    left = max(0, frames)
    while left > 0:
        n = min(left, BLOCK_FRAMES)
        mp3.write(block[:n])
        left -= n
    return max(0, frames)
