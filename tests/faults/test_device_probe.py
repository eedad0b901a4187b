"""A sound device lost while its output is idle (a USB card pulled out between sessions) is found by
run's idle probe, without a sound, logged as a device record and failed over to the backup before the
next item, which airs there whole."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

from broadcaster.station import Station
from tests.conftest import ROOT
from tests.faults.conftest import ALSA, SHORT_TONES, airing_records, heard_seconds, open_everything, soon
from tests.faults.test_device_loss import session

pytestmark = ALSA

PITCHES = {ident: frequency for ident, (frequency, _) in SHORT_TONES.items()}


def test_a_device_lost_while_idle_is_reported_and_failed_over_before_the_next_item(tones_station, devices):
    devices.capture("loa_chinh").capture("loa_du_phong")
    start = soon(4)
    later = start + dt.timedelta(seconds=14)
    (tones_station.root / "schedules" / "ngay.yaml").write_text(
        "outputs:\n  loa-xa:\n    device: loa_chinh\n    backup: loa_du_phong\nsessions:\n"
        + session("Sáng", start, "loa-xa", ["mot"]) + session("Trưa", later, "loa-xa", ["hai"]), encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "broadcaster", "--station", str(tones_station.root), "run",
                                "--exit-when-idle", "--probe-every", "2"], cwd=ROOT, env=devices.env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    # 'mot' airs on the card; then, while the output is idle, the card goes (ALSA reads its configuration
    # again when it changes: the device now names a card that is not there).
    time.sleep(max(0.0, (start - dt.datetime.now(start.tzinfo)).total_seconds()) + 4)
    devices.conf.write_text(devices.conf.read_text().replace(
        devices.lines[0], "pcm.loa_chinh { type hw; card 42 }\n"))
    console, _ = process.communicate(timeout=120)
    assert process.returncode == 0 and "Traceback" not in console, console
    log = Station(tones_station.root).airing_log
    records = [x.record for x in log.own_records()]
    airings = airing_records(log)
    assert [(r["announcement"], r["status"], r["sink"]) for r in airings] == [
        ("mot", "aired", "sound device 'loa_chinh'"), ("hai", "aired", "sound device 'loa_du_phong'")]
    trouble = [r for r in records if r.get("kind") == "device"]
    assert [(d["output"], d["device"], d["state"], d["failover_to"]) for d in trouble] == [
        ("loa-xa", "sound device 'loa_chinh'", "failed", "sound device 'loa_du_phong'")]
    assert trouble[0]["reason"].startswith("sound device 'loa_chinh' cannot be opened: ")
    # Found while idle, within seconds of the loss: before 'hai' was due, not by 'hai' failing on it.
    found = dt.datetime.fromisoformat(trouble[0]["at"])
    assert start + dt.timedelta(seconds=1.5) < found < later - dt.timedelta(seconds=2), (found, start, later)
    assert "loa-xa: device trouble on sound device 'loa_chinh': sound device 'loa_chinh' cannot be opened: " in console
    # The probe made no sound: the card heard 'mot' only, the backup 'hai' only, each whole.
    assert set(heard_seconds(devices.played("loa_chinh"), PITCHES)) == {"mot"}
    heard = heard_seconds(devices.played("loa_du_phong"), PITCHES)
    assert set(heard) == {"hai"} and abs(heard["hai"] - 1.5) < 0.15, heard
    assert open_everything(tones_station.root) == []
