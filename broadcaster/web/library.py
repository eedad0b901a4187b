"""The library page: announcements searched and filtered; a text written or edited (with how it will be read
and its audio); a clip uploaded or recorded in the browser; approve, reject, retire; each one's history.
The CLI's `content list/show/add/approve/reject/retire`, `speak-text` and `play`."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for

from broadcaster.content.announcement import CLIP, LANGUAGES, TEXT
from broadcaster.content.library import APPROVED, CHANGED, DRAFT, REJECTED, RETIRED, UNVERIFIED
from broadcaster.content.recording import add_clip
from broadcaster.content.textfile import parse_announcement
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import marked, t
from broadcaster.playout.preview import rendition
from broadcaster.services.content import EDITED_BY_FILE
from broadcaster.web.auth import EVERYONE, person, requires
from broadcaster.web.pages import now, served, station

bp = Blueprint("library", __name__, url_prefix="/library")
NAV = (("library.page", marked("Library"), EVERYONE),)
WRITERS = ("officer", "supervisor")  # who writes, uploads and records (as `content claim`)
DECIDERS = ("supervisor",)
EXPIRED = marked("expired")  # its validity window has ended: it no longer airs
STATUSES = (DRAFT, APPROVED, CHANGED, EXPIRED, UNVERIFIED, RETIRED, REJECTED)
ACTIONS = {"approve": APPROVED, "reject": REJECTED, "retire": RETIRED}
SHOWN = 200  # rows of the list shown at once: a search narrows the rest
NEW_TEXT = "---\nid: \ntitle: \ntopic: general\nlanguage: vie\nvalid_from: \nvalid_until: \n---\n\n"


@bp.route("/")
@requires(*EVERYONE)
def page():
    """The announcements, searched (id, title, text) and filtered by status, topic and language."""
    args, today = request.args, now().date()
    query, status, topic, lang = (args.get(k, "").strip() for k in ("q", "status", "topic", "lang"))
    entries, problems = served().planning.library(now())  # kept while the station's files do not change
    rows = []
    for entry in entries:
        a = entry.announcement
        ended = a.valid_until and a.valid_until < today and entry.status not in (RETIRED, REJECTED, UNVERIFIED)
        shown = EXPIRED if ended else entry.status
        if (status and shown != status) or (topic and a.topic != topic) or (lang and lang not in a.languages()):
            continue
        if query and not any(query.casefold() in part.casefold()
                             for part in (a.id, a.title, *(v.text for v in a.variants))):
            continue
        rows.append((entry, shown))
    return render_template("library.html", rows=rows[:SHOWN], found=len(rows), statuses=STATUSES,
                           topics=station().config.topics, languages=LANGUAGES, query=query, status=status,
                           topic=topic, language_wanted=lang, may_write=_may(WRITERS), problems=problems)


@bp.route("/<ident>/")
@requires(*EVERYONE)
def item(ident: str):
    """One announcement: its texts as written and as they will be read, its audio, its history."""
    s = station()
    entry, history, maker = served().planning.announcement(ident, now())  # kept while the files do not change
    spoken = {v.language: s.renders.spoken(v).text for v in entry.announcement.variants if v.kind == TEXT}
    return render_template("library-item.html", entry=entry, spoken=spoken, history=history,
                           maker=maker, languages=LANGUAGES, CLIP=CLIP, EDITED_BY_FILE=EDITED_BY_FILE,
                           may_write=_may(WRITERS), may_decide=_may(DECIDERS), topics=s.config.topics)


@bp.route("/<ident>/audio")
@requires(*EVERYONE)
def audio(ident: str):
    """The audio of one variant as it will air (rendered first if need be): the CLI's `play ID`."""
    _, _, asset = rendition(station(), ident, request.args.get("lang") or None, now())
    return send_file(asset.path, mimetype="audio/wav", conditional=True, max_age=0)


@bp.route("/new", methods=["GET", "POST"])
@requires(*WRITERS)
def new():
    """Write a new announcement text."""
    return _editor(None, NEW_TEXT)


@bp.route("/<ident>/edit", methods=["GET", "POST"])
@requires(*WRITERS)
def edit(ident: str):
    """Edit the text of an announcement in one language (its file in scripts_text/)."""
    entry = station().content.entry(ident, now())
    lang = request.args.get("lang") or entry.announcement.variants[0].language
    variant = entry.announcement.variant(lang)
    if variant is None or variant.kind != TEXT:
        raise InputError(t("'{id}' has no text in '{lang}' to edit", id=entry.id, lang=lang))
    return _editor(entry.id, _file_text(entry.announcement, variant))


def _editor(ident: str | None, text: str):
    """The editor's page, or on POST the text written and taken in."""
    if request.method == "POST":
        text = request.form.get("text", "")
        try:
            signer = station().users.unlock(person().name, request.form.get("passphrase", ""), set(WRITERS),
                                            t("add content"))
            entry, outcome = station().content.write_text(text, now(), signer, ident)
        except BroadcasterError as exc:
            return render_template("library-edit.html", ident=ident, text=text, message=str(exc)), 400
        flash(t("{id}: {outcome} ({status})", id=entry.id, outcome=t(outcome), status=t(entry.status)), "notice")
        return redirect(url_for("library.item", ident=entry.id), 303)
    return render_template("library-edit.html", ident=ident, text=text, message="")


def _file_text(ann, variant) -> str:
    """The text file of a variant: the file it came from when it is still there, else rebuilt from the library."""
    source = station().path_of(variant.source) if variant.source else None
    if source is not None and source.is_file() and source.suffix.lower() in (".md", ".txt"):
        try:
            return source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass  # rebuilt below: the editor shows what the library holds
    header = [f"id: {ann.id}", f"title: {ann.title}", f"topic: {ann.topic}", f"language: {variant.language}"]
    header += [f"{key}: {value}" for key, value in (("author", ann.author), ("valid_from", ann.valid_from),
                                                    ("valid_until", ann.valid_until), ("notes", ann.notes)) if value]
    return "---\n" + "\n".join(header) + "\n---\n\n" + variant.text + "\n"


@bp.route("/spoken", methods=["POST"])
@requires(*WRITERS)
def spoken():
    """How a text being written will be read (htmx): the normaliser's words, and what it can only spell out."""
    try:
        ann = parse_announcement(request.form.get("text", "").replace("\r\n", "\n"),
                                 Path(station().relative(station().scripts_dir)) / "new.md", station().config.topics)
    except BroadcasterError as exc:
        return render_template("library-spoken.html", message=str(exc), spoken="", unknown=[])
    variant = ann.variants[0]
    return render_template("library-spoken.html", message="", spoken=station().renders.spoken(variant).text,
                           unknown=station().normaliser.unknown(variant.text))


@bp.route("/clip", methods=["POST"])
@requires(*WRITERS)
def clip():
    """Add a clip (uploaded from a phone, or recorded in the browser) to an announcement, or as a new one."""
    form, upload = request.form, request.files.get("clip")
    ident = form.get("id", "").strip()
    try:
        if upload is None or not upload.filename:
            raise InputError(t("choose a clip to send, or record one"))
        signer = station().users.unlock(person().name, form.get("passphrase", ""), set(WRITERS), t("add content"))
        entry, outcome = add_clip(station(), upload.stream, upload.filename, ident, form.get("language", "").strip(),
                                  now(), signer, form.get("title", "").strip() or None,
                                  form.get("topic", "").strip() or None)
    except BroadcasterError as exc:
        flash(str(exc), "problem")
        known = station().library.find(ident) if ident else None
        return redirect(url_for("library.item", ident=known.id) if known else url_for("library.page"), 303)
    flash(t("{id}: {outcome} ({status})", id=entry.id, outcome=t(outcome), status=t(entry.status)), "notice")
    return redirect(url_for("library.item", ident=entry.id), 303)


@bp.route("/<ident>/decide", methods=["POST"])
@requires(*DECIDERS)
def decide(ident: str):
    """Approve, reject or retire the current version, signed with the supervisor's key (four eyes)."""
    form, s = request.form, station()
    entry = s.content.entry(ident, now())  # an unknown id is a 400 page, not a flash on a page that is not there
    try:
        action = ACTIONS.get(form.get("action", ""))
        if action is None:
            raise InputError(t("the decision must be one of: {actions}", actions=", ".join(ACTIONS)))
        reason = form.get("reason", "").strip()
        if action == REJECTED and not reason:
            raise InputError(t("say why it is rejected"))
        decided = s.content.decide(entry.id, action, person().name, form.get("passphrase", ""), now(), reason)
    except BroadcasterError as exc:
        flash(str(exc), "problem")
    else:
        flash(t("{id}: {status} by {name}", id=entry.id, status=t(decided.status), name=decided.decision.by), "notice")
    return redirect(url_for("library.item", ident=entry.id), 303)


def _may(roles: tuple[str, ...]) -> bool:
    """Whether the person logged in holds one of ``roles`` (what the page offers them; the routes check too)."""
    return bool(set(roles) & g.roles)
