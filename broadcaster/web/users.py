"""The users page (the admin's): the people of the station, adding one, resetting a passphrase."""

from __future__ import annotations

from flask import Blueprint, render_template

from broadcaster.messages import marked
from broadcaster.web.auth import ADMIN, requires
from broadcaster.web.pages import station

bp = Blueprint("users", __name__, url_prefix="/users")
NAV = (("users.page", marked("Users"), (ADMIN,)),)


@bp.route("/")
@requires(ADMIN)
def page():
    """The people of the station and their roles."""
    return render_template("users.html", people=station().users.people())
