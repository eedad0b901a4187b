"""Playout control: urgent orders made, signed and checked; the sinks each output plays to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.content.library import REJECTED, RETIRED
from broadcaster.content.users import same_person
from broadcaster.errors import InputError
from broadcaster.messages import marked, t
from broadcaster.playout.mailbox import ENVELOPE
from broadcaster.playout.priority import EMERGENCY, PRIORITY, Policy
from broadcaster.schedule.model import Output
from broadcaster.schedule.plan import PlannedAiring
from broadcaster.trust import statements
from broadcaster.trust.keys import b64, public_raw

if TYPE_CHECKING:
    from broadcaster.outputs.mixer import DeviceMixer
    from broadcaster.outputs.sinks import Sink
    from broadcaster.station import Station

ORDER_MAX_AGE_S = 600  # an urgent order older than this when `run` takes it is refused (a copied old file)


class PlayoutControl:
    """What `run` is told to air now, and where it plays."""

    def __init__(self, station: Station):
        self.station = station

    def urgent_request(self, ident: str, outputs: list[str], level: str, policy: Policy, every_s: float | None,
                       until: dt.datetime | None, by: str, passphrase: str, reason: str, now: dt.datetime) -> dict:
        """Check, render and describe an urgent airing for `run`. Unapproved content may go on air only
        as an emergency, by an operator or supervisor who gives their passphrase and a reason."""
        schedule = self.station.planner.schedule()
        for name in outputs:
            if name not in schedule.outputs:
                raise InputError(t("unknown output '{name}'; the outputs are: {names}", name=name,
                                   names=", ".join(sorted(schedule.outputs))))
        self.station.content.sync(now, only=ident)
        entry = self.station.library.get(ident)
        before = not entry.approved
        if before and level != EMERGENCY:
            raise InputError(t("'{id}' is not approved ({status}); only an emergency may go on air before approval "
                               "(--level emergency, with --by NAME and --reason)", id=ident, status=t(entry.status)))
        if before and entry.status in (RETIRED, REJECTED):
            raise InputError(t("'{id}' was {status} by a supervisor and cannot go on air", id=ident,
                               status=t(entry.status)))
        if before and not (by and reason.strip()):
            raise InputError(t("an emergency broadcast before approval needs --by NAME and --reason TEXT"))
        if not before and not entry.announcement.valid_on(now.date()):
            raise InputError(t("'{id}' is not valid today", id=ident))
        quiet = schedule.quiet_hours
        if level != EMERGENCY and quiet is not None and quiet.contains(now.time()):
            raise InputError(t("it is quiet hours ({start}–{end}): only an emergency may air now",
                               start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M")))
        signer = self.station.users.unlock(by, passphrase, {"operator", "supervisor"}, t("air urgent announcements")) \
            if by else None
        outputs = outputs or sorted(schedule.outputs)
        profiles = {output: schedule.outputs[output].profile for output in outputs}
        for variant in entry.announcement.variants:
            for profile in sorted(set(profiles.values())):
                self.station.renders.render(variant, profile)
        if before:
            self.station.library.note(ident, marked("emergency before approval"), signer.name, now, reason)
        order = {"kind": "urgent", "announcement": ident, "fingerprint": entry.fingerprint, "outputs": outputs,
                 "profiles": profiles, "level": level, "policy": str(policy), "every_s": every_s,
                 "until": until.isoformat() if until else None, "by": signer.name if signer else "",
                 "reason": reason, "before_approval": before, "ordered": now.isoformat()}
        # Signed by who ordered it; an order of approved content with no name, by the station.
        return statements.signed(order, signer.key if signer else self.station.station_key)

    def verified_order(self, request: object, now: dt.datetime) -> dict:
        """The urgent order in a request file, when its signature holds: by the operator or supervisor it
        names, or (approved content only, nobody named) by this station; recent (a copied old file airs
        nothing). Else an InputError saying why."""
        body = {k: v for k, v in request.items() if k not in ENVELOPE} if isinstance(request, dict) else None
        verdict = statements.check(body)
        if not verdict:
            raise InputError(t("the urgent order does not verify: {reason}", reason=verdict.reason))
        person = self.station.users.trusted().get(body[statements.SIGNER])
        if person is not None:
            if person.role not in ("operator", "supervisor") or not same_person(person.name, str(body.get("by"))):
                raise InputError(t("the urgent order is signed by {name}, who did not give it", name=person.name))
        elif body[statements.SIGNER] != b64(public_raw(self.station.station_key)) or body.get("by") \
                or body.get("before_approval") is not False:
            raise InputError(t("the urgent order is not signed by a person of this station who may order it"))
        try:
            age = (now - dt.datetime.fromisoformat(str(body.get("ordered")))).total_seconds()
        except (TypeError, ValueError):
            age = None
        if body.get("kind") != "urgent" or age is None or not -60 <= age <= ORDER_MAX_AGE_S:
            raise InputError(t("the urgent order is not a fresh order (made {at})", at=body.get("ordered")))
        return {**body, "id": str(request.get("id", ""))}

    def urgent_airings(self, request: dict, output: str, at: dt.datetime, n: int) -> list[PlannedAiring]:
        """The airings of an urgent request on one output at ``at`` (its variants back to back)."""
        entry = self.station.library.get(request["announcement"])
        airings = []
        for variant in entry.announcement.variants:
            asset, _ = self.station.renders.render(variant, request.get("profiles", {}).get(output, ""))
            end = at + dt.timedelta(seconds=asset.duration_s)
            airings.append(PlannedAiring(
                key=f"urgent/{request['id']}/{output}/{n}.{variant.language}", output=output,
                session=t("urgent ({level})", level=t(request["level"])), start=at, end=end,
                announcement=entry.id, title=entry.announcement.title, topic=entry.announcement.topic,
                fingerprint=request["fingerprint"], asset_path=asset.path, language=variant.language,
                approved_by="" if request["before_approval"] else entry.approved_by, voice=asset.engine,
                # A priority message cut by an emergency is heard whole after it; a normal one is the
                # operator's to order again.
                priority=request["level"], trigger="urgent",
                on_interrupt="replay" if request["level"] == PRIORITY else "drop",
                ordered_by=request.get("by", ""), order_reason=request.get("reason", "")))
            at = end
        return airings

    def sinks(self, output: Output, mixers: dict[str | None, DeviceMixer]) -> tuple[Sink, ...]:
        """What an output plays to: its WAV file, or its device then its backups (their channels, through
        the ``mixers`` of devices shared by channel)."""
        from broadcaster.outputs.mixer import MixerSink
        from broadcaster.outputs.sinks import SoundDeviceSink, WavFileSink

        if output.file:
            return (WavFileSink(self._wav_path(output.file)),)
        devices = tuple(MixerSink(mixers[device], output.channels) if output.channels else SoundDeviceSink(device)
                        for device in (output.device, *output.backups))
        return devices + ((WavFileSink(self._wav_path(output.backup_file)),) if output.backup_file else ())

    def _wav_path(self, file: str) -> Path:
        """A WAV output's path, relative to the station folder unless absolute."""
        path = Path(file)
        return path if path.is_absolute() else self.station.root / path
