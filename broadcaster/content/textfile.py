"""Announcement text files: a small YAML header between '---' lines, then the text to be spoken."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.yamlfile import check_keys, decode_text, expect_map, line_of, load_yaml

MAX_TEXT_BYTES = 200_000
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
HEADER_KEYS = {"id", "title", "topic", "language", "author", "valid_from", "valid_until", "notes"}
# Control characters other than tab and newline have no place in a text to be read aloud.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Announcement:
    """An announcement as the officer wrote it: metadata and the text to be spoken."""

    id: str
    title: str
    text: str
    topic: str = "general"
    language: str = "vie"
    author: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    notes: str = ""
    source: str = ""

    def fingerprint(self) -> str:
        """SHA-256 of what an approval covers: the spoken text, its language and its validity."""
        covered = {"id": self.id, "language": self.language, "text": self.text,
                   "valid_from": _iso(self.valid_from), "valid_until": _iso(self.valid_until)}
        return hashlib.sha256(json.dumps(covered, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def valid_on(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the validity window."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        record = asdict(self)
        record["valid_from"] = _iso(self.valid_from)
        record["valid_until"] = _iso(self.valid_until)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Announcement":
        """The inverse of :meth:`to_record`."""
        fields = {k: record[k] for k in cls.__dataclass_fields__ if k in record}
        for key in ("valid_from", "valid_until"):
            if fields.get(key):
                fields[key] = dt.date.fromisoformat(fields[key])
        return cls(**fields)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def read_announcement(path: Path) -> Announcement:
    """Read and check an announcement text file; every problem is an InputError naming file and line."""
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise InputError(t("the file is larger than {limit} bytes: is it really an announcement text?",
                               limit=MAX_TEXT_BYTES), path=path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    except IsADirectoryError:
        raise InputError(t("this is a folder, not a text file"), path=path) from None
    except OSError as exc:
        raise InputError(t("cannot read the file: {reason}", reason=exc.strerror), path=path) from None
    if b"\x00" in data:
        raise InputError(t("this is a binary file, not a text"), path=path,
                         line=data[: data.index(b"\x00")].count(b"\n") + 1)
    text = unicodedata.normalize("NFC", decode_text(data, path)).replace("\r\n", "\n").replace("\r", "\n")
    return parse_announcement(text, path)


def parse_announcement(text: str, path: Path) -> Announcement:
    """Split header and body, check both, and build the announcement."""
    bad = CONTROL.search(text)
    if bad:
        raise InputError(t("a control character (U+{code:04X}) that cannot be read aloud", code=ord(bad.group())),
                         path=path, line=text[: bad.start()].count("\n") + 1)
    header: dict[str, Any] = {}
    body, body_line = text, 1
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise InputError(t("the header that starts with '---' is never closed by another '---' line"),
                             path=path, line=1) from None
        header_text = "\n" * 1 + "\n".join(lines[1:end])  # keep line numbers true to the file
        node = load_yaml(header_text, path)
        if node is not None:
            node = expect_map(node, path, t("the header"), 2)
            check_keys(node, HEADER_KEYS, path, t("the header"))
            header = _check_header(node, path)
        body, body_line = "\n".join(lines[end + 1:]), end + 2
    body = "\n".join(line.rstrip() for line in body.strip().split("\n"))
    if not body:
        raise InputError(t("there is no text to speak after the header"), path=path, line=body_line)
    ident = header.get("id") or path.stem
    if not ID_PATTERN.match(ident):
        raise InputError(
            t("'{id}' is not a usable id: use lower-case letters without accents, digits and '-' "
              "(e.g. thong-diep-5k)", id=ident), path=path, line=header.get("_id_line"))
    header.pop("_id_line", None)
    title = header.pop("title", None) or body.split("\n", 1)[0][:80]
    if header.get("valid_from") and header.get("valid_until") and header["valid_until"] < header["valid_from"]:
        raise InputError(t("valid_until is before valid_from"), path=path, line=header.pop("_until_line"))
    header.pop("_until_line", None)
    header["id"] = ident
    return Announcement(title=title, text=body, source=str(path), **header)


def _check_header(node: Any, path: Path) -> dict[str, Any]:
    header: dict[str, Any] = {}
    for key in node:
        value, line = node[key], line_of(node, key)
        if key in ("valid_from", "valid_until"):
            if isinstance(value, dt.datetime):
                value = value.date()
            elif isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value.strip())
                except ValueError:
                    value = None
            if not isinstance(value, dt.date):
                raise InputError(t("'{key}' must be a date written YYYY-MM-DD, e.g. 2026-12-31", key=key),
                                 path=path, line=line)
        elif value is None:
            continue
        elif isinstance(value, (dict, list)):
            raise InputError(t("'{key}' must be a single value", key=key), path=path, line=line)
        else:
            value = str(value).strip()
        header[key] = value
        if key == "id":
            header["_id_line"] = line
        if key == "valid_until":
            header["_until_line"] = line
    return header
