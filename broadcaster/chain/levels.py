"""Bulletins on air by their level (Circular 39/2020/TT-BTTTT): a normal one waits in the library for the
operator; a priority one goes on air ahead of other content by the station's policy (station.yaml's
``hub: priority:``, after the item on air by default), outside quiet hours; an emergency one at once, over
what plays, on the outputs it names. Both through the urgent orders `run` takes from its mailbox, signed by the
station's key as for approved content; while `run` is not running, or a priority bulletin meets quiet
hours, the bulletin waits and is placed at the next look."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from broadcaster.chain.bulletins import (PLACED, WAITING, WITHDRAWN, ends, hub_bulletin, library_id, starts)
from broadcaster.errors import InputError
from broadcaster.messages import marked, t
from broadcaster.playout.mailbox import Mailbox
from broadcaster.playout.priority import EMERGENCY, NORMAL, Policy, parse_policy

if TYPE_CHECKING:
    from broadcaster.schedule.model import Schedule
    from broadcaster.station import Station

EXPIRED = marked("expired before it could air")


def outputs_here(bulletin: dict, schedule: Schedule) -> list[str]:
    """The outputs a bulletin names that this station has (all of them when it names none); an InputError
    when none is left."""
    if not bulletin["outputs"]:
        return sorted(schedule.outputs)
    here = [name for name in bulletin["outputs"] if name in schedule.outputs]
    if not here:
        raise InputError(t("none of the outputs it names is at this station: {names}",
                           names=", ".join(map(str, bulletin["outputs"]))))
    return here


def place(station: Station, uid: str, now: dt.datetime) -> str:
    """Send an approved priority or emergency bulletin on air now when it may go: PLACED, WAITING (until
    `run` runs, its validity starts or quiet hours end), WITHDRAWN (cancelled, replaced, no longer approved)
    or EXPIRED; an InputError when it cannot air here at all (no output of its)."""
    entry = station.library.find(library_id(uid))
    bulletin = hub_bulletin(entry) if entry is not None else None
    if bulletin is None or bulletin["level"] == NORMAL:
        return WITHDRAWN
    if ends(bulletin) <= now:
        return EXPIRED
    schedule = station.planner.schedule()
    outputs = outputs_here(bulletin, schedule)
    emergency = bulletin["level"] == EMERGENCY
    quiet = schedule.quiet_hours
    if starts(bulletin) > now or (not emergency and quiet is not None and quiet.contains(now.time())):
        return WAITING
    mailbox = Mailbox(station.data_dir)
    if not mailbox.running():
        return WAITING
    policy = Policy("now") if emergency else parse_policy(station.config.hub.priority)
    order = station.playout.urgent_request(entry.id, outputs, bulletin["level"], policy, None, None, "", "",
                                           t("bulletin of the province"), now)
    mailbox.send(order, now)
    return PLACED
