"""An announcement: metadata and its language variants (a text to be spoken, or a recorded clip)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from broadcaster.messages import marked

TEXT, CLIP = "text", "clip"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MAX_CLIP_S = 3600.0  # the longest clip (an hour): kept here, light, for the command line's options

LANGUAGE_PATTERN = re.compile(r"^[a-z]{3}$")
# ISO 639-3 codes of languages heard on commune radio; any other three-letter code is accepted too.
LANGUAGES = {
    "vie": "Tiếng Việt", "rad": "Ê Đê", "cmo": "M'Nông (Trung)", "mng": "M'Nông (Đông)", "mnn": "M'Nông (Nam)",
    "jra": "J'rai", "bdq": "Ba Na", "sed": "Xơ Đăng", "kpm": "Cơ Ho", "khm": "Khmer", "hnj": "H'Mông",
    "tyz": "Tày", "nut": "Nùng", "mtq": "Mường", "cja": "Chăm",
}
SPOKEN_BY_TTS = frozenset({"vie"})
DEFAULT_TOPICS = ("covid-prevention", "vaccination", "policy", "agriculture", "general")
# Their names, shown through the catalogue in translated output (a station may name them otherwise).
DEFAULT_TOPIC_NAMES = {"covid-prevention": marked("COVID-19 prevention"), "vaccination": marked("Vaccination"),
                       "policy": marked("Policies and laws"), "agriculture": marked("Agriculture"),
                       "general": marked("General news")}


@dataclass(frozen=True)
class Variant:
    """One language version: a text for the speech engine, or a recorded clip kept in the library."""

    language: str
    kind: str
    text: str = ""
    clip_sha256: str = ""
    clip_file: str = ""
    duration_s: float = 0.0
    source: str = ""

    def covered(self) -> dict[str, str]:
        """What an approval of this variant covers: its language and its exact text or audio bytes."""
        return {"language": self.language, "kind": self.kind,
                "content": self.text if self.kind == TEXT else self.clip_sha256}


@dataclass(frozen=True)
class Announcement:
    """Metadata and variants, as the library holds them."""

    id: str
    title: str
    topic: str = "general"
    author: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    notes: str = ""
    variants: tuple[Variant, ...] = ()

    def content_fingerprint(self) -> str:
        """SHA-256 of what an approval covers: the id, title, topic, author, validity window and every
        variant's exact content (not how it is processed: loudness, padding, profiles, filters, voice)."""
        covered = {"id": self.id, "title": self.title, "topic": self.topic, "author": self.author, "valid_from": _iso(self.valid_from), "valid_until": _iso(self.valid_until),
                   "variants": sorted((v.covered() for v in self.variants), key=lambda c: (c["language"], c["kind"]))}
        return hashlib.sha256(json.dumps(covered, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def variant(self, language: str) -> Variant | None:
        """The variant in ``language``, if any."""
        return next((v for v in self.variants if v.language == language), None)

    def languages(self) -> tuple[str, ...]:
        """The languages of the variants, Vietnamese first."""
        return tuple(v.language for v in self.variants)

    def with_variant(self, variant: Variant) -> "Announcement":
        """A copy in which ``variant`` replaces the variant of its language, or is added."""
        others = [v for v in self.variants if v.language != variant.language]
        return replace(self, variants=tuple(sorted([*others, variant], key=lambda v: (v.language != "vie",
                                                                                      v.language))))

    def valid_on(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the validity window."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        record = asdict(self)
        record["valid_from"] = _iso(self.valid_from)
        record["valid_until"] = _iso(self.valid_until)
        record["variants"] = [asdict(v) for v in self.variants]
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Announcement":
        """The inverse of :meth:`to_record`."""
        fields = {k: record[k] for k in cls.__dataclass_fields__ if k in record}
        for key in ("valid_from", "valid_until"):
            if fields.get(key):
                fields[key] = dt.date.fromisoformat(fields[key])
        fields["variants"] = tuple(Variant(**v) for v in record.get("variants", ()))
        return cls(**fields)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def language_name(code: str) -> str:
    """'Ê Đê (rad)' for 'rad'; the code alone when it is not in the table."""
    return f"{LANGUAGES[code]} ({code})" if code in LANGUAGES else code
