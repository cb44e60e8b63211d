"""Type detection by content, never by the file name."""

from __future__ import annotations

import io

import pytest

from sifa.core.attachments import filetypes
from sifa.core.attachments.filetypes import HEAD_BYTES, accept_attribute, detect
from sifa.core.attachments.tests import factories as f


def detected(data: bytes) -> str:
    return detect(io.BytesIO(data), data[:HEAD_BYTES])


@pytest.mark.parametrize(("build", "mime"), [
    (lambda: f.png_bytes(), filetypes.PNG),
    (lambda: f.png_bytes(alpha=True), filetypes.PNG),
    (lambda: f.jpeg_bytes(orientation=6), filetypes.JPEG),
    (lambda: f.pdf_bytes(), filetypes.PDF),
    (lambda: f.docx_bytes(), filetypes.DOCX),
    (lambda: f.xlsx_bytes(), filetypes.XLSX),
    (lambda: f.zip_bytes({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"}), filetypes.OFD),
    (lambda: f.ole_bytes("WordDocument"), filetypes.DOC),
    (lambda: f.ole_bytes("Workbook"), filetypes.XLS),
    (lambda: "询问笔录\n第一页\t完".encode(), filetypes.TEXT),
    (lambda: b"\xef\xbb\xbfUTF-8 with BOM", filetypes.TEXT),
    (lambda: b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\x00" * 64, filetypes.MP3),
    (lambda: b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x00" + b"\x00" * 64, filetypes.M4A),
    (lambda: b"#!AMR\n" + b"\x00" * 64, filetypes.AMR),
    (lambda: b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64, filetypes.MP4),
    (lambda: b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 64, filetypes.MOV),
    (lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, filetypes.HEIC),
])
def test_allowed_kinds_are_detected(build, mime):  # type: ignore[no-untyped-def]
    assert detected(build()) == mime
    assert mime in filetypes.ALLOWED_TYPES


@pytest.mark.parametrize(("build", "mime"), [
    (f.exe_bytes, "application/x-msdownload"),
    (lambda: b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "application/x-executable"),
    (lambda: f.zip_bytes(), "application/zip"),
    (lambda: f.zip_bytes({"[Content_Types].xml": b"<x/>", "ppt/presentation.xml": b"<x/>"}),
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (lambda: f.ole_bytes("PowerPoint Document"), "application/x-ole-storage"),
    (lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "text/html"),
    (lambda: b'  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "image/svg+xml"),
    (lambda: "中文文本，请另存。".encode("gbk"), "text/x-non-utf8"),
    (lambda: b"text with a NUL\x00 byte", "application/octet-stream"),
    (lambda: bytes(range(256)) * 4, "application/octet-stream"),
])
def test_refused_kinds_are_detected(build, mime):  # type: ignore[no-untyped-def]
    assert detected(build()) == mime
    assert mime not in filetypes.ALLOWED_TYPES


def test_accept_attribute_offers_camera_and_extensions():
    accept = accept_attribute()
    assert ".pdf" in accept and ".docx" in accept and "image/*" in accept and "video/*" in accept
    assert accept_attribute([filetypes.PDF]) == ".pdf"
