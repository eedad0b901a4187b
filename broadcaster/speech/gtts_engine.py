"""Google's Vietnamese voice through gTTS: sentences under its limit, fetched with a timeout and
bounded retries, decoded and joined without clicks.

gTTS builds each request (its public ``get_bodies``); the requests are sent from here, because gTTS
itself waits forever by default, never retries, turns TLS verification off, cuts a text at every
comma, and writes the parts' MP3 files back to back, which a decoder reads as the first part only.
Each request is sent from a worker thread and waited for no longer than the timeout: requests' own
timeout bounds the connection and each read, but not the DNS lookup before them.
"""

from __future__ import annotations

import base64
import binascii
import io
import queue
import re
import textwrap
import threading
import time

import numpy as np
import requests
import soundfile
from gtts import gTTS
from scipy.signal import resample_poly

from broadcaster.errors import SpeechError
from broadcaster.messages import t
from broadcaster.speech.engine import Speech

GOOGLE_URL = "https://translate.google.com/_/TranslateWebserverUi/data/batchexecute"
MAX_CHARS = gTTS.GOOGLE_TTS_MAX_CHARS  # the longest text the service takes in one request
# The answer carries the MP3 as base64 on the line of gTTS's RPC id (as gTTS's own stream() reads it).
AUDIO_LINE = re.compile(re.escape(gTTS.GOOGLE_TTS_RPC) + r'","\[\\"(.*)\\"]')
RETRY_STATUS = {429, 500, 502, 503, 504}
SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|\n\s*\n")
CLAUSE_END = re.compile(r"(?<=[,:])\s+")
PAUSE_S = 0.3  # between two parts: a sentence pause
FADE_S = 0.01  # each part fades in and out, so that no join clicks
EDGE_DB = -45.0  # quieter than this, relative to a part's peak, is the silence trimmed at its ends
EDGE_MARGIN_S = 0.02


def _pack(pieces: list[str], limit: int) -> list[str]:
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= limit:
            packed[-1] += " " + piece
        else:
            packed.append(piece)
    return packed


def _fit(sentence: str, limit: int) -> list[str]:
    if len(sentence) <= limit:
        return [sentence]
    clauses = CLAUSE_END.split(sentence)
    if len(clauses) > 1:
        return _pack([piece for clause in clauses for piece in _fit(clause, limit)], limit)
    return textwrap.wrap(sentence, limit, break_on_hyphens=False)


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Pieces of at most ``limit`` characters, cut at sentence ends, else commas, else between words."""
    # Short sentences share a piece: fewer requests, and Google's own pause between them.
    pieces = []
    for sentence in SENTENCE_END.split(text):
        sentence = " ".join(sentence.split())
        if sentence:
            pieces += _fit(sentence, limit)
    # gTTS refuses (with an AssertionError) a piece with nothing to say, such as a lone "…".
    return [piece for piece in _pack(pieces, limit) if any(c.isalnum() for c in piece)]


def _trim(samples: np.ndarray, rate: int) -> np.ndarray:
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    if peak == 0.0:
        return samples[:0]
    loud = np.flatnonzero(np.abs(samples) > peak * 10 ** (EDGE_DB / 20))
    margin = int(EDGE_MARGIN_S * rate)
    return samples[max(0, loud[0] - margin): loud[-1] + 1 + margin]


def join_parts(parts: list[Speech], pause_s: float = PAUSE_S) -> Speech:
    """One recording of the parts in order: silent ends trimmed, each faded in and out, a pause between."""
    rate = parts[0].sample_rate
    pieces: list[np.ndarray] = []
    for part in parts:
        samples = part.samples.astype(np.float32)
        if part.sample_rate != rate:
            g = np.gcd(part.sample_rate, rate)
            samples = resample_poly(samples, rate // g, part.sample_rate // g).astype(np.float32)
        samples = _trim(samples, rate).copy()
        if not len(samples):
            continue
        fade = min(int(FADE_S * rate), len(samples) // 2)
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, fade))).astype(np.float32)
        samples[:fade] *= ramp
        samples[len(samples) - fade:] *= ramp[::-1]
        if pieces:
            pieces.append(np.zeros(int(pause_s * rate), dtype=np.float32))
        pieces.append(samples)
    if not pieces:
        raise SpeechError(t("gTTS answered with silence"))
    return Speech(np.concatenate(pieces), rate)


def decode_mp3(data: bytes) -> Speech:
    """Mono float32 samples of an MP3 (libsndfile, through soundfile: no ffmpeg needed)."""
    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float32")
    except (soundfile.SoundFileError, RuntimeError) as exc:
        raise SpeechError(t("gTTS answered with audio that cannot be decoded: {reason}", reason=exc)) from None
    return Speech(samples.mean(axis=1) if samples.ndim == 2 else samples, rate)


def audio_of(answer: str) -> bytes | None:
    """The MP3 in an answer of the service, or None when it has none."""
    for line in answer.splitlines():
        found = AUDIO_LINE.search(line)
        if found:
            try:
                return base64.b64decode(found.group(1))
            except (binascii.Error, ValueError):
                return None
    return None


class GttsEngine:
    """Google Translate's text-to-speech (online); a failure is a SpeechError, for the fallback engine."""

    name = "gtts"

    def __init__(self, lang: str = "vi", timeout_s: float = 5.0, retries: int = 2, url: str = GOOGLE_URL,
                 backoff_s: float = 0.5):
        self.voice = lang
        self.timeout_s = timeout_s
        self.retries = retries
        self.url = url
        self.backoff_s = backoff_s
        self.failure: str | None = None
        self._session: requests.Session | None = None  # of the synthesis under way

    def key(self) -> str:
        """Engine, language, and how the parts are joined."""
        return f"gtts;lang={self.voice};pause={PAUSE_S:g}"

    def synthesize(self, text: str) -> Speech:
        """Speak ``text``: one request per piece of at most MAX_CHARS characters, joined in order."""
        if self.failure is not None:
            # Once the service has failed, the rest of a batch goes straight to the fallback instead
            # of waiting out the timeout again for every announcement.
            raise SpeechError(t("gTTS failed earlier in this run: {reason}", reason=self.failure))
        pieces = split_text(text)
        if not pieces:
            raise SpeechError(t("there is nothing to speak"))
        self._session = requests.Session()
        try:
            return join_parts([decode_mp3(self._fetch(piece)) for piece in pieces])
        except SpeechError as exc:
            self.failure = exc.message
            raise
        finally:
            self._session.close()

    def _post(self, body: str) -> requests.Response:
        """The answer to one request, given up (requests.Timeout) once ``timeout_s`` has passed, whatever
        it waits on. A request given up goes on in its daemon thread, with the session it had, until it ends."""
        answers: queue.Queue = queue.Queue()
        session = self._session

        def post() -> None:
            try:
                answers.put(session.post(self.url, data=body, headers=gTTS.GOOGLE_TTS_HEADERS, timeout=self.timeout_s))
            except Exception as exc:  # noqa: BLE001  handed to the waiting thread, which sorts it out
                answers.put(exc)

        threading.Thread(target=post, name="gtts-request", daemon=True).start()
        try:
            answer = answers.get(timeout=self.timeout_s)
        except queue.Empty:
            self._session = requests.Session()  # the next attempt does not share a session with this one
            raise requests.Timeout() from None
        if isinstance(answer, Exception):
            raise answer
        return answer

    def _fetch(self, piece: str) -> bytes:
        body = gTTS(piece, lang=self.voice, lang_check=False, pre_processor_funcs=[]).get_bodies()[0]
        reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * attempt)
            try:
                answer = self._post(body)
            except requests.Timeout:
                reason = t("no answer within {seconds:g} s", seconds=self.timeout_s)
                continue
            except requests.RequestException as exc:
                reason = t("cannot connect: {reason}", reason=type(exc).__name__)
                continue
            if answer.status_code in RETRY_STATUS:
                reason = t("the service answered HTTP {status}", status=answer.status_code)
                continue
            if answer.status_code != 200:
                raise SpeechError(t("gTTS was refused: HTTP {status}", status=answer.status_code))
            audio = audio_of(answer.text)
            if audio is None:
                raise SpeechError(t("gTTS answered without audio"))
            return audio
        raise SpeechError(t("gTTS failed: {reason} (attempts: {n})", reason=reason, n=self.retries + 1))
