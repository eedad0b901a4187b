"""A station's page at the hub, and its admin's changes: a station enrolled (its one-time code shown once), its
name, communes and drill mode set, a new code made, its key revoked. Each change asks for the admin's
passphrase and is the same call as the CLI's `hub enrol`, `hub station set` and `hub revoke`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from broadcaster.errors import BroadcasterError, InputError
from broadcaster.hub import stations as registry
from broadcaster.hub.pages import person, requires, served_hub, visible
from broadcaster.hub.schema import stations
from broadcaster.hub.users import ROLES, unlock
from broadcaster.messages import t
from broadcaster.trust.keys import fingerprint, public_raw
from broadcaster.web.pages import now

bp = Blueprint("hubenrol", __name__)
NAV = ()  # reached from the stations page and its table


@bp.route("/station/<sid>")
@requires(*ROLES)
def page(sid: str):
    """What the hub knows of one station of the person's area, and, for its admin, the forms to change it."""
    return render_template("hub-station.html", **_station(sid), code=None)


@bp.route("/station/<sid>/settings", methods=["POST"])
@requires("admin")
def settings(sid: str):
    """Set the station's name, commune, district and drill mode."""
    form, level = request.form, person().level
    # A commune's admin cannot move the station out of their commune, nor a district's out of their district.
    area = (form.get("area", "").strip() or None) if level != "commune" else None
    district = form.get("district", "").strip() if level == "province" else None
    return _change(sid, lambda db: registry.set_station(db, sid, form.get("name") or None, area, district,
                                                        form.get("drill") == "on"),
                   t("{station} is changed", station=sid))


@bp.route("/station/<sid>/revoke", methods=["POST"])
@requires("admin")
def revoke(sid: str):
    """Revoke the station's key: it comes back only with a new code and a new key."""
    return _change(sid, lambda db: registry.revoke(db, sid, now()),
                   t("{station} is revoked; it may join again only with a new code", station=sid))


@bp.route("/station/<sid>/code", methods=["POST"])
@requires("admin")
def code(sid: str):
    """A new one-time code for the station, shown on this page only."""
    _admin_of(sid)
    try:
        _confirm()
        with served_hub().engine.begin() as db:
            made = registry.enrol(db, sid, now())
    except BroadcasterError as exc:
        flash(str(exc), "problem")
        return redirect(url_for("hubenrol.page", sid=sid), 303)
    return render_template("hub-station.html", **_station(sid), code=made)


@bp.route("/stations/new", methods=["GET", "POST"])
@requires("admin")
def new():
    """Enrol a station of the person's area: its one-time code is shown once, to read to the commune."""
    if not enrols():
        abort(403)
    form = request.form
    if request.method == "GET":
        return render_template("hub-station-new.html", form={})
    sid = form.get("id", "").strip()
    try:
        _confirm()
        if _known(sid):
            raise InputError(t("{station} is enrolled already: make it a new code on its page", station=sid))
        with served_hub().engine.begin() as db:
            made = registry.enrol_station(db, sid, now(), name=form.get("name") or None,
                                          area=form.get("area", "").strip() or None, district=_district(),
                                          drill=form.get("drill") == "on")
    except BroadcasterError as exc:
        flash(str(exc), "problem")
        return render_template("hub-station-new.html", form=form), 400
    return render_template("hub-station.html", **_station(sid), code=made)


def _station(sid: str) -> dict:
    if sid not in visible():
        abort(404)  # a station of another area is not named, even to say it cannot be seen
    with served_hub().engine.connect() as db:
        row = db.execute(select(stations).where(stations.c.id == sid)).one()
    return {"station": row, "key": fingerprint(bytes(row.public_key)) if row.public_key else "",
            "admin": "admin" in person().roles_for(sid), "level": person().level,
            "code_days": registry.DEFAULT_CODE_DAYS, "hub_key": fingerprint(public_raw(served_hub().key))}


def _admin_of(sid: str) -> None:
    if sid not in visible():
        abort(404)
    if "admin" not in person().roles_for(sid):
        abort(403)


def _change(sid: str, call, done: str):
    _admin_of(sid)
    try:
        _confirm()
        with served_hub().engine.begin() as db:
            call(db)
    except BroadcasterError as exc:
        flash(str(exc), "problem")
    else:
        flash(done, "notice")
    return redirect(url_for("hubenrol.page", sid=sid), 303)


def _confirm() -> None:
    """The admin logged in confirms a change with their passphrase (the session keeps none)."""
    unlock(served_hub().engine, person().name, request.form.get("passphrase", ""), now())


def enrols() -> bool:
    """Whether the person may enrol new stations: an admin of a whole province or district."""
    who = person()
    return who.level in ("province", "district") and any(r == "admin" and s is None for r, s in who.grants)


def _district() -> str:
    """The district a new station is in: the one the form names, or a district admin's own."""
    return person().area if person().level == "district" else request.form.get("district", "").strip()


def _known(sid: str) -> bool:
    """Whether the hub knows a station ``sid`` (of any area: an id is the hub's, once)."""
    with served_hub().engine.connect() as db:
        return db.execute(select(stations.c.id).where(stations.c.id == sid)).first() is not None
