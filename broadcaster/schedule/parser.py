"""Schedule files in YAML: every error names the file, the line and what was expected."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from broadcaster.config import slug
from broadcaster.content.announcement import LANGUAGE_PATTERN
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.schedule.model import (ANNOUNCEMENT, CHIME, RELAY, SILENCE, TOPIC, WEEKDAYS, Exception_, Item, Output,
                                        QuietHours, Schedule, Session)
from broadcaster.values import parse_date
from broadcaster.yamlfile import check_keys, expect_list, expect_map, line_of, read_yaml_file

TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|min)?$")
MAX_CHANNEL = 256  # channels of one device an output may name


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


def _long_duration(value: Any, path: Path, line: int | None) -> float:
    """A relay's duration: like any duration, up to four hours."""
    match = DURATION.match(str(value).strip()) if not isinstance(value, bool) else None
    seconds = float(match[1]) * (60 if match[2] in ("m", "min") else 1) if match else 0.0
    if not 0 < seconds <= MAX_RELAY_S:
        raise InputError(t("duration '{value}' must be from 1s to 240m", value=value), path=path, line=line)
    return seconds


def _days(node: Any, path: Path, line: int | None) -> frozenset[int]:
    if node == "daily":
        return frozenset(range(7))
    days = set()
    for i, day in enumerate(expect_list(node, path, "days", line)):
        index = _weekday(str(day))
        if index is None:
            raise InputError(t("'{day}' is not a day of the week; expected mon, tue, wed, thu, fri, sat, sun "
                               "(or t2 ... t7, cn) or 'daily'", day=day), path=path, line=line_of(node, i) or line)
        days.add(index)
    return frozenset(days)


# Vietnamese weekdays, accents folded: Thu Hai = T2 (Monday) ... Chu nhat = CN (Sunday).
_VI_NUMBERS = ("2", "3", "4", "5", "6", "7")
_VI_NAMES = ("hai", "ba", "tu", "nam", "sau", "bay")
VI_WEEKDAYS = {**{f"t{n}": i for i, n in enumerate(_VI_NUMBERS)},
               **{f"thu {n}": i for i, n in enumerate(_VI_NUMBERS)},
               **{f"thu {n}": i for i, n in enumerate(_VI_NAMES)},
               "cn": 6, "chu nhat": 6}


def _weekday(text: str) -> int | None:
    """Index 0 (Monday) to 6 of an English or Vietnamese day name, any case or accents; None if none."""
    folded = " ".join(slug(text).split("-"))
    if folded in VI_WEEKDAYS:
        return VI_WEEKDAYS[folded]
    name = text.strip().lower()[:3]
    return WEEKDAYS.index(name) if name in WEEKDAYS else None


def _repeat(node: Any, path: Path) -> tuple[int, float]:
    repeat = node.get("repeat", 1)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= 100:
        raise InputError(t("repeat '{value}' must be a whole number from 1 to 100", value=repeat),
                         path=path, line=line_of(node, "repeat"))
    gap = parse_duration(node["gap"], path, line_of(node, "gap"), "gap") if "gap" in node else 0.0
    return repeat, gap


def _languages(node: Any, path: Path) -> tuple[str, ...] | None:
    if "languages" not in node:
        return None
    lang_node = expect_list(node["languages"], path, "languages", line_of(node, "languages"))
    languages = tuple(str(lang).strip() for lang in lang_node)
    bad = [lang for lang in languages if not LANGUAGE_PATTERN.match(lang)]
    if bad or not languages:
        raise InputError(t("languages must be ISO 639-3 codes such as [vie, rad]; '{lang}' is not",
                           lang=bad[0] if bad else ""), path=path, line=line_of(node, "languages"))
    return languages


ITEM_KINDS = ("announcement", "topic", "silence", "chime", "relay")
MAX_RELAY_S = 4 * 3600


def _item(node: Any, path: Path, line: int | None) -> Item:
    if isinstance(node, str):
        return Item(announcement=node.strip(), source=str(path), line=line)
    node = expect_map(node, path, t("an item"), line)
    kinds = [k for k in ITEM_KINDS if k in node]
    if len(kinds) != 1:
        if not kinds:  # a misspelt kind gets its "did you mean"
            check_keys(node, {*ITEM_KINDS, "repeat", "gap", "languages"}, path, t("an item"))
        raise InputError(t("an item needs exactly one of: {kinds} (e.g. 'announcement: thong-diep-5k')",
                           kinds=", ".join(ITEM_KINDS)), path=path, line=line_of(node) or line)
    kind = kinds[0]
    where = {"source": str(path), "line": line_of(node, kind)}
    if kind == "silence":
        check_keys(node, {"silence"}, path, t("a silence"))
        return Item(kind=SILENCE, silence_s=parse_duration(node["silence"], path, where["line"], "silence"), **where)
    if kind == "chime":
        check_keys(node, {"chime"}, path, t("a chime"))
        return Item(kind=CHIME, chime=str(node["chime"]).strip(), **where)
    if kind == "relay":
        check_keys(node, {"relay", "duration", "fallback"}, path, t("a relay"))
        url = str(node["relay"]).strip()
        if not url.startswith(("http://", "https://")):
            raise InputError(t("relay '{url}' must be a stream address starting with http:// or https://", url=url),
                             path=path, line=where["line"])
        if "duration" not in node:
            raise InputError(t("a relay needs 'duration:' (e.g. 30m)"), path=path, line=where["line"])
        seconds = _long_duration(node["duration"], path, line_of(node, "duration"))
        fallback = str(node.get("fallback", "silence")).strip()
        return Item(kind=RELAY, relay=url, relay_s=seconds, fallback="" if fallback == "silence" else fallback,
                    **where)
    check_keys(node, {kind, "repeat", "gap", "languages"}, path, t("an item"))
    repeat, gap = _repeat(node, path)
    name = str(node[kind]).strip()
    return Item(kind=kind, announcement=name if kind == ANNOUNCEMENT else "", topic=name if kind == TOPIC else "",
                repeat=repeat, gap_s=gap, languages=_languages(node, path), **where)


SESSION_KEYS = {"name", "start", "days", "date", "from", "until", "output", "outputs", "items", "loop_until",
                "loop_gap", "max_length", "on_interrupt"}


def _session(node: Any, path: Path, outputs: dict[str, Output], line: int | None) -> list[Session]:
    """A session entry: one Session per output when it names several (a message for every loudspeaker)."""
    node = expect_map(node, path, t("a session"), line)
    check_keys(node, SESSION_KEYS, path, t("a session"))
    for key in ("name", "start", "items"):
        if key not in node:
            raise InputError(t("a session needs '{key}'", key=key), path=path, line=line_of(node) or line)
    if node["name"] is None or isinstance(node["name"], (dict, list)):
        raise InputError(t("a session's name must be a text, such as 'Buổi sáng'"), path=path,
                         line=line_of(node, "name"))
    if ("output" in node) == ("outputs" in node):
        raise InputError(t("a session needs 'output: NAME' (or 'outputs: [A, B]')"), path=path,
                         line=line_of(node) or line)
    key = "output" if "output" in node else "outputs"
    names = [node["output"]] if key == "output" else list(expect_list(node["outputs"], path, "outputs",
                                                                      line_of(node, "outputs")))
    for name in names:
        if str(name) not in outputs:
            raise InputError(t("unknown output '{name}'; the outputs are: {names}", name=name,
                               names=", ".join(sorted(outputs)) or t("(none)")), path=path, line=line_of(node, key))
    items_node = expect_list(node["items"], path, "items", line_of(node, "items"))
    if not items_node:
        raise InputError(t("a session needs at least one item"), path=path, line=line_of(node, "items"))
    items = tuple(_item(item, path, line_of(items_node, i)) for i, item in enumerate(items_node))
    if "date" in node and ("days" in node or "from" in node or "until" in node):
        raise InputError(t("a one-off session has 'date:' alone, without days, from or until"), path=path,
                         line=line_of(node, "date"))
    fields: dict[str, Any] = {}
    if "days" in node:
        fields["days"] = _days(node["days"], path, line_of(node, "days"))
    for name, field in (("date", "date"), ("from", "date_from"), ("until", "date_until")):
        if name in node:
            fields[field] = parse_date(node[name], path, line_of(node, name), name)
    if fields.get("date_from") and fields.get("date_until") and fields["date_until"] < fields["date_from"]:
        raise InputError(t("until is before from"), path=path, line=line_of(node, "until"))
    start = parse_time(node["start"], path, line_of(node, "start"))
    if "loop_until" in node:
        fields["loop_until"] = parse_time(node["loop_until"], path, line_of(node, "loop_until"), "loop_until")
        if fields["loop_until"] <= start:
            raise InputError(t("loop_until {until} is not after the start {start}", until=fields["loop_until"],
                               start=start), path=path, line=line_of(node, "loop_until"))
    if "loop_gap" in node:
        fields["loop_gap_s"] = parse_duration(node["loop_gap"], path, line_of(node, "loop_gap"), "loop_gap")
    if "max_length" in node:
        fields["max_length_s"] = parse_duration(node["max_length"], path, line_of(node, "max_length"), "max_length")
    if "on_interrupt" in node:
        if node["on_interrupt"] not in ("replay", "drop"):
            raise InputError(t("on_interrupt '{value}' must be 'replay' or 'drop'", value=node["on_interrupt"]),
                             path=path, line=line_of(node, "on_interrupt"))
        fields["on_interrupt"] = node["on_interrupt"]
    return [Session(name=str(node["name"]), start=start, output=str(name), items=items, source=str(path),
                    line=line_of(node) or line, **fields) for name in names]


def _output(name: str, node: Any, path: Path, line: int | None) -> Output:
    node = expect_map(node, path, t("output '{name}'", name=name), line)
    check_keys(node, {"device", "file", "gain", "backup", "profile", "channel", "channels"}, path, t("an output"))
    if ("device" in node) == ("file" in node):
        raise InputError(t("output '{name}' needs either 'device: NAME' or 'file: PATH.wav'", name=name),
                         path=path, line=line)
    gain = node.get("gain", 0)
    if isinstance(gain, bool) or not isinstance(gain, (int, float)) or not -40 <= gain <= 12:
        raise InputError(t("gain '{value}' must be a number of dB from -40 to 12", value=gain), path=path,
                         line=line_of(node, "gain"))
    backups, backup_file = _backups(node, path)
    if "file" in node:
        _wav_path(node["file"], path, line_of(node, "file"))
    device = node.get("device")
    profile = node.get("profile", "")
    if not isinstance(profile, str) or ("profile" in node and not profile.strip()):
        raise InputError(t("profile must be the name of a profile in station.yaml"), path=path,
                         line=line_of(node, "profile"))
    return Output(name=name, device=None if device in (None, "default") else str(device),
                  file=str(node["file"]) if "file" in node else None, gain_db=float(gain), backups=backups,
                  backup_file=backup_file, source=f"{path}:{line}", profile=profile.strip(), channels=_channels(name, node, path))


def _wav_path(value: Any, path: Path, line: int | None) -> str:
    """A WAV file output's path: it must end in .wav, as the sink writes WAV and nothing else."""
    if not isinstance(value, str) or not value.strip().lower().endswith(".wav"):
        raise InputError(t("file '{value}' must be the path of a WAV file, ending in .wav", value=value), path=path,
                         line=line)
    return value.strip()


def _backups(node: Any, path: Path) -> tuple[tuple[str, ...], str | None]:
    """An output's backup devices, and its backup WAV file: 'backup: NAME', 'backup: {file: PATH.wav}', or a
    list of these (one file at most, tried last)."""
    if "backup" not in node:
        return (), None
    value, line = node["backup"], line_of(node, "backup")
    entries = list(value) if isinstance(value, CommentedSeq) else [value]
    devices, files = [], []
    for entry in entries:
        if isinstance(entry, str) and entry.strip():
            devices.append(entry.strip())
        elif isinstance(entry, CommentedMap) and set(entry) == {"file"}:
            files.append(_wav_path(entry["file"], path, line_of(entry, "file") or line))
        else:
            raise InputError(t("backup must be a device name, '{{file: PATH.wav}}', or a list of '- ...' lines of "
                               "these"), path=path, line=line_of(entry) or line)
    if len(files) > 1:
        raise InputError(t("backup names more than one file; keep one"), path=path, line=line)
    return tuple(devices), files[0] if files else None


def _channels(name: str, node: Any, path: Path) -> tuple[int, ...]:
    """'channel: 2' or 'channels: [1, 2]' of an output on a multichannel device; () for the whole device."""
    if "channel" in node and "channels" in node:
        raise InputError(t("output '{name}' has both 'channel:' and 'channels:'; keep one", name=name), path=path,
                         line=line_of(node, "channels"))
    key = "channel" if "channel" in node else "channels"
    if key not in node:
        return ()
    line = line_of(node, key)
    if "file" in node:
        raise InputError(t("'{key}' is for sound devices; a WAV file output has no channels", key=key), path=path,
                         line=line)
    values = [node[key]] if key == "channel" else list(expect_list(node[key], path, key, line))
    if not values:
        raise InputError(t("'channels' needs at least one channel number, e.g. [1, 2]"), path=path, line=line)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CHANNEL:
            raise InputError(t("channel '{value}' must be a whole number from 1 to {top} (the device's first "
                               "channel is 1)", value=value, top=MAX_CHANNEL), path=path, line=line)
    if len(set(values)) < len(values):
        raise InputError(t("channel {n} is listed twice", n=next(v for v in values if values.count(v) > 1)),
                         path=path, line=line)
    return tuple(values)


def _check_shared_devices(outputs: dict[str, Output]) -> None:
    """Outputs on channels of one device must not share a channel, nor the device with a whole-device output."""
    claims: dict[tuple[str | None, int], Output] = {}
    whole: dict[str | None, Output] = {}
    for output in outputs.values():
        if output.file:
            continue
        for device in (output.device, *output.backups):
            if not output.channels:
                whole.setdefault(device, output)
                continue
            for channel in output.channels:
                other = claims.setdefault((device, channel), output)
                if other is not output:
                    raise _clash(t("channel {n} of device '{device}' is used by output '{a}' ({where}) and by "
                                   "output '{b}'", n=channel, device=device or "default", a=other.name,
                                   where=other.source, b=output.name), output)
    for (device, _), output in claims.items():
        if device in whole:
            raise _clash(t("device '{device}' is used whole by output '{a}' ({where}) and by channel by output "
                           "'{b}'; give every output on it its channels", device=device or "default",
                           a=whole[device].name, where=whole[device].source, b=output.name), output)


def _clash(message: str, output: Output) -> InputError:
    path, _, line = output.source.rpartition(":")
    return InputError(message, path=Path(path), line=int(line) if line.isdigit() else None)


TOP_KEYS = {"outputs", "sessions", "exceptions", "quiet_hours", "max_session"}


def _root(data: Any, path: Path) -> Any:
    if data is None:
        raise InputError(t("the schedule is empty; it needs 'outputs:' and 'sessions:'"), path=path)
    root = expect_map(data, path, t("a schedule file"))
    check_keys(root, TOP_KEYS, path, t("a schedule file"))
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
    return tuple(s for i, entry in enumerate(node) for s in _session(entry, path, outputs, line_of(node, i)))


def _exceptions(root: Any, path: Path) -> tuple[Exception_, ...]:
    if "exceptions" not in root:
        return ()
    found = []
    node = expect_list(root["exceptions"], path, "exceptions", line_of(root, "exceptions"))
    for i, entry in enumerate(node):
        line = line_of(node, i)
        if not hasattr(entry, "items"):
            day = parse_date(entry, path, line, "exception")
            found.append(Exception_(day, day))
            continue
        check_keys(entry, {"date", "from", "until", "reason"}, path, t("an exception"))
        if "date" in entry:
            first = last = parse_date(entry["date"], path, line_of(entry, "date"), "date")
        elif "from" in entry and "until" in entry:
            first = parse_date(entry["from"], path, line_of(entry, "from"), "from")
            last = parse_date(entry["until"], path, line_of(entry, "until"), "until")
            if last < first:
                raise InputError(t("until is before from"), path=path, line=line_of(entry, "until"))
        else:
            raise InputError(t("an exception needs 'date:' or 'from:' and 'until:'"), path=path, line=line)
        found.append(Exception_(first, last, str(entry.get("reason", ""))))
    return tuple(found)


def _quiet_hours(root: Any, path: Path) -> QuietHours | None:
    if "quiet_hours" not in root:
        return None
    node = expect_map(root["quiet_hours"], path, "quiet_hours", line_of(root, "quiet_hours"))
    check_keys(node, {"from", "until"}, path, "quiet_hours")
    if "from" not in node or "until" not in node:
        raise InputError(t("quiet_hours needs 'from:' and 'until:' (e.g. from: \"21:00\", until: \"05:30\")"),
                         path=path, line=line_of(root, "quiet_hours"))
    return QuietHours(parse_time(node["from"], path, line_of(node, "from"), "from"),
                      parse_time(node["until"], path, line_of(node, "until"), "until"))


def load_schedules(paths: list[Path]) -> Schedule:
    """Read, check and merge schedule files; a session may use an output defined in any of them."""
    roots = [(path, _root(read_yaml_file(path), path)) for path in paths]
    outputs: dict[str, Output] = {}
    for path, root in roots:
        outputs = _outputs(root, path, outputs)
    _check_shared_devices(outputs)
    quiet, cap = None, None
    for path, root in roots:
        for key, value in (("quiet_hours", _quiet_hours(root, path)),
                           ("max_session", parse_duration(root["max_session"], path, line_of(root, "max_session"),
                                                          "max_session") if "max_session" in root else None)):
            if value is None:
                continue
            if (quiet if key == "quiet_hours" else cap) is not None:
                raise InputError(t("'{key}' is set in more than one schedule file", key=key), path=path,
                                 line=line_of(root, key))
            quiet, cap = (value, cap) if key == "quiet_hours" else (quiet, value)
    return Schedule(outputs=outputs, sessions=tuple(s for path, root in roots for s in _sessions(root, path, outputs)),
                    exceptions=tuple(e for path, root in roots for e in _exceptions(root, path)),
                    quiet_hours=quiet, max_session_s=cap)


def schedule_files(folder: Path) -> list[Path]:
    """The schedule files of a station's schedules folder, in name order."""
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise InputError(t("no schedule files (*.yaml) in this folder"), path=folder)
    return files
