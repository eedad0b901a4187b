"""YAML read with line numbers, and the small checks every YAML file of ours shares."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.plainfile import read_regular

MAX_YAML_BYTES = 1_000_000
MAX_YAML_VALUES = 1_000_000  # values of a file with its aliases repeated out (a 1 MB file holds fewer)


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 text (a BOM is allowed), or an InputError naming the file and the line of the bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            t("not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", byte=data[exc.start]),
            path=path, line=line,
        ) from None


class _Constructor(RoundTripConstructor):
    """Round-trip YAML, except that a date that does not exist (2026-02-30) stays text, for the checks
    that name its line, instead of failing inside the parser."""

    def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return self.construct_scalar(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)


def load_yaml(text: str, path: Path) -> Any:
    """Parse YAML keeping line numbers; errors name the file and line."""
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1
        raise InputError(t("a tab character; indent with spaces"), path=path, line=line)
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        if exc.context == "while scanning a quoted scalar" and exc.context_mark:
            # The parser reads on to the end of the file: where the quote opens is what helps.
            raise InputError(t("invalid YAML: a quote (\" or ') is opened and never closed"), path=path,
                             line=exc.context_mark.line + 1) from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(t("invalid YAML: {problem}", problem=problem), path=path, line=line) from None
    except YAMLError as exc:
        raise InputError(t("invalid YAML: {problem}", problem=str(exc).splitlines()[0]), path=path) from None
    except RecursionError:
        raise InputError(t("lists or mappings are nested inside each other too deeply (hundreds of levels)"),
                         path=path) from None
    _count_values(data, path)
    return data


def _count_values(data: Any, path: Path) -> None:
    """Refuse a file whose aliases ('*name' repeating an '&name') expand it to more values than any
    schedule has: a few hundred bytes can otherwise stand for billions of them."""
    stack, count = [data], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_YAML_VALUES:
            raise InputError(t("its aliases ('*name', repeating the part marked '&name') repeat parts so often that "
                               "it holds more than {n} values; write the parts out instead", n=f"{MAX_YAML_VALUES:,}"),
                             path=path)
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def read_yaml_file(path: Path) -> Any:
    """Read a YAML file from disk; missing, oversized or non-UTF-8 files are InputErrors."""
    try:
        data = read_regular(path, MAX_YAML_BYTES, lambda size: t(
            "the file is {size} bytes, more than a schedule or configuration can be", size=size))
    except FileNotFoundError:
        raise InputError(t("no such file"), path=path) from None
    except OSError as exc:
        raise InputError(t("cannot read the file: {reason}", reason=exc.strerror), path=path) from None
    return load_yaml(decode_text(data, path), path)


def line_of(node: Any, key: Any = None) -> int | None:
    """The 1-based line of ``node`` or of ``node[key]``, when ruamel kept it."""
    try:
        if key is None:
            return node.lc.line + 1
        if isinstance(node, CommentedMap):
            return node.lc.key(key)[0] + 1
        if isinstance(node, CommentedSeq):
            return node.lc.item(key)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        pass
    return None


def check_keys(node: CommentedMap, allowed: set[str], path: Path, what: str) -> None:
    """Refuse keys not in ``allowed``, suggesting the nearest one."""
    for key in node:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = t(" (did you mean '{key}'?)", key=close[0]) if close else ""
            raise InputError(
                t("unknown key '{key}' in {what}{hint}; expected one of: {keys}",
                  key=key, what=what, hint=hint, keys=", ".join(sorted(allowed))),
                path=path, line=line_of(node, key),
            )


def expect_map(node: Any, path: Path, what: str, line: int | None = None) -> CommentedMap:
    """``node`` as a mapping, or an InputError saying what was expected."""
    if not isinstance(node, CommentedMap):
        raise InputError(t("{what} must be a mapping of 'key: value' lines", what=what),
                         path=path, line=line_of(node) or line)
    return node


def expect_list(node: Any, path: Path, what: str, line: int | None = None) -> CommentedSeq:
    """``node`` as a list, or an InputError saying what was expected."""
    if not isinstance(node, CommentedSeq):
        raise InputError(t("{what} must be a list of '- ...' lines", what=what),
                         path=path, line=line_of(node) or line)
    return node
