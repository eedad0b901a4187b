"""The translations: one gettext catalogue (``vi.po``) per language, kept in step with the code.

The messages are found in the source itself: every literal passed to ``t()``, ``marked()`` or ``counted()``
(implicitly joined literals included), the help of every command and option, and click's own words (usage
lines, headings, its errors), which the command line shows through the catalogue too, and every literal
passed to ``t()`` in a web page's template.
``python -m broadcaster.translations`` lists those a catalogue lacks; with ``--update`` it also writes them
into the catalogue, untranslated, for Poedit.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from broadcaster.messages import CATALOGUE_DIR, CLICK_MODULES

PACKAGE_DIR = Path(__file__).resolve().parent.parent
MARKERS = ("t", "marked", "counted")
CLICK_MARKERS = ("_", "ngettext")  # click's gettext calls
COMMAND_DECORATORS = ("command", "group")  # click.command(), cli.group("log"), ...: their docstring is the help
CLICK_CALLS = (*COMMAND_DECORATORS, "option", "argument")
HELP_KEYWORDS = ("help", "short_help")
BRACE_FORMAT = "python-brace-format"
# t("...") or t('...') in a Jinja template (its literals have no escapes in them, as the pages write them)
TEMPLATE_CALL = re.compile(r"""\bt\(\s*(?:"([^"\\]*)"|'([^'\\]*)')""")


@dataclass
class Findings:
    """What a catalogue lacks or gets wrong, compared with the code."""

    missing: dict[str, list[str]] = field(default_factory=dict)   # message -> where it is used
    fuzzy: set[str] = field(default_factory=set)                  # of the missing: marked fuzzy by a translator
    mismatched: dict[str, str] = field(default_factory=dict)      # message -> translation with other placeholders
    unused: list[str] = field(default_factory=list)               # translated, but no longer in the code
    computed: list[str] = field(default_factory=list)             # places where t() gets an f-string or a sum

    @property
    def ok(self) -> bool:
        """Nothing to translate or fix (unused translations are harmless)."""
        return not (self.missing or self.mismatched or self.computed)


def source_messages(root: Path | None = None) -> tuple[dict[str, list[str]], list[str]]:
    """Every literal message in the package (or only under ``root``) and in the click modules it translates, in
    source order, with the places that use it ('broadcaster/cli/planning.py:64'); and the places where t() is
    given a text built at run time."""
    import click

    click_dir = Path(click.__file__).parent
    sources = [(path, root or PACKAGE_DIR, MARKERS) for path in sorted((root or PACKAGE_DIR).rglob("*.py"))]
    if root is None:
        sources += [(click_dir / f"{name}.py", click_dir, CLICK_MARKERS) for name in CLICK_MODULES]
    messages: dict[str, list[str]] = {}
    computed: list[str] = []
    for path, top, markers in sources:
        where = path.relative_to(top.parent).as_posix()
        for line, text in _texts(ast.parse(path.read_bytes(), where), markers, computed, where):
            messages.setdefault(text, []).append(f"{where}:{line}")
    for path in sorted((root or PACKAGE_DIR).rglob("templates/*.html")):
        where = path.relative_to((root or PACKAGE_DIR).parent).as_posix()
        source = path.read_text(encoding="utf-8")
        for found in TEMPLATE_CALL.finditer(source):
            line = source.count("\n", 0, found.start()) + 1
            messages.setdefault(found.group(1) if found.group(1) is not None else found.group(2), []).append(
                f"{where}:{line}")
    return messages, computed


def _texts(tree: ast.AST, markers: tuple[str, ...], computed: list[str], where: str) -> list[tuple[int, str]]:
    """(line, text) of the messages in a module: literals given to a marker, help of commands and options."""
    found: list[tuple[int, int, object]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in markers and node.args:
            # counted(n, one, many) carries two messages after the number, ngettext(one, many, n) two first;
            # the other markers one, first.
            texts = {"counted": node.args[1:3], "ngettext": node.args[:2]}.get(node.func.id, node.args[:1])
            found += [(node.lineno, node.col_offset, getattr(text, "value", None)) for text in texts]
            computed += [f"{where}:{node.lineno}" for text in texts if isinstance(text, (ast.JoinedStr, ast.BinOp))]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLICK_CALLS:
            found += [(k.lineno, k.col_offset, getattr(k.value, "value", None)) for k in node.keywords
                      if k.arg in HELP_KEYWORDS]
        elif isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in COMMAND_DECORATORS
                for d in node.decorator_list):
            found.append((node.lineno, node.col_offset, ast.get_docstring(node)))
    return [(line, text) for line, _, text in sorted(found, key=lambda f: f[:2]) if isinstance(text, str)]


def placeholders(text: str) -> list[tuple[str, str, str]] | None:
    """The ``{name!conversion:spec}`` fields of ``text``, sorted; None when its braces are broken."""
    try:
        return sorted((name, conversion or "", spec or "") for _, name, spec, conversion
                      in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return None


def catalogue_path(lang: str) -> Path:
    """The catalogue file of a language."""
    return CATALOGUE_DIR / f"{lang}.po"


def check(catalogue: Path, root: Path | None = None) -> Findings:
    """Compare a catalogue with the messages in the code under ``root``."""
    import polib

    messages, computed = source_messages(root)
    entries = {e.msgid: e for e in polib.pofile(str(catalogue)) if not e.obsolete}
    found = Findings(computed=computed)
    for message, places in messages.items():
        entry = entries.get(message)
        if entry is None or not entry.translated():
            found.missing[message] = places
            if entry is not None and entry.fuzzy:
                found.fuzzy.add(message)
        elif placeholders(entry.msgstr) != placeholders(message):
            found.mismatched[message] = entry.msgstr
    found.unused = [m for m, e in entries.items() if m and m not in messages and e.translated()]
    return found


def update(catalogue: Path, root: Path | None = None) -> Findings:
    """Bring the catalogue in step with the code: new messages added untranslated, the places of each
    refreshed, those no longer used kept as obsolete (Poedit offers them when a text comes back)."""
    import polib

    messages, _ = source_messages(root)
    po = polib.pofile(str(catalogue))
    entries = {e.msgid: e for e in po}
    for message, places in messages.items():
        entry = entries.get(message)
        if entry is None:
            entry = polib.POEntry(msgid=message, msgstr="")
            po.append(entry)
        entry.obsolete = False
        # Files without line numbers: a line moved elsewhere must not change the catalogue.
        entry.occurrences = [(f, "") for f in dict.fromkeys(p.rsplit(":", 1)[0] for p in places)]
        if placeholders(message) and BRACE_FORMAT not in entry.flags:
            entry.flags.append(BRACE_FORMAT)
    for entry in po:
        if entry.msgid and entry.msgid not in messages:
            entry.obsolete = True
    po.save()
    return check(catalogue, root)


def report(catalogue: Path, found: Findings) -> str:
    """What a translator has to do, in plain lines."""
    path = catalogue.resolve()
    name = (path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path).as_posix()
    lines = []
    if found.missing:
        lines.append(f"{name}: {len(found.missing)} message(s) without a translation:")
        for message, places in found.missing.items():
            flag = "  (marked fuzzy: check the translation)" if message in found.fuzzy else ""
            lines += [f"  {', '.join(places)}{flag}", f"    {message!r}"]
    if found.mismatched:
        lines.append(f"{name}: {len(found.mismatched)} translation(s) whose {{placeholders}} differ from the "
                     f"English:")
        for message, translation in found.mismatched.items():
            lines += [f"    {message!r}", f"    {translation!r}"]
    if found.computed:
        lines.append("t() is given a text built at run time (an f-string or a sum), which no catalogue can hold; "
                     "give it one literal with {placeholders}:")
        lines += [f"  {place}" for place in found.computed]
    if found.unused:
        lines.append(f"{name}: {len(found.unused)} translation(s) no longer used by the code "
                     f"(--update keeps them as obsolete)")
    return "\n".join(lines) or f"{name}: every message has a translation"
