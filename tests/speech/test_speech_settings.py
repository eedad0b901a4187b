"""Speech settings in station.yaml, and the engines they make."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadcaster.config import SpeechSettings, parse_config
from broadcaster.errors import InputError
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.speech.factory import speech_engines
from broadcaster.speech.gtts_engine import GttsEngine
from broadcaster.yamlfile import load_yaml

PATH = Path("station.yaml")


def _config(speech: str):
    return parse_config(load_yaml("name: Đài xã Ea Tu\nspeech:\n" + speech, PATH), PATH)


def test_gtts_with_its_timeout_retries_fallback_and_a_dictionary():
    speech = _config("  engine: gtts\n  timeout_s: 3\n  retries: 1\n  fallback: none\n"
                     "  dictionary: tu-dien.yaml\n").speech
    assert speech == SpeechSettings(engine="gtts", timeout_s=3.0, retries=1, fallback="none",
                                    dictionary=Path("tu-dien.yaml"))


@pytest.mark.parametrize("speech, line, message", [
    ("  engine: piper\n", 3, "unknown speech engine 'piper'; expected one of: espeak, gtts"),
    ("  engine: gtts\n  fallback: google\n", 4, "unknown fallback engine 'google'; expected one of: espeak, none"),
    ("  timeout_s: 0\n", 3, "'timeout_s' is 0; expected a value from 0.5 to 60"),
    ("  retries: 10\n", 3, "'retries' is 10; expected a value from 0 to 5"),
    ("  retries: 1.5\n", 3, "'retries' must be a number, not '1.5'"),
    ("  dictionary: ''\n", 3, "'dictionary' must be a text"),
    ("  timeout: 5\n", 3, None),
])
def test_bad_speech_settings_name_the_line(speech, line, message):
    with pytest.raises(InputError) as caught:
        _config(speech)
    assert caught.value.line == line
    if message:
        assert caught.value.message == message


def test_espeak_alone():
    engines = speech_engines(SpeechSettings(voice="vi", rate_wpm=170))
    assert [type(e) for e in engines] == [EspeakEngine]
    assert engines[0].rate_wpm == 170


def test_gtts_then_espeak_as_its_fallback():
    engines = speech_engines(SpeechSettings(engine="gtts", timeout_s=3.0, retries=1))
    assert [type(e) for e in engines] == [GttsEngine, EspeakEngine]
    assert (engines[0].timeout_s, engines[0].retries, engines[0].voice) == (3.0, 1, "vi")


def test_gtts_without_a_fallback():
    assert [type(e) for e in speech_engines(SpeechSettings(engine="gtts", fallback="none"))] == [GttsEngine]
