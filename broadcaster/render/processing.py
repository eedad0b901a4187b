"""A processing profile applied to speech, clips and chimes alike: the speech band, silence trimmed,
optional compression, silence padding, then loudness and true peak."""

from __future__ import annotations

import numpy as np

from broadcaster.config import Profile
from broadcaster.render.filters import band, band_sections, compress, pad
from broadcaster.render.loudness import Normalised, integrated_lufs, normalise


def process(samples: np.ndarray, profile: Profile, overwrite: bool = False) -> Normalised:
    """Broadcast-ready audio from mono float32 ``samples`` at the profile's sample rate; worked on in
    place if ``overwrite`` (and they are float32), which spares touching a fresh copy of them."""
    rate = profile.sample_rate
    x = np.asarray(samples, dtype=np.float32)
    own = x is not samples or (overwrite and x.flags.writeable and x.flags.c_contiguous)
    # The speech band in one pass, which also finds the sound in the result: trimmed after the
    # high-pass, so that a DC offset is not taken for sound.
    x, (start, stop) = band(x, band_sections(rate, profile.highpass_hz, profile.lowpass_hz), rate,
                            out=x if own else None)
    if stop > start:
        x = x[start:stop]
    if profile.compress_ratio > 1:
        loudness = integrated_lufs(x, rate)
        if np.isfinite(loudness):
            # The threshold follows the item's own loudness: a quiet recording is compressed as much
            # as a loud one, and normalised afterwards.
            x = compress(x, rate, loudness + profile.compress_threshold_db, profile.compress_ratio)
    # Padded before it is normalised: the loudness and true peak are those of the file as aired.
    if profile.pad_s:
        x = pad(x, rate, profile.pad_s)
    # The samples are this function's own by now (filtered into a new array, or its caller's to overwrite).
    return normalise(x, rate, profile.target_lufs, profile.true_peak_dbtp, overwrite=True)
