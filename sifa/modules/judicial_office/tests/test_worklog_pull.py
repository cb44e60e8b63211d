"""Auto items (自动汇入): work sources pulled into the offices' days, with exact totals; the 60-second job."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sifa.core import registry
from sifa.core.accounts.actor import Actor
from sifa.core.alerts.choices import AlertState
from sifa.core.alerts.models import Alert
from sifa.core.registry import WorkFact, WorkSource
from sifa.modules.judicial_office.jobs import AUTO_PULL, pull_auto_work_items
from sifa.modules.judicial_office.models import AutoWorkItem, WorkDailyTotal
from sifa.modules.judicial_office.services import plan_auto_pull, pull_auto_items, save_work_log
from sifa.modules.judicial_office.tests.worklog_factories import audit_rows, new_staff, office1, on_day

D = datetime.date
SYSTEM = Actor.system("test-pull")


@pytest.fixture(autouse=True)
def only_this_modules_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests count what the work log's own source (alerts.closed) pulls; sources other modules
    register (法律明白人 trainings, whose demo data falls in the window) are set aside."""
    monkeypatch.setattr(registry.work_sources, "_items",
                        {k: v for k, v in registry.work_sources._items.items() if k == "alerts.closed"})


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def closed_alert(org: Any, day: datetime.date, title: str = "测试预警") -> Alert:
    return Alert.objects.create(rule_code="deadline.overdue", level="red", org=org, object_type="test",
                                object_id=title, title=title, dedup_key=f"pull:{title}", state=AlertState.CLOSED,
                                step_due_at=at(day), opened_at=at(day, 8), closed_at=at(day))


def total(org_id: int, day: datetime.date, code: str) -> tuple[int, int, int] | None:
    row = WorkDailyTotal.objects.filter(org_id=org_id, day=day, item_code=code).first()
    return (row.manual, row.auto, row.total) if row else None


def test_an_alert_closed_by_an_office_is_pulled_into_its_day_once(db: Any) -> None:
    # given an alert of office1 closed on 11-17 and one of the county bureau
    day = D(2026, 11, 17)
    alert = closed_alert(office1(), day, "走访逾期预警")
    closed_alert(office1().parent, day, "县局自身预警")
    # when the pull runs twice
    with on_day(D(2026, 11, 20)):
        first = pull_auto_items(actor=SYSTEM)
        assert plan_auto_pull().empty
        second = pull_auto_items(actor=SYSTEM)
    # then one auto item on office1's day, counted in the totals as auto
    [item] = AutoWorkItem.objects.filter(source="alerts.closed")
    assert (item.org_id, item.day, item.catalogue_item.code, item.count, item.ref) == (
        office1().pk, day, "warning_handling", 1, str(alert.pk))
    assert item.label == "预警办结：走访逾期预警" and item.url == f"/alerts/{alert.pk}/"
    assert total(office1().pk, day, "warning_handling") == (0, 1, 1)
    assert (first["created"], second["created"], second["updated"], second["deleted"]) == (1, 0, 0, 0)
    assert audit_rows("judicial_office.auto_items.pulled") == 2


def test_a_reopened_alert_vanishes_and_a_moved_one_moves(db: Any) -> None:
    day, later = D(2026, 11, 16), D(2026, 11, 18)
    stays, moves = closed_alert(office1(), day, "甲"), closed_alert(office1(), day, "乙")
    with on_day(D(2026, 11, 20)):
        pull_auto_items(actor=SYSTEM)
        assert total(office1().pk, day, "warning_handling") == (0, 2, 2)
        # when one alert is reopened and the other closed again later
        Alert.objects.filter(pk=stays.pk).update(state=AlertState.HANDLING, closed_at=None)
        Alert.objects.filter(pk=moves.pk).update(closed_at=at(later))
        result = pull_auto_items(actor=SYSTEM)
    # then
    assert (result["deleted"], result["updated"]) == (1, 1)
    assert total(office1().pk, day, "warning_handling") is None
    assert total(office1().pk, later, "warning_handling") == (0, 1, 1)
    assert list(AutoWorkItem.objects.values_list("ref", "day")) == [(str(moves.pk), later)]


def test_items_outside_the_window_are_left_alone(db: Any, settings: Any) -> None:
    settings.SIFA_WORKLOG_AUTO_PULL_DAYS = 3
    closed_alert(office1(), D(2026, 11, 10), "窗口外")
    with on_day(D(2026, 11, 20)):
        assert pull_auto_items(actor=SYSTEM)["created"] == 0


def test_manual_and_auto_counts_add_up_and_a_source_may_name_the_staff_member(db: Any,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # given a module's source reporting two mediations by a staff member, who also logged one by hand
    day = D(2026, 11, 19)
    actor = new_staff()

    def collect(org_ids: list[int], start: datetime.date, end: datetime.date) -> list[WorkFact]:
        return [WorkFact(org_id=office1().pk, day=day, ref="case-7", count=2, user_id=actor.user.pk,  # type: ignore[union-attr]
                         label="调解结案（2026）浙0111调7号", url="/cases/7/")]

    monkeypatch.setitem(registry.work_sources._items, "test.mediation",
                        WorkSource(key="test.mediation", label="调解结案", catalogue_code="mediation", collect=collect))
    with on_day(D(2026, 11, 20)):
        before = total(office1().pk, day, "mediation") or (0, 0, 0)
        save_work_log(actor=actor, day=day, items=[{"code": "mediation", "count": 1}], submit=True)
        pull_auto_items(actor=SYSTEM)
    # then the office total counts both, and the auto item is the staff member's
    assert total(office1().pk, day, "mediation") == (before[0] + 1, before[1] + 2, before[2] + 3)
    assert AutoWorkItem.objects.get(source="test.mediation").user_id == actor.user.pk  # type: ignore[union-attr]
    # an edit of the manual log keeps the auto count
    with on_day(D(2026, 11, 20)):
        save_work_log(actor=actor, day=day, items=[{"code": "mediation", "count": 3}])
    assert total(office1().pk, day, "mediation") == (before[0] + 3, before[1] + 2, before[2] + 5)


def test_the_job_runs_every_minute_and_only_writes_when_something_changed(db: Any) -> None:
    assert (AUTO_PULL.interval_seconds, registry.periodic_jobs[AUTO_PULL.name]) == (60, AUTO_PULL)
    with on_day(timezone.localdate()):
        pull_auto_items(actor=SYSTEM)  # whatever the demo holds
        rows = audit_rows("judicial_office.auto_items.pulled")
        assert pull_auto_work_items.call() is None
        assert audit_rows("judicial_office.auto_items.pulled") == rows
        closed_alert(office1(), timezone.localdate(), "任务测试")
        assert pull_auto_work_items.call()["created"] == 1  # type: ignore[index]
    assert audit_rows("judicial_office.auto_items.pulled") == rows + 1


def test_people_without_catalogue_rights_cannot_pull(db: Any) -> None:
    from sifa.core.errors import PermissionDeniedError
    from sifa.core.testing import actor_for

    with pytest.raises(PermissionDeniedError):
        pull_auto_items(actor=actor_for("office1"))
    assert audit_rows("judicial_office.auto_items.pulled") == 0
