"""Security over every route, found by enumerating the application's URL map: so a page added later is
checked without anyone writing a test for it."""

from __future__ import annotations

import datetime as dt

from broadcaster.content.users import MAX_TRIES
from broadcaster.web.auth import LOGIN_TRIES
from broadcaster.web.security import MAX_UPLOAD_BYTES
from tests.helpers import PASSPHRASE, SUPERVISOR
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, csrf_token, log_in

CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC = {"static", "auth.login"}


def routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route and method of ``app``, with 'x' for each URL argument."""
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            url = url_for(rule.endpoint, **{name: "x" for name in rule.arguments})
            found += [(rule.endpoint, method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_the_enumeration_finds_the_pages(app):
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert {"onair.page", "users.page", "auth.logout", "auth.login", "auth.language"} <= endpoints


def test_every_route_refuses_without_a_session(app, client):
    checked = 0
    for endpoint, method, url in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
        assert response.status_code in (302, 401, 403), (endpoint, method, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), (endpoint, method)
        checked += 1
    assert checked >= 4


def test_every_change_refuses_without_a_csrf_token(app, admin):
    changes = [(e, m, u) for e, m, u in routes(app) if m in CHANGES]
    assert len(changes) >= 3
    for endpoint, method, url in changes:
        response = admin.open(url, method=method, data={})
        assert response.status_code == 403, (endpoint, method, response.status_code)
        assert "did not come from this station" in response.get_data(as_text=True)
    assert admin.get("/").status_code == 200  # and the session survived every refusal


def test_the_login_itself_refuses_without_a_csrf_token(client):
    response = client.post("/login", data={"name": SUPERVISOR, "passphrase": PASSPHRASE})
    assert response.status_code == 403
    assert client.get("/").status_code == 302


def test_ten_wrong_passphrases_lock_the_login(client, clock):
    for i in range(LOGIN_TRIES):
        # different names, none locked by its own count (MAX_TRIES): the computer's count locks the login
        name = OPERATOR if i < MAX_TRIES - 1 else f"Người Lạ {i}"
        assert log_in(client, name, "đoán mò").status_code == 401, i
    response = log_in(client, SUPERVISOR, PASSPHRASE)
    assert response.status_code == 429
    assert "too many wrong passphrases from this computer: the login is locked until 05:15" in \
        response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    clock.at += dt.timedelta(minutes=15, seconds=1)
    assert log_in(client, SUPERVISOR, PASSPHRASE).status_code == 302


def test_nine_wrong_passphrases_do_not_lock_it(client):
    for i in range(LOGIN_TRIES - 1):
        assert log_in(client, f"Người Lạ {i}", "đoán mò").status_code == 401
    assert log_in(client, OPERATOR, OPERATOR_PASSPHRASE).status_code == 302


def test_a_persons_own_lock_is_told_as_in_the_cli(client):
    for _ in range(MAX_TRIES):
        log_in(client, OPERATOR, "đoán mò")
    response = log_in(client, OPERATOR, OPERATOR_PASSPHRASE)
    assert response.status_code == 429
    assert f"{OPERATOR} gave a wrong passphrase {MAX_TRIES} times: locked until" in response.get_data(as_text=True)


def test_a_request_larger_than_the_cap_is_refused(admin):
    response = admin.post("/logout", data=b"x" * (MAX_UPLOAD_BYTES + 1), content_type="application/octet-stream")
    assert response.status_code == 413
