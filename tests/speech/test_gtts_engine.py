"""The gTTS engine against a fake of Google's endpoint: splitting, joining, timeout, retries, fallback."""

from __future__ import annotations

import json
import socket
import threading
import time

import numpy as np
import pytest

from broadcaster.trust.keys import new_key
from broadcaster.config import Profile
from broadcaster.errors import SpeechError
from broadcaster.render.cache import RenderCache
from broadcaster.speech.engine import Speech, SpokenText
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.speech.gtts_engine import MAX_CHARS, PAUSE_S, SENTENCE_END, GttsEngine, join_parts, split_text
from broadcaster.speech.normalise import TextNormaliser
from tests.conftest import ROOT
from tests.speech.conftest import AMPLITUDE, PATH, RATE, tone_frequency

SHORT = "Kính thưa bà con nhân dân xã Ea Tu."


def _long_text() -> str:
    body = (ROOT / "scripts_text" / "thong-bao-lich-tiem.md").read_text(encoding="utf-8").split("---", 2)[2]
    return TextNormaliser().normalise(body)


def _engine(fake, **kwargs) -> GttsEngine:
    return GttsEngine(url=fake.url, **{"timeout_s": 2.0, "retries": 2, "backoff_s": 0.0, **kwargs})


def _max_step(frequency: float) -> float:
    """The largest difference between two samples of the fake's sine (a click is far larger)."""
    return 2 * np.pi * frequency * AMPLITUDE / RATE


def _segments(samples: np.ndarray, rate: int) -> list[np.ndarray]:
    """The stretches of sound between the silent pauses of a joined recording."""
    silent = np.abs(samples) < 1e-6
    runs, start, quiet = [], None, 0
    for i, s in enumerate(silent):
        if not s:
            if start is None:
                start = i
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet >= int(0.2 * rate):
                runs.append(samples[start:i - quiet + 1])
                start, quiet = None, 0
    if start is not None:
        runs.append(samples[start:])
    return runs


def _dominant(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[spectrum.argmax()])


# Splitting -------------------------------------------------------------------------------------------

def test_a_long_text_is_split_at_sentence_ends_under_the_limit():
    text = _long_text()
    pieces = split_text(text)
    assert len(text) > 5 * MAX_CHARS
    assert all(0 < len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces).split() == text.split()  # nothing lost, nothing reordered
    sentences = [" ".join(s.split()) for s in SENTENCE_END.split(text)]
    fitting = [s for s in sentences if len(s) <= MAX_CHARS]
    assert len(fitting) >= 5
    assert all(any(s in p for p in pieces) for s in fitting)  # a sentence that fits is never cut


def test_short_sentences_share_a_piece_and_a_long_one_is_cut_at_commas_then_between_words():
    assert split_text("Thông báo. Kính thưa bà con! Xin nghe.") == ["Thông báo. Kính thưa bà con! Xin nghe."]
    clauses = "người có biểu hiện sốt, ho, đau họng, khó thở phải chủ động khai báo y tế trung thực, " * 3
    pieces = split_text(clauses)
    assert all(len(p) <= MAX_CHARS and p.endswith(",") for p in pieces[:-1])
    words = "bà con " * 40
    pieces = split_text(words)
    assert len(pieces) == 3 and all(len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces).split() == words.split()


def test_a_piece_with_nothing_to_say_is_not_sent():
    full = "bà con " * 13 + "xin nghe."
    assert len(full) == MAX_CHARS  # the "…" cannot join it: it would be a piece of its own
    assert split_text(full + " …") == [full]
    assert split_text("… ! .") == []


# Joining ---------------------------------------------------------------------------------------------

def _tone(frequency: float, seconds: float, rate: int = RATE) -> Speech:
    n = int(seconds * rate)
    return Speech((AMPLITUDE * np.sin(2 * np.pi * frequency * np.arange(n) / rate + 1.0)).astype(np.float32), rate)


def test_parts_are_joined_without_clicks_with_a_pause_between():
    parts = [_tone(440, 0.503), _tone(440, 0.3)]
    naive = np.concatenate([p.samples for p in parts])
    assert np.abs(np.diff(naive)).max() > 5 * _max_step(440)  # the parts start and stop abruptly

    joined = join_parts(parts)
    assert joined.sample_rate == RATE
    assert np.abs(np.diff(joined.samples)).max() <= 1.01 * _max_step(440)
    assert joined.samples[0] == 0 and joined.samples[-1] == 0
    assert abs(joined.duration_s - (0.503 + PAUSE_S + 0.3)) < 0.01
    assert len(_segments(joined.samples, RATE)) == 2


def test_a_part_at_another_rate_is_resampled_and_silent_ends_are_trimmed():
    silence = np.zeros(RATE // 2, dtype=np.float32)
    padded = Speech(np.concatenate([silence, _tone(300, 0.4).samples, silence]), RATE)
    joined = join_parts([padded, _tone(300, 0.4, rate=16000)])
    assert joined.sample_rate == RATE
    assert abs(joined.duration_s - (0.4 + PAUSE_S + 0.4)) < 0.05  # the half seconds of silence are gone
    second = _segments(joined.samples, RATE)[1]
    assert abs(_dominant(second, RATE) - 300) < 5


# Against the fake endpoint ---------------------------------------------------------------------------

def test_a_short_text_is_one_request_in_gtts_format(fake_google):
    speech = _engine(fake_google).synthesize(SHORT)
    assert fake_google.requests == [{"path": PATH, "text": SHORT, "lang": "vi"}]
    assert speech.sample_rate == RATE
    assert abs(speech.duration_s - (0.25 + 0.004 * len(SHORT))) < 0.06
    assert abs(_dominant(speech.samples, RATE) - tone_frequency(0)) < 5


def test_a_long_text_is_fetched_piece_by_piece_and_joined_in_order_without_clicks(fake_google):
    text = _long_text()
    speech = _engine(fake_google).synthesize(text)
    texts = fake_google.texts()
    assert texts == split_text(text) and len(texts) > 5
    segments = _segments(speech.samples, speech.sample_rate)
    assert len(segments) == len(texts)
    assert [round(_dominant(s, RATE) / 20) * 20 for s in segments] == [tone_frequency(i) for i in range(len(texts))]
    highest = tone_frequency(len(texts) - 1)
    assert np.abs(np.diff(speech.samples)).max() < 1.3 * _max_step(highest)


def test_a_server_that_never_answers_falls_back_to_espeak_within_the_timeout(fake_google, tmp_path):
    fake_google.script = ["hang", "hang"]
    engines = (_engine(fake_google, timeout_s=0.5, retries=1), EspeakEngine())
    started = time.monotonic()
    asset, made = RenderCache(tmp_path, new_key).render(SpokenText(SHORT, "vie", "vi-1"), engines, Profile())
    elapsed = time.monotonic() - started
    # Two attempts of 0.5 s, then espeak and the loudness processing (a fraction of a second); without
    # the timeout this would hang for ever.
    assert elapsed < 2 * 0.5 + 3
    assert len(fake_google.requests) == 2
    assert made and asset.engine == EspeakEngine().key() and asset.voice == "vi"
    assert asset.fallback == "gtts: gTTS failed: no answer within 0.5 s (attempts: 2)"
    recorded = json.loads((tmp_path / f"{asset.key}.json").read_text(encoding="utf-8"))
    assert recorded["engine"] == EspeakEngine().key() and recorded["fallback"] == asset.fallback
    assert recorded["spoken"] == SHORT and recorded["normaliser"] == "vi-1"


def test_a_dns_lookup_that_hangs_falls_back_to_espeak_after_the_timeout(monkeypatch, tmp_path):
    # The resolver is the outside world: this one answers nothing for a minute (a network whose DNS
    # server has gone), which requests' own timeout does not bound.
    lookups, released = [], threading.Event()

    def hanging_getaddrinfo(host, *args, **kwargs):
        lookups.append(host)
        released.wait(60)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    for proxy in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)  # the lookup is of Google's name, not a proxy's
    engines = (GttsEngine(url="https://translate.google.com" + PATH, timeout_s=0.5, retries=1, backoff_s=0.0),
               EspeakEngine())
    started = time.monotonic()
    try:
        asset, made = RenderCache(tmp_path, new_key).render(SpokenText(SHORT, "vie", "vi-1"), engines, Profile())
    finally:
        elapsed = time.monotonic() - started
        released.set()
    # Two attempts of 0.5 s and espeak's render; a generous bound, far below the minute of each lookup.
    assert elapsed < 20
    assert lookups == ["translate.google.com", "translate.google.com"]
    assert made and asset.engine == EspeakEngine().key()
    assert asset.fallback == "gtts: gTTS failed: no answer within 0.5 s (attempts: 2)"


def test_a_reset_connection_is_retried(fake_google):
    fake_google.script = ["reset"]
    speech = _engine(fake_google).synthesize(SHORT)
    assert fake_google.texts() == [SHORT, SHORT]
    assert speech.duration_s > 0.2


def test_connections_reset_every_time_fail_after_the_retries(fake_google):
    fake_google.script = ["reset"] * 3
    with pytest.raises(SpeechError) as caught:
        _engine(fake_google, retries=2).synthesize(SHORT)
    assert caught.value.message == "gTTS failed: cannot connect: ConnectionError (attempts: 3)"
    assert len(fake_google.requests) == 3


def test_a_server_error_then_success_is_retried(fake_google):
    fake_google.script = ["500"]
    speech = _engine(fake_google).synthesize(SHORT)
    assert len(fake_google.requests) == 2
    assert abs(_dominant(speech.samples, RATE) - tone_frequency(1)) < 5  # the audio of the second answer


def test_a_refusal_is_not_retried_and_the_engine_is_not_asked_again_in_the_same_run(fake_google):
    fake_google.script = ["403"]
    engine = _engine(fake_google)
    with pytest.raises(SpeechError) as caught:
        engine.synthesize(SHORT)
    assert caught.value.message == "gTTS was refused: HTTP 403"
    with pytest.raises(SpeechError) as again:
        engine.synthesize("Xin cảm ơn.")
    assert again.value.message == "gTTS failed earlier in this run: gTTS was refused: HTTP 403"
    assert len(fake_google.requests) == 1


def test_an_answer_without_audio_is_a_failure(fake_google):
    fake_google.script = ["no-audio"]
    with pytest.raises(SpeechError) as caught:
        _engine(fake_google).synthesize(SHORT)
    assert caught.value.message == "gTTS answered without audio"


def test_without_a_fallback_a_failure_of_gtts_is_an_error(fake_google, tmp_path):
    fake_google.script = ["403"]
    with pytest.raises(SpeechError) as caught:
        RenderCache(tmp_path, new_key).render(SpokenText(SHORT, "vie", "vi-1"), (_engine(fake_google),), Profile())
    assert caught.value.message == "no speech engine could speak the text (gtts: gTTS was refused: HTTP 403)"
    assert list(tmp_path.iterdir()) == []
