"""Anti-gaming alerts on work logs: implausible counts, reused photos, bulk back-filling — each once, for the county."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from sifa.core.alerts.choices import AlertState
from sifa.core.alerts.models import Alert
from sifa.core.attachments.tests.factories import png_bytes, store_for_test
from sifa.core.audit.models import AuditEvent
from sifa.modules.judicial_office.alerts import county_of
from sifa.modules.judicial_office.services import save_work_log
from sifa.modules.judicial_office.tests.worklog_factories import (
    new_staff,
    office1,
    office2,
    on_day,
    other_county_office,
)

D = datetime.date
TODAY = D(2026, 11, 20)


def alerts(rule: str) -> list[Alert]:
    return list(Alert.objects.filter(rule_code=rule).order_by("id"))


def save(actor: Any, day: datetime.date, items: list[dict[str, Any]], *, submit: bool = True) -> Any:
    with on_day(TODAY):
        return save_work_log(actor=actor, day=day, items=items, submit=submit)


def test_the_county_is_the_bureau_above_the_office(db: Any) -> None:
    county = county_of(office1())
    assert (county.name, county.pk) == ("杭州市富阳区司法局", office1().parent_id)


def test_a_count_above_the_ceiling_opens_one_alert_for_the_county(db: Any) -> None:
    # given mediation's daily ceiling of 10
    actor = new_staff()
    # when a log says 12 mediations in a day
    log = save(actor, TODAY, [{"code": "mediation", "count": 12}])
    # then the count is saved and the county bureau gets one alert naming the log
    assert log.items.get().count == 12
    [alert] = alerts("worklog.count_implausible")
    assert (alert.org_id, alert.level, alert.state) == (office1().parent_id, "yellow", AlertState.PENDING_SIGN)
    assert "12件" in alert.title and "上限 10" in alert.title and alert.object_id == f"{log.pk}:mediation"
    event = AuditEvent.objects.filter(action="judicial_office.worklog.saved", object_id=str(log.pk)).get()
    assert event.changes["alerts"] == [alert.pk]
    # the same finding never opens twice: not on an edit, not after the alert was closed
    save(actor, TODAY, [{"code": "mediation", "count": 15}])
    Alert.objects.filter(pk=alert.pk).update(state=AlertState.CLOSED, closed_at=timezone.now())
    save(actor, TODAY, [{"code": "mediation", "count": 14}])
    assert len(alerts("worklog.count_implausible")) == 1


def test_counts_within_the_ceiling_and_drafts_open_nothing(db: Any) -> None:
    actor = new_staff()
    save(actor, TODAY, [{"code": "mediation", "count": 10}])
    save(new_staff(), TODAY, [{"code": "mediation", "count": 30}], submit=False)
    assert alerts("worklog.count_implausible") == []


def test_the_same_photo_on_another_day_opens_an_alert_for_the_later_use(db: Any) -> None:
    # given one photo, uploaded twice (two attachments, one content hash)
    content = png_bytes(tag="worklog-reused-photo")
    first_copy = store_for_test(org=office1(), name="宣传1.png", content=content, kind="photo")
    second_copy = store_for_test(org=office2(), name="宣传2.png", content=content, kind="photo")
    first, second = new_staff(office1()), new_staff(office2())
    # when it illustrates a publicity event on 11-18 at office1 and on 11-19 at office2 (same county)
    original = save(first, D(2026, 11, 18), [{"code": "publicity_event", "count": 1, "photos": [first_copy.pk]}])
    assert alerts("worklog.photo_reused") == []
    reuse = save(second, D(2026, 11, 19), [{"code": "publicity_event", "count": 1, "photos": [second_copy.pk]}])
    # then the later log gets one alert for the county; saving either log again adds none
    [alert] = alerts("worklog.photo_reused")
    assert alert.org_id == office1().parent_id and alert.object_id.startswith(f"{reuse.pk}:")
    assert first_copy.sha256 in alert.detail and "首次使用" in alert.detail
    save(first, D(2026, 11, 18), [{"code": "publicity_event", "count": 2, "photos": [first_copy.pk]}])
    save(second, D(2026, 11, 19), [{"code": "publicity_event", "count": 1, "photos": [second_copy.pk]}])
    assert len(alerts("worklog.photo_reused")) == 1
    assert original.pk != reuse.pk


def test_the_same_photo_on_two_items_of_one_log_is_a_reuse(db: Any) -> None:
    actor = new_staff()
    upload = ContentFile(png_bytes(tag="worklog-two-items"), name="现场.png")
    log = save(actor, TODAY, [{"code": "mediation", "count": 1, "uploads": [upload]}])
    photo = log.items.get().photos.get()
    save(actor, TODAY, [{"code": "mediation", "count": 1, "photos": [photo.pk]},
                        {"code": "dispute_screening", "count": 1, "photos": [photo.pk]}])
    [alert] = alerts("worklog.photo_reused")
    assert alert.object_id.startswith(f"{log.pk}:")


def test_one_photo_of_the_same_work_by_two_staff_or_in_another_county_is_no_reuse(db: Any) -> None:
    content = png_bytes(tag="worklog-shared-event")
    a = store_for_test(org=office1(), name="a.png", content=content, kind="photo")
    b = store_for_test(org=office1(), name="b.png", content=content, kind="photo")
    save(new_staff(), TODAY, [{"code": "publicity_event", "count": 1, "photos": [a.pk]}])
    save(new_staff(), TODAY, [{"code": "publicity_event", "count": 1, "photos": [b.pk]}])
    elsewhere = other_county_office()
    c = store_for_test(org=elsewhere, name="c.png", content=content, kind="photo")
    save(new_staff(elsewhere), D(2026, 11, 19), [{"code": "publicity_event", "count": 1, "photos": [c.pk]}])
    assert alerts("worklog.photo_reused") == []


def test_many_past_days_submitted_within_the_window_open_one_backfill_alert(db: Any, settings: Any) -> None:
    settings.SIFA_WORKLOG_BACKFILL_DAYS = 3
    actor = new_staff()
    days = [D(2026, 11, d) for d in (10, 11, 12, 13)]
    # three past days in a row: not yet more than 3
    for day in days[:3]:
        save(actor, day, [{"code": "legal_consultation", "count": 1}])
    assert alerts("worklog.bulk_backfill") == []
    # the fourth opens it, a fifth does not open another
    save(actor, days[3], [{"code": "legal_consultation", "count": 1}])
    save(actor, D(2026, 11, 16), [{"code": "legal_consultation", "count": 1}])
    [alert] = alerts("worklog.bulk_backfill")
    assert alert.org_id == office1().parent_id and "4 天" in alert.title and "11-10" in alert.detail


def test_logs_submitted_day_by_day_are_no_backfill(db: Any, settings: Any) -> None:
    settings.SIFA_WORKLOG_BACKFILL_DAYS = 2
    actor = new_staff()
    for d in (16, 17, 18):
        with on_day(D(2026, 11, d)):
            save_work_log(actor=actor, day=D(2026, 11, d), items=[{"code": "mediation", "count": 1}], submit=True)
    assert alerts("worklog.bulk_backfill") == []
