"""generate_document: the filled .docx, its number, the evidence attachment and ledger entry; the checks."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.utils import timezone

from sifa.core import registry
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.store import open_content
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import Case
from sifa.core.cases.services import transition_case
from sifa.core.documents import services
from sifa.core.documents.layout import paragraphs_text
from sifa.core.documents.models import DocumentNumberCounter, GeneratedDocument, PdfStatus
from sifa.core.documents.numerals import chinese_date
from sifa.core.documents.services import generate_document
from sifa.core.documents.tests.conftest import open_test_case
from sifa.core.errors import NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.models import LedgerEntry
from sifa.core.persons.models import Person
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db


def _text(document: GeneratedDocument) -> str:
    return "\n".join(paragraphs_text(open_content(document.file)))


def test_generated_docx_carries_number_case_party_and_chinese_date(case: Case, party: Person) -> None:
    # given an accepted case with running deadlines
    actor = actor_for("office1")
    transition_case(actor=actor, case=case, transition="accept",
                    data={"received_on": "2025-09-28", "accepted_on": "2025-10-11"})
    # when
    document = generate_document(actor=actor, case=case, doc_type="test_acceptance_notice")
    # then the number is official style, from the case org's prefix
    year = timezone.localdate().year
    assert document.number == f"浙0111司告〔{year}〕1号" and document.sequence == 1
    text = _text(document)
    assert document.number in text
    assert case.title in text and case.number in text
    assert f"{party.name}：" in text
    assert chinese_date(timezone.localdate()) in text
    assert case.org.name in text
    assert "12348" in text  # the type's context()
    assert "届满" in text and "二〇二五年十二月十日" in text  # AR-29 deadline due 2025-12-10, in 汉字
    assert "{{" not in text and "{%" not in text
    assert document.template_version == 0 and document.pdf is None and document.pdf_status == PdfStatus.UNAVAILABLE


def test_document_is_an_evidence_attachment_in_the_ledger(case: Case) -> None:
    # when
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="test_acceptance_notice")
    # then the .docx is a "document" attachment of the case, owned by the case's org
    attachment = Attachment.objects.get(pk=document.file_id)
    assert attachment.kind == "document" and attachment.case_id == case.pk and attachment.org_id == case.org_id
    assert attachment.name.endswith(".docx") and document.number in attachment.name
    assert attachment.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert attachment.metadata["number"] == document.number and attachment.metadata["template_version"] == 0
    # and the ledger entry names the file by its hash
    entry = decode_entry(bytes(LedgerEntry.objects.get(index=attachment.ledger_index).entry))
    assert entry.type == "document.generated" and entry.case_id == case.pk
    assert entry.object_hash in (attachment.sm3, attachment.sha256)
    assert entry.metadata["doc_type"] == "test_acceptance_notice" and entry.metadata["number"] == document.number
    # and one audit event
    event = AuditEvent.objects.get(action="documents.document.generated", object_id=str(document.pk))
    assert event.changes["number"] == document.number and event.actor_name


def test_numbers_follow_per_type_prefix_and_year(case: Case) -> None:
    actor = actor_for("office1")
    numbers = [generate_document(actor=actor, case=case, doc_type="test_acceptance_notice").sequence for _ in range(3)]
    assert numbers == [1, 2, 3]
    # another type counts on its own
    summary = generate_document(actor=actor, case=case, doc_type="case_summary")
    assert summary.number.endswith(f"司说〔{timezone.localdate().year}〕1号")
    # a case of the county bureau has the same prefix (浙0111): the counter goes on
    county_doc = generate_document(actor=actor_for("county"), case=open_test_case("county", title="区局案件"),
                                   doc_type="test_acceptance_notice")
    assert county_doc.number.startswith("浙0111司告") and county_doc.sequence == 4
    # a case of 杭州市司法局 has the prefix 浙01 and a counter of its own
    city = actor_for("city")
    city_case = Case.objects.create(case_type="test_case", number="市局测试案号", year=2026, sequence=1,
                                    case_code="documents-city-1", org=city.org, state="registered", title="市局案件")
    city_doc = generate_document(actor=city, case=city_case, doc_type="test_acceptance_notice")
    assert city_doc.number == f"浙01司告〔{timezone.localdate().year}〕1号"


def test_failure_gives_the_number_back(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    # given storing the file fails after the number was taken
    before = (AuditEvent.objects.count(), LedgerEntry.objects.count())

    def broken(**kwargs: object) -> None:
        raise ValidationFailed("存储失败", field="file")

    monkeypatch.setattr(services, "store_attachment", broken)
    with pytest.raises(ValidationFailed):
        generate_document(actor=actor_for("office1"), case=case, doc_type="test_acceptance_notice")
    # then nothing was written and the next document gets number 1
    assert not GeneratedDocument.objects.exists()
    assert (AuditEvent.objects.count(), LedgerEntry.objects.count()) == before
    monkeypatch.undo()
    monkeypatch.setenv("SIFA_SOFFICE", "off")
    assert generate_document(actor=actor_for("office1"), case=case, doc_type="test_acceptance_notice").sequence == 1


def test_type_not_applicable_to_case_type_is_refused_naming_doc_type(case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    narrowed = dataclasses.replace(registry.document_types["case_summary"], case_types=("other_type",))
    monkeypatch.setitem(registry.document_types._items, "case_summary", narrowed)
    with pytest.raises(ValidationFailed) as exc:
        generate_document(actor=actor_for("office1"), case=case, doc_type="case_summary")
    assert exc.value.field == "doc_type" and "不适用" in exc.value.message and "测试案件" in exc.value.message
    assert not GeneratedDocument.objects.exists()


def test_unknown_type_names_doc_type(case: Case) -> None:
    with pytest.raises(ValidationFailed) as exc:
        generate_document(actor=actor_for("office1"), case=case, doc_type="no_such_type")
    assert exc.value.field == "doc_type"


def test_role_without_permission_is_refused(case: Case) -> None:
    with pytest.raises(PermissionDeniedError):
        generate_document(actor=actor_for("reviewer"), case=case, doc_type="case_summary")
    assert not GeneratedDocument.objects.exists()


def test_case_out_of_scope_is_not_found(case: Case) -> None:
    with pytest.raises(NotFound):
        generate_document(actor=actor_for("office2"), case=case, doc_type="case_summary")
    assert not DocumentNumberCounter.objects.exists()


def test_parties_masked_extra_and_escaping(party: Person) -> None:
    # given a title with XML-special characters and an extra note
    case = open_test_case(title="A&B <公司> 纠纷", person=party)
    # when
    document = generate_document(actor=actor_for("office1"), case=case, doc_type="case_summary",
                                 extra={"note": "已电话告知申请人。"})
    # then
    text = _text(document)
    assert "A&B <公司> 纠纷" in text
    assert party.id_number_masked in text
    assert not re.search(r"\d{17}[\dX]", text)  # never a full 居民身份证号
    assert "已电话告知申请人。" in text and "四、其他说明" in text
    assert document.extra == {"note": "已电话告知申请人。"}


@pytest.mark.parametrize("extra", [{"not an identifier": "x"}, {"note": {"nested": 1}}, {"note": "长" * 2001}])
def test_bad_extra_is_refused(case: Case, extra: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        generate_document(actor=actor_for("office1"), case=case, doc_type="case_summary", extra=extra)
    assert exc.value.field == "extra"
