"""An item's audio, its beginning decoded and mixed to mono before the item is due: the start writes from
memory, so a disk busy with other work cannot hold it back; the rest is decoded while the beginning plays.
The file's bytes are held whole: they are the bytes whose hash was checked (a file swapped on disk after
the check never airs)."""

from __future__ import annotations

import io
from typing import Iterator

import numpy as np
import soundfile

from broadcaster.errors import BroadcasterError
from broadcaster.messages import t

HEAD_S = 30.0  # read ahead of the start: most announcements whole, a long programme's first half-minute


class Preloaded:
    """A rendered audio file's bytes (read once and verified by the channel), opened, checked and its first
    ``head_s`` seconds decoded, as mono float32."""

    def __init__(self, path: str, data: bytes, rate: int, head_s: float = HEAD_S):
        self.path = path
        try:
            self._file = soundfile.SoundFile(io.BytesIO(data))
        except (OSError, RuntimeError, soundfile.SoundFileError) as exc:
            raise BroadcasterError(t("the rendered audio cannot be read: {reason}", reason=exc), path=path) from None
        if self._file.samplerate != rate:
            self._file.close()
            raise BroadcasterError(t("the rendered audio is at {got} Hz, the output at {want} Hz",
                                     got=self._file.samplerate, want=rate), path=path)
        self._head = self._read(int(head_s * rate))
        self._at = 0  # frames of the head already given out

    def _read(self, frames: int) -> np.ndarray:
        try:
            return self._file.read(frames, dtype="float32", always_2d=True).mean(axis=1, dtype=np.float32)
        except (OSError, RuntimeError, soundfile.SoundFileError) as exc:
            raise BroadcasterError(t("the rendered audio cannot be read: {reason}", reason=exc),
                                   path=self.path) from None

    def read(self, frames: int) -> np.ndarray:
        """The next ``frames`` frames (fewer at the end)."""
        block = self._head[self._at:self._at + frames]
        self._at += len(block)
        if len(block) < frames and self._at >= len(self._head):
            rest = self._read(frames - len(block))
            block = np.concatenate([block, rest]) if len(block) else rest
        return block

    def blocks(self, frames: int) -> Iterator[np.ndarray]:
        """The audio, ``frames`` at a time, to its end."""
        while True:
            block = self.read(frames)
            if not len(block):
                return
            yield block

    def close(self) -> None:
        """Let go of the file."""
        self._file.close()

    def __enter__(self) -> "Preloaded":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
