"""PDF copies: stored as a second attachment when LibreOffice converts; skipped cleanly without it."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from sifa.core.attachments.store import open_content
from sifa.core.cases.models import Case
from sifa.core.documents import pdf
from sifa.core.documents.models import PdfStatus
from sifa.core.documents.services import generate_document
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.models import LedgerEntry
from sifa.core.testing import actor_for

REAL_SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

FAKE_SOFFICE = """#!/bin/sh
# stands in for soffice: writes a small PDF named after the input into --outdir
while [ $# -gt 0 ]; do
  if [ "$1" = "--outdir" ]; then out="$2"; fi
  last="$1"; shift
done
printf '%%PDF-1.4\\n1 0 obj << /Type /Catalog >> endobj\\ntrailer << /Root 1 0 R >>\\n%%%%EOF\\n' > "$out/$(basename "$last" .docx).pdf"
"""


def _script(tmp_path: Path, text: str) -> str:
    path = tmp_path / "soffice"
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.mark.django_db
def test_without_libreoffice_only_the_docx_is_stored(case: Case) -> None:
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="case_summary")
    assert document.pdf is None and document.pdf_status == PdfStatus.UNAVAILABLE


@pytest.mark.django_db
def test_converted_pdf_is_a_second_document_attachment(case: Case, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # given a converter that answers like soffice
    monkeypatch.setenv("SIFA_SOFFICE", _script(tmp_path, FAKE_SOFFICE))
    # when
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="case_summary")
    # then
    assert document.pdf_status == PdfStatus.CONVERTED and document.pdf is not None
    assert open_content(document.pdf).startswith(b"%PDF")
    assert document.pdf.kind == "document" and document.pdf.content_type == "application/pdf"
    assert document.pdf.metadata["number"] == document.number
    entry = decode_entry(bytes(LedgerEntry.objects.get(index=document.pdf.ledger_index).entry))
    assert entry.type == "document.generated" and entry.metadata["format"] == "pdf"


@pytest.mark.django_db
def test_failed_conversion_keeps_the_docx(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFA_SOFFICE", _script(tmp_path, "#!/bin/sh\necho broken >&2\nexit 3\n"))
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="case_summary")
    assert document.pdf is None and document.pdf_status == PdfStatus.FAILED and document.file_id


def test_conversion_is_killed_after_the_timeout(tmp_path: Path) -> None:
    binary = _script(tmp_path, "#!/bin/sh\nsleep 30\n")
    with pytest.raises(pdf.PdfConversionFailed, match="超时"):
        pdf.convert_to_pdf(b"docx", binary=binary, timeout=1)


def test_soffice_path_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIFA_SOFFICE", "off")
    assert pdf.soffice_path() is None
    monkeypatch.setenv("SIFA_SOFFICE", str(tmp_path / "missing"))
    assert pdf.soffice_path() is None
    binary = _script(tmp_path, "#!/bin/sh\n")
    monkeypatch.setenv("SIFA_SOFFICE", binary)
    assert pdf.soffice_path() == binary


@pytest.mark.django_db
@pytest.mark.skipif(REAL_SOFFICE is None, reason="LibreOffice（soffice/libreoffice）未安装：跳过真实 PDF 转换")
def test_real_libreoffice_conversion(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIFA_SOFFICE")
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="test_acceptance_notice")
    assert document.pdf_status == PdfStatus.CONVERTED, "LibreOffice did not convert the document"
    data = open_content(document.pdf)  # type: ignore[arg-type]
    assert data.startswith(b"%PDF") and len(data) > 1000
