"""The tamper corpus for decisions: an edit of the library's JSON approves nothing, and what does not verify
never airs; an approval covers what is said, not how it is processed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.content.library import APPROVED
from broadcaster.errors import InputError
from broadcaster.playout.priority import DEFAULT_POLICY, PRIORITY
from broadcaster.station import Station
from broadcaster.trust import keys, statements
from tests.helpers import NOW, SUPERVISOR, approved_station, write_schedule

IDS = ("gioi-thieu", "khau-hieu-5k")


def _library(station: Station) -> tuple[dict, dict]:
    data = json.loads((station.data_dir / "library.json").read_text(encoding="utf-8"))
    return data, {r["announcement"]["id"]: r for r in data["announcements"].values()}


def _save(station: Station, data: dict) -> None:
    (station.data_dir / "library.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _aired_ids(station: Station) -> set[str]:
    return {a.announcement for a in Station(station.root).planner.plan(NOW.date(), NOW).airings}


@pytest.fixture
def station(station_dir) -> Station:
    station = approved_station(station_dir, IDS)
    write_schedule(station_dir, "23:00", list(IDS))
    return station


def test_an_approval_written_into_the_json_in_a_supervisors_name_does_not_verify(station):
    forged = dict(_library(station)[1]["gioi-thieu"]["decision"])
    station.content.add_file(station.root / "scripts_text" / "thong-diep-5k.md", NOW)
    data, records = _library(station)
    target = records["thong-diep-5k"]
    target["decision"] = {**forged, "fingerprint": station.library.get("thong-diep-5k").fingerprint,
                          "statement": None}
    _save(station, data)
    entry = Station(station.root).library.get("thong-diep-5k")
    assert (entry.status, entry.approved, entry.doubt) == ("unverified", False, "it is not signed")
    write_schedule(station.root, "23:00", ["thong-diep-5k", *IDS])
    assert _aired_ids(station) == set(IDS)


@pytest.mark.parametrize("field, value", [
    ("action", "retired"), ("by", "Nguyễn Văn Khác"), ("at", "2020-01-01T00:00:00+07:00"),
    ("fingerprint", "0" * 64), ("reason", "sửa"), ("statement", None)])
def test_an_edit_of_any_field_of_a_decision_leaves_it_unverified_and_off_air(station, field, value):
    data, records = _library(station)
    records["gioi-thieu"]["decision"][field] = value
    _save(station, data)
    entry = Station(station.root).library.get("gioi-thieu")
    assert not entry.approved and entry.status == "unverified", entry
    assert _aired_ids(station) == {"khau-hieu-5k"}


@pytest.mark.parametrize("field", ["action", "by", "fingerprint", "id", "kind", "at", "reason"])
def test_an_edit_inside_the_signed_statement_breaks_its_signature(station, field):
    data, records = _library(station)
    records["gioi-thieu"]["decision"]["statement"][field] = "khac"
    _save(station, data)
    entry = Station(station.root).library.get("gioi-thieu")
    assert entry.doubt == "its signature does not match what it says"
    assert "gioi-thieu" not in _aired_ids(station)


def test_a_decision_signed_with_a_key_of_no_person_is_unverified(station):
    data, records = _library(station)
    decision = records["gioi-thieu"]["decision"]
    body = {k: v for k, v in decision["statement"].items() if k not in (statements.SIGNER, statements.SIGNATURE)}
    decision["statement"] = statements.signed(body, keys.new_key())
    _save(station, data)
    assert Station(station.root).library.get("gioi-thieu").doubt == \
        "it is signed by a key that is not a person of this station"


@pytest.mark.parametrize("field, value", [("title", "Tiêu đề khác"), ("topic", "policy"), ("author", "Người Khác")])
def test_an_approval_covers_title_topic_and_author(station, field, value):
    (station.root / "scripts_text" / "gioi-thieu.md").unlink()  # else a sync puts its words back
    data, records = _library(station)
    records["gioi-thieu"]["announcement"][field] = value
    _save(station, data)
    assert Station(station.root).library.get("gioi-thieu").status == "changed since approval"
    assert "gioi-thieu" not in _aired_ids(station)


def test_a_change_of_processing_keeps_approvals_and_plan_says_what_to_do(station):
    path = station.root / "station.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("# pad_s: 0.3", "pad_s: 0.3"), encoding="utf-8")
    fresh = Station(station.root)
    assert all(fresh.library.get(i).approved for i in IDS)
    result = CliRunner().invoke(cli, ["plan", "--date", NOW.date().isoformat()], obj=fresh)
    assert result.exit_code == 1
    assert "not rendered yet: run 'broadcaster render'" in result.output
    assert result.output.splitlines()[-1].startswith("NOT ON AIR: 2 planned item(s) will not air")
    for ident in IDS:
        for variant in fresh.library.get(ident).announcement.variants:
            fresh.renders.render(variant)
    result = CliRunner().invoke(cli, ["schedule", "check", "--date", NOW.date().isoformat()], obj=Station(station.root))
    assert result.exit_code == 0, result.output
    assert _aired_ids(station) == set(IDS)


def test_decide_signs_with_the_supervisors_key(station):
    decision = station.library.get("gioi-thieu").decision
    assert decision.action == APPROVED and statements.check(decision.statement)
    assert decision.statement[statements.SIGNER] in station.users.trusted()


def test_a_rendered_wav_swapped_on_disk_never_goes_to_a_device(station):
    plan = Station(station.root).planner.plan(NOW.date(), NOW)
    airing = next(a for a in plan.airings if a.announcement == "gioi-thieu")
    assert station.planner.gate(airing, NOW) is None
    other = next(a for a in plan.airings if a.announcement == "khau-hieu-5k")
    Path(airing.asset_path).write_bytes(Path(other.asset_path).read_bytes())  # approved audio, wrong words
    assert station.planner.gate(airing, NOW) == \
        "its rendered audio was changed on disk: render it again ('broadcaster render')"


def test_a_rendered_description_resealed_by_another_key_is_refused(station):
    plan = Station(station.root).planner.plan(NOW.date(), NOW)
    airing = next(a for a in plan.airings if a.announcement == "gioi-thieu")
    meta = Path(airing.asset_path).with_suffix(".json")
    description = json.loads(meta.read_text(encoding="utf-8"))
    description["sha256"] = "0" * 64
    meta.write_text(json.dumps(description), encoding="utf-8")
    assert station.planner.gate(airing, NOW) == \
        "the seal of its rendered audio does not verify: render it again ('broadcaster render')"


def _order(station: Station, **changes) -> dict:
    request = station.playout.urgent_request("gioi-thieu", [], PRIORITY, DEFAULT_POLICY[PRIORITY], None, None, "", "", "",
                                     NOW)
    return {**request, "id": "x", "sent": NOW.isoformat(), **changes}


def test_an_urgent_order_signed_by_the_station_verifies(station):
    order = station.playout.verified_order(_order(station), NOW)
    assert (order["announcement"], order["id"]) == ("gioi-thieu", "x")


@pytest.mark.parametrize("change, reason", [
    ({"signature": "AAAA"}, "the urgent order does not verify: its signature does not match what it says"),
    ({"announcement": "thong-diep-5k"}, "the urgent order does not verify: its signature does not match what it says"),
    ({"before_approval": True}, "the urgent order does not verify: its signature does not match what it says"),
    ({"by": SUPERVISOR}, "the urgent order does not verify: its signature does not match what it says"),
])
def test_an_edited_urgent_order_airs_nothing(station, change, reason):
    with pytest.raises(InputError) as err:
        station.playout.verified_order(_order(station, **change), NOW)
    assert err.value.message == reason


def test_a_request_file_with_no_signature_airs_nothing(station):
    dropped = {"announcement": "thong-diep-5k", "outputs": ["loa-xa"], "level": "emergency", "by": SUPERVISOR,
               "reason": "khẩn", "before_approval": True, "policy": "interrupt", "fingerprint": "x", "id": "y"}
    with pytest.raises(InputError, match="the urgent order does not verify: it is not signed"):
        station.playout.verified_order(dropped, NOW)
    for junk in ([], "chuỗi", 3, None):
        with pytest.raises(InputError, match="it is not signed"):
            station.playout.verified_order(junk, NOW)


def test_an_emergency_order_in_a_supervisors_name_signed_by_the_station_is_refused(station):
    order = {k: v for k, v in _order(station).items() if k not in ("signer", "signature", "id", "sent")}
    forged = statements.signed({**order, "by": SUPERVISOR, "before_approval": True}, station.station_key)
    with pytest.raises(InputError, match="not signed by a person of this station who may order it"):
        station.playout.verified_order(forged, NOW)


def test_an_old_order_copied_back_airs_nothing(station):
    with pytest.raises(InputError, match="is not a fresh order"):
        station.playout.verified_order(_order(station), NOW + dt.timedelta(hours=1))
