"""`run` never stops on a file it reads: a damaged library at start airs on with an alarm and is tried again,
and a text that becomes unreadable during a run is logged as refused with the reason."""

from __future__ import annotations

import datetime as dt
import shutil
import time

from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.helpers import NOW
from tests.playout.conftest import Running, at, quick, write_schedule


def _wait(predicate, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def _records(station: Station, kind: str) -> list[dict]:
    return station.airing_log.query(NOW.date() - dt.timedelta(days=400), dt.date(2100, 1, 1), kind=kind)


def test_a_library_damaged_at_start_raises_an_alarm_and_run_airs_on_until_it_is_mended(tmp_path):
    station = quick.__wrapped__(tmp_path)  # the playout tests' station of short texts
    library = station.data_dir / "library.json"
    shutil.copyfile(library, tmp_path / "library.good")
    library.write_text('{"announcements": [', encoding="utf-8")
    write_schedule(station.root, f"sessions:\n  - name: Sáng\n    start: '{at(8)}'\n    output: loa-xa\n"
                                 "    items: [mot]\n")
    with Running(Station(station.root)) as r:
        _wait(lambda: any(line.startswith("nothing can be planned") for line in r.said))
        time.sleep(2.5)  # tried again at least once: said once, not at every try
        assert r.thread.is_alive()
        shutil.copyfile(tmp_path / "library.good", library)
        _wait(lambda: any(e.airing.announcement == "mot" and getattr(e, "status", "") == "aired"
                          for e in r.events if hasattr(e, "airing")))
    said = [line for line in r.said if line.startswith("nothing can be planned")]
    assert len(said) == 1 and "library.json" in said[0], r.said
    assert "the files can be used again: the plan is on air" in r.said
    alarms = [a for a in _records(station, "alarm") if a.get("action") == "nothing planned"]
    assert len(alarms) == 1 and alarms[0]["reason"] == said[0].split(": ", 1)[1]


def test_a_text_that_becomes_unusable_during_a_run_is_logged_as_refused_with_the_reason(tmp_path):
    station = quick.__wrapped__(tmp_path)
    texts = station.root / "scripts_text"
    with Running(Station(station.root)) as r:
        _wait(lambda: r.plans)
        (texts / "mot.md").write_bytes(b"\x00\xff\xfe junk \x00" * 50)  # an approved text, now binary junk
        (texts / "moi.md").write_text("---\nid: Mới!\n---\nBà con chú ý.\n", encoding="utf-8")  # a bad header
        _wait(lambda: len([line for line in r.said if line.startswith("refused: ")]) >= 2)
        time.sleep(2.5)  # planned again at least once more: logged once, not at every plan
        assert r.thread.is_alive()
    refused = {a["file"]: a["reason"] for a in _records(station, "audit") if a.get("action") == "file refused"}
    assert len([a for a in _records(station, "audit") if a.get("action") == "file refused"]) == 2
    assert refused["mot"].startswith("its file scripts_text/mot.md was edited and is now unusable: "), refused
    assert refused["moi.md"].startswith(f"{texts / 'moi.md'}"), refused
    assert f"refused: mot: {refused['mot']}" in r.said


def test_run_exit_when_idle_with_a_damaged_library_says_why_and_exits_1(tmp_path):
    station = quick.__wrapped__(tmp_path)
    (station.data_dir / "library.json").write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--exit-when-idle"], obj=Station(station.root))
    lines = result.output.splitlines()
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert lines[1].startswith("nothing can be planned, run airs on and tries again: ") and "library.json" in lines[1]
    assert lines[-1] == "Error: " + lines[1].split(": ", 1)[1]
    assert [a["reason"] for a in _records(station, "alarm") if a.get("action") == "nothing planned"] == \
        [lines[1].split(": ", 1)[1]]
