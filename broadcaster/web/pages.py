"""What every page handler uses: the station, its clock, the person logged in, and a page for a problem."""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app, render_template, request

from broadcaster.content.users import Person, same_person
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import marked, t
from broadcaster.playout.clock import Clock
from broadcaster.station import Station
from broadcaster.status import PlanningCache

if TYPE_CHECKING:
    from broadcaster.web.auth import EndedSessions, LoginLock

EXTENSION = "broadcaster"
ADMIN = marked("admin")  # the first supervisor, whose key is the station's root of trust
SERVER_THREADS = 16  # waitress's threads: each open on-air page holds one for its live stream
MAX_STREAMS = SERVER_THREADS // 2  # live streams at once: the other threads always serve pages and logins


@dataclass(frozen=True)
class Served:
    """The station a web application serves, the clock it reads, the lock on its login, and its plans kept
    while its files do not change."""

    station: Station
    clock: Clock
    login_lock: LoginLock
    ended: EndedSessions
    planning: PlanningCache
    streams: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(MAX_STREAMS))
    # What the shared pieces (auth, filters, app) ask of what is served; the hub's pages answer them too.
    home = "onair.page"  # the endpoint a login leads to
    home_label = marked("Back to the on-air page")

    @property
    def language(self) -> str:
        """The pages' language when the session chose none."""
        return self.station.config.language

    @property
    def name(self) -> str:
        """The name in the pages' header."""
        return self.station.config.name

    def unlock(self, name: str, passphrase: str) -> str:
        """The name of the person whose passphrase this is; an AuthError that tells an unknown name and a wrong
        passphrase apart neither by its words nor by its time when it is not."""
        return self.station.users.sign_in(name, passphrase).name

    def find(self, name: str) -> tuple[Person, set[str]] | None:
        """The person logged in as ``name`` and their roles, None when they are removed or no longer verify."""
        users = self.station.users
        person = next((p for p in users.people() if not p.reason and same_person(p.name, name)), None)
        if person is None:
            return None
        return person, ({person.role, ADMIN} if person.public == users.root_public() else {person.role})


def served() -> Served:
    """The station and clock of the application handling this request."""
    return current_app.extensions[EXTENSION]


def station() -> Station:
    """The station served."""
    return served().station


def now() -> dt.datetime:
    """The station's current time (from the clock the application was made with)."""
    return served().clock.now()


DAY_PATTERN = r"(\d{1,2})/(\d{1,2})/(\d{4})"  # dd/mm/yyyy, as the station writes days, whatever the browser's locale


def day_arg(name: str) -> dt.date | None:
    """The day a request's argument ``name`` gives (dd/mm/yyyy as the pages' day fields take it, or YYYY-MM-DD
    as links carry it), None when absent; a day too near the calendar's ends for a week around it is refused."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    written = re.fullmatch(DAY_PATTERN, value)
    try:
        day = dt.date(int(written[3]), int(written[2]), int(written[1])) if written else dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not dt.date.min + dt.timedelta(days=366) <= day <= dt.date.max - dt.timedelta(days=366):
        raise InputError(t("'{value}' is not a day (dd/mm/yyyy)", value=value))
    return day


def problem(message: str, status: int):
    """A page that says one line, with an HTTP status."""
    return render_template("problem.html", message=message), status


def failed(error: BroadcasterError):
    """A library error raised by a handler: its one line, 400 for bad input, 409 for a state of the station."""
    return problem(str(error), 400 if error.exit_code == 2 else 409)
