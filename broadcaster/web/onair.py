"""The on-air page: what each output plays now (live, by server-sent events), what comes next, what aired
today, the devices, and the urgent button."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time

from flask import (Blueprint, Response, current_app, flash, g, redirect, render_template, request, stream_with_context,
                   url_for)

from broadcaster import status
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.health import device_health, running_health
from broadcaster.messages import language, marked, speaking, t
from broadcaster.playout.mailbox import STARTED, Mailbox
from broadcaster.playout.priority import DEFAULT_POLICY, EMERGENCY, NORMAL, PRIORITY
from broadcaster.web.auth import EVERYONE, person, requires, session_deadline
from broadcaster.web.pages import now, served, station

bp = Blueprint("onair", __name__)
NAV = (("onair.page", marked("On air"), EVERYONE),)
ORDERING = ("operator", "supervisor")  # who may put an announcement on air at once (as `urgent --by`)
LEVELS = (NORMAL, PRIORITY, EMERGENCY)  # the three levels of Circular 39/2020/TT-BTTTT
MAX_REPEATS = 24
STREAM_S = 300      # a live stream ends after this and the browser opens a new one (checking the session again)
LOOK_S = 0.2        # how often the stream looks at what is on air: well within the second it promises
BUSY_RETRY_MS = 15000  # when every stream is taken, the browser asks again after this
TICK_S = 1.0        # how often the elapsed and remaining times are sent while an item plays
TODAY_S = 30.0      # how often today's outcomes are sent again when nothing went on or off air
URGENT_WAIT_S = 5.0  # how long the urgent button waits to tell whether `run` put it on air


@bp.route("/")
@requires(*EVERYONE)
def page():
    """The on-air page."""
    s, at, planning = station(), now(), served().planning
    try:
        schedule, problem = planning.schedule(), ""
        coming, devices = status.coming(s, at, plans=planning), device_health(s, schedule, None)
    except BroadcasterError as exc:  # a schedule that cannot be read: said here, the rest still shown
        schedule, coming, devices, problem = None, [], [], str(exc)
    return render_template("onair.html", now=at, playing=status.playing(s), running=running_health(s),
                           today=status.today(s, at), coming=coming, devices=devices, problem=problem,
                           outputs=sorted(schedule.outputs) if schedule else [], levels=LEVELS,
                           ids=planning.ids(), may_order=bool(set(ORDERING) & g.roles), max_repeats=MAX_REPEATS)


@bp.route("/onair/stream")
@requires(*EVERYONE, passive=True)  # a page left open is not a person at work: it does not keep the session
def stream():
    """Server-sent events: 'playing' (what is on air, its times) at once and every second, and 'today' (the
    day's outcomes) whenever an item goes on or off air."""
    s, spoken, streams = station(), language(), served().streams
    ends = time.monotonic() + min(current_app.config.get("STREAM_S", STREAM_S), session_deadline() - now().timestamp())

    def events():
        if not streams.acquire(blocking=False):  # every stream is taken by open pages: come back later
            yield f"retry: {BUSY_RETRY_MS}\n\n"
            return
        with speaking(spoken), _released(streams):
            yield "retry: 1000\n\n"
            shown, sent_at, today_at = None, 0.0, 0.0
            while True:  # the state at once, then its changes until the stream ends
                on_air = status.playing(s)
                mark = [(p.airing.key, p.started) for p in on_air]
                if mark != shown or (on_air and time.monotonic() - sent_at >= TICK_S):
                    yield _event("playing", render_template("onair-playing.html", playing=on_air, now=now(),
                                                            running=running_health(s)))
                    sent_at = time.monotonic()
                if mark != shown or time.monotonic() - today_at >= TODAY_S:
                    yield _event("today", render_template("onair-today.html", today=status.today(s, now())))
                    today_at = time.monotonic()
                shown = mark
                if time.monotonic() >= ends:
                    return
                time.sleep(LOOK_S)

    return Response(stream_with_context(events()), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


@contextlib.contextmanager
def _released(semaphore: threading.BoundedSemaphore):
    """Give the stream's place back when the stream ends, however it ends (the browser gone included)."""
    try:
        yield
    finally:
        semaphore.release()


def _event(name: str, html: str) -> str:
    """One server-sent event: its name, and the HTML as data lines."""
    return f"event: {name}\n" + "".join(f"data: {line}\n" for line in html.splitlines()) + "\n"


@bp.route("/onair/urgent", methods=["POST"])
@requires(*ORDERING)
def urgent():
    """Put an announcement on air now, signed with the person's key: the CLI's `urgent --by`."""
    form, s, at = request.form, station(), now()
    mailbox = Mailbox(s.data_dir)
    try:
        if not mailbox.running():
            raise BroadcasterError(t("broadcaster run is not running on this station: start it first"))
        level, every_s, until = _level(form.get("level", "")), *_repeats(form, at)
        ident = form.get("announcement", "").strip()
        order = s.playout.urgent_request(ident, form.getlist("output"), level, DEFAULT_POLICY[level], every_s,
                                         until, person().name, form.get("passphrase", ""), form.get("reason", ""), at)
        reply = mailbox.wait_reply(mailbox.send(order, at), URGENT_WAIT_S)
    except BroadcasterError as exc:
        flash(str(exc), "problem")
        return redirect(url_for("onair.page"), 303)
    if reply is None:
        flash(t("sent: {id} ({level}) on {outputs}; not on air yet", id=ident, level=t(level),
                outputs=", ".join(order["outputs"])), "notice")
    elif reply.get("status") != STARTED:
        flash(t("'{id}' did not air: {reason}", id=ident, reason=reply.get("reason", "")), "problem")
    else:
        flash(t("on air: {id}", id=ident), "notice")
    return redirect(url_for("onair.page"), 303)


def _level(text: str) -> str:
    if text not in LEVELS:
        raise InputError(t("level '{level}' is not one of: {levels}", level=text, levels=", ".join(LEVELS)))
    return text


def _repeats(form, at: dt.datetime) -> tuple[float | None, dt.datetime | None]:
    """The repeat interval and end of the form's 'times' and 'every' (minutes): None, None to air once."""
    try:
        times = int(form.get("times") or 1)
        every_min = float(form.get("every") or 0)
    except ValueError:
        raise InputError(t("the number of times and the minutes between them must be numbers")) from None
    if not 1 <= times <= MAX_REPEATS:
        raise InputError(t("it may air from 1 to {n} times", n=MAX_REPEATS))
    if times == 1:
        return None, None
    if not 1 <= every_min <= 24 * 60:
        raise InputError(t("a repeat needs the minutes between airings, from 1 to 1440"))
    return every_min * 60, at + dt.timedelta(minutes=every_min * (times - 1))
