"""The bulletins page: the bulletins of the person's stations; writing one (an officer, signing with their
passphrase), approving or cancelling it (an approver, with theirs); and each one's state at every station,
live (the table is asked for again every second): accepted, delivered, on air, failed and why, how late.
Every change is the bulletin library's own call, as the CLI's `hub bulletin` makes it."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from broadcaster.errors import BroadcasterError, InputError
from broadcaster.hub import bulletins as library
from broadcaster.hub.pages import TIMEZONE, person, requires, served_hub, visible
from broadcaster.hub.schema import bulletins, stations
from broadcaster.hub.users import ROLES, unlock
from broadcaster.messages import marked, t
from broadcaster.web.pages import now

bp = Blueprint("hubbulletins", __name__, url_prefix="/bulletins")
NAV = (("hubbulletins.page", marked("Bulletins"), ROLES),)
LISTED = 100
LIVE_S = 1  # the status table is asked for again this often


@bp.route("/")
@requires(*ROLES)
def page():
    """The latest bulletins of the person's stations, and the form to write one (for an officer)."""
    mine = visible()
    with served_hub().engine.connect() as db:
        listed = library.bulletin_list(db, now(), LISTED, mine)
        names = dict(db.execute(select(stations.c.id, stations.c.name).where(stations.c.id.in_(mine))
                                .order_by(stations.c.id)).all())
    return render_template("hub-bulletins.html", bulletins=listed, stations=names, levels=library.LEVELS,
                           writer="officer" in person().roles)


@bp.route("/", methods=["POST"])
@requires("officer")
def write():
    """Write a bulletin, signed by the officer logged in; it waits for an approver."""
    form = request.form
    try:
        until = _until(form.get("valid_until", ""))
        chosen = form.getlist("to")
        mine = set(visible())
        if not chosen or any(s not in mine for s in chosen):
            raise InputError(t("choose the stations of your area it is for"))
        draft = library.Draft(title=form.get("title", ""), text=form.get("text", ""), level=form.get("level", ""),
                              to=tuple(chosen), language=form.get("language", "") or "vie",
                              topic=form.get("topic", "") or "general", valid_until=until,
                              drill=form.get("drill") == "on", source="web")
        signer = _signer()
        uid = library.issue_bulletin(served_hub().engine, draft, signer, now())
    except BroadcasterError as exc:
        flash(str(exc), "problem")
        return redirect(url_for("hubbulletins.page"), 303)
    flash(t("bulletin {uid} written; it waits for another person's approval", uid=uid), "notice")
    return redirect(url_for("hubbulletins.status", uid=uid), 303)


@bp.route("/<uid>")
@requires(*ROLES)
def status(uid: str):
    """One bulletin: what it says, and its state at each of the person's stations, live."""
    return render_template("hub-bulletin.html", **_status(uid), live_s=LIVE_S,
                           approver="approver" in person().roles)


@bp.route("/<uid>/stations")
@requires(*ROLES, passive=True)
def stations_table(uid: str):
    """The table of its stations alone, asked for again every LIVE_S by the page."""
    return render_template("hub-bulletin-stations.html", **_status(uid))


@bp.route("/<uid>/approve", methods=["POST"])
@requires("approver")
def approve(uid: str):
    """Approve the bulletin with the approver's passphrase: it goes to its stations."""
    return _act(uid, library.approve_bulletin, marked("bulletin {uid} approved: sent to {n} stations"))


@bp.route("/<uid>/cancel", methods=["POST"])
@requires("approver")
def cancel(uid: str):
    """Cancel the bulletin with the approver's passphrase: stations drop it unless it has aired."""
    return _act(uid, library.cancel_bulletin, marked("bulletin {uid} cancelled: {n} stations told"))


def _act(uid: str, call, done: str):
    with served_hub().engine.connect() as db:
        if uid not in _seen(db, visible()):
            abort(404)  # another area's bulletin is not named, even to say it cannot be touched
    try:
        sent = call(served_hub().engine, served_hub().key, uid, _signer(), now())
    except BroadcasterError as exc:
        flash(str(exc), "problem")
    else:
        flash(t(done, uid=uid, n=sent), "notice")
    return redirect(url_for("hubbulletins.status", uid=uid), 303)


def _signer():
    """The person logged in, with their key opened by the passphrase the form carries (the session keeps none)."""
    return unlock(served_hub().engine, person().name, request.form.get("passphrase", ""), now())


def _seen(db, mine: list[str]) -> set[str]:
    """The uids of the bulletins for at least one of the stations ``mine``."""
    return set(db.execute(select(bulletins.c.uid).where(library.for_any(mine))).scalars()) if mine else set()


def _status(uid: str) -> dict:
    mine = visible()
    with served_hub().engine.connect() as db:
        if uid not in _seen(db, mine):
            abort(404)
        found = library.bulletin_status(db, uid, now())
        text_ = db.execute(select(bulletins.c.text, bulletins.c.valid_from, bulletins.c.valid_until)
                           .where(bulletins.c.uid == uid)).first()
    shown = set(mine)
    return {"status": found, "rows": [s for s in found.stations if s.station in shown],
            "waiting": [s for s in found.waiting if s in shown], "bulletin": text_, "now_at": now()}


def _until(value: str) -> dt.datetime | None:
    """The end of validity a datetime-local field sends (province time), None when left empty."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=TIMEZONE)
    except ValueError:
        raise InputError(t("'{value}' is not a date and time", value=value[:40])) from None
