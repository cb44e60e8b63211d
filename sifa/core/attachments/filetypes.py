"""What a file is, judged by its bytes (never by its name), and which kinds sifa accepts as evidence.

``detect(f, head)`` returns a MIME type for any input and never raises; the caller compares it with
an allowlist (:data:`ALLOWED_TYPES`, or a narrower one). Detection uses the ``filetype`` package for
magic numbers and adds checks where it is weak:

* PDF: the ``%PDF-`` header;
* ZIP containers are opened and their entries read: ``word/`` → .docx, ``xl/`` → .xlsx,
  ``OFD.xml`` → OFD (GB/T 33190); any other ZIP (.pptx, .apk, plain archives) is refused as a ZIP;
* OLE compound files (Office 97-2003): the ``WordDocument`` stream → .doc, ``Workbook``/``Book`` → .xls;
  anything else (.ppt, .msi) is refused;
* text: strict UTF-8 without control characters; text starting with HTML, SVG or XML markup is
  refused (it could run script if ever rendered), and text in another encoding (GBK) is refused
  with a hint to save it as UTF-8.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from typing import IO

import filetype

HEAD_BYTES = 8192  # what ``filetype`` looks at
_READ = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    mime: str
    label: str
    extensions: tuple[str, ...]


PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
HEIC = "image/heic"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
TEXT = "text/plain"
MP3 = "audio/mpeg"
M4A = "audio/mp4"
AMR = "audio/amr"
MP4 = "video/mp4"
MOV = "video/quicktime"
OFD = "application/ofd"

#: Types accepted by default, in the order they are listed to users.
ALLOWED_TYPES: dict[str, FileType] = {t.mime: t for t in (
    FileType(PDF, "PDF", (".pdf",)),
    FileType(JPEG, "JPEG 图片", (".jpg", ".jpeg")),
    FileType(PNG, "PNG 图片", (".png",)),
    FileType(GIF, "GIF 图片", (".gif",)),
    FileType(WEBP, "WebP 图片", (".webp",)),
    FileType(HEIC, "HEIC 图片", (".heic", ".heif")),
    FileType(DOCX, "Word 文档（.docx）", (".docx",)),
    FileType(XLSX, "Excel 表格（.xlsx）", (".xlsx",)),
    FileType(DOC, "Word 97-2003 文档（.doc）", (".doc",)),
    FileType(XLS, "Excel 97-2003 表格（.xls）", (".xls",)),
    FileType(OFD, "OFD 版式文件", (".ofd",)),
    FileType(TEXT, "纯文本（UTF-8）", (".txt",)),
    FileType(MP3, "MP3 音频", (".mp3",)),
    FileType(M4A, "M4A 音频", (".m4a",)),
    FileType(AMR, "AMR 录音", (".amr",)),
    FileType(MP4, "MP4 视频", (".mp4",)),
    FileType(MOV, "MOV 视频（手机拍摄）", (".mov",)),
)}

#: Images Pillow can read for a thumbnail (HEIC needs a plugin sifa does not ship).
THUMBNAIL_TYPES = frozenset({JPEG, PNG, GIF, WEBP})

_REFUSED_LABELS = {
    "application/x-msdownload": "Windows 可执行程序",
    "application/x-executable": "Linux 可执行程序",
    "application/x-mach-binary": "macOS 可执行程序",
    "application/zip": "ZIP 压缩包",
    "application/x-rar-compressed": "RAR 压缩包",
    "application/x-7z-compressed": "7z 压缩包",
    "application/gzip": "gzip 压缩包",
    "application/x-tar": "tar 归档",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint 演示文稿",
    "application/x-ole-storage": "其他 OLE 复合文档（如 .ppt、.msi）",
    "text/html": "HTML 网页",
    "image/svg+xml": "SVG 图形",
    "application/xml": "XML 文件",
    "text/x-non-utf8": "非 UTF-8 编码的文本（可能为 GBK）",
    "application/octet-stream": "无法识别的二进制内容",
}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # controls other than tab, newlines, form feed
_MARKUP = (("<svg", "image/svg+xml"), ("<!doctype html", "text/html"), ("<html", "text/html"),
           ("<script", "text/html"), ("<head", "text/html"), ("<body", "text/html"), ("<iframe", "text/html"),
           ("<?xml", "application/xml"))
_FILETYPE_ALIASES = {"image/apng": PNG}


def label_of(mime: str) -> str:
    """The Chinese name of a detected type (allowed or not)."""
    known = ALLOWED_TYPES.get(mime)
    return known.label if known else _REFUSED_LABELS.get(mime, mime)


def allowed_labels(allowed: Collection[str]) -> str:
    return "、".join(label_of(m) for m in allowed)


def accept_attribute(allowed: Collection[str] | None = None) -> str:
    """The ``accept`` attribute of a file input for these types (extensions, plus image/* etc. so
    that phones offer the camera and the recorder)."""
    types = [ALLOWED_TYPES[m] for m in (allowed if allowed is not None else ALLOWED_TYPES) if m in ALLOWED_TYPES]
    parts = [ext for t in types for ext in t.extensions]
    for family in ("image", "audio", "video"):
        if any(t.mime.startswith(family + "/") for t in types):
            parts.append(family + "/*")
    return ",".join(parts)


def detect(f: IO[bytes], head: bytes) -> str:
    """The MIME type of the content of ``f`` (seekable, read from the start); ``head`` is its first
    :data:`HEAD_BYTES` bytes. Never raises: unknown content is ``application/octet-stream``."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(f)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(f)
    guess = filetype.guess(head)
    if guess is not None:
        return _FILETYPE_ALIASES.get(guess.mime, guess.mime)
    return _text_kind(f)


def _zip_kind(f: IO[bytes]) -> str:
    try:
        f.seek(0)
        with zipfile.ZipFile(f) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "application/zip"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("ppt/") for n in names):
            return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    if "OFD.xml" in names:
        return OFD
    return "application/zip"


def _ole_kind(f: IO[bytes]) -> str:
    """.doc and .xls by the name of their main stream in the compound file's directory (UTF-16LE)."""
    found = _find_any(f, ("WordDocument".encode("utf-16-le"), "Workbook".encode("utf-16-le"),
                          "Book\x00".encode("utf-16-le")))
    if 0 in found:
        return DOC
    if 1 in found or 2 in found:
        return XLS
    return "application/x-ole-storage"


def _find_any(f: IO[bytes], needles: tuple[bytes, ...]) -> set[int]:
    """Indexes of the needles that occur anywhere in ``f`` (read in blocks, overlapping at the seams)."""
    found: set[int] = set()
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    f.seek(0)
    while block := f.read(_READ):
        window = tail + block
        found |= {i for i, n in enumerate(needles) if n in window}
        tail = window[-overlap:]
    return found


def _text_kind(f: IO[bytes]) -> str:
    """``text/plain`` for UTF-8 text, a markup type for HTML/SVG/XML, else a refused kind."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    start = ""
    f.seek(0)
    try:
        while block := f.read(_READ):
            text = decoder.decode(block)
            if _CONTROL_CHARS.search(text):
                return "application/octet-stream"
            if len(start) < 2048:
                start += text[: 2048 - len(start)]
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _non_utf8_kind(f)
    lead = start.lstrip().lower()
    if lead.startswith("<"):
        for tag, mime in _MARKUP:
            if tag in lead:
                return mime
    return TEXT


def _non_utf8_kind(f: IO[bytes]) -> str:
    f.seek(0)
    sample = f.read(64 * 1024)
    try:
        text = codecs.getincrementaldecoder("gb18030")(errors="strict").decode(sample)  # a cut last character is fine
    except UnicodeDecodeError:
        return "application/octet-stream"
    if _CONTROL_CHARS.search(text):
        return "application/octet-stream"
    return "text/x-non-utf8"
