"""The library: only approved, unaltered, currently valid content can be planned; only supervisors decide."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
from pathlib import Path

import pytest
import soundfile
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcaster.cli import cli
from broadcaster.content.library import APPROVED, RETIRED
from broadcaster.content.users import AuthError
from broadcaster.errors import InputError
from broadcaster.station import Station
from tests.content.test_clips import voice
from tests.helpers import NOW, OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, digest, officer, with_supervisor

IDS = ("thong-diep-5k", "tiem-vac-xin", "tin-gia")
TZ = NOW.tzinfo


def write_text(root: Path, ident: str, version: int, valid: tuple[dt.date | None, dt.date | None] = (None, None),
               author: str = "Nguyễn Thị Lan") -> Path:
    lines = ["---", f"id: {ident}", f"title: Thông báo {ident}", "topic: covid-prevention", f"author: {author}"]
    lines += [f"{key}: {day.isoformat()}" for key, day in zip(("valid_from", "valid_until"), valid) if day]
    lines += ["---", f"Kính thưa bà con, đây là bản số {version} của thông báo {ident.replace('-', ' ')}."]
    path = root / "scripts_text" / f"{ident}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def schedule_all(root: Path, ids=IDS) -> None:
    items = "\n".join(f"      - {i}" for i in ids)
    (root / "schedules" / "hang-ngay.yaml").write_text(
        f"outputs:\n  loa-xa:\n    device: default\nsessions:\n  - name: Sáng\n    start: '05:30'\n"
        f"    output: loa-xa\n    items:\n{items}\n", encoding="utf-8")


def empty_station(root: Path) -> Station:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root), "--language", "en"]).exit_code == 0
    schedule_all(root, ["tin-gia"])
    return with_supervisor(root)


operation = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(IDS)),
    st.tuples(st.just("approve"), st.sampled_from(IDS)),
    st.tuples(st.just("retire"), st.sampled_from(IDS)),
    st.tuples(st.just("expire"), st.sampled_from(IDS), st.integers(-5, 5), st.integers(-5, 5)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, max_size=12), offset=st.integers(-6, 6))
def test_plannable_is_exactly_approved_unaltered_and_valid(tmp_path_factory, ops, offset):
    root = tmp_path_factory.mktemp("station")
    station = empty_station(root)
    day = NOW.date() + dt.timedelta(days=offset)
    model: dict[str, dict] = {}  # id -> version, validity, approved version, retired
    for op in ops:
        kind, ident = op[0], op[1]
        m = model.get(ident)
        if kind == "write":
            version = m["version"] + 1 if m else 1
            validity = m["valid"] if m else (None, None)
            write_text(root, ident, version, validity)
            if m is None:  # new texts are added by an officer; edits are picked up from the file
                station.content.add_file(root / "scripts_text" / f"{ident}.md", NOW)
            model[ident] = {**(m or {"approved": None, "retired": False}), "version": version, "valid": validity}
        elif m is None:
            continue
        elif kind == "expire":
            start, end = NOW.date() + dt.timedelta(days=op[2]), NOW.date() + dt.timedelta(days=op[3])
            validity = (min(start, end), max(start, end))
            write_text(root, ident, m["version"], validity)
            m["valid"] = validity
        else:
            action = APPROVED if kind == "approve" else RETIRED
            current = (m["version"], m["valid"])
            already = (m["approved"] == current and not m["retired"]) if kind == "approve" else \
                (m["retired"] and m["retired_at"] == current)
            if already:
                continue
            station.content.sync(NOW, only=ident)  # the edit of the file is taken in: it has no maker until claimed
            if station.library.maker(ident) is None:
                station.content.claim(ident, OFFICER, OFFICER_PASSPHRASE, NOW)
            station.content.decide(ident, action, SUPERVISOR, PASSPHRASE, NOW)
            if kind == "approve":
                m["approved"], m["retired"] = current, False
            else:
                m["retired"], m["retired_at"] = True, current
    expected = {i for i, m in model.items()
                if m["approved"] == (m["version"], m["valid"]) and not m["retired"]
                and (m["valid"][0] is None or m["valid"][0] <= day) and (m["valid"][1] is None or day <= m["valid"][1])}
    if not model:
        return
    schedule_all(root, sorted(model))
    plan = station.planner.plan(day, NOW)
    assert {a.announcement for a in plan.airings} == expected
    assert len(plan.warnings) == len(model) - len(expected)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name, sha in digest(folder).items():
        h.update(name.encode() + sha.encode())
    return h.hexdigest()


@pytest.mark.parametrize("who,passphrase,message", [
    (SUPERVISOR, "sai mật khẩu", "wrong passphrase for Trần Văn Bình"),
    ("Lê Văn Cường", "mật khẩu cán bộ", "Lê Văn Cường is officer; only a supervisor may approve"),
    ("Người Lạ", "bất kỳ mật khẩu", "'Người Lạ' is not a person of this station ('broadcaster user list' shows them)"),
])
def test_approval_needs_a_supervisor_with_the_right_passphrase(tmp_path, who, passphrase, message):
    station = empty_station(tmp_path / "s")
    station.users.add("Lê Văn Cường", "officer", "mật khẩu cán bộ", NOW, (SUPERVISOR, PASSPHRASE))
    station.content.add_file(write_text(station.root, "tin-gia", 1), NOW)
    before = _digest(station.root)
    with pytest.raises(AuthError) as err:
        station.content.decide("tin-gia", APPROVED, who, passphrase, NOW)
    assert err.value.message == message
    assert _digest(station.root) == before
    assert station.library.get("tin-gia").status == "draft"
    assert len(station.users._failures(SUPERVISOR)) == (1 if "wrong" in message else 0)  # recorded


def test_passphrases_are_not_stored_in_clear(tmp_path):
    station = empty_station(tmp_path / "s")
    stored = (station.data_dir / "users.json").read_text(encoding="utf-8")
    assert PASSPHRASE not in stored and PASSPHRASE.encode().hex() not in stored
    assert '"scrypt"' in stored and '"sealed"' in stored


def test_an_edit_on_disk_withdraws_approval_and_is_recorded(tmp_path):
    station = empty_station(tmp_path / "s")
    path = write_text(station.root, "tin-gia", 1)
    station.content.add_file(path, NOW, signer=officer(station))
    station.content.decide("tin-gia", APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    assert [a.announcement for a in station.planner.plan(NOW.date(), NOW).airings] == ["tin-gia"]
    write_text(station.root, "tin-gia", 2)
    plan = station.planner.plan(NOW.date(), NOW)
    assert plan.airings == ()
    assert "not approved (changed since approval)" in plan.warnings[0]
    assert [h["action"] for h in station.library.history("tin-gia")] == ["added", APPROVED, "edited"]
    result = CliRunner().invoke(cli, ["content", "list"], obj=station, catch_exceptions=False)
    assert "edited after Trần Văn Bình approved it: approve again" in " ".join(result.output.split())


def test_a_clip_variant_airs_after_the_vietnamese_text(tmp_path):
    station = empty_station(tmp_path / "s")
    station.content.add_file(write_text(station.root, "tin-gia", 1), NOW)
    clip = station.root / "audio" / "tin-gia-rad.wav"
    soundfile.write(clip, voice(2.0), 44100)
    entry, outcome = station.content.add_file(clip, NOW, ident="tin-gia", language="rad", signer=officer(station))
    assert outcome == "updated" and entry.announcement.languages() == ("vie", "rad")
    station.content.decide("tin-gia", APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    airings = station.planner.plan(NOW.date(), NOW).airings
    assert [(a.announcement, a.language) for a in airings] == [("tin-gia", "vie"), ("tin-gia", "rad")]
    assert airings[1].start == airings[0].end
    assert abs((airings[1].end - airings[1].start).total_seconds() - 2.0) < 0.05
    # Re-recording the clip withdraws the approval of the whole announcement.
    soundfile.write(clip, voice(2.5), 44100)
    assert station.planner.plan(NOW.date(), NOW).airings == ()


def test_a_clip_with_a_sidecar_makes_a_new_announcement(tmp_path):
    station = empty_station(tmp_path / "s")
    clip = station.root / "audio" / "phong-dich-jra.m4a"
    soundfile.write(clip.with_suffix(".wav"), voice(1.5), 44100)
    from tests.content.test_clips import ffmpeg_encode
    ffmpeg_encode(clip.with_suffix(".wav"), clip, "-c:a", "aac")
    Path(str(clip) + ".yaml").write_text("id: phong-dich\ntitle: Phòng dịch (tiếng J'rai)\nlanguage: jra\n"
                                         "topic: covid-prevention\nauthor: Rơ Mah H'Luyn\n", encoding="utf-8")
    entry, outcome = station.content.add_file(clip, NOW)
    assert outcome == "added"
    assert (entry.id, entry.announcement.title, entry.announcement.languages()) == (
        "phong-dich", "Phòng dịch (tiếng J'rai)", ("jra",))
    assert entry.announcement.author == "Rơ Mah H'Luyn"


def _add_many(root: str, prefix: str, n: int) -> None:
    station = Station(Path(root))
    for i in range(n):
        path = write_text(Path(root), f"{prefix}-{i}", 1)
        station.content.add_file(path, NOW)


def test_two_processes_adding_at_once_lose_nothing(tmp_path):
    station = empty_station(tmp_path / "s")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_many, args=(str(station.root), p, 15)) for p in ("thon-a", "thon-b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert len(station.library.entries()) == 30
    assert len(station.library.history()) == 30


def test_scripts_text_is_watched_new_files_come_in_as_drafts(tmp_path):
    station = empty_station(tmp_path / "s")
    write_text(station.root, "tin-gia", 1)
    (station.root / "scripts_text" / "hong.md").write_bytes("Kính thưa bà con".encode("utf-16-le")[:-1] + b"\x00\x00x")
    runner = CliRunner()
    result = runner.invoke(cli, ["content", "list"], obj=Station(station.root), catch_exceptions=False)
    assert "tin-gia" in result.output and "draft" in result.output
    assert "not in the library: " in result.output and "hong.md" in result.output  # a file that cannot be read is named, not silently skipped
    assert [h["action"] for h in station.library.history("tin-gia")] == ["added"]
    # A file put in scripts_text can be approved by its id at once.
    write_text(station.root, "thong-diep-5k", 1)
    with pytest.raises(InputError, match="nobody signed the current version of 'thong-diep-5k'"):
        station.content.decide("thong-diep-5k", APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    station.content.claim("thong-diep-5k", OFFICER, OFFICER_PASSPHRASE, NOW)
    station.content.decide("thong-diep-5k", APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    assert station.library.get("thong-diep-5k").approved
