"""Texts as officers really have them: every accepted encoding gives the same NFC text; legacy ones are refused."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from broadcaster.content.decoding import decode_announcement_text, is_syllable
from broadcaster.content.textfile import read_announcement
from broadcaster.errors import InputError

TEXT = ("Kính thưa bà con nhân dân xã Ea Tu! Thực hiện thông điệp 5K của Bộ Y tế: Khẩu trang, Khử khuẩn, "
        "Khoảng cách, Không tụ tập, Khai báo y tế. Ủy ban nhân dân xã đề nghị người dân đi tiêm vắc-xin.")
TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows tools write it: base letters, with tones as combining marks."""
    out = b""
    for c in unicodedata.normalize("NFC", text):
        try:
            out += c.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", c)
            base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONES))
            out += (base + "".join(m for m in parts if m in TONES)).encode("cp1258")
    return out


# TCVN3 (ABC) and VNI text as it looks when read as Windows-1252: what arrives from old Word files.
TCVN3 = "KÝnh th­a bµ con nh©n d©n x· Ea Tu! Thùc hiÖn th«ng ®iÖp 5K cña Bé Y tÕ: KhÈu trang, Khö khuÈn."
VNI = "Kính thöa baø con nhaân daân xaõ Ea Tu! Thöïc hieän thoâng ñieäp 5K cuûa Boä Y teá: Khaåu trang."


@pytest.mark.parametrize("name,data,encoding", [
    ("utf-8", TEXT.encode("utf-8"), "utf-8"),
    ("utf-8 with BOM", b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
    ("utf-8 decomposed (NFD)", unicodedata.normalize("NFD", TEXT).encode("utf-8"), "utf-8"),
    ("utf-16 with BOM", TEXT.encode("utf-16"), "utf-16"),
    ("utf-16-le without BOM", TEXT.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be without BOM", TEXT.encode("utf-16-be"), "utf-16-be"),
    ("windows-1258", cp1258(TEXT), "windows-1258"),
    ("windows-1258 with CRLF", cp1258(TEXT + "\r\n" + TEXT), "windows-1258"),
])
def test_accepted_encodings_give_the_same_nfc_text(name, data, encoding):
    text, found = decode_announcement_text(data, Path("x.md"))
    assert found == encoding
    assert text.split("\n")[0] == TEXT
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("legacy,name", [(TCVN3, "TCVN3"), (VNI, "VNI")])
@pytest.mark.parametrize("encode", [lambda s: s.encode("cp1252"), lambda s: s.encode("utf-8")],
                         ids=["as bytes", "as unicode lookalikes"])
def test_legacy_font_encodings_are_refused_with_how_to_convert(legacy, name, encode):
    with pytest.raises(InputError) as err:
        decode_announcement_text(encode(legacy), Path("cu.txt"))
    assert str(err.value) == (f"cu.txt: the text looks like the old {name} encoding, not Unicode; convert it "
                              f"with Unikey (Công cụ chuyển mã: from {name} to Unicode) and save it as UTF-8")


# Sentences of provincial plans for COVID-19 information work (Đắk Lắk, Đắk Nông, 2021), and the first of
# them in Russian and in French: what arrives in KOI8-R, Windows-1251 or Latin-1 is text of another language.
PLAN = ("Thực hiện chủ trương chung của Đảng và Nhà nước về triển khai đồng bộ các biện pháp phòng, chống dịch "
        "COVID-19, công tác thông tin, tuyên truyền đã phát huy vai trò quan trọng, góp phần vào việc tăng cường "
        "đồng thuận xã hội.\nPhòng, chống dịch COVID-19 là nhiệm vụ cấp bách, quan trọng hiện nay của các cấp, "
        "ngành và địa phương trên toàn tỉnh Đắk Lắk.\nĐắk Nông, ngày 27 tháng 5 năm 2021.")
PLAN_RU = ("Во исполнение общей политики Партии и государства по синхронному внедрению мер профилактики и борьбы с "
           "эпидемией COVID-19 информационная и пропагандистская работа сыграла важную роль.")
PLAN_FR = ("Conformément à la politique du Parti et de l'État sur la mise en place des mesures de prévention de "
           "l'épidémie de COVID-19, le travail d'information a joué un rôle important.")
NOT_VIETNAMESE = ("not Vietnamese text in a known encoding: not UTF-8 (byte 0x{byte:02x}), nor Windows-1258, TCVN3 or "
                  "VNI; save it as UTF-8")


def test_windows_1258_plans_are_accepted():
    plan = PLAN + "\nGiá “vắc-xin” 50.000₫; sốt trên 37,5°C – đến trạm y tế…"
    text, found = decode_announcement_text(cp1258(plan), Path("ke-hoach.txt"))
    assert (text, found) == (plan, "windows-1258")


def test_legacy_text_with_word_quotes_is_still_recognised():
    with pytest.raises(InputError, match="the old TCVN3 encoding"):
        decode_announcement_text(f"“{TCVN3}” – “{TCVN3}”".encode("cp1252"), Path("cu.txt"))


@pytest.mark.parametrize("text,encoding", [(PLAN_RU, "koi8-r"), (PLAN_RU, "cp1251"), (PLAN_RU, "cp866"),
                                           (PLAN_RU, "mac-cyrillic"), (PLAN_FR, "latin-1"), (PLAN_FR, "cp1252"),
                                           (PLAN_FR, "mac-roman")])
def test_other_8_bit_text_is_not_called_a_vietnamese_encoding(text, encoding):
    data = ("Kế hoạch\n".encode("ascii", "replace") + text.encode(encoding))
    first = next(b for b in data if b > 127)
    with pytest.raises(InputError) as err:
        decode_announcement_text(data, Path("ke-hoach.txt"))
    assert (err.value.message, err.value.line) == (NOT_VIETNAMESE.format(byte=first), 2)


def test_another_language_in_unicode_is_not_called_a_legacy_encoding():
    polish = ("Kế hoạch\nZapobieganie epidemii COVID-19 i walka z nią są pilnym i ważnym zadaniem wszystkich "
              "szczebli władzy, branż i miejscowości prowincji.")
    with pytest.raises(InputError) as err:
        decode_announcement_text(polish.encode(), Path("ke-hoach.md"))
    assert (err.value.message, err.value.line) == (
        "letters that are not Vietnamese ('ążłś') in much of the text: a Vietnamese voice cannot read it; record a "
        "clip for texts in other languages", 2)


@pytest.mark.parametrize("encoding", ["koi8-r", "cp1251", "latin-1", "cp1252", "cp1250", "ascii"])
def test_vietnamese_saved_in_a_code_page_without_its_letters_is_refused(encoding):
    with pytest.raises(InputError) as err:
        decode_announcement_text(("Kế hoạch\n" + PLAN).encode(encoding, errors="replace"), Path("ke-hoach.txt"))
    assert (err.value.message, err.value.line) == (
        "Vietnamese letters are lost: '?' stands for them in words such as 'ho?ch', 'Th?c', 'hi?n'; the file was saved "
        "in an encoding without them: save it again from the original as UTF-8", 1)


def test_question_marks_of_a_real_text_are_kept():
    text = "Bà con đã tiêm chưa? Xem lịch tại https://ubnd.vn/lich?xa=ea-tu&tuan=48 nhé?Cảm ơn."
    assert decode_announcement_text(text.encode(), Path("hoi.md"))[0] == text


@pytest.mark.parametrize("word", ["người", "Nghiêng", "khuyến", "giữa", "quyết", "Đắk", "thuở", "xoong", "ĐẢNG"])
def test_vietnamese_syllables(word):
    assert is_syllable(word)


@pytest.mark.parametrize("word", ["été", "Bevölkerung", "rôle", "ïđèâå", "hiÖn", "nhaân", "thöa", "bµ"])
def test_not_vietnamese_syllables(word):
    assert not is_syllable(word)


def test_nfd_and_nfc_files_hash_the_same(tmp_path):
    header = "---\nid: thong-diep-5k\ntitle: Thông điệp 5K\n---\n"
    (tmp_path / "a.md").write_text(header + TEXT, encoding="utf-8")
    (tmp_path / "b.md").write_bytes(unicodedata.normalize("NFD", header + TEXT).encode("utf-8"))
    a, b = read_announcement(tmp_path / "a.md"), read_announcement(tmp_path / "b.md")
    assert a.content_fingerprint() == b.content_fingerprint()
    assert a.title == b.title == "Thông điệp 5K"


@pytest.mark.parametrize("data,message,line", [
    (b"", "there is no text to speak after the header", 1),
    (b"   \n\t\n  ", "there is no text to speak after the header", 1),
    (b"---\nid: trong\n---\n\n", "there is no text to speak after the header", 4),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "this is a binary file, not a text", 1),
    ("Thông báo\nngày 27/3\x07 năm 2020".encode(), "a control character (U+0007) that cannot be read aloud", 2),
    ("Thông báo\n公告 về dịch".encode(), "letters of another script ('公告') that a Vietnamese voice cannot read; "
                                       "record a clip for texts in other scripts", 2),
    ("---\nid: Thông-báo\n---\nNội dung".encode(), "'Thông-báo' is not a usable id: use lower-case letters "
                                                  "without accents, digits and '-' (e.g. thong-diep-5k)", 2),
    ("---\nid: a\nlanguage: rad\n---\nNội dung".encode(), "no speech engine speaks 'rad': record a clip in that "
                                                         "language and add it with 'broadcaster content add CLIP "
                                                         "--id ID --lang rad'", 3),
    ("---\nid: a\nvalid_from: 2026-12-01\nvalid_until: 2026-11-01\n---\nNội dung".encode(),
     "valid_until is before valid_from", 4),
    ("---\nid: a\nvalid_until: 31/11/2026\n---\nNội dung".encode(),
     "valid_until '31/11/2026' is not a date; expected YYYY-MM-DD or DD/MM/YYYY such as 2026-12-31 or 31/12/2026", 3),
    ("---\nid: a\ntitel: Sai\n---\nNội dung".encode(),
     "unknown key 'titel' in the header (did you mean 'title'?); expected one of: author, id, language, notes, "
     "title, topic, valid_from, valid_until", 3),
    ("---\nid: a\nNội dung".encode(), "the header that starts with '---' is never closed by another '---' line", 1),
])
def test_refused_texts_name_file_line_and_reason(tmp_path, data, message, line):
    path = tmp_path / "thong-bao.md"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_announcement(path)
    assert (err.value.message, err.value.line) == (message, line)
    assert err.value.path == path


def test_a_one_megabyte_text_is_refused(tmp_path):
    path = tmp_path / "dai.md"
    path.write_text("Kính thưa bà con. " * 60_000, encoding="utf-8")
    with pytest.raises(InputError, match="more than the 200000 an announcement text may have"):
        read_announcement(path)
