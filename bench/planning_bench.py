"""Planning speed: 10 outputs, 50 sessions a day, every day of a year. Target: under 1 s in all.

Run: python bench/planning_bench.py
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from broadcaster.schedule.model import Item, Output, Schedule, Session
from broadcaster.schedule.plan import Material, Rendition, plan_day

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OUTPUTS, SESSIONS_PER_DAY, ITEMS_PER_SESSION, DAYS = 10, 50, 3, 365
TARGET_S = 1.0


def main() -> None:
    material = {f"tin-{i}": Material(id=f"tin-{i}", title=f"Bản tin {i}", topic="general", fingerprint=f"f{i}",
                                     status="approved", approved=True, valid_from=None, valid_until=None,
                                     renditions=(Rendition("vie", f"render/{i}.wav", 20.0 + i),))
                for i in range(30)}
    outputs = {f"loa-{o}": Output(f"loa-{o}", device=f"loa_{o}") for o in range(OUTPUTS)}
    sessions = []
    for o in range(OUTPUTS):
        for s in range(SESSIONS_PER_DAY // OUTPUTS):  # 50 sessions a day across the 10 outputs
            start = dt.time(5 + s * 3, (o * 7) % 60)
            items = tuple(Item(announcement=f"tin-{(o + s + k) % 30}", source="lich.yaml", line=10 + k)
                          for k in range(ITEMS_PER_SESSION))
            sessions.append(Session(name=f"Buổi {s}", start=start, output=f"loa-{o}", items=items,
                                    source="lich.yaml", line=5))
    schedule = Schedule(outputs=outputs, sessions=tuple(sessions))
    first = dt.date(2027, 1, 1)
    began = time.perf_counter()
    airings = sum(len(plan_day(schedule, material, first + dt.timedelta(days=d), TZ).airings) for d in range(DAYS))
    took = time.perf_counter() - began
    print(f"planned {DAYS} days x {len(sessions)} sessions on {OUTPUTS} outputs: {airings} airings "
          f"in {took:.3f} s ({took / DAYS * 1000:.2f} ms a day); target < {TARGET_S} s: "
          f"{'met' if took < TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
