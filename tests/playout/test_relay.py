"""Relaying a live stream served on 127.0.0.1 by the test; when it drops mid-way, the fallback fills the slot."""

from __future__ import annotations

import http.server
import io
import threading

import numpy as np
import pytest
import soundfile

from tests.conftest import captured
from tests.playout.conftest import at, write_schedule
from tests.playout.test_playout import airings, asset_of, best_match, wait_for

RATE = 44100


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 330 * t) * (0.7 + 0.3 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


class DroppingStream(http.server.BaseHTTPRequestHandler):
    """A WAV 'live stream' that sends two seconds of sound in real time, then hangs up."""

    def do_GET(self):  # noqa: N802  (http.server's name)
        wav = io.BytesIO()
        soundfile.write(wav, tone(2.0), RATE, format="WAV", subtype="PCM_16")
        self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.end_headers()
        data = wav.getvalue()
        for start in range(0, len(data), 8820):
            self.wfile.write(data[start:start + 8820])
            self.wfile.flush()
            threading.Event().wait(0.09)
        self.connection.shutdown(2)

    def log_message(self, *args):
        pass


@pytest.fixture
def stream_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DroppingStream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/vov1"
    server.shutdown()


def test_a_relay_that_drops_is_filled_by_its_fallback(quick, running, stream_url, clean_captures):
    write_schedule(quick.root, f"sessions:\n  - name: Tiếp sóng\n    start: '{at(2)}'\n    output: loa-xa\n"
                               f"    items:\n      - relay: {stream_url}\n        duration: 9s\n"
                               "        fallback: mot\n")
    with running(quick):
        wait_for(lambda: any(r["status"] == "aired" for r in airings(quick)), timeout=60)
    (record,) = airings(quick)
    assert record["announcement"] == f"relay:{stream_url}"
    assert "the stream dropped after 0:0" in record["reason"] and "its fallback for the rest" in record["reason"]
    assert 8.5 < record["duration_s"] < 10.5
    played, rate = soundfile.read(captured("loa_xa"), dtype="float32")
    assert best_match(played, tone(1.5)[RATE // 4:]) > 0.98  # the stream's sound came through
    assert best_match(played, asset_of(quick, "mot")) > 0.99  # then the fallback, whole
