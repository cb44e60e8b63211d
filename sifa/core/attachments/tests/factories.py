"""Real minimal files of each kind, built in memory, and an attachment factory for other tests.

Every builder takes a ``tag`` that ends up in the bytes, so tests can make content no other test
(or parallel run) stores: files are content-addressed in a storage shared by the test runs.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from typing import Any

from django.db import transaction
from PIL import Image

from sifa.core.accounts.actor import Actor
from sifa.core.attachments.models import Attachment
from sifa.core.orgs.models import Org


def unique() -> str:
    return uuid.uuid4().hex


def png_bytes(size: tuple[int, int] = (40, 20), tag: str = "", alpha: bool = False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", size, (200, 30, 30, 128) if alpha else (200, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=_png_text(tag or unique()))
    return out.getvalue()


def _png_text(tag: str) -> Any:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("sifa-test", tag)
    return info


def jpeg_bytes(size: tuple[int, int] = (64, 32), orientation: int | None = None, tag: str = "") -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    exif[0x010E] = tag or unique()  # ImageDescription: makes the content unique
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def pdf_bytes(tag: str = "") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({tag or unique()}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
            b"4 0 obj<</Length " + str(len(body)).encode() + b">>stream\n" + body + b"\nendstream endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def docx_bytes(text: str = "") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text or f"询问笔录 {unique()}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(text: str = "") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = text or unique()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in (entries or {"readme.txt": unique().encode()}).items():
            archive.writestr(name, data)
    return out.getvalue()


def ole_bytes(stream: str) -> bytes:
    """An OLE compound-file header followed by a directory entry name (enough for type detection)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + unique().encode()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode." + unique().encode()


def store_for_test(*, org: Org, case: Any = None, name: str = "测试.png", content: bytes | None = None,
                   kind: str = "evidence") -> Attachment:
    """An attachment stored the real way (storage, hashes, ledger entry) by a system actor, outside any
    service (so without an audit event)."""
    from sifa.core.attachments.store import store_attachment

    with transaction.atomic():
        return store_attachment(actor=Actor.system("test"), org=org, name=name,
                                content=content if content is not None else png_bytes(), case=case, kind=kind)
