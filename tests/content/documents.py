"""Small but real Word and OpenDocument files for the tests, made with zipfile (as the programs lay them out)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
              'wordprocessingml.document.main+xml"/></Types>')
DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
             'officeDocument" Target="word/document.xml"/></Relationships>')
ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"')


def w_paragraph(text: str, style: str = "") -> str:
    """A Word paragraph (with a style such as Heading1 or ListParagraph), its text split into two runs."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    half = len(text) // 2
    return (f'<w:p>{props}<w:r><w:t xml:space="preserve">{escape(text[:half])}</w:t></w:r>'
            f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{escape(text[half:])}</w:t></w:r></w:p>')


def w_table(rows: list[list[str]]) -> str:
    """A Word table."""
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{w_paragraph(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/>{cells}</w:tbl>"


def docx_xml(body: str) -> str:
    """word/document.xml around ``body`` (paragraphs and tables)."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>{body}'
            '<w:sectPr/></w:body></w:document>')


def write_docx(path: Path, body: str | None = None, document_xml: str | None = None) -> Path:
    """A .docx file holding ``body`` (or the whole ``document_xml``)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("_rels/.rels", DOCX_RELS)
        z.writestr("word/document.xml", document_xml if document_xml is not None else docx_xml(body or ""))
    return path


def odt_xml(body: str) -> str:
    """content.xml around ``body`` (text:p, text:h, text:list, table:table)."""
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS} office:version="1.3">'
            f'<office:body><office:text>{body}</office:text></office:body></office:document-content>')


def write_odt(path: Path, body: str = "", content_xml: str | None = None) -> Path:
    """An .odt file: its mimetype stored first and uncompressed, as the format requires."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content_xml if content_xml is not None else odt_xml(body))
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path
