"""Small helpers shared by tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from broadcaster.station import Station

NOW = dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SUPERVISOR = "Trần Văn Bình"


def approved_station(root: Path, ids: tuple[str, ...] = ("gioi-thieu", "khau-hieu-5k"), render: bool = True) -> Station:
    """The station at ``root`` with the given sample texts added, approved and rendered."""
    station = Station(root)
    for ident in ids:
        station.add_file(root / "scripts_text" / f"{ident}.md", NOW)
        entry = station.library.approve(ident, SUPERVISOR, NOW)
        if render:
            station.render(entry)
    return station


def write_schedule(root: Path, start: str, items: list[str], device: str = "loa_xa", output: str = "loa-xa") -> Path:
    """Replace the station's schedules with one session at ``start`` on one output."""
    for old in (root / "schedules").glob("*.yaml"):
        old.unlink()
    lines = ["outputs:", f"  {output}:", f"    device: {device}", "sessions:", "  - name: Thử nghiệm",
             f'    start: "{start}"', f"    output: {output}", "    items:"] + [f"      - {i}" for i in items]
    path = root / "schedules" / "test.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
