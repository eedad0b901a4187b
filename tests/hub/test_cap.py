"""CAP 1.2 alerts of the corpus in cap/ read into bulletin drafts, and every malformed alert and XML attack refused
with its one line (pure: no database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broadcaster.errors import InputError
from broadcaster.hub.cap import LEVELS, MAX_ALERT_BYTES, SEVERITIES, URGENCIES, Draft, level_of, read_alert

CORPUS = Path(__file__).parent / "cap"
ICT = dt.timezone(dt.timedelta(hours=7))
STORM = "bchpctt@daklak.gov.vn,DLK-PCTT-2026-1105-01,2026-11-05T16:00:00+07:00"
UPDATE = "bchpctt@daklak.gov.vn,DLK-PCTT-2026-1106-02,2026-11-06T10:00:00+07:00"
STORM_TEXT = (
    "Hồi 16 giờ ngày 05/11, vị trí tâm bão ở khoảng 13,0 độ Vĩ Bắc; 112,5 độ Kinh Đông. Sức gió mạnh nhất vùng gần "
    "tâm bão mạnh cấp 14-15, giật cấp 17. Từ chiều tối 06/11, các huyện phía Đông của tỉnh có gió mạnh cấp 8-10, mưa "
    "rất to 200-350 mm, nguy cơ cao xảy ra lũ quét, sạt lở đất.\n\nĐề nghị UBND các xã, phường, thị trấn nghiêm túc "
    "triển khai phương án sơ tán dân ở vùng trũng thấp, ven sông suối; chằng chống nhà cửa; không ra khỏi nhà khi "
    "bão đổ bộ. Mọi thông tin liên hệ đường dây nóng 0262.3852.114.")
STORM_TITLE = "Bão số 13 đổ bộ vào địa bàn tỉnh trong đêm 06/11"
STORM_AREAS = ("643", "653", "24700")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=ICT)


def key(identifier: str, sent: str = "2026-11-05T16:00:00+07:00") -> str:
    return f"bchpctt@daklak.gov.vn,{identifier},{sent}"


DRAFTS = {
    "storm.xml": Draft(STORM, "new", (), False, STORM_TITLE, STORM_TEXT, "vie", "general", "emergency", at(5, 16, 30),
                       at(7, 18), STORM_AREAS),
    "storm-update.xml": Draft(UPDATE, "update", (STORM,), False, "Bão số 13 đổ bộ sớm hơn dự báo, chiều nay 06/11",
                              STORM_TEXT, "vie", "general", "emergency", at(6, 10), at(7, 18), STORM_AREAS),
    "storm-cancel.xml": Draft(key("DLK-PCTT-2026-1106-03", "2026-11-06T11:00:00+07:00"), "cancel", (STORM, UPDATE),
                              False),
    "test.xml": Draft(key("DLK-PCTT-TEST-0001"), "new", (), True, STORM_TITLE, STORM_TEXT, "vie", "general",
                      "emergency", at(5, 16, 30), at(7, 18), STORM_AREAS),
    # Future + Extreme is priority; no <expires>: a day after the onset.
    "exercise.xml": Draft(key("DLK-PCTT-DIEN-TAP-2026"), "new", (), True, STORM_TITLE, STORM_TEXT, "vie", "general",
                          "priority", at(5, 16, 30), at(7, 18), STORM_AREAS),
    # English first, Vietnamese second: the Vietnamese block; no headline: the event; no description: the
    # instruction alone; no effective: from sent; the FIPS geocode ignored.
    "multilang.xml": Draft(key("DLK-PCTT-LU-2026-11"), "new", (), False, "Lũ quét",
                           "Người dân không qua lại các ngầm tràn, suối khi có mưa lớn.", "vie", "general", "priority",
                           at(5, 16), at(9, 6), ("66",)),
    "english.xml": Draft(key("DLK-PCTT-EN-01"), "new", (), False, "Flash flood",
                         "Heavy rain may cause flash floods in the province.", "eng", "general", "priority", at(5, 16),
                         at(6, 16), ("66",)),
}

CAP_ELEMENTS = "Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other"
REFUSED = {
    "bad-no-identifier.xml": "2: the alert has no <identifier> in <alert>",
    "bad-identifier-comma.xml": "3: <identifier> 'DLK,2026' has spaces, commas, '<' or '&', which CAP forbids",
    "bad-sent.xml": "5: <sent> is '05/11/2026 16:00', not a CAP time such as 2026-11-06T05:00:00+07:00",
    "bad-sent-year-9999.xml": "5: <sent> is '9999-12-31T23:00:00+00:00', not a CAP time such as "
                              "2026-11-06T05:00:00+07:00",
    "bad-sent-z.xml": "5: <sent> is '2026-11-05T09:00:00Z', not a CAP time such as 2026-11-06T05:00:00+07:00",
    "bad-status.xml": "6: <status> is 'Real'; CAP 1.2 allows: Actual, Exercise, System, Test, Draft",
    "bad-msgtype-missing.xml": "2: the alert has no <msgType> in <alert>",
    "bad-scope-missing.xml": "2: the alert has no <scope> in <alert>",
    "bad-urgency.xml": "13: <urgency> is 'Khẩn cấp'; CAP 1.2 allows: Immediate, Expected, Future, Past, Unknown",
    "bad-severity-missing.xml": "9: the alert has no <severity> in <info>",
    "bad-certainty.xml": "15: <certainty> is 'Very Likely'; CAP 1.2 allows: Observed, Likely, Possible, Unlikely, "
                         "Unknown",
    "bad-category.xml": f"11: <category> is 'Weather'; CAP 1.2 allows: {CAP_ELEMENTS}",
    "bad-no-category.xml": "9: the alert has no <category> in <info>",
    "bad-no-event.xml": "9: the alert has no <event> in <info>",
    "bad-no-info.xml": "2: the alert has no <info>: nothing to say",
    "bad-expires.xml": "9: the alert expires (2026-11-05T12:00:00+07:00) before it takes effect "
                       "(2026-11-05T16:30:00+07:00)",
    "bad-geocode.xml": "26: geocode '66-653' is not an administrative code (2 digits a province, 3 a district, 5 a "
                       "commune)",
    "bad-no-area.xml": "9: the alert names no area by Vietnamese administrative code (<geocode> with "
                       "<valueName>VN-GSO</valueName>)",
    "bad-language.xml": "10: <language> 'tiếng Việt' is not a language the stations know",
    "bad-update-no-references.xml": "2: an Update or a Cancel must name the alerts it concerns in <references>",
    "bad-references.xml": "10: <references> holds 'DLK-PCTT-2026-1105-01', not sender,identifier,sent",
    "bad-system.xml": "2: the alert's status is System: nothing is aired for it",
    "bad-draft.xml": "2: the alert's status is Draft: nothing is aired for it",
    "bad-ack.xml": "2: the alert is an Ack message: nothing is aired for it",
    "bad-restricted.xml": "2: the alert's scope is Restricted: loudspeakers speak to everyone, so only Public alerts "
                          "are aired",
    "bad-cap11.xml": "2: not a CAP 1.2 alert: the root element is not <alert> of urn:oasis:names:tc:emergency:cap:1.2",
    "bad-not-xml.xml": "16: the alert is not well-formed XML: mismatched tag",
}
ATTACK = "2: the alert declares a DTD or entities (<!DOCTYPE>, <!ENTITY>), which a CAP alert never has: refused, " \
         "nothing was taken"
ATTACKS = ("attack-billion-laughs.xml", "attack-quadratic.xml", "attack-external-entity.xml")


def test_the_corpus_is_all_covered():
    assert {p.name for p in CORPUS.glob("*.xml")} == {*DRAFTS, *REFUSED, *ATTACKS}


@pytest.mark.parametrize("name", DRAFTS)
def test_an_alert_becomes_its_draft(name):
    assert read_alert((CORPUS / name).read_bytes(), name) == DRAFTS[name]


@pytest.mark.parametrize("name", REFUSED)
def test_a_malformed_alert_is_refused_with_its_line(name):
    with pytest.raises(InputError) as caught:
        read_alert((CORPUS / name).read_bytes(), str(CORPUS / name))
    assert str(caught.value) == f"{CORPUS / name}:{REFUSED[name]}"


@pytest.mark.parametrize("name", ATTACKS)
def test_an_xml_attack_is_refused_before_any_entity_is_expanded(name):
    with pytest.raises(InputError) as caught:
        read_alert((CORPUS / name).read_bytes(), "POST /api/v1/cap")
    assert str(caught.value) == f"POST /api/v1/cap:{ATTACK}"


def test_an_alert_over_the_size_cap_is_refused_unread():
    storm = (CORPUS / "storm.xml").read_bytes()
    padded = storm.replace(b"</alert>", b"<!--" + b"x" * MAX_ALERT_BYTES + b"--></alert>")
    with pytest.raises(InputError) as caught:
        read_alert(padded, "big.xml")
    assert str(caught.value) == f"big.xml: the alert is {len(padded) // 1024} KB, more than the 512 KB a CAP alert " \
                                "may have"


def test_a_cancel_needs_no_info():
    draft = read_alert((CORPUS / "storm-cancel.xml").read_bytes(), "c.xml")
    assert (draft.title, draft.areas, draft.valid_from) == ("", (), None)


@pytest.mark.parametrize("urgency", URGENCIES)
@pytest.mark.parametrize("severity", SEVERITIES)
def test_the_level_table(urgency, severity):
    expected = ("emergency" if urgency in ("Immediate", "Expected") and severity in ("Extreme", "Severe") else
                "priority" if (urgency in ("Immediate", "Expected") and severity == "Moderate")
                or (urgency == "Future" and severity in ("Extreme", "Severe")) else "normal")
    assert level_of(urgency, severity) == expected
    storm = (CORPUS / "storm.xml").read_text(encoding="utf-8")
    alert = storm.replace("<urgency>Immediate", f"<urgency>{urgency}").replace("<severity>Extreme",
                                                                               f"<severity>{severity}")
    assert read_alert(alert.encode(), "x.xml").level == expected
    assert set(LEVELS.values()) == {"emergency", "priority"}
