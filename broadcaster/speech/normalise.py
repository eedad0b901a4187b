"""Vietnamese text normalisation: what is written becomes the words an announcer says, before any TTS.

The text is scanned once, left to right; at each place the first rule of RULES that matches reads
it (a rule's output is never scanned again). The station's dictionary comes first, so that it can
override any rule. Conventions, chosen once and kept everywhere:

- numbers: "mốt, tư, lăm, linh, mươi, nghìn, triệu, tỷ" (1.500 "một nghìn năm trăm", 2,5 "hai phẩy năm");
- dates: "ngày mồng một tháng bảy năm hai nghìn không trăm hai mươi mốt"; "ngày" is said when missing,
  except after a time of day or a holiday ("sáng mùng 8/3": "sáng mùng tám tháng ba");
- times: "giờ", the minutes, "giây" after seconds; "phút" when written, before seconds, under ten minutes
  or in a duration ("9h2m2s", "9h20p", "10h05", "kéo dài 2h30"), not otherwise ("10h30", "9:45");
- document numbers are read as written: the number, "trên" for "/", the letters spelled
  ("68/NQ-CP": "sáu mươi tám trên nờ quy xê pê"). The name of the document type is already said
  before the number ("Nghị quyết số ..."), and spelling works for every issuer's code, known or not;
- telephone numbers, and numbers after a word of calling or of an identifier ("gọi", "mã số thuế"),
  digit by digit, in the groups they are written in (unbroken: in the groups people say them).

The rules themselves are in readers.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.speech.readers import RULES, Rule, alternatives, is_syllable
from broadcaster.speech.vocabulary import ABBREVIATIONS
from broadcaster.yamlfile import expect_map, line_of, read_yaml_file

# Raise whenever a rule or a table changes what is said: rendered audio records which version made it,
# and approvals cover it (an approved text is heard again after an upgrade that reads it differently).
NORMALISER_VERSION = 3
LANGUAGE = "vie"  # ISO 639-3: the rules are for Vietnamese; texts in other languages are spoken as written


@dataclass(frozen=True)
class Reading:
    """One token of a text: what is written, what is said, the rule that read it and its line."""

    written: str
    spoken: str
    rule: str
    line: int

    @property
    def spelled(self) -> bool:
        """Whether the token could only be spelled out or left as written: a dictionary entry would help."""
        if self.rule == "abbreviation":
            return not is_syllable(self.written.rstrip("."))
        return self.rule == "acronym" and self.spoken != self.written


def _tidy(text: str) -> str:
    """One space between words, none before punctuation; a paragraph ends with a stop (a heading too)."""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t]+", " ", line).strip()
        line = re.sub(r" ([,.;:!?)”’])", r"\1", line)
        line = re.sub(r"([(“‘]) ", r"\1", line)
        line = re.sub(r",([.;:!?,])", r"\1", line)  # a pause left before a stop
        line = re.sub(r"^[,;] ?", "", line)
        lines.append(line)
    for i, line in enumerate(lines):
        if line and (i + 1 == len(lines) or not lines[i + 1]) and line[-1] not in ".!?:;,…":
            lines[i] = line + "."
    return "\n".join(lines).strip("\n")


def _prepare(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\u00a0", " ")


class TextNormaliser:
    """Turns a Vietnamese announcement into the words to be spoken; a station's dictionary comes first."""

    def __init__(self, dictionary: Mapping[str, str] | None = None):
        # Texts are NFC; so must the entries be, or one saved decomposed by an editor would never match.
        self.dictionary = {unicodedata.normalize("NFC", written): unicodedata.normalize("NFC", spoken)
                           for written, spoken in (dictionary or {}).items()}
        self._words = {**ABBREVIATIONS, **self.dictionary}
        # An entry of several words matches whatever spaces separate them in the text ("TT  Tỉnh ủy").
        entries = alternatives(self._words).replace(r"\ ", r"[ \t]+")
        rules = (Rule("dictionary", r"(?<!\w)(?:" + entries + r")(?!\w)", self._read_word),
                 *RULES)
        self._rules = {rule.name: (re.compile(rule.pattern), rule.read) for rule in rules}
        # One alternation scans the text once; the first rule that matches at a place wins.
        self._scanner = re.compile("|".join(f"(?P<{rule.name}>{rule.pattern})" for rule in rules))

    def _read_word(self, m: re.Match, text: str) -> str:
        return self._words[re.sub(r"[ \t]+", " ", m.group(0))]

    def _scan(self, text: str) -> Iterator[tuple[re.Match, str]]:
        """Each token a rule matches in ``text`` (already NFC), with what is said for it."""
        for m in self._scanner.finditer(text):
            pattern, read = self._rules[m.lastgroup]
            yield m, read(pattern.match(text, m.start()), text)

    def normalise(self, text: str) -> str:
        """The words to be spoken for ``text``."""
        text = _prepare(text)
        out, last = [], 0
        for m, spoken in self._scan(text):
            left = " " if text[m.start() - 1:m.start()].isalnum() else ""
            right = " " if text[m.end():m.end() + 1].isalnum() else ""
            out += [text[last:m.start()], left, spoken, right]
            last = m.end()
        out.append(text[last:])
        return _tidy("".join(out))

    def explain(self, text: str) -> list[Reading]:
        """Every token a rule read in ``text`` (ordinary words aside), in order: what is written, what is said,
        which rule, the line."""
        text = _prepare(text)
        readings = (Reading(m.group(0), spoken.strip(), m.lastgroup, text.count("\n", 0, m.start()) + 1)
                    for m, spoken in self._scan(text))
        # A word left as written that needs no dictionary entry ("THÔNG", "xã." ending a sentence) is not worth a line.
        return [r for r in readings if r.spoken != r.written or r.spelled]

    def unknown(self, text: str) -> list[Reading]:
        """The tokens of ``text`` no rule or entry could read as words (spelled out or left as written), once each."""
        found: dict[str, Reading] = {}
        for reading in self.explain(text):
            if reading.spelled:
                found.setdefault(reading.written, reading)
        return list(found.values())

    def key(self) -> str:
        """The rules' version and a fingerprint of the station's dictionary, e.g. 'vi-1;dictionary=3f2a...'."""
        entries = json.dumps(sorted(self.dictionary.items()), ensure_ascii=False)
        return f"vi-{NORMALISER_VERSION};dictionary={hashlib.sha256(entries.encode()).hexdigest()[:12]}"


def load_dictionary(path: Path) -> dict[str, str]:
    """A station's dictionary file of 'written: spoken' lines; every problem names the file and line."""
    data = read_yaml_file(path)
    if data is None:
        return {}
    node = expect_map(data, path, t("the dictionary"))
    entries = {}
    for key in node:
        value, line = node[key], line_of(node, key)
        if not isinstance(key, str) or not key.strip():
            raise InputError(t("write '{key}' in quotes, so that it is read as text", key=key), path=path, line=line)
        if not isinstance(value, str):
            raise InputError(t("the reading of '{key}' must be a text, not '{value}'", key=key, value=value),
                             path=path, line=line)
        entries[key.strip()] = value.strip()
    return entries
