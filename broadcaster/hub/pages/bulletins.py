"""The bulletins page (placeholder until the bulletin library lands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("hubbulletins", __name__, url_prefix="/bulletins")
NAV = ()
