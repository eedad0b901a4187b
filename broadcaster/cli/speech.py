"""The speak-text command: the exact words the speech engine will say, for proofreading."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console
from broadcaster.config import CONFIG_FILE
from broadcaster.content.announcement import TEXT
from broadcaster.content.decoding import decode_announcement_text
from broadcaster.content.textfile import MAX_TEXT_BYTES, parse_header, read_file_bytes
from broadcaster.messages import t
from broadcaster.speech.normalise import Reading, TextNormaliser
from broadcaster.station import Station

STDIN = "-"


def _rules() -> dict[str, str]:
    """What each rule of the normaliser does, as --explain names it."""
    return {
        "dictionary": t("the station's dictionary or a built-in abbreviation"),
        "email": t("an e-mail address"),
        "web": t("a web address: its host, 'chấm' for the dots"),
        "term": t("a health term or a name"),
        "call": t("a number to call or copy after 'điện thoại', 'mã số thuế'...: digit by digit"),
        "address": t("an address abbreviation before a place"),
        "roman_after": t("a Roman numeral after 'khóa', 'thế kỷ', 'quý', 'lần thứ'..."),
        "roman_heading": t("a Roman numeral that numbers a heading"),
        "code": t("a document number: the number, 'trên', the letters spelled"),
        "score": t("a score or a formation: the numbers one after the other"),
        "road": t("a road and its number"),
        "plate": t("a vehicle's number plate"),
        "phone": t("a telephone number: digit by digit, in groups"),
        "month_range": t("a range of months"),
        "day_range": t("a range of days"),
        "full_date": t("a date"),
        "month_year": t("a month and a year"),
        "slash": t("a date after a word of time, else a fraction or a ratio"),
        "time": t("a clock time"),
        "day_dash": t("a date after a word of time, else a range"),
        "number": t("a number, a quantity or a number to dial after a word like 'gọi', 'mã số thuế'"),
        "abbreviation": t("an unknown abbreviation, left as written"),
        "acronym": t("a word in capitals: spelled when it is not a Vietnamese syllable"),
        "dash": t("a dash: 'đến' between numbers, else a pause"),
        "per": t("'/' between a quantity and a unit: 'trên'"),
        "symbol": t("a symbol"),
    }


def _explain(readings: list[Reading]) -> None:
    rules = _rules()
    for reading in readings:
        console.print(t("line {line}: {written} → {spoken} ({rule})", line=reading.line, written=reading.written,
                        spoken=reading.spoken or "…", rule=rules[reading.rule]), markup=False)


def _texts(station: Station, source: str) -> list[str]:
    """The texts to speak of a file, of standard input ('-') or of an announcement in the library."""
    path = Path(source)
    if source == STDIN:  # bytes, decoded as a file is (UTF-8 or a legacy Vietnamese encoding, whatever the console's)
        text, _ = decode_announcement_text(click.get_binary_stream("stdin").read(), path)
        return [parse_header(text, path)[1]]
    if path.exists():  # any text file, an announcement's header or not, its name an id or not (a folder: refused)
        text, _ = decode_announcement_text(read_file_bytes(path, MAX_TEXT_BYTES), path)
        return [parse_header(text, path)[1]]
    return [variant.text for variant in station.content.read_source(source).variants if variant.kind == TEXT]


@cli.command("speak-text")
@click.argument("source", metavar="FILE_OR_ID")
@click.option("--explain", is_flag=True, help="Show each number, date, code or abbreviation, what is said for it "
                                              "and which rule read it.")
@click.pass_obj
def speak_text_command(station: Station, source: str, explain: bool) -> None:
    """Print what will be spoken for a text file, standard input ('-') or an announcement: numbers, dates,
    abbreviations in words. Outside a station folder, the built-in readings are used."""
    normaliser = station.normaliser if (station.root / CONFIG_FILE).is_file() else TextNormaliser()
    for text in _texts(station, source):
        if explain:
            _explain(normaliser.explain(text))
        else:
            console.print(normaliser.normalise(text), markup=False)
