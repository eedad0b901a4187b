"""`broadcaster run` killed with SIGKILL at random moments of a day of airings (compressed into a few
minutes) and started again each time: nothing is corrupted, and every planned airing ends once."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict

import pytest

from broadcaster.airing_log import ON_AIR
from broadcaster.reports import build_report
from broadcaster.station import Station
from tests.conftest import ROOT
from tests.faults.conftest import (ALSA, TZ, Devices, airing_records, broadcaster, copy_station, heard_seconds,
                                   make_station, open_everything, soon, tone_frequency, write_schedule)
from tests.processes import spawn

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX"), ALSA]

KILLS = int(os.environ.get("FAULTS_KILLS", "50"))
SESSIONS = 30            # alternately on the two outputs, one every SPACING_S
ITEMS_PER_SESSION = 2
SPACING_S = 5.0
GAP_S = (1.0, 5.0)       # a run lives this long (uniformly) before it is killed
FINAL = {"aired", "partial", "missed", "failed"}
OUTPUTS = {"loa-xa": "cap_a", "xe-loa": "cap_b"}


@pytest.fixture(scope="module")
def day_station(tmp_path_factory):
    """A station with one clip (a tone of its own pitch, 1 to 2 s long) for every airing of the day."""
    root = tmp_path_factory.mktemp("kill-run") / "template"
    tones = {f"tin-{n:02d}": (tone_frequency(n), 1.0 + 0.25 * (n % 5)) for n in range(SESSIONS * ITEMS_PER_SESSION)}
    make_station(root, tones=tones, grace="6s")
    return root, tones


def test_fifty_kills_across_a_day_lose_nothing(day_station, tmp_path):
    template, tones = day_station
    station = copy_station(template, tmp_path / "xa")
    devices = Devices(tmp_path / "alsa")
    for device in OUTPUTS.values():
        devices.capture(device)
    first = soon(6)
    ids = list(tones)
    sessions = [(f"Buổi {i + 1}", (first + dt.timedelta(seconds=i * SPACING_S)).time(), list(OUTPUTS)[i % 2],
                 ids[i * ITEMS_PER_SESSION:(i + 1) * ITEMS_PER_SESSION]) for i in range(SESSIONS)]
    soon(SESSIONS * SPACING_S + 60)
    write_schedule(station.root, OUTPUTS, sessions)
    seed = int(os.environ.get("FAULTS_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    env = devices.env()
    console = tmp_path / "console.txt"
    command = [sys.executable, "-m", "broadcaster", "--station", str(station.root), "run"]

    survived, problems_after, mid_air = 0, {}, 0
    for kill in range(KILLS):
        with console.open("a", encoding="utf-8") as out:
            process = spawn(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            time.sleep(rng.uniform(*GAP_S))
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        mid_air += any((station.data_dir / "onair").glob("*.json"))  # killed while something played
        problems = open_everything(station.root)
        if problems:
            problems_after[kill + 1] = problems
        else:
            survived += 1
    finish = broadcaster(station.root, "run", "--exit-when-idle", env=env, timeout=SESSIONS * SPACING_S + 120)
    print(f"kill points tried: {KILLS}, survived: {survived}, {mid_air} of them while on air (seed {seed})")
    assert not problems_after, f"seed {seed}: {problems_after}"
    assert finish.returncode == 0, finish.stdout + finish.stderr
    assert "Traceback" not in console.read_text(encoding="utf-8") + finish.stderr

    # Every planned airing of the day ends as one of aired, partial, missed or failed; none is aired twice.
    station = Station(station.root)
    plan = station.planner.plan(first.date(), dt.datetime.now(TZ))
    planned = {a.key: a for a in plan.airings}
    assert len(planned) == SESSIONS * ITEMS_PER_SESSION
    records = [r for r in airing_records(station.airing_log) if r["planned_start"][:10] == first.date().isoformat()]
    by_key = defaultdict(list)
    for r in records:
        by_key[r["key"]].append(r)
    assert set(by_key) == set(planned), f"seed {seed}: planned without an outcome: {set(planned) - set(by_key)}"
    last = {key: rs[-1]["status"] for key, rs in by_key.items()}
    assert set(last.values()) <= FINAL, f"seed {seed}: {last}"
    twice = {key: [r["status"] for r in rs] for key, rs in by_key.items()
             if sum(r["status"] == "aired" for r in rs) > 1}
    assert not twice, f"seed {seed}: aired twice: {twice}"
    # The supervisor's report counts each planned airing once (its one record with trigger 'schedule').
    schedule_records = {key: [r["status"] for r in rs if r["trigger"] == "schedule"] for key, rs in by_key.items()}
    assert all(len(s) == 1 for s in schedule_records.values()), \
        f"seed {seed}: {[(k, [(r['status'], r['trigger']) for r in by_key[k]]) for k, s in schedule_records.items() if len(s) != 1]}"
    report = build_report(records, first.date(), first.date())
    assert sum(d.planned for d in report.days) == len(planned)

    # Nothing that was heard is missing from the log, and what the log says was aired was heard whole.
    for output, device in OUTPUTS.items():
        ids_here = {a.announcement for a in plan.airings if a.output == output}
        heard = heard_seconds(devices.played(device), {i: tones[i][0] for i in ids_here})
        on_air = {r["announcement"] for r in records if r["status"] in ON_AIR and r["output"] == output}
        aired = {r["announcement"] for r in records if r["status"] == "aired" and r["output"] == output}
        unlogged = {i: s for i, s in heard.items() if s >= 0.1 and i not in on_air}
        assert not unlogged, f"seed {seed}: heard on {output} but not in the log: {unlogged}"
        # (A kill can catch the last few hundred milliseconds of an item in ALSA's buffers, not yet in the file.)
        short = {i: heard.get(i, 0.0) for i in aired if heard.get(i, 0.0) < tones[i][1] - 0.5}
        assert not short, f"seed {seed}: logged as aired on {output} but not heard whole: {short}"
    print("last outcomes:", Counter(last.values()), "records:", Counter((r["status"], r["trigger"]) for r in records))
