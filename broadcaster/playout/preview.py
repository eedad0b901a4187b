"""Hearing an announcement before it is approved or aired: its rendered audio (rendered first if need be)
played once to a sound device or written to a WAV file. Nothing is logged: this is not an airing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.audiofile import read_wav
from broadcaster.errors import InputError
from broadcaster.messages import t
from broadcaster.outputs.sinks import Sink
from broadcaster.station import Station

BLOCK_S = 0.5


@dataclass(frozen=True)
class Heard:
    """What was played: the announcement, its language, its length and where it went."""

    ident: str
    language: str
    duration_s: float
    sink: str


def preview(station: Station, ident: str, language: str | None, sink: Sink, now: dt.datetime) -> Heard:
    """Play announcement ``ident`` (its variant in ``language``, else its first) once to ``sink``."""
    entry = station.content.entry(ident, now)
    variants = entry.announcement.variants
    variant = entry.announcement.variant(language) if language else variants[0]
    if variant is None:
        raise InputError(t("'{id}' has no variant in '{lang}'; it has: {langs}", id=ident, lang=language,
                           langs=", ".join(v.language for v in variants)))
    asset, _ = station.renders.render(variant)
    samples, rate = read_wav(asset.path)
    block = int(BLOCK_S * rate)
    sink.open(rate)
    try:
        for start in range(0, len(samples), block):
            sink.write(samples[start:start + block])
    finally:
        sink.close()
    return Heard(entry.id, variant.language, len(samples) / rate, sink.describe())
