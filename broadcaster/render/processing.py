"""A processing profile applied to speech, clips and chimes alike: the speech band, silence trimmed,
optional compression, silence padding, then loudness and true peak."""

from __future__ import annotations

import numpy as np

from broadcaster.config import Profile
from broadcaster.render.filters import compress, highpass, lowpass, pad, trim
from broadcaster.render.loudness import Normalised, integrated_lufs, normalise


def process(samples: np.ndarray, profile: Profile) -> Normalised:
    """Broadcast-ready audio from mono float32 ``samples`` at the profile's sample rate."""
    rate = profile.sample_rate
    x = np.asarray(samples, dtype=np.float32)
    if profile.highpass_hz:
        x = highpass(x, rate, profile.highpass_hz)
    if profile.lowpass_hz:
        x = lowpass(x, rate, profile.lowpass_hz)
    x = trim(x, rate)  # after the high-pass, so that a DC offset is not taken for sound
    if profile.compress_ratio > 1:
        loudness = integrated_lufs(x, rate)
        if np.isfinite(loudness):
            # The threshold follows the item's own loudness: a quiet recording is compressed as much
            # as a loud one, and normalised afterwards.
            x = compress(x, rate, loudness + profile.compress_threshold_db, profile.compress_ratio)
    # Padded before it is normalised: the loudness and true peak are those of the file as aired.
    if profile.pad_s:
        x = pad(x, rate, profile.pad_s)
    # The samples are this function's own by now (filtered, padded or copied): normalised in place.
    if np.may_share_memory(x, samples):
        x = x.copy()
    return normalise(x, rate, profile.target_lufs, profile.true_peak_dbtp, overwrite=True)
