"""A station believes a bulletin only when the hub it pinned, the officer and a second person, the approver,
all signed it, and it is for this station."""

import datetime as dt

import pytest

from broadcaster.errors import InputError
from broadcaster.hub.bulletin_protocol import (CANCEL, approval_statement, bulletin_statement, cancel_statement,
                                               envelope, open_envelope, person)
from broadcaster.trust import statements
from broadcaster.trust.keys import new_key, public_raw

AT = dt.datetime(2026, 12, 4, 7, 0, tzinfo=dt.timezone.utc)
HUB, OFFICER, APPROVER, STRANGER = new_key(), new_key(), new_key(), new_key()
PEOPLE = dict([person(OFFICER, "lan", ["officer"]), person(APPROVER, "hung", ["approver"])])


def fields(**changes) -> dict:
    return {"uid": "dl-20261204-1", "title": "Cảnh báo bão số 13",
            "text": "Bão số 13 đổ bộ vào Đắk Lắk lúc 16 giờ; bà con chằng chống nhà cửa.", "clip_sha256": None,
            "clip_format": None, "language": "vie", "topic": "thien-tai", "level": "emergency", "outputs": [],
            "valid_from": AT.isoformat(), "valid_until": (AT + dt.timedelta(days=1)).isoformat(), "drill": False,
            "replaces": None, "by": "lan", "written": AT.isoformat(), **changes}


def sealed(station="xa-ea-tu", writer=OFFICER, approver=APPROVER, hub=HUB, people=PEOPLE, **changes) -> dict:
    bulletin = bulletin_statement(fields(**changes), writer)
    approval = approval_statement(bulletin, "hung", AT, approver)
    return envelope(hub, station, 7, {"bulletin": bulletin, "approval": approval}, people, AT)


def test_a_bulletin_signed_by_officer_approver_and_hub_opens():
    received = open_envelope(sealed(), public_raw(HUB), "xa-ea-tu")
    assert (received.delivery, received.uid, received.written_by, received.approved_by) == \
        (7, "dl-20261204-1", "lan", "hung")
    assert received.bulletin["text"].startswith("Bão số 13")


def test_a_cancellation_opens():
    wrapped = envelope(HUB, "xa-ea-tu", 8, {"cancel": cancel_statement("dl-20261204-1", "hung", AT, APPROVER)},
                       PEOPLE, AT)
    received = open_envelope(wrapped, public_raw(HUB), "xa-ea-tu")
    assert (received.kind, received.uid, received.approved_by) == (CANCEL, "dl-20261204-1", "hung")


def tampered_text():
    wrapped = sealed()
    wrapped["bulletin"]["text"] = "Tin giả"
    return wrapped


def rewrapped_text():
    """A forger who holds no key but the hub's link: the statements inside no longer hold."""
    wrapped = sealed()
    body = {k: v for k, v in wrapped.items() if k not in (statements.SIGNER, statements.SIGNATURE)}
    body["bulletin"] = {**body["bulletin"], "text": "Tin giả"}
    return statements.signed(body, HUB)


@pytest.mark.parametrize("forged, reason", [
    (lambda: sealed(hub=STRANGER), "not signed by the hub this station joined"),
    (lambda: sealed(station="xa-khac"), "not for this station"),
    (tampered_text, "does not verify"),
    (rewrapped_text, "does not verify"),
    (lambda: sealed(approver=OFFICER, people=dict([person(OFFICER, "lan", ["officer", "approver"])])),
     "approved by the person who wrote it"),
    (lambda: sealed(writer=STRANGER), "does not vouch for as"),
    (lambda: sealed(people=dict([person(OFFICER, "lan", ["officer"]), person(APPROVER, "hung", ["viewer"])])),
     "does not vouch for as"),
    (lambda: sealed(level="apocalypse"), "malformed"),
    (lambda: sealed(text="", clip_sha256=None), "malformed"),
    (lambda: sealed(valid_until=AT.isoformat()), "malformed"),
    (lambda: "not a bulletin", "does not verify"),
])
def test_a_forged_or_misdirected_bulletin_is_refused_with_its_reason(forged, reason):
    with pytest.raises(InputError, match=reason):
        open_envelope(forged(), public_raw(HUB), "xa-ea-tu")


def test_an_approval_of_another_bulletin_does_not_carry_over():
    other = bulletin_statement(fields(uid="dl-20261204-2", text="Họp dân"), OFFICER)
    bulletin = bulletin_statement(fields(), OFFICER)
    wrapped = envelope(HUB, "xa-ea-tu", 9, {"bulletin": bulletin,
                                            "approval": approval_statement(other, "hung", AT, APPROVER)}, PEOPLE, AT)
    with pytest.raises(InputError, match="approval is for another bulletin"):
        open_envelope(wrapped, public_raw(HUB), "xa-ea-tu")
