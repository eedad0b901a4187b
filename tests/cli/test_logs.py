"""The log commands: filters and formats, verify naming the altered record, export and import, bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from broadcaster.trust import keys
from tests.helpers import digest
from tests.logdata import at, build_log, edit_record, event, tamper

STATION_ID = "dai-truyen-thanh-xa-ea-tu"  # the sample station's name, as an id


def _log(station_dir: Path, station: str = STATION_ID, folder: Path | None = None):
    events = [event(at(24, 5, 30), "khau-hieu-5k"), event(at(24, 5, 31), "tin-gia", "failed", reason="hỏng loa"),
              event(at(25, 5, 30), "tiem-vac-xin"), event(at(25, 17, 0), "tin-gia", output="xe-loa")]
    return build_log(folder or station_dir / "data" / "log", events, station=station,
                     key=None if folder else Station(station_dir).station_key)


def _run(station_dir: Path, args: list[str]):
    return CliRunner().invoke(cli, args, obj=Station(station_dir), catch_exceptions=False)


def _fails(station_dir: Path, args: list[str], expected: str, code: int = 2) -> None:
    before = digest(station_dir)
    result = CliRunner().invoke(cli, args, obj=Station(station_dir))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.output == f"Error: {expected}\n"
    assert digest(station_dir) == before


def test_log_filters_by_topic_and_status_as_json(station_dir):
    _log(station_dir)
    result = _run(station_dir, ["log", "--from", "2026-11-24", "--to", "2026-11-25", "--topic", "fake-news",
                                "--format", "json"])
    rows = json.loads(result.output)
    assert [(r["announcement"], r["status"], r["output"]) for r in rows] == [("tin-gia", "failed", "loa-xa"),
                                                                            ("tin-gia", "aired", "xe-loa")]
    result = _run(station_dir, ["log", "--from", "2026-11-24", "--to", "2026-11-25", "--status", "failed",
                                "--format", "json"])
    assert [r["reason"] for r in json.loads(result.output)] == ["hỏng loa"]
    result = _run(station_dir, ["log", "--date", "2026-11-25", "--output", "xe-loa", "--id", "tin-gia",
                                "--format", "json"])
    assert [r["planned_start"] for r in json.loads(result.output)] == ["2026-11-25T17:00:00.000+07:00"]


def test_log_table_and_csv_file_for_excel(station_dir, tmp_path):
    _log(station_dir)
    result = _run(station_dir, ["log", "--date", "2026-11-24"])
    assert result.output.startswith("Airing log of 2026-11-24\n") and result.output.count("loa-xa") == 2
    path = tmp_path / "nhat-ky.csv"
    _run(station_dir, ["log", "--from", "2026-11-24", "--to", "2026-11-25", "--format", "csv", "--file", str(path)])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert [r["title"] for r in rows][:2] == ["Khẩu hiệu 5K cộng vắc-xin", "Cảnh giác với tin giả trên mạng"]
    assert rows[1]["reason"] == "hỏng loa" and rows[1]["operator"] == "Nguyễn Văn An"


def test_verify_an_intact_log(station_dir):
    log = _log(station_dir)
    last = list(log.own_records())[-1].record
    result = _run(station_dir, ["log", "verify"])
    assert result.exit_code == 0
    assert result.output == (f"{STATION_ID}: intact, 4 records, the last is record 4 with hash {last['hash'][:16]}\n"
                             f"head: 4:{last['hash'][:16]} (write it down, or keep an export: 'log verify --against' "
                             "proves the log still extends it)\n")


@pytest.mark.parametrize("change, problem", [
    ("edit", "record 2 (tin-gia planned 2026-11-24 05:31 on loa-xa) was altered"),
    ("delete", "record 2 was removed: record 3 (tiem-vac-xin planned 2026-11-25 05:30 on loa-xa) follows record 1"),
    ("reorder", "record 2 was moved: record 3 (tiem-vac-xin planned 2026-11-25 05:30 on loa-xa) comes before it"),
])
def test_verify_names_the_tampered_record(station_dir, change, problem):
    _log(station_dir)
    path = station_dir / "data" / "log" / "airing-log.sqlite3"
    if change == "edit":
        edit_record(path, 2, status="aired", reason="")
    elif change == "delete":
        tamper(path, "DELETE FROM records WHERE seq = 2")
    else:
        for a, b in ((2, -2), (3, 2), (-2, 3)):
            tamper(path, "UPDATE records SET seq = ? WHERE seq = ?", b, a)
    result = CliRunner().invoke(cli, ["log", "verify"], obj=Station(station_dir))
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"{STATION_ID}: ALTERED: {path}: {problem}"


def test_one_record_is_counted_in_the_singular(station_dir, tmp_path):
    build_log(station_dir / "data" / "log", [event(at(24, 5, 30), "khau-hieu-5k")], station=STATION_ID,
              key=Station(station_dir).station_key)
    assert _run(station_dir, ["log", "verify"]).output.startswith(f"{STATION_ID}: intact, 1 record, the last")
    bundle = tmp_path / "mot.json"
    result = _run(station_dir, ["log", "export", "--from", "2026-11-24", "--to", "2026-11-24", str(bundle)])
    assert result.output == f"{STATION_ID}: 1 record\nwritten to {bundle}\n"
    supervisor = tmp_path / "huyen"
    assert _run(tmp_path, ["init", str(supervisor), "--name", "Phòng Văn hóa huyện", "--language", "en"]).exit_code == 0
    assert _run(supervisor, ["log", "import", str(bundle)]).output.startswith(
        f"{STATION_ID}: 1 new record, 0 already here\n")


def test_export_then_import_at_the_supervisor(station_dir, tmp_path):
    _log(station_dir)
    bundle = tmp_path / "ea-tu-thang-11.json"
    result = _run(station_dir, ["log", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(bundle)])
    assert result.output == f"{STATION_ID}: 4 records\nwritten to {bundle}\n"
    supervisor = tmp_path / "huyen"
    assert _run(tmp_path, ["init", str(supervisor), "--name", "Phòng Văn hóa huyện", "--language", "en"]).exit_code == 0
    result = _run(supervisor, ["log", "import", str(bundle)])
    key = keys.fingerprint(keys.public_raw(Station(station_dir).station_key))
    assert result.output == (f"{STATION_ID}: 4 new records, 0 already here\n{STATION_ID}: first bundle of this "
                             f"station; its key {key} is pinned from now on: compare it with what 'broadcaster "
                             "identity' shows at the station\n")
    result = _run(supervisor, ["log", "import", str(bundle)])
    assert result.output == f"{STATION_ID}: 0 new records, 4 already here\n"
    result = _run(supervisor, ["log", "--from", "2026-11-24", "--to", "2026-11-25", "--format", "json"])
    assert [r["station"] for r in json.loads(result.output)] == [STATION_ID] * 4
    result = _run(supervisor, ["log", "verify"])
    assert f"{STATION_ID}: intact, 4 records" in result.output and "phong-van-hoa-huyen: intact, 2 records" \
        in result.output


def test_bad_input_is_one_line_with_exit_2_and_changes_nothing(station_dir, tmp_path):
    _log(station_dir)
    _fails(station_dir, ["log", "--from", "2026-11-25", "--to", "2026-11-24"],
           "the dates are in the wrong order: 2026-11-25 is after 2026-11-24")
    _fails(station_dir, ["log", "export", "--from", "2026-11-30", "--to", "2026-11-01", str(tmp_path / "x.json")],
           "the dates are in the wrong order: 2026-11-30 is after 2026-11-01")
    notes = station_dir / "ghi-chu.json"
    notes.write_text('{"ghi chú": "không phải bó nhật ký"}', encoding="utf-8")
    _fails(station_dir, ["log", "import", str(notes)],
           f"{notes}: not a log bundle (not the JSON that 'broadcaster log export' writes)")
    other = _log(station_dir, station="xe-loa-1", folder=tmp_path / "xe")
    bundle = station_dir / "xe.json"
    other.export(at(1).date(), at(30).date(), bundle)
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["chains"][0]["records"][1]["reason"] = ""
    bundle.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _fails(station_dir, ["log", "import", str(bundle)],
           f"{bundle}: the bundle's signature does not verify: it was altered after it was exported; nothing was "
           "imported")
    _fails(station_dir, ["log", "import", str(station_dir / "khong-co.json")], f"{station_dir / 'khong-co.json'}: "
           "no such file")


def test_archive_refuses_a_month_inside_retention(station_dir):
    _log(station_dir)
    (station_dir / "station.yaml").write_text("name: Đài truyền thanh xã Ea Tu\nlog:\n  retention_months: 36\n",
                                              encoding="utf-8")
    station = Station(station_dir)
    today = station.airing_log.clock.now().date()
    limit = f"{today.year - 3:04d}-{today.month:02d}"
    _fails(station_dir, ["log", "archive", "--before", "2099-01"],
           f"the log keeps at least 36 months: only months before {limit} can be archived")
    _fails(station_dir, ["log", "archive", "--before", "2024-13"], "'2024-13' is not a month; expected YYYY-MM such "
           "as 2024-01")
    result = _run(station_dir, ["log", "archive"])
    assert result.output == "nothing to archive\n"


def _rewrite_newest(path: Path, station: Station, **changes) -> None:
    """What someone at the station's PC can do: change the newest record and hash and sign it again."""
    import sqlite3

    from broadcaster.log_chain import record_hash, record_signature
    from broadcaster.log_store import COLUMNS, QUOTED, columns

    db = sqlite3.connect(path, isolation_level=None)
    seq, body = db.execute("SELECT seq, body FROM records ORDER BY seq DESC LIMIT 1").fetchone()
    record = {**json.loads(body), **changes}
    record["hash"] = record_hash(record)
    db.execute(f"UPDATE records SET body = ?, hash = ?, sig = ?, ({QUOTED}) = ({', '.join('?' * len(COLUMNS))}) "
               "WHERE seq = ?", (json.dumps(record, ensure_ascii=False).encode(), record["hash"],
                                 record_signature(station.station_key, record["hash"]), *columns(record), seq))


@pytest.mark.parametrize("attack, problem", [
    ("drop", "record 4 (tin-gia planned 2026-11-25 17:00 on xe-loa), seen by the witness, is no longer in the log"),
    ("rewrite", "record 4 (tin-gia planned 2026-11-25 17:00 on xe-loa) is not the one the witness saw: it was "
                "altered"),
    ("append", "record 5 (tin-gia planned 2026-11-25 16:00 on loa-xa) was written after record 4, which the witness "
               "saw, but is dated before it: it was added afterwards"),
])
def test_a_witness_finds_what_the_stations_own_key_hides(station_dir, tmp_path, attack, problem):
    log = _log(station_dir)
    bundle = tmp_path / "da-gui-huyen.json"
    _run(station_dir, ["log", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(bundle)])
    head = _run(station_dir, ["log", "verify"]).output.splitlines()[-1].split()[1]
    assert _run(station_dir, ["log", "verify", "--against", str(bundle)]).output.splitlines()[-1] == \
        f"against {bundle}: the log still holds every record the witness saw"
    path = station_dir / "data" / "log" / "airing-log.sqlite3"
    station = Station(station_dir)
    if attack == "drop":
        tamper(path, "DELETE FROM records WHERE seq = 4")
    elif attack == "rewrite":
        _rewrite_newest(path, station, status="missed", actual_start=None, actual_end=None, duration_s=0.0)
    else:
        log.clock.at = at(25, 16, 5)  # dated before the export, written after it
        log.key = station.station_key
        log.append(event(at(25, 16, 0), "tin-gia"))
    assert all(c.intact for c in station.airing_log.verify())  # the station's own key vouches for it all
    for witness in (str(bundle), head):
        result = CliRunner().invoke(cli, ["log", "verify", "--against", witness], obj=Station(station_dir))
        assert result.exit_code == 1
        assert result.output.splitlines()[-1] == f"against {witness}: ALTERED: {problem}".replace(
            " (tin-gia planned 2026-11-25 17:00 on xe-loa), seen", ", seen") if witness == head and attack == "drop" \
            else f"against {witness}: ALTERED: {problem}"


def test_pin_then_import_and_a_wrong_pin_refuses(station_dir, tmp_path):
    _log(station_dir)
    bundle = tmp_path / "xa.json"
    _run(station_dir, ["log", "export", "--from", "2026-11-01", "--to", "2026-11-30", str(bundle)])
    supervisor = tmp_path / "huyen"
    _run(tmp_path, ["init", str(supervisor), "--name", "Phòng Văn hóa huyện", "--language", "en"])
    wrong = keys.fingerprint(keys.public_raw(keys.new_key()))
    assert _run(supervisor, ["log", "pin", STATION_ID, wrong]).output == f"{STATION_ID}: bundles must be signed by {wrong}\n"
    right = keys.fingerprint(keys.public_raw(Station(station_dir).station_key))
    _fails(supervisor, ["log", "import", str(bundle)],
           f"{bundle}: {STATION_ID} is signed by key {right}, not by the key {wrong} pinned for it; nothing was imported")
    _run(supervisor, ["log", "pin", STATION_ID, right])
    assert _run(supervisor, ["log", "import", str(bundle)]).output == f"{STATION_ID}: 4 new records, 0 already here\n"
