"""Reading a plain file of bounded size: what every reader of a station's files (texts, YAML) starts with. Kept
apart from storage.py, whose database and lock modules a command that only reads a file does not need."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Callable

from broadcaster.errors import InputError
from broadcaster.messages import t


def read_regular(path: Path, limit: int, too_big: Callable[[int], str]) -> bytes:
    """The bytes of a plain file of at most ``limit`` bytes; an InputError for a folder, a device, a pipe (or a
    link to one: /dev/zero, a FIFO would hang or fill memory) or a bigger file. OSError passes through."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise InputError(t("this is a folder, not a file"), path=path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(t("this is not a plain file (a device, a pipe, or a link to one); only plain files are read"),
                         path=path)
    if info.st_size > limit:
        raise InputError(too_big(info.st_size), path=path)
    with open(path, "rb") as f:
        data = f.read(limit + 1)  # the file may grow between the check and the read
    if len(data) > limit:
        raise InputError(too_big(len(data)), path=path)
    return data
