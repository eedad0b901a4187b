"""The CLI starts fast: the commands that touch no audio load none of the heavy audio modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from broadcaster.cli import COMMANDS, cli
from broadcaster.messages import speaking, translated

HEAVY = ("numpy", "soundfile", "scipy", "pydub", "sounddevice", "apscheduler", "gtts", "requests", "flask",
         "sqlalchemy", "psycopg")
# Not even the airing log, the stores or the other commands for `--help` or a mistyped command.
STARTUP_HEAVY = (*HEAVY, "rich", "tinydb", "filelock", "cryptography", "broadcaster.airing_log",
                 "broadcaster.cli.content", "broadcaster.cli.planning")

# Runs a command in-process, as the console script does, then lists the heavy modules it loaded.
PROBE = """
import json, sys
from broadcaster.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="broadcaster")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)))
"""


def loaded(args: list[str], cwd: Path, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``heavy`` modules loaded by ``broadcaster ARGS`` run in a fresh interpreter in ``cwd``."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=heavy), *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_module(tmp_path: Path):
    code = f"import sys, broadcaster.cli; print([m for m in {STARTUP_HEAVY} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [["--help"], ["content", "list"], ["plan"]])
def test_everyday_commands_load_no_heavy_module(station_dir: Path, args: list[str]):
    # The first plan of a station renders its chime (real audio work); the ones after find it cached.
    loaded(["--station", str(station_dir), "plan"], station_dir)
    assert loaded(["--station", str(station_dir), *args], station_dir) == []


def test_help_and_a_mistyped_command_load_no_command_and_no_store(station_dir: Path):
    for args in (["--help"], ["khong-co-lenh"]):
        assert loaded(["--station", str(station_dir), *args], station_dir, STARTUP_HEAVY) == []
    # A command's help loads its own module, not the others.
    assert loaded(["--station", str(station_dir), "content", "--help"], station_dir,
                  (*HEAVY, "broadcaster.cli.content", "broadcaster.cli.planning")) == ["broadcaster.cli.content"]


def test_the_probe_sees_a_heavy_module_when_one_is_loaded(station_dir: Path):
    # The same probe on a command that needs audio devices: proves the check above can fail.
    assert "sounddevice" in loaded(["--station", str(station_dir), "devices"], station_dir)


def test_the_list_of_commands_shows_the_start_of_each_ones_own_help():
    # `broadcaster --help` lists the commands from COMMANDS without importing them: each entry names the module
    # that defines the command and starts as the command's own help does, in every language.
    for name, (module, summary) in COMMANDS.items():
        command = cli.get_command(click.Context(cli), name)
        assert command.callback.__module__ == f"broadcaster.cli.{module}", name
        for lang in ("en", "vi"):
            with speaking(lang):
                assert " ".join(command.help.split("\n\n")[0].split()) == translated(summary), (name, lang)
    assert sorted(cli.commands) == sorted(COMMANDS)  # every command defined is listed
