"""What a bulletin is on its way down the chain, and how a station checks it.

Three signed statements (see trust/statements.py) make a bulletin, and the hub wraps them for each station:
- the *bulletin*, signed by the province officer who wrote it (kind "bulletin": its uid, title, text or the
  SHA-256 of its clip, language, topic, level, outputs, validity, drill, the uid it replaces, who, when);
- the *approval*, signed by a second person, an approver, naming the bulletin's digest;
- a *cancellation* (kind "bulletin cancel"), signed by an approver, when a bulletin is withdrawn;
- the *envelope*, signed by the hub's key (which the station pinned when it joined): the station it is for,
  the delivery's number (the station's cursor), the statements, and the people whose keys signed them with
  their roles, as the hub knows them.

A station believes an envelope only when the hub's signature holds with the pinned key, the envelope is for
it, and the statements inside hold, signed by the people the hub vouches for in the roles they need, the
writer and the approver being two different people. A compromised link, or a stolen key of one person,
cannot put words on air.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.playout.priority import RANK
from broadcaster.trust import statements
from broadcaster.trust.keys import b64, public_raw

BULLETIN, APPROVAL, CANCEL, ENVELOPE = "bulletin", "bulletin approval", "bulletin cancel", "bulletin envelope"
UID = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")   # it names the bulletin in a station's library too: hub-<uid>
OFFICER, APPROVER = "officer", "approver"
FIELDS = ("uid", "title", "text", "clip_sha256", "clip_format", "language", "topic", "level", "outputs",
          "valid_from", "valid_until", "drill", "replaces", "by", "written")


def digest(statement: dict) -> str:
    """The SHA-256 of a statement's canonical bytes: what an approval names."""
    return hashlib.sha256(statements.canonical(statement)).hexdigest()


def bulletin_statement(fields: dict, officer: Ed25519PrivateKey) -> dict:
    """The bulletin ``fields`` (exactly :data:`FIELDS`), signed by the officer who wrote it."""
    if set(fields) != set(FIELDS):
        raise ValueError(f"a bulletin has exactly the fields {FIELDS}")
    return statements.signed({"kind": BULLETIN, **fields}, officer)


def approval_statement(bulletin: dict, by: str, at: dt.datetime, approver: Ed25519PrivateKey) -> dict:
    """The approval of ``bulletin`` by ``by``, signed with their key."""
    return statements.signed({"kind": APPROVAL, "uid": bulletin["uid"], "bulletin": digest(bulletin), "by": by,
                              "approved": at.isoformat()}, approver)


def cancel_statement(uid: str, by: str, at: dt.datetime, approver: Ed25519PrivateKey) -> dict:
    """The withdrawal of the bulletin ``uid`` by ``by``, signed with their key."""
    return statements.signed({"kind": CANCEL, "uid": uid, "by": by, "cancelled": at.isoformat()}, approver)


def envelope(hub: Ed25519PrivateKey, station: str, delivery: int, statements_: dict, people: dict,
             issued: dt.datetime) -> dict:
    """What the hub sends ``station`` as its delivery number ``delivery``: ``statements_`` (``bulletin`` and
    ``approval``, or ``cancel``) and ``people`` (public key in base64 -> {"name", "roles"}), signed by the hub."""
    return statements.signed({"kind": ENVELOPE, "station": station, "delivery": delivery, **statements_,
                              "people": people, "issued": issued.isoformat()}, hub)


@dataclass(frozen=True)
class Received:
    """A delivery a station has checked: its number, and the bulletin (or, for a cancellation, its uid)."""

    delivery: int
    kind: str                   # BULLETIN or CANCEL
    uid: str
    bulletin: dict | None       # the officer's statement, for a bulletin
    written_by: str
    approved_by: str


def _signed_by(statement: object, kind: str, people: dict, role: str, what: str) -> str:
    """The name of the person of ``people`` in ``role`` whose key signed ``statement`` of ``kind``."""
    verdict = statements.check(statement)
    if not verdict:
        raise InputError(t("{what} does not verify: {reason}", what=what, reason=verdict.reason))
    if statement.get("kind") != kind:
        raise InputError(t("{what} is not what it claims to be", what=what))
    person = people.get(statement[statements.SIGNER])
    if not isinstance(person, dict) or role not in (person.get("roles") or ()):
        raise InputError(t("{what} is signed by someone the hub does not vouch for as {role}", what=what,
                           role=t(role)))
    return str(person.get("name", ""))


def open_envelope(envelope_: object, hub_public: bytes, station: str) -> Received:
    """The delivery in ``envelope_`` when everything in it holds for ``station`` with the pinned hub key
    ``hub_public``; else an InputError saying what does not."""
    what = t("the bulletin from the hub")
    verdict = statements.check(envelope_)
    if not verdict:
        raise InputError(t("{what} does not verify: {reason}", what=what, reason=verdict.reason))
    if envelope_[statements.SIGNER] != b64(hub_public):
        raise InputError(t("{what} is not signed by the hub this station joined", what=what))
    if envelope_.get("kind") != ENVELOPE or envelope_.get("station") != station \
            or not isinstance(envelope_.get("delivery"), int) or not isinstance(envelope_.get("people"), dict):
        raise InputError(t("{what} is not for this station", what=what))
    people = envelope_["people"]
    if "cancel" in envelope_:
        cancel = envelope_["cancel"]
        by = _signed_by(cancel, CANCEL, people, APPROVER, t("the cancellation"))
        if not UID.fullmatch(str(cancel.get("uid"))):
            raise InputError(t("{what} names no bulletin", what=t("the cancellation")))
        return Received(envelope_["delivery"], CANCEL, cancel["uid"], None, "", by)
    bulletin, approval = envelope_.get("bulletin"), envelope_.get("approval")
    writer = _signed_by(bulletin, BULLETIN, people, OFFICER, t("the bulletin"))
    approver = _signed_by(approval, APPROVAL, people, APPROVER, t("the approval"))
    if approval[statements.SIGNER] == bulletin[statements.SIGNER]:
        raise InputError(t("the bulletin was approved by the person who wrote it"))
    if approval.get("bulletin") != digest(bulletin) or approval.get("uid") != bulletin.get("uid"):
        raise InputError(t("the approval is for another bulletin"))
    _check_fields(bulletin)
    return Received(envelope_["delivery"], BULLETIN, bulletin["uid"], bulletin, writer, approver)


def _check_fields(bulletin: dict) -> None:
    """A signed bulletin is still checked for shape: a station acts on its fields."""
    problem = None
    if set(bulletin) != {*FIELDS, "kind", statements.SIGNER, statements.SIGNATURE}:
        problem = "fields"
    elif not UID.fullmatch(str(bulletin["uid"])) or bulletin["level"] not in RANK:
        problem = "uid or level"
    elif not isinstance(bulletin["title"], str) or not bulletin["title"].strip():
        problem = "title"
    elif not (isinstance(bulletin["text"], str) and bulletin["text"].strip()) \
            and not re.fullmatch(r"[0-9a-f]{64}", str(bulletin["clip_sha256"])):
        problem = "text or clip"
    elif not isinstance(bulletin["outputs"], list) or not isinstance(bulletin["drill"], bool):
        problem = "outputs or drill"
    else:
        try:
            start = dt.datetime.fromisoformat(bulletin["valid_from"])
            end = dt.datetime.fromisoformat(bulletin["valid_until"])
            if start.tzinfo is None or end.tzinfo is None or end <= start:
                problem = "validity"
        except (TypeError, ValueError):
            problem = "validity"
    if problem:
        raise InputError(t("the bulletin is malformed ({part})", part=problem))


def person(key: Ed25519PrivateKey, name: str, roles: list[str]) -> tuple[str, dict]:
    """An entry of an envelope's ``people``: a person's public key, name and roles."""
    return b64(public_raw(key)), {"name": name, "roles": sorted(roles)}
