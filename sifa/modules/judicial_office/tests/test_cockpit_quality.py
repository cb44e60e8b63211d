"""Data quality: offices without logs for N working days (panel and alert), late submissions, anomalies, alerts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.alerts.services import evaluate_alert_rules
from sifa.core.audit.models import AuditEvent
from sifa.core.testing import actor_for
from sifa.modules.judicial_office import cockpit
from sifa.modules.judicial_office.cockpit import MISSING_RULE, CockpitPeriod
from sifa.modules.judicial_office.tests import cockpit_factories as f

# 2026: 10-01…10-07 are rest days (国庆节), 10-10 (Saturday) a make-up working day. The three working days
# before Friday 10-09 are 10-08, 09-30 and 09-29.
AS_OF = datetime.date(2026, 10, 9)
OCTOBER = CockpitPeriod(datetime.date(2026, 10, 1), datetime.date(2026, 10, 8))


@pytest.fixture
def offices(db: Any) -> dict[str, Any]:
    f.clean_slate()
    a, b = f.office_of("office1"), f.office_of("office2")
    f.log(a, datetime.date(2026, 9, 28))  # last log before the window
    f.log(b, datetime.date(2026, 9, 29))  # inside the window, ten calendar days earlier
    return {"a": a, "b": b}


def test_missing_offices_count_working_days_only(offices: dict[str, Any]) -> None:
    # when
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(), OCTOBER, today=datetime.date(2026, 11, 20))
    # then
    q = c.quality
    assert (q.as_of, q.days, q.window_start) == (AS_OF, 3, datetime.date(2026, 9, 29))
    missing = {m.id: m for m in q.missing}
    assert offices["a"].pk in missing and missing[offices["a"].pk].last_day == datetime.date(2026, 9, 28)
    assert offices["b"].pk not in missing
    assert len(missing) == 23  # every other 富阳 office has no log at all
    assert sum(1 for m in q.missing if m.last_day is None) == 22


def test_a_draft_does_not_count_and_n_is_configurable(offices: dict[str, Any]) -> None:
    f.log(offices["a"], datetime.date(2026, 10, 8), status="draft")
    with override_settings(SIFA_WORKLOG_MISSING_DAYS=1):  # only 10-08 counts now
        _, rows = cockpit.offices_without_logs(offices["a"].path, AS_OF, cockpit.missing_days())
        assert [r.id for r in rows] == [offices["a"].pk]
        _, rows = cockpit.offices_without_logs(offices["b"].path, AS_OF, cockpit.missing_days())
        assert [r.id for r in rows] == [offices["b"].pk]


def test_missing_log_alert_targets_the_county_once_and_clears(offices: dict[str, Any]) -> None:
    # given
    system = Actor.system("test-scan")
    # when: the alert scan runs twice on the same day
    evaluate_alert_rules(actor=system, today=AS_OF)
    evaluate_alert_rules(actor=system, today=AS_OF)
    # then: one open alert for office A (logged before, not since), for the county bureau; none for office B
    # (logged in the window) nor for the offices that never logged (listed on the panel, no alert)
    alerts = Alert.objects.filter(rule_code=MISSING_RULE)
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.object_id == str(offices["a"].pk) and alert.object_type == "orgs.org"
    assert alert.org == f.fuyang() and alert.is_open
    assert "连续 3 个工作日未提交工作日志" in alert.title and "2026-09-28" in alert.detail
    # when office A submits, the next scan notes the condition cleared
    f.log(offices["a"], datetime.date(2026, 10, 8))
    evaluate_alert_rules(actor=system, today=AS_OF)
    alert.refresh_from_db()
    assert alert.condition_cleared_at is not None
    assert alerts.count() == 1


def test_missing_alert_rule_skips_rest_days(offices: dict[str, Any]) -> None:
    # given two more offices, last logged on 09-23 and 09-24
    c, d = [o for o in f.fuyang().children.filter(type="judicial_office").order_by("path")
            if o.pk not in (offices["a"].pk, offices["b"].pk)][:2]
    f.log(c, datetime.date(2026, 9, 23))
    f.log(d, datetime.date(2026, 9, 24))
    # when: on 09-30 the three working days before are 09-29, 09-28 and 09-24 (09-25…09-27: 中秋节 and a weekend)
    conditions = list(cockpit.missing_log_conditions(datetime.date(2026, 9, 30)))
    # then only office C has stopped logging
    assert [(x.object_id, x.org_id) for x in conditions] == [(str(c.pk), f.fuyang().pk)]


def test_late_submissions_use_the_next_working_day(offices: dict[str, Any]) -> None:
    # given
    a = offices["a"]
    f.log(a, datetime.date(2026, 3, 2), submitted=f.at(datetime.date(2026, 3, 3), 9))  # next working day: on time
    f.log(a, datetime.date(2026, 3, 6), submitted=f.at(datetime.date(2026, 3, 9), 9))  # Friday → Monday: on time
    f.log(a, datetime.date(2026, 3, 3), submitted=f.at(datetime.date(2026, 3, 5), 9))  # two working days: late
    f.log(a, datetime.date(2026, 3, 10), submitted=f.at(datetime.date(2026, 3, 20), 9), username="office2")  # late
    f.log(offices["b"], datetime.date(2026, 3, 4), submitted=f.at(datetime.date(2026, 3, 5), 23))  # on time
    # when
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(),
                            CockpitPeriod(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
                            today=datetime.date(2026, 11, 20))
    # then
    assert c.quality.late_total == 2
    assert [(x.id, x.count) for x in c.quality.late] == [(a.pk, 2)]


def test_a_log_is_late_from_local_midnight_after_its_deadline(offices: dict[str, Any]) -> None:
    # given logs of Monday 2026-03-02 (deadline Tuesday 03-03) submitted at the edges of the deadline, Beijing time
    a, b = offices["a"], offices["b"]
    tz = timezone.get_current_timezone()
    last_second = datetime.datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=tz)
    f.log(a, datetime.date(2026, 3, 2), submitted=last_second)  # on time (16:00 UTC is already 03-04 here)
    f.log(b, datetime.date(2026, 3, 2), submitted=last_second + datetime.timedelta(microseconds=1))  # 00:00 on 03-04
    # when the county's March is read
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(),
                            CockpitPeriod(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
                            today=datetime.date(2026, 11, 20))
    # then only the log submitted at midnight is late
    assert [(x.id, x.count) for x in c.quality.late] == [(b.pk, 1)]


def test_alerts_and_anomalies_in_the_subtree(offices: dict[str, Any]) -> None:
    # given
    a = offices["a"]
    f.alert(a, "worklog.count_implausible")
    f.alert(a, "worklog.photo_reused", level="orange", state="handling")
    f.alert(a, "worklog.photo_reused", level="orange", state="closed")  # closed: not counted
    f.alert(f.fuyang(), "deadline.overdue", level="red")
    f.alert(f.xihu_office(), "worklog.count_implausible")  # another county
    # when
    c = cockpit.cockpit_for(actor_for("county"), f.fuyang(), OCTOBER, today=datetime.date(2026, 11, 20))
    # then
    assert c.alerts is not None and c.alerts.total == 3
    assert [(k.key, k.count) for k in c.alerts.by_level] == [("red", 1), ("orange", 1), ("yellow", 1)]
    assert {k.key: k.count for k in c.alerts.by_state} == {"pending_sign": 2, "handling": 1}
    assert {(r.code, r.count) for r in c.quality.anomalies} == {("worklog.count_implausible", 1),
                                                               ("worklog.photo_reused", 1)}
    city = cockpit.cockpit_for(actor_for("city"), f.hangzhou(), OCTOBER, today=datetime.date(2026, 11, 20))
    assert city.alerts is not None and city.alerts.total == 4


def test_no_alert_figures_without_alerts_view(offices: dict[str, Any]) -> None:
    import dataclasses

    actor = actor_for("county")
    actor = dataclasses.replace(actor, permissions=actor.permissions - {"alerts.view"})
    c = cockpit.cockpit_for(actor, f.fuyang(), OCTOBER, today=datetime.date(2026, 11, 20))
    assert c.alerts is None and c.quality.anomalies == []


def test_exports_are_audited_and_hold_every_row(offices: dict[str, Any]) -> None:
    # given
    actor = actor_for("county")
    c = cockpit.cockpit_for(actor, f.fuyang(), OCTOBER, today=datetime.date(2026, 11, 20))
    before = AuditEvent.objects.count()
    # when
    content, rows = cockpit.table_workbook(c, "missing")
    cockpit.export_cockpit_table(actor=actor, org=f.fuyang(), table="missing", period=OCTOBER, row_count=rows)
    # then
    assert rows == 23 and content[:2] == b"PK"
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.action == "judicial_office.cockpit.exported"
    assert event.changes["table"] == "missing" and event.changes["rows"] == 23


def test_unknown_table_is_refused_without_audit(offices: dict[str, Any]) -> None:
    from sifa.core.errors import ValidationFailed

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        cockpit.export_cockpit_table(actor=actor_for("county"), org=f.fuyang(), table="secrets", period=OCTOBER,
                                     row_count=1)
    assert exc.value.field == "table"
    assert AuditEvent.objects.count() == before
