"""Passes over long audio a chunk at a time, the two halves at once in two threads (numpy's and scipy's
loops let go of the GIL). A recursive filter is split too: the second half is filtered from rest,
then its start is given what the first half left in the filter (the response to that state alone,
added until it has died away), which is what filtering straight through gives, to float rounding."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
from scipy.signal import sos2zpk, sosfilt

CHUNK = 1 << 17  # samples worked on at once: 512 kB of float32, small enough to stay in the cache
SPLIT_FROM = 1 << 20  # shorter signals are done in one go, in one thread
KEPT = 1 << 19  # scratch buffers up to 2 MB are kept (about 10 MB in all, a few in each of two threads)
_SETTLED = 1e-12  # a response to the filter's state is dropped once its poles have shrunk it this much
TWO_THREADS = (os.cpu_count() or 1) > 1

_worker: tuple[int, ThreadPoolExecutor] | None = None
_scratch = threading.local()

A = TypeVar("A")
B = TypeVar("B")
Visit = Callable[[int, int, np.ndarray], None]


def both(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """``first()`` here and ``second()`` in a worker thread, at once (one after the other on a single
    core); an exception in either is raised here."""
    global _worker
    if not TWO_THREADS or getattr(_scratch, "worker", False):  # the worker itself does both in turn
        return first(), second()
    if _worker is None or _worker[0] != os.getpid():
        # One worker for the life of the process (a new one in a forked child, which has no threads):
        # its scratch buffers stay warm from pass to pass.
        _worker = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="broadcaster-pass",
                                                   initializer=lambda: setattr(_scratch, "worker", True)))
    future = _worker[1].submit(second)
    try:
        result = first()
    finally:
        other = future.result()
    return result, other


def scratch(name: str, size: int) -> np.ndarray:
    """A float32 work buffer of this thread's, ``size`` long: kept from call to call (up to KEPT
    samples), so that a pass over an hour of audio does not touch fresh memory for its temporaries
    chunk after chunk."""
    if size > KEPT:
        return np.empty(size, dtype=np.float32)
    buffer = getattr(_scratch, name, None)
    if buffer is None or len(buffer) < size:
        buffer = np.empty(max(size, CHUNK + 4096), dtype=np.float32)
        setattr(_scratch, name, buffer)
    return buffer[:size]


def chunk_size(unit: int) -> int:
    """About CHUNK samples, a whole number of ``unit``."""
    return unit * max(1, round(CHUNK / unit))


def halves(length: int, unit: int, keep: int = 0) -> int:
    """Where to split ``length`` samples into two halves (a multiple of ``unit``); 0 for no split, when
    the signal is short or its second half shorter than ``keep``."""
    if length < SPLIT_FROM:
        return 0
    mid = (length // 2) // unit * unit
    return mid if 0 < mid and length - mid > keep else 0


def each_chunk(length: int, unit: int, visit: Callable[[int, int], None]) -> None:
    """``visit(start, stop)`` over the signal a chunk at a time (chunks start at multiples of ``unit``)."""
    step = chunk_size(unit)
    mid = halves(length, unit)

    def run(first: int, last: int) -> None:
        for a in range(first, last, step):
            visit(a, min(a + step, last))

    if mid:
        both(lambda: run(0, mid), lambda: run(mid, length))
    else:
        run(0, length)


def settling(sos: np.ndarray) -> int:
    """Samples after which the filter's response to any state it is left in is negligible."""
    poles = np.abs(sos2zpk(np.asarray(sos, dtype=np.float64))[1])
    radius = float(poles.max()) if len(poles) else 0.0
    if radius <= 0:
        return 2 * len(sos)
    # Doubled: poles that (nearly) coincide add a factor that grows with time.
    return 2 * math.ceil(math.log(_SETTLED) / math.log(radius)) + 2 * len(sos)


def filter_pass(sos: np.ndarray, x: np.ndarray, unit: int, zi: np.ndarray | None = None,
                out: np.ndarray | None = None, visit: Visit | None = None) -> None:
    """Filter float32 ``x`` by ``sos`` (from rest, or from state ``zi``) a chunk at a time: each piece
    of output is written to ``out`` (which may be ``x`` itself) and handed to ``visit(start, stop,
    output)``. Pieces start at multiples of ``unit``; they come in any order and from two threads."""
    sos = np.asarray(sos, dtype=np.float32)
    state = np.zeros((len(sos), 2), dtype=np.float32) if zi is None else np.asarray(zi, dtype=np.float32)
    settle = settling(sos)
    held = -(-settle // unit) * unit
    mid = halves(len(x), unit, keep=held)

    def emit(a: int, b: int, y: np.ndarray) -> None:
        if out is not None:
            out[a:b] = y
        if visit is not None:
            visit(a, b, y)

    def run(first: int, last: int, z: np.ndarray) -> np.ndarray:
        step = chunk_size(unit)
        for a in range(first, last, step):
            b = min(a + step, last)
            y, z = sosfilt(sos, x[a:b], zi=z)
            emit(a, b, y)
        return z

    if not mid:
        run(0, len(x), state)
        return

    def second() -> np.ndarray:
        # The start of the second half waits for the state the first half leaves in the filter.
        start, z = sosfilt(sos, x[mid: mid + held], zi=np.zeros_like(state))
        run(mid + held, len(x), z)
        return start

    left, start = both(lambda: run(0, mid, state), second)
    start += sosfilt(sos, np.zeros(held, dtype=np.float32), zi=left)[0]
    emit(mid, mid + held, start)
