"""CAP alerts taken in at a hub on real PostgreSQL: through the library, ``POST /api/v1/cap`` and ``hub cap``."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from broadcaster.cli import cli
from broadcaster.content.users import AuthError
from broadcaster.errors import InputError
from broadcaster.hub.api import create_app
from broadcaster.hub.bulletins import approve_bulletin
from broadcaster.hub.cap import read_alert
from broadcaster.hub.cap_intake import read_alert_file, take_alert
from broadcaster.hub.schema import bulletins, deliveries
from broadcaster.hub.server import open_hub
from broadcaster.hub.users import add_user, set_passphrase, unlock
from broadcaster.trust import statements
from tests.hub.bulletindata import passphrase, province

CORPUS = Path(__file__).parent / "cap"
ICT = dt.timezone(dt.timedelta(hours=7))
DURING = dt.datetime(2026, 11, 5, 17, 0, tzinfo=ICT)   # while the storm alert is in force
FEED = "he-thong"                                       # the warning system's account: officer and approver
FEED_PASS = passphrase(FEED)


@pytest.fixture
def hub(one_pg_url, tmp_path):
    """A hub (its key recorded) with the province of bulletindata and the warning system's account."""
    opened = open_hub(one_pg_url, tmp_path / "hub-data", DURING)
    province(opened.engine, DURING)
    with opened.engine.begin() as db:
        add_user(db, FEED, "province", "66", ["officer", "approver"], [], DURING)
        set_passphrase(db, FEED, FEED_PASS)
    yield opened
    opened.engine.dispose()


def draft_of(name: str):
    return read_alert((CORPUS / name).read_bytes(), name)


def take(hub, name: str, who: str = FEED, now: dt.datetime = DURING):
    return take_alert(hub.engine, hub.key, draft_of(name), unlock(hub.engine, who, passphrase(who), now), now)


def row(hub, uid: str):
    with hub.engine.connect() as db:
        return db.execute(select(bulletins).where(bulletins.c.uid == uid)).one()


def count(hub, table=bulletins) -> int:
    with hub.engine.connect() as db:
        return db.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_storm_alert_becomes_a_bulletin_waiting_for_a_second_person(hub):
    taken = take(hub, "storm.xml", "lan")
    stored = row(hub, taken.uids[0])
    assert (taken.action, taken.duplicate, taken.stations) == ("new", False, 3)
    assert sorted(stored.stations) == ["xa-ea-tu", "xa-hoa-thang", "xa-krong-bong"]  # 643 and 24700; 653 has none
    assert (stored.level, stored.source, stored.drill, stored.created_by, stored.language) == \
        ("emergency", "cap", False, "lan", "vie")
    assert stored.cap_identifier == draft_of("storm.xml").key
    assert stored.title == "Bão số 13 đổ bộ vào địa bàn tỉnh trong đêm 06/11"
    assert stored.text.startswith("Hồi 16 giờ ngày 05/11") and stored.text.endswith("0262.3852.114.")
    assert stored.valid_until == dt.datetime(2026, 11, 7, 18, tzinfo=ICT)
    assert statements.check(stored.statement) and stored.statement["by"] == "lan"
    assert stored.approved_at is None and count(hub, deliveries) == 0  # nothing reaches a station yet
    sent = approve_bulletin(hub.engine, hub.key, stored.uid, unlock(hub.engine, "hung", passphrase("hung"), DURING),
                            DURING)
    assert sent == 3 and count(hub, deliveries) == 3


def test_a_repeated_alert_is_taken_once(hub):
    first = take(hub, "storm.xml")
    again = take(hub, "storm.xml")
    assert again.duplicate and again.uids == first.uids and count(hub) == 1
    with pytest.raises(InputError, match="hung may not issue bulletins"):   # an approver, not an officer: the
        take(hub, "storm.xml", who="hung")                                   # repeat tells them nothing


def test_an_update_replaces_and_a_cancel_withdraws_the_chain(hub):
    storm = take(hub, "storm.xml").uids[0]
    approve_bulletin(hub.engine, hub.key, storm, unlock(hub.engine, "hung", passphrase("hung"), DURING), DURING)
    update = take(hub, "storm-update.xml", now=DURING + dt.timedelta(hours=18))
    assert (update.action, update.replaces, row(hub, update.uids[0]).replaces) == ("update", storm, storm)
    cancel = take(hub, "storm-cancel.xml", now=DURING + dt.timedelta(hours=19))
    assert (cancel.action, cancel.uids, cancel.stations, cancel.duplicate) == ("cancel", (storm, update.uids[0]), 3,
                                                                               False)
    assert row(hub, storm).cancelled_by == FEED and row(hub, update.uids[0]).cancelled_at is not None
    with hub.engine.connect() as db:  # the approved storm is withdrawn at its stations; the update never left
        kinds = sorted(db.execute(select(deliveries.c.kind)).scalars())
    assert kinds == ["bulletin"] * 3 + ["cancel"] * 3
    assert take(hub, "storm-cancel.xml").duplicate


def test_an_update_or_cancel_comes_only_from_the_alerts_sender_and_a_person_of_all_its_stations(hub):
    storm = take(hub, "storm.xml").uids[0]
    later = DURING + dt.timedelta(hours=18)
    with pytest.raises(AuthError) as not_theirs:   # a district's officer: the storm also went to another district
        take(hub, "storm-update.xml", "mai", now=later)
    assert not_theirs.value.message == "mai may not update bulletins for 1 station outside their area (needs the " \
                                       "role officer there)"
    for name in ("storm-update.xml", "storm-cancel.xml"):
        forged = (CORPUS / name).read_text(encoding="utf-8").replace("<sender>bchpctt@daklak.gov.vn</sender>",
                                                                     "<sender>tin-gia@example.com</sender>")
        with pytest.raises(AuthError) as other_sender:
            take_alert(hub.engine, hub.key, read_alert(forged.encode(), name), unlock(hub.engine, FEED, FEED_PASS,
                                                                                      later), later)
        assert other_sender.value.message == "the alert of sender tin-gia@example.com may not update or cancel an " \
                                             "alert of sender bchpctt@daklak.gov.vn"
    assert count(hub) == 1 and row(hub, storm).cancelled_at is None


def test_a_cancel_needs_an_approver(hub):
    take(hub, "storm.xml", "lan")
    with pytest.raises(AuthError) as caught:
        take(hub, "storm-cancel.xml", "lan")
    assert "lan may not cancel bulletins" in caught.value.message
    assert row(hub, take(hub, "storm.xml").uids[0]).cancelled_at is None


def test_a_cancel_of_alerts_the_hub_never_took_is_refused(hub):
    with pytest.raises(InputError) as caught:
        take(hub, "storm-cancel.xml")
    assert caught.value.message == "none of the alerts this Cancel references is at this hub: nothing to cancel"


def test_test_and_exercise_alerts_go_to_drill_stations_only(hub):
    for name in ("test.xml", "exercise.xml"):
        stored = row(hub, take(hub, name).uids[0])
        assert (stored.drill, stored.stations) == (True, ["xa-krong-bong"])


def test_a_province_code_is_every_station_of_the_hubs_province_only(hub, tmp_path):
    assert sorted(row(hub, take(hub, "multilang.xml").uids[0]).stations) == \
        ["xa-ea-tu", "xa-hoa-thang", "xa-krong-bong"]
    other = (CORPUS / "english.xml").read_text(encoding="utf-8").replace("<value>66</value>", "<value>01</value>")
    with pytest.raises(InputError) as caught:
        take_alert(hub.engine, hub.key, read_alert(other.encode(), "x"), unlock(hub.engine, FEED, FEED_PASS, DURING),
                   DURING)
    assert caught.value.message == "no station of this hub is in the alert's areas (01)"
    assert count(hub) == 1


def test_an_expired_alert_or_an_officer_of_other_stations_is_refused(hub):
    with pytest.raises(InputError) as caught:
        take(hub, "storm.xml", now=dt.datetime(2026, 11, 8, tzinfo=ICT))
    assert "already past" in caught.value.message
    with pytest.raises(AuthError) as caught:
        take(hub, "storm.xml", "tho")  # a commune's officer: not for the district's other communes
    assert caught.value.message.startswith("tho may not issue bulletins for")
    assert count(hub) == 0


# --- POST /api/v1/cap ---

def auth(name: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{secret}".encode()).decode()}


@pytest.fixture
def client(hub):
    app = create_app(hub.engine, hub.key, clock=lambda: DURING)
    yield app.test_client()
    app.extensions["fanout"].stop()


def post(client, name: str, headers: dict, **environ):
    return client.post("/api/v1/cap", data=(CORPUS / name).read_bytes(), headers=headers,
                       content_type="application/cap+xml", environ_base=environ)


def test_the_api_answers_201_then_200_for_the_same_alert(client, hub):
    first = post(client, "storm.xml", auth(FEED, FEED_PASS))
    assert first.status_code == 201 and first.json["action"] == "new" and first.json["stations"] == 3
    assert row(hub, first.json["uid"]).created_by == FEED
    again = post(client, "storm.xml", auth(FEED, FEED_PASS))
    assert again.status_code == 200 and again.json["uid"] == first.json["uid"] and again.json["duplicate"]
    cancel = post(client, "storm-cancel.xml", auth(FEED, FEED_PASS))
    assert cancel.status_code == 200 and cancel.json["uids"] == [first.json["uid"]]


@pytest.mark.parametrize("name, line", [
    ("attack-billion-laughs.xml", "POST /api/v1/cap:2: the alert declares a DTD or entities (<!DOCTYPE>, <!ENTITY>), "
                                  "which a CAP alert never has: refused, nothing was taken"),
    ("bad-system.xml", "POST /api/v1/cap:2: the alert's status is System: nothing is aired for it"),
])
def test_the_api_answers_400_with_the_reason(client, hub, name, line):
    answer = post(client, name, auth(FEED, FEED_PASS))
    assert (answer.status_code, answer.json) == (400, {"error": line}) and count(hub) == 0


def test_the_api_refuses_bad_credentials(client, hub):
    none = post(client, "storm.xml", {})
    assert none.status_code == 401 and none.headers["WWW-Authenticate"].startswith("Basic")
    wrong = post(client, "storm.xml", auth(FEED, "sai mật khẩu rồi"))
    unknown = post(client, "storm.xml", auth("nobody", "sai mật khẩu rồi"))
    # the same answer whether the name exists or not: no enumeration of the hub's people
    assert (wrong.status_code, wrong.json) == (unknown.status_code, unknown.json) == (401, {"error": "wrong name or passphrase"})
    viewer = post(client, "storm.xml", auth("tho", passphrase("tho")))
    assert viewer.status_code == 403 and viewer.json["error"].startswith("tho may not issue bulletins")
    remote = post(client, "storm.xml", auth(FEED, FEED_PASS), REMOTE_ADDR="203.0.113.9")
    assert (remote.status_code, remote.json) == (403, {"error": "a passphrase is taken only over TLS or from this "
                                                                "machine"})
    assert count(hub) == 0


def test_wrong_passphrases_lock_the_address_they_come_from_not_the_person(client, hub):
    """A stranger guessing the feed's passphrase cannot keep the province's warning system out during a storm."""
    from sqlalchemy import text

    for _ in range(5):
        guess = post(client, "storm.xml", auth(FEED, "sai mật khẩu rồi"), REMOTE_ADDR="127.0.0.2")
        assert guess.status_code == 401
    locked = post(client, "storm.xml", auth(FEED, FEED_PASS), REMOTE_ADDR="127.0.0.2")
    assert locked.status_code == 429 and 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert locked.json["error"].startswith("too many wrong passphrases from this address: try again after ")
    with hub.engine.connect() as db:
        assert db.execute(text("SELECT failed_logins, locked_until FROM users WHERE name = :n"), {"n": FEED}).one() \
            == (0, None)
    assert post(client, "storm.xml", auth(FEED, FEED_PASS)).status_code == 201  # the system's own address
    assert count(hub) == 1


def test_the_api_refuses_a_body_over_the_cap_unread(client, hub):
    answer = client.post("/api/v1/cap", data=b"<" * (600 * 1024), headers=auth(FEED, FEED_PASS))
    assert (answer.status_code, answer.json) == (400, {"error": "the alert is 600 KB, more than the 512 KB a CAP "
                                                                "alert may have"})


def test_a_warning_system_posts_over_http(one_pg_url, tmp_path):
    import requests

    from tests.hub.conftest import ServedHub

    served = ServedHub(one_pg_url, tmp_path / "hub-data")
    try:
        province(served.engine, DURING)
        with served.engine.begin() as db:
            add_user(db, FEED, "province", "66", ["officer", "approver"], [], DURING)
            set_passphrase(db, FEED, FEED_PASS)
        answer = requests.post(f"{served.url}/api/v1/cap", data=future("test.xml", tmp_path).read_bytes(),
                               auth=(FEED.encode(), FEED_PASS.encode()),  # UTF-8, as the hub asks
                               headers={"Content-Type": "application/cap+xml"}, timeout=60)
        assert answer.status_code == 201, answer.text
        with served.engine.connect() as db:
            stored = db.execute(select(bulletins).where(bulletins.c.uid == answer.json()["uid"])).one()
        assert (stored.drill, stored.stations, stored.created_by) == (True, ["xa-krong-bong"], FEED)
    finally:
        served.close()


# --- broadcaster hub cap ---

def future(name: str, tmp_path: Path) -> Path:
    """The alert ``name`` moved to next month, so that the command's real clock finds it in force (and within
    the year a bulletin may be valid)."""
    path = tmp_path / name
    month = (dt.date.today().replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m-")
    path.write_text((CORPUS / name).read_text(encoding="utf-8").replace("2026-11-", month), encoding="utf-8")
    return path


def test_the_command_takes_an_alert_file(hub, one_pg_url, tmp_path):
    args = ["--lang", "en", "hub", "cap", str(future("storm.xml", tmp_path)), "--by", FEED, "--db", one_pg_url,
            "--data", str(tmp_path / "hub-data")]
    result = CliRunner().invoke(cli, args, env={"BROADCASTER_PASSPHRASE": FEED_PASS}, catch_exceptions=False)
    with hub.engine.connect() as db:
        uid = db.execute(select(bulletins.c.uid)).scalar_one()
    assert result.exit_code == 0, result.output
    assert result.output == (f"bulletin {uid} (emergency) for 3 stations, written by {FEED}; it waits for another "
                             f"person's approval (broadcaster hub bulletin approve {uid} --by NAME)\n")
    again = CliRunner().invoke(cli, args, env={"BROADCASTER_PASSPHRASE": FEED_PASS})
    assert (again.exit_code, again.output) == (0, f"this alert was taken before: bulletin {uid}; nothing done\n")


def test_the_command_refuses_a_bad_file_before_the_database(tmp_path):
    result = CliRunner().invoke(cli, ["--lang", "en", "hub", "cap", str(CORPUS / "attack-external-entity.xml"), "--by",
                                      FEED, "--db", "postgresql://nobody@127.0.0.1:9/none"])
    assert (result.exit_code, result.output) == (2, f"Error: {CORPUS / 'attack-external-entity.xml'}:2: the alert "
                                                    "declares a DTD or entities (<!DOCTYPE>, <!ENTITY>), which a CAP "
                                                    "alert never has: refused, nothing was taken\n")


def test_a_missing_or_huge_file_is_named(tmp_path):
    with pytest.raises(InputError) as caught:
        read_alert_file(tmp_path / "none.xml")
    assert str(caught.value) == f"{tmp_path / 'none.xml'}: no such file"
    with open(tmp_path / "huge.xml", "wb") as f:
        f.truncate(2 ** 30)  # sparse: never read
    with pytest.raises(InputError) as caught:
        read_alert_file(tmp_path / "huge.xml")
    assert str(caught.value) == f"{tmp_path / 'huge.xml'}: the alert is 1048576 KB, more than the 512 KB a CAP " \
                                "alert may have"


# --- who may post: one answer in one time, counted per address (behind a proxy: the browser's) ---

def test_every_refused_name_answers_alike_in_a_wrong_passphrases_time(client, hub, monkeypatch):
    """An unknown name, one without a passphrase yet and a locked one spend the time of a key's opening (a
    wrong passphrase spends it in the opening itself): the answer and its time tell no one who exists."""
    from sqlalchemy import update

    from broadcaster.hub import users
    from broadcaster.hub.schema import users as users_table

    spent = []
    monkeypatch.setattr(users, "spend_unseal_time", spent.append)
    with hub.engine.begin() as db:
        add_user(db, "moi", "province", "66", ["officer"], [], DURING)  # no passphrase yet
        db.execute(update(users_table).where(users_table.c.name == "lan").values(
            failed_logins=5, locked_until=DURING + dt.timedelta(minutes=10)))  # locked by the CLI's tries
    answers = [post(client, "storm.xml", auth(name, "đoán-thử-một-câu"), REMOTE_ADDR=f"127.0.0.{i}")
               for i, name in enumerate(("ai-do", "moi", "lan", FEED), start=2)]
    assert [(a.status_code, a.json) for a in answers] == [(401, {"error": "wrong name or passphrase"})] * 4
    assert spent == ["đoán-thử-một-câu"] * 3  # not for FEED: its wrong passphrase ran the scrypt itself
    with hub.engine.connect() as db:
        assert db.execute(select(users_table.c.failed_logins).where(users_table.c.name == "lan")).scalar_one() == 5
    assert count(hub) == 0


def test_a_right_passphrase_over_cap_leaves_the_persons_own_count_alone(client, hub):
    from sqlalchemy import update

    from broadcaster.hub.schema import users as users_table

    with hub.engine.begin() as db:  # two wrong passphrases typed at the hub's CLI
        db.execute(update(users_table).where(users_table.c.name == FEED).values(failed_logins=2))
    assert post(client, "storm.xml", auth(FEED, FEED_PASS)).status_code == 201
    with hub.engine.connect() as db:
        assert db.execute(select(users_table.c.failed_logins, users_table.c.locked_until).where(
            users_table.c.name == FEED)).one() == (2, None)


def test_behind_a_proxy_ten_names_lock_the_guessers_address_not_the_proxys(client, hub):
    """Behind Caddy every request comes from 127.0.0.1: the lock is on the address the proxy forwards
    (hub serve --proxies 1), so a guesser does not lock the warning system out with them."""
    from werkzeug.test import Client

    from broadcaster.hub.server import behind

    proxied = Client(behind(client.application, 1))

    def through(address: str, name: str, passphrase: str):
        return proxied.post("/api/v1/cap", data=(CORPUS / "storm.xml").read_bytes(), headers={
            **auth(name, passphrase), "X-Forwarded-For": address, "X-Forwarded-Proto": "https",
            "Content-Type": "application/cap+xml"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})

    for n in range(10):  # ten names, each guessed once: the address is locked, though no name is
        assert through("198.51.100.7", f"ten-{n}", "đoán-thử-một-câu").status_code == 401
    locked = through("198.51.100.7", FEED, FEED_PASS)
    assert locked.status_code == 429 and 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert count(hub) == 0
    assert through("198.51.100.8", FEED, FEED_PASS).status_code == 201  # the warning system, elsewhere
    assert through("198.51.100.7", FEED, FEED_PASS).status_code == 429  # still locked: a right one opens nothing
    assert count(hub) == 1


def test_the_command_refuses_an_update_from_another_sender_or_a_district(hub, one_pg_url, tmp_path):
    """``hub cap --by`` holds to the API's rule: nothing is replaced when the sender or the poster is wrong."""
    base = ["--lang", "en", "hub", "cap", "--db", one_pg_url, "--data", str(tmp_path / "hub-data")]

    def command(path: Path, who: str):
        return CliRunner().invoke(cli, [*base, str(path), "--by", who], env={"BROADCASTER_PASSPHRASE": passphrase(who)})

    assert command(future("storm.xml", tmp_path), FEED).exit_code == 0
    update = future("storm-update.xml", tmp_path)
    district = command(update, "mai")
    assert (district.exit_code, district.output) == (2, "Error: mai may not update bulletins for 1 station outside "
                                                        "their area (needs the role officer there)\n")
    update.write_text(update.read_text(encoding="utf-8").replace("<sender>bchpctt@daklak.gov.vn</sender>",
                                                                 "<sender>tin-gia@example.com</sender>"),
                      encoding="utf-8")
    forged = command(update, FEED)
    assert (forged.exit_code, forged.output) == (2, "Error: the alert of sender tin-gia@example.com may not update or "
                                                    "cancel an alert of sender bchpctt@daklak.gov.vn\n")
    with hub.engine.connect() as db:
        assert db.execute(select(bulletins.c.cancelled_at, bulletins.c.replaces)).all() == [(None, None)]


def test_the_api_refuses_an_update_by_a_district_officer_with_403_naming_no_other_station(client, hub):
    storm = post(client, "storm.xml", auth(FEED, FEED_PASS)).json["uid"]
    update = post(client, "storm-update.xml", auth("mai", passphrase("mai")))
    assert (update.status_code, update.json) == (403, {"error": "mai may not update bulletins for 1 station outside "
                                                                "their area (needs the role officer there)"})
    cancel = post(client, "storm-cancel.xml", auth("mai", passphrase("mai")))
    assert (cancel.status_code, cancel.json) == (403, {"error": "mai may not cancel bulletins for 1 station outside "
                                                                "their area (needs the role approver there)"})
    assert count(hub) == 1 and row(hub, storm).cancelled_at is None
