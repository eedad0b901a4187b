"""The network disappearing while gTTS renders (the fake Google endpoint of tests/speech hangs or resets in
the middle of a batch): the render falls back to espeak once the timeout is over, waits for it once
per run rather than once per announcement, and says why; without a fallback, a clear error and nothing
approved."""

from __future__ import annotations

import socket
import threading

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.speech.gtts_engine import GttsEngine, split_text
from broadcaster.station import Station
from tests.faults.conftest import make_station
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, officer
from tests.speech.conftest import fake_google  # noqa: F401  (the fixture)

ESPEAK = EspeakEngine().key()
GTTS = GttsEngine().key()
# Long enough to be sent in two pieces: the network can go in between.
LONG = ("Thông báo của Ủy ban nhân dân xã về việc tiêm vắc-xin cho trẻ em từ năm đến mười một tuổi tại trạm y tế. "
        "Kính đề nghị các bậc phụ huynh đưa con em đến đúng giờ và mang theo sổ tiêm chủng.")
# Rendered in the order of their ids: the long one first.
TEXTS = {"1-tiem-chung": LONG, "2-hop-thon": "Thông báo họp thôn lúc 19 giờ.", "3-thu-thue": "Thông báo thu thuế đất."}


def invoke(station: Station, args: list[str], bound_s: float = 60.0):
    """Run a command in a thread; one that has not ended within ``bound_s`` hangs (the test fails rather
    than waits for ever)."""
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", CliRunner().invoke(
        cli, args, obj=station, env={"BROADCASTER_PASSPHRASE": PASSPHRASE})), daemon=True)
    thread.start()
    thread.join(bound_s)
    assert not thread.is_alive(), f"'{' '.join(args)}' hangs"
    return box["result"]


def gtts_station(root, url: str, fallback: bool = True, texts: dict[str, str] = TEXTS) -> Station:
    """A station whose texts are approved (not rendered) and that speaks with gTTS at ``url``."""
    make_station(root, texts=texts, render=False, engine="gtts")  # approved for gTTS's voice
    station = Station(root)
    engines = (GttsEngine(url=url, timeout_s=1.0, retries=1, backoff_s=0.0),)
    station.speech_engines = engines + ((EspeakEngine(),) if fallback else ())
    return station


def assets(station: Station) -> dict[str, tuple[str, str]]:
    return {e.id: (station.renders.asset(v).engine, station.renders.asset(v).fallback) for e in station.library.entries()
            for v in e.announcement.variants}


@pytest.mark.parametrize("failure", ["hang", "reset"])
def test_the_network_goes_in_the_middle_of_a_render(fake_google, tmp_path, failure):
    station = gtts_station(tmp_path / "xa", fake_google.url)
    fake_google.script = ["audio", failure, failure]  # the first piece comes back; then nothing more does
    result = invoke(station, ["render"])
    assert result.exit_code == 0, result.output
    assert "3 rendered" in result.output
    reason = "no answer within 1 s" if failure == "hang" else "cannot connect: ConnectionError"
    first = f"gtts: gTTS failed: {reason} (attempts: 2)"
    assert assets(station) == {"1-tiem-chung": (ESPEAK, first),
                               "2-hop-thon": (ESPEAK, f"gtts: gTTS failed earlier in this run: {first[6:]}"),
                               "3-thu-thue": (ESPEAK, f"gtts: gTTS failed earlier in this run: {first[6:]}")}
    # The timeout was waited for once (two attempts at the second piece), not once per announcement.
    pieces = split_text(station.renders.spoken(station.library.get("1-tiem-chung").announcement.variants[0]).text)
    assert len(pieces) == 2 and fake_google.texts() == [pieces[0], pieces[1], pieces[1]]
    assert "(fallback: gtts: gTTS failed" in result.output
    # Once the network is back, render puts Google's voice in place of the fallback.
    station.speech_engines = (GttsEngine(url=fake_google.url, timeout_s=1.0, retries=1), EspeakEngine())
    result = invoke(station, ["render"])
    assert result.exit_code == 0 and "3 rendered" in result.output, result.output
    assert {ident: engine for ident, (engine, _) in assets(station).items()} == dict.fromkeys(TEXTS, GTTS)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_network_at_all_falls_back_at_once(tmp_path):
    # (A name lookup that hangs is not tried: how long it takes is the resolver's business, not requests'.)
    url = f"http://127.0.0.1:{_closed_port()}/batchexecute"  # connection refused
    station = gtts_station(tmp_path / "xa", url, texts={"hop-thon": TEXTS["2-hop-thon"]})
    result = invoke(station, ["render"], bound_s=30)
    assert result.exit_code == 0 and "1 rendered" in result.output, result.output
    assert assets(station) == {"hop-thon": (ESPEAK, "gtts: gTTS failed: cannot connect: ConnectionError (attempts: 2)")}


def test_approval_while_the_network_hangs_is_spoken_by_the_fallback(fake_google, tmp_path):
    root = tmp_path / "xa"
    make_station(root, engine="gtts")
    path = root / "scripts_text" / "hop-thon.md"
    path.write_text("---\nid: hop-thon\nauthor: Nguyễn Thị Lan\n---\nThông báo họp thôn lúc 19 giờ.\n",
                    encoding="utf-8")
    station = Station(root)
    station.speech_engines = (GttsEngine(url=fake_google.url, timeout_s=1.0, retries=1, backoff_s=0),
                              EspeakEngine())
    station.content.add_file(path, NOW, signer=officer(station))  # added by an officer: another person approves
    fake_google.script = ["hang", "hang"]
    result = invoke(station, ["content", "approve", "hop-thon", "--by", SUPERVISOR])
    assert result.exit_code == 0, result.output
    assert f"{ESPEAK} (fallback: gtts: gTTS failed: no answer within 1 s (attempts: 2))" in result.output
    assert station.library.get("hop-thon").approved


def test_without_a_fallback_a_hanging_network_is_a_clear_error_and_nothing_is_approved(fake_google, tmp_path):
    root = tmp_path / "xa"
    make_station(root, engine="gtts")
    path = root / "scripts_text" / "hop-thon.md"
    path.write_text("---\nid: hop-thon\nauthor: Nguyễn Thị Lan\n---\nThông báo họp thôn lúc 19 giờ.\n",
                    encoding="utf-8")
    station = Station(root)
    station.speech_engines = (GttsEngine(url=fake_google.url, timeout_s=1.0, retries=1, backoff_s=0),)
    station.content.add_file(path, NOW, signer=officer(station))  # added by an officer: another person approves
    fake_google.script = ["hang", "hang"]
    result = invoke(station, ["content", "approve", "hop-thon", "--by", SUPERVISOR])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.splitlines()[-1] == ("Error: no speech engine could speak the text (gtts: gTTS failed: no "
                                              "answer within 1 s (attempts: 2))")
    assert station.library.get("hop-thon").status == "draft"
    assert not list((root / "data").glob("render/*.json"))
