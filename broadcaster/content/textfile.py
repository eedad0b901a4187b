"""Announcement files: a small YAML header between '---' lines, then the text to be spoken.
Clips may have the same header alone in a sidecar file (``clip.m4a`` -> ``clip.m4a.yaml``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from broadcaster.content.announcement import (ID_PATTERN, LANGUAGE_PATTERN, SPOKEN_BY_TTS, TEXT, Announcement,
                                              Variant)
from broadcaster.content.decoding import decode_announcement_text
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.yamlfile import check_keys, expect_map, line_of, load_yaml

MAX_TEXT_BYTES = 200_000
HEADER_KEYS = {"id", "title", "topic", "language", "author", "valid_from", "valid_until", "notes"}
# Control characters other than tab and newline have no place in a text to be read aloud.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_file_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a file, or an InputError saying why it cannot be read."""
    try:
        if path.is_dir():
            raise InputError(t("this is a folder, not a file"), path=path)
        size = path.stat().st_size
        if size > limit:
            raise InputError(t("the file is {size} bytes, more than the {limit} an announcement text may have",
                               size=size, limit=limit), path=path)
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    except OSError as exc:
        raise InputError(t("cannot read the file: {reason}", reason=exc.strerror), path=path) from None


def read_announcement(path: Path) -> Announcement:
    """Read and check an announcement text file; every problem is an InputError naming file and line."""
    text, _ = decode_announcement_text(read_file_bytes(path, MAX_TEXT_BYTES), path)
    return parse_announcement(text, path)


def parse_header(text: str, path: Path) -> tuple[dict[str, Any], str, int]:
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
    node = load_yaml("\n" + "\n".join(lines[1:end]), path)  # the leading newline keeps line numbers true
    header = {}
    if node is not None:
        node = expect_map(node, path, t("the header"), 2)
        check_keys(node, HEADER_KEYS, path, t("the header"))
        header = _check_header(node, path)
    return header, "\n".join(lines[end + 1:]), end + 2


def parse_announcement(text: str, path: Path) -> Announcement:
    """Split header and body, check both, and build an announcement with one text variant."""
    header, body, body_line = parse_header(text, path)
    body = "\n".join(line.rstrip() for line in body.strip().split("\n"))
    if not any(c.isalnum() for c in body):
        raise InputError(t("there is no text to speak after the header"), path=path, line=body_line)
    language = header.pop("language", "vie")
    if language not in SPOKEN_BY_TTS:
        raise InputError(t("no speech engine speaks '{lang}': record a clip in that language and add it with "
                           "'broadcaster content add CLIP --id ID --lang {lang}'", lang=language),
                         path=path, line=header.get("_lines", {}).get("language"))
    title = header.pop("title", None) or body.split("\n", 1)[0][:80]
    return build(header, path, title=title, variants=(Variant(language=language, kind=TEXT, text=body,
                                                               source=str(path)),))


def build(header: dict[str, Any], path: Path, **fields: Any) -> Announcement:
    """An announcement from a checked header (id defaults to the file name) and more fields."""
    lines = header.pop("_lines", {})
    ident = header.pop("id", None) or path.name.split(".")[0]
    if not ID_PATTERN.match(ident):
        raise InputError(
            t("'{id}' is not a usable id: use lower-case letters without accents, digits and '-' "
              "(e.g. thong-diep-5k)", id=ident), path=path, line=lines.get("id"))
    if header.get("valid_from") and header.get("valid_until") and header["valid_until"] < header["valid_from"]:
        raise InputError(t("valid_until is before valid_from"), path=path, line=lines.get("valid_until"))
    header.pop("language", None)
    return Announcement(id=ident, **{**header, **fields})


def _check_header(node: Any, path: Path) -> dict[str, Any]:
    header: dict[str, Any] = {"_lines": {}}
    for key in node:
        value, line = node[key], line_of(node, key)
        header["_lines"][key] = line
        if key in ("valid_from", "valid_until"):
            header[key] = _date(value, key, path, line)
        elif value is None:
            continue
        elif isinstance(value, (dict, list)):
            raise InputError(t("'{key}' must be a single value", key=key), path=path, line=line)
        else:
            header[key] = str(value).strip()
    if "language" in header and not LANGUAGE_PATTERN.match(header["language"]):
        raise InputError(t("language '{lang}' must be an ISO 639-3 code such as vie, rad (Ê Đê), jra (J'rai)",
                           lang=header["language"]), path=path, line=header["_lines"]["language"])
    return header


def _date(value: Any, key: str, path: Path, line: int | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(t("'{key}' must be a date written YYYY-MM-DD, e.g. 2026-12-31", key=key),
                         path=path, line=line) from None


def read_sidecar(path: Path) -> dict[str, Any]:
    """The checked header in a clip's sidecar file (YAML, the same keys as a text header), or {}."""
    if not path.exists():
        return {}
    text, _ = decode_announcement_text(read_file_bytes(path, MAX_TEXT_BYTES), path)
    node = load_yaml(text, path)
    if node is None:
        return {}
    node = expect_map(node, path, t("the clip description"))
    check_keys(node, HEADER_KEYS, path, t("the clip description"))
    return _check_header(node, path)
