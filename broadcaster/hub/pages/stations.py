"""The stations page: each commune's station online or offline and since when, its health, last airing and
version; the table refreshes itself every few seconds (htmx)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from broadcaster.hub.overview import OFFLINE_AFTER_S, station_states
from broadcaster.hub.pages import requires, served_hub, visible
from broadcaster.hub.users import ROLES
from broadcaster.messages import marked
from broadcaster.web.pages import now

bp = Blueprint("hubstations", __name__)
NAV = (("hubstations.page", marked("Stations"), ROLES),)


@bp.route("/")
@requires(*ROLES)
def home():
    """The hub's first page is its stations."""
    return redirect(url_for("hubstations.page"))


@bp.route("/stations/")
@requires(*ROLES)
def page():
    """Every station the person may see, as the hub knows it now."""
    from broadcaster.hub.pages.enrolment import enrols

    return render_template("hub-stations.html", **_states(), enrols=enrols())


@bp.route("/stations/table")
@requires(*ROLES, passive=True)
def table():
    """The table alone, for the page's refresh."""
    return render_template("hub-stations-table.html", **_states())


def _states() -> dict:
    with served_hub().engine.connect() as db:
        states = station_states(db, visible(), now())
    return {"states": states, "online": sum(s.online for s in states), "offline_after": OFFLINE_AFTER_S // 60,
            "now_at": now()}
