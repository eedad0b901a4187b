"""The command line: a thin layer over the library API, and the one place errors meet a person."""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

import click
from click.utils import make_default_short_help

from broadcaster import __version__
from broadcaster.config import declared_language
from broadcaster.errors import BroadcasterError
from broadcaster.messages import (CLICK_MODULES, LANGUAGE_VARIABLE, LANGUAGES, SOURCE_LANGUAGE, choose, marked,
                                   one_command, speaking, t, translated)
from broadcaster.station import Station

DEFAULT_LANGUAGE = "vi"  # of the messages where no readable station chooses one
HELP_OPTION = "Show this message and exit."  # click's help of --help: the catalogue's key for it
# Each command's module under broadcaster.cli, imported only when the command runs or shows its help (a command
# loads its own module, not all of them), and the first paragraph of its help, which `broadcaster --help` lists
# without importing any (tests/cli/test_imports.py checks that it is the command's own).
COMMANDS = {
    "content": ("content", marked("Announcements: add texts and clips, list them, approve them.")),
    "demo": ("playout", marked("Air a short programme of the sample station, starting in a few seconds, and show the "
                               "log.")),
    "devices": ("devices", marked("List the sound devices (to play, and to record with 'broadcaster record') and "
                                  "check the outputs.")),
    "export-loop": ("planning", marked("Write a vehicle's loop as one MP3 (items and gaps), for a USB stick in a "
                                       "portable loudspeaker.")),
    "health": ("health", marked("Check devices, disk, clock, the next and last airing, the log and the version. Exit "
                                "code 0: healthy, 1: warnings, 2: failing.")),
    "hub": ("hub", marked("The province hub: stations, their logs and health, reports (and a station's joining of "
                          "it).")),
    "identity": ("setup", marked("Show the station's identity for a district to pin: its name, its key and its "
                                 "admin's key.")),
    "init": ("setup", marked("Create a new, empty station in FOLDER.")),
    "log": ("logs", marked("The airing log: what was aired, when, where, and what failed; verify, export, import.")),
    "plan": ("planning", marked("Show the plan of a day (or a week): what airs where and when, and what was left out "
                                "and why.")),
    "play": ("playout", marked("Hear an announcement as it would air (rendered first if need be), before approving "
                               "or airing it.")),
    "record": ("record", marked("Record an announcement from the microphone (Enter stops) and add it as a draft clip "
                                "in that language.")),
    "render": ("planning", marked("Render every approved announcement to broadcast-ready audio (cached).")),
    "report": ("report", marked("Planned against aired, minutes per topic and language, urgent and unapproved "
                                "airings, device trouble (a warning, and exit code 1, when the log was altered).")),
    "run": ("playout", marked("Air the schedule day after day on every output, logging every airing (Ctrl+C or "
                              "SIGTERM stops).")),
    "schedule": ("planning", marked("Schedule files: check them before they go on air.")),
    "serve": ("web", marked("Serve the station's web dashboard (Ctrl+C stops).")),
    "service": ("service", marked("Start `broadcaster run` at boot and again after a failure: a systemd unit (Linux) "
                                  "or a Task Scheduler entry (Windows).")),
    "signal": ("signals", marked("Station signals: each file is sealed when first used; a replaced one airs only "
                                 "once accepted.")),
    "speak-text": ("speech", marked("Print what will be spoken for a text file, standard input ('-') or an "
                                    "announcement: numbers, dates, abbreviations in words. Outside a station "
                                    "folder, the built-in readings are used.")),
    "status": ("status", marked("What each output plays now, the next 3 hours, and today's airings with their "
                                "outcome.")),
    "sync": ("hub", marked("One round with the hub by hand: take the bulletins it has for the station, push the log "
                           "records it lacks, then a heartbeat.")),
    "upgrade": ("setup", marked("Bring a station set up before keys to keys: the station key, the admin's key, "
                                "decisions carried over.")),
    "urgent": ("playout", marked("Put an announcement on air now, while `run` is running, with the station's chime "
                                 "before it.")),
    "user": ("users", marked("People of the station: operators, officers, supervisors.")),
}


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

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """The command named first in ``args``; a mistyped name is told with the nearest ones."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            import difflib

            close = difflib.get_close_matches(args[0], self.list_commands(ctx), n=2)
            if not close or exc.ctx is None or args[0] in self.list_commands(ctx):
                raise
            raise click.UsageError(f"{exc.message} " + t("Did you mean: {names}?", names=", ".join(close)),
                                   exc.ctx) from None


class BoundaryGroup(SpokenGroup):
    """The root group: one language from the help and click's usage errors to the last line; every
    BroadcasterError raised below it becomes a one-line message."""

    group_class = SpokenGroup

    def main(self, *args, **kwargs):
        """Run the command line; the language that parse_args chooses lasts until it ends."""
        with one_command():
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

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, in order."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, its module imported the first time it is asked for."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            # click words some texts as a command is defined: they stay English, the catalogue's keys.
            with speaking(SOURCE_LANGUAGE):
                importlib.import_module(f"broadcaster.cli.{COMMANDS[cmd_name][0]}")
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, each with the start of its help, as click words it, without importing them."""
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [(name, make_default_short_help(translated(summary), limit)) for name, (_, summary) in COMMANDS.items()]
        with formatter.section(translated("Commands")):
            formatter.write_dl(rows)

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
    chosen. The texts click words once, as a command is defined, stay English keys (see BoundaryGroup.get_command)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        module._ = translated
        if hasattr(module, "ngettext"):
            module.ngettext = lambda one, many, n: translated(one if n == 1 else many)


_click_speaks_the_catalogue()
