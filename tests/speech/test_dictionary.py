"""A station's dictionary file: read, checked with file and line, and used by the station."""

from __future__ import annotations

import pytest

from broadcaster.errors import InputError
from broadcaster.speech.normalise import TextNormaliser, load_dictionary
from broadcaster.station import Station


def test_a_dictionary_file_is_read(tmp_path):
    path = tmp_path / "tu-dien.yaml"
    path.write_text("# chữ viết: lời đọc\nUBND: U bê en đê\n'115': một một năm\nCloramin B: Clo ra min bê\n",
                    encoding="utf-8")
    assert load_dictionary(path) == {"UBND": "U bê en đê", "115": "một một năm", "Cloramin B": "Clo ra min bê"}


def test_an_empty_dictionary_file_has_no_entries(tmp_path):
    path = tmp_path / "tu-dien.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_dictionary(path) == {}


@pytest.mark.parametrize("content, line, message", [
    ("UBND: U bê en đê\n115: một một năm\n", 2, "write '115' in quotes, so that it is read as text"),
    ("UBND: U bê en đê\nTTYT:\n", 2, "the reading of 'TTYT' must be a text, not 'None'"),
    ("UBND: [u, bê]\n", 1, "the reading of 'UBND' must be a text, not '['u', 'bê']'"),
    ("UBND: a\nUBND: b\n", 2, None),
])
def test_a_bad_dictionary_names_file_and_line(tmp_path, content, line, message):
    path = tmp_path / "tu-dien.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_dictionary(path)
    assert caught.value.path == path and caught.value.line == line
    if message:
        assert caught.value.message == message


def test_the_station_reads_its_dictionary_and_the_spoken_text_follows_it(station_dir):
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  dictionary: tu-dien.yaml\n", encoding="utf-8")
    (station_dir / "tu-dien.yaml").write_text("5K: năm K\n", encoding="utf-8")
    station = Station(station_dir)
    ann = station.content.read_source(str(station_dir / "scripts_text" / "khau-hieu-5k.md"))
    spoken = station.renders.spoken(ann.variants[0])
    assert spoken.text.startswith("Thông điệp năm K của Bộ Y tế")
    assert spoken.normaliser == station.normaliser.key() != TextNormaliser().key()


def test_a_missing_dictionary_file_is_reported(station_dir):
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  dictionary: khong-co.yaml\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Station(station_dir).normaliser
    assert str(caught.value) == f"{station_dir / 'khong-co.yaml'}: no such file"
