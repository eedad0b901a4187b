"""The plan of a day: a pure function of the schedule, what the library can air, and the date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from broadcaster.content.library import unknown_announcement
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.schedule.model import Schedule, Session


@dataclass(frozen=True)
class Rendition:
    """One language variant of an announcement as rendered audio (path and duration None if not yet)."""

    language: str
    asset_path: str | None
    duration_s: float | None
    voice: str = ""


@dataclass(frozen=True)
class Material:
    """What planning needs to know of one announcement."""

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


@dataclass(frozen=True)
class Plan:
    """The day's airings in start order, and what could not be planned, as warnings."""

    day: dt.date
    airings: tuple[PlannedAiring, ...]
    warnings: tuple[str, ...]


def _skip_reason(m: Material, day: dt.date) -> str | None:
    if m.blocked:
        return m.blocked
    if not m.approved:
        return t("not approved ({status})", status=m.status)
    if m.valid_from and day < m.valid_from:
        return t("not valid before {date}", date=m.valid_from.isoformat())
    if m.valid_until and day > m.valid_until:
        return t("expired on {date}", date=m.valid_until.isoformat())
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


def plan_session(session: Session, material: dict[str, Material], day: dt.date, tz: ZoneInfo,
                 start: dt.datetime | None = None) -> tuple[list[PlannedAiring], list[str]]:
    """Lay out one session's items back to back from its start (or from ``start``)."""
    at = start or dt.datetime.combine(day, session.start, tzinfo=tz)
    airings: list[PlannedAiring] = []
    warnings: list[str] = []
    for index, item in enumerate(session.items):
        if item.announcement not in material:
            error = unknown_announcement(item.announcement, material)
            raise InputError(error.message, path=item.source, line=item.line)
        m = material[item.announcement]
        reason = _skip_reason(m, day)
        chosen, problems = ([], [reason]) if reason else _renditions(m, item.languages)
        for problem in problems:
            warnings.append(t("{start} {session}: '{id}' left out: {reason} ({where})",
                              start=at.strftime("%H:%M"), session=session.name, id=m.id, reason=problem,
                              where=f"{item.source}:{item.line}"))
        for n in range(item.repeat if chosen else 0):
            for r in chosen:
                end = at + dt.timedelta(seconds=r.duration_s)
                airings.append(PlannedAiring(
                    key=f"{day.isoformat()}/{session.output}/{session.name}/{session.start.isoformat()}/"
                        f"{index}.{n}.{r.language}",
                    output=session.output, session=session.name, start=at, end=end, announcement=m.id,
                    title=m.title, topic=m.topic, fingerprint=m.fingerprint, asset_path=r.asset_path,
                    language=r.language, approved_by=m.approved_by, voice=r.voice))
                at = end
            at += dt.timedelta(seconds=item.gap_s if n + 1 < item.repeat else 0)
    return airings, warnings


def plan_day(schedule: Schedule, material: dict[str, Material], day: dt.date, tz: ZoneInfo) -> Plan:
    """Every airing of ``day``; unapproved, expired or unrendered announcements become warnings."""
    airings: list[PlannedAiring] = []
    warnings: list[str] = []
    for session in schedule.sessions:
        if day.weekday() not in session.days:
            continue
        a, w = plan_session(session, material, day, tz)
        airings += a
        warnings += w
    airings.sort(key=lambda a: (a.start, a.output))
    warnings += _overlaps(airings)
    return Plan(day=day, airings=tuple(airings), warnings=tuple(warnings))


def _overlaps(airings: list[PlannedAiring]) -> list[str]:
    last: dict[str, PlannedAiring] = {}
    found = []
    for a in airings:
        prev = last.get(a.output)
        if prev is not None and a.start < prev.end and prev.session != a.session:
            found.append(t("{output}: session '{a}' at {start} overlaps session '{b}', which runs until {end}",
                           output=a.output, a=a.session, start=a.start.strftime("%H:%M:%S"), b=prev.session,
                           end=prev.end.strftime("%H:%M:%S")))
        if prev is None or a.end > prev.end:
            last[a.output] = a
    return found
