"""The record command: an officer records an announcement from the microphone."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

import click
from rich.live import Live
from rich.text import Text

from broadcaster.cli import cli
from broadcaster.cli.content import now_of, person_passphrase
from broadcaster.cli.output import console
from broadcaster.content.announcement import MAX_CLIP_S
from broadcaster.messages import t
from broadcaster.station import Station

if TYPE_CHECKING:
    from broadcaster.outputs.microphone import Level

METER_WIDTH = 30
METER_FLOOR_DBFS = -60.0


def meter(level: Level) -> Text:
    """The live line: elapsed time, a bar of the block's peak from -60 to 0 dBFS, and clipping."""
    minutes, seconds = divmod(level.elapsed_s, 60)
    filled = 0 if level.peak_dbfs == float("-inf") else round(
        METER_WIDTH * min(1.0, max(0.0, 1 - level.peak_dbfs / METER_FLOOR_DBFS)))
    line = Text(f"● {int(minutes):02d}:{seconds:04.1f}  ", style="bold red")
    line.append("█" * filled, style="red" if level.clipped else "green")
    line.append("░" * (METER_WIDTH - filled), style="dim")
    line.append(f"  {level.peak_dbfs:5.1f} dBFS" if level.peak_dbfs > -100 else "   -inf dBFS")
    if level.clipped:
        line.append("  " + t("CLIPPING"), style="bold red")
    return line


def _stop_on_enter(stop: threading.Event) -> None:
    if sys.stdin.readline():  # a line: Enter was pressed (an end of input is not)
        stop.set()


@cli.command("record")
@click.argument("ident", metavar="ID")
@click.option("--lang", required=True, metavar="CODE", help="The language spoken, ISO 639-3 (vie, rad, jra, ...).")
@click.option("--title", help="The title, when ID is a new announcement.")
@click.option("--topic", help="The topic, when ID is a new announcement (default: general).")
@click.option("--seconds", type=click.FloatRange(0.5, MAX_CLIP_S), help="Stop after this long (Enter stops sooner).")
@click.option("--device", metavar="NAME", help="The recording device (see 'broadcaster devices'; default: the "
                                               "computer's own).")
@click.option("--by", default="", metavar="NAME",
              help="Who records, with their passphrase: they sign the clip (without it, an officer must claim it).")
@click.pass_obj
def record_command(station: Station, ident: str, lang: str, title: str | None, topic: str | None,
                   seconds: float | None, device: str | None, by: str) -> None:
    """Record an announcement from the microphone (Enter stops) and add it as a draft clip in that language."""
    # Imported here: the filters need scipy and the microphone sounddevice, which other commands never load.
    from broadcaster.content.recording import record_announcement
    from broadcaster.outputs.microphone import Level, Microphone

    stop = threading.Event()
    if sys.stdin.isatty():
        threading.Thread(target=_stop_on_enter, args=(stop,), daemon=True).start()
    elif seconds is None:
        raise click.UsageError(t("there is no keyboard to press Enter on: say how long to record with --seconds"))
    microphone = Microphone(device)
    # Asked before anyone speaks: a take is not made for a name that cannot sign it.
    signer = station.users.unlock(*person_passphrase(station, by), {"operator", "officer", "supervisor"},
                                  t("add content")) \
        if by else None

    def started() -> None:
        console.print(t("Recording '{id}' ({lang}) from {device}: speak now; press Enter to stop.", id=ident,
                        lang=lang, device=microphone.describe()), markup=False)

    try:
        with Live(meter(Level(0.0, float("-inf"), 0)), console=console, refresh_per_second=10,
                  transient=True) as live:
            recorded = record_announcement(station, microphone, ident, lang, now_of(station), stop,
                                           max_s=seconds or MAX_CLIP_S,
                                           on_level=lambda level: live.update(meter(level)), on_start=started,
                                           title=title, topic=topic, signer=signer)
    except KeyboardInterrupt:
        console.print(t("stopped: nothing was stored"))
        raise click.exceptions.Exit(1) from None
    for warning in recorded.warnings:
        console.print(t("warning: {text}", text=warning), markup=False)
    console.print(t("{id}: {outcome} ({status}); the {lang} recording is {path}: {kept:.1f} s of the {recorded:.1f} s "
                    "recorded, the silence before and after it trimmed", id=recorded.entry.id,
                    outcome=t(recorded.outcome), status=t(recorded.entry.status), lang=lang,
                    path=recorded.path.relative_to(station.root).as_posix(), kept=recorded.duration_s,
                    recorded=recorded.recorded_s), markup=False)
