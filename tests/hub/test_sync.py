"""Stations and the hub over real HTTP and a real PostgreSQL: joining, pushing logs, refusals, reports."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest
import requests
from sqlalchemy import func, select, text

from broadcaster.chain.client import HubClient, HubError
from broadcaster.chain.sync import client_for, join_hub, push_log, sync_round
from broadcaster.hub import stations, utc_now
from broadcaster.hub.protocol import (API, COUNTER_HEADER, HUB_SIGNATURE_HEADER, SIGNATURE_HEADER, STATION_HEADER,
                                      request_message)
from broadcaster.hub.ingest import ingest_heartbeat
from broadcaster.hub.reports import hub_report
from broadcaster.hub.schema import airing_daily, heartbeats, latest_heartbeats, log_records
from broadcaster.hub.schema import stations as station_rows
from broadcaster.hub.stations import RefusedError
from broadcaster.log_bundles import signed_bundle
from broadcaster.reports import build_report
from broadcaster.station import Station
from broadcaster.trust.keys import b64, fingerprint, public_raw, sign
from tests.hub.stationdata import fill_log, new_station, varied_events
from tests.logdata import at


def enrol(hub, station_id: str) -> str:
    with hub.engine.begin() as db:
        return stations.enrol(db, station_id, utc_now())


def joined(hub, tmp_path, station_id: str = "xa-a") -> Station:
    """A station that has joined ``hub``."""
    station = new_station(tmp_path / station_id, station_id)
    join_hub(station, hub.url, enrol(hub, station_id))
    return Station(station.root)  # station.yaml read again, with its hub


def held(hub, station_id: str) -> int:
    with hub.engine.connect() as db:
        return db.execute(select(func.count()).select_from(log_records)
                          .where(log_records.c.station == station_id)).scalar()


def test_join_pins_the_hub_and_registers_the_station(served_hub, tmp_path):
    station = new_station(tmp_path / "xa-a", "xa-a")
    code = enrol(served_hub, "xa-a")
    done = join_hub(station, served_hub.url, code, expect=fingerprint(public_raw(served_hub.key)))
    assert done.station_fingerprint == fingerprint(public_raw(station.station_key))
    config = Station(station.root).config.hub
    assert (config.url, config.public_key) == (served_hub.url, public_raw(served_hub.key))
    with served_hub.engine.connect() as db:
        (row,) = stations.station_list(db)
    assert (row.id, bytes(row.public_key), row.revoked_at) == ("xa-a", public_raw(station.station_key), None)
    with pytest.raises(HubError, match="already used"):  # one-time
        join_hub(station, served_hub.url, code)


def test_a_code_for_another_station_or_a_wrong_fingerprint_joins_nothing(served_hub, tmp_path):
    station = new_station(tmp_path / "xa-a", "xa-a")
    code = enrol(served_hub, "xa-b")
    with pytest.raises(HubError, match="not one the hub gave for xa-a"):
        join_hub(station, served_hub.url, code)
    before = (station.root / "station.yaml").read_bytes()
    with pytest.raises(HubError, match="this is not the hub you were told of"):
        join_hub(station, served_hub.url, enrol(served_hub, "xa-a"), expect=fingerprint(b"other"))
    assert (station.root / "station.yaml").read_bytes() == before
    assert Station(station.root).config.hub is None


def test_logs_pushed_twice_are_counted_once(served_hub, tmp_path):
    station = joined(served_hub, tmp_path)
    total = fill_log(station, varied_events(3, 6))
    first = sync_round(station, at(4))
    assert (first.sent, first.new, first.cursor) == (total, total, total)
    client = client_for(station)
    client.state.acknowledged(0)   # the station forgets what the hub acknowledged: it asks, sends nothing again
    again = sync_round(station, at(4))
    assert (again.sent, again.new, again.cursor) == (0, 0, total)
    # The same bundle sent twice, as a retry after a lost answer would: taken once.
    records = station.airing_log.records_after(0, 1000)
    log = station.airing_log
    bundle = signed_bundle({"exported_by": log.station, "chains": [
        {"station": log.station, "public_key": b64(log.public_key), "first": 1, "last": total,
         "head": records[-1]["hash"], "records": records}]}, log.key)
    assert client.call("POST", "/log", bundle)["new"] == 0
    assert client.call("POST", "/log", bundle)["new"] == 0
    assert held(served_hub, "xa-a") == total
    with served_hub.engine.connect() as db:
        rolled = db.execute(select(func.sum(airing_daily.c.airings))).scalar()
    assert rolled == sum(1 for r in records if r["kind"] == "airing")


def test_a_bundle_signed_by_another_station_is_refused(served_hub, tmp_path):
    station_a = joined(served_hub, tmp_path, "xa-a")
    station_b = joined(served_hub, tmp_path, "xa-b")
    fill_log(station_b, varied_events(1, 4))
    records = station_b.airing_log.records_after(0, 100)
    log_b = station_b.airing_log
    forged = signed_bundle({"exported_by": "xa-b", "chains": [
        {"station": "xa-b", "public_key": b64(log_b.public_key), "first": 1, "last": len(records),
         "head": records[-1]["hash"], "records": records}]}, log_b.key)
    with pytest.raises(HubError, match="not signed by station xa-a's key") as refused:
        client_for(station_a).call("POST", "/log", forged)   # xa-a's request, carrying xa-b's bundle
    assert refused.value.status == 403
    assert held(served_hub, "xa-a") == held(served_hub, "xa-b") == 0


def test_a_request_signed_with_another_key_is_refused(served_hub, tmp_path):
    station_a = joined(served_hub, tmp_path, "xa-a")
    station_b = joined(served_hub, tmp_path, "xa-b")
    hub = station_a.config.hub
    impostor = HubClient(hub.url, hub.public_key, "xa-a", station_b.station_key, client_for(station_a).state)
    with pytest.raises(HubError, match="signature is not station xa-a's") as refused:
        impostor.call("GET", "/log/cursor")
    assert refused.value.status == 401


def _signed_post(station: Station, path: str, body: bytes, counter: int) -> requests.Response:
    full = API + path
    return requests.post(station.config.hub.url + full, data=body, timeout=30, headers={
        STATION_HEADER: station.config.id, COUNTER_HEADER: str(counter),
        SIGNATURE_HEADER: b64(sign(station.station_key, request_message("POST", full, station.config.id, counter,
                                                                         body)))})


def test_a_replayed_heartbeat_is_refused(served_hub, tmp_path):
    station = joined(served_hub, tmp_path)
    health = orjson.dumps({"station": "xa-a", "status": "ok", "at": "2026-11-01T05:00:00+07:00", "checks": []})
    first = _signed_post(station, "/heartbeat", health, 1000)
    assert first.status_code == 200 and first.headers[HUB_SIGNATURE_HEADER]
    replayed = _signed_post(station, "/heartbeat", health, 1000)
    assert replayed.status_code == 409
    assert "replayed or came out of order" in replayed.json()["error"]
    older = _signed_post(station, "/heartbeat", health, 999)   # reordered: an older request arriving late
    assert older.status_code == 409
    with served_hub.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(heartbeats)).scalar() == 1


def test_a_bloated_heartbeat_is_refused_and_nothing_kept(served_hub, tmp_path):
    """100,000 failing checks made the stations page 23 MB, fetched again every 5 s: a heartbeat is bounded."""
    station = joined(served_hub, tmp_path)
    check = {"name": "device", "status": "failing", "detail": "x"}
    many = orjson.dumps({"station": "xa-a", "status": "failing", "at": "2026-11-01T05:00:00+07:00",
                         "checks": [check] * 201})
    big = orjson.dumps({"station": "xa-a", "status": "failing", "at": "2026-11-01T05:00:00+07:00",
                        "checks": [{**check, "detail": "x" * 70_000}]})
    answers = [_signed_post(station, "/heartbeat", body, n) for n, body in ((2000, many), (2001, big))]
    assert (answers[0].status_code, answers[0].json()["error"]) == \
        (400, "the heartbeat is not a health report of station xa-a")
    assert answers[1].status_code == 413    # refused by its length, unread
    with served_hub.engine.begin() as db:   # sent in chunks, with no length: read, then refused the same
        with pytest.raises(RefusedError, match="the heartbeat is 68 KB, more than the 64 KB a health report may"):
            ingest_heartbeat(db, db.execute(select(station_rows)).first(), big, utc_now())
    with served_hub.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(heartbeats)).scalar() == 0


def test_a_request_from_no_enrolled_station_is_refused_before_its_body_is_read(served_hub):
    """Six unsigned 60 MB posts added 380 MB to the hub: who a request claims to be is looked at first."""
    def chunks():   # sent in chunks, with no length to refuse it by
        yield b"x" * 2 ** 20

    answer = requests.post(served_hub.url + API + "/heartbeat", data=chunks(), timeout=30, headers={
        STATION_HEADER: "xa-khong-co", COUNTER_HEADER: "1", SIGNATURE_HEADER: "AAAA"})
    assert (answer.status_code, answer.json()["error"]) == (403, "no station 'xa-khong-co' is enrolled at this hub")


def test_a_sync_round_sends_the_station_health(served_hub, tmp_path):
    station = joined(served_hub, tmp_path)
    sync_round(station, at(4))
    sync_round(station, at(4))
    with served_hub.engine.connect() as db:
        rows = db.execute(select(heartbeats.c.station, heartbeats.c.health)).all()
        latest = db.execute(select(latest_heartbeats)).one()
    assert [r.station for r in rows] == ["xa-a", "xa-a"]
    assert latest.health["station"] == "xa-a"
    assert {c["name"] for c in latest.health["checks"]} >= {"disk", "log", "version"}


def test_a_revoked_station_is_refused_until_it_joins_again(served_hub, tmp_path):
    station = joined(served_hub, tmp_path)
    fill_log(station, varied_events(1, 3))
    stolen = enrol(served_hub, "xa-a")    # a code made before the revocation, seen by whoever took the key
    with served_hub.engine.begin() as db:
        stations.revoke(db, "xa-a", utc_now())
    with pytest.raises(HubError, match="the enrolment code was already used"):
        join_hub(station, served_hub.url, stolen)
    with pytest.raises(HubError, match="station xa-a was revoked at the hub") as refused:
        sync_round(station, at(2))
    assert refused.value.status == 403
    assert held(served_hub, "xa-a") == 0
    code = enrol(served_hub, "xa-a")
    with pytest.raises(HubError, match="key .* was revoked; join with a new key"):  # the thief has this one
        join_hub(station, served_hub.url, code)
    stolen = public_raw(station.station_key)
    old = fingerprint(stolen)
    done = join_hub(station, served_hub.url, code, new_key=True)  # the code was not spent by the refusal
    station = Station(station.root)
    assert done.station_fingerprint == fingerprint(public_raw(station.station_key)) != old
    # The three records signed by the old key, then the hand-over signed by the new one, all taken in.
    assert sync_round(station, at(2)).new == 4
    assert [r.problem for r in station.airing_log.verify()] == [None]
    later = enrol(served_hub, "xa-a")  # a code for another reason, overheard: the copied key never comes back
    with pytest.raises(RefusedError, match=f"key {old} was revoked"), served_hub.engine.begin() as db:
        stations.join(db, "xa-a", b64(stolen), later, utc_now())


def test_an_answer_not_signed_by_the_pinned_hub_is_not_believed(served_hub, tmp_path):
    station = joined(served_hub, tmp_path)
    hub = station.config.hub
    client = HubClient(hub.url, public_raw(station.station_key), "xa-a", station.station_key,
                       client_for(station).state)  # pinned another key than the hub's
    with pytest.raises(HubError, match="not signed by the hub's pinned key"):
        client.call("GET", "/log/cursor")


def test_weeks_offline_catch_up_in_batches_without_loss(served_hub, tmp_path):
    station = joined(served_hub, tmp_path)
    total = fill_log(station, varied_events(2, 4))
    sync_round(station, at(3))
    total = fill_log(station, varied_events(21, 4, at(3)))  # three weeks while the link was down
    client = client_for(station)
    sent, new, cursor = push_log(station, client, batch=10)
    assert (new, cursor, held(served_hub, "xa-a")) == (total - 8, total, total)


def test_the_hub_report_agrees_with_the_station_report(served_hub, tmp_path):
    station_a = joined(served_hub, tmp_path, "xa-a")
    station_b = joined(served_hub, tmp_path, "xa-b")
    for station, days in ((station_a, 5), (station_b, 3)):
        fill_log(station, varied_events(days, 9))
        sync_round(station, at(9))
    start, end = dt.date(2026, 11, 2), dt.date(2026, 11, 4)
    with served_hub.engine.connect() as db:
        rows = hub_report(db, start, end)
    assert {r.station for r in rows} == {"xa-a", "xa-b"}
    for station in (station_a, station_b):
        own = build_report(station.airing_log.report_records(start, end), start, end)
        mine = [r for r in rows if r.station == station.config.id]
        assert sum(r.planned for r in mine) == sum(d.planned for d in own.days)
        assert sum(r.urgent for r in mine) == sum(d.urgent for d in own.days)
        for status in ("aired", "partial", "interrupted", "failed", "missed", "skipped"):
            assert sum(r.counts[status] for r in mine) == sum(d.counts[status] for d in own.days)
        assert sum(r.minutes for r in mine) == pytest.approx(sum(d.minutes for d in own.days))
        # per announcement: the station's own records, counted by hand
        for row in mine:
            aired = [r for r in station.airing_log.query(start, end, sources=False)
                     if r["announcement"] == row.announcement and r["trigger"] == "schedule" and r["status"] == "aired"]
            assert row.counts["aired"] == len(aired)


def test_the_database_keeps_the_signed_records_as_sent(served_hub, tmp_path):
    station = joined(served_hub, tmp_path)
    fill_log(station, varied_events(1, 3))
    sync_round(station, at(2))
    with served_hub.engine.connect() as db:
        stored = [r for (r,) in db.execute(text("SELECT record FROM log_records ORDER BY seq"))]
    assert stored == station.airing_log.records_after(0, 100)


def test_an_expired_code_joins_nothing(served_hub, tmp_path):
    station = new_station(tmp_path / "xa-a", "xa-a")
    with served_hub.engine.begin() as db:
        code = stations.enrol(db, "xa-a", utc_now() - dt.timedelta(days=8), days=7)
    with pytest.raises(HubError, match="the enrolment code expired on .*; ask the province for a new one") as refused:
        join_hub(station, served_hub.url, code)
    assert refused.value.status == 403
    assert Station(station.root).config.hub is None


def test_a_damaged_sync_state_is_one_line_and_changes_nothing(served_hub, tmp_path):
    from click.testing import CliRunner

    from broadcaster.cli import cli

    station = joined(served_hub, tmp_path)
    fill_log(station, varied_events(1, 3))
    state = station.data_dir / "hub" / "state.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(b"{not json")
    result = CliRunner().invoke(cli, ["--lang", "en", "sync"], obj=station)
    assert result.output == (f"Error: {state}: the hub state is damaged; delete it, it is made again at the next "
                             "sync\n")
    assert result.exit_code == 1
    assert state.read_bytes() == b"{not json" and held(served_hub, "xa-a") == 0
    state.unlink()
    assert sync_round(station, at(2)).new == 3   # a new state starts above every counter used (the time)


def test_a_hand_over_from_a_key_the_hub_never_saw_is_refused(served_hub, tmp_path):
    """Whoever enrols a key of their own for a station cannot add records in its old key's name: the hand-over
    in what they send must come from the key that signed the records the hub holds."""
    from broadcaster.chain.state import SyncState
    from broadcaster.log_chain import handover_fields, record_hash, record_signature
    from broadcaster.trust.keys import new_key

    station = joined(served_hub, tmp_path)
    fill_log(station, varied_events(1, 2))
    cursor = sync_round(station, at(2)).cursor
    last = [x.record for x in station.airing_log.own_records()][-1]
    other, enrolled = new_key(), new_key()
    with served_hub.engine.begin() as db:
        stations.join(db, "xa-a", b64(public_raw(enrolled)), stations.enrol(db, "xa-a", utc_now()), utc_now())

    def signed(record: dict, key) -> dict:
        record = {"v": 3, "station": "xa-a", "at": "2026-11-02T09:00:00+07:00", **record}
        record["hash"] = record_hash(record)
        return record | {"sig": record_signature(key, record["hash"])}

    forged = signed({"kind": "audit", "action": "forged", "seq": cursor + 1, "prev": last["hash"]}, other)
    handover = signed({**handover_fields(other, public_raw(enrolled), "xa-a", forged["hash"]), "seq": cursor + 2,
                       "prev": forged["hash"]}, enrolled)
    chain = {"station": "xa-a", "public_key": b64(public_raw(enrolled)), "first": cursor + 1, "last": cursor + 2,
             "head": handover["hash"], "records": [forged, handover]}
    client = HubClient(served_hub.url, public_raw(served_hub.key), "xa-a", enrolled,
                       SyncState(tmp_path / "forger"))
    with pytest.raises(HubError, match="the bundle's records of station xa-a are not signed by the key that signed "
                                       "the records the hub holds") as refused:
        client.call("POST", "/log", signed_bundle({"exported_by": "xa-a", "chains": [chain]}, enrolled))
    assert refused.value.status == 403
    # Nor without any hand-over: a record of the enrolled key's own after the hub's head, or the whole log
    # signed again by it from record 1 (a record's hash does not cover its signature).
    own = signed({"kind": "audit", "action": "forged", "seq": cursor + 1, "prev": last["hash"]}, enrolled)
    records = [x.record for x in station.airing_log.own_records()]
    again = [{**r, "sig": record_signature(enrolled, r["hash"])} for r in records] + [own]
    for records in ([own], again):
        chain = {"station": "xa-a", "public_key": b64(public_raw(enrolled)), "first": records[0]["seq"],
                 "last": cursor + 1, "head": own["hash"], "records": records}
        with pytest.raises(HubError, match="are not signed by the key that signed the records the hub holds"):
            client.call("POST", "/log", signed_bundle({"exported_by": "xa-a", "chains": [chain]}, enrolled))
    assert held(served_hub, "xa-a") == cursor


@pytest.mark.parametrize("sent_before", [0, 4])
def test_records_written_before_a_key_change_go_up_in_batches_signed_by_the_old_key(served_hub, tmp_path,
                                                                                   sent_before):
    station = joined(served_hub, tmp_path)
    fill_log(station, varied_events(1, 4))
    if sent_before:
        sync_round(station, at(2))
    total = fill_log(station, varied_events(2, 9, at(2)))  # the link was down, then the key was revoked
    with served_hub.engine.begin() as db:
        stations.revoke(db, "xa-a", utc_now())
    join_hub(station, served_hub.url, enrol(served_hub, "xa-a"), new_key=True)
    station = Station(station.root)
    sent, new, cursor = push_log(station, client_for(station), batch=5)  # batches wholly before the hand-over
    assert (new, cursor, held(served_hub, "xa-a")) == (total + 1 - sent_before, total + 1, total + 1)
