"""Word and OpenDocument files read as announcement texts: paragraphs in order, safe against what a ZIP of
XML from outside can hold."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from broadcaster.content import documents
from broadcaster.content.names import fold, id_from_name
from broadcaster.content.textfile import read_announcement
from broadcaster.errors import InputError
from tests.content.documents import docx_xml, odt_xml, w_paragraph, w_table, write_docx, write_odt

# Sentences of a real district notice (the seeds of the project's sample material).
HEADING = "KẾ HOẠCH"
SEEDS = ["Đẩy mạnh công tác thông tin, tuyên truyền phòng, chống dịch bệnh COVID-19 trong tình hình mới",
         "Thực hiện Công văn số 2624/UBND-KGVX ngày 27/5/2021 của UBND tỉnh về việc triển khai kết luận của "
         "Thủ tướng về phòng, chống dịch Covid-19;",
         "- UBND các xã, phường, thị trấn."]
DAMAGED = "open it in Word or LibreOffice and save it again as .docx or .odt"


@pytest.mark.parametrize("name,ident", [("Thông báo lịch tiêm.txt", "thong-bao-lich-tiem"),
                                        ("ĐẮK LẮK – Lịch tiêm (2).docx", "dak-lak-lich-tiem-2"),
                                        ("Ghi âm Ê Đê.m4a", "ghi-am-e-de"), ("thong-diep-5k.md", "thong-diep-5k"),
                                        ("Thứ Hai.tuần.1.odt", "thu-hai-tuan-1"), ("«»!.txt", "")])
def test_an_id_is_made_from_any_file_name(name, ident):
    assert id_from_name(name) == ident


def test_folding_drops_accents_and_case_and_makes_d_of_dj():
    assert fold("Trần Văn Đình") == fold("tran van dinh") == "tran van dinh"
    assert fold("Y Bhim Niê") != fold("Y Bhim Ni")


def test_a_word_document_gives_its_paragraphs_headings_lists_and_table_rows_in_order(tmp_path):
    body = (w_paragraph(HEADING, "Heading1") + w_paragraph(SEEDS[0]) + w_paragraph("") + w_paragraph(SEEDS[1])
            + w_table([["Thôn 1", "07:00"], ["Thôn Buôn Ja", "08:30"]]) + w_paragraph(SEEDS[2], "ListParagraph"))
    ann = read_announcement(write_docx(tmp_path / "Kế hoạch tuyên truyền.docx", body))
    assert ann.id == "ke-hoach-tuyen-truyen"
    assert ann.title == HEADING
    assert ann.variants[0].language == "vie"
    assert ann.variants[0].text == "\n".join([HEADING, SEEDS[0], "", SEEDS[1], "Thôn 1, 07:00", "Thôn Buôn Ja, 08:30",
                                              SEEDS[2]])


def test_deleted_text_and_field_codes_of_a_word_document_are_not_read(tmp_path):
    paragraph = ('<w:p><w:r><w:t>Xin chào </w:t></w:r><w:del><w:r><w:delText>bỏ đi </w:delText></w:r></w:del>'
                 '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>bà con</w:t><w:br/><w:t>thôn 3</w:t></w:r>'
                 '</w:p>')
    ann = read_announcement(write_docx(tmp_path / "chao.docx", paragraph))
    assert ann.variants[0].text == "Xin chào bà con\nthôn 3"


def test_a_text_box_is_read_once_not_also_from_its_fallback(tmp_path):
    box = ('<w:p><w:r><w:t>Lịch tiêm:</w:t></w:r><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
           'markup-compatibility/2006"><mc:Choice Requires="wps"><w:txbxContent><w:p><w:r><w:t> thứ Hai</w:t></w:r>'
           '</w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t> thứ Hai</w:t></w:r></w:p>'
           '</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    assert read_announcement(write_docx(tmp_path / "hop.docx", box)).variants[0].text == "Lịch tiêm: thứ Hai"


def test_an_opendocument_text_gives_its_paragraphs_in_order(tmp_path):
    body = (f'<text:h text:outline-level="1">{HEADING}</text:h><text:p>{SEEDS[0][:20]}<text:s text:c="2"/>'
            f'<text:span>{SEEDS[0][20:]}</text:span><text:note><text:note-body><text:p>chú thích</text:p>'
            '</text:note-body></text:note></text:p>'
            f'<text:list><text:list-item><text:p>{SEEDS[2]}</text:p></text:list-item></text:list>'
            '<table:table><table:table-header-rows><table:table-row><table:table-cell><text:p>Thôn</text:p>'
            '</table:table-cell><table:table-cell><text:p>Giờ</text:p></table:table-cell></table:table-row>'
            '</table:table-header-rows><table:table-row><table:table-cell><text:p>Thôn 1</text:p></table:table-cell>'
            '<table:table-cell><text:p>07:00</text:p></table:table-cell></table:table-row></table:table>')
    ann = read_announcement(write_odt(tmp_path / "Thông báo.odt", body))
    assert ann.id == "thong-bao"
    assert ann.variants[0].text == "\n".join([HEADING, SEEDS[0][:20] + "  " + SEEDS[0][20:], SEEDS[2], "Thôn, Giờ",
                                              "Thôn 1, 07:00"])


def test_a_header_typed_in_the_document_is_read_as_a_text_files_header(tmp_path):
    body = "".join(w_paragraph(line) for line in ["---", "id: tiem-chung", "topic: vaccination", "---", SEEDS[0]])
    ann = read_announcement(write_docx(tmp_path / "x.docx", body), ("vaccination", "general"))
    assert (ann.id, ann.topic, ann.title) == ("tiem-chung", "vaccination", SEEDS[0][:80])


def test_given_fields_come_before_the_header(tmp_path):
    path = write_odt(tmp_path / "x.odt", f"<text:p>{SEEDS[0]}</text:p>")
    ann = read_announcement(path, ("policy", "general"), {"id": "tuyen-truyen", "topic": "policy",
                                                           "title": "Tuyên truyền"})
    assert (ann.id, ann.topic, ann.title) == ("tuyen-truyen", "policy", "Tuyên truyền")


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_announcement(path)
    assert caught.value.path == path or str(caught.value.path) == str(path)
    return caught.value.message


def test_an_old_word_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "thong-bao.doc"
    path.write_bytes(documents.OLE_MAGIC + bytes(504))
    assert _refused(path) == ("an old .doc document cannot be read: open it in Word or LibreOffice and save it as "
                              ".docx (Word document) or .odt")


def test_a_password_protected_word_file_is_refused_as_such(tmp_path):
    path = tmp_path / "mat.docx"
    path.write_bytes(documents.OLE_MAGIC + bytes(504))  # Word keeps an encrypted .docx in an OLE container
    assert _refused(path).startswith("the document is protected by a password (or in the old .doc format)")


def test_an_encrypted_opendocument_is_refused_as_such(tmp_path):
    path = tmp_path / "mat.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", bytes(range(256)) * 4)
        z.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                   'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:'
                   'encryption-data/></manifest:file-entry></manifest:manifest>')
    assert _refused(path).startswith("the document is damaged (invalid XML in content.xml")


@pytest.mark.parametrize("data,reason", [
    (b"PK\x03\x04" + bytes(40), "it is not a ZIP archive"),
    (b"", "it is not a ZIP archive"),
])
def test_a_damaged_document_is_refused(tmp_path, data, reason):
    path = tmp_path / "hong.docx"
    path.write_bytes(data)
    assert _refused(path) == f"the document is damaged ({reason}): {DAMAGED}"


def test_a_cut_off_document_is_refused(tmp_path):
    whole = write_docx(tmp_path / "du.docx", w_paragraph(SEEDS[0]) * 200).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(whole[: len(whole) // 2])
    assert _refused(path) == f"the document is damaged (it is not a ZIP archive): {DAMAGED}"


def test_a_document_without_its_text_part_is_refused(tmp_path):
    path = tmp_path / "rong.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert _refused(path) == f"the document is damaged (it has no content.xml): {DAMAGED}"


def test_a_zip_bomb_is_not_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_PART_BYTES", 1_000_000)
    xml = docx_xml(w_paragraph(" " * 3_000_000))
    path = write_docx(tmp_path / "bom.docx", document_xml=xml)
    assert path.stat().st_size < 20_000
    assert _refused(path) == (f"the document is damaged (its text unpacks to {len(xml.encode())} bytes, more than "
                              f"1000000): {DAMAGED}")


def _claim_size(data: bytes, member: bytes, size: int) -> bytes:
    """The archive with ``member``'s uncompressed size, in the central directory, replaced by ``size``."""
    data = bytearray(data)
    start = data.index(b"PK\x01\x02")
    while start >= 0:
        name_len = int.from_bytes(data[start + 28:start + 30], "little")
        if data[start + 46:start + 46 + name_len] == member:
            data[start + 24:start + 28] = size.to_bytes(4, "little")
        start = data.find(b"PK\x01\x02", start + 46)
    return bytes(data)


def test_a_zip_bomb_that_lies_about_its_size_is_unpacked_no_further_than_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_PART_BYTES", 1_000_000)
    path = write_docx(tmp_path / "bom.docx", document_xml=docx_xml(w_paragraph(" " * 3_000_000)))
    path.write_bytes(_claim_size(path.read_bytes(), b"word/document.xml", 1000))
    read = []
    real_open = zipfile.ZipFile.open

    def watched(self, name, *args, **kwargs):
        f = real_open(self, name, *args, **kwargs)
        real_read = f.read
        f.read = lambda n=-1: read.append(n) or real_read(n)
        return f

    monkeypatch.setattr(zipfile.ZipFile, "open", watched)
    message = _refused(path)
    assert read == [1_000_001]  # one bounded read, whatever the header claims
    assert message in (f"the document is damaged (its text unpacks to more than 1000000 bytes): {DAMAGED}",
                       f"the document is damaged (its word/document.xml cannot be unpacked): {DAMAGED}")


def test_too_many_parts_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_MEMBERS", 10)
    path = write_docx(tmp_path / "nhieu.docx", w_paragraph(SEEDS[0]))
    with zipfile.ZipFile(path, "a") as z:
        for n in range(10):
            z.writestr(f"word/media/anh{n}.png", b"")
    assert _refused(path) == f"the document is damaged (13 parts, more than 10): {DAMAGED}"


def test_xml_entities_are_refused_not_expanded(tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "hahahahahahahaha">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
              f'<w:document xmlns:w="{documents.W[1:-1]}"><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body>'
              '</w:document>')
    path = write_docx(tmp_path / "cuoi.docx", document_xml=laughs)
    assert _refused(path) == f"the document is damaged (its XML declares entities or external references): {DAMAGED}"


def test_an_opendocument_cannot_ask_for_a_billion_spaces(tmp_path):
    path = write_odt(tmp_path / "cach.odt", '<text:p>Xin<text:s text:c="1000000000"/>chào</text:p>')
    assert read_announcement(path).variants[0].text == "Xin" + " " * documents.MAX_SPACES + "chào"


def test_an_empty_document_has_no_text_to_speak(tmp_path):
    path = write_docx(tmp_path / "trong.docx", w_paragraph("") + w_table([[""]]))
    assert _refused(path) == "there is no text to speak after the header"


def test_a_document_in_an_old_vietnamese_font_is_refused_as_legacy_text(tmp_path):
    tcvn3 = "Th«ng b¸o lÞch tiªm chñng cho bµ con th«n B×nh Minh"  # TCVN3 bytes shown in a Unicode font
    assert _refused(write_docx(tmp_path / "cu.docx", w_paragraph(tcvn3))).startswith(
        "the text looks like the old TCVN3 encoding")


def test_odt_xml_builder_is_valid_xml():
    # the helper itself must make what LibreOffice makes: a parseable content.xml with the text body
    from defusedxml.ElementTree import fromstring

    root = fromstring(odt_xml("<text:p>x</text:p>"))
    assert root.find(f"{documents.OFFICE_NS}body/{documents.OFFICE_NS}text") is not None
