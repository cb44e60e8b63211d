"""``check_files``: a changed byte, a changed row or a missing file is found and named; any storage works."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from sifa.core.attachments.models import Attachment, evidence_storage
from sifa.core.attachments.services import upload_attachment
from sifa.core.attachments.store import open_content
from sifa.core.attachments.tests import factories as f
from sifa.core.attachments.verify import check_files
from sifa.core.ledger.store import ledger_hash_alg
from sifa.core.ledger.verifier import LedgerTampered
from sifa.core.testing import actor_for, client_for

pytestmark = pytest.mark.django_db


def replace_stored(attachment: Attachment, data: bytes) -> None:
    """Overwrite the stored file through the storage API (what an intruder with storage access could do)."""
    storage = evidence_storage()
    storage.delete(attachment.file.name)
    assert storage.save(attachment.file.name, io.BytesIO(data)) == attachment.file.name


def test_intact_files_pass(office_case):
    mine = [f.store_for_test(org=office_case.org, case=office_case, name=f"{i}.pdf", content=f.pdf_bytes())
            for i in range(3)]
    assert check_files(hash_alg=ledger_hash_alg()) >= 3
    assert check_files(hash_alg=ledger_hash_alg(), attachments=mine) == 3


def test_one_flipped_byte_is_found_and_named(office_case):
    # given a stored file with one byte changed
    data = (f.unique() + " 询问笔录正文").encode()
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="询问笔录.txt", content=data)
    tampered = bytearray(open_content(attachment))
    tampered[5] ^= 0x01
    replace_stored(attachment, bytes(tampered))
    # when / then
    with pytest.raises(LedgerTampered) as exc:
        check_files(hash_alg=ledger_hash_alg())
    assert str(exc.value) == f"附件 #{attachment.pk}「询问笔录.txt」的文件内容与登记的哈希不符"


def test_a_row_rewritten_to_match_a_swapped_file_is_caught_by_the_ledger(office_case):
    # given an intruder swapped the file AND rewrote the row's hashes to match it
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="合同.pdf", content=f.pdf_bytes())
    forged = f.pdf_bytes()
    replace_stored(attachment, forged)
    other = f.store_for_test(org=office_case.org, name="forged.pdf", content=forged)
    Attachment.objects.filter(pk=attachment.pk).update(sha256=other.sha256, sm3=other.sm3, size=other.size)
    attachment.refresh_from_db()
    # when / then the ledger entry written at upload still names the original digest
    with pytest.raises(LedgerTampered) as exc:
        check_files(hash_alg=ledger_hash_alg(), attachments=[attachment])
    assert str(exc.value) == (f"附件 #{attachment.pk}「合同.pdf」的文件内容与第 {attachment.ledger_index} "
                              f"条存证登记的哈希不符")


def test_pointing_at_another_entry_is_caught(office_case):
    first = f.store_for_test(org=office_case.org, case=office_case, name="a.pdf", content=f.pdf_bytes())
    second = f.store_for_test(org=office_case.org, case=office_case, name="b.pdf", content=open_content(first))
    Attachment.objects.filter(pk=second.pk).update(ledger_index=first.ledger_index)
    second.refresh_from_db()
    with pytest.raises(LedgerTampered, match="另一份附件"):
        check_files(hash_alg=ledger_hash_alg(), attachments=[second])


def test_missing_file_and_missing_entry_are_named(office_case):
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="丢失.pdf", content=f.pdf_bytes())
    Attachment.objects.filter(pk=attachment.pk).update(ledger_index=None)
    attachment.refresh_from_db()
    with pytest.raises(LedgerTampered, match="没有存证记录"):
        check_files(hash_alg=ledger_hash_alg(), attachments=[attachment])
    evidence_storage().delete(attachment.file.name)
    with pytest.raises(LedgerTampered, match=f"附件 #{attachment.pk}「丢失.pdf」的文件缺失"):
        check_files(hash_alg=ledger_hash_alg(), attachments=[attachment])


IN_MEMORY = {**settings.STORAGES, "evidence": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


@override_settings(STORAGES=IN_MEMORY)
def test_any_storage_backend_works_store_download_verify(office_case):
    """Only the storage API is used: the whole cycle runs on Django's InMemoryStorage."""
    # given
    data = f.png_bytes(size=(500, 500))
    assert type(evidence_storage()).__name__ == "InMemoryStorage"
    # when storing
    attachment = upload_attachment(actor=actor_for("office1"), case=office_case,
                                   file=SimpleUploadedFile("内存.png", data))
    # then the bytes and the thumbnail are in memory, not on disk
    assert evidence_storage().exists(attachment.file.name) and evidence_storage().exists(attachment.thumbnail.name)
    assert not FileSystemStorage(location=settings.MEDIA_ROOT).exists(attachment.file.name)
    # download through the page
    response = client_for("office1").get(f"/attachments/{attachment.pk}/download/")
    assert b"".join(response.streaming_content) == data
    assert client_for("office1").get(f"/attachments/{attachment.pk}/thumbnail/").status_code == 200
    # verify, then tamper and verify again
    assert check_files(hash_alg=ledger_hash_alg(), attachments=[attachment]) == 1
    replace_stored(attachment, data[:-1] + bytes([data[-1] ^ 0xFF]))
    with pytest.raises(LedgerTampered, match=f"附件 #{attachment.pk}「内存.png」"):
        check_files(hash_alg=ledger_hash_alg(), attachments=[attachment])


def test_sifa_verify_all_checks_stored_files_and_names_the_tampered_one(office_case):
    # given
    from django.core.management import CommandError, call_command

    attachment = f.store_for_test(org=office_case.org, case=office_case, name="现场照片.png", content=f.png_bytes(tag=f.unique()))
    out = io.StringIO()
    call_command("verify", "--all", stdout=out)
    assert "个附件文件" in out.getvalue()
    # when one byte of the stored file changes
    tampered = bytearray(open_content(attachment))
    tampered[-5] ^= 0x01
    replace_stored(attachment, bytes(tampered))
    # then the command fails naming it
    with pytest.raises(CommandError, match=f"附件 #{attachment.pk}「现场照片.png」的文件内容与登记的哈希不符"):
        call_command("verify", "--all", stdout=io.StringIO())
