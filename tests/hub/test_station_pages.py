"""A station's page at the hub, and its admin's changes from the browser: enrol (the code shown once), settings,
a new code, revoke; each with the admin's passphrase, within their area only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from broadcaster.hub import stations as registry
from broadcaster.hub.schema import stations
from broadcaster.hub.stations import RefusedError
from broadcaster.hub.users import add_user, set_passphrase
from broadcaster.trust.keys import b64, fingerprint, new_key, public_raw
from tests.hub.conftest import PAGES_PASSPHRASE, pages_log_in
from tests.hub.pagesdata import NOW
from tests.web.conftest import csrf_token

CODE = re.compile(r"<strong>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</strong>")


def logged_in(pages_app, name: str):
    client = pages_app.test_client()
    assert pages_log_in(client, name).status_code == 302
    return client


def post(client, path: str, **form):
    return client.post(path, data={"csrf_token": csrf_token(client, "/stations/"), "passphrase": PAGES_PASSPHRASE,
                                   **form})


def row(engine, sid: str):
    with engine.connect() as db:
        return db.execute(select(stations).where(stations.c.id == sid)).first()


@pytest.fixture
def district_admin(pages_db):
    """'admin643', the admin of district 643's stations."""
    with pages_db.begin() as db:
        add_user(db, "admin643", "district", "643", ["admin"], [], NOW)
        set_passphrase(db, "admin643", PAGES_PASSPHRASE)
    return "admin643"


def test_the_province_admin_enrols_a_station_and_its_code_joins_it_once(pages_app, pages_db):
    client = logged_in(pages_app, "tinh")
    assert 'href="/stations/new"' in client.get("/stations/").get_data(as_text=True)
    answer = post(client, "/stations/new", id="xa-ea-tu", name="Xã Ea Tu", area="24620", district="643", drill="on")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Mã dùng một lần cho xa-ea-tu" in page
    (code,) = CODE.findall(page)
    found = row(pages_db, "xa-ea-tu")
    assert (found.name, found.area, found.district, found.drill, found.public_key) == \
        ("Xã Ea Tu", "24620", "643", True, None)
    key = public_raw(new_key())
    with pages_db.begin() as db:
        assert registry.join(db, "xa-ea-tu", b64(key), code, NOW) == fingerprint(key)
    with pytest.raises(RefusedError, match="already used"), pages_db.begin() as db:
        registry.join(db, "xa-ea-tu", b64(key), code, NOW)
    again = post(client, "/stations/new", id="xa-ea-tu", name="Xã khác")
    assert again.status_code == 400 and "xa-ea-tu đã được đăng ký" in again.get_data(as_text=True)
    assert row(pages_db, "xa-ea-tu").name == "Xã Ea Tu"


def test_a_wrong_passphrase_or_a_bad_code_changes_nothing(pages_app, pages_db):
    client = logged_in(pages_app, "tinh")
    wrong = post(client, "/stations/new", id="xa-moi", passphrase="không phải")
    assert wrong.status_code == 400 and "sai mật khẩu" in wrong.get_data(as_text=True)
    bad = post(client, "/stations/new", id="xa-moi", area="12")
    assert bad.status_code == 400 and "12&#39; không phải mã xã" in bad.get_data(as_text=True)
    assert row(pages_db, "xa-moi") is None
    before = row(pages_db, "xa-an-binh")
    post(client, "/station/xa-an-binh/revoke", passphrase="không phải")
    post(client, "/station/xa-an-binh/settings", name="Đổi tên", passphrase="không phải")
    assert row(pages_db, "xa-an-binh") == before


def test_revoke_then_a_new_code_and_the_settings(pages_app, pages_db):
    client = logged_in(pages_app, "tinh")
    revoked = post(client, "/station/xa-an-binh/revoke")
    assert revoked.status_code == 303 and revoked.headers["Location"] == "/station/xa-an-binh"
    page = client.get("/station/xa-an-binh").get_data(as_text=True)
    assert "xa-an-binh đã bị thu hồi" in page and 'id="revoke"' not in page
    held = row(pages_db, "xa-an-binh")
    assert held.revoked_at is not None
    (code,) = CODE.findall(post(client, "/station/xa-an-binh/code").get_data(as_text=True))
    with pytest.raises(RefusedError, match="was revoked; join with a new key"), pages_db.begin() as db:
        registry.join(db, "xa-an-binh", b64(bytes(held.public_key)), code, NOW)  # the copied key: refused
    changed = post(client, "/station/xa-an-binh/settings", name="Xã An Bình Mới", area="24619", district="650")
    assert changed.status_code == 303
    found = row(pages_db, "xa-an-binh")
    assert (found.name, found.area, found.district, found.drill) == ("Xã An Bình Mới", "24619", "650", False)


def test_only_an_admin_of_the_station_changes_it(pages_app, pages_db, district_admin):
    approver = logged_in(pages_app, "huyen643")  # an approver of district 643, no admin
    page = approver.get("/station/xa-an-binh").get_data(as_text=True)
    assert "Xã An Bình" in page and 'id="revoke"' not in page
    assert post(approver, "/station/xa-an-binh/revoke").status_code == 403
    assert approver.get("/stations/new").status_code == 403
    admin = logged_in(pages_app, district_admin)
    assert admin.get("/station/xa-dong-son").status_code == 404  # district 650: not even named
    assert post(admin, "/station/xa-dong-son/revoke").status_code == 404
    assert row(pages_db, "xa-dong-son").revoked_at is None
    # A district's admin enrols in their own district, and cannot move a station out of it.
    made = post(admin, "/stations/new", id="xa-moi", district="650")
    assert made.status_code == 200 and row(pages_db, "xa-moi").district == "643"
    post(admin, "/station/xa-moi/settings", district="650", name="Xã Mới")
    assert (row(pages_db, "xa-moi").district, row(pages_db, "xa-moi").name) == ("643", "Xã Mới")
