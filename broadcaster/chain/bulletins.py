"""Bulletins of the province at the station: a delivery opened with the hub key pinned in station.yaml, its
clip fetched and checked against its hash, rendered, and put in the library as ``hub-<uid>``, approved by the
province. The hub's envelope is kept as the decision's statement, so that the approval is checked again with
the pinned key whenever the library is read: whoever can write to the station folder cannot forge a province
approval nor change a bulletin's words."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from zoneinfo import ZoneInfo

from broadcaster.config import HubSettings
from broadcaster.content.announcement import CLIP, LANGUAGE_PATTERN, TEXT, Announcement, Variant
from broadcaster.content.library import APPROVED, RETIRED, Decision, Entry, is_hub_decision
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.hub.bulletin_protocol import BULLETIN, CANCEL, Received, open_envelope
from broadcaster.hub_pin import pinned_hub
from broadcaster.messages import marked, t

if TYPE_CHECKING:
    from broadcaster.station import Station

PREFIX = "hub-"
DELIVERED, FAILED = "delivered", "failed"
# What was done with a delivery (said by `run` and `broadcaster sync`).
KEPT, PLACED, WAITING, WITHDRAWN, AGAIN = (marked("in the library for the operator"), marked("sent on air"),
                                          marked("waiting to go on air"), marked("withdrawn"),
                                          marked("already taken"))


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery: the receipt for the hub (state, reason) and what the station did."""

    delivery: int
    uid: str
    level: str
    state: str
    reason: str = ""
    done: str = ""

    def receipt(self, now: dt.datetime) -> dict:
        """The receipt the hub is sent."""
        return {"delivery": self.delivery, "state": self.state, "reason": self.reason, "at": now.isoformat()}


def library_id(uid: str) -> str:
    """The id of a bulletin in the station's library (and log): ``hub-<uid>``."""
    return PREFIX + uid


def ends(bulletin: dict) -> dt.datetime:
    """When a bulletin stops being valid."""
    return dt.datetime.fromisoformat(bulletin["valid_until"])


def starts(bulletin: dict) -> dt.datetime:
    """When a bulletin starts being valid."""
    return dt.datetime.fromisoformat(bulletin["valid_from"])


def announcement_of(bulletin: dict, writer: str, topics: tuple[str, ...], tz: ZoneInfo,
                    clip: Variant | None = None) -> Announcement:
    """The library's announcement for a bulletin: its title, text (or ``clip``), topic (the station's
    'general' when it does not list the bulletin's), the days of its validity; written by ``writer``."""
    variant = clip or Variant(bulletin["language"], TEXT, text=bulletin["text"])
    return Announcement(id=library_id(bulletin["uid"]), title=bulletin["title"],
                        topic=bulletin["topic"] if bulletin["topic"] in topics else "general", author=writer,
                        valid_from=starts(bulletin).astimezone(tz).date(),
                        valid_until=ends(bulletin).astimezone(tz).date(), variants=(variant,))


def hub_doubt(ann: Announcement, decision: Decision, hub: HubSettings | None, station: str, tz: ZoneInfo) -> str:
    """Why the province's decision on ``ann`` does not hold ('' when it does): its envelope must open with
    the pinned hub key, be for this station and this bulletin, and the announcement must say exactly what
    the bulletin says."""
    if hub is None:
        return t("this station has joined no hub")
    try:
        received = open_envelope(decision.statement, hub.public_key, station)
    except InputError as exc:
        return exc.message
    if decision.action == RETIRED:
        withdrawn = received.uid if received.kind == CANCEL else received.bulletin["replaces"]
        return "" if withdrawn and library_id(withdrawn) == ann.id else t("the province's envelope is for another "
                                                                          "bulletin")
    if decision.action != APPROVED or received.kind != BULLETIN or library_id(received.uid) != ann.id:
        return t("the province's envelope is for another bulletin")
    bulletin = received.bulletin
    if bulletin["drill"] and not hub.drill:
        return t("not in drill mode")
    clip = None
    if bulletin["clip_sha256"]:
        kept = [v for v in ann.variants if v.kind == CLIP]
        if len(kept) != 1 or not kept[0].clip_file.startswith(bulletin["clip_sha256"][:32]) \
                or Path(kept[0].clip_file).name != kept[0].clip_file:
            return t("the announcement does not say what the province's bulletin says")
        clip = Variant(bulletin["language"], CLIP, clip_sha256=bulletin["clip_sha256"])
    expected = announcement_of(bulletin, received.written_by, (ann.topic,), tz, clip)
    if expected.content_fingerprint() != ann.content_fingerprint() or decision.fingerprint != ann.content_fingerprint():
        return t("the announcement does not say what the province's bulletin says")
    if decision.by != received.approved_by:
        return t("the record says something else than its signed decision")
    return ""


def hub_bulletin(entry: Entry) -> dict | None:
    """The province's bulletin behind an approved library entry, or None."""
    if entry.approved and entry.decision is not None and is_hub_decision(entry.decision):
        return entry.decision.statement.get("bulletin")
    return None


def opened(station: Station, envelope: object) -> Received:
    """A delivery, checked with the pinned hub key; an InputError saying what does not hold."""
    return open_envelope(envelope, pinned_hub(station).public_key, station.config.id)


def refusal(station: Station, received: Received, now: dt.datetime) -> str:
    """Why a bulletin may not be taken here ('' when it may): a drill on a station not in drill mode, past
    its validity, or in a language the library cannot name."""
    bulletin = received.bulletin
    if bulletin["drill"] and not station.config.hub.drill:
        return t("not in drill mode")
    if ends(bulletin) <= now:
        return t("expired at {time}", time=ends(bulletin).isoformat(timespec="minutes"))
    if not LANGUAGE_PATTERN.match(str(bulletin["language"])):
        return t("the bulletin is malformed ({part})", part="language")
    return ""


def clip_variant(station: Station, bulletin: dict, fetch: Callable[[str], bytes]) -> Variant:
    """The bulletin's clip fetched from the hub, checked against its hash, decoded and kept by the library;
    an InputError when it does not match or is not a clip (a HubError when the hub cannot give it)."""
    from broadcaster.content.clips import CLIP_EXTENSIONS, decode_clip, keep_clip

    data = fetch(bulletin["uid"])
    sha = bulletin["clip_sha256"]
    if hashlib.sha256(data).hexdigest() != sha:
        raise InputError(t("the clip from the hub does not match its hash"))
    suffix = "." + str(bulletin["clip_format"] or "").lower().lstrip(".")
    if suffix not in CLIP_EXTENSIONS:
        raise InputError(t("'{ext}' is not an audio format broadcaster takes; use one of: {exts}", ext=suffix,
                           exts=" ".join(CLIP_EXTENSIONS)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (sha[:32] + suffix)
        path.write_bytes(data)
        rate = station.config.profile.sample_rate
        duration = round(len(decode_clip(path, rate)) / rate, 3)
        kept = keep_clip(path, station.clips_dir, sha)
    return Variant(bulletin["language"], CLIP, clip_sha256=sha, clip_file=kept.name, duration_s=duration)


def take_bulletin(station: Station, received: Received, envelope: dict, fetch: Callable[[str], bytes],
                  now: dt.datetime) -> Entry:
    """Fetch, check and render a bulletin and put it in the library, approved by the province; the one it
    replaces is retired. An InputError (refused) or a BroadcasterError (cannot be rendered) changes nothing."""
    bulletin = received.bulletin
    clip = clip_variant(station, bulletin, fetch) if bulletin["clip_sha256"] else None
    ann = announcement_of(bulletin, received.written_by, station.config.topics, station.config.tz, clip)
    ann = replace(ann, notes=t("from the province: written by {writer}, approved by {approver}; level {level}",
                               writer=received.written_by, approver=received.approved_by,
                               level=t(bulletin["level"])))
    try:
        for variant in ann.variants:
            station.renders.render_all(variant)  # ahead, as an approval does: it airs at once when it must
    except BroadcasterError as exc:
        raise BroadcasterError(t("it could not be rendered: {reason}", reason=exc.message)) from None
    if bulletin["replaces"]:
        withdraw(station, bulletin["replaces"], envelope, received.approved_by, now)
    decision = Decision(APPROVED, received.approved_by, str(envelope["approval"].get("approved")),
                        ann.content_fingerprint(), "", envelope)
    return station.library.put_decided(ann, decision, now, received.written_by)


def withdraw(station: Station, uid: str, envelope: dict, by: str, now: dt.datetime) -> bool:
    """Retire the library's copy of bulletin ``uid`` (cancelled, or replaced by an update), with the envelope
    that withdraws it; what was ordered and has not aired is then refused at the gate. False when the library
    has no approved copy of it."""
    entry = station.library.find(library_id(uid))
    if entry is None or not entry.approved or not entry.from_hub:
        return False
    reason = t("withdrawn by the province")
    station.library.put_decided(entry.announcement, Decision(RETIRED, by, now.isoformat(timespec="seconds"),
                                                             entry.fingerprint, reason, envelope), now, by)
    return True
