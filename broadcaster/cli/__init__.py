"""The command line: a thin layer over the library API, and the one place errors meet a person."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import click

from broadcaster import __version__
from broadcaster.config import declared_language
from broadcaster.errors import BroadcasterError
from broadcaster.messages import CLICK_MODULES, LANGUAGE_VARIABLE, LANGUAGES, choose, speaking, t, translated
from broadcaster.station import Station

DEFAULT_LANGUAGE = "vi"  # of the messages where no readable station chooses one
HELP_OPTION = "Show this message and exit."  # click's help of --help: the catalogue's key for it


class Failure(click.ClickException):
    """A BroadcasterError shown as one line, with its exit code (2 for bad input, 1 otherwise)."""

    def __init__(self, error: BroadcasterError):
        super().__init__(str(error))
        self.exit_code = error.exit_code
        self.line = t("Error: {message}", message=str(error))  # in the command's language, chosen until it ends

    def show(self, file=None) -> None:
        """Print the one line on standard error."""
        click.echo(self.line, file=file or click.get_text_stream("stderr"))


class SpokenCommand(click.Command):
    """A command whose help (its docstring, its options' help) is shown in the language chosen: the English
    written in the code is the catalogue's key."""

    @property
    def help(self) -> str | None:
        """The help text in the language chosen."""
        return translated(inspect.cleandoc(self._help)) if self._help else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """click's --help, with its help in English for format_options to translate (click words it once, in
        the language of the first command that asks)."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The options, each with its help in the language chosen (then click's '[default: ...]')."""
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                names, text = record
                own = getattr(param, "help", None)
                rows.append((names, translated(own) + text[len(own):] if own and text.startswith(own) else text))
        if rows:
            with formatter.section(translated("Options")):
                formatter.write_dl(rows)


class SpokenGroup(click.Group, SpokenCommand):
    """A group of commands: its help and theirs in the language chosen."""

    command_class = SpokenCommand
    group_class = type  # the groups under it are of its class


class BoundaryGroup(SpokenGroup):
    """The root group: one language from the help and click's usage errors to the last line; every
    BroadcasterError raised below it becomes a one-line message."""

    group_class = SpokenGroup

    def main(self, *args, **kwargs):
        """Run the command line; the language that parse_args chooses lasts until it ends."""
        with speaking(None):
            return super().main(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Open the station and choose the language before any option is handled, so that --help and click's
        errors speak it: --lang (or BROADCASTER_LANG), else the station's, else Vietnamese."""
        try:
            opts = self.make_parser(ctx).parse_args(args=list(args))[0]
        except click.UsageError:
            opts = {}  # the parse below reports it, in the language found without the options
        given = {p.name: p.consume_value(ctx, opts)[0] for p in self.params if p.name in ("station", "lang")}
        if ctx.obj is None:
            ctx.obj = Station(Path(given["station"]))
        choose(given["lang"] if given["lang"] in LANGUAGES else _station_language(ctx.obj) or DEFAULT_LANGUAGE)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        """Run the command; translate library errors."""
        try:
            return super().invoke(ctx)
        except BroadcasterError as exc:
            raise Failure(exc) from None
        except OSError as exc:  # a full or failing disk where no library code expected it: one line too
            raise Failure(BroadcasterError(t("a file cannot be read or written: {reason}",
                                             reason=exc.strerror or exc), path=exc.filename)) from None


def _station_language(station: object) -> str | None:
    """The language of the station's messages: station.yaml's, even when the rest of it is wrong (a command that
    needs the station reports what is wrong, in that language); None where there is no station."""
    if not isinstance(station, Station):
        return None
    try:
        return station.config.language
    except BroadcasterError:
        return declared_language(station.root)


@click.group(cls=BoundaryGroup)
@click.version_option(__version__, prog_name="broadcaster")
@click.option("--station", default=".", envvar="BROADCASTER_STATION", show_default=True, expose_value=False,
              metavar="DIR", help="Station folder (also BROADCASTER_STATION).")
@click.option("--lang", type=click.Choice(LANGUAGES), envvar=LANGUAGE_VARIABLE, expose_value=False,
              help="Language of the messages: vi (Tiếng Việt) or en (also BROADCASTER_LANG; default: station.yaml's "
                   "'language:', else vi).")
def cli() -> None:
    """Commune radio: approved announcements, spoken offline, aired on schedule, logged."""


def main() -> None:
    """Entry point of the ``broadcaster`` command."""
    for stream in (sys.stdout, sys.stderr):
        # A Windows console or pipe may not speak UTF-8: never crash on a Vietnamese letter.
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")
    cli(prog_name="broadcaster")


def _click_speaks_the_catalogue() -> None:
    """click passes its own words (usage lines, headings, its errors) through gettext, bound as ``_`` and
    ``ngettext`` in each of its modules; bind them to the catalogue instead, so that they follow the language
    chosen. Done after every command is defined: the texts click words once, at definition, stay English keys."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        module._ = translated
        if hasattr(module, "ngettext"):
            module.ngettext = lambda one, many, n: translated(one if n == 1 else many)


from broadcaster.cli import (content, devices, health, logs, planning, playout, record, report,  # noqa: E402,F401
                             hub, bulletins, service, setup, signals, speech, status, users, web)  # (register commands)

_click_speaks_the_catalogue()
