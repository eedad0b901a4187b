"""The render cache is cleaned of orphans: audio that no approved announcement uses any more."""

from __future__ import annotations

from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.helpers import NOW, approved_station


def test_render_clean_removes_the_audio_of_an_edited_text_and_nothing_else(station_dir):
    station = approved_station(station_dir, ("gioi-thieu", "khau-hieu-5k"))
    render = station_dir / "data" / "render"
    kept = station.renders.asset(station.library.get("gioi-thieu").announcement.variants[0])
    old = station.renders.asset(station.library.get("khau-hieu-5k").announcement.variants[0])
    path = station_dir / "scripts_text" / "khau-hieu-5k.md"
    path.write_text(path.read_text(encoding="utf-8").replace("5K", "6K"), encoding="utf-8")
    station.content.add_file(path, NOW)  # edited: no longer approved, its audio is an orphan
    (render / f"{old.key}.wav.x1y2.tmp").write_bytes(b"half a file")  # left by a render that was cut off
    (render / "ghi-chu.txt").write_text("not ours", encoding="utf-8")
    before = sorted(p.name for p in render.iterdir())
    orphans = sorted([f"{old.key}.json", f"{old.key}.wav", f"{old.key}.wav.x1y2.tmp"])

    runner = CliRunner()
    result = runner.invoke(cli, ["render", "--dry-run", "--clean"], obj=Station(station_dir), catch_exceptions=False)
    assert result.output == "0 to render\n3 files of unused audio would be removed\n"
    assert sorted(p.name for p in render.iterdir()) == before

    result = runner.invoke(cli, ["render", "--clean"], obj=Station(station_dir), catch_exceptions=False)
    assert result.output == "0 to render\n3 files of unused audio removed\n"
    assert sorted(p.name for p in render.iterdir()) == sorted(set(before) - set(orphans))
    assert Station(station_dir).renders.asset(station.library.get("gioi-thieu").announcement.variants[0]) == kept

    result = runner.invoke(cli, ["render", "--clean"], obj=Station(station_dir), catch_exceptions=False)
    assert result.output == "0 to render\n0 files of unused audio removed\n"
