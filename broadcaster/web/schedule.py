"""The schedule page: a week's calendar per output, planned against aired; the schedule files edited in the
browser with `schedule check`'s checks, saved only when they hold (`run` takes the change by itself)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from broadcaster.airing_log import AIRING
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import marked, t
from broadcaster.web.auth import EVERYONE, requires
from broadcaster.web.pages import day_arg, now, served, station
from broadcaster.week import day_name, monday, week_calendar

bp = Blueprint("schedule", __name__, url_prefix="/schedule")
NAV = (("schedule.page", marked("Schedule"), EVERYONE),)
EDITORS = ("operator", "supervisor")
MAX_ECHO = 1_000_000  # characters of a refused edit shown again in the editor; past it, the file as it is


@bp.route("/")
@requires(*EVERYONE)
def page():
    """The week of the day asked for (this week by default), each output's airings coloured by outcome."""
    first = monday(day_arg("week") or now().date())
    days = [first + dt.timedelta(days=i) for i in range(7)]
    plans = [served().planning.plan(day, now()) for day in days]
    log = station().airing_log
    # The week's records and the log's first day, kept while the log does not change (a week of a busy station's
    # log takes tens of milliseconds to read).
    records, began = served().planning.from_log(("week", first), lambda: (
        log.query(days[0], days[-1], kind=AIRING, sources=False), log.began()))
    calendar = week_calendar(plans, records, now(), began)
    return render_template("schedule.html", days=days, day_name=day_name, calendar=calendar,
                           previous=first - dt.timedelta(days=7), following=first + dt.timedelta(days=7),
                           files=station().planner.schedule_texts(), can_edit=bool(set(EDITORS) & g.roles))


@bp.route("/edit/<name>", methods=["GET", "POST"])
@requires(*EDITORS)
def edit(name: str):
    """One schedule file in an editor; a change is saved only when the files, with it, pass the checks."""
    texts = station().planner.schedule_texts()
    if name not in texts:
        raise InputError(t("no schedule file '{name}'; the files are: {names}", name=name, names=", ".join(texts)))
    if request.method == "GET":
        return render_template("schedule-edit.html", name=name, text=texts[name], error=None)
    text = request.form.get("text", "")
    try:
        station().planner.replace_schedule(name, text)
    except BroadcasterError as exc:
        shown = text if len(text) <= MAX_ECHO else texts[name]  # a huge refused text is not sent back whole
        return render_template("schedule-edit.html", name=name, text=shown, error=exc), 400
    flash(t("{name} saved; run takes it at its next look at the files", name=name), "notice")
    return redirect(url_for("schedule.page"), 303)

