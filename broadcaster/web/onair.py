"""The on-air page: what each output plays now, what comes next, what aired today, the devices, and the
urgent button."""

from __future__ import annotations

from flask import Blueprint, render_template

from broadcaster.health import running_health
from broadcaster.messages import marked
from broadcaster.web.auth import EVERYONE, requires
from broadcaster.web.pages import station

bp = Blueprint("onair", __name__)
NAV = (("onair.page", marked("On air"), EVERYONE),)


@bp.route("/")
@requires(*EVERYONE)
def page():
    """The on-air page."""
    return render_template("onair.html", running=running_health(station()))
