"""A station changes its key (the hub revoked the stolen one): the log hands its chain over to the new key,
what the old key sealed stays verified, a change cut off is finished, and a forged hand-over is found."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from broadcaster import key_change
from broadcaster.airing_log import AiringLog
from broadcaster.errors import InputError, StorageError
from broadcaster.log_bundles import read_bundle
from broadcaster.log_chain import (KEY_HANDOVER, Located, check_chain, handover_fields, record_hash,
                                   record_signature)
from broadcaster.station import Station
from broadcaster.trust.keys import b64, fingerprint, new_key, public_raw
from tests.helpers import approved_station, run_lock_held
from tests.hub.stationdata import fill_log, new_station, varied_events
from tests.logdata import StepClock, at

NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _fingerprint(station: Station) -> str:
    return fingerprint(public_raw(station.station_key))


def test_a_key_change_hands_the_log_over_and_keeps_what_the_old_key_sealed(station_dir):
    station = approved_station(station_dir, ("gioi-thieu",))
    fill_log(station, varied_events(2, 3))
    station.renders.signals.seal({"audio/chuong.wav": "ab" * 32}, "")
    rendered = sorted(station.cache.folder.glob("*.wav"))
    assert rendered and all(station.cache.tampered(str(p)) == "" for p in rendered)
    old = _fingerprint(station)

    key = key_change.next_key(station)
    # A second try (the first one cut off) joins with the same key, read again from its file.
    assert fingerprint(public_raw(key_change.next_key(station))) == fingerprint(public_raw(key))
    assert key_change.finish(station) is None  # not taken by the hub yet: never changed to
    key_change.taken(station)
    done = key_change.finish(station)

    again = Station(station_dir)
    assert done == _fingerprint(again) == fingerprint(public_raw(key)) != old
    assert not key_change.pending_path(again).exists()
    assert key_change.finish(again) is None  # nothing waits any more
    assert all(again.cache.tampered(str(p)) == "" for p in rendered)
    assert again.renders.signals.check("audio/chuong.wav", "ab" * 32) == ""
    records = [x.record for x in again.airing_log.own_records()]
    handover = records[-1]
    assert (handover["kind"], handover["seq"]) == (KEY_HANDOVER, 7)
    assert (fingerprint(_raw(handover["old_key"])), fingerprint(_raw(handover["new_key"]))) == (old, done)
    again.airing_log.record("audit", action="test")
    assert [c.problem for c in again.airing_log.verify()] == [None]


def _raw(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


def test_a_change_cut_off_after_the_hand_over_is_finished_and_nothing_is_signed_with_the_old_key(tmp_path):
    station = new_station(tmp_path / "xa-a", "xa-a")
    fill_log(station, varied_events(1, 2))
    new = key_change.next_key(station)
    key_change.taken(station)
    station.airing_log.hand_over(new)  # then the power went: station.pem is still the old key
    other = Station(station.root)      # another program, started before the change was finished
    with pytest.raises(StorageError, match="the log is handed over to the station key .*: start broadcaster run "
                                           "to finish the key change"):
        other.airing_log.record("audit", action="test")
    assert key_change.finish(Station(station.root)) == fingerprint(public_raw(new))
    other.airing_log.record("audit", action="test")  # it reads the key again: signed by the new one
    assert [c.problem for c in Station(station.root).airing_log.verify()] == [None]


def test_a_program_running_through_the_change_signs_with_the_new_key(tmp_path):
    running = new_station(tmp_path / "xa-a", "xa-a")
    fill_log(running, varied_events(1, 2))
    running.airing_log.record("audit", action="before")
    key_change.next_key(Station(running.root))
    key_change.taken(Station(running.root))
    key_change.finish(Station(running.root))
    running.airing_log.record("audit", action="after")  # its old key was read before the change
    checks = Station(running.root).airing_log.verify()
    assert [(c.problem, c.records) for c in checks] == [(None, 5)]


def _log_with_handover(tmp_path) -> tuple[AiringLog, list[dict]]:
    """A log of three records: one signed by its first key (kept as ``log.old``), the hand-over, one more."""
    log = AiringLog(tmp_path / "log", station="xa-a", clock=StepClock(at(3)), key=new_key())
    log.old = log.key
    log.record("audit", action="one")
    log.hand_over(new_key())
    log.record("audit", action="two")
    return log, [x.record for x in log.own_records()]


def _resigned(record: dict, key, **changes) -> dict:
    """``record`` with ``changes``, its hash and signature made again with ``key`` (a forger's own key)."""
    forged = {k: v for k, v in record.items() if k not in ("hash", "sig")} | changes
    forged["hash"] = record_hash(forged)
    return forged | {"sig": record_signature(key, forged["hash"])}


def _check(log: AiringLog, records: list[dict], public: bytes):
    return check_chain([Located(r, log.store.path) for r in records], "xa-a", public=public)


def test_a_hand_over_the_old_key_did_not_endorse_is_forged(tmp_path):
    log, records = _log_with_handover(tmp_path)
    assert _check(log, records, log.public_key).intact
    thief = new_key()   # took the station's folder but never had its key: hands over to a key of their own
    fields = handover_fields(thief, public_raw(thief), "xa-a", records[0]["hash"])
    forged = _resigned(records[1], thief, **fields)
    check = _check(log, [records[0], forged], public_raw(thief))
    # Its hand-over names the thief's key as the old one: the records before it are not the thief's.
    assert check.problem == "record 1 (audit at 2026-11-03 05:30) is not signed by the station's key: it was " \
                            "forged or altered"
    forged = _resigned(records[1], log.key, endorsement=fields["endorsement"])  # old key named, not endorsing
    nexts = _resigned(records[2], log.key, prev=forged["hash"])
    assert _check(log, [records[0], forged, nexts], log.public_key).problem == \
        "record 2 hands the station's key over without the old key's endorsement: it was forged"


def test_records_before_a_hand_over_cannot_be_rewritten_with_the_new_key(tmp_path):
    log, records = _log_with_handover(tmp_path)
    rewritten = _resigned(records[0], log.key, action="rewritten")
    check = _check(log, [rewritten, *records[1:]], log.public_key)
    assert check.problem == "record 1 (audit at 2026-11-03 05:30) is not signed by the station's key: it was " \
                            "forged or altered"
    rewritten = _resigned(records[0], log.old, action="rewritten")  # nor with the old key: the hand-over binds it
    assert _check(log, [rewritten, *records[1:]], log.public_key).problem == \
        "record 1 was altered: record 2 holds another hash for it"
    assert _check(log, records, public_raw(new_key())).problem.startswith(
        "the last key hand-over (record 2) is to key ")


def test_bundles_across_a_key_change_import_and_pin_the_new_key(tmp_path):
    station = new_station(tmp_path / "xa-a", "xa-a")
    fill_log(station, varied_events(2, 2))
    supervisor = AiringLog(tmp_path / "huyen", station="huyen", clock=StepClock(at(9)), key=new_key())
    before = tmp_path / "before.json"
    station.airing_log.export(*NOV, before)
    assert supervisor.import_bundles([before]).pinned == {"xa-a": _fingerprint(station)}

    key_change.next_key(station)
    key_change.taken(station)
    new = key_change.finish(station)
    station = Station(station.root)
    station.airing_log.clock = StepClock(at(5))
    station.airing_log.record("audit", action="after")
    old_days = tmp_path / "old-days.json"
    station.airing_log.export(dt.date(2026, 11, 1), dt.date(2026, 11, 1), old_days)
    (chain,) = read_bundle(old_days)[1]
    assert fingerprint(chain.public_key) != new  # the key that signed those days, not today's
    after = tmp_path / "after.json"
    station.airing_log.export(*NOV, after)
    with pytest.raises(InputError) as refused:  # never re-pinned on the bundle's word: a thief can hand over too
        supervisor.import_bundles([after])
    assert refused.value.message == f"xa-a handed its key over from the key pinned for it to key {new}; nothing " \
                                    f"was imported: if the station says its key is now {new}, pin it (broadcaster " \
                                    f"log pin xa-a {new}) and import again"
    assert station.airing_log.import_bundles([before]).new == {"xa-a": 0}  # its own, from before: still its own
    supervisor.pin("xa-a", new)   # as the station (or the hub) tells it
    result = supervisor.import_bundles([after])
    assert (result.new, fingerprint(supervisor.pins()["xa-a"])) == ({"xa-a": 2}, new)
    assert {c.station: c.problem for c in supervisor.verify()} == {"huyen": None, "xa-a": None}


def test_joining_with_a_new_key_is_refused_while_run_runs(tmp_path):
    from broadcaster.chain.sync import join_hub
    from broadcaster.errors import BroadcasterError

    station = new_station(tmp_path / "xa-a", "xa-a")
    with run_lock_held(station), pytest.raises(BroadcasterError, match="stop broadcaster run before the station "
                                                                        "changes its key"):
        join_hub(station, "http://127.0.0.1:9", "AAAA-BBBB-CCCC-DDDD", new_key=True)
    assert not key_change.pending_path(station).exists()


class _LinkDropsAtJoin:
    """A session whose link to the hub drops after the hub's key was fetched, as the join is sent."""

    def __init__(self, hub_key: bytes):
        self.hub_key = hub_key

    def get(self, url, timeout):
        import requests

        answer = requests.Response()
        answer.status_code, answer._content = 200, json.dumps({"public_key": b64(self.hub_key)}).encode()
        return answer

    def post(self, url, data, timeout, headers):
        import requests

        raise requests.ConnectionError("the 4G link dropped")


def test_a_join_that_does_not_reach_the_hub_keeps_the_key(tmp_path):
    from broadcaster.chain.client import HubError
    from broadcaster.chain.sync import join_hub

    station = new_station(tmp_path / "xa-a", "xa-a")
    before = _fingerprint(station)
    with pytest.raises(HubError, match="cannot be reached: ConnectionError"):
        join_hub(station, "http://127.0.0.1:9", "AAAA-BBBB-CCCC-DDDD", session=_LinkDropsAtJoin(public_raw(new_key())),
                 new_key=True)
    assert not key_change.pending_path(station).exists()
    assert _fingerprint(Station(station.root)) == before and Station(station.root).config.hub is None
