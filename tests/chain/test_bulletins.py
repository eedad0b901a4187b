"""A station takes bulletins of the province: checked with the pinned hub key, kept in the library as
hub-<uid> approved by the province, placed on air by level, cancelled, updated, refused with a failed receipt."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from broadcaster.chain.pull import pull
from broadcaster.cli import cli
from broadcaster.content.library import APPROVED, RETIRED, UNVERIFIED
from broadcaster.errors import BroadcasterError, SpeechError
from broadcaster.playout.mailbox import Mailbox
from broadcaster.station import Station
from tests.chain.conftest import hubbed_station
from tests.helpers import run_lock_held
from tests.chain.hubdata import HUB, STRANGER, FakeHub, cancelled, sealed

ST = "xa-ea-tu"


def orders(station: Station) -> list[dict]:
    """The urgent orders waiting for `run`, oldest first."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((station.data_dir / "requests").glob("*.json"))]


def receipts(hub: FakeHub) -> list[tuple]:
    return [(r["delivery"], r["state"], r["reason"]) for r in hub.receipts]


@pytest.fixture
def running(station):
    """`run` holds the station's run lock (its mailbox is read)."""
    with run_lock_held(station) as mailbox:
        yield mailbox


def test_a_normal_bulletin_waits_in_the_library_approved_by_the_province(station, hub, now):
    hub.publish(sealed(ST, 1, "bao-13", now))
    (outcome,) = pull(station, hub, lambda: now)
    entry = Station(station.root).library.get("hub-bao-13")
    assert (entry.status, entry.approved_by, entry.from_hub, entry.announcement.author) == \
        (APPROVED, "Hùng", True, "Lan")
    assert entry.announcement.variants[0].text.startswith("Bão số 13")
    assert receipts(hub) == [(1, "delivered", "")] and orders(station) == []
    assert hub.state.bulletins()["after"] == 1
    # rendered ahead; the operator places it in a schedule, and the plan takes it
    assert station.renders.asset(entry.announcement.variants[0]) is not None
    (station.root / "schedules" / "lich.yaml").write_text(
        "outputs:\n  loa-xa: {file: data/loa-xa.wav}\nsessions:\n  - name: Sáng\n    start: '23:59'\n"
        "    output: loa-xa\n    items: [hub-bao-13]\n", encoding="utf-8")
    plan = Station(station.root).planner.plan(now.date(), now)
    assert [(a.announcement, a.approved_by) for a in plan.airings] == [("hub-bao-13", "Hùng")]
    listed = CliRunner().invoke(cli, ["--station", str(station.root), "content", "list", "--wide"])
    assert listed.exit_code == 0, listed.output
    assert "Hùng (province)" in listed.output


def test_a_priority_bulletin_goes_on_air_next_by_the_station_policy(tmp_path, now):
    station = hubbed_station(tmp_path / "xa", priority="wait:30")
    hub = FakeHub(station)
    mailbox = Mailbox(station.data_dir)
    mailbox.hold()
    try:
        hub.publish(sealed(ST, 1, "tiem-chung", now, level="priority", outputs=["xe-loa", "khong-co"]))
        pull(station, hub, lambda: now)
        (order,) = orders(station)
        assert (order["announcement"], order["level"], order["policy"], order["outputs"]) == \
            ("hub-tiem-chung", "priority", "wait:30", ["xe-loa"])
        assert station.playout.verified_order(order, now)["by"] == ""  # signed by the station, approved content
        assert receipts(hub) == [(1, "delivered", "")]
    finally:
        mailbox.release()


def test_an_emergency_bulletin_is_ordered_at_once_on_every_output(station, hub, now, running):
    hub.publish(sealed(ST, 1, "lu-quet", now, level="emergency"))
    (outcome,) = pull(station, hub, lambda: now)
    (order,) = orders(station)
    assert (order["level"], order["policy"], order["outputs"]) == ("emergency", "now", ["loa-xa", "xe-loa"])
    assert outcome.done == "sent on air"


def test_an_emergency_waits_for_run_and_then_airs(station, hub, now):
    hub.publish(sealed(ST, 1, "lu-quet", now, level="emergency"))
    pull(station, hub, lambda: now)
    assert orders(station) == [] and hub.state.bulletins()["waiting"] == ["lu-quet"]
    mailbox = Mailbox(station.data_dir)
    mailbox.hold()
    try:
        pull(station, hub, lambda: now)
    finally:
        mailbox.release()
    assert [o["announcement"] for o in orders(station)] == ["hub-lu-quet"]
    assert hub.state.bulletins()["waiting"] == []


def test_an_emergency_for_outputs_the_station_lacks_is_refused(station, hub, now, running):
    hub.publish(sealed(ST, 1, "lu-quet", now, level="emergency", outputs=["thon-9"]))
    pull(station, hub, lambda: now)
    assert receipts(hub) == [(1, "failed", "none of the outputs it names is at this station: thon-9")]
    assert station.library.find("hub-lu-quet") is None and orders(station) == []


def test_a_drill_airs_only_in_drill_mode(tmp_path, now):
    plain = hubbed_station(tmp_path / "a")
    hub = FakeHub(plain)
    hub.publish(sealed(ST, 1, "dien-tap", now, drill=True))
    pull(plain, hub, lambda: now)
    assert receipts(hub) == [(1, "failed", "not in drill mode")] and plain.library.find("hub-dien-tap") is None
    drilling = hubbed_station(tmp_path / "b", drill=True)
    hub = FakeHub(drilling)
    hub.publish(sealed(ST, 1, "dien-tap", now, drill=True))
    pull(drilling, hub, lambda: now)
    assert receipts(hub) == [(1, "delivered", "")] and drilling.library.get("hub-dien-tap").approved


def test_an_expired_bulletin_is_refused(station, hub, now):
    hub.publish(sealed(ST, 1, "cu", now, valid_from=(now - dt.timedelta(days=2)).isoformat(),
                       valid_until=(now - dt.timedelta(minutes=1)).isoformat()))
    pull(station, hub, lambda: now)
    ((number, state, reason),) = receipts(hub)
    assert (number, state) == (1, "failed") and reason.startswith("expired at ")
    assert station.library.find("hub-cu") is None


@pytest.mark.parametrize("envelope, reason", [
    (lambda now: sealed(ST, 1, "gia", now, hub=STRANGER), "is not signed by the hub this station joined"),
    (lambda now: sealed("xa-khac", 1, "gia", now), "is not for this station"),
    (lambda now: sealed(ST, 1, "gia", now, writer=STRANGER), "does not vouch for as officer"),
])
def test_a_forged_or_misdirected_envelope_is_refused_and_nothing_is_kept(station, hub, now, running, envelope,
                                                                          reason):
    hub.publish(envelope(now))
    pull(station, hub, lambda: now)
    ((number, state, said),) = receipts(hub)
    assert (number, state) == (1, "failed") and reason in said
    assert station.library.ids() == [] and orders(station) == []


def clip_bytes() -> bytes:
    out = io.BytesIO()
    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(44100 * 2) / 44100)
    soundfile.write(out, tone.astype(np.float32), 44100, format="WAV")
    return out.getvalue()


def test_a_clip_is_fetched_and_checked_against_its_hash(station, hub, now):
    data = clip_bytes()
    hub.clips["am-thanh"] = data
    hub.clips["sai"] = data + b"x"
    hub.publish(sealed(ST, 1, "am-thanh", now, text="", clip_sha256=hashlib.sha256(data).hexdigest(),
                       clip_format="wav"),
                sealed(ST, 2, "sai", now, text="", clip_sha256=hashlib.sha256(data).hexdigest(), clip_format="wav"))
    pull(station, hub, lambda: now)
    assert receipts(hub) == [(1, "delivered", ""), (2, "failed", "the clip from the hub does not match its hash")]
    entry = station.library.get("hub-am-thanh")
    assert entry.approved and entry.announcement.variants[0].clip_sha256 == hashlib.sha256(data).hexdigest()
    assert station.library.find("hub-sai") is None


def test_a_render_failure_is_a_failed_receipt_with_the_reason(station, hub, now, monkeypatch):
    def broken_engine(variant):
        raise SpeechError("espeak-ng failed: exit 1")
    monkeypatch.setattr(station.renders, "render_all", broken_engine)
    hub.publish(sealed(ST, 1, "bao-13", now))
    pull(station, hub, lambda: now)
    assert receipts(hub) == [(1, "failed", "it could not be rendered: espeak-ng failed: exit 1")]
    assert station.library.find("hub-bao-13") is None


def test_a_cancel_withdraws_what_has_not_aired(station, hub, now, running):
    hub.publish(sealed(ST, 1, "lu-quet", now, level="priority"))
    pull(station, hub, lambda: now)
    (order,) = orders(station)
    airing = station.playout.urgent_airings(station.playout.verified_order(order, now), "loa-xa", now, 0)[0]
    assert station.planner.gate(airing, now) is None
    hub.publish(cancelled(ST, 2, "lu-quet", now))
    pull(station, hub, lambda: now)
    entry = Station(station.root).library.get("hub-lu-quet")
    assert (entry.status, entry.decision.by) == (RETIRED, "Hùng") and not entry.doubt
    assert Station(station.root).planner.gate(airing, now) == "no longer approved (retired)"
    assert receipts(hub) == [(1, "delivered", ""), (2, "delivered", "")]


def test_an_update_supersedes_the_earlier_bulletin(station, hub, now):
    hub.publish(sealed(ST, 1, "bao-13", now))
    pull(station, hub, lambda: now)
    hub.publish(sealed(ST, 2, "bao-13-b", now, text="Bão số 13 đã suy yếu.", replaces="bao-13"))
    pull(station, hub, lambda: now)
    library = Station(station.root).library
    assert library.get("hub-bao-13").status == RETIRED and not library.get("hub-bao-13").doubt
    assert library.get("hub-bao-13-b").approved


def test_weeks_offline_catch_up_once_and_a_bulletin_withdrawn_since_does_not_air(station, hub, now, running):
    hub.down = True
    hub.publish(sealed(ST, 1, "a", now), sealed(ST, 2, "khan", now, level="emergency"), cancelled(ST, 3, "khan", now),
                sealed(ST, 4, "b", now, level="emergency"))
    with pytest.raises(BroadcasterError, match="cannot be reached"):
        pull(station, hub, lambda: now)
    assert hub.state.bulletins()["after"] == 0 and station.library.ids() == []
    hub.down = False
    pull(station, hub, lambda: now)
    assert [o["announcement"] for o in orders(station)] == ["hub-b"]
    assert [r[:2] for r in receipts(hub)] == [(1, "delivered"), (2, "delivered"), (3, "delivered"), (4, "delivered")]
    # The cursor lost (a restored state): everything is sent again, nothing is done twice.
    hub.state.update(lambda data: data["bulletins"].update(after=0))
    pull(station, hub, lambda: now)
    assert [o["announcement"] for o in orders(station)] == ["hub-b"]
    assert station.library.ids() == ["hub-a", "hub-b", "hub-khan"]


def test_receipts_are_kept_until_the_hub_takes_them(station, hub, now):
    hub.publish(sealed(ST, 1, "a", now))
    original = hub.call

    def refusing(method, path, body=b""):
        if "receipts" in path:
            hub.down = True
        try:
            return original(method, path, body)
        finally:
            hub.down = False
    hub.call = refusing
    with pytest.raises(BroadcasterError):
        pull(station, hub, lambda: now)
    assert [r["delivery"] for r in hub.state.bulletins()["receipts"]] == [1] and hub.receipts == []
    hub.call = original
    pull(station, hub, lambda: now)
    assert receipts(hub) == [(1, "delivered", "")] and hub.state.bulletins()["receipts"] == []


def edit_library(station: Station, ident: str, change) -> None:
    path = station.data_dir / "library.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(next(r for r in data["announcements"].values() if r["announcement"]["id"] == ident))
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_a_bulletin_whose_words_are_changed_in_the_library_no_longer_airs(station, hub, now):
    hub.publish(sealed(ST, 1, "bao-13", now))
    pull(station, hub, lambda: now)
    edit_library(station, "hub-bao-13",
                 lambda r: r["announcement"]["variants"][0].update(text="Tin giả: bà con sơ tán ngay."))
    entry = Station(station.root).library.get("hub-bao-13")
    assert (entry.status, entry.doubt) == (UNVERIFIED, "the announcement does not say what the province's bulletin "
                                                       "says")
    edit_library(station, "hub-bao-13", lambda r: r["decision"]["statement"]["bulletin"].update(
        text="Tin giả: bà con sơ tán ngay."))  # the envelope's words too
    entry = Station(station.root).library.get("hub-bao-13")
    assert entry.status == UNVERIFIED and entry.doubt.startswith("the bulletin from the hub does not verify")
    assert Station(station.root).planner.plan(now.date(), now).airings == ()


@pytest.mark.parametrize("answer, asked, took, pause", [
    ({"deliveries": [], "cursor": 0, "waited": False, "retry_after": 30}, 25, 0.01, 30.0),  # the hub had no room
    ({"deliveries": [], "cursor": 0, "waited": False, "retry_after": 10 ** 9}, 25, 0.01, 60.0),  # bounded
    ({"deliveries": [], "cursor": 0}, 25, 0.01, 5.0),     # answered at once though asked to wait: not in a loop
    ({"deliveries": [], "cursor": 0}, 25, 25.0, 0.0),     # waited its time: ask again at once
    ({"deliveries": [], "cursor": 0}, 0, 0.01, 0.0),      # a round by hand asks not to wait
])
def test_a_long_poll_that_did_not_wait_is_not_asked_again_at_once(answer, asked, took, pause):
    from broadcaster.chain.pull import pause_after

    assert pause_after(answer, asked, took) == pause


def test_pull_pauses_as_the_busy_hub_asks(station, hub, now):
    hub.call = lambda method, path, body=b"": {"deliveries": [], "cursor": 0, "waited": False, "retry_after": 30}
    paused = []
    assert pull(station, hub, lambda: now, 25, paused.append) == []
    assert paused == [30.0]


def test_station_yaml_edited_to_name_another_hub_makes_its_bulletins_unverified(station, hub, now):
    """Whoever can write station.yaml but not sign with the station key cannot put another hub's words on air."""
    from broadcaster.trust.keys import b64, public_raw

    hub.publish(sealed(ST, 1, "bao-13", now))
    pull(station, hub, lambda: now)
    path = station.root / "station.yaml"
    text = path.read_text(encoding="utf-8")
    forged = text.replace(b64(public_raw(HUB)), b64(public_raw(STRANGER)))
    assert forged != text
    path.write_text(forged, encoding="utf-8")
    entry = Station(station.root).library.get("hub-bao-13")
    assert entry.status == UNVERIFIED
    assert "is not the one this station joined" in entry.doubt
    result = CliRunner().invoke(cli, ["--lang", "en", "sync"], obj=Station(station.root))
    assert result.output.startswith(f"Error: {path}: the hub in station.yaml (http://127.0.0.1:9, key SHA256:")
    assert result.output.endswith("is not the one this station joined: its bulletins are not believed; join the "
                                  "hub again (broadcaster hub join HUB_URL CODE)\n")
    assert result.exit_code == 2
    path.write_text(text, encoding="utf-8")  # put back as it was: believed again
    assert Station(station.root).library.get("hub-bao-13").status == APPROVED
