"""The operator guide (docs/huong-dan-van-hanh.md) works as written: its commands run, in order, on the station
its first command makes, with the files it shows written where it says; the few that play sound, wait for a
running `run` or install a service are checked to be commands and options that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.logdata import at, build_log, event

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "huong-dan-van-hanh.md"
# A fenced block: ```sh holds commands; ```md PATH or ```yaml PATH is a file to write at PATH.
FENCE = re.compile(r"^```(\S*)[ \t]*(\S*)\n(.*?)^```$", re.M | re.S)
INLINE = re.compile(r"`(broadcaster [^`]+)`")
PASSPHRASE = "mật khẩu thử 2026"
# Exit 1 is a warning there: no `run` is running while the guide is followed.
WARNS = {"health"}


def _blocks() -> list[tuple[str, str, str]]:
    return FENCE.findall(GUIDE.read_text(encoding="utf-8"))


def _commands() -> list[list[str]]:
    return [shlex.split(line, comments=True) for info, _, body in _blocks() if info == "sh"
            for line in body.splitlines() if line.strip()]


def _runs(args: list[str]) -> bool:
    """Whether the guide's test runs a command: not one that plays sound, waits for `run`, lists this machine's
    sound devices or installs a service on it (even --dry-run asks who runs it, which depends on the machine)."""
    if args[0] in ("run", "urgent", "record", "demo", "devices", "service"):
        return False
    return args[0] != "play" or "--out" in args


def _aired_for_a_while(root: Path) -> None:
    """What `run` would have logged by the time the guide reaches the log: two days of December."""
    station = Station(root)
    build_log(station.data_dir / "log", [
        event(at(4, 5, 30, month=12), "khau-hieu-5k"), event(at(4, 17, 0, month=12), "tiem-vac-xin", seconds=90),
        event(at(5, 5, 30, month=12), "tin-gia", "failed", reason="thiết bị loa_xa không mở được")],
        station=station.config.id, key=station.station_key)


def _invoke(args: list[str]):
    result = CliRunner().invoke(cli, args, input=f"{PASSPHRASE}\n" * 3, prog_name="broadcaster")
    assert "Traceback" not in result.output, (args, result.output)
    return result


@pytest.fixture(autouse=True)
def no_language_variable(monkeypatch):
    monkeypatch.delenv("BROADCASTER_LANG", raising=False)
    monkeypatch.delenv("BROADCASTER_PASSPHRASE", raising=False)
    monkeypatch.delenv("BROADCASTER_STATION", raising=False)


def test_the_guide_shows_every_daily_task():
    commands = [" ".join(c[:3]) for c in _commands()]
    for task in ("broadcaster init", "broadcaster user add", "broadcaster content add", "broadcaster content approve",
                 "broadcaster schedule check", "broadcaster run --operator", "broadcaster urgent",
                 "broadcaster log verify", "broadcaster report --from", "broadcaster health"):
        assert any(c.startswith(task) for c in commands), task


def test_the_guide_works_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ran = []
    for info, path, body in _blocks():
        if path:  # a file the guide shows, written where it says
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            continue
        if info != "sh":
            continue
        for line in body.splitlines():
            args = shlex.split(line, comments=True)
            if not args:
                continue
            if args[0] == "cd":
                monkeypatch.chdir(args[1])
                continue
            assert args[0] == "broadcaster", line
            if not _runs(args[1:]):
                continue
            if args[1] in ("log", "report") and not any(a[0] in ("log", "report") for a, _ in ran):
                _aired_for_a_while(Path("."))
            result = _invoke(args[1:])
            allowed = (0, 1) if args[1] in WARNS else (0,)
            assert result.exit_code in allowed, (line, result.output)
            ran.append((args[1:], result.output))
    outputs = {" ".join(args): output for args, output in ran}
    assert len(ran) >= 30
    # It speaks Vietnamese: a new station, and --help outside one.
    assert outputs["--help"].startswith("Cách dùng: broadcaster [OPTIONS] COMMAND [ARGS]...")
    assert "người duyệt" in outputs["user list"]
    assert "phong-chong-dich: đã duyệt (người quyết định: Trần Văn Bình)" in \
        outputs["content approve phong-chong-dich --by Trần Văn Bình"]
    plan = outputs["plan --date 07/12/2026"]
    assert plan.startswith("Kế hoạch phát ngày 07/12/2026")
    assert "phong-chong-dich" in plan and "canh-giac-tin-gia" in plan and "Tiếng Việt" in plan
    assert Path("nghe-thu.wav").stat().st_size > 1000
    assert outputs["log --date 04/12/2026"].startswith("Nhật ký phát sóng ngày 04/12/2026")
    failed = outputs["log --from 01/12/2026 --to 07/12/2026 --status failed"]
    assert "05/12/2026" not in failed.splitlines()[0] and "tin-gia" in failed and "khau-hieu-5k" not in failed
    assert outputs["report --from 01/12/2026 --to 31/12/2026"].startswith(
        "Báo cáo phát sóng từ 01/12/2026 đến 31/12/2026")
    assert Path("bao-cao-thang-12.xlsx").is_file() and Path("nhat-ky-thang-12.json").is_file()


@pytest.mark.parametrize("line", sorted({" ".join(c) for c in _commands() if not _runs(c[1:])}
                                        | set(INLINE.findall(GUIDE.read_text(encoding="utf-8")))))
def test_every_other_command_of_the_guide_exists(line, tmp_path, monkeypatch):
    # Those the guide's run does not run, and those written in its sentences (with placeholders such as TÊN):
    # each is a command whose options exist (click refuses an unknown one before it shows the help).
    monkeypatch.chdir(tmp_path)
    result = _invoke([*shlex.split(line)[1:], "--help"])
    assert result.exit_code == 0, (line, result.output)
    assert result.output.startswith("Cách dùng: broadcaster ")
