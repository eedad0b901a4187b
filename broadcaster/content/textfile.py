"""Announcement files: a small header of 'key: value' lines between '---' lines, then the text to be
spoken. Clips may have the same header alone in a sidecar file (``clip.m4a`` -> ``clip.m4a.yaml``)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from broadcaster.content.announcement import (ID_PATTERN, LANGUAGE_PATTERN, SPOKEN_BY_TTS, TEXT, Announcement,
                                              Variant)
from broadcaster.content.decoding import decode_announcement_text
from broadcaster.content.documents import MAX_DOCUMENT_BYTES, document_text, is_document
from broadcaster.content.names import id_from_name
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.plainfile import read_regular
from broadcaster.values import parse_date


MAX_TEXT_BYTES = 200_000
HEADER_KEYS = {"id", "title", "topic", "language", "author", "valid_from", "valid_until", "notes"}
# Control characters other than tab and newline have no place in a text to be read aloud: nor have the C1
# controls (U+0080-U+009F: quotes of Windows text read as Latin-1) and the bidirectional overrides,
# which make the text shown for proofreading differ from the text spoken.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def read_file_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a file, or an InputError saying why it cannot be read."""
    try:
        return read_regular(path, limit, lambda size: t(
            "the file is {size} bytes, more than the {limit} an announcement text may have", size=size, limit=limit))
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    except OSError as exc:
        raise InputError(t("cannot read the file: {reason}", reason=exc.strerror), path=path) from None


TEXT_EXTENSIONS = (".md", ".txt")


def is_text_file(path: Path) -> bool:
    """Whether ``path`` is named as an announcement text: plain text, or a word processor's document."""
    return path.suffix.lower() in TEXT_EXTENSIONS or is_document(path)


def read_announcement(path: Path, topics: tuple[str, ...] | None = None,
                      given: dict[str, str] | None = None, kept: dict[str, str] | None = None) -> Announcement:
    """Read and check an announcement text file or document (its topic among ``topics``, when given), the
    fields in ``given`` (id, topic, title) over its header's, those in ``kept`` where its header has none;
    every problem is an InputError naming file and line."""
    if is_document(path):
        data = document_text(path, read_file_bytes(path, MAX_DOCUMENT_BYTES)).encode("utf-8")
        if len(data) > MAX_TEXT_BYTES:
            raise InputError(t("its text is {size} bytes, more than the {limit} an announcement text may have",
                               size=len(data), limit=MAX_TEXT_BYTES), path=path)
    else:
        data = read_file_bytes(path, MAX_TEXT_BYTES)
    text, _ = decode_announcement_text(data, path)
    return parse_announcement(text, path, topics, given, kept)


def parse_header(text: str, path: Path, topics: tuple[str, ...] | None = None) -> tuple[dict[str, Any], str, int]:
    """The checked header, the body, and the line the body starts on."""
    bad = CONTROL.search(text)
    if bad:
        raise InputError(t("a control character (U+{code:04X}) that cannot be read aloud", code=ord(bad.group())),
                         path=path, line=text[: bad.start()].count("\n") + 1)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise InputError(t("the header that starts with '---' is never closed by another '---' line"),
                         path=path, line=1) from None
    header = _check_header(parse_fields(lines[1:end], path, 2), path, topics)
    return header, "\n".join(lines[end + 1:]), end + 2


FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*:\s?(.*)$")


def parse_fields(lines: list[str], path: Path, first_line: int) -> dict[str, tuple[str, int]]:
    """Flat 'key: value' lines (the value is the rest of the line, colons and all); '#' starts a comment
    line. Returns key -> (value, line)."""
    fields: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(lines, first_line):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = FIELD.match(line.strip())
        if not match:
            raise InputError(t("expected 'key: value' (e.g. 'title: Thông báo lịch tiêm')"), path=path, line=number)
        key, value = match[1], match[2].strip()
        if key not in HEADER_KEYS:
            close = difflib.get_close_matches(key, sorted(HEADER_KEYS), n=1)
            hint = t(" (did you mean '{key}'?)", key=close[0]) if close else ""
            raise InputError(t("unknown key '{key}' in the header{hint}; expected one of: {keys}", key=key, hint=hint,
                               keys=", ".join(sorted(HEADER_KEYS))), path=path, line=number)
        if key in fields:
            raise InputError(t("'{key}' is given twice (first on line {line})", key=key, line=fields[key][1]),
                             path=path, line=number)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[key] = (value, number)
    return fields


def parse_announcement(text: str, path: Path, topics: tuple[str, ...] | None = None,
                       given: dict[str, str] | None = None, kept: dict[str, str] | None = None) -> Announcement:
    """Split header and body, check both, and build an announcement with one text variant (``given``: id,
    topic or title from the command line, over the header's; ``kept``: the library's, where the header has none)."""
    header, body, body_line = parse_header(text, path, topics)
    for key, value in (kept or {}).items():
        if value and key not in header:
            header[key] = value
    for key, value in (given or {}).items():
        if value:
            header[key] = value
            header.get("_lines", {}).pop(key, None)
            if key == "topic" and topics is not None:
                check_topic(value, topics)
    body = "\n".join(line.rstrip() for line in body.strip().split("\n"))
    if not any(c.isalnum() for c in body):
        raise InputError(t("there is no text to speak after the header"), path=path, line=body_line)
    language = header.pop("language", "vie")
    if language not in SPOKEN_BY_TTS:
        raise InputError(t("no speech engine speaks '{lang}': record a clip in that language and add it with "
                           "'broadcaster content add CLIP --id ID --lang {lang}'", lang=language),
                         path=path, line=header.get("_lines", {}).get("language"))
    title = header.pop("title", None) or heading_of(body)
    return build(header, path, title=title, variants=(Variant(language=language, kind=TEXT, text=body,
                                                               source=str(path)),))


# The lines an official document opens with before its heading: the national motto, the document's number,
# the place and date ("Đăk Lăk, ngày 06 tháng 8 năm 2021"); none of them names the announcement.
PREAMBLE = re.compile(r"^(CỘNG H(OÀ|ÒA) XÃ HỘI|Độc lập\s*[-–—]\s*Tự do|Số\s*:\s*\S*/|.*\bngày\s+\d{1,2}\s+tháng\s+\d{1,2}"
                      r"\s+năm\s+\d{4}\s*$)", re.IGNORECASE)


def heading_of(body: str) -> str:
    """A text's title when its header has none: its first line that is not an official preamble line."""
    lines = [line.strip(" *#_-\t") for line in body.split("\n")]
    lines = [line for line in lines if any(c.isalnum() for c in line)]
    return next((line for line in lines if not PREAMBLE.match(line)), lines[0])[:80]


def build(header: dict[str, Any], path: Path, **fields: Any) -> Announcement:
    """An announcement from a checked header (id defaults to one made from the file name) and more fields."""
    lines = header.pop("_lines", {})
    ident = header.pop("id", None) or id_from_name(path.name)
    if not ident:
        raise InputError(t("no id can be made from the file name: give one with --id"), path=path)
    if not ID_PATTERN.match(ident):
        raise InputError(
            t("'{id}' is not a usable id: use lower-case letters without accents, digits and '-' "
              "(e.g. thong-diep-5k)", id=ident), path=path, line=lines.get("id"))
    if header.get("valid_from") and header.get("valid_until") and header["valid_until"] < header["valid_from"]:
        raise InputError(t("valid_until is before valid_from"), path=path, line=lines.get("valid_until"))
    header.pop("language", None)
    return Announcement(id=ident, **{**header, **fields})


def check_topic(topic: str, topics: tuple[str, ...], path: Path | str | None = None, line: int | None = None) -> None:
    """Refuse a topic that is not one of the station's, with the nearest one."""
    if topic not in topics:
        close = difflib.get_close_matches(topic, topics, n=1)
        hint = t(" (did you mean '{topic}'?)", topic=close[0]) if close else ""
        raise InputError(t("unknown topic '{topic}'{hint}; the station's topics are: {topics} (add more under "
                           "'topics:' in station.yaml)", topic=topic, hint=hint, topics=", ".join(topics)),
                         path=path, line=line)


def _check_header(fields: dict[str, tuple[str, int]], path: Path, topics: tuple[str, ...] | None) -> dict[str, Any]:
    header: dict[str, Any] = {"_lines": {}}
    for key, (value, line) in fields.items():
        header["_lines"][key] = line
        if key in ("valid_from", "valid_until"):
            header[key] = parse_date(value, path, line, key) if value else None
        elif value:
            header[key] = value
    if "language" in header and not LANGUAGE_PATTERN.match(header["language"]):
        raise InputError(t("language '{lang}' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)",
                           lang=header["language"]), path=path, line=header["_lines"]["language"])
    if topics is not None and "topic" in header:
        check_topic(header["topic"], topics, path, header["_lines"]["topic"])
    return header


def read_sidecar(path: Path, topics: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The checked header in a clip's sidecar file (YAML, the same keys as a text header), or {}."""
    if not path.exists():
        return {}
    text, _ = decode_announcement_text(read_file_bytes(path, MAX_TEXT_BYTES), path)
    return _check_header(parse_fields(text.split("\n"), path, 1), path, topics)
