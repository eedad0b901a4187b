"""A station set up before keys keeps its library and history: `upgrade --admin` makes the keys and the
admin signs the decisions carried over; everyone else is told how to get a key."""

from __future__ import annotations

import hashlib
import os

from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.content.library import APPROVED
from broadcaster.station import Station, init_station
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR

COST = {"n": 2 ** 14, "r": 8, "p": 1}


def _old_person(name: str, role: str, passphrase: str) -> dict:
    salt = os.urandom(16)
    digest = hashlib.scrypt(passphrase.encode(), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **COST)
    return {"v": 1, "name": name, "role": role, "salt": salt.hex(), "scrypt": COST, "hash": digest.hex(),
            "added": NOW.isoformat()}


def _old_station(tmp_path) -> Station:
    return old_station(tmp_path / "s")


def old_station(root) -> Station:
    """A station as it was before keys: scrypt hashes, an approval signed by nobody."""
    station = init_station(root, "Xã Cũ")
    station.station_key_path.unlink()  # made before keys
    with station.users.store.transaction() as db:
        db.table("users").insert(_old_person(SUPERVISOR, "supervisor", PASSPHRASE))
        db.table("users").insert(_old_person("Lê Văn Cường", "officer", "mật khẩu cán bộ"))
    path = station.root / "scripts_text" / "hop-dan.md"
    path.write_text("---\nid: hop-dan\ntitle: Họp dân\n---\nMời bà con đi họp.\n", encoding="utf-8")
    station.content.add_file(path, NOW, by="Lê Văn Cường")
    fingerprint = station.library.get("hop-dan").fingerprint
    with station.library.store.transaction() as db:
        db.table("announcements").update({"decision": {"action": APPROVED, "by": "Nguyễn Thị Lan",
                                                       "at": "2026-11-25T06:00:00+07:00",
                                                       "fingerprint": fingerprint, "reason": ""}})
    return Station(station.root)


def test_an_old_station_says_what_to_run_and_upgrade_carries_everything_over(tmp_path):
    station = _old_station(tmp_path)
    assert station.library.get("hop-dan").status == "unverified"
    result = CliRunner().invoke(cli, ["content", "approve", "hop-dan", "--by", SUPERVISOR], obj=station,
                                input=PASSPHRASE + "\n")
    assert result.exit_code == 2
    assert result.output.endswith("Error: Trần Văn Bình cannot sign: their record does not verify (made before "
                                  "keys: run 'broadcaster upgrade --admin NAME')\n")
    result = CliRunner().invoke(cli, ["upgrade", "--admin", SUPERVISOR], obj=Station(station.root),
                                input=PASSPHRASE + "\n")
    assert result.exit_code == 0, result.output
    upgraded = Station(station.root)
    assert f"the station's root of trust is {upgraded.users.admin_fingerprint()}" in result.output
    assert "Decisions carried over, signed by the admin: hop-dan\n" in result.output
    assert ('Lê Văn Cường needs a key: broadcaster user add "Lê Văn Cường" --role officer --admin "Trần Văn Bình" '
            "(with a new passphrase)") in result.output
    entry = upgraded.library.get("hop-dan")
    assert entry.approved and entry.decision.reason == \
        "carried over at the upgrade to keys: approved by Nguyễn Thị Lan"
    assert [h["action"] for h in upgraded.library.history("hop-dan")] == ["added", APPROVED]
    assert upgraded.station_key_path.exists()
    upgraded.users.add("Lê Văn Cường", "officer", "mật khẩu mới của Cường", NOW, (SUPERVISOR, PASSPHRASE))
    assert all(not p.reason for p in upgraded.users.people())
    again = CliRunner().invoke(cli, ["upgrade", "--admin", SUPERVISOR], obj=Station(station.root),
                               input=PASSPHRASE + "\n")
    assert again.exit_code == 0 and "Decisions carried over, signed by the admin: -\n" in again.output


def test_upgrade_checks_the_old_passphrase(tmp_path):
    station = _old_station(tmp_path)
    result = CliRunner().invoke(cli, ["upgrade", "--admin", SUPERVISOR], obj=station, input="sai mật khẩu\n")
    assert result.exit_code == 2
    assert result.output.endswith("Error: wrong passphrase for Trần Văn Bình\n")
    assert Station(station.root).users.admin_fingerprint() == ""
