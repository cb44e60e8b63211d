"""Pages of the lifecycle part: list (scope, filters, minors), export, intake, subject page (audit,
steps, panels), minors' reason form (C-85), 调查评估 pages."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from sifa.core.audit.models import AuditEvent
from sifa.core.testing import client_for
from sifa.modules.correction.models import CorrectionCase, PreSentenceAssessment
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.lifecycle_factories import intake_args, make_assessment

pytestmark = pytest.mark.django_db


def _views(case_id: int) -> int:
    return AuditEvent.objects.filter(action="correction.subject.viewed", object_id=str(case_id)).count()


def test_list_is_scoped_to_the_office() -> None:
    # given one subject in each office
    mine = make_correction(office_of("office1"))
    theirs = make_correction(office_of("office2"))
    # when
    body = client_for("office1").get("/correction/?state=under_correction").content.decode()
    county = client_for("corr").get("/correction/?state=under_correction").content.decode()
    # then
    assert f'data-case="{mine.pk}"' in body and f'data-case="{theirs.pk}"' not in body
    assert mine.subject.person.name in body and theirs.subject.person.name not in body
    assert f'data-case="{mine.pk}"' in county and f'data-case="{theirs.pk}"' in county


def test_list_filters_by_name_and_sentence_type() -> None:
    detail = make_correction(sentence_type="parole")
    other = make_correction(sentence_type="control")
    body = client_for("office1").get(f"/correction/?q={detail.subject.person.name}").content.decode()
    assert f'data-case="{detail.pk}"' in body and f'data-case="{other.pk}"' not in body
    body = client_for("office1").get("/correction/?sentence_type=control").content.decode()
    assert f'data-case="{other.pk}"' in body and f'data-case="{detail.pk}"' not in body
    assert client_for("office1").get("/correction/?sentence_type=nonsense").status_code == 400


def test_subject_page_shows_the_file_and_records_each_view() -> None:
    # given
    detail = make_correction(term_end=datetime.date(2027, 1, 31), prohibition_order="禁止进入娱乐场所")
    client = client_for("office1")
    # when
    first = client.get(f"/correction/{detail.pk}/")
    client.get(f"/correction/{detail.pk}/")
    # then
    body = first.content.decode()
    assert first.status_code == 200
    assert detail.subject.person.name in body and detail.subject.person.id_number_masked in body
    assert "禁止进入娱乐场所" in body and "2027-01-31" in body and 'id="case-state"' in body
    assert 'data-step="lose_contact"' in body  # a step office staff may take now
    assert 'id="documents"' in body  # the core 文书 card of the underlying case
    assert _views(detail.pk) == 2
    event = AuditEvent.objects.filter(action="correction.subject.viewed", object_id=str(detail.pk)).first()
    assert event is not None and event.changes == {"via": "page"}


def test_office2_gets_404_for_office1s_subject_and_nothing_is_recorded() -> None:
    detail = make_correction()
    assert client_for("office2").get(f"/correction/{detail.pk}/").status_code == 404
    assert client_for("office2").post(f"/correction/{detail.pk}/step/", {"transition": "lose_contact",
                                                                        "data_since": "2026-11-01"}).status_code == 404
    assert _views(detail.pk) == 0
    assert CorrectionCase.objects.get(pk=detail.pk).case.state == "under_correction"


def test_step_form_moves_the_case_and_errors_name_the_field() -> None:
    detail = make_correction()
    client = client_for("office1")
    # when the required date is missing
    bad = client.post(f"/correction/{detail.pk}/step/", {"transition": "lose_contact"})
    assert bad.status_code == 400 and "请填写「失联起始日」" in bad.content.decode()
    # when it is given
    ok = client.post(f"/correction/{detail.pk}/step/", {"transition": "lose_contact", "data_since": "2026-11-01"})
    assert ok.status_code == 302
    assert CorrectionCase.objects.get(pk=detail.pk).lost_contact is True


def test_intake_page_registers_and_redirects_to_the_subject() -> None:
    args = intake_args(office=None)
    form = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in args.items() if v is not None}
    form["decision_org_type"] = "court"
    response = client_for("office1").post("/correction/new/", form)
    assert response.status_code == 302
    detail = CorrectionCase.objects.get(judgment_number=args["judgment_number"])
    assert response["Location"] == f"/correction/{detail.pk}/"


def test_intake_page_shows_the_service_error_beside_the_field() -> None:
    args = intake_args(office=None, sentence_type="control", original_sentence="管制一年", term="二个月")
    form = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in args.items() if v is not None}
    form["decision_org_type"] = "court"
    response = client_for("office1").post("/correction/new/", form)
    assert response.status_code == 400
    assert "三个月以上二年以下" in response.content.decode()


def test_export_is_scoped_masked_and_audited() -> None:
    # given
    mine = make_correction(office_of("office1"))
    theirs = make_correction(office_of("office2"))
    # when
    response = client_for("office1").get("/correction/export.xlsx?state=under_correction")
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    numbers = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert mine.subject.person.name in names and theirs.subject.person.name not in names
    assert all("*" in n for n in numbers if n)
    event = AuditEvent.objects.filter(action="correction.subjects.exported").latest("id")
    assert event.changes["rows"] == len(names)


def test_c85_minor_hidden_from_office_staff_and_opened_by_corr_with_a_reason() -> None:
    # given a minor's file in office1
    minor = make_correction(minor=True)
    name = minor.subject.person.name
    # then office1 neither lists nor opens it
    assert name not in client_for("office1").get("/correction/").content.decode()
    assert f'data-case="{minor.pk}"' not in client_for("office1").get("/correction/").content.decode()
    assert client_for("office1").get(f"/correction/{minor.pk}/").status_code == 404
    # corr sees the row without the identity, and the file only after giving a reason
    client = client_for("corr")
    listed = client.get("/correction/?state=under_correction").content.decode()
    assert f'data-case="{minor.pk}"' in listed and name not in listed and "身份保密" in listed
    ask = client.get(f"/correction/{minor.pk}/")
    assert ask.status_code == 200 and name not in ask.content.decode() and 'id="minor-reason-form"' in ask.content.decode()
    assert client.post(f"/correction/{minor.pk}/minor-access/", {"reason": ""}).status_code == 400
    opened = client.post(f"/correction/{minor.pk}/minor-access/", {"reason": "人民法院审理案件需要调阅"})
    assert opened.status_code == 302
    page = client.get(f"/correction/{minor.pk}/")
    assert page.status_code == 200 and name in page.content.decode()
    assert AuditEvent.objects.filter(action="correction.minor_file.opened", object_id=str(minor.pk)).count() == 1
    assert _views(minor.pk) == 1


def test_assessment_pages() -> None:
    # given
    assessment = make_assessment(office_of("office1"), person_name="评估丙")
    client = client_for("corr")
    # when
    listed = client.get("/correction/assessments/").content.decode()
    page = client.get(f"/correction/assessments/{assessment.pk}/")
    step = client.post(f"/correction/assessments/{assessment.pk}/step/", {"transition": "start_investigation"})
    # then
    assert "评估丙" in listed and "[NV]" in listed
    assert page.status_code == 200 and 'data-step="start_investigation"' in page.content.decode()
    assert step.status_code == 302
    assert PreSentenceAssessment.objects.get(pk=assessment.pk).case.state == "investigating"
    assert client_for("office2").get(f"/correction/assessments/{assessment.pk}/").status_code == 404


def test_assessment_open_page_shows_the_nv_flag_and_registers() -> None:
    client = client_for("corr")
    form = client.get("/correction/assessments/new/").content.decode()
    assert "[NV]" in form and "10个工作日" in form
    response = client.post("/correction/assessments/new/", {
        "commissioner_type": "court", "commissioner_name": "杭州市富阳区人民法院", "received_on": "2026-11-02",
        "person_name": "评估丁", "proposed_sentence_type": "probation"})
    assert response.status_code == 302
    assert PreSentenceAssessment.objects.filter(person_name="评估丁").exists()
