"""Texts in the word processors' files officers save: Word (.docx) and OpenDocument (.odt). Both are ZIP
archives of XML from outside the station, so the archive is checked before anything is unpacked (its size,
its number of members, the unpacked size of the one part read: no zip bomb) and the XML is parsed only by
defusedxml (no entities, no external references). The paragraphs come out in order, one a line: headings,
list items, and each table row as its cells joined by ', '."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from broadcaster.errors import InputError
from broadcaster.messages import t

if TYPE_CHECKING:  # the archive and XML modules load when a document is read: listing and planning need neither
    import zipfile
    from xml.etree.ElementTree import Element

DOCUMENT_EXTENSIONS = (".docx", ".odt")
OLD_FORMATS = (".doc", ".rtf", ".wps")  # binary Word and its cousins: not read, saved again as .docx
MAX_DOCUMENT_BYTES = 20_000_000  # the file (read by the caller): a notice with a few photos stays well under this
MAX_MEMBERS = 1_000  # parts in the archive (a real notice has a few dozen)
MAX_PART_BYTES = 10_000_000  # the unpacked XML of the text (a 200-page document is about 5 MB)
PART = {".docx": "word/document.xml", ".odt": "content.xml"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Word, and Word's password-protected .docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def is_document(path: Path) -> bool:
    """Whether ``path`` is named as a word processor's file (read here, or refused with what to do)."""
    return path.suffix.lower() in DOCUMENT_EXTENSIONS + OLD_FORMATS


def document_text(path: Path, data: bytes) -> str:
    """The text of a .docx or .odt file (``data``, its bytes), one paragraph a line; InputError saying what
    to do for an old .doc, a password-protected or damaged document."""
    suffix = path.suffix.lower()
    save_again = _save_again()
    if suffix in OLD_FORMATS:
        raise InputError(t("an old {format} document cannot be read: {what}", format=suffix, what=save_again),
                         path=path)
    if data.startswith(OLE_MAGIC):
        raise InputError(t("the document is protected by a password (or in the old .doc format): remove the "
                           "password, or {what}", what=save_again), path=path)
    archive = _open(path, data)
    part = _member(archive, path, PART[suffix])
    root = _parse(archive, part, path)
    lines = _docx_lines(root) if suffix == ".docx" else _odt_lines(root, _encrypted(archive))
    if lines is None:
        raise InputError(t("the document is protected by a password: remove the password, or {what}",
                           what=save_again), path=path)
    return "\n".join(lines)


def _save_again() -> str:
    return t("open it in Word or LibreOffice and save it as .docx (Word document) or .odt")


def _damaged(path: Path, reason: str) -> InputError:
    return InputError(t("the document is damaged ({reason}): open it in Word or LibreOffice and save it again as "
                        ".docx or .odt", reason=reason), path=path)


def _open(path: Path, data: bytes) -> zipfile.ZipFile:
    """The archive, once its size and number of members are within bounds."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError):
        raise _damaged(path, t("it is not a ZIP archive")) from None
    if len(members) > MAX_MEMBERS:
        raise _damaged(path, t("{n} parts, more than {limit}", n=len(members), limit=MAX_MEMBERS))
    return archive


def _member(archive: zipfile.ZipFile, path: Path, name: str) -> zipfile.ZipInfo:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _damaged(path, t("it has no {part}", part=name)) from None
    if info.flag_bits & 0x1:
        raise InputError(t("the document is protected by a password: remove the password, or {what}",
                           what=_save_again()), path=path)
    if info.file_size > MAX_PART_BYTES:
        raise _damaged(path, t("its text unpacks to {size} bytes, more than {limit}", size=info.file_size,
                               limit=MAX_PART_BYTES))
    return info


def _parse(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> Element:
    """The part's XML, unpacked no further than MAX_PART_BYTES whatever its header claims, parsed safely."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    try:
        with archive.open(info) as f:
            xml = f.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
        raise _damaged(path, t("its {part} cannot be unpacked", part=info.filename)) from None
    if len(xml) > MAX_PART_BYTES:
        raise _damaged(path, t("its text unpacks to more than {limit} bytes", limit=MAX_PART_BYTES))
    try:
        return safe_xml.fromstring(xml)
    except DefusedXmlException:
        raise _damaged(path, t("its XML declares entities or external references")) from None
    except ParseError as exc:
        raise _damaged(path, t("invalid XML in {part}, line {line}", part=info.filename, line=exc.position[0])) \
            from None


def _encrypted(archive: zipfile.ZipFile) -> bool:
    """Whether an OpenDocument file is encrypted (its manifest says so; its content.xml is then not XML)."""
    import zipfile
    import zlib

    try:
        return b"encryption-data" in archive.open("META-INF/manifest.xml").read(MAX_PART_BYTES)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):
        return False


def _docx_lines(root: Element) -> list[str]:
    body = root.find(f"{W}body")
    return [] if body is None else list(_docx_blocks(body))


def _docx_blocks(element: Element):
    """Lines of the paragraphs and table rows under ``element``, in document order."""
    for child in element:
        if child.tag == f"{W}p":
            yield _docx_runs(child)
        elif child.tag == f"{W}tbl":
            for row in child.findall(f"{W}tr"):
                cells = [" ".join(filter(None, (_docx_runs(p) for p in cell.iter(f"{W}p"))))
                         for cell in row.findall(f"{W}tc")]
                yield ", ".join(c for c in cells if c)
        else:  # content controls, insertions of tracked changes: their paragraphs count
            yield from _docx_blocks(child)


def _docx_runs(paragraph: Element) -> str:
    """A paragraph's text: w:t, tabs and breaks; deleted text and field codes left out (other tags)."""
    parts: list[str] = []
    _docx_walk(paragraph, parts)
    return "".join(parts).strip()


def _docx_walk(element: Element, parts: list[str]) -> None:
    for node in element:
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif node.tag != f"{MC}Fallback":  # a text box is there twice: as drawn, and for older Words
            _docx_walk(node, parts)


def _odt_lines(root: Element, encrypted: bool) -> list[str] | None:
    text = root.find(f"{OFFICE_NS}body/{OFFICE_NS}text")
    if text is None:
        return None if encrypted else []
    return list(_odt_blocks(text))


def _odt_blocks(element: Element):
    for child in element:
        if child.tag in (f"{TEXT_NS}p", f"{TEXT_NS}h"):
            yield _odt_inline(child).strip()
        elif child.tag == f"{TABLE_NS}table":
            for row in _odt_rows(child):
                cells = [" ".join(filter(None, (_odt_inline(p).strip() for p in cell.iter(f"{TEXT_NS}p"))))
                         for cell in row.findall(f"{TABLE_NS}table-cell")]
                yield ", ".join(c for c in cells if c)
        elif child.tag != f"{TEXT_NS}tracked-changes":  # lists, sections: their paragraphs count
            yield from _odt_blocks(child)


def _odt_rows(table: Element):
    """A table's rows, those in header-rows and row groups included (not those of tables nested in cells)."""
    for child in table:
        if child.tag == f"{TABLE_NS}table-row":
            yield child
        elif child.tag in (f"{TABLE_NS}table-header-rows", f"{TABLE_NS}table-rows", f"{TABLE_NS}table-row-group"):
            yield from _odt_rows(child)


MAX_SPACES = 100  # a text:s of a billion spaces is a bomb of its own
SKIPPED_ODT = {f"{TEXT_NS}note", f"{OFFICE_NS}annotation", f"{TEXT_NS}tracked-changes"}


def _odt_inline(element: Element) -> str:
    """The text of a paragraph: spans and links read through, text:s as spaces, tabs, line breaks; notes and
    comments left out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{TEXT_NS}s":
            count = child.get(f"{TEXT_NS}c", "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, MAX_SPACES))
        elif child.tag == f"{TEXT_NS}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT_NS}line-break":
            parts.append("\n")
        elif child.tag not in SKIPPED_ODT:
            parts.append(_odt_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)
