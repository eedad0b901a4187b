"""Content and approval: texts and clips read, checked and taken into the library; a supervisor's decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.content.announcement import CLIP, LANGUAGE_PATTERN, Announcement, Variant
from broadcaster.content.clips import CLIP_EXTENSIONS, decode_clip, file_sha256, keep_clip, kept_name
from broadcaster.content.library import (APPROVED, EDITED, REJECTED, RETIRED, Entry, FourEyesError, merged,
                                         unknown_announcement)
from broadcaster.content.textfile import build, read_announcement, read_sidecar
from broadcaster.content.users import Signer
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import t

if TYPE_CHECKING:
    from broadcaster.station import Station

EDITED_BY_FILE = "(file edited)"


class Content:
    """The station's announcements as its files and the library hold them."""

    def __init__(self, station: Station):
        self.station = station

    def read_source(self, source: str) -> Announcement:
        """An announcement from a text file (when ``source`` is one) or else from the library by id."""
        path = Path(source)
        if path.suffix.lower() in (".md", ".txt") or path.is_file():
            return read_announcement(path)
        return self.station.library.get(source).announcement

    def read_text(self, path: Path) -> Announcement:
        """Read and check an announcement text file for this station (its topic one of the station's)."""
        ann = read_announcement(Path(path), self.station.config.topics)
        variant = ann.variants[0]
        return ann.with_variant(Variant(variant.language, variant.kind, text=variant.text,
                                        source=self.station.relative(path)))

    def read_clip(self, path: Path, ident: str | None, language: str | None,
                  title: str | None = None) -> tuple[Variant, Announcement]:
        """Decode and check a clip (nothing is written); its id, language and metadata come from the
        options or its sidecar file. The variant names the copy the library will keep."""
        path = Path(path)
        header = read_sidecar(path.with_name(path.name + ".yaml"), self.station.config.topics)
        language = language or header.get("language")
        if not language:
            raise InputError(t("say which language the clip is in: --lang rad (Ê Đê), jra (J'rai), vie, ..."),
                             path=path)
        if not LANGUAGE_PATTERN.match(language):
            raise InputError(t("language '{lang}' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)",
                               lang=language), path=path)
        if ident:
            header["id"] = ident
        new = build(header, path, title=title or header.get("title") or path.stem)
        samples = decode_clip(path, self.station.config.profile.sample_rate)
        sha = file_sha256(path)
        variant = Variant(language=language, kind=CLIP, clip_sha256=sha, clip_file=kept_name(path, sha),
                          duration_s=round(len(samples) / self.station.config.profile.sample_rate, 3),
                          source=self.station.relative(path))
        return variant, new

    def read_file(self, path: Path, ident: str | None = None, language: str | None = None) -> Announcement:
        """Read and check a text or a clip for the library, writing nothing; a clip comes back as a new
        announcement holding just that variant."""
        path = Path(path)
        is_text = path.suffix.lower() in (".md", ".txt")
        if path.suffix.lower() in CLIP_EXTENSIONS or ((ident or language) and not is_text):
            # given as a clip, a file of another format is refused as such ('.wma' is not an audio format ...)
            variant, new = self.read_clip(path, ident, language)
            return replace(new, variants=(variant,))
        if ident or language:
            raise InputError(t("--id and --lang are for clips; a text names its id and language in its header"),
                             path=path)
        return self.read_text(path)

    def add(self, ann: Announcement, now: dt.datetime, by: str = "", signer: Signer | None = None) -> tuple[Entry, str]:
        """Put what :meth:`read_file` read into the library, the version signed by ``signer`` (who proved
        who they are) when given, else made by nobody until claimed; returns the entry and 'added',
        'updated' or 'unchanged'."""
        variant = ann.variants[0]
        by = signer.name if signer else by or ann.author
        if variant.kind == CLIP:
            keep_clip(self.station.path_of(variant.source), self.station.clips_dir, variant.clip_sha256)
            outcome = self.station.library.add_variant(ann.id, variant, now, by, ann, signer=signer)
        else:
            outcome = self.station.library.add_text(ann, now, by, signer=signer)
        return self.station.library.get(ann.id), outcome

    def add_file(self, path: Path, now: dt.datetime, by: str = "", ident: str | None = None,
                 language: str | None = None, signer: Signer | None = None) -> tuple[Entry, str]:
        """Read, check and add a text or a clip."""
        return self.add(self.read_file(path, ident, language), now, by, signer)

    def claim(self, ident: str, by: str, passphrase: str, now: dt.datetime) -> Entry:
        """An officer (or supervisor) signs the current version as theirs: a text edited outside the program
        has a maker again, and can be approved by someone else."""
        signer = self.station.users.unlock(by, passphrase, {"officer", "supervisor"}, t("claim a version"))
        return self.station.library.claim(self.entry(ident, now).id, signer, now)

    def sync(self, now: dt.datetime, only: str | None = None) -> dict[str, str]:
        """Take in new texts in scripts_text/ (as drafts) and edits of the library's source files (or of
        one announcement's); returns what cannot be used and why, by announcement id or file name."""
        problems = {} if only else self._take_in_new_texts(now)
        entries = [self.station.library.get(only)] if only else self.station.library.entries()
        for entry in entries:
            for variant in entry.announcement.variants:
                path = self.station.path_of(variant.source) if variant.source else None
                if path is None or not path.exists():
                    continue  # the library keeps its own copy: a moved or deleted file changes nothing
                try:
                    self._sync_variant(entry, variant, path, now)
                except BroadcasterError as exc:
                    problems[entry.id] = t("its file {path} was edited and is now unusable: {reason}",
                                           path=variant.source, reason=exc.message)
        return problems

    def new_text_files(self) -> list[Path]:
        """Text files in scripts_text/ that no announcement of the library comes from."""
        known = {v.source for e in self.station.library.entries() for v in e.announcement.variants}
        return [p for p in sorted([*self.station.scripts_dir.glob("*.md"), *self.station.scripts_dir.glob("*.txt")])
                if self.station.relative(p) not in known]

    def entry(self, ident: str, now: dt.datetime) -> Entry:
        """One announcement as its files are now (a text just put in scripts_text/ is taken in)."""
        if self.station.library.find(ident) is not None:
            self.sync(now, only=ident)
            return self.station.library.get(ident)
        waiting = {}
        for path in self.new_text_files():
            try:
                waiting[read_announcement(path).id] = path
            except BroadcasterError:
                continue
        if ident not in waiting:
            raise unknown_announcement(ident, [*self.station.library.ids(), *waiting])
        self._take_in(waiting[ident], now)
        return self.station.library.get(ident)

    def _take_in_new_texts(self, now: dt.datetime) -> dict[str, str]:
        """scripts_text/ is watched: a text file there that the library does not know is added as a draft."""
        problems = {}
        for path in self.new_text_files():
            try:
                self._take_in(path, now)
            except BroadcasterError as exc:
                problems[path.name] = str(exc)
        return problems

    def _take_in(self, path: Path, now: dt.datetime) -> None:
        ann = self.read_text(path)
        other = self.station.library.find(ann.id)
        if other is not None:
            raise InputError(t("its id '{id}' is already taken by {source}", id=ann.id,
                               source=other.announcement.variants[0].source), path=path)
        self.station.library.add_text(ann, now, ann.author)

    def _sync_variant(self, entry: Entry, variant: Variant, path: Path, now: dt.datetime) -> None:
        if variant.kind == CLIP:
            if file_sha256(path) != variant.clip_sha256:
                new_variant, _ = self.read_clip(path, entry.id, variant.language, entry.announcement.title)
                keep_clip(path, self.station.clips_dir, new_variant.clip_sha256)
                self.station.library.add_variant(entry.id, new_variant, now, EDITED_BY_FILE)
            return
        ann = self.read_text(path)
        if ann.id != entry.id:
            raise InputError(t("its id is now '{id}'", id=ann.id), path=path)
        new = merged(entry.announcement, ann)
        if new != entry.announcement:
            self.station.library.put(new, now, EDITED_BY_FILE, action=EDITED)

    def decide(self, ident: str, action: str, by: str, passphrase: str, now: dt.datetime, reason: str = "") -> Entry:
        """A supervisor approves, retires or rejects the current version; approving renders it too."""
        verbs = {APPROVED: t("approve"), RETIRED: t("retire"), REJECTED: t("reject")}
        signer = self.station.users.unlock(by, passphrase, {"supervisor"}, verbs[action])
        self.entry(ident, now)
        try:
            if action == APPROVED:
                # Rendered before the approval is written: an approval cut off by a power cut is no approval,
                # rather than an approved announcement without audio (which approving again would refuse).
                for variant in self.station.library.check(ident, action, signer.name).announcement.variants:
                    self.station.renders.render_all(variant)
            entry = self.station.library.decide(ident, action, signer, now, reason)
        except FourEyesError as exc:
            if [role for _, role in self.station.users.names()].count("supervisor") > 1:
                raise
            raise FourEyesError(exc.message + t("; this station has only one supervisor: add a second one "
                                                "(broadcaster user add NAME --role supervisor --admin \"{name}\"), "
                                                "or have the district approve it", name=signer.name)) from None
        if action == APPROVED:
            for variant in entry.announcement.variants:
                self.station.renders.render_all(variant)  # the version approved (found in the cache, unless edited meanwhile)
        return entry
