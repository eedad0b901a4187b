"""Files replaced whole: written beside their final name, fsynced, renamed over it. A power cut at any
moment leaves the old file or the new one, never half of one; a full disk leaves the old one and says so.
A kill or power cut between writing and renaming leaves the temporary file: whoever next holds the lock
that its writers hold removes it (:func:`remove_leftovers`)."""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Callable, Iterator

from broadcaster.errors import StorageError
from broadcaster.messages import t

# How a temporary file is named: the final name, tempfile's eight random characters, '.tmp'.
TEMPORARY = re.compile(r"(.+)\.[a-z0-9_]{8}\.tmp")


@contextmanager
def replacing(path: Path, mode: str = "wb", encoding: str | None = None, what: str = "") -> Iterator[IO]:
    """A file to write that takes the place of ``path`` when the block ends without an error; an OSError
    (a full disk, a read-only folder) becomes a StorageError naming ``what`` and the file."""
    path = Path(path)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, mode, encoding=encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        if os.name == "posix":  # make the rename itself durable; Windows has no directory handles
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except BaseException as exc:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise StorageError(t("{what} could not be written: {reason}", what=what or t("the file"),
                                 reason=exc.strerror or exc), path=path) from None
        raise


def remove_leftovers(folder: Path, owned: Callable[[str], bool]) -> list[Path]:
    """Remove the temporary files left in ``folder`` for the final names that ``owned`` accepts; returns
    them. Call it only while holding the lock that every writer of those files holds: none of them is
    then being written, so each one is a leftover of a writer that was killed."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder yet: nothing left in it
        return []
    removed = []
    for entry in entries:
        match = TEMPORARY.fullmatch(entry.name)
        if match and owned(match.group(1)) and entry.is_file(follow_symlinks=False):
            with suppress(OSError):  # on Windows, a file still open somewhere: removed next time
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
