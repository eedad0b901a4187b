"""The status command: what is on air now, what comes next, and today's outcomes (the on-air page's call)."""

from __future__ import annotations

import click

from broadcaster import status
from broadcaster.cli import cli
from broadcaster.cli.content import now_of
from broadcaster.cli.output import console, hms, table
from broadcaster.health import running_health
from broadcaster.messages import t
from broadcaster.station import Station


@cli.command("status")
@click.pass_obj
def status_command(station: Station) -> None:
    """What each output plays now, the next 3 hours, and today's airings with their outcome."""
    now = now_of(station)
    console.print(running_health(station).message, markup=False)
    for p in status.playing(station):
        console.print(t("ON AIR {output}: {id} {title} ({elapsed:.0f} s of {length:.0f} s, since {time})",
                        output=p.airing.output, id=p.airing.announcement, title=p.airing.title,
                        elapsed=p.elapsed_s(now), length=p.length_s, time=hms(p.started)), markup=False)
    table(t("Next 3 hours"), [t("start"), t("output"), t("id"), t("title")],
          [[hms(a.start), a.output, a.announcement, a.title] for a in status.coming(station, now)])
    table(t("Today"), [t("time"), t("output"), t("id"), t("status"), t("reason")],
          [[hms(r.get("actual_start") or r.get("planned_start")), r["output"], r["announcement"], t(r["status"]),
            r.get("reason", "")] for r in status.today(station, now)])
