"""Running the hub: its database (the one named, or the private one in its data folder) migrated, its key,
its API served by waitress."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Engine

from broadcaster.hub.database import embedded_url, engine_for, migrate
from broadcaster.hub.identity import hub_key

DEFAULT_PORT = 8470
DEFAULT_DATA = Path("hub-data")


@dataclass
class Hub:
    """An opened hub: its engine (schema up to date), key and data folder."""

    engine: Engine
    key: Ed25519PrivateKey
    data: Path
    revision: str


def open_database(db: str | None, data: Path) -> Engine:
    """The engine on ``db``, or on the private server in ``data`` when ``db`` is None or empty."""
    if not db:
        with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (a service, a container)
            warnings.simplefilter("ignore")
            db = embedded_url(Path(data))
    return engine_for(db)


def open_hub(db: str | None, data: Path) -> Hub:
    """The hub of ``data`` on ``db``, with every migration applied."""
    engine = open_database(db, data)
    revision = migrate(engine)
    return Hub(engine, hub_key(Path(data)), Path(data), revision)


def serve(hub: Hub, host: str, port: int, ready: Callable[[str], None] = lambda url: None) -> None:
    """Answer stations on ``host``:``port`` until the process is stopped."""
    import waitress

    from broadcaster.hub.api import create_app

    server = waitress.create_server(create_app(hub.engine, hub.key), host=host, port=port, threads=8)
    ready(f"http://{host}:{server.effective_port}")
    server.run()
