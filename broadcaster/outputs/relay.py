"""A live stream (the national or provincial station's internet radio) decoded by the bundled ffmpeg
into blocks of mono samples, read with a time limit so that a stalled stream is noticed."""

from __future__ import annotations

import queue
import subprocess
import threading

import numpy as np

from broadcaster.content.clips import _ffmpeg

CHUNK_BYTES = 16384
NETWORK_TIMEOUT_US = 5_000_000  # ffmpeg gives up on a connection that says nothing for 5 s


class RelayStream:
    """The samples of a stream at ``rate`` as they arrive."""

    def __init__(self, url: str, rate: int):
        command = [_ffmpeg(), "-nostdin", "-v", "error", "-rw_timeout", str(NETWORK_TIMEOUT_US), "-i", url,
                   "-ac", "1", "-ar", str(rate), "-f", "f32le", "-"]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         stdin=subprocess.DEVNULL)
        self._chunks: queue.Queue = queue.Queue(maxsize=64)  # a stream faster than real time waits here
        self._pending = np.zeros(0, dtype=np.float32)
        self._ended = False
        threading.Thread(target=self._pump, name="relay", daemon=True).start()

    def _pump(self) -> None:
        leftover = b""
        while True:
            data = self._process.stdout.read1(CHUNK_BYTES) if hasattr(self._process.stdout, "read1") \
                else self._process.stdout.read(CHUNK_BYTES)
            if not data:
                self._chunks.put(None)
                return
            data = leftover + data
            whole = len(data) // 4 * 4
            leftover = data[whole:]
            self._chunks.put(np.frombuffer(data[:whole], dtype="<f4"))

    def read(self, frames: int, timeout: float) -> np.ndarray | None:
        """Up to ``frames`` samples; None when the stream ended or said nothing for ``timeout`` seconds."""
        while len(self._pending) < frames and not self._ended:
            try:
                chunk = self._chunks.get(timeout=timeout)
            except queue.Empty:
                return None
            if chunk is None:
                self._ended = True
                break
            self._pending = np.concatenate([self._pending, chunk])
        if len(self._pending) == 0:
            return None
        block, self._pending = self._pending[:frames], self._pending[frames:]
        return block

    def close(self) -> None:
        """Stop ffmpeg."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
