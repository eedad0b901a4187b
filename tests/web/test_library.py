"""The library page: search and filters, writing and editing a text, how it will be read and its audio, clips
uploaded (or recorded in the browser), decisions with four eyes, and the history; bad input changes nothing."""

from __future__ import annotations

import html
import io
from pathlib import Path

import numpy as np
import pytest

from broadcaster.audiofile import write_wav
from broadcaster.content.library import APPROVED
from tests.helpers import NOW, OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, digest
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, SUPERVISOR2, SUPERVISOR2_PASSPHRASE, csrf_token, log_in

TEXT = ("---\nid: hop-dan\ntitle: Họp dân tháng 12\ntopic: general\n---\n\n"
        "Kính thưa bà con, ngày 5/12 thôn 3 họp dân lúc 14h tại nhà văn hóa.\n")


def page_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, path: str, **form):
    return client.post(path, data={**form, "csrf_token": csrf_token(client, "/library/")})


@pytest.fixture
def officer(client):
    """A browser logged in as OFFICER."""
    assert log_in(client, OFFICER, OFFICER_PASSPHRASE).status_code == 302
    return client


@pytest.fixture
def supervisor2(app):
    """A second browser, logged in as the second supervisor."""
    other = app.test_client()
    assert log_in(other, SUPERVISOR2, SUPERVISOR2_PASSPHRASE).status_code == 302
    return other


def tone_wav(folder: Path, seconds: float = 1.5, rate: int = 16000) -> bytes:
    """A WAV file of a tone, as a phone would send one."""
    path = folder / "tone.wav"
    write_wav(path, 0.3 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * rate)) / rate), rate)
    return path.read_bytes()


# ---- the list ----

def test_an_operator_reads_the_list_with_its_filters(operator):
    page = page_of(operator.get("/library/"))
    assert "gioi-thieu" in page and "tin-gia" in page
    only_5k = page_of(operator.get("/library/?q=5K"))
    assert "khau-hieu-5k" in only_5k and "gioi-thieu" not in only_5k
    assert "gioi-thieu" not in page_of(operator.get("/library/?status=approved"))
    assert "gioi-thieu" in page_of(operator.get("/library/?status=draft"))
    assert "gioi-thieu" not in page_of(operator.get("/library/?lang=rad"))
    assert 'href="/library/new"' not in page  # an operator reads: no writing for them


def test_a_text_past_its_validity_is_expired(operator, clock, web_station):
    ann = web_station.content.entry("gioi-thieu", NOW).announcement
    assert ann.valid_until is None
    (web_station.scripts_dir / "het-han.md").write_text(
        "---\nid: het-han\ntitle: Hết hạn\ntopic: general\nvalid_until: 2026-11-01\n---\n\nThông báo cũ.\n",
        encoding="utf-8")
    expired = page_of(operator.get("/library/?status=expired"))
    assert "het-han" in expired and "gioi-thieu" not in expired


# ---- roles ----

@pytest.mark.parametrize("method,path", [("GET", "/library/new"), ("POST", "/library/new"),
                                         ("GET", "/library/gioi-thieu/edit"), ("POST", "/library/clip"),
                                         ("POST", "/library/spoken"), ("POST", "/library/gioi-thieu/decide")])
def test_an_operator_may_not_write_nor_decide(operator, method, path):
    response = operator.open(path, method=method, data={"csrf_token": csrf_token(operator, "/library/")})
    assert response.status_code == 403
    assert f"{OPERATOR} is operator; this page is for:" in page_of(response)


def test_an_officer_may_not_decide(officer, web_station):
    response = post(officer, "/library/gioi-thieu/decide", action="approve", passphrase=OFFICER_PASSPHRASE)
    assert response.status_code == 403
    assert web_station.library.get("gioi-thieu").decision is None


# ---- writing a text ----

def test_an_officer_writes_a_text_signed_as_theirs(officer, web_station):
    assert "topic: general" in page_of(officer.get("/library/new"))  # the editor opens on a header to fill in
    response = post(officer, "/library/new", text=TEXT.replace("\n", "\r\n"), passphrase=OFFICER_PASSPHRASE)
    assert response.status_code == 303 and response.headers["Location"] == "/library/hop-dan/"
    assert (web_station.scripts_dir / "hop-dan.md").read_text(encoding="utf-8") == TEXT  # CRLF from the browser
    assert web_station.library.maker("hop-dan") == OFFICER
    page = page_of(officer.get("/library/hop-dan/"))
    assert "hop-dan: added (draft)" in page
    assert "ngày mồng năm tháng mười hai thôn ba họp dân lúc mười bốn giờ" in page  # how it will be read
    assert f"<td>added</td><td>{OFFICER}</td>" in page  # the history


def test_a_bad_text_is_refused_with_its_line_and_nothing_is_written(officer, web_station):
    officer.get("/library/")  # the sample texts taken in first: what follows must change nothing
    before = digest(web_station.root)
    response = post(officer, "/library/new", text=TEXT.replace("topic: general", "topic: thoi-tiet"),
                    passphrase=OFFICER_PASSPHRASE)
    assert response.status_code == 400
    assert "<p class=\"problem\" role=\"alert\">scripts_text/new.md:4: unknown topic 'thoi-tiet'" in page_of(response)
    assert "thoi-tiet" in page_of(response)  # the text typed is kept in the editor
    assert digest(web_station.root) == before


def test_a_wrong_passphrase_writes_nothing(officer, web_station):
    officer.get("/library/")  # the sample texts taken in first: what follows must change nothing
    before = digest(web_station.root)
    response = post(officer, "/library/new", text=TEXT, passphrase="sai rồi")
    assert response.status_code == 400
    assert "wrong passphrase" in page_of(response)
    assert not (web_station.scripts_dir / "hop-dan.md").exists()
    assert {k: v for k, v in digest(web_station.root).items() if "users" not in k} == \
        {k: v for k, v in before.items() if "users" not in k}


def test_a_new_text_may_not_take_an_existing_id(officer, web_station):
    officer.get("/library/")  # the sample texts taken in
    response = post(officer, "/library/new", text=TEXT.replace("hop-dan", "gioi-thieu"), passphrase=OFFICER_PASSPHRASE)
    assert response.status_code == 400
    assert "'gioi-thieu' already exists: edit it, or give the new text another id" in page_of(response)


def test_an_edit_rewrites_the_texts_own_file_and_keeps_its_id(officer, web_station):
    path = web_station.scripts_dir / "gioi-thieu.md"
    editor = page_of(officer.get("/library/gioi-thieu/edit"))
    assert "Đây là Đài truyền thanh xã Ea Tu" in editor
    edited = path.read_text(encoding="utf-8").replace("Đây là Đài", "Xin chào, đây là Đài")
    assert post(officer, "/library/gioi-thieu/edit", text=edited, passphrase=OFFICER_PASSPHRASE).status_code == 303
    assert path.read_text(encoding="utf-8") == edited
    assert web_station.library.get("gioi-thieu").announcement.variant("vie").text.startswith("Xin chào")
    assert web_station.library.maker("gioi-thieu") == OFFICER
    renamed = post(officer, "/library/gioi-thieu/edit", text=edited.replace("id: gioi-thieu", "id: khac"),
                   passphrase=OFFICER_PASSPHRASE)
    assert renamed.status_code == 400
    assert "the header names 'khac', not 'gioi-thieu': an edit keeps the id" in page_of(renamed)
    assert path.read_text(encoding="utf-8") == edited


def test_how_a_draft_will_be_read(officer):
    response = post(officer, "/library/spoken", text=TEXT)
    assert "lúc mười bốn giờ" in page_of(response)
    broken = post(officer, "/library/spoken", text="---\nid: x\n")
    assert "the header that starts with '---' is never closed by another '---' line" in page_of(broken)


# ---- audio ----

def test_the_preview_is_the_rendered_audio(operator):
    response = operator.get("/library/gioi-thieu/audio?lang=vie")
    assert response.status_code == 200 and response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF" and len(response.data) > 16000


@pytest.mark.parametrize("path", ["/library/nope/audio", "/library/../audio", "/library/..%2F..%2Fstation.yaml/audio",
                                  "/library/%2e%2e/audio", "/library/gioi-thieu/audio?lang=..%2F..",
                                  "/library/nope/", "/library/..%5Cstation.yaml/"])
def test_unknown_and_path_like_ids_reach_no_file(operator, path):
    response = operator.get(path)
    assert response.status_code in (400, 404)
    assert b"RIFF" not in response.data
    assert "timezone" not in response.get_data(as_text=True)  # station.yaml was not served


def test_an_unknown_id_says_so(operator):
    response = operator.get("/library/gioi-thieux/")
    assert response.status_code == 400
    assert "unknown announcement 'gioi-thieux' (did you mean 'gioi-thieu'?)" in page_of(response)


# ---- clips ----

def test_an_officer_uploads_a_clip_as_a_new_announcement(officer, web_station, tmp_path):
    response = officer.post("/library/clip", data={
        "csrf_token": csrf_token(officer, "/library/"), "id": "loa-moi", "language": "rad", "title": "Loa mới",
        "topic": "general", "passphrase": OFFICER_PASSPHRASE, "clip": (io.BytesIO(tone_wav(tmp_path)), "ghi-am.wav")},
        content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == "/library/loa-moi/"
    entry = web_station.library.get("loa-moi")
    assert entry.announcement.variant("rad").duration_s == pytest.approx(1.5, abs=0.05)
    assert web_station.library.maker("loa-moi") == OFFICER
    assert "loa-moi: added (draft)" in page_of(officer.get("/library/loa-moi/"))


@pytest.mark.parametrize("name,data,message", [
    ("junk.wav", b"this is not audio at all" * 100, "junk.wav: not a readable audio clip"),
    ("virus.exe", b"MZ" * 100, "'virus.exe' is not a clip this program reads"),
    ("", b"", "choose a clip to send, or record one"),
])
def test_a_bad_upload_is_refused_and_nothing_is_kept(officer, web_station, name, data, message):
    officer.get("/library/")  # the sample texts taken in first: what follows must change nothing
    before = digest(web_station.root)
    response = officer.post("/library/clip", data={
        "csrf_token": csrf_token(officer, "/library/"), "id": "loa-moi", "language": "rad", "title": "Loa mới",
        "passphrase": OFFICER_PASSPHRASE, "clip": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code == 303
    shown = page_of(officer.get(response.headers["Location"]))
    assert message in shown, shown[shown.find("<main>"):shown.find("<main>") + 600]
    assert web_station.library.find("loa-moi") is None
    assert not list((web_station.root / "audio").glob("loa-moi*"))
    assert {k: v for k, v in digest(web_station.root).items() if "users" not in k} == \
        {k: v for k, v in before.items() if "users" not in k}


def test_a_clip_with_a_path_like_id_is_refused(officer, web_station, tmp_path):
    response = officer.post("/library/clip", data={
        "csrf_token": csrf_token(officer, "/library/"), "id": "../../evil", "language": "rad", "title": "x",
        "passphrase": OFFICER_PASSPHRASE, "clip": (io.BytesIO(tone_wav(tmp_path)), "a.wav")},
        content_type="multipart/form-data")
    assert "'../../evil' is not a usable id" in page_of(officer.get(response.headers["Location"]))
    assert not list(web_station.root.parent.rglob("*evil*"))


def test_an_upload_over_the_cap_is_refused(app, officer, tmp_path):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = officer.post("/library/clip", data={
        "csrf_token": csrf_token(officer, "/library/"), "id": "to", "language": "rad", "title": "x",
        "passphrase": OFFICER_PASSPHRASE, "clip": (io.BytesIO(tone_wav(tmp_path)), "a.wav")},
        content_type="multipart/form-data")
    assert response.status_code == 413


# ---- decisions ----

def written(writer, passphrase: str = OFFICER_PASSPHRASE) -> None:
    assert post(writer, "/library/new", text=TEXT, passphrase=passphrase).status_code == 303


def test_a_second_person_approves_what_an_officer_wrote(officer, supervisor2, web_station):
    written(officer)
    response = post(supervisor2, "/library/hop-dan/decide", action="approve", passphrase=SUPERVISOR2_PASSPHRASE)
    assert response.status_code == 303
    assert web_station.library.get("hop-dan").status == APPROVED
    page = page_of(supervisor2.get("/library/hop-dan/"))
    assert f"hop-dan: approved by {SUPERVISOR2}" in page
    assert f"<td>approved</td><td>{SUPERVISOR2}</td>" in page
    assert web_station.renders.asset(web_station.library.get("hop-dan").announcement.variants[0]) is not None


def test_four_eyes_refuses_the_maker(app, web_station):
    writer = app.test_client()
    assert log_in(writer, SUPERVISOR, PASSPHRASE).status_code == 302
    written(writer, PASSPHRASE)
    response = post(writer, "/library/hop-dan/decide", action="approve", passphrase=PASSPHRASE)
    assert response.status_code == 303
    assert f"{SUPERVISOR} added 'hop-dan' to the library and cannot also approve it: another person must" in \
        page_of(writer.get("/library/hop-dan/"))
    assert web_station.library.get("hop-dan").decision is None


def test_a_wrong_passphrase_decides_nothing(officer, supervisor2, web_station):
    written(officer)
    post(supervisor2, "/library/hop-dan/decide", action="approve", passphrase="sai rồi")
    assert "wrong passphrase" in page_of(supervisor2.get("/library/hop-dan/"))
    assert web_station.library.get("hop-dan").decision is None


def test_reject_needs_a_reason_and_retire_takes_it_off(officer, supervisor2, web_station):
    written(officer)
    post(supervisor2, "/library/hop-dan/decide", action="reject", passphrase=SUPERVISOR2_PASSPHRASE)
    assert "say why it is rejected" in page_of(supervisor2.get("/library/hop-dan/"))
    post(supervisor2, "/library/hop-dan/decide", action="reject", reason="sai ngày", passphrase=SUPERVISOR2_PASSPHRASE)
    assert web_station.library.get("hop-dan").status == "rejected"
    post(supervisor2, "/library/hop-dan/decide", action="retire", passphrase=SUPERVISOR2_PASSPHRASE)
    assert web_station.library.get("hop-dan").status == "retired"
    history = page_of(supervisor2.get("/library/hop-dan/"))
    assert f'<td>rejected</td><td>{SUPERVISOR2}</td><td class="muted">' in history


def test_an_unknown_decision_or_id_is_refused(supervisor2, web_station):
    post(supervisor2, "/library/gioi-thieu/decide", action="delete", passphrase=SUPERVISOR2_PASSPHRASE)
    assert "the decision must be one of: approve, reject, retire" in page_of(supervisor2.get("/library/gioi-thieu/"))
    response = post(supervisor2, "/library/khong-co/decide", action="approve", passphrase=SUPERVISOR2_PASSPHRASE)
    assert response.status_code == 400
    assert "unknown announcement 'khong-co'" in page_of(response)


def test_a_browser_recording_is_taken_as_a_clip(officer, web_station, tmp_path):
    """What recorder.js sends: Chromium's MediaRecorder makes Opus in WebM."""
    import subprocess

    import imageio_ffmpeg

    webm = tmp_path / "recording.webm"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=300:sample_rate=48000", "-t", "2", "-c:a", "libopus", str(webm)], check=True)
    officer.get("/library/")
    response = officer.post("/library/clip", data={
        "csrf_token": csrf_token(officer, "/library/"), "id": "gioi-thieu", "language": "jra",
        "passphrase": OFFICER_PASSPHRASE, "clip": (io.BytesIO(webm.read_bytes()), "recording.webm")},
        content_type="multipart/form-data")
    assert response.headers["Location"] == "/library/gioi-thieu/"
    variant = web_station.library.get("gioi-thieu").announcement.variant("jra")
    assert variant.kind == "clip" and variant.duration_s == pytest.approx(2.0, abs=0.1)
    assert variant.source.startswith("audio/gioi-thieu-jra-") and variant.source.endswith(".webm")


def test_a_bulletin_of_the_province_shows_its_origin(web_station, clock):
    from broadcaster.chain.pull import pull
    from broadcaster.station import Station
    from broadcaster.web.app import create_app
    from tests.chain.hubdata import FakeHub, pin_hub, sealed

    pin_hub(web_station.root)
    station = Station(web_station.root)
    hub = FakeHub(station)
    hub.publish(sealed(station.config.id, 1, "bao-13", NOW))
    pull(station, hub, lambda: NOW)
    client = create_app(station, clock, TESTING=True).test_client()
    log_in(client, OPERATOR, OPERATOR_PASSPHRASE)
    page = page_of(client.get("/library/?q=bao"))
    assert "hub-bao-13" in page and "approved · from the province (Hùng)" in page


def test_a_vietnamese_page_names_topics_and_languages_and_the_file_edits(app, client, web_station):
    """The station's names for topics, the languages' names, the page's language, the history in Vietnamese."""
    config = web_station.root / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: vi\n", encoding="utf-8")
    with client.session_transaction() as browser:
        browser["lang"] = "vi"
    assert log_in(client, OFFICER, OFFICER_PASSPHRASE).status_code == 302
    path = web_station.scripts_dir / "gioi-thieu.md"
    page = page_of(client.get("/library/"))
    assert '<html lang="vi">' in page
    assert "<td>Thông tin chung</td><td>Tiếng Việt</td>" in page
    assert ">Thông tin chung</option>" in page and ">general<" not in page and "<td>vie</td>" not in page
    path.write_text(path.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    item = page_of(client.get("/library/gioi-thieu/"))
    assert "<dd>Thông tin chung</dd>" in item
    assert "(file edited)" not in item and "(tệp đã sửa)" in item
