"""A fake of Google's text-to-speech endpoint on 127.0.0.1, the only fake in the suite: the real
server cannot be reached from here. It answers in the service's format with real MP3 audio."""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import struct
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import soundfile

PATH = "/_/TranslateWebserverUi/data/batchexecute"
RATE = 24000  # the rate of Google's MP3 answers
AMPLITUDE = 0.5


def tone_frequency(index: int) -> float:
    """The frequency of the tone the fake answers to its request number ``index``."""
    return 200.0 + 20.0 * index


def tone_mp3(frequency: float, seconds: float) -> bytes:
    """A sine that starts and stops abruptly (joined naively, it would click), as MP3."""
    n = int(seconds * RATE)
    samples = (AMPLITUDE * np.sin(2 * np.pi * frequency * np.arange(n) / RATE + 1.0)).astype(np.float32)
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, RATE, format="MP3")
    return buffer.getvalue()


def google_answer(mp3: bytes) -> bytes:
    """The body of an answer of the batchexecute RPC 'jQ1olc' carrying ``mp3``."""
    compact = {"separators": (",", ":")}  # as Google writes it
    inner = json.dumps([base64.b64encode(mp3).decode()], **compact)
    line = json.dumps([["wrb.fr", "jQ1olc", inner, None, None, None, "generic"], ["di", 58]], **compact)
    return f")]}}'\n\n{len(line)}\n{line}\n25\n[[\"e\",4,null,null,{len(line) + 40}]]\n".encode()


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        """Record the request, then do what the test asked for this one."""
        fake = self.server.fake
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        rpc = json.loads(urllib.parse.parse_qs(body)["f.req"][0])
        text, lang = json.loads(rpc[0][0][1])[:2]
        with fake.lock:
            index = len(fake.requests)
            fake.requests.append({"path": self.path, "text": text, "lang": lang})
            action = fake.script.pop(0) if fake.script else "audio"
        if action == "hang":
            fake.release.wait()  # accept the request and never answer
            self.close_connection = True
        elif action == "reset":
            linger = struct.pack("HH" if os.name == "nt" else "ii", 1, 0)  # Winsock's LINGER is two u_short
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.connection.close()  # RST: "connection reset by peer"
            self.close_connection = True
        elif action == "audio":
            self._send(200, google_answer(tone_mp3(tone_frequency(index), 0.25 + 0.004 * len(text))))
        elif action == "no-audio":
            self._send(200, b")]}'\n\n[[\"wrb.fr\",\"jQ1olc\",null,null,null,[3],\"generic\"]]\n")
        else:
            self._send(int(action), b"")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def finish(self) -> None:
        """A reset connection cannot be flushed: that is the point."""
        try:
            super().finish()
        except (OSError, ValueError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: "FakeGoogle"


class FakeGoogle:
    """Answers request after request as ``script`` says ('audio', 'hang', 'reset', 'no-audio' or an HTTP
    status), then with audio; ``requests`` holds the path, text and language of every request."""

    def __init__(self):
        self.script: list[str] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.fake = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{PATH}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def texts(self) -> list[str]:
        """The texts asked for, in order."""
        return [r["text"] for r in self.requests]


@pytest.fixture
def fake_google(monkeypatch):
    """A running fake of the endpoint; a proxy set in the environment is not used for it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    fake = FakeGoogle()
    fake.thread.start()
    yield fake
    fake.release.set()
    fake.server.shutdown()
    fake.server.server_close()
