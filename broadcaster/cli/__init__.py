"""The command line: a thin layer over the library API, and the one place errors meet a person."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from broadcaster import __version__
from broadcaster.errors import BroadcasterError
from broadcaster.messages import LANGUAGE_VARIABLE, LANGUAGES, speaking, t
from broadcaster.station import Station

LANGUAGE_CHOSEN = "broadcaster.language"  # where --lang (or BROADCASTER_LANG) is kept in the context


class Failure(click.ClickException):
    """A BroadcasterError shown as one line, with its exit code (2 for bad input, 1 otherwise)."""

    def __init__(self, error: BroadcasterError):
        super().__init__(str(error))
        self.exit_code = error.exit_code
        self.line = t("Error: {message}", message=str(error))  # in the command's language, chosen until it ends

    def show(self, file=None) -> None:
        """Print the one line on standard error."""
        click.echo(self.line, file=file or click.get_text_stream("stderr"))


class BoundaryGroup(click.Group):
    """The root group: messages in the language chosen; every BroadcasterError raised below it becomes a
    one-line message."""

    def invoke(self, ctx: click.Context):
        """Run the command in its language; translate library errors."""
        with speaking(ctx.meta.get(LANGUAGE_CHOSEN) or _station_language(ctx.obj)):
            try:
                return super().invoke(ctx)
            except BroadcasterError as exc:
                raise Failure(exc) from None
            except OSError as exc:  # a full or failing disk where no library code expected it: one line too
                raise Failure(BroadcasterError(t("a file cannot be read or written: {reason}",
                                                 reason=exc.strerror or exc), path=exc.filename)) from None


def _station_language(station: object) -> str | None:
    """The language of the station's messages, when its station.yaml can be read (a command that needs the
    station reports what is wrong with it, in English or the language of --lang)."""
    try:
        return station.config.language if isinstance(station, Station) else None
    except BroadcasterError:
        return None


def _station(ctx: click.Context, _param, value: str) -> str:
    if ctx.obj is None:
        ctx.obj = Station(Path(value))
    return value


def _language(ctx: click.Context, _param, value: str | None) -> str | None:
    ctx.meta[LANGUAGE_CHOSEN] = value
    return value


@click.group(cls=BoundaryGroup)
@click.version_option(__version__, prog_name="broadcaster")
@click.option("--station", default=".", envvar="BROADCASTER_STATION", show_default=True, expose_value=False,
              callback=_station, is_eager=True, metavar="DIR",
              help="Station folder (also BROADCASTER_STATION).")
@click.option("--lang", type=click.Choice(LANGUAGES), envvar=LANGUAGE_VARIABLE, expose_value=False,
              callback=_language, help="Language of the messages: vi (Tiếng Việt) or en (also BROADCASTER_LANG; "
                                       "default: station.yaml's 'language:', else en).")
def cli() -> None:
    """Commune radio: approved announcements, spoken offline, aired on schedule, logged."""


def main() -> None:
    """Entry point of the ``broadcaster`` command."""
    for stream in (sys.stdout, sys.stderr):
        # A Windows console or pipe may not speak UTF-8: never crash on a Vietnamese letter.
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")
    cli(prog_name="broadcaster")


from broadcaster.cli import (content, devices, health, logs, planning, playout, record, report,  # noqa: E402,F401
                             hub, service, setup, speech, users)  # (register commands)
