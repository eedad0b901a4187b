"""What every response carries: the session's signing key and cookie, CSRF checks, and the headers that
keep the pages from being framed, sniffed or made to run a script they did not ship."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

from broadcaster.atomic import remove_leftovers, replacing
from broadcaster.errors import StorageError
from broadcaster.messages import t
from broadcaster.web.pages import problem

SECRET_FILE = "web-secret.key"
SECRET_BYTES = 32
MAX_UPLOAD_BYTES = 100 * 2 ** 20  # a phone's recording of an hour is far less; a larger clip is added by the CLI
# No inline script or style anywhere (htmx is told not to add its own style); audio previews and
# recordings in the browser are blob: URLs.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin"}

csrf = CSRFProtect()


def secret_key(data_dir: Path) -> bytes:
    """The key that signs the session cookies: made once (``secrets``), kept in the station's data folder,
    written atomically; never in the repository."""
    path = data_dir / SECRET_FILE
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = b""
    except OSError as exc:
        raise StorageError(t("the web key cannot be read: {reason}", reason=exc.strerror or exc), path=path) from None
    if len(key) >= SECRET_BYTES:
        return key
    remove_leftovers(data_dir, lambda name: name == SECRET_FILE)  # of a writer killed before
    key = secrets.token_hex(SECRET_BYTES).encode("ascii")
    with replacing(path, what=t("the web key")) as f:
        f.write(key)
    return key


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, whose cookie is Secure exactly when the page came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure over https; a plain-http LAN page could not send it back otherwise."""
        return request.is_secure


def protect(app: Flask) -> None:
    """Sessions, CSRF and headers for ``app``."""
    app.session_interface = SessionInterface()
    app.config.update(SESSION_COOKIE_NAME="broadcaster_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict", MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
                      WTF_CSRF_TIME_LIMIT=None)  # the token lives as long as the session, which expires
    csrf.init_app(app)
    app.register_error_handler(CSRFError, _refused)
    app.after_request(_headers)


def _refused(error: CSRFError):
    return problem(t("the form has expired or did not come from this station's pages: open it again"), 403)


def _headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")  # a shared PC's back button shows no one's page
    return response
