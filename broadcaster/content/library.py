"""The content library: announcements, the decisions on them, and the history of every change."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable

from tinydb import Query

from broadcaster.content.announcement import Announcement, Variant
from broadcaster.content.users import Person, Signer, person_name, same_person
from broadcaster.errors import InputError
from broadcaster.messages import marked, t
from broadcaster.storage import Store
from broadcaster.trust import statements

DRAFT, APPROVED, RETIRED, REJECTED = marked("draft"), marked("approved"), marked("retired"), marked("rejected")
CHANGED, UNVERIFIED = marked("changed since approval"), marked("unverified")
# What put() did, and actions in the history besides the decisions.
ADDED, UPDATED, UNCHANGED, EDITED = marked("added"), marked("updated"), marked("unchanged"), marked("edited")
CLAIMED = marked("claimed")
HUB_ENVELOPE = "bulletin envelope"  # the kind of a decision's statement when the province decided (hub)
CHANGES = (ADDED, UPDATED, EDITED, CLAIMED)  # history actions that make a version (a claim makes it someone's)


@dataclass(frozen=True)
class Decision:
    """A supervisor's approval, retirement or rejection of exactly one version."""

    action: str
    by: str
    at: str
    fingerprint: str
    reason: str = ""
    statement: dict | None = None  # the same, signed by the supervisor (what is trusted)


@dataclass(frozen=True)
class Entry:
    """An announcement as the library holds it, the last decision on it, its current fingerprint, and why the
    decision does not verify ('' when it does)."""

    announcement: Announcement
    decision: Decision | None
    fingerprint: str
    doubt: str = ""

    @property
    def id(self) -> str:
        """The announcement's id."""
        return self.announcement.id

    @property
    def status(self) -> str:
        """draft, approved, retired, rejected, or changed since approval (which airs as little as a draft)."""
        if self.decision is None:
            return DRAFT
        if self.doubt:
            return UNVERIFIED
        if self.decision.fingerprint != self.fingerprint:
            return CHANGED if self.decision.action == APPROVED else DRAFT
        return self.decision.action

    @property
    def approved(self) -> bool:
        """True only when exactly this version was approved, in a signed decision, and not retired since."""
        return self.status == APPROVED

    @property
    def approved_by(self) -> str:
        """Who approved this version, or ''."""
        return self.decision.by if self.approved else ""

    @property
    def from_hub(self) -> bool:
        """Whether the province decided on it (a bulletin from the hub), not a supervisor of the station."""
        return self.decision is not None and is_hub_decision(self.decision)


def is_hub_decision(decision: Decision) -> bool:
    """Whether ``decision`` is the province's, carried by an envelope of the hub."""
    return isinstance(decision.statement, dict) and decision.statement.get("kind") == HUB_ENVELOPE


class Library:
    """Announcements in one TinyDB file, safe to share between processes; a decision counts only when it
    is signed by a person whose record verifies (``trusted``: public key -> person), or, for a bulletin of
    the province, when ``hub_doubt`` (announcement, decision -> why not, or '') finds its envelope holds
    with the hub key the station pinned."""

    def __init__(self, path: Path, trusted: Callable[[], dict[str, Person]] = dict,
                 hub_doubt: Callable[[Announcement, Decision], str] | None = None):
        self.store = Store(path)
        self.trusted = trusted
        self.hub_doubt = hub_doubt or (lambda ann, decision: t("this station has joined no hub"))

    def _entry(self, record: dict, trusted: dict[str, Person] | None = None) -> Entry:
        ann = Announcement.from_record(record["announcement"])
        decision = record.get("decision")
        decision = Decision(**decision) if decision else None
        if decision is None:
            doubt = ""
        elif is_hub_decision(decision):
            doubt = self.hub_doubt(ann, decision)
        else:
            doubt = _doubt(ann, decision, self.trusted() if trusted is None else trusted)
        return Entry(ann, decision, self.fingerprint(ann), doubt)

    def put_decided(self, ann: Announcement, decision: Decision, now: dt.datetime, by: str) -> Entry:
        """Store an announcement with the decision already taken on it elsewhere (a bulletin the province wrote
        and approved, or withdrew), in one write; the history says who wrote it and who decided."""
        with self.store.transaction() as db:
            table = db.table("announcements")
            old = table.get(Query().announcement.id == ann.id)
            record = {"v": 1, "announcement": ann.to_record(), "decision": asdict(decision)}
            if old is None:
                table.insert(record)
            else:
                table.update(record, doc_ids=[old.doc_id])
            fingerprint = self.fingerprint(ann)
            if old is None or old["announcement"] != record["announcement"]:
                _history(db, now, ADDED if old is None else UPDATED, ann.id, by, fingerprint)
            _history(db, now, decision.action, ann.id, decision.by, fingerprint, decision.reason)
        return self.get(ann.id)

    @staticmethod
    def fingerprint(ann: Announcement) -> str:
        """What an approval covers: what is said (text or clip, title, topic, author), not how it is processed."""
        return ann.content_fingerprint()

    def put(self, ann: Announcement, now: dt.datetime, by: str, action: str = ADDED, signer: Signer | None = None) -> str:
        """Store a new or changed announcement, the version signed by ``signer`` (its maker) when given;
        returns 'added', 'updated' or 'unchanged'."""
        with self.store.transaction() as db:
            table = db.table("announcements")
            old = table.get(Query().announcement.id == ann.id)
            if old is not None and Announcement.from_record(old["announcement"]) == ann:
                return UNCHANGED
            record = {"v": 1, "announcement": ann.to_record(), "decision": old.get("decision") if old else None}
            if old is None:
                table.insert(record)
            else:
                table.update(record, doc_ids=[old.doc_id])
                action = UPDATED if action == ADDED else action
            _history(db, now, action, ann.id, signer.name if signer else by, self.fingerprint(ann), signer=signer)
            return ADDED if old is None else UPDATED

    def add_text(self, ann: Announcement, now: dt.datetime, by: str, signer: Signer | None = None) -> str:
        """Add or update from a text file: its metadata and text replace the old; clips are kept."""
        old = self.find(ann.id)
        if old is not None:
            ann = merged(old.announcement, ann)
        return self.put(ann, now, by, signer=signer)

    def add_variant(self, ident: str, variant: Variant, now: dt.datetime, by: str,
                    new: Announcement | None = None, signer: Signer | None = None) -> str:
        """Add a clip variant to an announcement, or create ``new`` with it when the id is not known."""
        old = self.find(ident)
        if old is None:
            if new is None:
                raise unknown_announcement(ident, self.ids())
            return self.put(replace(new, variants=(variant,)), now, by, signer=signer)
        return self.put(old.announcement.with_variant(variant), now, by, signer=signer)

    def claim(self, ident: str, signer: Signer, now: dt.datetime) -> Entry:
        """An officer makes the current version theirs (e.g. a text edited outside the program), signed."""
        entry = self.get(ident)
        if self.maker(ident) is not None and same_person(self.maker(ident), signer.name):
            raise InputError(t("{name} already made the current version of '{id}'", name=signer.name, id=ident))
        with self.store.transaction() as db:
            _history(db, now, CLAIMED, ident, signer.name, entry.fingerprint, signer=signer)
        return entry

    def carry_over(self, admin: Signer, now: dt.datetime) -> tuple[list[str], list[str]]:
        """At the upgrade to keys: the admin signs each unsigned decision on a version not changed since it
        was taken (an approval of what another person made and wrote); returns the ids carried over and
        those that need a new decision."""
        carried, left = [], []
        with self.store.transaction() as db:
            table = db.table("announcements")
            for record in table.all():
                entry = self._entry(record, {})
                old = entry.decision
                if old is None or old.statement is not None:
                    continue
                changes = _changes(db, entry.id)
                maker = changes[-1]["by"] if changes else ""
                if not changes or changes[-1]["at"] > old.at or same_person(maker, admin.name) \
                        or (entry.announcement.author and same_person(entry.announcement.author, admin.name)):
                    left.append(entry.id)
                    continue
                at = now.isoformat(timespec="seconds")
                reason = t("carried over at the upgrade to keys: {action} by {name}", action=t(old.action), name=old.by)
                statement = statements.signed({"kind": "decision", "action": old.action, "id": entry.id,
                                               "by": admin.name, "at": at, "fingerprint": entry.fingerprint,
                                               "reason": reason, "maker": maker}, admin.key)
                decision = Decision(old.action, admin.name, at, entry.fingerprint, reason, statement)
                table.update({"decision": asdict(decision)}, doc_ids=[record.doc_id])
                _history(db, now, old.action, entry.id, admin.name, entry.fingerprint, reason)
                carried.append(entry.id)
        return carried, left

    def maker(self, ident: str) -> str | None:
        """Who made the current version: the person whose signed statement says so; None when nobody signed
        it (changed outside the program, or added with no name and passphrase) or the signature fails."""
        entry = self.get(ident)
        trusted = self.trusted()
        with self.store.transaction() as db:
            changes = _changes(db, ident)
        for change in reversed(changes):
            if change.get("fingerprint") != entry.fingerprint:
                return None  # the last change made this version: later records cannot be older
            signed = change.get("statement")
            said = {"kind": "version", "id": ident, "fingerprint": entry.fingerprint, "at": change.get("at"),
                    "by": change.get("by")}
            if statements.check(signed, trusted) and {k: signed.get(k) for k in said} == said \
                    and same_person(trusted[signed[statements.SIGNER]].name, change["by"]):
                return trusted[signed[statements.SIGNER]].name
            if change["action"] != CLAIMED:
                return None
        return None

    def find(self, ident: str) -> Entry | None:
        """One announcement, or None."""
        with self.store.transaction() as db:
            record = db.table("announcements").get(Query().announcement.id == ident)
        return self._entry(record) if record else None

    def ids(self) -> list[str]:
        """Every id (read from the records: no signature is checked)."""
        with self.store.transaction() as db:
            records = db.table("announcements").all()
        return sorted(r["announcement"]["id"] for r in records)

    def entries(self) -> list[Entry]:
        """Every announcement, ordered by id."""
        with self.store.transaction() as db:
            records = db.table("announcements").all()
        trusted = self.trusted()
        return sorted((self._entry(r, trusted) for r in records), key=lambda e: e.id)

    def get(self, ident: str) -> Entry:
        """One announcement, or an InputError that suggests the nearest id."""
        entry = self.find(ident)
        if entry is None:
            raise unknown_announcement(ident, self.ids())
        return entry

    def decide(self, ident: str, action: str, by: Signer, now: dt.datetime, reason: str = "") -> Entry:
        """Record a supervisor's signed decision on the current version (their passphrase was checked by the
        caller, who opened their key); an approval needs a maker (someone who signed the version) other
        than the approver."""
        maker = self.maker(ident) if self.find(ident) is not None else None
        with self.store.transaction() as db:
            table = db.table("announcements")
            record = table.get(Query().announcement.id == ident)
            if record is None:
                raise unknown_announcement(ident, [r["announcement"]["id"] for r in table.all()])
            entry = self._entry(record)
            _refuse(entry, action, by.name, _changes(db, ident))
            at = now.isoformat(timespec="seconds")
            if action == APPROVED:
                _refuse_unmade(entry, maker, by.name)
            statement = statements.signed({"kind": "decision", "action": action, "id": ident, "by": by.name,
                                           "at": at, "fingerprint": entry.fingerprint, "reason": reason,
                                           "maker": maker or ""}, by.key)
            decision = Decision(action, by.name, at, entry.fingerprint, reason, statement)
            table.update({"decision": asdict(decision)}, doc_ids=[record.doc_id])
            _history(db, now, action, ident, by.name, entry.fingerprint, reason)
        return Entry(entry.announcement, decision, entry.fingerprint)

    def check(self, ident: str, action: str, by: str) -> Entry:
        """The announcement, if ``by`` may take ``action`` on it now; else the InputError that decide raises."""
        entry = self.get(ident)
        with self.store.transaction() as db:
            changes = _changes(db, ident)
        _refuse(entry, action, by, changes)
        if action == APPROVED:
            _refuse_unmade(entry, self.maker(ident), by)
        return entry

    def note(self, ident: str, action: str, by: str, now: dt.datetime, reason: str = "") -> None:
        """Record in the history something done with an announcement (e.g. an emergency airing)."""
        entry = self.get(ident)
        with self.store.transaction() as db:
            _history(db, now, action, ident, by, entry.fingerprint, reason)

    def history(self, ident: str | None = None) -> list[dict]:
        """The change history, oldest first, of one announcement or of all."""
        with self.store.transaction() as db:
            rows = db.table("history").all()
        return [dict(r) for r in rows if ident is None or r["id"] == ident]


def _doubt(ann: Announcement, decision: Decision, trusted: dict[str, Person]) -> str:
    """Why ``decision`` cannot be trusted: unsigned, signed by someone not a supervisor of the station,
    saying something else than the record, or an approval by the announcement's author; '' when it holds."""
    signed = decision.statement
    verdict = statements.check(signed, trusted)
    if not verdict:
        return verdict.reason
    person = trusted[signed[statements.SIGNER]]
    said = {k: signed.get(k) for k in ("kind", "action", "id", "by", "at", "fingerprint", "reason")}
    if said != {"kind": "decision", "id": ann.id, **{k: v for k, v in asdict(decision).items() if k != "statement"}}:
        return t("the record says something else than its signed decision")
    if person.role != "supervisor" or not same_person(person.name, decision.by):
        return t("the decision is signed by {name}, who is not its supervisor", name=person.name)
    if decision.action == APPROVED and ann.author and same_person(ann.author, person.name):
        return t("approved by its own author")
    if decision.action == APPROVED and (not signed.get("maker") or same_person(str(signed["maker"]), person.name)):
        return t("approved by its own maker, or with no maker")
    return ""


def _changes(db, ident: str) -> list[dict]:
    """The history records that changed an announcement's content, oldest first."""
    return [r for r in db.table("history").search(Query().id == ident) if r["action"] in CHANGES]


class FourEyesError(InputError):
    """An approval by someone who wrote, added or made the version approved: another person must."""


def _refuse(entry: Entry, action: str, by: str, changes: list[dict]) -> None:
    """Four eyes: the author, who added it and who made its current version may not approve it."""
    if action == APPROVED:
        author = entry.announcement.author
        if author and same_person(author, by):
            raise FourEyesError(t("{name} wrote '{id}' and cannot also approve it: another person must",
                               name=by, id=entry.id))
        added = [r["by"] for r in changes if r["action"] == "added"]
        if added and same_person(added[0], by):
            raise FourEyesError(t("{name} added '{id}' to the library and cannot also approve it: another person must",
                               name=by, id=entry.id))
        if changes and same_person(changes[-1]["by"], by):
            raise FourEyesError(t("{name} made the current version of '{id}' and cannot also approve it: another "
                               "person must", name=by, id=entry.id))
    if entry.status == action:
        raise InputError(t("'{id}' is already {status}", id=entry.id, status=t(action)))


def _refuse_unmade(entry: Entry, maker: str | None, by: str) -> None:
    """Four eyes on authenticated names: a version nobody signed cannot be approved; its maker cannot."""
    if maker is None:
        raise InputError(t("nobody signed the current version of '{id}' (changed outside the program, or added "
                           "without --by): an officer claims it first: broadcaster content claim {id} --by NAME",
                           id=entry.id))
    if same_person(maker, by):
        raise FourEyesError(t("{name} made the current version of '{id}' and cannot also approve it: another "
                           "person must", name=by, id=entry.id))


def merged(old: Announcement, new: Announcement) -> Announcement:
    """``new`` (read from a text file) with the variants of ``old`` in other languages (its clips) kept."""
    for variant in old.variants:
        if new.variant(variant.language) is None:
            new = new.with_variant(variant)
    return new


def unknown_announcement(ident: str, known) -> InputError:
    """The error for an id the library does not have, with the nearest known id."""
    close = difflib.get_close_matches(ident, sorted(known), n=1)
    hint = t(" (did you mean '{id}'?)", id=close[0]) if close else ""
    return InputError(t("unknown announcement '{id}'{hint}; 'broadcaster content list' shows them",
                        id=ident, hint=hint))


def _history(db, now: dt.datetime, action: str, ident: str, by: str, fingerprint: str, reason: str = "",
             signer: Signer | None = None) -> None:
    record = {"v": 1, "at": now.isoformat(timespec="seconds"), "action": action, "id": ident,
              "by": person_name(by), "fingerprint": fingerprint, "reason": reason}
    if signer is not None:  # a version made by someone who proved who they are
        record["statement"] = statements.signed({"kind": "version", "id": ident, "fingerprint": fingerprint,
                                                 "at": record["at"], "by": record["by"]}, signer.key)
    db.table("history").insert(record)
