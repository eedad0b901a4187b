"""One exception root. Every error names the file and line, or the item, it is about."""

from __future__ import annotations

from pathlib import Path


class BroadcasterError(Exception):
    """Root of every error the program reports to a person."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.where() + message)

    def where(self) -> str:
        """The 'file:line: ' prefix, or '' when the error is about no file."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}: " if self.line else f"{self.path}: "


class InputError(BroadcasterError):
    """Bad input from a person: a file, an id, a value. Exit code 2."""

    exit_code = 2


class StorageError(BroadcasterError):
    """A database that cannot be read or written safely."""


class DeviceError(BroadcasterError):
    """A sound device that is missing or fails."""


class SpeechError(BroadcasterError):
    """A speech engine that cannot speak."""
