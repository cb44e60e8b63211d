"""Work-log services: saving a day, the edit lock, corrections, totals, catalogue, scope."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role
from sifa.core.attachments.models import Attachment
from sifa.core.attachments.tests.factories import pdf_bytes, png_bytes, store_for_test
from sifa.core.audit.models import AuditEvent
from sifa.core.cases.models import Case
from sifa.core.errors import Conflict, DuplicateError, NotFound, PermissionDeniedError, ValidationFailed
from sifa.core.testing import actor_for
from sifa.modules.judicial_office import selectors
from sifa.modules.judicial_office.catalogue import catalogue_for, sync_default_catalogue
from sifa.modules.judicial_office.choices import CorrectionStatus, WorkLogStatus
from sifa.modules.judicial_office.models import WorkCatalogueItem, WorkDailyTotal, WorkLog, WorkLogCorrection
from sifa.modules.judicial_office.services import (
    decide_correction,
    lock_date,
    request_correction,
    save_catalogue_item,
    save_work_log,
)
from sifa.modules.judicial_office.tests.worklog_factories import (
    audit_rows,
    new_staff,
    office1,
    on_day,
    other_county_office,
)

D = datetime.date
HOLIDAY_WEEK_DAY = D(2026, 9, 30)  # 中秋、国庆 follow: 10-01~10-07 rest, 10-10 (Saturday) a make-up working day


def totals(org_id: int, day: datetime.date) -> dict[str, tuple[int, int, int]]:
    return {t.item_code: (t.manual, t.auto, t.total) for t in WorkDailyTotal.objects.filter(org_id=org_id, day=day)}


def counts_before() -> tuple[int, int, int, int]:
    return (WorkLog.objects.count(), WorkDailyTotal.objects.count(), Attachment.objects.count(), AuditEvent.objects.count())


# --- saving a day --------------------------------------------------------------------------------


def test_submit_a_day_writes_the_log_its_items_and_the_office_totals(db: Any) -> None:
    # given a staff member of office1 with no log yet
    actor = new_staff()
    day = D(2026, 11, 20)
    # when the day is submitted
    with on_day(day):
        log = save_work_log(actor=actor, day=day, submit=True, text="走访两个村",
                            items=[{"code": "mediation", "count": 2}, {"code": "legal_consultation", "count": "5",
                                                                        "note": "土地承包咨询"}])
    # then
    log.refresh_from_db()
    assert (log.status, log.author_id, log.org_id, log.text, log.revision) == (
        WorkLogStatus.SUBMITTED, actor.user.pk, office1().pk, "走访两个村", 0)  # type: ignore[union-attr]
    assert log.submitted_at is not None
    assert {i.catalogue_item.code: (i.count, i.note) for i in log.items.all()} == {
        "mediation": (2, ""), "legal_consultation": (5, "土地承包咨询")}
    assert WorkDailyTotal.objects.get(org=office1(), day=day, item_code="mediation").org_path == office1().path
    event = AuditEvent.objects.filter(action="judicial_office.worklog.saved", object_id=str(log.pk)).get()
    assert event.changes["submitted_now"] is True
    assert event.changes["items"] == {"mediation": 2, "legal_consultation": 5}


def test_totals_sum_every_submitted_log_of_the_office_day_and_follow_edits(db: Any) -> None:
    # given two staff of office1 on the same day, one of them only a draft
    day = D(2026, 11, 19)
    first, second, drafter = new_staff(), new_staff(), new_staff()
    before = totals(office1().pk, day)
    with on_day(day):
        save_work_log(actor=first, day=day, items=[{"code": "mediation", "count": 2}], submit=True)
        save_work_log(actor=second, day=day, items=[{"code": "mediation", "count": 3},
                                                    {"code": "publicity_event", "count": 1}], submit=True)
        save_work_log(actor=drafter, day=day, items=[{"code": "mediation", "count": 7}])
        after_submit = totals(office1().pk, day)
        # when the first edits the log (mediation 2 → 4, plus consultations)
        save_work_log(actor=first, day=day, items=[{"code": "mediation", "count": 4},
                                                   {"code": "legal_consultation", "count": 1}])
    # then the totals are exact: submitted logs only, before and after the edit
    def added(now: dict[str, tuple[int, int, int]], code: str) -> int:
        return now.get(code, (0, 0, 0))[0] - before.get(code, (0, 0, 0))[0]

    assert (added(after_submit, "mediation"), added(after_submit, "publicity_event")) == (5, 1)
    final = totals(office1().pk, day)
    assert (added(final, "mediation"), added(final, "publicity_event"), added(final, "legal_consultation")) == (7, 1, 1)
    assert all(m + a == t for m, a, t in final.values())
    log = WorkLog.objects.get(author=first.user, day=day)
    assert (log.status, log.revision) == (WorkLogStatus.SUBMITTED, 1)  # an edit of a submitted log stays submitted
    edit = AuditEvent.objects.filter(action="judicial_office.worklog.saved", object_id=str(log.pk)).order_by("id").last()
    assert edit is not None and edit.changes["before"]["items"] == {"mediation": 2}


def test_a_draft_becomes_submitted_and_only_then_counts(db: Any) -> None:
    actor = new_staff()
    day = D(2026, 11, 18)
    before = totals(office1().pk, day).get("legality_review", (0, 0, 0))[0]
    with on_day(day):
        draft = save_work_log(actor=actor, day=day, items=[{"code": "legality_review", "count": 1}])
        assert (draft.status, totals(office1().pk, day).get("legality_review", (0, 0, 0))[0]) == ("draft", before)
        submitted = save_work_log(actor=actor, day=day, items=[{"code": "legality_review", "count": 1}], submit=True)
    assert submitted.pk == draft.pk and submitted.status == WorkLogStatus.SUBMITTED and submitted.revision == 0
    assert totals(office1().pk, day)["legality_review"][0] == before + 1


@pytest.mark.parametrize(("items", "field", "words"), [
    ([{"code": "mediation", "count": 0}], "items[0].count", "第 1 项（人民调解）数量"),
    ([{"code": "mediation", "count": -2}], "items[0].count", "不小于 1"),
    ([{"code": "mediation", "count": "两"}], "items[0].count", "整数"),
    ([{"code": "no-such-item", "count": 1}], "items[0].code", "no-such-item 不在本所的工作事项目录中"),
    ([{"code": "mediation", "count": 1}, {"code": "mediation", "count": 1}], "items[1].code", "与第 1 项重复"),
    ([{"code": "mediation", "count": 1, "note": "长" * 501}], "items[0].note", "备注"),
    ([{"code": "mediation", "count": 1, "photos": [987654321]}], "items[0].photos", "附件 987654321 不存在或无权访问"),
    ([{"code": "mediation", "count": 1, "cases": [987654321]}], "items[0].cases", "案件 987654321 不存在或无权访问"),
    ([], "items", "至少填写一项"),
])
def test_bad_content_is_refused_naming_the_row_and_nothing_is_written(db: Any, items: list[dict[str, Any]],
                                                                         field: str, words: str) -> None:
    # given
    actor = new_staff()
    before = counts_before()
    # when
    with on_day(D(2026, 11, 20)), pytest.raises(ValidationFailed) as exc:
        save_work_log(actor=actor, day=D(2026, 11, 20), items=items, submit=True)
    # then
    assert field in [e["field"] for e in exc.value.errors]
    assert words in exc.value.message
    assert counts_before() == before


def test_every_bad_row_is_reported_at_once(db: Any) -> None:
    actor = new_staff()
    with on_day(D(2026, 11, 20)), pytest.raises(ValidationFailed) as exc:
        save_work_log(actor=actor, day=D(2026, 11, 20), submit=True, items=[
            {"code": "mediation", "count": 0}, {"code": "publicity_event", "count": 1}, {"code": "nope", "count": 1}])
    assert [e["field"] for e in exc.value.errors] == ["items[0].count", "items[2].code"]
    assert "2 处错误" in exc.value.message


def test_a_future_day_is_refused(db: Any) -> None:
    actor = new_staff()
    before = counts_before()
    with on_day(D(2026, 11, 20)), pytest.raises(ValidationFailed) as exc:
        save_work_log(actor=actor, day=D(2026, 11, 21), items=[{"code": "mediation", "count": 1}], submit=True)
    assert exc.value.field == "day" and "未来日期" in exc.value.message
    assert counts_before() == before


def test_an_inactive_item_is_refused(db: Any) -> None:
    WorkCatalogueItem.objects.filter(code="resettlement_help").update(active=False)
    actor = new_staff()
    with on_day(D(2026, 11, 20)), pytest.raises(ValidationFailed) as exc:
        save_work_log(actor=actor, day=D(2026, 11, 20), items=[{"code": "resettlement_help", "count": 1}], submit=True)
    assert "「安置帮教」已停用" in exc.value.message
    assert not WorkLog.objects.filter(author=actor.user).exists()


def test_only_office_staff_of_a_judicial_office_write_logs(db: Any) -> None:
    before = counts_before()
    with pytest.raises(Conflict) as exc:
        save_work_log(actor=actor_for("admin"), day=D(2026, 11, 2), items=[{"code": "mediation", "count": 1}])
    assert "不是司法所" in exc.value.message
    grid = new_staff(role="grid_worker")
    with pytest.raises(PermissionDeniedError):
        save_work_log(actor=grid, day=D(2026, 11, 2), items=[{"code": "mediation", "count": 1}])
    assert counts_before() == before


def test_photos_and_cases_in_scope_are_linked_and_uploads_are_ledgered(db: Any) -> None:
    # given a case of office1 and a photo already uploaded at office1
    actor = new_staff()
    case = Case.objects.create(case_type="test_case", number="日志测试案号1", year=2026, sequence=9101,
                               case_code="worklog-case-1", org=office1(), state="registered", title="日志关联案件")
    earlier = store_for_test(org=office1(), name="已传.png", content=png_bytes(tag="worklog-earlier"), kind="photo")
    upload = ContentFile(png_bytes(tag="worklog-upload"), name="现场.png")
    # when
    with on_day(D(2026, 11, 20)):
        log = save_work_log(actor=actor, day=D(2026, 11, 20), submit=True, items=[
            {"code": "publicity_event", "count": 1, "photos": [earlier.pk], "uploads": [upload], "cases": [case.pk]}])
    # then
    item = log.items.get()
    photos = sorted(item.photos.all(), key=lambda p: p.pk)
    assert photos[0] == earlier
    new = photos[1]
    assert (new.kind, new.org_id, new.case_id, new.name) == ("photo", office1().pk, None, "现场.png")
    assert new.ledger_index is not None and len(new.sha256) == 64
    assert list(item.cases.all()) == [case]


def test_a_file_that_is_not_an_image_fails_its_row_and_nothing_is_kept(db: Any) -> None:
    actor = new_staff()
    before = counts_before()
    with on_day(D(2026, 11, 20)), pytest.raises(ValidationFailed) as exc:
        save_work_log(actor=actor, day=D(2026, 11, 20), submit=True, items=[
            {"code": "mediation", "count": 1, "uploads": [ContentFile(pdf_bytes(), name="会议纪要.pdf")]}])
    assert exc.value.field == "items[0].photos" and "第 1 项（人民调解）照片" in exc.value.message
    assert counts_before() == before


def test_photos_and_cases_of_another_county_are_out_of_scope(db: Any) -> None:
    elsewhere = other_county_office()
    photo = store_for_test(org=elsewhere, name="外县.png", content=png_bytes(tag="worklog-foreign"))
    case = Case.objects.create(case_type="test_case", number="日志测试案号2", year=2026, sequence=9102,
                               case_code="worklog-case-2", org=elsewhere, state="registered", title="外县案件")
    actor = new_staff()
    with on_day(D(2026, 11, 20)), pytest.raises(ValidationFailed) as exc:
        save_work_log(actor=actor, day=D(2026, 11, 20), submit=True, items=[
            {"code": "mediation", "count": 1, "photos": [photo.pk], "cases": [case.pk]}])
    assert {e["field"] for e in exc.value.errors} == {"items[0].photos", "items[0].cases"}
    assert not WorkLog.objects.filter(author=actor.user).exists()


# --- the lock ------------------------------------------------------------------------------------


def test_the_lock_counts_working_days_on_the_holiday_calendar(db: Any) -> None:
    # 09-30 (Wed) + 3 working days: 10-01~10-07 are rest days, then 10-08, 10-09 and the make-up Saturday 10-10
    assert lock_date(HOLIDAY_WEEK_DAY) == D(2026, 10, 10)
    # 09-24 (Thu): 09-25~09-27 中秋 rest days, then 09-28, 09-29, 09-30
    assert lock_date(D(2026, 9, 24)) == D(2026, 9, 30)


def test_a_submitted_day_is_editable_until_the_lock_and_refused_the_day_after(db: Any) -> None:
    # given a log of 2026-09-30 submitted on the day
    actor = new_staff()
    with on_day(HOLIDAY_WEEK_DAY):
        log = save_work_log(actor=actor, day=HOLIDAY_WEEK_DAY, items=[{"code": "mediation", "count": 1}], submit=True)
    # when edited on the last day of the lock (the make-up Saturday 10-10)
    with on_day(D(2026, 10, 10)):
        save_work_log(actor=actor, day=HOLIDAY_WEEK_DAY, items=[{"code": "mediation", "count": 2}])
    # then it changed; on 10-11 it is locked and nothing changes
    log.refresh_from_db()
    assert (log.revision, log.items.get().count) == (1, 2)
    saved = audit_rows("judicial_office.worklog.saved")
    with on_day(D(2026, 10, 11)), pytest.raises(Conflict) as exc:
        save_work_log(actor=actor, day=HOLIDAY_WEEK_DAY, items=[{"code": "mediation", "count": 3}])
    assert "已于 2026-10-10 锁定" in exc.value.message and "更正申请" in exc.value.message
    log.refresh_from_db()
    assert (log.revision, log.items.get().count, audit_rows("judicial_office.worklog.saved")) == (1, 2, saved)


# --- corrections ---------------------------------------------------------------------------------


def _locked_log(actor: Actor, counts: dict[str, int] | None = None) -> WorkLog:
    with on_day(HOLIDAY_WEEK_DAY):
        return save_work_log(actor=actor, day=HOLIDAY_WEEK_DAY, submit=True,
                             items=[{"code": c, "count": n} for c, n in (counts or {"mediation": 1}).items()])


def test_a_correction_is_only_for_ones_own_locked_log(db: Any) -> None:
    actor, colleague = new_staff(), new_staff()
    log = _locked_log(actor)
    items = [{"code": "mediation", "count": 2}]
    with on_day(D(2026, 10, 9)), pytest.raises(Conflict) as early:
        request_correction(actor=actor, log=log, reason="漏填", items=items)
    assert "可直接修改" in early.value.message
    with on_day(D(2026, 10, 12)), pytest.raises(Conflict) as other:
        request_correction(actor=colleague, log=log, reason="漏填", items=items)
    assert "本人" in other.value.message
    with on_day(D(2026, 10, 12)), pytest.raises(ValidationFailed) as no_reason:
        request_correction(actor=actor, log=log, reason="  ", items=items)
    assert no_reason.value.field == "reason"
    with on_day(D(2026, 10, 12)), pytest.raises(ValidationFailed) as same:
        request_correction(actor=actor, log=log, reason="无变化", items=[{"code": "mediation", "count": 1}])
    assert "相同" in same.value.message
    assert not WorkLogCorrection.objects.filter(log=log).exists()
    assert audit_rows("judicial_office.correction.requested") == 0


def test_correction_approval_applies_the_content_and_rewrites_the_totals(db: Any) -> None:
    # given a locked log (mediation 1) and its correction (mediation 3, consultation 2)
    actor = new_staff()
    log = _locked_log(actor)
    base = totals(office1().pk, HOLIDAY_WEEK_DAY)
    with on_day(D(2026, 10, 12)):
        correction = request_correction(actor=actor, log=log, reason="漏记两次调解和咨询", text="补记",
                                        items=[{"code": "mediation", "count": 3}, {"code": "legal_consultation", "count": 2}])
        # a second request while one is pending is refused
        with pytest.raises(Conflict):
            request_correction(actor=actor, log=log, reason="再改", items=[{"code": "mediation", "count": 4}])
        # when the county bureau approves
        decided = decide_correction(actor=actor_for("county"), correction=correction, approve=True, note="同意")
    # then the log says the proposed content, one revision more, and the totals follow
    log.refresh_from_db()
    assert decided.status == CorrectionStatus.APPROVED and decided.decided_by_name
    assert (log.text, log.revision) == ("补记", 1)
    assert {i.catalogue_item.code: i.count for i in log.items.all()} == {"mediation": 3, "legal_consultation": 2}
    now = totals(office1().pk, HOLIDAY_WEEK_DAY)
    assert now["mediation"][0] - base["mediation"][0] == 2
    assert now["legal_consultation"][0] - base.get("legal_consultation", (0, 0, 0))[0] == 2
    event = AuditEvent.objects.filter(action="judicial_office.correction.decided").get()
    assert event.changes["before"]["items"] == {"mediation": 1}
    assert event.changes["after"]["items"] == {"mediation": 3, "legal_consultation": 2}
    with pytest.raises(Conflict):
        decide_correction(actor=actor_for("county"), correction=correction, approve=False, note="再审")


def test_a_correction_is_decided_by_a_supervisor_above_the_office_never_by_its_requester(db: Any) -> None:
    actor = new_staff()
    log = _locked_log(actor)
    with on_day(D(2026, 10, 12)):
        correction = request_correction(actor=actor, log=log, reason="漏填", items=[{"code": "mediation", "count": 2}])
    elsewhere = new_staff(other_county_office().parent, role="bureau_staff")
    with pytest.raises(NotFound):
        decide_correction(actor=elsewhere, correction=correction, approve=True)
    with pytest.raises(PermissionDeniedError):
        decide_correction(actor=actor, correction=correction, approve=True)
    approver_at_office = new_staff(office1(), role="leader")
    leader_role = Role.objects.get(code="leader")
    requester_as_leader = Actor.for_membership(Membership.objects.create(user=actor.user, org=office1().parent,
                                                                         role=leader_role))
    with pytest.raises(Conflict) as own:
        decide_correction(actor=requester_as_leader, correction=correction, approve=True)
    assert "本人" in own.value.message
    with pytest.raises(ValidationFailed) as no_note:
        decide_correction(actor=approver_at_office, correction=correction, approve=False)
    assert no_note.value.field == "note"
    correction.refresh_from_db()
    log.refresh_from_db()
    assert (correction.status, log.revision) == (CorrectionStatus.PENDING, 0)
    assert audit_rows("judicial_office.correction.decided") == 0
    # a rejection with a note leaves the log as it was
    decide_correction(actor=approver_at_office, correction=correction, approve=False, note="无依据")
    log.refresh_from_db()
    assert (log.revision, log.items.get().count) == (0, 1)


# --- scope ---------------------------------------------------------------------------------------


def test_another_countys_bureau_cannot_see_the_log(db: Any) -> None:
    actor = new_staff()
    with on_day(D(2026, 11, 20)):
        log = save_work_log(actor=actor, day=D(2026, 11, 20), items=[{"code": "mediation", "count": 1}], submit=True)
    elsewhere = new_staff(other_county_office().parent, role="bureau_staff")
    with pytest.raises(NotFound):
        selectors.log_for(elsewhere, log.pk)
    assert selectors.log_for(actor_for("county"), log.pk) == log
    assert not selectors.logs_visible_to(elsewhere).filter(pk=log.pk).exists()


# --- the catalogue -------------------------------------------------------------------------------


def test_a_county_item_applies_to_its_offices_only(db: Any) -> None:
    county = actor_for("county")
    added = save_catalogue_item(actor=county, code="fuyang-river-patrol", name="河道巡查普法", category="依法治理",
                                unit="次", daily_ceiling=3)
    assert added in catalogue_for(office1())
    assert added not in catalogue_for(other_county_office())
    actor = new_staff()
    with on_day(D(2026, 11, 20)):
        save_work_log(actor=actor, day=D(2026, 11, 20), items=[{"code": "fuyang-river-patrol", "count": 1}], submit=True)
    elsewhere = new_staff(other_county_office())
    with on_day(D(2026, 11, 20)), pytest.raises(ValidationFailed):
        save_work_log(actor=elsewhere, day=D(2026, 11, 20), items=[{"code": "fuyang-river-patrol", "count": 1}])


def test_catalogue_items_are_managed_where_they_belong(db: Any) -> None:
    county = actor_for("county")
    mediation = WorkCatalogueItem.objects.get(code="mediation")
    with pytest.raises(Conflict):
        save_catalogue_item(actor=county, item=mediation, name="人民调解", daily_ceiling=99)
    with pytest.raises(DuplicateError):
        save_catalogue_item(actor=county, code="mediation", name="重复")
    item = save_catalogue_item(actor=county, code="fuyang-x", name="本区事项")
    elsewhere = new_staff(other_county_office().parent, role="bureau_staff")
    with pytest.raises(NotFound):
        save_catalogue_item(actor=elsewhere, item=item, name="改名")
    # the province (top of the tree) manages the defaults, and a deactivated item stays in old logs
    edited = save_catalogue_item(actor=actor_for("admin"), item=mediation, name="人民调解", daily_ceiling=12,
                                 unit="件", order=10, category="矛盾纠纷化解", active=True)
    assert edited.daily_ceiling == 12
    with pytest.raises(ValidationFailed) as bad:
        save_catalogue_item(actor=county, code="bad code!", name="", daily_ceiling=0)
    assert {e["field"] for e in bad.value.errors} == {"code", "name", "daily_ceiling"}


def test_the_default_catalogue_sync_is_idempotent_and_keeps_local_settings(db: Any) -> None:
    # given an administrator's ceiling and a renamed item
    WorkCatalogueItem.objects.filter(code="mediation").update(daily_ceiling=7, name="旧名称")
    count = WorkCatalogueItem.objects.count()
    # when synced twice
    sync_default_catalogue()
    sync_default_catalogue()
    # then nothing is added, the name follows the file and the ceiling stays
    mediation = WorkCatalogueItem.objects.get(code="mediation")
    assert (WorkCatalogueItem.objects.count(), mediation.name, mediation.daily_ceiling) == (count, "人民调解", 7)


def test_the_demo_holds_submitted_logs_on_working_days_with_matching_totals(db: Any) -> None:
    from sifa.core.deadlines.selectors import working_calendar

    office = office1()
    days = list(WorkLog.objects.filter(org=office).values_list("day", flat=True).distinct())
    assert len(days) > 150
    cal = working_calendar()
    assert all(cal.is_working_day(d) for d in days)
    assert max(days) < timezone.localdate()
    day = max(d for d in days if WorkLog.objects.filter(org=office, day=d, status="submitted").exists())
    expected: dict[str, int] = {}
    for log in WorkLog.objects.filter(org=office, day=day, status="submitted").prefetch_related("items__catalogue_item"):
        for i in log.items.all():
            expected[i.catalogue_item.code] = expected.get(i.catalogue_item.code, 0) + i.count
    assert {code: t[0] for code, t in totals(office.pk, day).items()} == expected
