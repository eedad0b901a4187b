"""What every page handler uses: the station, its clock, the person logged in, and a page for a problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app, render_template

from broadcaster.errors import BroadcasterError
from broadcaster.playout.clock import Clock
from broadcaster.station import Station
from broadcaster.status import PlanningCache

if TYPE_CHECKING:
    from broadcaster.web.auth import LoginLock

EXTENSION = "broadcaster"


@dataclass(frozen=True)
class Served:
    """The station a web application serves, the clock it reads, the lock on its login, and its plans kept
    while its files do not change."""

    station: Station
    clock: Clock
    login_lock: LoginLock
    planning: PlanningCache


def served() -> Served:
    """The station and clock of the application handling this request."""
    return current_app.extensions[EXTENSION]


def station() -> Station:
    """The station served."""
    return served().station


def now() -> dt.datetime:
    """The station's current time (from the clock the application was made with)."""
    return served().clock.now()


def problem(message: str, status: int):
    """A page that says one line, with an HTTP status."""
    return render_template("problem.html", message=message), status


def failed(error: BroadcasterError):
    """A library error raised by a handler: its one line, 400 for bad input, 409 for a state of the station."""
    return problem(str(error), 400 if error.exit_code == 2 else 409)
