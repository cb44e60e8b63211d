"""Upload: limits, detection by content, both hashes, content-addressed storage, thumbnails, ledger entry."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.db import transaction
from django.test import override_settings
from PIL import Image

from sifa.core.attachments import filetypes, services
from sifa.core.attachments.models import Attachment, evidence_storage
from sifa.core.attachments.services import upload_attachment
from sifa.core.attachments.store import evidence_path, open_content, store_attachment
from sifa.core.attachments.tests import factories as f
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import Case
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.models import LedgerEntry
from sifa.core.ledger.store import ledger_hash_alg, ledger_size
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db


def upload(case: Case, name: str, data: bytes, username: str = "office1", **kwargs: Any) -> Attachment:
    return upload_attachment(actor=actor_for(username), case=case, file=SimpleUploadedFile(name, data), **kwargs)


def nothing_written(case: Case, ledger_before: int, audit_before: int) -> bool:
    return (not Attachment.objects.filter(case=case).exists() and ledger_size() == ledger_before
            and AuditEvent.objects.count() == audit_before)


# --- the happy path ------------------------------------------------------------------------------


def test_upload_stores_exact_bytes_with_both_hashes_and_a_ledger_entry(office_case):
    # given
    data = f.pdf_bytes()
    audit_before = AuditEvent.objects.count()
    # when
    attachment = upload(office_case, "询问笔录.pdf", data, note="第一次询问")
    # then the row records what was received
    assert attachment.content_type == "application/pdf" and attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.sm3 == hashlib.new("sm3", data).hexdigest()
    assert attachment.name == "询问笔录.pdf" and attachment.org == office_case.org and attachment.kind == "evidence"
    assert attachment.metadata == {"note": "第一次询问"} and not attachment.thumbnail
    assert attachment.uploaded_by.username == "office1" and attachment.uploaded_by_name
    # stored content-addressed, byte for byte, through the storage API
    assert attachment.file.name == evidence_path(attachment.sha256)
    assert open_content(attachment) == data
    # the ledger entry names the file's digest in the ledger's algorithm and the case
    entry = decode_entry(bytes(LedgerEntry.objects.get(index=attachment.ledger_index).entry))
    expected = attachment.sm3 if ledger_hash_alg() == "sm3" else attachment.sha256
    assert entry.type == "attachment.added" and entry.case_id == office_case.pk and entry.object_hash == expected
    assert entry.metadata == {"attachment": attachment.pk, "name": "询问笔录.pdf", "size": len(data),
                              "content_type": "application/pdf", "sha256": attachment.sha256, "sm3": attachment.sm3,
                              "kind": "evidence", "org": office_case.org_id, "note": "第一次询问"}
    assert entry.time == attachment.uploaded_at
    # one audit event
    events = list(AuditEvent.objects.order_by("pk")[audit_before:])
    assert [e.action for e in events] == ["attachments.attachment.uploaded"]
    assert events[0].object_id == str(attachment.pk) and events[0].changes["sha256"] == attachment.sha256


def test_type_comes_from_the_content_not_the_name(office_case):
    data = f.png_bytes()
    attachment = upload(office_case, "看起来是.pdf", data)
    assert attachment.content_type == "image/png" and attachment.name == "看起来是.pdf"


@pytest.mark.parametrize(("build", "mime"), [
    (f.docx_bytes, filetypes.DOCX), (f.xlsx_bytes, filetypes.XLSX), (lambda: f.unique().encode(), filetypes.TEXT),
    (f.jpeg_bytes, filetypes.JPEG),
])
def test_office_text_and_photo_files_are_accepted(office_case, build, mime):  # type: ignore[no-untyped-def]
    data = build()
    attachment = upload(office_case, "无扩展名", data)
    assert attachment.content_type == mime and open_content(attachment) == data


def test_a_large_upload_spooled_to_disk_is_stored_exactly(office_case):
    # given an upload Django spooled to a temporary file (FileSystemStorage moves such files)
    data = f.jpeg_bytes(size=(600, 300))
    upload_file = TemporaryUploadedFile("现场.jpg", "image/jpeg", len(data), None)
    upload_file.write(data)
    upload_file.seek(0)
    # when
    attachment = upload_attachment(actor=actor_for("office1"), case=office_case, file=upload_file, kind="photo")
    upload_file.close()  # as Django does at the end of the request
    # then
    assert open_content(attachment) == data and attachment.kind == "photo"
    assert attachment.thumbnail


def test_identical_content_is_stored_once(office_case):
    data = f.pdf_bytes()
    first = upload(office_case, "a.pdf", data)
    second = upload(office_case, "b.pdf", data)
    assert first.file.name == second.file.name and first.pk != second.pk
    assert second.ledger_index == first.ledger_index + 1
    assert open_content(second) == data


def test_a_damaged_stored_copy_is_replaced_by_the_uploaded_bytes(office_case):
    # given a stored copy whose bytes no longer match its name
    data = f.pdf_bytes()
    first = upload(office_case, "a.pdf", data)
    storage = evidence_storage()
    storage.delete(first.file.name)
    storage.save(first.file.name, io.BytesIO(b"%PDF-damaged"))
    # when the same content is uploaded again
    upload(office_case, "a.pdf", data)
    # then the good bytes are back
    assert open_content(first) == data


# --- refusals: nothing is written ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "label"), [
    ("合同.pdf", f.exe_bytes, "Windows 可执行程序"),
    ("证据.zip", f.zip_bytes, "ZIP 压缩包"),
    ("页面.txt", lambda: b"<!doctype html><html><script>alert(1)</script></html>", "HTML 网页"),
    ("图.svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG 图形"),
    ("说明.txt", lambda: "中文说明".encode("gbk"), "非 UTF-8 编码的文本"),
])
def test_refused_types_name_what_was_detected_and_what_is_allowed(office_case, name, build, label):  # type: ignore[no-untyped-def]
    ledger_before, audit_before = ledger_size(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        upload(office_case, name, build())
    assert exc.value.field == "file"
    assert label in exc.value.message and "与文件名无关" in exc.value.message
    assert "允许的类型：PDF、JPEG 图片" in exc.value.message
    assert nothing_written(office_case, ledger_before, audit_before)


def test_empty_file_is_refused(office_case):
    ledger_before, audit_before = ledger_size(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        upload(office_case, "空.pdf", b"")
    assert exc.value.field == "file" and "为空" in exc.value.message
    assert nothing_written(office_case, ledger_before, audit_before)


@override_settings(SIFA_UPLOAD_MAX_BYTES=1024 * 1024)
def test_oversize_file_is_refused_naming_the_limit_in_mb(office_case):
    ledger_before, audit_before = ledger_size(), AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        upload(office_case, "大.txt", b"a" * (1024 * 1024 + 1))
    assert exc.value.field == "file" and "1 MB" in exc.value.message
    assert nothing_written(office_case, ledger_before, audit_before)
    # exactly at the limit is fine
    assert upload(office_case, "刚好.txt", b"b" * (1024 * 1024)).size == 1024 * 1024


def test_missing_file_bad_kind_and_long_note_name_their_field(office_case):
    actor = actor_for("office1")
    with pytest.raises(ValidationFailed) as exc:
        upload_attachment(actor=actor, case=office_case, file=None)
    assert exc.value.field == "file"
    with pytest.raises(ValidationFailed) as exc:
        upload(office_case, "a.pdf", f.pdf_bytes(), kind="secret")
    assert exc.value.field == "kind" and "证据材料" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        upload(office_case, "a.pdf", f.pdf_bytes(), note="长" * 501)
    assert exc.value.field == "note"


def test_permission_and_scope(office_case, other_county_actor):
    with pytest.raises(PermissionDeniedError):
        upload(office_case, "a.pdf", f.pdf_bytes(), username="reviewer")  # external_reviewer: no attachments.upload
    with pytest.raises(NotFound):
        upload(office_case, "a.pdf", f.pdf_bytes(), username="office2")  # a sibling 司法所
    with pytest.raises(NotFound):
        upload_attachment(actor=other_county_actor, case=office_case, file=SimpleUploadedFile("a.pdf", f.pdf_bytes()))
    assert not Attachment.objects.filter(case=office_case).exists()


def test_rollback_leaves_no_row_and_no_ledger_entry(office_case, monkeypatch):
    # given the service fails after the file was stored and logged
    def fail(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "record", fail)
    ledger_before = ledger_size()
    entries_before = LedgerEntry.objects.count()
    data = f.pdf_bytes()
    # when
    with pytest.raises(RuntimeError):
        upload(office_case, "a.pdf", data)
    # then nothing of it remains in the database (the orphan file is content-addressed, hence harmless)
    assert not Attachment.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists()
    assert ledger_size() == ledger_before and LedgerEntry.objects.count() == entries_before


def test_store_attachment_for_other_writers(office_case):
    actor = actor_for("office1")
    with transaction.atomic():
        attachment = store_attachment(actor=actor, org=office_case.org, name="文书.docx", content=f.docx_bytes(),
                                      case=office_case, kind="document", entry_type="document.generated",
                                      metadata={"doc_type": "notice", "number": "测〔2026〕1号"},
                                      allowed_types=[filetypes.DOCX, filetypes.PDF])
    entry = decode_entry(bytes(LedgerEntry.objects.get(index=attachment.ledger_index).entry))
    assert entry.type == "document.generated" and entry.metadata["doc_type"] == "notice"
    assert attachment.metadata == {"doc_type": "notice", "number": "测〔2026〕1号"}
    # a narrower allowlist refuses the rest and lists only what it allows
    with pytest.raises(ValidationFailed) as exc, transaction.atomic():
        store_attachment(actor=actor, org=office_case.org, name="x.png", content=f.png_bytes(),
                         allowed_types=[filetypes.DOCX])
    assert exc.value.message.endswith("允许的类型：Word 文档（.docx）")
    # reserved metadata keys are a programming error
    with pytest.raises(ValueError), transaction.atomic():
        store_attachment(actor=actor, org=office_case.org, name="x.pdf", content=f.pdf_bytes(),
                         metadata={"sha256": "forged"})


def test_name_is_cleaned_but_kept(office_case):
    attachment = upload(office_case, "C:\\fakepath\\现场\x07记录.pdf", f.pdf_bytes())
    assert attachment.name == "现场记录.pdf"


# --- thumbnails ----------------------------------------------------------------------------------------


def thumbnail_image(attachment: Attachment) -> Image.Image:
    with evidence_storage().open(attachment.thumbnail.name, "rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def test_png_gets_a_jpeg_thumbnail_of_at_most_320_px(office_case):
    attachment = upload(office_case, "大图.png", f.png_bytes(size=(800, 400), alpha=True))
    image = thumbnail_image(attachment)
    assert image.format == "JPEG" and image.size == (320, 160)


def test_jpeg_thumbnail_follows_exif_orientation(office_case):
    # orientation 6: the camera was turned, the picture must be rotated 90° to stand upright
    attachment = upload(office_case, "竖拍.jpg", f.jpeg_bytes(size=(64, 32), orientation=6))
    assert thumbnail_image(attachment).size == (32, 64)


def test_pdf_and_text_get_no_thumbnail(office_case):
    assert not upload(office_case, "a.pdf", f.pdf_bytes()).thumbnail
    assert not upload(office_case, "a.txt", f.unique().encode()).thumbnail


def test_an_image_pillow_cannot_read_is_stored_without_thumbnail(office_case):
    data = b"\x89PNG\r\n\x1a\n" + f.unique().encode() + b"\x00" * 32  # PNG signature, broken body
    attachment = upload(office_case, "坏图.png", data)
    assert attachment.content_type == "image/png" and not attachment.thumbnail and open_content(attachment) == data
