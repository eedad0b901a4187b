"""Content and approval: texts and clips read, checked and taken into the library; a supervisor's decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.atomic import replacing
from broadcaster.content.announcement import CLIP, LANGUAGE_PATTERN, TEXT, Announcement, Variant
from broadcaster.content.clips import CLIP_EXTENSIONS, decode_clip, file_sha256, keep_clip, kept_name
from broadcaster.content.library import (APPROVED, EDITED, REJECTED, RETIRED, Entry, FourEyesError, merged,
                                         unknown_announcement)
from broadcaster.content.documents import DOCUMENT_EXTENSIONS, OLD_FORMATS
from broadcaster.content.textfile import (MAX_TEXT_BYTES, TEXT_EXTENSIONS, build, check_topic, heading_of,
                                          is_text_file, parse_announcement, read_announcement, read_sidecar)
from broadcaster.content.users import Signer
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import marked, t

if TYPE_CHECKING:
    from broadcaster.station import Station

EDITED_BY_FILE = marked("(file edited)")  # who made a version: shown through t()


class Content:
    """The station's announcements as its files and the library hold them."""

    def __init__(self, station: Station):
        self.station = station

    def read_source(self, source: str) -> Announcement:
        """An announcement from a text file (when ``source`` is one) or else from the library by id."""
        path = Path(source)
        if is_text_file(path) or path.is_file():
            return read_announcement(path)
        return self.station.library.get(source).announcement

    def read_text(self, path: Path, given: dict[str, str] | None = None,
                  kept: dict[str, str] | None = None) -> Announcement:
        """Read and check an announcement text file or document for this station (its topic one of the
        station's); ``given``: id, topic or title over its header's; ``kept``: those where its header has none."""
        ann = read_announcement(Path(path), self.station.config.topics, given, kept)
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

    def read_file(self, path: Path, ident: str | None = None, language: str | None = None,
                  topic: str | None = None, title: str | None = None) -> Announcement:
        """Read and check a text, a document or a clip for the library, writing nothing; a clip comes back as
        a new announcement holding just that variant. A text's id, unless ``ident`` names it, must not be
        that of an announcement from a file of another name."""
        path = Path(path)
        if topic:
            check_topic(topic, self.station.config.topics)
        if path.suffix.lower() in CLIP_EXTENSIONS or (language and not is_text_file(path)):
            # given as a clip, a file of another format is refused as such ('.wma' is not an audio format ...)
            variant, new = self.read_clip(path, ident, language, title)
            return replace(new, variants=(variant,), **({"topic": topic} if topic else {}))
        if language:
            raise InputError(t("--lang is for clips; a text names its language in its header"), path=path)
        ann = self.read_text(path, {"id": ident, "topic": topic, "title": title})
        # a library not made yet holds nothing, and reading must not make it (nothing is written before adding)
        library = self.station.data_dir / "library.json"
        other = self.station.library.find(ann.id) if not ident and library.exists() else None
        if other is not None:
            # by name: the same file moved or copied (a USB stick, another folder) still updates its announcement
            sources = [v.source for v in other.announcement.variants if v.kind != CLIP]
            if sources and path.name not in {Path(source).name for source in sources}:
                raise InputError(t("its id '{id}' is already taken by {source}: give it another with --id, or "
                                   "--id {id} to replace that text", id=ann.id, source=sources[0]), path=path)
        return ann

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
        """Read, check and add a text, a document or a clip."""
        return self.add(self.read_file(path, ident, language), now, by, signer)

    def write_text(self, text: str, now: dt.datetime, signer: Signer, ident: str | None = None) -> tuple[Entry, str]:
        """Write an announcement text (header and body, as in scripts_text/) for a new announcement, or over
        the text of ``ident`` in the language its header names, after the checks of `content add`; the file
        is replaced atomically and added as a version signed by ``signer``. Nothing changes when it is refused."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise InputError(t("the text is {size} bytes, more than the {limit} an announcement text may have",
                               size=len(text.encode("utf-8")), limit=MAX_TEXT_BYTES))
        draft = Path(self.station.relative(self.station.scripts_dir)) / f"{ident or 'new'}.md"  # named in messages
        ann = parse_announcement(text, draft, self.station.config.topics)  # the id, language and topic checked
        language = ann.variants[0].language
        if ident is None:
            if self.station.library.find(ann.id) is not None or ann.id in self._waiting_ids():
                raise InputError(t("'{id}' already exists: edit it, or give the new text another id", id=ann.id))
            path = self._text_path(ann.id, language)
        else:
            if ann.id != ident:
                raise InputError(t("the header names '{other}', not '{id}': an edit keeps the id", other=ann.id,
                                   id=ident))
            variant = self.entry(ident, now).announcement.variant(language)
            path = self._text_path(ident, language, variant.source if variant and variant.kind == TEXT else "")
        old = path.read_bytes() if path.is_file() else None
        with replacing(path, "w", encoding="utf-8", what=t("the announcement text")) as f:
            f.write(text if text.endswith("\n") else text + "\n")
        try:
            return self.add_file(path, now, signer=signer)
        except BroadcasterError:
            if old is None:
                path.unlink(missing_ok=True)
            else:
                with replacing(path, what=t("the announcement text")) as f:
                    f.write(old)
            raise

    def _text_path(self, ident: str, language: str, source: str = "") -> Path:
        """The file in scripts_text/ for a text: the one it came from when it is there, else a new one."""
        folder = self.station.scripts_dir.resolve()
        if source:
            path = self.station.path_of(source).resolve()
            if path.parent == folder and path.suffix.lower() in (".md", ".txt"):
                return path
        path = folder / (f"{ident}.md" if language == "vie" else f"{ident}.{language}.md")
        if path.exists():
            raise InputError(t("{path} already exists: edit that file, or give the text another id",
                               path=self.station.relative(path)))
        return path

    def _waiting_ids(self) -> list[str]:
        """The ids of the texts in scripts_text/ that the library has not taken in yet."""
        ids = []
        for path in self.new_text_files():
            try:
                ids.append(read_announcement(path).id)
            except BroadcasterError:
                continue
        return ids

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
        """Texts and documents in scripts_text/ that no announcement of the library comes from (an old .doc
        among them, to be told it must be saved again as .docx)."""
        known = {v.source for e in self.station.library.entries() for v in e.announcement.variants}
        suffixes = {*TEXT_EXTENSIONS, *DOCUMENT_EXTENSIONS, *OLD_FORMATS}
        folder = self.station.scripts_dir
        # Word's and LibreOffice's lock files (~$name.docx, .~lock.name.odt#) sit beside an open document
        return [p for p in sorted(folder.iterdir() if folder.is_dir() else []) if p.suffix.lower() in suffixes
                and not p.name.startswith(("~$", ".~lock")) and not p.is_dir() and self.station.relative(p) not in known]

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
        old = entry.announcement
        # What the command line chose (--id, --topic, --title) stays unless the file's header now says
        # otherwise; a title that was the text's first heading follows the text.
        derived = old.title == heading_of(variant.text)
        ann = self.read_text(path, kept={"id": entry.id, "topic": old.topic, "title": "" if derived else old.title})
        if ann.id != entry.id:
            raise InputError(t("its id is now '{id}'", id=ann.id), path=path)
        new = merged(old, ann)
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
