"""Offline Vietnamese speech with libespeak-ng, as shipped by the espeakng-loader wheel."""

from __future__ import annotations

import ctypes
import threading

import numpy as np

from broadcaster.errors import SpeechError
from broadcaster.messages import t
from broadcaster.speech.engine import Speech

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)

# libespeak-ng holds one global state: one process-wide handle, used under a lock.
_lock = threading.Lock()
_state: dict = {}


def _library() -> tuple[ctypes.CDLL, int]:
    if "lib" not in _state:
        try:
            import espeakng_loader

            lib = ctypes.cdll.LoadLibrary(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path().encode()
        except (ImportError, OSError) as exc:
            raise SpeechError(t("the offline speech engine (espeak-ng) cannot be loaded: {reason}; "
                                "reinstall with 'pip install espeakng-loader'", reason=exc)) from None
        lib.espeak_Initialize.restype = ctypes.c_int
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if rate <= 0:
            raise SpeechError(t("the offline speech engine (espeak-ng) failed to start"))
        _state["lib"], _state["rate"] = lib, rate
    return _state["lib"], _state["rate"]


class EspeakEngine:
    """espeak-ng through ctypes: no network, no subprocess, the same on Windows and Linux."""

    name = "espeak"

    def __init__(self, voice: str = "vi", rate_wpm: int = 150):
        self.voice = voice
        self.rate_wpm = rate_wpm

    def key(self) -> str:
        """Engine, voice and speed."""
        return f"espeak-ng;voice={self.voice};wpm={self.rate_wpm}"

    def synthesize(self, text: str) -> Speech:
        """Speak ``text`` with the configured voice."""
        chunks: list[np.ndarray] = []

        @_CALLBACK
        def collect(wav, count, _events):
            if wav and count > 0:
                chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            return 0

        data = text.encode("utf-8")
        with _lock:
            lib, rate = _library()
            lib.espeak_SetSynthCallback(collect)
            if lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
                raise SpeechError(t("espeak-ng has no voice '{voice}'", voice=self.voice))
            lib.espeak_SetParameter(_ESPEAK_RATE, self.rate_wpm, 0)
            buf = ctypes.create_string_buffer(data)
            status = lib.espeak_Synth(buf, len(data) + 1, 0, 0, 0, _ESPEAK_CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
        if status != 0 or not chunks:
            raise SpeechError(t("espeak-ng produced no audio (status {status})", status=status))
        samples = np.concatenate(chunks).astype(np.float32) / 32768.0
        return Speech(samples, rate)
