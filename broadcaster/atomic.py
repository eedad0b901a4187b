"""Files replaced whole: written beside their final name, fsynced, renamed over it. A power cut at any
moment leaves the old file or the new one, never half of one; a full disk leaves the old one and says so."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Iterator

from broadcaster.errors import StorageError
from broadcaster.messages import t


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
