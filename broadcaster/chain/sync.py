"""Joining a hub, and one sync round: the station's log records that the hub does not hold yet, in signed
bundles from the cursor the hub acknowledges, then a heartbeat with the station's health."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
import requests

from broadcaster.chain.bulletins import Outcome
from broadcaster.chain.client import HubClient, HubError, unreachable
from broadcaster.chain.state import SyncState
from broadcaster.config import HUB_URL
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.hub.protocol import API
from broadcaster.hub_pin import pin_hub, pinned_hub
from broadcaster.log_bundles import signed_bundle
from broadcaster.log_chain import first_key
from broadcaster.messages import t
from broadcaster.playout.mailbox import Mailbox
from broadcaster.trust.keys import b64, fingerprint, public_raw, unb64

if TYPE_CHECKING:
    from broadcaster.station import Station

BATCH = 2000  # records per bundle: a few hundred kilobytes over 4G, a year of a busy station in ~50 requests
STATE_DIR = "hub"


@dataclass(frozen=True)
class Joined:
    """A hub joined: its URL and key fingerprint, and the station's own fingerprint as the hub pinned it."""

    url: str
    hub_fingerprint: str
    station_fingerprint: str


@dataclass(frozen=True)
class RoundResult:
    """What a sync round did: records sent and new to the hub, the hub's cursor after it, heartbeat sent,
    and what became of the bulletins pulled."""

    sent: int
    new: int
    cursor: int
    heartbeat: bool
    bulletins: tuple[Outcome, ...] = ()


def sync_state(station: Station) -> SyncState:
    """The station's counter and cursor, in its data folder."""
    return SyncState(station.data_dir / STATE_DIR)


def join_hub(station: Station, url: str, code: str, expect: str | None = None,
             session: requests.Session | None = None, new_key: bool = False) -> Joined:
    """Register the station's key at the hub with the one-time ``code``; pin the hub's URL and key (whose
    fingerprint must be ``expect`` when given) in station.yaml's 'hub:'. With ``new_key``, the station joins
    with a new key and changes to it once the hub took it (:mod:`broadcaster.key_change`), while `run` is
    not running."""
    from broadcaster import key_change

    url = url.rstrip("/")
    if not HUB_URL.fullmatch(url):
        raise InputError(t("the hub's url '{url}' must start with https:// or http://", url=url))
    if not new_key:
        return _join(station, url, code, expect, session, False)
    mailbox = Mailbox(station.data_dir)
    try:
        mailbox.hold()  # `run` does not start while the key changes
    except BroadcasterError:
        raise BroadcasterError(t("stop broadcaster run before the station changes its key; start it again after")) \
            from None
    try:
        key_change.finish(station)  # a change the hub took, cut off before it was done
        return _join(station, url, code, expect, session, True)
    finally:
        mailbox.release()


def _join(station: Station, url: str, code: str, expect: str | None, session: requests.Session | None,
          new_key: bool) -> Joined:
    from broadcaster import key_change

    session = session or requests.Session()
    try:
        about = session.get(url + API + "/hub", timeout=(10, 30))
        hub_key = unb64(about.json().get("public_key"), t("the hub's key")) if about.ok else b""
    except (requests.RequestException, ValueError, AttributeError) as exc:
        raise unreachable(url, exc) from None
    if len(hub_key) != 32:
        raise HubError(t("{url} is not a broadcaster hub", url=url))
    if expect and fingerprint(hub_key) != expect.strip():
        raise HubError(t("the hub's key is {found}, not {expected}: this is not the hub you were told of; nothing "
                         "was changed", found=fingerprint(hub_key), expected=expect.strip()))
    waiting = key_change.pending_path(station).exists()  # sent by a join cut off: the hub may have it
    key = key_change.next_key(station) if new_key else station.station_key
    body = orjson.dumps({"station": station.config.id, "public_key": b64(public_raw(key)), "code": code})
    try:
        answer = session.post(url + API + "/join", data=body, timeout=(10, 30),
                              headers={"Content-Type": "application/json"})
        data = answer.json()
        refused = None if answer.status_code == 200 and isinstance(data, dict) and \
            data.get("public_key") == b64(hub_key) else HubError(t("the hub refused: {reason}", reason=str(
                data.get("error") if isinstance(data, dict) else answer.status_code)), answer.status_code)
    except (requests.RequestException, ValueError) as exc:
        refused = unreachable(url, exc)
    if refused is not None:
        if new_key and not waiting:
            key_change.abandon(station)  # nothing was signed with it
        raise refused
    if new_key:
        key_change.taken(station)
    pin_hub(station, url, b64(hub_key), key)
    if new_key:
        key_change.finish(station)
    else:
        key_change.abandon(station)  # the hub holds the key in use: a change cut off before is not finished
    sync_state(station).acknowledged(0)  # a new hub (or a new key) holds nothing of ours yet
    return Joined(url, fingerprint(hub_key), str(data.get("station_key")))


def client_for(station: Station, session: requests.Session | None = None) -> HubClient:
    """A client for the hub the station joined; an InputError when station.yaml names none, or another."""
    hub = pinned_hub(station)
    return HubClient(hub.url, hub.public_key, station.config.id, station.station_key, sync_state(station), session)


def push_log(station: Station, client: HubClient, batch: int = BATCH) -> tuple[int, int, int]:
    """Send every record the hub does not hold, from the cursor it acknowledges: (sent, new, cursor)."""
    log = station.airing_log
    state = client.state
    cursor = int(client.call("GET", "/log/cursor")["seq"])
    state.acknowledged(cursor)
    sent = new = 0
    handovers = log.handovers_after(cursor)  # read once: each batch's key is found among them
    while True:
        records = log.records_after(cursor, batch)
        if not records:
            return sent, new, cursor
        # Signed by the key in force at its last record: records written before a key change go up as signed.
        key = first_key([h for h in handovers if h["seq"] > records[-1]["seq"]], log.public_key)
        chain = {"station": log.station, "public_key": b64(key), "first": records[0]["seq"],
                 "last": records[-1]["seq"], "head": records[-1]["hash"], "records": records}
        bundle = signed_bundle({"exported_by": log.station, "exported_at": log.clock.now().isoformat(),
                                "chains": [chain]}, log.key)
        answer = client.call("POST", "/log", bundle)
        if int(answer["seq"]) <= cursor:
            raise HubError(t("the hub did not move its cursor past record {seq}", seq=cursor))
        cursor = int(answer["seq"])
        state.acknowledged(cursor)
        sent += len(records)
        new += int(answer.get("new", 0))


def send_heartbeat(station: Station, client: HubClient, now: dt.datetime) -> None:
    """Send the station's health now (as `broadcaster health` sees it, without opening devices): devices,
    disk, the clock's offset from the hub's (by the Date of its last answer, to about a second), the last
    and next airing, the log and the version."""
    from broadcaster.health import offset_health, station_health

    offset = client.clock_offset_s
    clock = offset_health(offset, t("the hub")) if offset is not None else None
    client.call("POST", "/heartbeat", orjson.dumps(station_health(station, now, clock=clock).to_dict()))


def sync_round(station: Station, now: dt.datetime, client: HubClient | None = None, batch: int = BATCH,
               pull_bulletins: bool = True) -> RoundResult:
    """One round with the hub: the bulletins pulled (unless `run`'s long poll does it) and their receipts
    sent, the log pushed, then a heartbeat; a HubError when the hub cannot be reached."""
    from broadcaster.chain.pull import pull, send_receipts

    client = client or client_for(station)
    with client.state.round(wait_s=60) as held, client.session:  # the connection closed after the round
        if not held:
            raise HubError(t("another sync round is running for this station"))
        outcomes, problem = [], None
        try:
            outcomes = pull(station, client, lambda: now) if pull_bulletins else []
            send_receipts(client)
        except HubError as exc:  # the log still goes up; a hub that sends no bulletins (404) is no problem
            problem = None if exc.status == 404 else exc
        sent, new, cursor = push_log(station, client, batch)
        send_heartbeat(station, client, now)
    if problem is not None:
        raise problem
    return RoundResult(sent, new, cursor, True, tuple(outcomes))
