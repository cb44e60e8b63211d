"""Pages: the 案件码 card and QR, /c/<case_code>, link + code, the review page, downloads, isolation."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from sifa.core.attachments.models import Attachment
from sifa.core.audit.models import AuditEvent
from sifa.core.casecodes import links
from sifa.core.casecodes.models import AccessGrant
from sifa.core.casecodes.services import IssuedGrant, revoke_grant
from sifa.core.casecodes.tests.conftest import TEXT, upload
from sifa.core.casecodes.tests.package_helpers import rewrite
from sifa.core.casecodes.views import WRONG_CODE
from sifa.core.cases.models import Case
from sifa.core.ledger import store
from sifa.core.ledger.package import verify_package
from sifa.core.ledger.signing import key_id
from sifa.core.testing import actor_for, client_for

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[4]


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def actions(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=name).order_by("id"))


def unlocked_client(grant: IssuedGrant) -> Client:
    client = Client()
    path = grant.link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path, {"code": grant.code})
    assert response.status_code == 302
    return client


# --- the card and the QR -------------------------------------------------------------------------


def test_the_case_page_shows_the_code_the_qr_and_grant_management(case: Case) -> None:
    html = client_for("county").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="casecodes"' in html and case.case_code in html
    assert reverse("casecodes:qr_svg", args=[case.pk]) in html and reverse("casecodes:qr_png", args=[case.pk]) in html
    assert 'id="grant-issue"' in html
    # the card comes before the other side cards
    assert html.index('id="casecodes"') < html.index("可办理环节")


def test_qr_images(case: Case) -> None:
    client = client_for("office1")
    svg = client.get(reverse("casecodes:qr_svg", args=[case.pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
    png = client.get(reverse("casecodes:qr_png", args=[case.pk]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert "attachment" in png["Content-Disposition"]
    assert client_for("office2").get(reverse("casecodes:qr_svg", args=[case.pk])).status_code == 404


# --- /c/<case_code> ------------------------------------------------------------------------------


def test_the_case_url_sends_each_visitor_to_the_right_place(case: Case, user_grant: IssuedGrant) -> None:
    url = reverse("casecodes:entry", args=[case.case_code])
    assert url == f"/c/{case.case_code}"
    staff = client_for("county").get(url)
    assert staff.status_code == 302 and staff["Location"] == reverse("cases:detail", args=[case.pk])
    grantee = client_for("reviewer").get(url)
    assert grantee.status_code == 302 and grantee["Location"] == reverse("casecodes:review", args=[case.pk])
    for client in (Client(), client_for("office2")):
        form = client.get(url)
        assert form.status_code == 200 and 'id="code-entry"' in form.content.decode()


def test_the_code_form_says_nothing_about_the_case(case: Case, link_grant: IssuedGrant) -> None:
    known = Client().get(reverse("casecodes:entry", args=[case.case_code])).content.decode()
    unknown = Client().get(reverse("casecodes:entry", args=["no-such-code"])).content.decode()
    assert case.number not in known and case.title not in known and case.org.name not in known
    assert without_csrf(known).replace(case.case_code, "X") == without_csrf(unknown).replace("no-such-code", "X")
    wrong_known = Client().post(reverse("casecodes:entry", args=[case.case_code]), {"code": "AAAA-AAAA"})
    wrong_unknown = Client().post(reverse("casecodes:entry", args=["no-such-code"]), {"code": "AAAA-AAAA"})
    assert wrong_known.status_code == wrong_unknown.status_code == 400
    assert WRONG_CODE in wrong_known.content.decode()
    assert without_csrf(wrong_known.content.decode()).replace(case.case_code, "X") == \
        without_csrf(wrong_unknown.content.decode()).replace("no-such-code", "X")
    token_page = Client().get(reverse("casecodes:link", args=["no-such-token"])).content.decode()
    assert 'id="code-entry"' in token_page


def test_the_code_on_the_case_url_opens_the_review_page(case: Case, files: list[Attachment],
                                                         link_grant: IssuedGrant) -> None:
    client = Client()
    response = client.post(reverse("casecodes:entry", args=[case.case_code]), {"code": link_grant.code})
    assert response.status_code == 302 and response["Location"] == reverse("casecodes:review", args=[case.pk])
    assert client.get(reverse("casecodes:entry", args=[case.case_code]))["Location"] == response["Location"]


# --- issuing and revoking on the page ------------------------------------------------------------


def test_issue_on_the_page_shows_the_link_and_code_once(case: Case) -> None:
    client = client_for("office1")
    response = client.post(reverse("casecodes:grant_issue", args=[case.pk]),
                           {"kind": "link", "expires_at": "2099-01-01", "note": "调卷"})
    assert response.status_code == 400 and "最长 90 天" in response.content.decode()
    from django.utils import timezone

    day = (timezone.localdate() + __import__("datetime").timedelta(days=5)).isoformat()
    response = client.post(reverse("casecodes:grant_issue", args=[case.pk]), {"kind": "link", "expires_at": day})
    html = response.content.decode()
    assert response.status_code == 201
    code = re.search(r'id="grant-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    link = re.search(r'id="grant-link">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert link.startswith(links.site_url() + "/g/") and len(code) == 9
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert code not in case_page and link not in case_page and "有效" in case_page
    user = client.post(reverse("casecodes:grant_issue", args=[case.pk]),
                       {"kind": "user", "grantee": "reviewer", "expires_at": day})
    assert user.status_code == 201 and "法院审查员" in user.content.decode()
    unknown = client.post(reverse("casecodes:grant_issue", args=[case.pk]),
                          {"kind": "user", "grantee": "ghost", "expires_at": day})
    assert unknown.status_code == 400 and "用户名 ghost 不存在或已停用" in unknown.content.decode()
    assert AccessGrant.objects.filter(case=case).count() == 2


def test_revoke_on_the_page(case: Case, user_grant: IssuedGrant) -> None:
    client = client_for("county")
    response = client.post(reverse("casecodes:grant_revoke", args=[user_grant.grant.pk]))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "已撤销查阅授权" in html and "已撤销" in html
    assert client_for("office2").post(reverse("casecodes:grant_revoke", args=[user_grant.grant.pk])).status_code == 404
    assert client_for("reviewer").post(reverse("casecodes:grant_revoke", args=[user_grant.grant.pk])).status_code == 403


# --- the review page, downloads, the package -------------------------------------------------------


def test_a_link_visitor_reviews_downloads_and_verifies(case: Case, files: list[Attachment],
                                                      link_grant: IssuedGrant, tmp_path: Any) -> None:
    # given a browser that entered the code on the link (one wrong try first)
    client = Client()
    link_path = "/" + link_grant.link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(link_path).status_code == 200
    assert client.post(link_path, {"code": "ZZZZ-ZZZZ"}).status_code == 400
    assert client.post(link_path, {"code": link_grant.code})["Location"] == reverse("casecodes:review", args=[case.pk])
    # when it opens the review page
    page = client.get(reverse("casecodes:review", args=[case.pk]))
    # then every file is listed, with proofs and a verified check, made against a new checkpoint
    html = page.content.decode()
    assert page.status_code == 200 and case.number in html
    assert html.count("✓ 已核验") == 2 and "核验失败" not in html
    for a in files:
        assert a.sm3 in html and a.sha256 in html and f"#{a.ledger_index}" in html
    checkpoint = store.latest_checkpoint()
    assert checkpoint is not None and checkpoint.tree_size > max(a.ledger_index for a in files)  # type: ignore[operator]
    assert actions("ledger.checkpoint.made")
    [use] = actions("casecodes.grant.used")
    assert use.actor_name == f"授权链接 #{link_grant.grant.pk} 访问者" and use.changes["what"] == "review_page"
    # a file
    download = client.get(reverse("casecodes:review_file", args=[files[0].pk]))
    assert download.status_code == 200 and body(download) == TEXT
    # the package
    package = client.get(reverse("casecodes:review_package", args=[case.pk]))
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    data = body(package)
    report = verify_package(io.BytesIO(data), trusted_key_id=key_id(store.signing_key().public_key()))
    assert {i.attachment_id for i in report.items} == {a.pk for a in files}
    assert [u.changes["what"] for u in actions("casecodes.grant.used")] == ["review_page", "file", "package"]
    assert AccessGrant.objects.get(pk=link_grant.grant.pk).use_count == 3
    # and `sifa verify PACKAGE.zip` agrees
    path = tmp_path / "证据包.zip"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("verify", str(path), "--key-id", report.key_id, stdout=out)
    assert "证据包校验通过" in out.getvalue()
    first = next(i.path for i in report.items if i.attachment_id == files[0].pk)
    path.write_bytes(rewrite(data, lambda f: f.update({first: TEXT.replace("清楚".encode(), "不清楚".encode())})))
    with pytest.raises(CommandError, match=f"证据包校验失败：证据包中的文件 {first} 的大小"):
        call_command("verify", str(path), stdout=io.StringIO())


def test_sifa_verify_exit_codes(case: Case, files: list[Attachment], tmp_path: Any) -> None:
    """The real command line: ``sifa verify PACKAGE.zip`` exits 0 for a good package and 1 naming the fault."""
    data = body(client_for("office1").get(reverse("casecodes:review_package", args=[case.pk])))
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(data)
    bad.write_bytes(rewrite(data, lambda f: f.update({"public_key.pem": f["public_key.pem"].replace(b"M", b"N", 1)})))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sifa.project.settings_test"}
    kid = key_id(store.signing_key().public_key())

    def sifa_verify(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sifa.cli", "verify", *args],  # noqa: S603
                              capture_output=True, text=True, timeout=120, env=env, cwd=REPO)

    ok = sifa_verify(str(good), "--key-id", kid)
    assert ok.returncode == 0, ok.stderr
    assert "证据包校验通过" in ok.stdout and "与指定信任的密钥标识一致" in ok.stdout
    assert sifa_verify(str(good), "--key-id", "0" * 16).returncode == 1
    failed = sifa_verify(str(bad))
    assert failed.returncode == 1 and "证据包校验失败" in failed.stderr


def test_a_new_browser_must_enter_the_code_again(case: Case, link_grant: IssuedGrant) -> None:
    unlocked_client(link_grant)
    fresh = Client().get(reverse("casecodes:review", args=[case.pk]))
    assert fresh.status_code == 302 and "/accounts/login/" in fresh["Location"]


def test_a_grantee_user_reviews_until_the_grant_is_revoked(case: Case, files: list[Attachment],
                                                          user_grant: IssuedGrant) -> None:
    client = client_for("reviewer")
    mine = client.get(reverse("casecodes:my_grants")).content.decode()
    assert case.number in mine and reverse("casecodes:review", args=[case.pk]) in mine
    assert client.get(reverse("casecodes:review", args=[case.pk])).status_code == 200
    assert client.get(reverse("casecodes:review_file", args=[files[1].pk])).status_code == 200
    assert [u.actor_username for u in actions("casecodes.grant.used")] == ["reviewer", "reviewer"]
    # when the org revokes it
    revoke_grant(actor=actor_for("office1"), grant=user_grant.grant)
    # then every door says so
    for url in (reverse("casecodes:review", args=[case.pk]), reverse("casecodes:review_file", args=[files[0].pk]),
                reverse("casecodes:review_package", args=[case.pk])):
        response = client.get(url)
        assert response.status_code == 403 and "对本案的查阅授权已于" in response.content.decode()
    assert len(actions("casecodes.grant.used")) == 2


def test_the_reviewer_sees_nothing_else(case: Case, other_case: Case, files: list[Attachment],
                                        user_grant: IssuedGrant) -> None:
    foreign = upload(other_case, "别案材料.txt", "别案".encode(), username="office2")
    client = client_for("reviewer")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("casecodes:review", args=[other_case.pk])).status_code == 404
    assert client.get(reverse("casecodes:review_package", args=[other_case.pk])).status_code == 404
    assert client.get(reverse("casecodes:review_file", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("attachments:download", args=[files[0].pk])).status_code == 404
    assert client.get(reverse("casecodes:qr_svg", args=[case.pk])).status_code == 404
    assert client.get(reverse("persons:list")).status_code == 403
    listed = client.get("/api/v1/cases").json()
    assert case.number not in str(listed) and other_case.number not in str(listed)
    assert client.get(f"/api/v1/cases/{other_case.pk}/evidence").status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/grants").status_code == 403
    mine = client.get(reverse("casecodes:my_grants")).content.decode()
    assert other_case.number not in mine


def test_staff_preview_is_not_a_grant_use_but_downloads_are_audited(case: Case, files: list[Attachment]) -> None:
    client = client_for("county")
    assert client.get(reverse("casecodes:review", args=[case.pk])).status_code == 200
    assert client.get(reverse("casecodes:review_file", args=[files[0].pk])).status_code == 200
    package = client.get(reverse("casecodes:review_package", args=[case.pk]))
    assert package.status_code == 200
    verify_package(io.BytesIO(body(package)))
    assert not actions("casecodes.grant.used")
    assert len(actions("attachments.attachment.downloaded")) == 1
    [export] = actions("casecodes.package.exported")
    assert export.changes["items"] == 2


def test_a_case_without_evidence_has_no_package(case: Case) -> None:
    response = client_for("office1").get(reverse("casecodes:review_package", args=[case.pk]))
    assert response.status_code == 409 and "尚无已存证的证据材料" in response.content.decode()


def test_a_changed_stored_file_fails_the_check_on_the_page(case: Case, user_grant: IssuedGrant) -> None:
    original = f"询问笔录 {uuid.uuid4()}\n".encode()
    attachment = upload(case, "笔录.txt", original)
    storage = storages["evidence"]
    name = attachment.file.name
    try:
        storage.delete(name)
        storage.save(name, ContentFile(original.replace("询问".encode(), "讯问".encode())))
        html = client_for("reviewer").get(reverse("casecodes:review", args=[case.pk])).content.decode()
        assert "✗ 核验失败：文件「笔录.txt」 与清单登记的 SM3 不符" in html
    finally:
        storage.delete(name)
        storage.save(name, ContentFile(original))
