"""Template versions: upload (validated, audited), activation (audited), and what generation uses."""

from __future__ import annotations

import pytest

from sifa.core import registry
from sifa.core.attachments.store import open_content
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import Case
from sifa.core.documents.layout import LayoutSpec, build_docx, paragraphs_text
from sifa.core.documents.models import DocumentTemplate
from sifa.core.documents.rendering import active_template
from sifa.core.documents.services import activate_template, generate_document, upload_template
from sifa.core.errors import PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db


def template(title: str, *body: str) -> bytes:
    return build_docx(LayoutSpec(title=(title,), body=body or ("{{ case.title }}",)))


def _versions(doc_type: str = "test_acceptance_notice") -> list[tuple[int, bool]]:
    return list(DocumentTemplate.objects.filter(doc_type=doc_type).order_by("version").values_list("version", "active"))


def test_upload_makes_a_new_active_version_used_by_generation(case: Case) -> None:
    admin = actor_for("admin")
    # when an administrator uploads two versions
    first = upload_template(actor=admin, doc_type="test_acceptance_notice", content=template("新版受理通知书"),
                            filename="v1.docx", note="按新样式修订")
    second = upload_template(actor=admin, doc_type="test_acceptance_notice", content=template("第二版受理通知书"))
    # then versions count from 1, the newest is active, each upload is audited
    assert (first.version, second.version) == (1, 2)
    assert _versions() == [(1, False), (2, True)]
    events = AuditEvent.objects.filter(action="documents.template.uploaded").order_by("id")
    assert [e.changes["version"] for e in events] == [1, 2] and events[0].changes["note"] == "按新样式修订"
    assert first.sha256 and first.size == len(bytes(first.content)) and first.uploaded_by
    # and generation uses the active version and records it
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="test_acceptance_notice")
    assert document.template_version == 2
    assert "第二版受理通知书" in paragraphs_text(open_content(document.file))


def test_activate_an_older_version_and_back_to_built_in(case: Case) -> None:
    admin = actor_for("admin")
    upload_template(actor=admin, doc_type="test_acceptance_notice", content=template("一版"))
    upload_template(actor=admin, doc_type="test_acceptance_notice", content=template("二版"))
    # when version 1 is re-activated
    activate_template(actor=admin, doc_type="test_acceptance_notice", version=1)
    # then
    assert _versions() == [(1, True), (2, False)]
    assert active_template(registry.document_types["test_acceptance_notice"])[0] == 1
    event = AuditEvent.objects.filter(action="documents.template.activated").latest("id")
    assert event.changes["version"] == [2, 1] and event.object_id == "test_acceptance_notice:1"
    # when the built-in template is restored
    assert activate_template(actor=admin, doc_type="test_acceptance_notice", version=0) is None
    assert _versions() == [(1, False), (2, False)]
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="test_acceptance_notice")
    assert document.template_version == 0 and "受理通知书" in paragraphs_text(open_content(document.file))
    assert AuditEvent.objects.filter(action="documents.template.activated").count() == 2


def test_activate_unknown_version_names_version() -> None:
    with pytest.raises(ValidationFailed) as exc:
        activate_template(actor=actor_for("admin"), doc_type="case_summary", version=7)
    assert exc.value.field == "version"
    assert not AuditEvent.objects.filter(action="documents.template.activated").exists()


@pytest.mark.parametrize(("content", "message"), [
    (template("受理通知书", "{{ case.title "), "Jinja 语法有误"),
    (template("受理通知书", "{%p for p in parties %}", "{{ p.name }}"), "Jinja 语法有误"),
    (b"not a word file", "不是有效的 .docx"),
    (b"", "请选择模板文件"),
])
def test_bad_template_is_refused_and_nothing_saved(content: bytes, message: str) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        upload_template(actor=actor_for("admin"), doc_type="test_acceptance_notice", content=content)
    assert exc.value.field == "file" and message in exc.value.message
    assert not DocumentTemplate.objects.exists()
    assert AuditEvent.objects.count() == before


def test_only_template_managers_may_upload_or_activate() -> None:
    for username in ("county", "province"):
        with pytest.raises(PermissionDeniedError):
            upload_template(actor=actor_for(username), doc_type="case_summary", content=template("x"))
        with pytest.raises(PermissionDeniedError):
            activate_template(actor=actor_for(username), doc_type="case_summary", version=0)
    assert not DocumentTemplate.objects.exists()


def test_upload_refuses_other_file_names_and_unknown_types() -> None:
    admin = actor_for("admin")
    with pytest.raises(ValidationFailed) as exc:
        upload_template(actor=admin, doc_type="case_summary", content=template("x"), filename="模板.doc")
    assert exc.value.field == "file"
    with pytest.raises(ValidationFailed) as exc:
        upload_template(actor=admin, doc_type="nope", content=template("x"))
    assert exc.value.field == "doc_type"


def test_sandbox_keeps_templates_away_from_python_internals(case: Case) -> None:
    upload_template(actor=actor_for("admin"), doc_type="case_summary",
                    content=template("说明", "[{{ ''.__class__.__mro__ }}]{{ case.title }}"))
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="case_summary")
    assert f"[]{case.title}" in paragraphs_text(open_content(document.file))
