"""A station speaks the normalised text; with gTTS, a failure falls back to espeak and says so."""

from __future__ import annotations

from dataclasses import replace

from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.render.cache import cache_key
from broadcaster.speech.espeak import EspeakEngine
from broadcaster.speech.gtts_engine import GttsEngine, split_text
from broadcaster.station import Station
from broadcaster.content.library import APPROVED
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, approved_station, officer, with_supervisor

ESPEAK = EspeakEngine().key()


def _gtts_station(root, fake) -> Station:
    """The station with gTTS first and espeak as its fallback, gTTS pointed at the fake endpoint."""
    station = with_supervisor(root)
    station.speech_engines = (GttsEngine(url=fake.url, timeout_s=2, retries=0, backoff_s=0), EspeakEngine())
    return station


def test_the_cache_key_is_that_of_the_spoken_text(station_dir):
    station = approved_station(station_dir, ("khau-hieu-5k",), render=False)
    ann = station.library.get("khau-hieu-5k").announcement.variants[0]
    same_words = replace(ann, text=ann.text.replace("5K", "năm ca").replace("vắc-xin", "vắc xin"))
    engine, profile = station.speech_engines[0], station.config.profile
    assert ann.text != same_words.text
    assert cache_key(station.renders.spoken(ann), engine, profile) == cache_key(station.renders.spoken(same_words), engine, profile)
    other = replace(ann, text=ann.text.replace("5K", "6K"))
    assert cache_key(station.renders.spoken(other), engine, profile) != cache_key(station.renders.spoken(ann), engine, profile)


def test_approval_falls_back_to_espeak_and_the_asset_says_so(station_dir, fake_google):
    fake_google.script = ["500"]
    station = _gtts_station(station_dir, fake_google)
    station.content.add_file(station_dir / "scripts_text" / "khau-hieu-5k.md", NOW, signer=officer(station))
    result = CliRunner().invoke(cli, ["content", "approve", "khau-hieu-5k", "--by", SUPERVISOR], obj=station,
                                input=PASSPHRASE + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    reason = "gtts: gTTS failed: the service answered HTTP 500 (attempts: 1)"
    assert f"{ESPEAK} (fallback: {reason})" in result.output
    variant = station.library.get("khau-hieu-5k").announcement.variants[0]
    asset = station.renders.asset(variant)
    assert (asset.engine, asset.voice, asset.fallback) == (ESPEAK, "vi", reason)
    assert asset.spoken == station.renders.spoken(variant).text and "năm ca" in asset.spoken
    assert station.planner.material(NOW)["khau-hieu-5k"].renditions[0].voice == ESPEAK  # what the airing log will record
    assert fake_google.texts() == split_text(asset.spoken)[:1]  # the first piece failed: no more were asked for


def test_render_tries_gtts_again_and_its_voice_replaces_the_fallback(station_dir, fake_google):
    fake_google.script = ["500"]
    station = _gtts_station(station_dir, fake_google)
    station.content.add_file(station_dir / "scripts_text" / "khau-hieu-5k.md", NOW, signer=officer(station))
    station.content.decide("khau-hieu-5k", APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    assert station.renders.asset(station.library.get("khau-hieu-5k").announcement.variants[0]).engine == ESPEAK

    runner = CliRunner()
    again = _gtts_station(station_dir, fake_google)  # a new run: gTTS is asked again
    result = runner.invoke(cli, ["render", "--dry-run"], obj=again, catch_exceptions=False)
    assert result.output == f"would render khau-hieu-5k (vie) (now: {ESPEAK}, a fallback)\n1 to render\n"
    result = runner.invoke(cli, ["render"], obj=again, catch_exceptions=False)
    assert "khau-hieu-5k (vie): " in result.output and "gtts;lang=vi" in result.output and "1 rendered" in result.output
    asset = again.renders.asset(again.library.get("khau-hieu-5k").announcement.variants[0])
    assert asset.engine == GttsEngine().key() and asset.fallback == ""
    result = runner.invoke(cli, ["render", "--dry-run"], obj=again, catch_exceptions=False)
    assert result.output == "0 to render\n"
