"""The hub's bulletin pages over the bulletin library: written by an officer, approved and cancelled by an
approver with their passphrase, each station's state shown live; scoped to the person's area."""

from __future__ import annotations

import datetime as dt
import re

import orjson
from sqlalchemy import text
import pytest

from broadcaster.hub.deliveries import take_receipts
from tests.hub.conftest import PAGES_PASSPHRASE, pages_log_in
from tests.web.conftest import csrf_token


def logged_in(pages_app, name: str):
    client = pages_app.test_client()
    assert pages_log_in(client, name).status_code == 302
    return client


def write(client, title: str = "Cảnh báo lũ quét", to=("xa-an-binh", "xa-binh-minh"), level: str = "emergency",
          passphrase: str = PAGES_PASSPHRASE):
    """Post the bulletin form; the answer."""
    return client.post("/bulletins/", data={
        "title": title, "text": "Bà con vùng trũng di chuyển ngay lên chỗ cao.", "level": level, "to": list(to),
        "language": "vie", "topic": "weather", "valid_until": "", "passphrase": passphrase,
        "csrf_token": csrf_token(client, "/bulletins/")})


def uid_of(answer) -> str:
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return answer.headers["Location"].rsplit("/", 1)[1]


@pytest.fixture
def written(pages_app):
    """A bulletin written by huyen643 for two stations of district 643, waiting for approval; its uid."""
    return uid_of(write(logged_in(pages_app, "huyen643")))


def test_an_officer_writes_a_bulletin_that_waits_for_another_persons_approval(pages_app, written):
    page = logged_in(pages_app, "huyen643").get(f"/bulletins/{written}").get_data(as_text=True)
    assert "Cảnh báo lũ quét" in page and "Bà con vùng trũng di chuyển ngay lên chỗ cao." in page
    assert 'id="approve"' in page  # huyen643 is an approver too, though the library refuses the writer
    listed = logged_in(pages_app, "tinh").get("/bulletins/").get_data(as_text=True)
    assert written in listed


def test_the_writer_may_not_approve_their_own_bulletin(pages_app, written):
    client = logged_in(pages_app, "huyen643")
    answer = client.post(f"/bulletins/{written}/approve", data={"passphrase": PAGES_PASSPHRASE,
                                                               "csrf_token": csrf_token(client, "/bulletins/")},
                         follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert 'class="problem"' in page and "huyen643" in page and 'id="approve"' in page  # still waiting


def test_an_approver_approves_with_their_passphrase_and_each_station_shows_its_state(pages_app, pages_db, pages_clock,
                                                                                     written):
    approver = logged_in(pages_app, "tinh")
    token = csrf_token(approver, "/bulletins/")
    wrong = approver.post(f"/bulletins/{written}/approve", data={"passphrase": "không phải", "csrf_token": token},
                          follow_redirects=True)
    assert 'class="problem"' in wrong.get_data(as_text=True) and 'id="approve"' in wrong.get_data(as_text=True)
    done = approver.post(f"/bulletins/{written}/approve", data={"passphrase": PAGES_PASSPHRASE, "csrf_token": token},
                         follow_redirects=True).get_data(as_text=True)
    assert f"Đã duyệt bản tin {written}: gửi tới 2 đài" in done
    table = approver.get(f"/bulletins/{written}/stations").get_data(as_text=True)
    assert len(re.findall(r'id="delivery-bulletin-xa-(an-binh|binh-minh)"', table)) == 2

    with pages_db.begin() as db:
        ids = dict(db.execute(text("SELECT station, id FROM deliveries")).all())
        at = pages_clock.at + dt.timedelta(seconds=3)
        take_receipts(db, "xa-an-binh", orjson.dumps({"receipts": [
            {"delivery": ids["xa-an-binh"], "state": "delivered", "at": at.isoformat()}]}), at)
        take_receipts(db, "xa-binh-minh", orjson.dumps({"receipts": [
            {"delivery": ids["xa-binh-minh"], "state": "failed", "reason": "không có loa <b>ngoài</b>",
             "at": at.isoformat()}]}), at)
    table = approver.get(f"/bulletins/{written}/stations").get_data(as_text=True)
    an_binh = re.search(r'id="delivery-bulletin-xa-an-binh".*?</tr>', table, re.S).group(0)
    binh_minh = re.search(r'id="delivery-bulletin-xa-binh-minh".*?</tr>', table, re.S).group(0)
    assert 'class="state-delivered"' in an_binh and ">0:03</td>" in an_binh and "09:30:03" in an_binh
    assert 'class="state-failed"' in binh_minh and "không có loa &lt;b&gt;ngoài&lt;/b&gt;" in binh_minh


def test_an_approver_cancels_a_bulletin(pages_app, written):
    approver = logged_in(pages_app, "tinh")
    answer = approver.post(f"/bulletins/{written}/cancel", data={
        "passphrase": PAGES_PASSPHRASE, "csrf_token": csrf_token(approver, "/bulletins/")}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert f"Đã huỷ bản tin {written}" in page and 'id="cancel"' not in page  # never sent: no station told


def test_another_districts_person_can_neither_see_nor_act_on_the_bulletin(pages_app, written):
    other = logged_in(pages_app, "huyen650")
    assert written not in other.get("/bulletins/").get_data(as_text=True)
    assert other.get(f"/bulletins/{written}").status_code == 404
    assert other.get(f"/bulletins/{written}/stations").status_code == 404
    token = csrf_token(other, "/bulletins/")
    for action in ("approve", "cancel"):
        assert other.post(f"/bulletins/{written}/{action}", data={"passphrase": PAGES_PASSPHRASE,
                                                                  "csrf_token": token}).status_code == 404
    answer = write(other, to=("xa-an-binh",))  # a station of district 643
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/bulletins/")


def test_a_districts_bulletins_stay_listed_however_busy_the_others_are(pages_app, written, monkeypatch):
    """The page lists the latest bulletins of the person's stations, not the province's latest, filtered."""
    from broadcaster.hub.pages import bulletins as page

    monkeypatch.setattr(page, "LISTED", 2)
    other = logged_in(pages_app, "huyen650")
    for n in range(3):
        uid_of(write(other, title=f"Tin huyện 650 số {n}", to=("xa-dong-son",)))
    assert written in logged_in(pages_app, "huyen643").get("/bulletins/").get_data(as_text=True)


def test_a_viewer_may_not_write_approve_or_cancel(pages_app, written):
    viewer = logged_in(pages_app, "xem643")
    page = viewer.get("/bulletins/").get_data(as_text=True)
    assert 'id="write"' not in page and written in page
    assert write(viewer).status_code == 403
    token = csrf_token(viewer, "/bulletins/")
    assert viewer.post(f"/bulletins/{written}/approve", data={"passphrase": PAGES_PASSPHRASE,
                                                              "csrf_token": token}).status_code == 403


def test_a_script_in_a_title_is_shown_as_text(pages_app):
    uid = uid_of(write(logged_in(pages_app, "huyen643"), title="<script>alert(1)</script> lũ"))
    for path in ("/bulletins/", f"/bulletins/{uid}"):
        page = logged_in(pages_app, "tinh").get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; lũ" in page


def test_the_report_counts_each_communes_bulletins_received_aired_and_how_late(pages_app, pages_db, pages_clock,
                                                                             written):
    from broadcaster.hub.deliveries import mark_on_air

    approver = logged_in(pages_app, "tinh")
    approver.post(f"/bulletins/{written}/approve", data={"passphrase": PAGES_PASSPHRASE,
                                                        "csrf_token": csrf_token(approver, "/bulletins/")})
    with pages_db.begin() as db:
        ids = dict(db.execute(text("SELECT station, id FROM deliveries")).all())
        at = pages_clock.at + dt.timedelta(seconds=3)
        take_receipts(db, "xa-an-binh", orjson.dumps({"receipts": [
            {"delivery": ids["xa-an-binh"], "state": "delivered", "at": at.isoformat()}]}), at)
        aired = pages_clock.at + dt.timedelta(seconds=65)
        assert mark_on_air(db, "xa-an-binh", [{"kind": "airing", "status": "aired", "announcement": f"hub-{written}",
                                               "actual_start": aired.isoformat(), "at": aired.isoformat()}], aired) == 1
    page = approver.get("/reports/?from=2026-12-04&to=2026-12-04").get_data(as_text=True)
    cells = lambda name: re.findall(r"<td[^>]*>(.*?)</td>",  # noqa: E731
                                    re.search(rf"<tr><td[^>]*>{name}</td>(.*?)</tr>", page, re.S).group(1))
    assert cells("Xã An Bình")[7:] == ["1", "1", "1", "0", "1:05", "1:05"]
    assert cells("Xã Bình Minh")[7:] == ["1", "0", "0", "0", "", ""]
    assert cells("Xã Đông Sơn")[7:] == ["0", "0", "0", "0", "", ""]
