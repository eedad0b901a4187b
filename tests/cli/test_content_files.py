"""content add with the files officers really have: Word and OpenDocument texts, Vietnamese file names,
--id, --topic and --title for texts."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import soundfile
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.content import documents
from broadcaster.station import Station
from tests.content.documents import w_paragraph, w_table, write_docx, write_odt
from tests.helpers import digest

SEEDS = ["Đẩy mạnh công tác thông tin, tuyên truyền phòng, chống dịch bệnh COVID-19 trong tình hình mới",
         "Thực hiện chủ trương chung của Đảng và Nhà nước về triển khai đồng bộ các biện pháp phòng, chống dịch."]


def _invoke(station_dir: Path, args: list[str]):
    return CliRunner().invoke(cli, args, obj=Station(station_dir))


def _fails(station_dir: Path, args: list[str], expected: str, code: int = 2) -> None:
    before = digest(station_dir)
    result = _invoke(station_dir, args)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.splitlines() == [f"Error: {expected}"]
    assert digest(station_dir) == before


def test_a_word_document_with_a_vietnamese_name_is_added_and_kept_with_its_name(station_dir, tmp_path):
    path = write_docx(tmp_path / "Kế hoạch tuyên truyền.docx",
                      w_paragraph("Kế hoạch", "Heading1") + w_paragraph(SEEDS[0]) + w_table([["Thôn 1", "07:00"]]))
    result = _invoke(station_dir, ["content", "add", str(path)])
    assert (result.exit_code, result.output) == (0, "ke-hoach-tuyen-truyen: added (draft)\n")
    ann = Station(station_dir).library.get("ke-hoach-tuyen-truyen").announcement
    assert (ann.title, ann.topic, ann.languages()) == ("Kế hoạch", "general", ("vie",))
    assert ann.variants[0].text == f"Kế hoạch\n{SEEDS[0]}\nThôn 1, 07:00"
    assert ann.variants[0].source == str(path)


def test_an_opendocument_text_takes_id_topic_and_title_from_the_options(station_dir, tmp_path):
    path = write_odt(tmp_path / "ban-nhap.odt", f"<text:p>{SEEDS[1]}</text:p>")
    result = _invoke(station_dir, ["content", "add", str(path), "--id", "chu-truong", "--topic", "policy",
                                   "--title", "Chủ trương chung"])
    assert (result.exit_code, result.output) == (0, "chu-truong: added (draft)\n")
    ann = Station(station_dir).library.get("chu-truong").announcement
    assert (ann.title, ann.topic) == ("Chủ trương chung", "policy")


def test_a_text_file_named_in_vietnamese_gets_its_id_from_the_name(station_dir, tmp_path):
    path = tmp_path / "Thông báo lịch tiêm.txt"
    path.write_text(SEEDS[0] + "\n", encoding="utf-8")
    result = _invoke(station_dir, ["content", "add", str(path)])
    assert (result.exit_code, result.output) == (0, "thong-bao-lich-tiem: added (draft)\n")
    assert Station(station_dir).library.get("thong-bao-lich-tiem").announcement.title == SEEDS[0][:80]


def test_a_clip_named_in_vietnamese_gets_its_id_from_the_name(station_dir, tmp_path):
    path = tmp_path / "Ghi âm Ê Đê.wav"
    rate = 44100
    soundfile.write(path, (0.3 * np.sin(np.arange(rate) * 2 * np.pi * 440 / rate)).astype(np.float32), rate)
    result = _invoke(station_dir, ["content", "add", str(path), "--lang", "rad"])
    assert (result.exit_code, result.output) == (0, "ghi-am-e-de: added (draft)\n")
    variant = Station(station_dir).library.get("ghi-am-e-de").announcement.variant("rad")
    assert variant.source == str(path)


def test_an_id_made_from_a_name_that_another_files_announcement_has_is_refused(station_dir, tmp_path):
    first = tmp_path / "Thông báo.txt"
    first.write_text(SEEDS[0] + "\n", encoding="utf-8")
    assert _invoke(station_dir, ["content", "add", str(first)]).exit_code == 0
    second = tmp_path / "thong bao.docx"
    write_docx(second, w_paragraph(SEEDS[1]))
    _fails(station_dir, ["content", "add", str(second)],
           f"{second}: its id 'thong-bao' is already taken by {first}: give it another with --id, or --id thong-bao "
           "to replace that text")
    result = _invoke(station_dir, ["content", "add", str(second), "--id", "thong-bao-2"])
    assert (result.exit_code, result.output) == (0, "thong-bao-2: added (draft)\n")
    again = _invoke(station_dir, ["content", "add", str(first)])  # the same file again: an update, as before
    assert (again.exit_code, again.output) == (0, "thong-bao: unchanged (draft)\n")


def test_a_name_without_letters_or_digits_needs_an_id(station_dir, tmp_path):
    path = tmp_path / "«»!.txt"
    path.write_text(SEEDS[0] + "\n", encoding="utf-8")
    _fails(station_dir, ["content", "add", str(path)], f"{path}: no id can be made from the file name: give one with --id")


def test_an_unknown_topic_option_is_refused(station_dir, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(SEEDS[0] + "\n", encoding="utf-8")
    _fails(station_dir, ["content", "add", str(path), "--topic", "vacination"],
           "unknown topic 'vacination' (did you mean 'vaccination'?); the station's topics are: covid-prevention, "
           "vaccination, policy, agriculture, general (add more under 'topics:' in station.yaml)")


def test_lang_is_still_for_clips_only(station_dir, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(SEEDS[0] + "\n", encoding="utf-8")
    _fails(station_dir, ["content", "add", str(path), "--lang", "vie"],
           f"{path}: --lang is for clips; a text names its language in its header")


def test_an_old_word_file_is_refused_with_what_to_do(station_dir, tmp_path):
    path = tmp_path / "Thông báo.doc"
    path.write_bytes(documents.OLE_MAGIC + bytes(504))
    _fails(station_dir, ["content", "add", str(path)],
           f"{path}: an old .doc document cannot be read: open it in Word or LibreOffice and save it as .docx "
           "(Word document) or .odt")


def test_a_document_dropped_in_scripts_text_is_taken_in_and_a_doc_is_named(station_dir):
    scripts = station_dir / "scripts_text"
    write_docx(scripts / "Họp thôn tháng 12.docx", w_paragraph(SEEDS[1]))
    (scripts / "cu.doc").write_bytes(documents.OLE_MAGIC + bytes(504))
    (scripts / "~$Họp thôn tháng 12.docx").write_bytes(b"\x00" * 162)  # Word's lock file, while it is open
    result = _invoke(station_dir, ["content", "list", "--wide"])
    assert result.exit_code == 0, result.output
    assert "hop-thon-thang-12" in result.output
    assert ("not in the library: " + str(scripts / "cu.doc") + ": an old .doc document cannot be "
            "read: open it in Word or LibreOffice and save it as .docx (Word document) or .odt") in result.output
    assert "~$" not in result.output
    shutil.rmtree(scripts)


def test_the_id_topic_and_title_given_on_the_command_line_stick(station_dir, tmp_path, monkeypatch):
    """The file read again on the next command (its name gives another id, its header no topic) changes
    nothing: the announcement keeps its id, topic, title and the officer's signature, and can be approved."""
    from tests.helpers import OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, with_supervisor

    with_supervisor(station_dir)
    inside = station_dir / "scripts_text" / "nhap4.txt"
    inside.write_text(SEEDS[0] + "\n", encoding="utf-8")
    outside = write_odt(tmp_path / "ban-nhap.odt", f"<text:p>{SEEDS[1]}</text:p>")
    monkeypatch.setenv("BROADCASTER_PASSPHRASE", OFFICER_PASSPHRASE)
    topic_only = station_dir / "scripts_text" / "tiem-chung.txt"
    topic_only.write_text(SEEDS[1] + "\n", encoding="utf-8")
    cases = ((inside, ["--id", "thong-bao-5k", "--title", "Chủ trương"]), (outside, ["--id", "hop-thon"]),
             (topic_only, []))
    for path, options in cases:
        result = _invoke(station_dir, ["content", "add", str(path), "--by", OFFICER, "--topic", "policy", *options])
        assert result.exit_code == 0, result.output
    listed = _invoke(station_dir, ["content", "list"])
    assert "unusable" not in listed.output and "nhap4" not in listed.output, listed.output
    for ident, title in (("thong-bao-5k", "Chủ trương"), ("hop-thon", SEEDS[1][:80]), ("tiem-chung", SEEDS[1][:80])):
        shown = _invoke(station_dir, ["content", "show", ident])
        assert shown.exit_code == 0 and "file edited" not in shown.output, shown.output
        ann = Station(station_dir).library.get(ident).announcement
        assert (ann.title, ann.topic) == (title, "policy")
        monkeypatch.setenv("BROADCASTER_PASSPHRASE", PASSPHRASE)
        result = _invoke(station_dir, ["content", "approve", ident, "--by", SUPERVISOR])
        assert (result.exit_code, result.output.splitlines()[0]) == (0, f"{ident}: approved by {SUPERVISOR}")
        monkeypatch.setenv("BROADCASTER_PASSPHRASE", OFFICER_PASSPHRASE)
    assert "nhap4" not in Station(station_dir).library.ids()


def test_a_header_edited_after_adding_wins_over_the_command_line(station_dir, tmp_path):
    path = tmp_path / "nhap.txt"
    path.write_text(SEEDS[0] + "\n", encoding="utf-8")
    assert _invoke(station_dir, ["content", "add", str(path), "--id", "nhap-5k", "--topic", "policy"]).exit_code == 0
    path.write_text("---\ntopic: general\ntitle: Khẩu hiệu\n---\n" + SEEDS[0] + "\n", encoding="utf-8")
    assert _invoke(station_dir, ["content", "show", "nhap-5k"]).exit_code == 0
    ann = Station(station_dir).library.get("nhap-5k").announcement
    assert (ann.id, ann.topic, ann.title) == ("nhap-5k", "general", "Khẩu hiệu")


def test_a_title_taken_from_the_first_line_follows_an_edit_of_that_line(station_dir, tmp_path):
    path = tmp_path / "nhap.txt"
    path.write_text("Đăk Lăk, ngày 06 tháng 8 năm 2021\nCHỈ THỊ\n" + SEEDS[0] + "\n", encoding="utf-8")
    assert _invoke(station_dir, ["content", "add", str(path)]).exit_code == 0
    assert Station(station_dir).library.get("nhap").announcement.title == "CHỈ THỊ"
    path.write_text("KẾ HOẠCH\n" + SEEDS[0] + "\n", encoding="utf-8")
    assert _invoke(station_dir, ["content", "show", "nhap"]).exit_code == 0
    assert Station(station_dir).library.get("nhap").announcement.title == "KẾ HOẠCH"
