"""The Flask application of a station: its pages (blueprints), sessions, CSRF, headers and language."""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from pathlib import Path

from flask import Flask, current_app, g, session
from werkzeug.exceptions import HTTPException

from broadcaster.errors import BroadcasterError
from broadcaster.messages import LANGUAGES, counted, marked, speaking, t
from broadcaster.playout.clock import Clock, SystemClock
from broadcaster.station import Station
from broadcaster.status import PlanningCache
from broadcaster.web import auth, filters, library, onair, reports, schedule, security, users
from broadcaster.web.pages import EXTENSION, Served, failed, problem, served

# The page groups, in the order of the menu. A page group is a module with a Blueprint ``bp`` and ``NAV``:
# (endpoint, label, roles) for each menu entry it adds.
PAGES = (
    onair,
    library,
    schedule,
    reports,
    users,
)


def create_app(station: Station, clock: Clock | None = None, **config: object) -> Flask:
    """The web application of ``station``, reading ``clock`` (the system's by default); ``config`` goes
    into Flask's configuration (TESTING=True for tests)."""
    station.config  # read and checked once, now: a broken station.yaml stops `serve` before it listens
    app = Flask(__name__)
    return furnish(app, station.data_dir, Served(station, clock or SystemClock(station.config.tz), auth.LoginLock(),
                                                   auth.EndedSessions(station.data_dir / "web-sessions.json"),
                                                   PlanningCache(station)), PAGES, config)


def furnish(app: Flask, data_dir: Path, what: object, pages: tuple, config: dict) -> Flask:
    """What the station's pages and the hub's share, put on ``app``: the served ``what`` (its clock, login lock,
    ended sessions, people), the session's key kept in ``data_dir``, language, CSRF, headers, filters, login,
    the rule that every route declares its roles, error pages, and the menu of ``pages``."""
    app.config.update(SECRET_KEY=security.secret_key(data_dir),
                      PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=auth.SESSION_S), **config)
    app.extensions[EXTENSION] = what
    app.before_request(_speak)  # first: a refusal by the CSRF check speaks the page's language too
    app.teardown_request(_stop_speaking)
    security.protect(app)
    filters.register(app)
    app.register_blueprint(auth.bp)
    for page in pages:
        app.register_blueprint(page.bp)
    auth.guard(app)
    app.register_error_handler(BroadcasterError, failed)
    app.register_error_handler(HTTPException, _http_error)
    app.jinja_env.globals.update(t=t, counted=counted, LANGUAGES=LANGUAGES)
    app.extensions[EXTENSION + ".pages"] = pages
    app.context_processor(_page_context)
    return app


# What a person is told for the web server's own refusals, in the page's language.
HTTP_MESSAGES = {404: marked("there is no such page"), 405: marked("this page cannot be used this way"),
                 413: marked("what was sent is too big"),
                 500: marked("something went wrong on the server; it is written in the server's log")}


def _http_error(error: HTTPException):
    if error.code is not None and error.code < 400:
        return error  # a routing redirect ('/library' to '/library/'), not a refusal
    message = HTTP_MESSAGES.get(error.code)
    return problem(t(message) if message else t("this request cannot be served ({code})", code=error.code),
                   error.code or 500)


def _language() -> str:
    """The language chosen for this session, else the station's (or hub's)."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else served().language


def _speak() -> None:
    g.speaking = ExitStack()
    g.speaking.enter_context(speaking(_language()))


def _stop_speaking(_error: BaseException | None) -> None:
    if "speaking" in g:
        g.speaking.close()


def _page_context() -> dict:
    """What base.html shows: the language, the station's (or hub's) name, the menu the person may use."""
    roles = g.get("roles", set())
    pages = current_app.extensions[EXTENSION + ".pages"]
    nav = [(endpoint, label) for page in pages for endpoint, label, allowed in page.NAV if roles & set(allowed)]
    return {"lang": _language(), "station_name": served().name, "nav": nav, "person": g.get("person"),
            "home": served().home, "home_label": served().home_label}
