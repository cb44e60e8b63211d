"""Page flows: the 文书 card on a case, generating from it, and the template admin page."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sifa.core import registry
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import Case
from sifa.core.documents.layout import LayoutSpec, build_docx
from sifa.core.documents.models import DocumentTemplate, GeneratedDocument
from sifa.core.documents.rendering import DOCX_CONTENT_TYPE
from sifa.core.testing import client_for

pytestmark = pytest.mark.django_db


def _docx(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=DOCX_CONTENT_TYPE)


def test_case_card_generates_and_lists_documents(case: Case) -> None:
    client = client_for("office1")
    # given the case page shows the card with the applicable types and no LibreOffice
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="documents"' in page and "尚未制作文书" in page
    assert 'value="test_acceptance_notice"' in page and 'value="case_summary"' in page
    assert "未安装 LibreOffice，仅生成 .docx" in page
    # when a document is generated from the card
    response = client.post(reverse("documents:generate", args=[case.pk]),
                           {"doc_type": "test_acceptance_notice", "extra_note": "已当面告知。", "extra_empty": " "})
    # then back on the case page it is listed with its number and a download link
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    document = GeneratedDocument.objects.get(case=case)
    assert document.extra == {"note": "已当面告知。"}
    page = client.get(response["Location"]).content.decode()
    assert f"已制作「受理通知书」{document.number}" in page
    assert document.number in page and reverse("attachments:download", args=[document.file_id]) in page
    # and the download serves the .docx
    download = client.get(reverse("attachments:download", args=[document.file_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]


def test_refused_generation_comes_back_with_the_reason(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    narrowed = dataclasses.replace(registry.document_types["case_summary"], case_types=("other_type",))
    monkeypatch.setitem(registry.document_types._items, "case_summary", narrowed)
    client = client_for("office1")
    response = client.post(reverse("documents:generate", args=[case.pk]), {"doc_type": "case_summary"}, follow=True)
    page = response.content.decode()
    assert "未能制作文书" in page and "不适用" in page
    assert not GeneratedDocument.objects.exists()


def test_roles_without_permission_see_no_form_and_cannot_post(case: Case) -> None:
    client = client_for("office1")
    client.post(reverse("documents:generate", args=[case.pk]), {"doc_type": "case_summary"})
    # the leader of the city sees the card (with the document) but generating needs documents.generate …
    assert 'id="document-generate"' in client_for("city").get(reverse("cases:detail", args=[case.pk])).content.decode()
    # … which external reviewers lack (they cannot even see the case)
    response = client_for("reviewer").post(reverse("documents:generate", args=[case.pk]), {"doc_type": "case_summary"})
    assert response.status_code == 403
    assert client_for("office2").post(reverse("documents:generate", args=[case.pk]),
                                      {"doc_type": "case_summary"}).status_code == 404
    assert GeneratedDocument.objects.count() == 1


def test_template_page_upload_activate_download() -> None:
    admin = client_for("admin")
    url = reverse("documents:templates")
    # the page lists every type with its built-in version in use
    page = admin.get(url).content.decode()
    assert 'data-doc-type="case_summary"' in page and 'data-doc-type="test_acceptance_notice"' in page
    assert "当前：内置" in page
    # a bad template is refused beside the form, nothing saved
    bad = build_docx(LayoutSpec(title=("说明",), body=("{{ case.title ",)))
    response = admin.post(reverse("documents:template_upload"), {"doc_type": "case_summary", "note": "坏的",
                                                                  "file": _docx("bad.docx", bad)})
    assert response.status_code == 400 and "Jinja 语法有误" in response.content.decode()
    assert 'value="坏的"' in response.content.decode()
    assert not DocumentTemplate.objects.exists()
    # a good one becomes version 1, in use
    good = build_docx(LayoutSpec(title=("新版说明",)))
    response = admin.post(reverse("documents:template_upload"), {"doc_type": "case_summary", "note": "新版",
                                                                  "file": _docx("good.docx", good)}, follow=True)
    page = response.content.decode()
    assert "已上传「案件办理情况说明」模板第1版并启用" in page and "当前：第1版" in page
    # and the built-in version can be restored
    response = admin.post(reverse("documents:template_activate"), {"doc_type": "case_summary", "version": "0"},
                          follow=True)
    assert "已改用内置模板" in response.content.decode()
    assert not DocumentTemplate.objects.filter(active=True).exists()
    assert AuditEvent.objects.filter(action__startswith="documents.template.").count() == 2
    # both versions download as .docx
    for version in (0, 1):
        download = admin.get(reverse("documents:template_download"), {"doc_type": "case_summary", "version": version})
        assert download.status_code == 200 and download["Content-Type"] == DOCX_CONTENT_TYPE
    assert download.content == good


def test_template_page_errors() -> None:
    admin = client_for("admin")
    assert admin.post(reverse("documents:template_upload"), {"doc_type": "case_summary"}).status_code == 400
    assert admin.post(reverse("documents:template_activate"), {"doc_type": "case_summary", "version": "x"}).status_code == 400
    assert admin.post(reverse("documents:template_activate"), {"doc_type": "case_summary", "version": "5"}).status_code == 400
    assert admin.get(reverse("documents:template_download"), {"doc_type": "nope"}).status_code == 400


def test_template_page_is_for_template_managers_only() -> None:
    assert client_for("county").get(reverse("documents:templates")).status_code == 403
    assert "文书模板" in client_for("admin").get(reverse("ui:home")).content.decode()
    assert reverse("documents:templates") not in client_for("county").get(reverse("ui:home")).content.decode()
