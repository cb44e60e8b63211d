"""submit_field_report, decide_suggestion, mark_report_reviewed and the keyword-rule services.

Field reports rest on CC-14 (《社区矫正法》第二十六条 实地查访), CC-10 (矫正小组) and CC-35 (minors'
files, C-46(b), C-85); there is no statutory deadline in this part.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.alerts.models import Alert
from sifa.core.attachments.models import Attachment
from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.ledger.entries import decode_entry
from sifa.core.ledger.models import LedgerEntry
from sifa.core.ledger.store import ledger_hash_alg
from sifa.core.testing import actor_for
from sifa.modules.correction.choices import ReportStatus, SuggestionStatus
from sifa.modules.correction.models import CorrectionSuggestion, FieldReport, KeywordRule
from sifa.modules.correction.report_selectors import reportable_cases
from sifa.modules.correction.report_services import (
    RuleInput,
    deactivate_keyword_rule,
    decide_suggestion,
    location_text_for_commitment,
    mark_report_reviewed,
    save_keyword_rule,
    submit_field_report,
)
from sifa.modules.correction.tests.factories import make_correction, office_of
from sifa.modules.correction.tests.report_factories import new_member, photo, report_without_service

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int, int, int]:
    return (FieldReport.objects.count(), CorrectionSuggestion.objects.count(), Alert.objects.count(),
            Attachment.objects.count(), LedgerEntry.objects.count(), AuditEvent.objects.count())


def test_report_is_classified_with_its_explanation_and_queues_suggestions_and_alerts() -> None:
    # given a grid worker of office1 and a subject under correction there
    actor = actor_for("grid1")
    detail = make_correction(office_of("office1"))
    # when the worker reports drinking and a quarrel
    report = submit_field_report(actor=actor, correction_case=detail, note="对象昨晚在家喝酒，酒后与妻子吵架",
                                 photo=photo(), latitude="30.049123", longitude="119.961", accuracy_m="15.4")
    # then it is in both categories, each explained by the keywords that matched
    explanations = {c["category"]: c["explanation"] for c in report.classification}
    assert set(report.categories) == {"饮酒", "家庭矛盾"}
    assert explanations["饮酒"] == "因包含关键词「喝酒」「酒后」归入「饮酒」"
    assert explanations["家庭矛盾"] == "因包含关键词「吵架」归入「家庭矛盾」"
    # and one pending suggestion per category, with the rule's text
    suggestions = {s.category: s for s in report.suggestions.all()}
    assert set(suggestions) == {"饮酒", "家庭矛盾"}
    assert all(s.status == SuggestionStatus.PENDING for s in suggestions.values())
    assert suggestions["饮酒"].text == KeywordRule.objects.get(code="drinking").suggestion
    # and one alert per category with an alert level, at the subject's office, level from the rule
    alerts = Alert.objects.filter(rule_code="correction.field_report", object_id__startswith=f"{report.pk}:")
    assert {(a.object_id, a.level) for a in alerts} == {(f"{report.pk}:饮酒", "yellow"), (f"{report.pk}:家庭矛盾", "yellow")}
    assert {a.org_id for a in alerts} == {detail.case.org_id}
    assert all(a.case_id == detail.case_id for a in alerts)
    # and the location is stored as given (rounded to the model's precision)
    assert report.latitude == Decimal("30.049123") and report.longitude == Decimal("119.961000")
    assert report.accuracy_m == 15
    # and one audit event names the categories
    event = AuditEvent.objects.filter(action="correction.field_report.submitted", object_id=str(report.pk)).get()
    assert set(event.changes["categories"]) == {"饮酒", "家庭矛盾"}


def test_ledger_entry_attests_photo_hash_times_place_reporter_and_case() -> None:
    # given
    actor = actor_for("grid1")
    detail = make_correction(office_of("office1"))
    captured = timezone.now() - datetime.timedelta(minutes=3)
    # when
    report = submit_field_report(actor=actor, correction_case=detail, note="走访时对象在家", photo=photo(),
                                 latitude="30.05", longitude="119.96", accuracy_m="20", captured_at=captured.isoformat())
    # then the report points at one correction.field_report entry
    stored = LedgerEntry.objects.get(index=report.ledger_seq)
    entry = decode_entry(bytes(stored.entry))
    assert entry.type == "correction.field_report"
    assert entry.case_id == detail.case_id
    # whose object hash is the photo attachment's hash in the ledger's algorithm
    assert report.photo is not None
    assert entry.object_hash == (report.photo.sm3 if ledger_hash_alg() == "sm3" else report.photo.sha256)
    meta = entry.metadata
    assert meta["photo_sha256"] == report.photo.sha256 and meta["photo_sm3"] == report.photo.sm3
    assert meta["photo_attachment"] == report.photo.pk
    # and the photo itself was logged on arrival (attachment.added) before this entry
    assert report.photo.ledger_index is not None and report.photo.ledger_index < report.ledger_seq
    assert meta["photo_ledger_index"] == report.photo.ledger_index
    # and time received, time captured, place, reporter and report are in it
    assert entry.time == report.received_at
    assert meta["received_at"].startswith(report.received_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    assert meta["captured_at"].startswith(captured.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    # the place only as a salted commitment (PI-03): no coordinates in the ledger, checkable from the report
    assert "latitude" not in meta and "119.96" not in bytes(stored.entry).decode("utf-8")
    assert len(report.location_nonce) == 32
    text = location_text_for_commitment(report.location_nonce, report.latitude, report.longitude, report.accuracy_m)
    assert text.endswith("|30.050000|119.960000|20")
    assert meta["location_sm3"] == hashlib.new("sm3", text.encode("utf-8")).hexdigest()
    assert meta["reporter"] == actor.user.pk and meta["field_report"] == report.pk  # type: ignore[union-attr]
    # and the note is attested by its hash only (the ledger is readable by every signed-in user)
    assert "走访" not in bytes(stored.entry).decode("utf-8")
    assert len(meta["note_sm3"]) == 64
    # and the photo belongs to the case, as a 现场照片
    assert report.photo.case_id == detail.case_id and report.photo.kind == "photo"


def test_report_without_location_or_photo_is_accepted() -> None:
    # given / when: no photo, no location (the browser refused)
    report = submit_field_report(actor=actor_for("grid1"), correction_case=make_correction(office_of("office1")),
                                 note="电话联系，对象说已找到工作")
    # then 未获取定位, no photo, still one attestation entry without object hash, and the 就业 category
    assert report.latitude is None and report.photo is None and report.ledger_seq is not None
    entry = decode_entry(bytes(LedgerEntry.objects.get(index=report.ledger_seq).entry))
    assert entry.object_hash == "" and entry.metadata["location_sm3"] is None and report.location_nonce == ""
    assert report.categories == ["就业"]
    # and 就业 has no alert level: a suggestion, no alert
    assert report.suggestions.count() == 1
    assert not Alert.objects.filter(object_id__startswith=f"{report.pk}:").exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"note": "  "}, "note"),
    ({"note": "x" * 2001}, "note"),
    ({"latitude": "91", "longitude": "120"}, "latitude"),
    ({"latitude": "abc", "longitude": "120"}, "latitude"),
    ({"latitude": "30", "longitude": "-181"}, "longitude"),
    ({"latitude": "30", "longitude": ""}, "longitude"),
    ({"latitude": "", "longitude": "120"}, "latitude"),
    ({"latitude": "30", "longitude": "120", "accuracy_m": "-5"}, "accuracy_m"),
    ({"captured_at": "昨天"}, "captured_at"),
    ({"captured_at": "2099-01-01T00:00:00+08:00"}, "captured_at"),
])
def test_bad_input_names_the_field_and_writes_nothing(kwargs: dict[str, Any], field: str) -> None:
    # given
    detail = make_correction(office_of("office1"))
    args = {"note": "对象喝酒", **kwargs}
    before = _counts()
    # when / then
    with pytest.raises(ValidationFailed) as err:
        submit_field_report(actor=actor_for("grid1"), correction_case=detail, photo=photo(), **args)
    assert err.value.field == field
    assert _counts() == before


def test_a_file_that_is_not_an_image_is_refused_on_the_photo_field() -> None:
    from django.core.files.base import ContentFile

    from sifa.core.attachments.tests.factories import pdf_bytes

    before = _counts()
    with pytest.raises(ValidationFailed) as err:
        submit_field_report(actor=actor_for("grid1"), correction_case=make_correction(office_of("office1")),
                            note="喝酒", photo=ContentFile(pdf_bytes(), name="x.jpg"))
    assert err.value.field == "photo"
    assert _counts() == before


def test_grid_worker_of_another_office_cannot_pick_or_report() -> None:
    # given a subject of office1 and a grid worker of office2
    detail = make_correction(office_of("office1"))
    other = new_member(office_of("office2"))
    before = _counts()
    # then the subject is not in the worker's picker, and reporting on it is 404 with nothing written
    assert not reportable_cases(other).filter(pk=detail.pk).exists()
    with pytest.raises(NotFound):
        submit_field_report(actor=other, correction_case=detail, note="喝酒", photo=photo())
    assert _counts() == before
    # while office1's grid worker may
    assert reportable_cases(actor_for("grid1")).filter(pk=detail.pk).exists()


def test_minors_are_hidden_without_minor_files_permission() -> None:
    """CC-35, C-46(b), C-85: a minor's file is not shown to roles without correction.minor_files."""
    # given a minor under correction at office1
    minor = make_correction(office_of("office1"), minor=True)
    # then the grid worker (no minor_files) neither sees nor reports on them
    assert not reportable_cases(actor_for("grid1")).filter(pk=minor.pk).exists()
    with pytest.raises(NotFound):
        submit_field_report(actor=actor_for("grid1"), correction_case=minor, note="喝酒")
    # while the county's correction staff (minor_files) can, and the alert does not carry the minor's name
    report = submit_field_report(actor=actor_for("corr"), correction_case=minor, note="对象喝酒")
    alert = Alert.objects.get(object_id=f"{report.pk}:饮酒")
    assert minor.subject.person.name not in alert.title and "未成年" in alert.title


def test_subjects_not_under_correction_cannot_be_reported_on() -> None:
    ended = make_correction(office_of("office1"), state="discharged")
    assert not reportable_cases(actor_for("grid1")).filter(pk=ended.pk).exists()
    with pytest.raises(NotFound):
        submit_field_report(actor=actor_for("grid1"), correction_case=ended, note="喝酒")


def test_roles_without_field_report_permission_are_refused() -> None:
    with pytest.raises(PermissionDeniedError):
        submit_field_report(actor=actor_for("county"), correction_case=make_correction(office_of("office1")), note="喝酒")


def test_alert_is_not_opened_twice_for_the_same_report_and_category() -> None:
    # given a report whose alert for 饮酒 is open
    report = submit_field_report(actor=actor_for("grid1"), correction_case=make_correction(office_of("office1")),
                                 note="喝酒，又喝醉了")
    # then there is exactly one alert for the report and the category (two keywords, one category)
    assert Alert.objects.filter(object_id=f"{report.pk}:饮酒").count() == 1
    # and a second report on the same subject opens its own alert
    again = submit_field_report(actor=actor_for("grid1"), correction_case=report.correction_case, note="又在喝酒")
    assert Alert.objects.filter(object_id=f"{again.pk}:饮酒").count() == 1


def test_inactive_rules_do_not_classify() -> None:
    KeywordRule.objects.filter(code="drinking").update(active=False)
    report = submit_field_report(actor=actor_for("grid1"), correction_case=make_correction(office_of("office1")),
                                 note="喝酒")
    assert report.categories == []
    assert report.suggestions.count() == 0


# --- suggestions ---------------------------------------------------------------------------------


def test_dismissal_needs_a_reason() -> None:
    # given a pending suggestion at office1
    report = report_without_service(make_correction(office_of("office1")), categories=("饮酒",))
    suggestion = report.suggestions.get()
    # when the officer dismisses it without a reason
    with pytest.raises(ValidationFailed) as err:
        decide_suggestion(actor=actor_for("office1"), suggestion=suggestion, accept=False, reason="  ")
    # then the error names the reason and nothing changed
    assert err.value.field == "reason"
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING
    # when with a reason
    decided = decide_suggestion(actor=actor_for("office1"), suggestion=suggestion, accept=False, reason="经核实系误报")
    # then it is dismissed, with who and why, and the report is reviewed (no pending left)
    assert decided.status == SuggestionStatus.DISMISSED and decided.reason == "经核实系误报"
    assert decided.decided_by and decided.decided_at
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED


def test_accepting_needs_no_reason_and_cannot_be_repeated() -> None:
    report = report_without_service(make_correction(office_of("office1")), categories=("饮酒", "外出"))
    first, second = report.suggestions.order_by("id")
    decided = decide_suggestion(actor=actor_for("office1"), suggestion=first, accept=True)
    assert decided.status == SuggestionStatus.ACCEPTED
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED  # one still pending
    with pytest.raises(Conflict):
        decide_suggestion(actor=actor_for("office1"), suggestion=first, accept=False, reason="改主意")


def test_another_office_cannot_decide() -> None:
    suggestion = report_without_service(make_correction(office_of("office1")), categories=("饮酒",)).suggestions.get()
    with pytest.raises(NotFound):
        decide_suggestion(actor=actor_for("office2"), suggestion=suggestion, accept=True)
    # the county agency above both offices may
    assert decide_suggestion(actor=actor_for("corr"), suggestion=suggestion, accept=True).status == "accepted"


def test_mark_reviewed() -> None:
    report = report_without_service(make_correction(office_of("office1")))
    assert mark_report_reviewed(actor=actor_for("office1"), report=report).status == ReportStatus.REVIEWED
    with pytest.raises(Conflict):
        mark_report_reviewed(actor=actor_for("office1"), report=report)


# --- keyword rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "field"), [
    ({"code": "", "category": "x", "keywords": ["a"]}, "code"),
    ({"code": "有中文", "category": "x", "keywords": ["a"]}, "code"),
    ({"code": "new-rule", "category": " ", "keywords": ["a"]}, "category"),
    ({"code": "new-rule", "category": "x", "keywords": []}, "keywords"),
    ({"code": "new-rule", "category": "x", "keywords": [" ", ""]}, "keywords"),
    ({"code": "new-rule", "category": "x", "keywords": ["a"], "alert_level": "红"}, "alert_level"),
    ({"code": "new-rule", "category": "x", "keywords": ["a"], "alert_level": "purple"}, "alert_level"),
])
def test_rule_validation_names_the_field(data: dict[str, Any], field: str) -> None:
    before = KeywordRule.objects.count()
    with pytest.raises(ValidationFailed) as err:
        save_keyword_rule(actor=actor_for("corr"), data=RuleInput(**data))
    assert err.value.field == field
    assert KeywordRule.objects.count() == before


def test_duplicate_code_is_a_duplicate_error() -> None:
    with pytest.raises(DuplicateError) as err:
        save_keyword_rule(actor=actor_for("corr"), data=RuleInput(code="drinking", category="x", keywords=["a"]))
    assert err.value.field == "code"


def test_rule_created_edited_and_deactivated_classifies_accordingly() -> None:
    actor = actor_for("corr")
    rule = save_keyword_rule(actor=actor, data=RuleInput(code="gambling", category="赌博", keywords=["打牌赌钱", "麻将"],
                                                         alert_level="red", suggestion="立即核实"))
    detail = make_correction(office_of("office1"))
    report = submit_field_report(actor=actor_for("grid1"), correction_case=detail, note="在棋牌室打麻将")
    assert "赌博" in report.categories
    assert Alert.objects.get(object_id=f"{report.pk}:赌博").level == "red"
    # edit: another keyword; the old report keeps its stored classification
    save_keyword_rule(actor=actor, rule=rule, data=RuleInput(code="gambling", category="赌博", keywords=["扑克"]))
    report.refresh_from_db()
    assert "赌博" in report.categories
    deactivate_keyword_rule(actor=actor, rule=rule)
    later = submit_field_report(actor=actor_for("grid1"), correction_case=detail, note="在打扑克")
    assert "赌博" not in later.categories
    with pytest.raises(Conflict):
        deactivate_keyword_rule(actor=actor, rule=rule)


def test_office_staff_cannot_manage_rules() -> None:
    with pytest.raises(PermissionDeniedError):
        save_keyword_rule(actor=actor_for("office1"), data=RuleInput(code="x1", category="x", keywords=["a"]))
