"""被依法限制人身自由 (RULES.md CC-22, 《社区矫正法》第三十二条): the record, the overlay flag, paused tasks, the
term running on, late notices shown, scope. CASES.md has no case for CC-22; the tests name the rule."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sifa.core.audit.models import AuditEvent
from sifa.core.errors import Conflict, ValidationFailed
from sifa.core.testing import actor_for, client_for
from sifa.modules.correction.choices import TaskKind, TaskStatus
from sifa.modules.correction.liberty_services import end_liberty_restriction, record_liberty_restriction
from sifa.modules.correction.models import CorrectionCase, LibertyRestriction, SupervisionTask
from sifa.modules.correction.supervision_selectors import generate_tasks
from sifa.modules.correction.tests.factories import make_correction
from sifa.modules.correction.tests.liberty_factories import make_restriction
from sifa.modules.correction.tests.movement_factories import make_task

DAY = datetime.timedelta(days=1)


def _record(detail: CorrectionCase, kind: str = "administrative_detention", *, decided: datetime.date | None = None,
            notified: datetime.date | None = None, user: str = "office1") -> LibertyRestriction:
    today = timezone.localdate()
    decided = decided or today - 3 * DAY
    return record_liberty_restriction(actor=actor_for(user), detail=detail, kind=kind,
                                      deciding_organ="杭州市公安局富阳区分局", decided_on=decided, start_date=decided,
                                      expected_end=decided + 10 * DAY, notified_on=notified or decided + DAY,
                                      note="因殴打他人被行政拘留十日")


def test_cc22_custody_sets_the_flag_pauses_tasks_and_the_term_runs_on(db: Any) -> None:
    # given a subject under correction with an open task in the past, a missed one, a done one and future ones
    today = timezone.localdate()
    detail = make_correction()
    term_end = detail.term_end
    before = make_task(detail, TaskKind.REPORT_IN, today - 10 * DAY, TaskStatus.DONE)
    missed = make_task(detail, TaskKind.REPORT_IN, today - 2 * DAY, TaskStatus.MISSED)
    future = make_task(detail, TaskKind.VISIT, today + 3 * DAY, TaskStatus.OPEN)
    # when the agency records a 行政拘留 that started three days ago
    row = _record(detail)
    # then the flag is set, the tasks from the start are paused, the done one is untouched
    detail.refresh_from_db()
    assert detail.liberty_restricted is True
    statuses = dict(SupervisionTask.objects.filter(pk__in=[before.pk, missed.pk, future.pk]).values_list("pk", "status"))
    assert statuses == {before.pk: TaskStatus.DONE, missed.pk: TaskStatus.PAUSED, future.pk: TaskStatus.PAUSED}
    # and no task is scheduled while the custody runs (no end recorded yet)
    assert generate_tasks(detail, today, today + 60 * DAY) == []
    assert not SupervisionTask.objects.filter(correction_case=detail, status=TaskStatus.OPEN).exists()
    # and the term is not suspended: the same last day (CC-34)
    assert detail.term_end == term_end
    event = AuditEvent.objects.filter(action="correction.liberty.recorded", object_id=str(row.pk)).get()
    assert event.changes["tasks_paused"] == 2


def test_cc22_ending_clears_the_flag_and_resumes_future_tasks(db: Any) -> None:
    today = timezone.localdate()
    detail = make_correction()
    past = make_task(detail, TaskKind.REPORT_IN, today - DAY, TaskStatus.OPEN)
    spec = generate_tasks(detail, today + DAY, today + 28 * DAY)[0]  # a task of the schedule
    future = make_task(detail, spec.kind, spec.due_date, TaskStatus.OPEN)
    row = _record(detail)
    assert SupervisionTask.objects.get(pk=future.pk).status == TaskStatus.PAUSED
    # when the release is recorded today
    end_liberty_restriction(actor=actor_for("office1"), restriction=row, ended_on=today, end_note="拘留期满释放")
    # then the flag clears, the future task is open again, the past one stays paused, the schedule is back
    detail.refresh_from_db()
    row.refresh_from_db()
    assert detail.liberty_restricted is False and row.ended_on == today
    assert SupervisionTask.objects.get(pk=future.pk).status == TaskStatus.OPEN
    assert SupervisionTask.objects.get(pk=past.pk).status == TaskStatus.PAUSED
    assert SupervisionTask.objects.filter(correction_case=detail, status=TaskStatus.OPEN, due_date__gt=today).count() > 1
    # and it cannot be ended twice
    with pytest.raises(Conflict):
        end_liberty_restriction(actor=actor_for("office1"), restriction=row, ended_on=today)


def test_cc22_flag_stays_while_another_restriction_is_active(db: Any) -> None:
    detail = make_correction()
    first = _record(detail, "criminal_detention")
    _record(detail, "arrest")
    end_liberty_restriction(actor=actor_for("office1"), restriction=first, ended_on=timezone.localdate())
    detail.refresh_from_db()
    assert detail.liberty_restricted is True


def test_cc22_bail_restricts_liberty_without_pausing_tasks(db: Any) -> None:
    today = timezone.localdate()
    detail = make_correction()
    task = make_task(detail, TaskKind.REPORT_IN, today + 2 * DAY, TaskStatus.OPEN)
    _record(detail, "bail")
    detail.refresh_from_db()
    assert detail.liberty_restricted is True
    assert SupervisionTask.objects.get(pk=task.pk).status == TaskStatus.OPEN
    assert generate_tasks(detail, today, today + 30 * DAY) != []


def test_cc22_late_notification_is_shown_on_the_card_the_page_and_the_api(db: Any) -> None:
    # given a 刑事拘留 decided 40 days before the agency learned of it
    today = timezone.localdate()
    detail = make_correction()
    row = _record(detail, "criminal_detention", decided=today - 45 * DAY, notified=today - 5 * DAY)
    client = client_for("office1")
    # then the subject page's card, the restriction's page and the API say so
    subject = client.get(f"/correction/{detail.pk}/").content.decode()
    assert "panel-liberty" in subject and "通知滞后" in subject and "（40 日后）" in subject
    assert "矫正期限继续计算" in subject
    page = client.get(f"/correction/liberty/{row.pk}/").content.decode()
    assert 'id="notice-late"' in page and "决定后 40 日" in page
    data = client.get(f"/api/v1/correction/liberty/restrictions/{row.pk}").json()
    assert (data["notice_lag_days"], data["notice_late"], data["custodial"]) == (40, True, True)
    # while a notice on the next day is not marked
    prompt = _record(make_correction(), decided=today - 2 * DAY, notified=today - DAY)
    assert client.get(f"/api/v1/correction/liberty/restrictions/{prompt.pk}").json()["notice_late"] is False


@pytest.mark.parametrize(("field", "changes"), [
    ("kind", {"kind": "house_arrest"}),
    ("deciding_organ", {"deciding_organ": " "}),
    ("notified_on", {"notified_on": datetime.date(2020, 1, 1)}),
    ("start_date", {"start_date": datetime.date(2020, 1, 1)}),
    ("expected_end", {"expected_end": datetime.date(2020, 1, 1)}),
])
def test_cc22_bad_input_names_the_field_and_writes_nothing(db: Any, field: str, changes: dict[str, Any]) -> None:
    detail = make_correction()
    day = timezone.localdate() - 3 * DAY
    args: dict[str, Any] = {"kind": "administrative_detention", "deciding_organ": "公安分局", "decided_on": day,
                            "start_date": day, "notified_on": day, **changes}
    with pytest.raises(ValidationFailed) as err:
        record_liberty_restriction(actor=actor_for("office1"), detail=detail, **args)
    assert err.value.field == field
    detail.refresh_from_db()
    assert detail.liberty_restricted is False and not LibertyRestriction.objects.filter(correction_case=detail).exists()


def test_cc22_pages_and_api_record_and_end(db: Any) -> None:
    today = timezone.localdate()
    detail = make_correction()
    client = client_for("office1")
    assert "CC-22" in client.get(f"/correction/liberty/cases/{detail.pk}/new/").content.decode()
    bad = client.post(f"/correction/liberty/cases/{detail.pk}/new/", {
        "kind": "arrest", "deciding_organ": "富阳区人民检察院", "decided_on": today.isoformat(),
        "start_date": today.isoformat(), "notified_on": (today - DAY).isoformat()})
    assert bad.status_code == 400 and "获知日期不能早于决定日期" in bad.content.decode()
    response = client.post(f"/correction/liberty/cases/{detail.pk}/new/", {
        "kind": "arrest", "deciding_organ": "富阳区人民检察院", "decided_on": today.isoformat(),
        "start_date": today.isoformat(), "notified_on": today.isoformat()})
    row = LibertyRestriction.objects.get(correction_case=detail)
    assert response.status_code == 302 and response["Location"] == f"/correction/liberty/{row.pk}/"
    response = client.post(f"/correction/liberty/{row.pk}/end/", {"ended_on": today.isoformat(), "end_note": "变更为取保候审"})
    assert response.status_code == 302
    # the API: create, list, end
    api = client.post(f"/api/v1/correction/liberty/cases/{detail.pk}/restrictions", {
        "kind": "residential_surveillance", "deciding_organ": "杭州市公安局富阳区分局", "decided_on": today.isoformat(),
        "start_date": today.isoformat(), "notified_on": today.isoformat()}, content_type="application/json")
    assert api.status_code == 201 and api.json()["custodial"] is False
    listed = client.get(f"/api/v1/correction/liberty/restrictions?case_id={detail.pk}&active=true").json()
    assert [r["id"] for r in listed["items"]] == [api.json()["id"]]
    ended = client.post(f"/api/v1/correction/liberty/restrictions/{api.json()['id']}/end",
                        {"ended_on": today.isoformat()}, content_type="application/json")
    assert ended.status_code == 200 and ended.json()["active"] is False
    detail.refresh_from_db()
    assert detail.liberty_restricted is False


def test_cc22_scope_and_terminal_cases(db: Any) -> None:
    detail = make_correction()
    row = make_restriction(detail)
    other = client_for("office2")
    assert other.get(f"/correction/liberty/{row.pk}/").status_code == 404
    assert other.get(f"/correction/liberty/cases/{detail.pk}/new/").status_code == 404
    assert other.get(f"/api/v1/correction/liberty/restrictions/{row.pk}").status_code == 404
    assert other.post(f"/api/v1/correction/liberty/restrictions/{row.pk}/end", {"ended_on": "2026-01-01"},
                      content_type="application/json").status_code == 404
    assert row.pk not in [r["id"] for r in other.get("/api/v1/correction/liberty/restrictions").json()["items"]]
    # the county agency above sees it
    assert client_for("corr").get(f"/correction/liberty/{row.pk}/").status_code == 200
    # nothing is recorded on an ended case (409)
    done = make_correction(state="discharged")
    with pytest.raises(Conflict):
        _record(done)
