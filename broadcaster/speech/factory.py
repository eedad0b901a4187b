"""The speech engines a station's configuration asks for, in the order they are tried."""

from __future__ import annotations

from broadcaster.config import SpeechSettings
from broadcaster.speech.engine import SpeechEngine
from broadcaster.speech.espeak import EspeakEngine


def speech_engines(settings: SpeechSettings) -> tuple[SpeechEngine, ...]:
    """The configured engine, then the offline one when it is the fallback of an online engine."""
    offline = EspeakEngine(voice=settings.voice, rate_wpm=settings.rate_wpm)
    if settings.engine == "espeak":
        return (offline,)
    from broadcaster.speech.gtts_engine import GttsEngine  # gTTS, requests and scipy load only when asked for

    online = GttsEngine(timeout_s=settings.timeout_s, retries=settings.retries)
    return (online, offline) if settings.fallback == "espeak" else (online,)
