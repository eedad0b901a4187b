"""Schedule files in YAML: every error names the file, the line and what was expected."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from broadcaster.content.announcement import LANGUAGE_PATTERN
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.schedule.model import WEEKDAYS, Item, Output, Schedule, Session
from broadcaster.yamlfile import check_keys, expect_list, expect_map, line_of, read_yaml_file

TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|min)?$")


def parse_time(value: Any, path: Path, line: int | None, key: str = "start") -> dt.time:
    """'05:30' or '17:00:15' as a time of day."""
    if isinstance(value, int) and not isinstance(value, bool):
        # A file marked YAML 1.1 reads an unquoted 05:30 as the base-60 number 330 (and 17:00:15 as
        # 61215); undo that. H:M:S values are at least 3600 (1:00:00), so anything less is H:M.
        value = f"{value // 60}:{value % 60:02d}" if value < 3600 else \
            f"{value // 3600}:{value // 60 % 60:02d}:{value % 60:02d}"
    match = TIME.match(str(value).strip())
    if match:
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return dt.time(hour, minute, second)
    raise InputError(t("{key} '{value}' is not a time of day; expected HH:MM such as 05:30 or 17:00",
                       key=key, value=value), path=path, line=line)


def parse_duration(value: Any, path: Path, line: int | None, key: str) -> float:
    """'5s', '2m', '90' (seconds) as seconds."""
    match = DURATION.match(str(value).strip()) if not isinstance(value, bool) else None
    if not match:
        raise InputError(t("{key} '{value}' is not a duration; expected seconds such as 5s or minutes such as 2m",
                           key=key, value=value), path=path, line=line)
    seconds = float(match[1]) * (60 if match[2] in ("m", "min") else 1)
    if seconds > 3600:
        raise InputError(t("{key} '{value}' is longer than an hour", key=key, value=value), path=path, line=line)
    return seconds


def _days(node: Any, path: Path, line: int | None) -> frozenset[int]:
    if node == "daily":
        return frozenset(range(7))
    days = set()
    for i, day in enumerate(expect_list(node, path, "days", line)):
        name = str(day).strip().lower()[:3]
        if name not in WEEKDAYS:
            raise InputError(t("'{day}' is not a day of the week; expected mon, tue, wed, thu, fri, sat, sun "
                               "or 'daily'", day=day), path=path, line=line_of(node, i) or line)
        days.add(WEEKDAYS.index(name))
    return frozenset(days)


def _item(node: Any, path: Path, line: int | None) -> Item:
    if isinstance(node, str):
        return Item(announcement=node.strip(), source=str(path), line=line)
    node = expect_map(node, path, t("an item"), line)
    check_keys(node, {"announcement", "repeat", "gap", "languages"}, path, t("an item"))
    if "announcement" not in node:
        raise InputError(t("an item needs 'announcement: ID'"), path=path, line=line_of(node) or line)
    repeat = node.get("repeat", 1)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= 100:
        raise InputError(t("repeat '{value}' must be a whole number from 1 to 100", value=repeat),
                         path=path, line=line_of(node, "repeat"))
    gap = parse_duration(node["gap"], path, line_of(node, "gap"), "gap") if "gap" in node else 0.0
    languages = None
    if "languages" in node:
        lang_node = expect_list(node["languages"], path, "languages", line_of(node, "languages"))
        languages = tuple(str(lang).strip() for lang in lang_node)
        bad = [lang for lang in languages if not LANGUAGE_PATTERN.match(lang)]
        if bad or not languages:
            raise InputError(t("languages must be ISO 639-3 codes such as [vie, rad]; '{lang}' is not",
                               lang=bad[0] if bad else ""), path=path, line=line_of(node, "languages"))
    return Item(announcement=str(node["announcement"]).strip(), repeat=repeat, gap_s=gap, languages=languages,
                source=str(path), line=line_of(node, "announcement"))


def _session(node: Any, path: Path, outputs: dict[str, Output], line: int | None) -> Session:
    node = expect_map(node, path, t("a session"), line)
    check_keys(node, {"name", "start", "days", "output", "items"}, path, t("a session"))
    for key in ("name", "start", "output", "items"):
        if key not in node:
            raise InputError(t("a session needs '{key}'", key=key), path=path, line=line_of(node) or line)
    output = str(node["output"])
    if output not in outputs:
        raise InputError(t("unknown output '{name}'; the outputs are: {names}", name=output,
                           names=", ".join(sorted(outputs)) or t("(none)")), path=path, line=line_of(node, "output"))
    items_node = expect_list(node["items"], path, "items", line_of(node, "items"))
    if not items_node:
        raise InputError(t("a session needs at least one item"), path=path, line=line_of(node, "items"))
    items = tuple(_item(item, path, line_of(items_node, i)) for i, item in enumerate(items_node))
    days = _days(node["days"], path, line_of(node, "days")) if "days" in node else frozenset(range(7))
    return Session(name=str(node["name"]), start=parse_time(node["start"], path, line_of(node, "start")),
                   output=output, items=items, days=days, source=str(path), line=line_of(node) or line)


def _output(name: str, node: Any, path: Path, line: int | None) -> Output:
    node = expect_map(node, path, t("output '{name}'", name=name), line)
    check_keys(node, {"device", "file"}, path, t("an output"))
    if ("device" in node) == ("file" in node):
        raise InputError(t("output '{name}' needs either 'device: NAME' or 'file: PATH.wav'", name=name),
                         path=path, line=line)
    device = node.get("device")
    return Output(name=name, device=None if device in (None, "default") else str(device),
                  file=str(node["file"]) if "file" in node else None, source=f"{path}:{line}")


def _root(data: Any, path: Path) -> Any:
    if data is None:
        raise InputError(t("the schedule is empty; it needs 'outputs:' and 'sessions:'"), path=path)
    root = expect_map(data, path, t("a schedule file"))
    check_keys(root, {"outputs", "sessions"}, path, t("a schedule file"))
    return root


def _outputs(root: Any, path: Path, known: dict[str, Output]) -> dict[str, Output]:
    outputs = dict(known)
    if "outputs" in root:
        out_node = expect_map(root["outputs"], path, "outputs", line_of(root, "outputs"))
        for name in out_node:
            if str(name) in outputs:
                raise InputError(t("output '{name}' is defined twice (first at {where})",
                                   name=name, where=outputs[str(name)].source), path=path, line=line_of(out_node, name))
            outputs[str(name)] = _output(str(name), out_node[name], path, line_of(out_node, name))
    return outputs


def _sessions(root: Any, path: Path, outputs: dict[str, Output]) -> tuple[Session, ...]:
    if "sessions" not in root:
        return ()
    node = expect_list(root["sessions"], path, "sessions", line_of(root, "sessions"))
    return tuple(_session(s, path, outputs, line_of(node, i)) for i, s in enumerate(node))


def load_schedules(paths: list[Path]) -> Schedule:
    """Read, check and merge schedule files; a session may use an output defined in any of them."""
    roots = [(path, _root(read_yaml_file(path), path)) for path in paths]
    outputs: dict[str, Output] = {}
    for path, root in roots:
        outputs = _outputs(root, path, outputs)
    sessions = tuple(s for path, root in roots for s in _sessions(root, path, outputs))
    return Schedule(outputs=outputs, sessions=sessions)


def schedule_files(folder: Path) -> list[Path]:
    """The schedule files of a station's schedules folder, in name order."""
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise InputError(t("no schedule files (*.yaml) in this folder"), path=folder)
    return files
