"""The hub's bulletin commands through click, with their exact messages: people with passphrases, stations with
their areas, bulletins written, approved, cancelled, listed and followed."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.hub import utc_now
from broadcaster.hub.bulletins import bulletin_list
from broadcaster.hub.server import open_hub
from broadcaster.hub.users import unlock
from broadcaster.trust.keys import fingerprint, public_raw
from tests.hub.bulletindata import NOW, TEXT, passphrase, province


@pytest.fixture
def hub(one_pg_url, tmp_path):
    opened = open_hub(one_pg_url, tmp_path / "hub-data", NOW)
    province(opened.engine)
    opened.url = one_pg_url
    yield opened
    opened.engine.dispose()


def invoke(hub, args, input=None, env=None):
    return CliRunner().invoke(cli, ["--lang", "en", *args, "--db", hub.url, "--data", str(hub.data)], input=input,
                              env={"BROADCASTER_PASSPHRASE": None, "BROADCASTER_APPROVER_PASSPHRASE": None,
                                   **(env or {})})


def cells(line: str) -> list[str]:
    """The cells of a table's row, as the console draws it."""
    return [cell.strip() for cell in line.strip().strip("│").split("│")]


def as_(name: str, approver: str | None = None) -> dict:
    return {"BROADCASTER_PASSPHRASE": passphrase(name),
            **({"BROADCASTER_APPROVER_PASSPHRASE": passphrase(approver)} if approver else {})}


def test_people_get_a_passphrase_asked_twice_or_from_a_file(hub, tmp_path):
    added = invoke(hub, ["hub", "user", "add", "binh", "--level", "commune", "--area", "24614", "--role", "officer"],
                   input="mật khẩu của bình\nmật khẩu của bình\n")
    assert added.exit_code == 0, added.output
    key = public_raw(unlock(hub.engine, "binh", "mật khẩu của bình", NOW).key)
    assert added.output.splitlines()[-1] == f"binh added; their key is {fingerprint(key)}"
    assert "mật khẩu" not in added.output   # never echoed
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu mới của bình\n", encoding="utf-8")
    changed = invoke(hub, ["hub", "user", "passphrase", "binh", "--passphrase-file", str(secret)])
    assert changed.exit_code == 0, changed.output
    new = public_raw(unlock(hub.engine, "binh", "mật khẩu mới của bình", NOW).key)
    assert changed.output == f"binh has a new passphrase; their key is {fingerprint(new)}\n"
    short = tmp_path / "short.txt"
    short.write_text("ngắn\n", encoding="utf-8")
    refused = invoke(hub, ["hub", "user", "add", "an", "--level", "commune", "--area", "24614", "--role", "officer",
                           "--passphrase-file", str(short)])
    assert (refused.exit_code, refused.output) == (2, "Error: the passphrase must have at least 8 characters\n")
    unknown = invoke(hub, ["hub", "user", "passphrase", "minh", "--passphrase-file", str(secret)])
    assert (unknown.exit_code, unknown.output) == (2, "Error: minh is not a user of the hub\n")
    taken = invoke(hub, ["hub", "user", "add", "lan", "--level", "province", "--area", "66", "--role", "viewer"])
    assert (taken.exit_code, taken.output) == (2, "Error: lan is already a user of the hub\n")  # before any prompt


def test_stations_get_a_name_an_area_and_drill_mode(hub):
    enrolled = invoke(hub, ["hub", "enrol", "xa-cu-pui", "--name", "Xã Cư Pui", "--area", "24640", "--district",
                            "650", "--drill"])
    assert enrolled.exit_code == 0, enrolled.output
    changed = invoke(hub, ["hub", "station", "set", "xa-cu-pui", "--no-drill", "--district", ""])
    assert (changed.exit_code, changed.output) == \
        (0, "xa-cu-pui: Xã Cư Pui, commune 24640, district -, drill mode off\n")
    bad = invoke(hub, ["hub", "station", "set", "xa-cu-pui", "--area", "246"])
    assert (bad.exit_code, bad.output) == (2, "Error: '246' is not a commune's code (5 digits, such as 24611)\n")
    bad = invoke(hub, ["hub", "enrol", "xa-moi", "--district", "6500"])
    assert (bad.exit_code, bad.output) == (2, "Error: '6500' is not a district's code (3 digits, such as 643)\n")
    unknown = invoke(hub, ["hub", "station", "set", "xa-z", "--drill"])
    assert (unknown.exit_code, unknown.output) == (2, "Error: no station 'xa-z' is enrolled at this hub\n")


def test_a_bulletin_written_approved_followed_and_cancelled(hub, tmp_path):
    text = tmp_path / "bao.txt"
    text.write_text(TEXT + "\n", encoding="utf-8")
    added = invoke(hub, ["hub", "bulletin", "add", "--title", "Cảnh báo bão số 13", "--text-file", str(text),
                         "--level", "priority", "--to", "643", "--by", "mai"], env=as_("mai"))
    uid = f"643-{utc_now():%Y%m%d}-1"
    assert (added.exit_code, added.output) == (0, f"bulletin {uid} written by mai; it waits for another person's "
                                                  f"approval (broadcaster hub bulletin approve {uid} --by NAME)\n")
    own = invoke(hub, ["hub", "bulletin", "approve", uid, "--by", "mai"], env=as_("mai"))
    assert (own.exit_code, own.output) == (2, f"Error: mai wrote bulletin {uid}: another person must approve it\n")
    wrong = invoke(hub, ["hub", "bulletin", "approve", uid, "--by", "hung"], env=as_("lan"))
    assert (wrong.exit_code, wrong.output) == (2, "Error: wrong passphrase for hung\n")
    approved = invoke(hub, ["hub", "bulletin", "approve", uid, "--by", "hung"], env=as_("hung"))
    assert (approved.exit_code, approved.output) == (0, f"bulletin {uid} approved by hung: sent to 2 stations\n")
    listed = invoke(hub, ["hub", "bulletin", "list"])
    assert listed.exit_code == 0, listed.output
    (row,) = [cells(line) for line in listed.output.splitlines() if uid in line]
    assert row == [uid, "priority", "Cảnh báo bão số 13", "approved", "mai", "hung", "2"]
    status = invoke(hub, ["hub", "bulletin", "status", uid])
    assert status.exit_code == 0, status.output
    assert status.output.splitlines()[0] == f"bulletin {uid} (priority): Cảnh báo bão số 13; approved"
    rows = [cells(line) for line in status.output.splitlines() if line.lstrip("│ ").startswith("xa-")]
    assert [row[:4] for row in rows] == [["xa-ea-tu", "Xã Ea Tu", "bulletin", "accepted"],
                                         ["xa-hoa-thang", "Xã Hòa Thắng", "bulletin", "accepted"]]
    cancelled = invoke(hub, ["hub", "bulletin", "cancel", uid, "--by", "hung"], env=as_("hung"))
    assert (cancelled.exit_code, cancelled.output) == \
        (0, f"bulletin {uid} cancelled by hung: 2 stations told to withdraw it\n")


def test_an_emergency_issued_and_approved_in_one_command(hub, tmp_path):
    clip = tmp_path / "canh-bao.wav"
    seconds = np.arange(0, 2.0, 1 / 16000)
    soundfile.write(clip, (0.3 * np.sin(2 * np.pi * 440 * seconds)).astype("float32"), 16000)
    done = invoke(hub, ["hub", "bulletin", "add", "--title", "Lũ quét", "--clip", str(clip), "--level", "emergency",
                        "--by", "lan", "--approve-by", "hung", "--valid-until", "90m"], env=as_("lan", "hung"))
    assert (done.exit_code, done.output) == \
        (0, f"bulletin 66-{utc_now():%Y%m%d}-1 written by lan and approved by hung: sent to 3 stations\n")
    same = invoke(hub, ["hub", "bulletin", "add", "--title", "Lũ quét", "--text", "Sơ tán ngay", "--level",
                        "emergency", "--by", "lan", "--approve-by", "lan"], env=as_("lan", "lan"))
    assert (same.exit_code, same.output) == (2, "Error: lan cannot approve a bulletin they write: another person "
                                                "must approve it\n")
    no_role = invoke(hub, ["hub", "bulletin", "add", "--title", "Lũ quét", "--text", "Sơ tán ngay", "--level",
                           "emergency", "--by", "lan", "--approve-by", "tho"], env=as_("lan", "tho"))
    assert no_role.exit_code == 2
    with hub.engine.connect() as db:   # neither refusal left a bulletin waiting
        assert [b.uid for b in bulletin_list(db, utc_now())] == [f"66-{utc_now():%Y%m%d}-1"]


def test_bad_bulletins_are_one_line_and_change_nothing(hub, tmp_path):
    junk = tmp_path / "junk.wav"
    junk.write_bytes(bytes(range(256)) * 20)
    cases = [
        (["--text", "Sơ tán", "--clip", str(junk)], {}, "Error: give one of --text, --text-file and --clip"),
        (["--clip", str(junk)], {}, f"Error: {junk}: not a readable audio clip (Invalid data found when processing "
                                    "input)"),
        (["--text", "Sơ tán", "--to", "xa-z"], {}, "Error: no station 'xa-z' is enrolled at this hub"),
        (["--text", "Sơ tán", "--valid-until", "mai"], {},
         "Error: Invalid value for '--valid-until': 'mai' is neither a date and time with its zone "
         "(2026-12-05T18:00+07:00) nor a length such as 90m, 6h or 2d"),
        (["--text", "Sơ tán"], {"BROADCASTER_PASSPHRASE": "sai"}, "Error: wrong passphrase for lan"),
    ]
    for args, env, message in cases:
        result = invoke(hub, ["hub", "bulletin", "add", "--title", "Lũ", "--by", "lan", *args], env=env or as_("lan"))
        assert result.exit_code == 2, (args, result.output)
        assert result.output.splitlines()[-1] == message
    for _ in range(4):
        invoke(hub, ["hub", "bulletin", "add", "--title", "Lũ", "--text", "x", "--by", "lan"],
               env={"BROADCASTER_PASSPHRASE": "sai"})
    locked = invoke(hub, ["hub", "bulletin", "add", "--title", "Lũ", "--text", "Sơ tán", "--by", "lan"],
                    env=as_("lan"))
    assert locked.exit_code == 2
    assert locked.output.startswith("Error: lan gave a wrong passphrase 5 times: locked until ")
    unknown = invoke(hub, ["hub", "bulletin", "status", "66-20261204-9"])
    assert (unknown.exit_code, unknown.output) == (2, "Error: no bulletin '66-20261204-9' at this hub\n")
    listed = invoke(hub, ["hub", "bulletin", "list"])
    assert "66-" not in listed.output


def test_a_hub_key_of_another_folder_signs_nothing(hub, tmp_path):
    result = CliRunner().invoke(cli, ["--lang", "en", "hub", "bulletin", "approve", "66-20261204-1", "--by", "hung",
                                      "--db", hub.url, "--data", str(tmp_path / "other")], env=as_("hung"))
    assert result.exit_code == 1
    assert result.output == f"Error: the hub key in {tmp_path / 'other'} is not the key of the hub serving this " \
                            "database; give that hub's data folder (--data)\n"
    assert not (tmp_path / "other" / "hub-key.pem").exists()
