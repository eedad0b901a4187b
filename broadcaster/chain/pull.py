"""Pulling bulletins from the hub: the deliveries after the station's cursor (long-polled by `run`, once by
`broadcaster sync`), each taken once (by delivery number and by uid, whatever a lost answer or weeks offline
make the hub send again), the cursor and the receipt kept atomically with it, receipts sent until the hub
takes them, and waiting bulletins placed on air when they may go."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import TYPE_CHECKING, Callable

import orjson

from broadcaster.chain.bulletins import (AGAIN, DELIVERED, FAILED, KEPT, WAITING, WITHDRAWN, Outcome, library_id,
                                         opened, refusal, take_bulletin, withdraw)
from broadcaster.chain.client import HubClient, HubError
from broadcaster.chain.levels import EXPIRED, outputs_here, place
from broadcaster.errors import BroadcasterError
from broadcaster.hub.bulletin_protocol import CANCEL
from broadcaster.messages import t
from broadcaster.playout.priority import NORMAL

if TYPE_CHECKING:
    from broadcaster.station import Station

LONG_POLL_S = 25   # the hub answers at once when a delivery is made, else after this
MAX_BACKOFF_S = 60.0
QUICK_S = 1.0      # a long-poll answered empty sooner than this did not wait: the next one waits ...
PAUSE_S = 5.0      # ... this long, or as long as the hub says, so that a busy hub is not asked in a loop


def pause_after(answer: dict, asked_wait_s: float, took_s: float) -> float:
    """How long to pause before the next long-poll, after an empty ``answer`` that took ``took_s`` seconds."""
    retry = answer.get("retry_after")
    if answer.get("waited") is False and isinstance(retry, (int, float)) and not isinstance(retry, bool):
        return min(max(float(retry), 0.0), MAX_BACKOFF_S)
    return PAUSE_S if asked_wait_s > 0 and took_s < QUICK_S else 0.0


def _link_trouble(exc: HubError) -> bool:
    """Whether a HubError is the link's or the hub's passing trouble (try again later), not its answer."""
    return exc.status is None or exc.status >= 500 or exc.status in (401, 403, 409, 429)


def _withdrawn_later(deliveries: list) -> set[str]:
    """The uids a batch cancels or replaces (weeks offline: a bulletin withdrawn since must not air first)."""
    later = set()
    for envelope in deliveries:
        if isinstance(envelope, dict):
            if isinstance(envelope.get("cancel"), dict):
                later.add(str(envelope["cancel"].get("uid")))
            if isinstance(envelope.get("bulletin"), dict) and envelope["bulletin"].get("replaces"):
                later.add(str(envelope["bulletin"]["replaces"]))
    return later


def take(station: Station, envelope: object, fetch: Callable[[str], bytes], now: dt.datetime, taken: dict,
         later: set[str]) -> Outcome | None:
    """What the station does with one delivery; None when it names no delivery number (nothing to answer).
    A HubError of the link propagates: the delivery is taken again at the next pull."""
    number = envelope.get("delivery") if isinstance(envelope, dict) else None
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    try:
        received = opened(station, envelope)
    except BroadcasterError as exc:
        return Outcome(number, "", "", FAILED, exc.message)
    if received.kind == CANCEL:
        withdraw(station, received.uid, envelope, received.approved_by, now)
        return Outcome(number, received.uid, "", DELIVERED, done=WITHDRAWN)
    level = received.bulletin["level"]
    if received.uid in taken:
        return Outcome(number, received.uid, level, DELIVERED, done=AGAIN)
    refused = refusal(station, received, now)
    if refused:
        return Outcome(number, received.uid, level, FAILED, refused)
    try:
        if level != NORMAL:
            outputs_here(received.bulletin, station.planner.schedule())  # none here: refused, nothing kept
        take_bulletin(station, received, envelope, fetch, now)
        done = KEPT if level == NORMAL else WITHDRAWN if received.uid in later else place(station, received.uid, now)
    except HubError as exc:
        if _link_trouble(exc):
            raise
        return Outcome(number, received.uid, level, FAILED, exc.message)
    except BroadcasterError as exc:
        return Outcome(number, received.uid, level, FAILED, exc.message)
    if done == EXPIRED:
        return Outcome(number, received.uid, level, FAILED, t(EXPIRED))
    return Outcome(number, received.uid, level, DELIVERED, done=done)


def _keep(state: dict, outcome: Outcome, now: dt.datetime) -> None:
    """The cursor moved past a delivery, with its receipt and what waits (one atomic write)."""
    bulletins = state["bulletins"]
    bulletins["after"] = max(bulletins["after"], outcome.delivery)
    bulletins["receipts"].append(outcome.receipt(now))
    if outcome.state == DELIVERED and outcome.level and outcome.uid not in bulletins["taken"]:
        bulletins["taken"][outcome.uid] = outcome.delivery
    if outcome.done == WAITING and outcome.uid not in bulletins["waiting"]:
        bulletins["waiting"].append(outcome.uid)
    if outcome.done == WITHDRAWN and outcome.uid in bulletins["waiting"]:
        bulletins["waiting"].remove(outcome.uid)


def pull(station: Station, client: HubClient, now: Callable[[], dt.datetime], wait_s: float = 0,
         pause: Callable[[float], object] = lambda seconds: None) -> list[Outcome]:
    """Take every delivery after the cursor (waiting up to ``wait_s`` for the first), place the bulletins
    that wait, send the receipts; what became of each delivery. An empty answer that did not wait is
    followed by ``pause`` (of the seconds the hub asks, or a few)."""

    outcomes: list[Outcome] = []
    state = client.state
    while True:
        after = state.bulletins()["after"]
        began = time.monotonic()
        answer = client.call("GET", f"/bulletins?after={after}&wait={wait_s:g}")
        deliveries = answer.get("deliveries")
        if not isinstance(deliveries, list) or not deliveries:
            pause(pause_after(answer, wait_s, time.monotonic() - began))
            break
        wait_s = 0
        with state.taking_bulletins() as held:
            if not held:
                raise HubError(t("another sync round is running for this station"))
            later = _withdrawn_later(deliveries)
            for envelope in deliveries:
                known = state.bulletins()
                number = envelope.get("delivery") if isinstance(envelope, dict) else None
                if isinstance(number, int) and number <= known["after"]:
                    continue  # taken meanwhile by another round (a `broadcaster sync` by hand)
                outcome = take(station, envelope, lambda uid: client.fetch(f"/bulletins/{uid}/clip"), now(),
                               known["taken"], later)
                if outcome is not None:
                    state.update(lambda data: _keep(data, outcome, now()))
                    outcomes.append(outcome)
            cursor = answer.get("cursor")
            if isinstance(cursor, int) and not isinstance(cursor, bool):
                state.update(lambda data: data["bulletins"].update(after=max(data["bulletins"]["after"], cursor)))
    outcomes += place_waiting(station, state, now())
    send_receipts(client)
    return outcomes


def place_waiting(station: Station, state, now: dt.datetime) -> list[Outcome]:
    """Place the bulletins that wait, when they may go now; those that expired get a failed receipt."""
    done = []
    for uid in list(state.bulletins()["waiting"]):
        number = state.bulletins()["taken"].get(uid, 0)
        try:
            placed = place(station, uid, now)
        except BroadcasterError as exc:
            outcome = Outcome(number, uid, "", FAILED, exc.message)
        else:
            if placed == WAITING:
                continue
            outcome = Outcome(number, uid, "", FAILED, t(EXPIRED)) if placed == EXPIRED else \
                Outcome(number, uid, "", DELIVERED, done=placed)

        def settle(data: dict, outcome: Outcome = outcome) -> None:
            bulletins = data["bulletins"]
            if outcome.uid in bulletins["waiting"]:
                bulletins["waiting"].remove(outcome.uid)
            if outcome.state == FAILED:
                bulletins["receipts"].append(outcome.receipt(now))
        state.update(settle)
        done.append(outcome)
    return done


def send_receipts(client: HubClient) -> int:
    """Send the receipts the hub has not taken yet; how many were sent (kept for the next try on an error)."""
    receipts = client.state.bulletins()["receipts"]
    if not receipts:
        return 0
    client.call("POST", "/bulletins/receipts", orjson.dumps({"receipts": receipts}))
    sent = {(r["delivery"], r["state"], r["at"]) for r in receipts}
    client.state.update(lambda data: data["bulletins"].update(receipts=[
        r for r in data["bulletins"]["receipts"] if (r["delivery"], r["state"], r["at"]) not in sent]))
    return len(receipts)


def said(outcome: Outcome) -> str:
    """A line for the operator about one delivery."""
    what = library_id(outcome.uid) if outcome.uid else t("delivery {n}", n=outcome.delivery)
    if outcome.state == FAILED:
        return t("bulletin {id} refused: {reason}", id=what, reason=outcome.reason)
    level = f" ({t(outcome.level)})" if outcome.level else ""
    return t("bulletin {id}{level} from the province: {done}", id=what, level=level, done=t(outcome.done))


class BulletinLoop:
    """`run`'s long poll for bulletins, in a thread beside the sync loop, until :meth:`stop`: airing never
    waits for it, and the hub or the link being down is said once and tried again with a growing pause."""

    def __init__(self, station: Station, now: Callable[[], dt.datetime], say: Callable[[str], None],
                 wait_s: float = LONG_POLL_S, client: Callable[[], HubClient] | None = None):
        from broadcaster.chain.sync import client_for

        self.station, self.now, self.say, self.wait_s = station, now, say, wait_s
        self.client = client or (lambda: client_for(station))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-bulletins", daemon=True)
        self.problem: str | None = None

    def start(self) -> BulletinLoop:
        """Start polling."""
        self._thread.start()
        return self

    def stop(self, wait_s: float = 1.0) -> None:
        """Stop polling (a poll under way is left to end on its own: the thread is a daemon)."""
        self._stop.set()
        self._thread.join(wait_s)

    def _run(self) -> None:
        backoff = 1.0
        client = self.client()
        while not self._stop.is_set():
            try:
                for outcome in pull(self.station, client, self.now, self.wait_s, self._stop.wait):
                    self.say(said(outcome))
            except BroadcasterError as exc:
                problem = str(exc)
            except Exception as exc:  # noqa: BLE001 - the loop must outlive any failure: airing goes on
                problem = t("sync failed: {reason}", reason=f"{type(exc).__name__}: {exc}")
            else:
                problem, backoff = None, 1.0
            if problem and problem != self.problem:
                self.say(t("hub bulletins: {problem}; airing goes on, tried again later", problem=problem))
            self.problem = problem
            if problem:
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
