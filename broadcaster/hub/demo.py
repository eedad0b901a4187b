"""The hub demo: a hub on its private PostgreSQL and two simulated stations (their logs filled with a week of
airings, as `run` would have logged them) that join it, sync, and keep sending heartbeats."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from broadcaster.chain.loop import SyncLoop
from broadcaster.chain.sync import join_hub, sync_round
from broadcaster.hub import stations, utc_now
from broadcaster.hub.server import SERVER_OPTIONS, Hub, application
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.events import AiringEvent
from broadcaster.schedule.plan import PlannedAiring
from broadcaster.station import Station, init_station

DEMO_STATIONS = ("xa-demo-a", "xa-demo-b")
# Their communes, in one district; and the people who open the hub's pages (an officer writes, another approves).
DEMO_AREAS = {"xa-demo-a": ("Xã Hòa Thuận (demo)", "24611"), "xa-demo-b": ("Xã Ea Tu (demo)", "24612")}
DEMO_DISTRICT = "643"
DEMO_PEOPLE = (("canbo", "officer"), ("lanhdao", "approver"))
DEMO_PASSPHRASE = "demo-mat-khau"  # a demo's, printed for whoever opens its pages: never a real hub's
PROGRAMME = (("khau-hieu-5k", "Khẩu hiệu 5K", "covid-prevention", 45.0),
             ("tiem-vac-xin", "Lịch tiêm vắc-xin cho trẻ em", "health", 80.0),
             ("tin-gia", "Cảnh giác với tin giả trên mạng", "fake-news", 120.0))
# Each simulated day: the programme at 06:00 and 17:00; one airing in nine missed, as a flaky amplifier would.
HOURS = (6, 17)


@dataclass
class DemoHub:
    """The demo running: its URL, stations and the threads that keep them in touch."""

    url: str
    stations: list[Station]
    loops: list[SyncLoop]
    server: object

    def stop(self) -> None:
        """Stop the stations' loops and the hub's server."""
        for loop in self.loops:
            loop.stop()
        self.server.close()
        self.server.task_dispatcher.shutdown()  # its worker threads, which close() leaves running


def simulated_events(days: int, today: dt.date, tz: dt.tzinfo) -> list[AiringEvent]:
    """The airing outcomes of the ``days`` days before ``today``."""
    found = []
    for d in range(days, 0, -1):
        day = today - dt.timedelta(days=d)
        for hour in HOURS:
            start = dt.datetime.combine(day, dt.time(hour), tz)
            for i, (ident, title, topic, seconds) in enumerate(PROGRAMME):
                end = start + dt.timedelta(seconds=seconds)
                airing = PlannedAiring(key=f"{day}/loa-xa/{hour}/{i}", output="loa-xa", session=f"{hour}h",
                                       start=start, end=end, announcement=ident, title=title, topic=topic,
                                       fingerprint="0" * 64, asset_path="", approved_by="demo")
                missed = (d + hour + i) % 9 == 0
                found.append(AiringEvent("missed" if missed else "aired", airing, "demo", None if missed else start,
                                         None if missed else end, "demo: no amplifier" if missed else ""))
                start = end
    return found


def simulated_station(root: Path, station_id: str, days: int) -> Station:
    """A new station folder whose log holds ``days`` days of simulated airings."""
    init_station(root, station_id, "vi")
    config = root / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"id: {station_id}\n", encoding="utf-8")
    station = Station(root)
    log = station.airing_log
    clock = SystemClock(station.config.tz)
    for event in simulated_events(days, clock.now().date(), station.config.tz):
        log.clock = _At(event.airing.end)
        log.append(event)
    log.clock = clock
    return station


class _At:
    """A clock stopped at one moment: a simulated record is written when its airing ended."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def now(self) -> dt.datetime:
        """The moment."""
        return self.at


def start_demo(hub: Hub, folder: Path, port: int, days: int, say: Callable[[str], None]) -> DemoHub:
    """Serve ``hub`` on 127.0.0.1:``port``; make, enrol, join and sync the demo stations in ``folder``."""
    import waitress

    from broadcaster.hub.api import create_app

    server = waitress.create_server(application(hub, create_app(hub.engine, hub.key)), host="127.0.0.1", port=port,
                                    **SERVER_OPTIONS)
    url = f"http://127.0.0.1:{server.effective_port}"
    threading.Thread(target=server.run, name="hub", daemon=True).start()
    made, loops = [], []
    for station_id in DEMO_STATIONS:
        root = folder / station_id
        station = Station(root) if (root / "station.yaml").exists() else simulated_station(root, station_id, days)
        with hub.engine.begin() as db:
            code = stations.enrol(db, station_id, utc_now())
        join_hub(station, url, code)
        station = Station(root)
        sync_round(station, dt.datetime.now(station.config.tz))
        made.append(station)
        loops.append(SyncLoop(station, SystemClock(station.config.tz).now, say).start())
    demo_people(hub)
    return DemoHub(url, made, loops, server)


def demo_people(hub: Hub) -> None:
    """Name the demo stations' communes, add the demo's people (once) and a bulletin they wrote and approved,
    so that the hub's pages show something."""
    from broadcaster.hub.access import find
    from broadcaster.hub.bulletins import Draft, approve_bulletin, issue_bulletin
    from broadcaster.hub.users import add_user, set_passphrase, unlock

    now = utc_now()
    with hub.engine.begin() as db:
        for station_id, (name, area) in DEMO_AREAS.items():
            stations.set_station(db, station_id, name=name, area=area, district=DEMO_DISTRICT)
        for name, role in DEMO_PEOPLE:
            if find(db, name) is None:  # else a demo started again on the same folder
                add_user(db, name, "district", DEMO_DISTRICT, ["viewer", role], [], now, name)
                set_passphrase(db, name, DEMO_PASSPHRASE)
    officer = unlock(hub.engine, DEMO_PEOPLE[0][0], DEMO_PASSPHRASE, now)
    approver = unlock(hub.engine, DEMO_PEOPLE[1][0], DEMO_PASSPHRASE, now)
    text = ("Trạm y tế xã tổ chức tiêm vắc-xin sởi cho trẻ từ 9 tháng tuổi vào sáng thứ Bảy. Phụ huynh mang theo "
            "sổ tiêm chủng.")
    uid = issue_bulletin(hub.engine, Draft(title="Lịch tiêm vắc-xin sởi tuần này", text=text, topic="health",
                                           to=(DEMO_DISTRICT,), source="web"), officer, now)
    approve_bulletin(hub.engine, hub.key, uid, approver, now)
