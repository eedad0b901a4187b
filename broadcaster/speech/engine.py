"""The interface every speech engine offers, what it is given to say, and the audio it returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Speech:
    """Mono float32 samples in [-1, 1] at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate


class SpeechEngine(Protocol):
    """Turns text into speech. ``key`` changes whenever the same text would sound different."""

    name: str
    voice: str

    def key(self) -> str:
        """Engine, voice and settings as one stable text, for the render cache."""

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``; raise SpeechError when it cannot."""


@dataclass(frozen=True)
class SpokenText:
    """What the speech engine is given: the normalised text, its language, and the normaliser that made it."""

    text: str
    language: str
    normaliser: str
