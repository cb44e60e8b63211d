"""The "证据材料" card, page upload, scoped and audited downloads, thumbnails."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sifa.core.accounts.models import Membership, Role, User
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.tests import factories as f
from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for

pytestmark = pytest.mark.django_db


def body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_page_upload_then_the_card_lists_the_file(office_case):
    # given
    client = client_for("office1")
    data = f.png_bytes()
    # when
    response = client.post(reverse("attachments:upload", args=[office_case.pk]),
                           {"file": SimpleUploadedFile("现场照片.png", data), "kind": "photo", "note": "东侧围墙"})
    # then back to the case page with a message
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[office_case.pk]) + "#attachments"
    attachment = Attachment.objects.get(case=office_case)
    assert attachment.kind == "photo" and attachment.sha256 == hashlib.sha256(data).hexdigest()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert f"已上传「现场照片.png」，已存证 #{attachment.ledger_index}" in html
    card = html[html.index('id="attachments"'):]
    assert "现场照片.png" in card and "PNG 图片" in card and "东侧围墙" in card and "现场照片" in card
    assert f"存证 #{attachment.ledger_index}" in card
    assert f'title="SM3 {attachment.sm3}' in card and f"SM3 {attachment.sm3[:12]}…" in card
    assert reverse("attachments:thumbnail", args=[attachment.pk]) in card
    assert reverse("attachments:download", args=[attachment.pk]) in card
    assert 'enctype="multipart/form-data"' in card and 'capture="environment"' in card and 'accept=".pdf,' in card


def test_page_upload_error_is_shown_in_the_card(office_case):
    client = client_for("office1")
    response = client.post(reverse("attachments:upload", args=[office_case.pk]),
                           {"file": SimpleUploadedFile("合同.pdf", f.exe_bytes()), "note": "保留的说明"})
    html = response.content.decode()
    assert response.status_code == 400
    error = html[html.index('id="attachment-error"'):]
    assert "Windows 可执行程序" in error[:500]
    assert 'value="保留的说明"' in html
    assert not Attachment.objects.filter(case=office_case).exists()


def test_page_upload_without_file_and_with_two_files(office_case):
    client = client_for("office1")
    url = reverse("attachments:upload", args=[office_case.pk])
    assert "请选择要上传的文件" in client.post(url, {"kind": "evidence"}).content.decode()
    response = client.post(url, {"file": [SimpleUploadedFile("a.pdf", f.pdf_bytes()),
                                          SimpleUploadedFile("b.png", f.png_bytes())]})
    assert response.status_code == 400 and "一次只能上传一个文件" in response.content.decode()


def test_roles_without_upload_see_the_card_without_the_form(office_case):
    # given a legal reviewer (no attachments.upload) in the case's org
    user = User.objects.create_user(username="reviewer_in_office", password="Sifa#2026", display_name="审核员")
    Membership.objects.create(user=user, org=office_case.org, role=Role.objects.get(code="legal_reviewer"))
    f.store_for_test(org=office_case.org, case=office_case, name="已有证据.png")
    # when
    response = client_for("reviewer_in_office").get(reverse("cases:detail", args=[office_case.pk]))
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert "已有证据.png" in text and 'id="attachment-upload"' not in text


def test_download_serves_the_stored_bytes_and_is_audited(office_case):
    # given
    data = f.pdf_bytes()
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="询问笔录 第1次.pdf", content=data)
    before = AuditEvent.objects.filter(action="attachments.attachment.downloaded").count()
    # when
    response = client_for("county").get(reverse("attachments:download", args=[attachment.pk]))
    # then
    assert response.status_code == 200 and body(response) == data
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('询问笔录 第1次.pdf')}"
    events = AuditEvent.objects.filter(action="attachments.attachment.downloaded")
    assert events.count() == before + 1
    event = events.order_by("-pk").first()
    assert event is not None and event.object_id == str(attachment.pk) and event.actor_username == "county"


def test_renamed_file_downloads_with_its_detected_type(office_case):
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="report.pdf", content=f.png_bytes())
    response = client_for("office1").get(reverse("attachments:download", args=[attachment.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'


def test_thumbnail_is_a_jpeg_and_not_audited(office_case):
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="照片.png")
    before = AuditEvent.objects.count()
    response = client_for("office1").get(reverse("attachments:thumbnail", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert body(response)[:3] == b"\xff\xd8\xff" and response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.count() == before
    pdf = f.store_for_test(org=office_case.org, case=office_case, name="a.pdf", content=f.pdf_bytes())
    assert client_for("office1").get(reverse("attachments:thumbnail", args=[pdf.pk])).status_code == 404


@pytest.mark.parametrize("route", ["attachments:download", "attachments:thumbnail"])
def test_out_of_scope_answers_404_like_missing(office_case, other_county_user, route):
    attachment = f.store_for_test(org=office_case.org, case=office_case, name="照片.png")
    before = AuditEvent.objects.count()
    for username in ("office2", other_county_user.username):
        assert client_for(username).get(reverse(route, args=[attachment.pk])).status_code == 404
    assert client_for("office1").get(reverse(route, args=[999_999_999])).status_code == 404
    assert AuditEvent.objects.count() == before


def test_anonymous_is_sent_to_sign_in(office_case):
    attachment = f.store_for_test(org=office_case.org, case=office_case)
    response = Client().get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_upload_needs_the_permission_and_the_case_in_scope(office_case, other_county_user):
    url = reverse("attachments:upload", args=[office_case.pk])
    data = {"file": SimpleUploadedFile("a.pdf", f.pdf_bytes())}
    assert client_for("reviewer").post(url, data).status_code == 403
    data = {"file": SimpleUploadedFile("a.pdf", f.pdf_bytes())}
    assert client_for(other_county_user.username).post(url, data).status_code == 404
    assert not Attachment.objects.filter(case=office_case).exists()
