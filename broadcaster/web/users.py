"""The users page (the admin's): the people of the station, adding one, resetting a forgotten passphrase:
the CLI's `user list`, `user add` and `user reset`."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from broadcaster.content.users import MIN_PASSPHRASE, ROLES
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import marked, t
from broadcaster.web.auth import ADMIN, person, requires
from broadcaster.web.pages import now, station

bp = Blueprint("users", __name__, url_prefix="/users")
NAV = (("users.page", marked("Users"), (ADMIN,)),)


@bp.route("/")
@requires(ADMIN)
def page():
    """The people of the station and their roles."""
    s = station()
    return render_template("users.html", people=s.users.people(), roles=ROLES, min_passphrase=MIN_PASSPHRASE,
                           admin_fingerprint=s.users.admin_fingerprint())


@bp.route("/add", methods=["POST"])
@requires(ADMIN)
def add():
    """Add a person with a role and a passphrase, allowed by the admin's passphrase."""
    form = request.form
    try:
        station().users.add(form.get("name", ""), form.get("role", ""), _new_passphrase(), now(),
                            (person().name, form.get("admin_passphrase", "")))
    except BroadcasterError as exc:
        flash(str(exc), "problem")
    else:
        flash(t("{name} added as {role}", name=form["name"], role=t(form["role"])), "notice")
    return redirect(url_for("users.page"), 303)


@bp.route("/reset", methods=["POST"])
@requires(ADMIN)
def reset():
    """Give a person a new passphrase, allowed by the admin's passphrase."""
    form = request.form
    try:
        station().users.reset(form.get("name", ""), _new_passphrase(), now(),
                              (person().name, form.get("admin_passphrase", "")))
    except BroadcasterError as exc:
        flash(str(exc), "problem")
    else:
        flash(t("{name} has a new passphrase", name=form["name"]), "notice")
    return redirect(url_for("users.page"), 303)


def _new_passphrase() -> str:
    """The new passphrase of the form, typed twice alike."""
    passphrase = request.form.get("passphrase", "")
    if passphrase != request.form.get("passphrase2", ""):
        raise InputError(t("the two new passphrases differ"))
    return passphrase
