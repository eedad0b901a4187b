"""The serve command: the station's web dashboard, beside a running `broadcaster run`."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t
from broadcaster.station import Station

LOCAL = "127.0.0.1"


@cli.command("serve")
@click.option("--host", default=LOCAL, show_default=True,
              help="Address to listen on; 0.0.0.0 opens the dashboard to the LAN (every page needs a login).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="TCP port.")
@click.pass_obj
def serve_command(station: Station, host: str, port: int) -> None:
    """Serve the station's web dashboard (Ctrl+C stops)."""
    from waitress import create_server  # the web server and Flask, only for this command

    from broadcaster.web.app import create_app
    from broadcaster.web.pages import SERVER_THREADS

    app = create_app(station)
    try:
        server = create_server(app, host=host, port=port, threads=SERVER_THREADS, ident="broadcaster")
    except OSError as exc:
        raise BroadcasterError(t("cannot listen on {host}:{port}: {reason}", host=host, port=port,
                                 reason=exc.strerror or exc)) from None
    click.echo(t("{name}: the dashboard is on http://{host}:{port}/ (Ctrl+C stops)", name=station.config.name,
                 host=host, port=port))
    if host != LOCAL:
        click.echo(t("listening beyond this computer: every page asks for a login"))
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
