"""Issue #4 end to end: evidence uploaded to a case, a document generated, a grant issued to the
court's reviewer, who opens the read-only page, downloads the evidence package, and ``sifa verify``
checks it offline — and refuses it once one byte of a file in it is changed."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

from django.core.management import call_command

from sifa.core.attachments.models import Attachment
from sifa.core.cases.models import Case
from sifa.core.cases.services import open_case
from sifa.core.documents.models import GeneratedDocument
from sifa.core.ledger.auditbatch import seal_all
from sifa.core.testing import actor_for
from tests.e2e.conftest import E2E, REPO_ROOT


def _png() -> bytes:
    """A real 8×8 PNG (red), built by hand so the test needs no image file."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _sifa_verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sifa", "verify", *args], capture_output=True, text=True,  # noqa: S603
                          timeout=120, cwd=REPO_ROOT, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "sifa.project.settings_test"})


def test_evidence_document_grant_review_and_offline_verification(e2e: E2E, tmp_path: Path) -> None:
    page = e2e.page
    case = open_case(actor=actor_for("county"), case_type="test_case", title="李某不服处罚决定申请复议")

    # the county clerk uploads a photo named .pdf: it is stored as what its bytes are
    e2e.login("county")
    e2e.goto(f"/cases/{case.pk}/")
    page.set_input_files("#attachment-file", {"name": "现场照片.pdf", "mimeType": "application/pdf", "buffer": _png()})
    page.fill("#attachment-note", "现场检查照片")
    e2e.submit("#attachment-upload button[type=submit]")
    evidence = Attachment.objects.get(case=case, kind="evidence")
    assert evidence.content_type == "image/png" and evidence.ledger_index is not None
    assert page.locator("#attachment-list").inner_text().count("现场照片") == 1

    # and generates the acceptance notice
    page.select_option("#document-type", "test_acceptance_notice")
    e2e.submit("#document-generate button[type=submit]")
    document = GeneratedDocument.objects.get(case=case)
    assert document.number in page.locator("#document-list").inner_text()

    # and issues a grant to the court's reviewer
    page.click("#grant-issue summary")
    page.fill("#grant-grantee", "reviewer")
    page.fill("#grant-note", "行政诉讼审查")
    e2e.submit('#grant-issue button[type=submit]')
    assert page.locator("#grant-issued").count() == 1
    e2e.goto(f"/cases/{case.pk}/")
    assert page.locator("#grant-list [data-grant], #grant-list .list-group-item").count() >= 1
    e2e.shot("evidence-case-page", phone=True)
    e2e.submit('form[action="/accounts/logout/"] button')

    # the reviewer finds the case among the grants and sees every item verified
    e2e.login("reviewer")
    e2e.menu("授权查阅")
    e2e.submit(f'#my-grants a:has-text("{case.number}")')
    items = page.locator("#review-items [data-attachment]")
    assert items.count() == Attachment.objects.filter(case=case).count() >= 2
    assert page.locator('#review-items [data-verified="1"]').count() == items.count()
    e2e.shot("evidence-review", phone=True)

    # downloads the package and checks it offline with sifa verify
    with page.expect_download() as download:
        page.click("#download-package")
    package = tmp_path / "package.zip"
    download.value.save_as(package)
    key_id = page.locator("#review-key-id").inner_text().strip()
    ok = _sifa_verify(str(package), "--key-id", key_id)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "通过" in ok.stdout

    # one changed byte in one file of the package: refused, and the file is named
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("files/") and "现场照片" in info.filename:
                data = data[:-1] + bytes([data[-1] ^ 1])
                changed = info.filename
            dst.writestr(info, data)
    bad = _sifa_verify(str(tampered))
    assert bad.returncode != 0
    assert changed in bad.stdout + bad.stderr

    # the whole ledger, audit batches included, still verifies on the server
    seal_all(settle_seconds=0)
    out = io.StringIO()
    call_command("verify", "--all", stdout=out)
    assert "校验通过" in out.getvalue()
    assert Case.objects.get(pk=case.pk).state == "registered"
