"""The hub's commands and the station's join and sync, through click, with their exact messages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.errors import BroadcasterError
from broadcaster.station import Station
from broadcaster.trust.keys import fingerprint, public_raw
from tests.hub.stationdata import fill_log, new_station, varied_events


def invoke(args, obj=None):
    return CliRunner().invoke(cli, ["--lang", "en", *args], obj=obj)


def test_enrol_join_sync_report(served_hub, pg_url, tmp_path):
    data = str(tmp_path / "hub-data")  # the served hub's data folder: the same key
    enrolled = invoke(["hub", "enrol", "xa-a", "--db", pg_url, "--data", data])
    assert enrolled.exit_code == 0, enrolled.output
    hub_print = fingerprint(public_raw(served_hub.key))
    assert enrolled.output.splitlines()[0] == f"hub key {hub_print}"
    code = enrolled.output.split()[-1]
    assert len(code) == 19 and code.count("-") == 3

    station = new_station(tmp_path / "xa-a", "xa-a")
    joined = invoke(["hub", "join", served_hub.url, code, "--fingerprint", hub_print], station)
    assert joined.exit_code == 0, joined.output
    assert joined.output == (f"joined the hub at {served_hub.url}; its key {hub_print} is pinned in station.yaml; "
                             f"this station's key is {fingerprint(public_raw(station.station_key))}\n")
    station = Station(station.root)
    total = fill_log(station, varied_events(2, 3))
    synced = invoke(["sync"], station)
    assert synced.output == (f"sent {total} log records ({total} new to the hub), the hub holds the log up to "
                             f"record {total}; heartbeat sent\n")
    assert synced.exit_code == 0

    report = invoke(["hub", "report", "--db", pg_url, "--data", data, "--from", "2026-11-01", "--to",
                     "2026-11-02", "--format", "csv"])
    assert report.exit_code == 0, report.output
    lines = report.output.splitlines()
    assert lines[0] == "station,announcement,planned,aired,partial,interrupted,failed,missed,skipped,urgent," \
                       "replays,minutes"
    assert {line.split(",")[0] for line in lines[1:]} == {"xa-a"}
    assert sum(int(line.split(",")[2]) + int(line.split(",")[9]) + int(line.split(",")[10])
               for line in lines[1:]) == total

    # what a province officer reads: days as dd/mm/yyyy, times in the province's time (UTC+7), not UTC
    seen = dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))
    listed = CliRunner().invoke(cli, ["--lang", "vi", "hub", "stations", "--db", pg_url, "--data", data])
    assert listed.exit_code == 0, listed.output
    assert seen.strftime("%d/%m/%Y %H:") in listed.output and "+00:00" not in listed.output
    shown = CliRunner().invoke(cli, ["--lang", "vi", "hub", "report", "--db", pg_url, "--data", data, "--from",
                                     "2026-11-01", "--to", "2026-11-02"])
    assert shown.output.splitlines()[0].strip() == "Các lượt phát từ 01/11/2026 đến 02/11/2026", shown.output
    assert re.search(r"\d,\d │\n", shown.output) and not re.search(r"\d\.\d", shown.output)  # 0,9 minutes


def test_refusals_are_one_line_with_exit_codes(served_hub, pg_url, tmp_path):
    data = str(tmp_path / "hub-data")
    station = new_station(tmp_path / "xa-a", "xa-a")
    refused = invoke(["hub", "join", served_hub.url, "AAAA-BBBB-CCCC-DDDD"], station)
    assert refused.output == "Error: the hub refused: the enrolment code is not one the hub gave for xa-a\n"
    assert refused.exit_code == 1
    not_joined = invoke(["sync"], station)
    assert not_joined.output == "Error: this station has joined no hub (broadcaster hub join HUB_URL CODE)\n"
    assert not_joined.exit_code == 2
    bad_id = invoke(["hub", "enrol", "Xã A", "--db", pg_url, "--data", data])
    assert bad_id.output == "Error: station id 'Xã A' must be lower-case letters a-z, digits and '-', such as " \
                            "xa-ea-tu\n"
    assert bad_id.exit_code == 2
    unknown = invoke(["hub", "revoke", "xa-z", "--db", pg_url, "--data", data])
    assert unknown.output == "Error: no station 'xa-z' is enrolled at this hub\n"
    assert unknown.exit_code == 2
    bad_url = invoke(["hub", "report", "--db", "mysql://x", "--data", data, "--from", "2026-11-01",
                      "--to", "2026-11-02"])
    assert bad_url.output == "Error: 'mysql://x' is not a PostgreSQL URL such as postgresql://hub@localhost/hub\n"
    assert bad_url.exit_code == 2
    wrong_order = invoke(["hub", "report", "--db", pg_url, "--data", data, "--from", "2026-11-02",
                          "--to", "2026-11-01"])
    assert wrong_order.output == "Error: the dates are in the wrong order: 2026-11-02 is after 2026-11-01\n"
    assert wrong_order.exit_code == 2


def test_a_revoked_station_comes_back_with_a_new_key(served_hub, pg_url, tmp_path):
    data = str(tmp_path / "hub-data")
    station = new_station(tmp_path / "xa-a", "xa-a")
    first = invoke(["hub", "enrol", "xa-a", "--db", pg_url, "--data", data]).output.split()[-1]
    assert invoke(["hub", "join", served_hub.url, first], station).exit_code == 0
    station = Station(station.root)
    fill_log(station, varied_events(1, 2))
    old = fingerprint(public_raw(station.station_key))
    revoked = invoke(["hub", "revoke", "xa-a", "--db", pg_url, "--data", data])
    assert revoked.output == "xa-a is revoked; it may join again only with a new code\n"
    code = invoke(["hub", "enrol", "xa-a", "--db", pg_url, "--data", data]).output.split()[-1]
    same = invoke(["hub", "join", served_hub.url, code], station)
    assert same.output == f"Error: the hub refused: station xa-a's key {old} was revoked; join with a new key " \
                          "(broadcaster hub join HUB_URL CODE --new-key)\n"
    assert same.exit_code == 1
    renewed = invoke(["hub", "join", served_hub.url, code, "--new-key"], station)
    assert renewed.exit_code == 0, renewed.output
    station = Station(station.root)
    new = fingerprint(public_raw(station.station_key))
    assert new != old and renewed.output.endswith(f"this station's key is {new}\n")
    synced = invoke(["sync"], station)
    assert synced.output == "sent 3 log records (3 new to the hub), the hub holds the log up to record 3; " \
                            "heartbeat sent\n"
    verified = invoke(["log", "verify"], station)
    assert verified.exit_code == 0, verified.output


def test_a_hub_that_cannot_be_reached_is_one_line(tmp_path):
    station = new_station(tmp_path / "xa-a", "xa-a")
    from tests.hub.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}"
    result = invoke(["hub", "join", url, "AAAA-BBBB-CCCC-DDDD"], station)
    assert result.output == f"Error: the hub at {url} cannot be reached: ConnectionError\n"
    assert result.exit_code == 1
    assert Station(station.root).config.hub is None


def test_users_are_added_with_their_scope(pg_url, tmp_path):
    data = str(tmp_path / "hub-data")
    secret = tmp_path / "secret.txt"
    secret.write_text("mật khẩu của lan\n", encoding="utf-8")
    from broadcaster.hub import utc_now
    from broadcaster.hub.server import open_hub

    open_hub(pg_url, tmp_path / "hub-data", utc_now()).engine.dispose()  # a hub started: its key recorded
    for station, district in (("xa-a", "123"), ("xa-b", "456")):
        assert invoke(["hub", "enrol", station, "--district", district, "--db", pg_url, "--data", data]).exit_code == 0
    outside = invoke(["hub", "user", "add", "lan.nguyen", "--db", pg_url, "--data", data, "--level", "district",
                      "--area", "123", "--role", "approver", "--station", "xa-b", "--passphrase-file", str(secret)])
    assert (outside.exit_code, outside.output) == (2, "Error: xa-b is not a station of the hub in 123, the area of "
                                                      "lan.nguyen\n")
    added = invoke(["hub", "user", "add", "lan.nguyen", "--db", pg_url, "--data", data, "--level", "district",
                    "--area", "123", "--role", "approver", "--role", "viewer", "--station", "xa-a",
                    "--passphrase-file", str(secret)])
    assert added.exit_code == 0, added.output
    assert added.output.startswith("lan.nguyen added; their key is SHA256:")
    again = invoke(["hub", "user", "add", "lan.nguyen", "--db", pg_url, "--data", data, "--level", "district",
                    "--area", "123", "--role", "viewer"])
    assert (again.exit_code, again.output) == (2, "Error: lan.nguyen is already a user of the hub\n")
    bad = invoke(["hub", "user", "add", "minh", "--db", pg_url, "--data", data, "--level", "country",
                  "--area", "48", "--role", "viewer"])
    assert (bad.exit_code, bad.output) == (2, "Error: unknown level 'country'; expected one of: province, district, "
                                              "commune\n")
    from sqlalchemy import text

    from broadcaster.hub.database import engine_for

    with engine_for(pg_url).connect() as db:
        roles = db.execute(text("SELECT role, station FROM user_roles ORDER BY role")).all()
    assert [tuple(r) for r in roles] == [("approver", "xa-a"), ("viewer", "xa-a")]


def test_the_demo_hub_has_two_stations_that_joined_and_synced(pg_url, tmp_path):
    from broadcaster.hub import utc_now
    from broadcaster.hub.demo import DEMO_STATIONS, HOURS, PROGRAMME, start_demo
    from broadcaster.hub.reports import hub_report
    from broadcaster.hub.server import open_hub

    hub = open_hub(pg_url, tmp_path / "hub-data", utc_now())
    said = []
    demo = start_demo(hub, tmp_path / "stations", 0, 2, said.append)
    try:
        today = utc_now().date()
        with hub.engine.connect() as db:
            rows = hub_report(db, today - dt.timedelta(days=3), today)
        assert {r.station for r in rows} == set(DEMO_STATIONS)
        for station in demo.stations:
            mine = [r for r in rows if r.station == station.config.id]
            assert sum(r.planned for r in mine) == 2 * len(HOURS) * len(PROGRAMME)
            assert station.config.hub.url == demo.url
        _the_demos_pages_are_populated(demo.url)
    finally:
        demo.stop()
    assert said == []


def _the_demos_pages_are_populated(url: str) -> None:
    """The demo's officer logs in to the hub's pages and finds its stations, report and bulletin."""
    import re

    import requests

    from broadcaster.hub.demo import DEMO_PASSPHRASE, DEMO_PEOPLE

    browser = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(url + "/login", timeout=30).text).group(1)
    assert browser.post(url + "/login", data={"name": DEMO_PEOPLE[0][0], "passphrase": DEMO_PASSPHRASE,
                                              "csrf_token": token}, timeout=30, allow_redirects=False).status_code == 302
    stations = browser.get(url + "/stations/", timeout=30).text
    assert "Xã Hòa Thuận (demo)" in stations and "Xã Ea Tu (demo)" in stations
    assert "Xã Hòa Thuận (demo)" in browser.get(url + "/reports/", timeout=30).text
    assert "Lịch tiêm vắc-xin sởi tuần này" in browser.get(url + "/bulletins/", timeout=30).text


def test_a_hub_command_on_a_folder_without_a_hub_makes_none(tmp_path):
    """Only serve and demo make a hub: a report on the wrong folder says so instead of an empty table."""
    for args in (["hub", "report", "--from", "2026-12-01", "--to", "2026-12-04"], ["hub", "stations"]):
        result = invoke([*args, "--data", str(tmp_path / "hub-data")])
        assert (result.exit_code, result.output) == (2, f"Error: no hub in {tmp_path / 'hub-data'}; give --data "
                                                        f"FOLDER or --db URL\n")
    assert list(tmp_path.iterdir()) == []


def test_a_second_hub_on_a_port_in_use_says_so_in_one_line(pg_url, tmp_path):
    import socket

    from broadcaster.hub import utc_now
    from broadcaster.hub.server import open_hub, serve

    hub = open_hub(pg_url, tmp_path / "hub-data", utc_now())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BroadcasterError) as refused:
            serve(hub, "127.0.0.1", port)
    assert refused.value.message == f"cannot listen on 127.0.0.1:{port}: Address already in use"
    hub.engine.dispose()
