"""Case deadlines that run into a year whose holiday notice is not loaded yet (GEN-10, C-02).

The engine refuses the missing year (C-02); a case deadline is not refused but recorded with a
provisional due date — the earliest the period could end — and recomputed when the year is loaded.
"""

from __future__ import annotations

import datetime

import pytest

from sifa.core.audit.models import AuditEvent
from sifa.core.cases.services import open_case, start_deadline
from sifa.core.deadlines.calendar import CalendarMissing
from sifa.core.deadlines.services import load_calendar_year
from sifa.core.deadlines.tests.test_services import MAKEUP_2027, REST_2027
from sifa.core.testing import actor_for

pytestmark = pytest.mark.django_db


def _case():  # type: ignore[no-untyped-def]
    return open_case(actor=actor_for("county"), case_type="test_case", title="暂定期限")


def test_a_calendar_day_deadline_into_an_unloaded_year_is_provisional_at_its_nominal_day() -> None:
    # AP-27 九十日 from 立案 on 2026-11-21 ends nominally on 2027-02-19; 2027 is not loaded
    deadline = start_deadline(case=_case(), key="decide", rule="AP-27", start=datetime.date(2026, 11, 21))
    assert deadline.due_date == datetime.date(2027, 2, 19)
    assert deadline.provisional_year == 2027
    assert deadline.explanation[0].startswith("暂定：缺少 2027 年节假日安排")


def test_a_working_day_deadline_counts_every_unloaded_day_as_working_the_earliest_bound() -> None:
    # AP-28 七日 (工作日) from 2026-12-28: 12-29, 12-30, 12-31, then 2027-01-01…01-04 counted as working
    deadline = start_deadline(case=_case(), key="serve", rule="AP-28", start=datetime.date(2026, 12, 28))
    assert deadline.due_date == datetime.date(2027, 1, 4) and deadline.provisional_year == 2027


def test_a_latest_notice_date_is_still_refused_since_an_early_bound_would_mislead() -> None:
    # AP-25.notice counts back from a hearing in 2027: no provisional date (C-02 stands)
    with pytest.raises(CalendarMissing):
        start_deadline(case=_case(), key="notice", rule="AP-25.notice", start=datetime.date(2027, 1, 20))


def test_loading_the_year_recomputes_provisional_deadlines_in_the_same_transaction() -> None:
    case = _case()
    decide = start_deadline(case=case, key="decide", rule="AP-27", start=datetime.date(2026, 11, 21))
    serve = start_deadline(case=case, key="serve", rule="AP-28", start=datetime.date(2026, 12, 28))
    load_calendar_year(actor=actor_for("admin"), year=2027, notice="测试通知", rest_days=REST_2027,
                       makeup_days=MAKEUP_2027)
    decide.refresh_from_db()
    serve.refresh_from_db()
    # 2027-02-19 is a working day in the test notice: same day, no longer provisional
    assert decide.due_date == datetime.date(2027, 2, 19) and decide.provisional_year is None
    # 01-01 元旦 and the weekend 01-02/01-03 are rest days: 12-31 (3), 01-04 (4) … 01-07 (7)
    assert serve.due_date == datetime.date(2027, 1, 7) and serve.provisional_year is None
    assert not any("暂定" in step for step in serve.explanation)
    event = AuditEvent.objects.filter(action="deadlines.calendar.loaded").latest("id")
    assert event.changes["recomputed"]["暂定案件期限"] == 2  # both are no longer provisional


def test_the_case_page_marks_a_provisional_deadline() -> None:
    from sifa.core.testing import client_for

    case = _case()
    start_deadline(case=case, key="decide", rule="AP-27", start=datetime.date(2026, 11, 21))
    page = client_for("county").get(f"/cases/{case.pk}/").content.decode()
    assert 'data-provisional="2027"' in page
