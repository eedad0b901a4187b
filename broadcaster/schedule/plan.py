"""The plan of a day: a pure function of the schedule, what the library can air, and the date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from broadcaster.content.library import unknown_announcement
from broadcaster.errors import InputError
from broadcaster.messages import day_text, t
from broadcaster.schedule.model import ANNOUNCEMENT, CHIME, RELAY, SILENCE, Item, Schedule, Session

CHIME_PREFIX = "chime:"
MAX_LOOP_CYCLES = 2000


@dataclass(frozen=True)
class Rendition:
    """One language variant of an announcement as rendered audio (path and duration None if not yet)."""

    language: str
    asset_path: str | None
    duration_s: float | None
    voice: str = ""


@dataclass(frozen=True)
class Material:
    """What planning needs to know of one announcement (or station chime, keyed 'chime:PATH')."""

    id: str
    title: str
    topic: str
    fingerprint: str
    status: str
    approved: bool
    valid_from: dt.date | None
    valid_until: dt.date | None
    renditions: tuple[Rendition, ...]
    approved_by: str = ""
    blocked: str = ""


@dataclass(frozen=True)
class PlannedAiring:
    """One airing: what, where, from when to when."""

    key: str
    output: str
    session: str
    start: dt.datetime
    end: dt.datetime
    announcement: str
    title: str
    topic: str
    fingerprint: str
    asset_path: str
    language: str = "vie"
    approved_by: str = ""
    voice: str = ""
    priority: str = "normal"
    trigger: str = "schedule"
    on_interrupt: str = "replay"
    relay_url: str = ""  # a live stream relayed for the airing's length; asset_path is then its fallback
    ordered_by: str = ""  # an urgent airing: who ordered it, and why
    order_reason: str = ""


@dataclass(frozen=True)
class Plan:
    """The day's airings in start order; what could not be planned (warnings about content); what is
    wrong with the schedule itself (problems: overlaps, sessions over their cap, quiet hours); and the
    files that cannot be used (refused: announcement id or file name, and why)."""

    day: dt.date
    airings: tuple[PlannedAiring, ...]
    warnings: tuple[str, ...]
    problems: tuple[str, ...] = ()
    refused: tuple[tuple[str, str], ...] = ()


def chime_key(path: str) -> str:
    """The material key of a station chime file."""
    return CHIME_PREFIX + path


def _skip_reason(m: Material, day: dt.date) -> str | None:
    if m.blocked:
        return m.blocked
    if not m.approved:
        return t("not approved ({status})", status=t(m.status))
    if m.valid_from and day < m.valid_from:
        return t("not valid before {date}", date=day_text(m.valid_from))
    if m.valid_until and day > m.valid_until:
        return t("expired on {date}", date=day_text(m.valid_until))
    return None


def _renditions(m: Material, languages: tuple[str, ...] | None) -> tuple[list[Rendition], list[str]]:
    """The renditions to air, in order, and why any asked-for language cannot be."""
    by_language = {r.language: r for r in m.renditions}
    chosen, problems = [], []
    for language in languages or tuple(by_language):
        r = by_language.get(language)
        if r is None:
            problems.append(t("has no '{lang}' variant", lang=language))
        elif r.asset_path is None or r.duration_s is None:
            problems.append(t("'{lang}' not rendered yet: run 'broadcaster render'", lang=language))
        else:
            chosen.append(r)
    return chosen, problems


class _Layout:
    """Lays one session's airings back to back; collects warnings."""

    def __init__(self, session: Session, material: dict[str, Material], day: dt.date, at: dt.datetime):
        self.session, self.material, self.day, self.at = session, material, day, at
        self.airings: list[PlannedAiring] = []
        self.warnings: list[str] = []
        self.cycle = 0

    def warn(self, item: Item, ident: str, reason: str) -> None:
        self.warnings.append(t("{start} {session}: '{id}' left out: {reason} ({where})",
                               start=self.at.strftime("%H:%M"), session=self.session.name, id=ident, reason=reason,
                               where=f"{item.source}:{item.line}"))

    def items(self, limit: dt.datetime | None) -> bool:
        """Lay out every item once; False when ``limit`` was reached."""
        for index, item in enumerate(self.session.items):
            if item.kind == SILENCE:
                self.at += dt.timedelta(seconds=item.silence_s)
                continue
            if item.kind == RELAY:
                if not self._relay(index, item, limit):
                    return False
                continue
            for ident in self._ids(item):
                if not self._announcement(index, item, ident, limit):
                    return False
        return True

    def _relay(self, index: int, item: Item, limit: dt.datetime | None) -> bool:
        fallback = ""
        if item.fallback:
            if item.fallback not in self.material:
                error = unknown_announcement(item.fallback, self.material)
                raise InputError(error.message, path=item.source, line=item.line)
            m = self.material[item.fallback]
            reason = _skip_reason(m, self.day)
            chosen, problems = ([], [reason]) if reason else _renditions(m, None)
            if chosen:
                fallback = chosen[0].asset_path
            else:
                self.warn(item, item.fallback, t("cannot be the relay's fallback ({why}); silence instead",
                                                 why="; ".join(problems)))
        end = self.at + dt.timedelta(seconds=item.relay_s)
        if limit is not None and end > limit:
            return False
        s = self.session
        self.airings.append(PlannedAiring(
            key=f"{self.day.isoformat()}/{s.output}/{s.name}/{s.start.isoformat()}/{self.cycle}.{index}.relay",
            output=s.output, session=s.name, start=self.at, end=end, announcement=f"relay:{item.relay}",
            title=t("relay of {url}", url=item.relay), topic="relay", fingerprint=item.relay, asset_path=fallback,
            language="", approved_by=t("the relayed station"), on_interrupt=s.on_interrupt, relay_url=item.relay))
        self.at = end
        return True

    def _ids(self, item: Item) -> list[str]:
        if item.kind == CHIME:
            return [chime_key(item.chime)]
        if item.kind == ANNOUNCEMENT:
            if item.announcement not in self.material:
                error = unknown_announcement(item.announcement, [k for k in self.material
                                                                 if not k.startswith(CHIME_PREFIX)])
                raise InputError(error.message, path=item.source, line=item.line)
            return [item.announcement]
        ids = sorted(m.id for m in self.material.values() if m.topic == item.topic and m.approved
                     and _skip_reason(m, self.day) is None)
        if not ids:
            self.warn(item, item.topic, t("no approved, valid announcement has this topic"))
        return ids

    def _announcement(self, index: int, item: Item, ident: str, limit: dt.datetime | None) -> bool:
        m = self.material.get(ident)
        if m is None:  # a chime the station could not prepare
            self.warn(item, ident, t("the chime file is missing"))
            return True
        reason = _skip_reason(m, self.day)
        chosen, problems = ([], [reason]) if reason else _renditions(m, item.languages)
        for problem in problems:
            self.warn(item, ident, problem)
        s = self.session
        for n in range(item.repeat if chosen else 0):
            for r in chosen:
                end = self.at + dt.timedelta(seconds=r.duration_s)
                if limit is not None and end > limit:
                    return False
                self.airings.append(PlannedAiring(
                    key=f"{self.day.isoformat()}/{s.output}/{s.name}/{s.start.isoformat()}/"
                        f"{self.cycle}.{index}.{n}.{ident}.{r.language}",
                    output=s.output, session=s.name, start=self.at, end=end, announcement=m.id, title=m.title,
                    topic=m.topic, fingerprint=m.fingerprint, asset_path=r.asset_path, language=r.language,
                    approved_by=m.approved_by, voice=r.voice, on_interrupt=s.on_interrupt))
                self.at = end
            self.at += dt.timedelta(seconds=item.gap_s if n + 1 < item.repeat else 0)
        return True


def wall_time(day: dt.date, time: dt.time, tz: ZoneInfo) -> tuple[dt.datetime, str]:
    """``time`` on ``day`` in ``tz`` as a real instant, and '' or why it was moved: a time skipped when the
    clocks go forward is taken as the same instant after the change (02:30 becomes 03:30); a time that happens
    twice when they go back is its first occurrence."""
    at = dt.datetime.combine(day, time, tzinfo=tz)
    real = at.astimezone(dt.timezone.utc).astimezone(tz)
    if real.replace(tzinfo=None) != at.replace(tzinfo=None):
        return real, t("{time} does not exist on {day} in {tz} (the clocks go forward): it starts at {real}",
                       time=time.strftime("%H:%M:%S"), day=day_text(day), tz=tz.key, real=real.strftime("%H:%M:%S"))
    if at.utcoffset() != at.replace(fold=1).utcoffset():
        return at, t("{time} happens twice on {day} in {tz} (the clocks go back): it starts at the first",
                     time=time.strftime("%H:%M:%S"), day=day_text(day), tz=tz.key)
    return at, ""


def plan_session(session: Session, material: dict[str, Material], day: dt.date, tz: ZoneInfo,
                 start: dt.datetime | None = None) -> tuple[list[PlannedAiring], list[str]]:
    """Lay out one session's items back to back from its start (or from ``start``); a loop session
    cycles them until its loop_until, with its loop gap between cycles."""
    at = start or wall_time(day, session.start, tz)[0]
    layout = _Layout(session, material, day, at)
    if session.loop_until is None:
        layout.items(None)
        return layout.airings, layout.warnings
    limit = wall_time(day, session.loop_until, tz)[0]
    while layout.cycle < MAX_LOOP_CYCLES:
        before = len(layout.airings)
        if not layout.items(limit) or len(layout.airings) == before:
            break
        layout.cycle += 1
        layout.at += dt.timedelta(seconds=session.loop_gap_s)
    return layout.airings, layout.warnings


def plan_day(schedule: Schedule, material: dict[str, Material], day: dt.date, tz: ZoneInfo) -> Plan:
    """Every airing of ``day``; unapproved, expired or unrendered announcements, holidays, quiet hours,
    over-long sessions and overlaps become warnings."""
    for exception in schedule.exceptions:
        if exception.first <= day <= exception.last:
            return Plan(day=day, airings=(), warnings=(t("no scheduled broadcast on {day}: {reason}",
                                                         day=day_text(day),
                                                         reason=exception.reason or t("an exception day")),))
    airings: list[PlannedAiring] = []
    warnings: list[str] = []
    problems: list[str] = []
    for session in schedule.sessions:
        if not session.runs_on(day):
            continue
        laid, notes = plan_session(session, material, day, tz)
        moved = wall_time(day, session.start, tz)[1]
        warnings += notes + ([t("session '{name}' ({where}): {why}", name=session.name, where=session.where,
                                why=moved)] if moved else [])
        laid, notes = _outside_quiet_hours(session, laid, schedule)
        problems += notes
        problems += _over_cap(session, laid, schedule)
        airings += laid
    airings.sort(key=lambda a: (a.start, a.output))
    problems += overlaps(airings, schedule)
    return Plan(day=day, airings=tuple(airings), warnings=tuple(warnings), problems=tuple(problems))


def _outside_quiet_hours(session: Session, airings: list[PlannedAiring],
                         schedule: Schedule) -> tuple[list[PlannedAiring], list[str]]:
    quiet = schedule.quiet_hours
    if quiet is None:
        return airings, []
    kept = [a for a in airings if not quiet.contains(a.start.timetz().replace(tzinfo=None))
            and not quiet.contains((a.end - dt.timedelta(microseconds=1)).timetz().replace(tzinfo=None))]
    if len(kept) == len(airings):
        return airings, []
    return kept, [t("session '{name}' ({where}): {n} airings fall in the quiet hours {start}–{end} and are left out",
                    name=session.name, where=session.where, n=len(airings) - len(kept),
                    start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M"))]


def session_length(airings: list[PlannedAiring]) -> float:
    """Seconds from the first airing's start to the last one's end."""
    return (max(a.end for a in airings) - min(a.start for a in airings)).total_seconds() if airings else 0.0


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(round(seconds % 60)):02d}"


def _over_cap(session: Session, airings: list[PlannedAiring], schedule: Schedule) -> list[str]:
    cap = session.max_length_s or schedule.max_session_s
    length = session_length(airings)
    if cap is None or length <= cap:
        return []
    return [t("session '{name}' ({where}) lasts {length}, more than its cap of {cap}", name=session.name,
              where=session.where, length=_minutes(length), cap=_minutes(cap))]


def overlaps(airings: list[PlannedAiring], schedule: Schedule) -> list[str]:
    """Sessions on one output that run into each other, with where both are defined."""
    where = {(s.output, s.name, s.start): s.where for s in schedule.sessions}
    last: dict[str, PlannedAiring] = {}
    found = []
    seen = set()
    for a in sorted(airings, key=lambda a: a.start):
        prev = last.get(a.output)
        if prev is not None and a.start < prev.end and prev.session != a.session \
                and frozenset((prev.session, a.session)) not in seen:  # each pair once, where it begins
            seen.add(frozenset((prev.session, a.session)))
            found.append(t("{output}: session '{a}' ({a_where}) starts at {start} and overlaps session '{b}' "
                           "({b_where}), which runs until {end}", output=a.output, a=a.session,
                           a_where=_where(where, a), start=a.start.strftime("%H:%M:%S"),
                           b=prev.session, b_where=_where(where, prev), end=prev.end.strftime("%H:%M:%S")))
        if prev is None or a.end > prev.end:
            last[a.output] = a
    return found


def _where(where: dict, airing: PlannedAiring) -> str:
    return next((w for (output, name, _), w in where.items() if output == airing.output and name == airing.session),
                "?")
