"""Planning: the schedule files read and checked, the day's plan, and the check made before each airing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.content.library import APPROVED, REJECTED, RETIRED, unknown_announcement
from broadcaster.content.textfile import check_topic, read_announcement
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import t
from broadcaster.schedule.model import ANNOUNCEMENT, CHIME, TOPIC, Schedule
from broadcaster.schedule.parser import load_schedules, schedule_files
from broadcaster.schedule.plan import CHIME_PREFIX, Material, Plan, PlannedAiring, Rendition, chime_key, plan_day

if TYPE_CHECKING:
    from broadcaster.station import Station


class Planner:
    """What the station airs when: plans made from the schedule files and the library."""

    def __init__(self, station: Station):
        self.station = station

    def schedule(self) -> Schedule:
        """All schedule files, read and checked now (they may have been edited)."""
        schedule = load_schedules(schedule_files(self.station.schedules_dir))
        self._check_names(schedule)
        return schedule

    def _check_names(self, schedule: Schedule) -> None:
        """Refuse an output whose profile station.yaml does not define, and a topic it does not list."""
        for output in schedule.outputs.values():
            if output.profile and output.profile not in self.station.config.profiles:
                raise InputError(t("output '{name}' uses the profile '{profile}', which station.yaml does not define "
                                   "(its profiles: {names})", name=output.name, profile=output.profile,
                                   names=", ".join(sorted(self.station.config.profiles)) or t("none")),
                                 path=output.source)
        for item in (i for s in schedule.sessions for i in s.items if i.kind == TOPIC):
            check_topic(item.topic, self.station.config.topics, item.source, item.line)

    def material(self, now: dt.datetime, schedule: Schedule | None = None, profile: str = "") -> dict[str, Material]:
        """What the planner needs of every announcement (its audio with ``profile``), after taking in edited
        files; with the chimes that ``schedule`` uses, rendered."""
        return self._material(self.station.content.sync(now), schedule, profile)

    def _material(self, problems: dict[str, str], schedule: Schedule | None, profile: str) -> dict[str, Material]:
        result = {}
        chimes = {i.chime for s in (schedule.sessions if schedule else ()) for i in s.items if i.kind == CHIME}
        for relative in sorted(chimes):
            rendition = self.station.renders.chime(relative, profile)
            if rendition is not None:
                sha = Path(rendition.asset_path).stem
                result[chime_key(relative)] = Material(
                    id=chime_key(relative), title=Path(relative).name, topic="chime", fingerprint=sha,
                    status=APPROVED, approved=True, valid_from=None, valid_until=None, renditions=(rendition,),
                    approved_by=t("station signal"))
        for entry in self.station.library.entries():
            a = entry.announcement
            renditions = []
            for variant in a.variants:
                asset = self.station.renders.asset(variant, profile) if entry.approved else None
                renditions.append(Rendition(variant.language, asset.path if asset else None,
                                            asset.duration_s if asset else None, asset.engine if asset else ""))
            result[a.id] = Material(
                id=a.id, title=a.title, topic=a.topic, fingerprint=entry.fingerprint, status=entry.status,
                approved=entry.approved, valid_from=a.valid_from, valid_until=a.valid_until,
                renditions=tuple(sorted(renditions, key=lambda r: r.language != "vie")),
                approved_by=entry.approved_by, blocked=problems.get(a.id, ""))
        return result

    def plan(self, day: dt.date, now: dt.datetime, schedule: Schedule | None = None) -> Plan:
        """The plan of ``day``, as the files are at ``now``."""
        schedule = schedule or self.schedule()
        self._check_ids(schedule)
        self._check_names(schedule)
        problems = self.station.content.sync(now)
        # Outputs with their own profile air their own renders: each group of outputs is planned with
        # the audio of its profile. Their sessions never share an output, so the plans simply add up.
        groups: dict[str, list] = {}
        for session in schedule.sessions:
            groups.setdefault(schedule.outputs[session.output].profile, []).append(session)
        plans = []
        for profile, sessions in (groups or {"": []}).items():
            part = replace(schedule, sessions=tuple(sessions))
            plans.append(plan_day(part, self._material(problems, part, profile), day, self.station.config.tz))
        if len(plans) == 1:
            return plans[0]
        airings = sorted((a for p in plans for a in p.airings), key=lambda a: (a.start, a.output))
        return Plan(day=day, airings=tuple(airings), warnings=tuple(dict.fromkeys(w for p in plans for w in p.warnings)),
                    problems=tuple(dict.fromkeys(w for p in plans for w in p.problems)))

    def _check_ids(self, schedule: Schedule) -> None:
        """Refuse a schedule that names an announcement neither in the library nor in scripts_text/,
        before anything is taken in (bad input changes nothing)."""
        known = set(self.station.library.ids())
        for path in self.station.content.new_text_files():
            try:
                known.add(read_announcement(path).id)
            except BroadcasterError:
                pass  # reported by the plan as a file that cannot be used
        for session in schedule.sessions:
            for item in session.items:
                ident = item.announcement if item.kind == ANNOUNCEMENT else item.fallback
                if ident and ident not in known:
                    raise InputError(unknown_announcement(ident, known).message, path=item.source, line=item.line)

    def gate(self, airing: PlannedAiring, now: dt.datetime) -> str | None:
        """Why ``airing`` may not go on air now (its content changed or was withdrawn), or None."""
        if airing.relay_url or airing.announcement.startswith(CHIME_PREFIX):
            return None  # station signals and relays of an official station carry no library content
        if airing.asset_path:
            tampered = self.station.cache.tampered(airing.asset_path)
            if tampered:
                return tampered
        try:
            problems = self.station.content.sync(now, only=airing.announcement)
            entry = self.station.library.get(airing.announcement)
        except BroadcasterError as exc:
            return exc.message
        if airing.announcement in problems:
            return problems[airing.announcement]
        if entry.fingerprint != airing.fingerprint:
            return t("its content changed since it was planned")
        if airing.approved_by and not entry.approved:
            return t("no longer approved ({status})", status=t(entry.status))
        if not airing.approved_by and entry.status in (RETIRED, REJECTED):
            return t("{status} by a supervisor", status=t(entry.status))
        return None
