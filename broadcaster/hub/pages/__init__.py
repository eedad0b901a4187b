"""The hub's web pages, for its people (province, district and commune staff): stations, reports, bulletins.
A Flask application of its own, furnished with the station dashboard's shared pieces (sessions, CSRF, headers,
login, roles on every route, error pages, filters, templates and static files), and served by `hub serve` on
the same port as the stations' API: :func:`dispatch` sends /api/ to the API and everything else here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app, g
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy.engine import Engine

from broadcaster.hub import access, summaries, users
from broadcaster.hub.users import ROLES
from broadcaster.messages import marked, t
from broadcaster.playout.clock import Clock, SystemClock
from broadcaster.web import auth
from broadcaster.web.app import furnish
from broadcaster.web.pages import EXTENSION

TIMEZONE = summaries.TIMEZONE  # the province's pages show its time, whatever the server's zone
WEB = Path(auth.__file__).parent
requires = auth.requirement(ROLES)  # every route of the hub's pages wears it, with roles among the hub's


@dataclass
class HubServed:
    """What the hub's pages serve: its database, data folder and clock, and what the shared pieces ask of
    whatever they serve (see broadcaster.web.pages.Served)."""

    engine: Engine
    data: Path
    key: Ed25519PrivateKey  # the hub's, which signs what the stations are sent
    clock: Clock
    login_lock: auth.LoginLock
    ended: auth.EndedSessions
    home = "hubstations.page"
    home_label = marked("Back to the stations")
    language = "vi"

    @property
    def name(self) -> str:
        """The name in the pages' header."""
        return t("Province hub")

    def unlock(self, name: str, passphrase: str) -> str:
        """The name of the person whose passphrase this is (users.sign_in: counted per computer by the login,
        never against the person everywhere; one answer, in one time, for whatever is wrong)."""
        return users.sign_in(self.engine, name, passphrase, self.clock.now()).name

    def find(self, name: str) -> tuple[access.HubPerson, set[str]] | None:
        """The person logged in as ``name`` and every role they hold, None when they are no longer a user."""
        with self.engine.connect() as db:
            person = access.find(db, name)
        return None if person is None else (person, person.roles)


def create_app(engine: Engine, data: Path, key: Ed25519PrivateKey, clock: Clock | None = None,
               **config: object) -> Flask:
    """The hub's pages over ``engine``, with their session key and ended sessions kept in ``data``, signing
    deliveries with the hub's ``key``."""
    from broadcaster.hub.pages import bulletins, enrolment, reports, stations

    data.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, static_folder=str(WEB / "static"))
    app.jinja_loader = ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"),
                                     FileSystemLoader(WEB / "templates")])
    served = HubServed(engine, data, key, clock or SystemClock(TIMEZONE), auth.LoginLock(),
                       auth.EndedSessions(data / "web-sessions.json"))
    app = furnish(app, data, served, (stations, enrolment, reports, bulletins), config)
    app.jinja_env.globals.update(commune_columns=summaries.commune_columns, commune_cells=summaries.commune_cells,
                                 moment=summaries.moment)
    return app


def served_hub() -> HubServed:
    """The hub served by the application handling this request."""
    return current_app.extensions[EXTENSION]


def person() -> access.HubPerson:
    """The person logged in (in a route that wears :data:`requires`)."""
    return g.person


def visible() -> list[str]:
    """The ids of the stations the person logged in may see."""
    with served_hub().engine.connect() as db:
        return access.visible(db, person())


def dispatch(api: Callable, pages: Callable) -> Callable:
    """One WSGI application: the stations' API under /api/, the people's pages for every other path."""
    def application(environ, start_response):
        return (api if environ.get("PATH_INFO", "").startswith("/api/") else pages)(environ, start_response)
    return application
