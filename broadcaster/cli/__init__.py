"""The command line: a thin layer over the library API, and the one place errors meet a person."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from broadcaster import __version__
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t
from broadcaster.station import Station


class Failure(click.ClickException):
    """A BroadcasterError shown as one line, with its exit code (2 for bad input, 1 otherwise)."""

    def __init__(self, error: BroadcasterError):
        super().__init__(str(error))
        self.exit_code = error.exit_code


class BoundaryGroup(click.Group):
    """The root group: every BroadcasterError raised below it becomes a one-line message."""

    def invoke(self, ctx: click.Context):
        """Run the command; translate library errors."""
        try:
            return super().invoke(ctx)
        except BroadcasterError as exc:
            raise Failure(exc) from None
        except OSError as exc:  # a full or failing disk where no library code expected it: one line too
            raise Failure(BroadcasterError(t("a file cannot be read or written: {reason}", reason=exc.strerror or exc),
                                           path=exc.filename)) from None


def _station(ctx: click.Context, _param, value: str) -> str:
    if ctx.obj is None:
        ctx.obj = Station(Path(value))
    return value


@click.group(cls=BoundaryGroup)
@click.version_option(__version__, prog_name="broadcaster")
@click.option("--station", default=".", envvar="BROADCASTER_STATION", show_default=True, expose_value=False,
              callback=_station, is_eager=True, metavar="DIR",
              help="Station folder (also BROADCASTER_STATION).")
def cli() -> None:
    """Commune radio: approved announcements, spoken offline, aired on schedule, logged."""


def main() -> None:
    """Entry point of the ``broadcaster`` command."""
    for stream in (sys.stdout, sys.stderr):
        # A Windows console or pipe may not speak UTF-8: never crash on a Vietnamese letter.
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")
    cli(prog_name="broadcaster")


from broadcaster.cli import (content, devices, logs, planning, playout, record, report, setup,  # noqa: E402,F401
                             speech, users)  # (register commands)
