"""The content library: announcements, their approvals and the history of every change."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

from tinydb import Query

from broadcaster.content.textfile import Announcement
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.storage import Store

DRAFT, APPROVED, CHANGED = "draft", "approved", "changed since approval"


@dataclass(frozen=True)
class Approval:
    """Who approved exactly which version, and when."""

    by: str
    at: str
    fingerprint: str


@dataclass(frozen=True)
class Entry:
    """An announcement as the library holds it, with its approval."""

    announcement: Announcement
    approval: Approval | None

    @property
    def id(self) -> str:
        """The announcement's id."""
        return self.announcement.id

    @property
    def status(self) -> str:
        """draft, approved, or changed since approval."""
        if self.approval is None:
            return DRAFT
        if self.approval.fingerprint != self.announcement.fingerprint():
            return CHANGED
        return APPROVED

    @property
    def approved(self) -> bool:
        """True only when exactly this version was approved."""
        return self.status == APPROVED


class Library:
    """Announcements stored in one TinyDB file, safe to share between processes."""

    def __init__(self, path: Path):
        self.store = Store(path)

    def add(self, ann: Announcement, now: dt.datetime) -> str:
        """Add or update an announcement; returns 'added', 'updated' or 'unchanged'."""
        with self.store.transaction() as db:
            table = db.table("announcements")
            old = table.get(Query().announcement.id == ann.id)
            if old is not None and Announcement.from_record(old["announcement"]) == ann:
                return "unchanged"
            record = {"announcement": ann.to_record(), "approval": old["approval"] if old else None}
            if old is None:
                table.insert(record)
                outcome = "added"
            else:
                table.update(record, doc_ids=[old.doc_id])
                outcome = "updated"
            _history(db, now, outcome, ann.id, ann.author, ann.fingerprint())
            return outcome

    def entries(self) -> list[Entry]:
        """Every announcement, ordered by id."""
        with self.store.transaction() as db:
            records = db.table("announcements").all()
        return sorted((_entry(r) for r in records), key=lambda e: e.id)

    def get(self, ident: str) -> Entry:
        """One announcement, or an InputError that suggests the nearest id."""
        entries = {e.id: e for e in self.entries()}
        if ident in entries:
            return entries[ident]
        raise unknown_announcement(ident, entries)

    def approve(self, ident: str, by: str, now: dt.datetime) -> Entry:
        """Approve exactly the current version of an announcement; its author cannot."""
        by = by.strip()
        if not by:
            raise InputError(t("say who approves with --by NAME"))
        with self.store.transaction() as db:
            table = db.table("announcements")
            record = table.get(Query().announcement.id == ident)
            if record is None:
                raise unknown_announcement(ident, {r["announcement"]["id"] for r in table.all()})
            entry = _entry(record)
            if entry.announcement.author and entry.announcement.author.casefold() == by.casefold():
                raise InputError(t("{name} wrote '{id}' and cannot also approve it: another person must",
                                   name=by, id=ident))
            approval = Approval(by=by, at=now.isoformat(timespec="seconds"),
                                fingerprint=entry.announcement.fingerprint())
            table.update({"approval": approval.__dict__}, doc_ids=[record.doc_id])
            _history(db, now, "approved", ident, by, approval.fingerprint)
        return Entry(entry.announcement, approval)

    def history(self, ident: str | None = None) -> list[dict]:
        """The change history, oldest first, of one announcement or of all."""
        with self.store.transaction() as db:
            rows = db.table("history").all()
        return [dict(r) for r in rows if ident is None or r["id"] == ident]


def unknown_announcement(ident: str, known) -> InputError:
    """The error for an id the library does not have, with the nearest known id."""
    close = difflib.get_close_matches(ident, sorted(known), n=1)
    hint = t(" (did you mean '{id}'?)", id=close[0]) if close else ""
    return InputError(t("unknown announcement '{id}'{hint}; 'broadcaster content list' shows them",
                        id=ident, hint=hint))


def _entry(record: dict) -> Entry:
    approval = record.get("approval")
    return Entry(Announcement.from_record(record["announcement"]), Approval(**approval) if approval else None)


def _history(db, now: dt.datetime, action: str, ident: str, by: str, fingerprint: str) -> None:
    db.table("history").insert({"at": now.isoformat(timespec="seconds"), "action": action,
                                "id": ident, "by": by, "fingerprint": fingerprint})
