"""Who is logged in: the login and logout pages, the session's expiry, the lock on a login guessed at, and
:func:`requires`, which every route wears to say which roles may use it."""

from __future__ import annotations

import functools
import json
import secrets
import threading
from pathlib import Path
from typing import Callable

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request, session, url_for

from broadcaster.atomic import replacing
from broadcaster.content.names import fold
from broadcaster.content.users import LOCK_S, MAX_TRIES, ROLES, AuthError, Person, person_name
from broadcaster.messages import LANGUAGES, t
from broadcaster.web.pages import ADMIN, now, problem, served

EVERYONE = (*ROLES, ADMIN)
SESSION_S = 8 * 3600  # a session ends this long after its login ...
IDLE_S = 3600         # ... or after this long without a request
LOGIN_TRIES = 10      # this many wrong logins from one computer lock its login for LOCK_S (MAX_TRIES a name)

bp = Blueprint("auth", __name__)


def requirement(everyone: tuple[str, ...]) -> Callable:
    """A :func:`requires` whose roles are among ``everyone`` (the station's, or the hub's)."""

    def requiring(*roles: str, passive: bool = False) -> Callable:
        unknown = set(roles) - set(everyone)
        if not roles or unknown:
            raise ValueError(f"requires() takes roles among {everyone}, not {sorted(unknown) or 'none'}")
        return _requiring(roles, passive)

    return requiring


def requires(*roles: str, passive: bool = False) -> Callable:
    """Let only a person logged in, holding one of ``roles`` ('admin' for the admin), use the route; a
    ``passive`` one (a page's live stream) does not count as the person being active (the idle limit)."""
    return requirement(EVERYONE)(*roles, passive=passive)


def _requiring(roles: tuple[str, ...], passive: bool) -> Callable:
    """The decorator that lets only a person holding one of ``roles`` use a route."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if g.person is None:
                if request.method in ("GET", "HEAD") and not request.headers.get("HX-Request"):
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                return problem(t("log in first"), 401)
            if not g.roles & set(roles):
                return problem(t("{name} is {role}; this page is for: {roles}", name=g.person.name,
                                 role=t(g.person.role), roles=", ".join(t(r) for r in roles)), 403)
            return view(*args, **kwargs)

        guarded.roles, guarded.passive = roles, passive
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Mark a route that needs no login (the login page itself)."""
    view.roles = None
    return view


def guard(app: Flask) -> None:
    """Refuse to serve a route that wears neither :func:`requires` nor :func:`public`; read the session of
    every request."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static" and not hasattr(view, "roles"):
            raise TypeError(f"route {endpoint} must wear @requires(...) or @public")
    app.before_request(_session_person)


def _session_person() -> None:
    """g.person and g.roles from the session, or None and nothing when it has expired or names no one."""
    g.person, g.roles = None, set()
    name = session.get("name")
    if not isinstance(name, str) or request.endpoint == "static":  # a style sheet needs no one
        return
    at = now().timestamp()
    since, seen = session.get("since", 0), session.get("seen", 0)
    if not (isinstance(since, (int, float)) and isinstance(seen, (int, float))) \
            or at - since > SESSION_S or at - seen > IDLE_S:
        session.clear()
        return
    if served().ended.ended(session.get("sid")):  # logged out: a copy of the cookie opens nothing
        session.clear()
        return
    found = served().find(name)
    if found is None:  # removed, or their record no longer verifies
        session.clear()
        return
    if not getattr(current_app.view_functions.get(request.endpoint), "passive", False):
        session["seen"] = at
    g.person, g.roles = found


def session_deadline() -> float:
    """When the session of this request ends at the latest (a timestamp): a stream stops there."""
    return session.get("since", 0) + SESSION_S


class EndedSessions:
    """The sessions logged out before they expired, by id: a copy of a session's cookie (kept on a shared PC)
    opens nothing once its owner logged out. Kept in a file under data/, so that a restart forgets nothing."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}  # none yet, or damaged: sessions still end by their own expiry
        self._ends = {k: v for k, v in data.items() if isinstance(v, (int, float))} if isinstance(data, dict) else {}

    def ended(self, sid: object) -> bool:
        """Whether the session ``sid`` was logged out (a session from before ids counts as ended)."""
        return not isinstance(sid, str) or sid in self._ends

    def end(self, sid: str, expires: float, at: float) -> None:
        """Note ``sid`` as logged out until it would have expired by itself, and forget the expired ones."""
        with self._lock:
            self._ends = {k: v for k, v in self._ends.items() if v > at}
            self._ends[sid] = expires
            with replacing(self.path, "w", encoding="utf-8", what=t("the list of ended sessions")) as out:
                json.dump(self._ends, out)


CHECKING = threading.BoundedSemaphore(4)  # passphrases checked at once (scrypt: 32 MB and ~0.1 s each)
CHECK_WAIT_S = 5.0


class LoginLock:
    """Wrong logins, counted per computer (address) and per name typed from each computer: LOGIN_TRIES from one
    computer within LOCK_S lock its login for LOCK_S, and MAX_TRIES for one name lock that name there. The
    count is by what was typed, known name or not, so that a lock tells no one which names exist; and by
    computer, so that a stranger on the LAN cannot lock the supervisor out of the station's own PC."""

    def __init__(self):
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def locked_until(self, address: str, name: str, at: float) -> tuple[float | None, float | None]:
        """When the login of ``address``, and of ``name`` from ``address``, opens again (None when open)."""
        with self._lock:
            return (self._until((address, ""), LOGIN_TRIES, at),
                    self._until((address, _folded(name)), MAX_TRIES, at))

    def _until(self, key: tuple[str, str], tries: int, at: float) -> float | None:
        recent = [f for f in self._failures.get(key, []) if at - f < LOCK_S]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)  # a computer that guessed once, long ago, is not remembered
        return recent[-1] + LOCK_S if len(recent) >= tries else None

    def failed(self, address: str, name: str, at: float) -> None:
        """Count a wrong login from ``address`` for ``name``."""
        with self._lock:
            for key in ((address, ""), (address, _folded(name))):
                self._failures.setdefault(key, []).append(at)

    def passed(self, address: str, name: str) -> None:
        """A right login from ``address`` ends its run of wrong ones, and that of the name typed."""
        with self._lock:
            self._failures.pop((address, ""), None)
            self._failures.pop((address, _folded(name)), None)


def _folded(name: str) -> str:
    """A name typed, as the login finds it: without case, accents or extra spaces; never '' (the computer's)."""
    return "name:" + fold(person_name(name))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log in with a name and passphrase, which open the person's key as the CLI's do."""
    message, status = "", 200
    if request.method == "POST":
        message, status = _log_in(request.form.get("name", ""), request.form.get("passphrase", ""))
        if not message:
            return redirect(_local(request.args.get("next", "")) or url_for(served().home))
    return render_template("login.html", message=message), status


def _log_in(name: str, passphrase: str) -> tuple[str, int]:
    """Start a session for ``name``: ('', 302) when it starts, else why not and the HTTP status. An unknown name
    and a wrong passphrase get the same answer, in the same time."""
    lock, address, at = served().login_lock, request.remote_addr or "", now().timestamp()
    computer, typed = lock.locked_until(address, name, at)
    if computer is not None:
        return t("too many wrong passphrases from this computer: the login is locked until {time}",
                 time=_clock_time(computer)), 429
    if typed is not None:
        return t("too many wrong passphrases for this name from this computer: it is locked here until {time}",
                 time=_clock_time(typed)), 429
    if not CHECKING.acquire(timeout=CHECK_WAIT_S):  # each check is 32 MB of scrypt: a burst is not let in whole
        return t("too many logins at once; try again in a moment"), 503
    lock.failed(address, name, at)  # counted as it starts, so that tries sent all at once are counted too
    try:
        signed_in = served().unlock(name, passphrase)
    except AuthError as exc:
        return str(exc), 401
    finally:
        CHECKING.release()
    lock.passed(address, name)
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session.update(name=signed_in, since=at, seen=at, sid=secrets.token_urlsafe(16),
                   **({"lang": lang} if lang else {}))
    return "", 302


def _clock_time(timestamp: float) -> str:
    return now().fromtimestamp(timestamp, now().tzinfo).strftime("%H:%M")


def _local(target: str) -> str:
    """``target`` when it is a path on this site, else '' (a login link must not lead elsewhere). Any control
    character or backslash refuses it: browsers and Werkzeug drop tabs and newlines, so '/\t/host' would
    become '//host', another site; and a newline may not go into a header."""
    if not target.startswith("/") or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return ""
    return "" if target.startswith("//") else target


@bp.route("/logout", methods=["POST"])
@requires(*EVERYONE)
def logout():
    """End the session, for good: a copy of its cookie opens nothing afterwards."""
    served().ended.end(session["sid"], session_deadline(), now().timestamp())
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@requires(*EVERYONE)
def language():
    """Show the pages in another language, for this session."""
    chosen = request.form.get("lang", "")
    if chosen not in LANGUAGES:
        return problem(t("no language '{lang}'; the languages: {languages}", lang=chosen,
                         languages=", ".join(LANGUAGES)), 400)
    session["lang"] = chosen
    return redirect(_local(request.form.get("back", "")) or url_for(served().home))


def person() -> Person:
    """The person logged in (in a route that wears :func:`requires`): a station's Person, or the hub's."""
    return g.person
