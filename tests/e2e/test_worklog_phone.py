"""工作日志 in a real browser on a 390 px phone: steppers, a note, a photo, submit; the county sees it."""

from __future__ import annotations

import time

from django.db.models import Sum
from django.utils import timezone

from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.testing import membership_of
from sifa.modules.judicial_office.models import WorkDailyTotal, WorkLog
from tests.e2e.conftest import E2E


def test_office_staff_log_the_day_on_a_phone(e2e_phone: E2E) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    e2e.login("office1")
    today = timezone.localdate()

    # the menu entry 工作日志 opens today's grid
    e2e.goto("/")
    e2e.menu("工作日志")
    page.wait_for_url("**/office/log/")
    assert page.locator("#count-mediation").input_value() == "0"
    e2e.no_horizontal_overflow()
    e2e.shot("worklog-today-390")

    # two mediations by the + stepper, one consultation typed, a note and a photo on the publicity event
    page.click('[data-target="count-mediation"][data-step="1"]')
    page.click('[data-target="count-mediation"][data-step="1"]')
    page.click('[data-target="count-mediation"][data-step="-1"]')
    page.click('[data-target="count-mediation"][data-step="1"]')
    assert page.locator("#count-mediation").input_value() == "2"
    assert "jo-item-on" in (page.locator("#item-mediation").get_attribute("class") or "")
    page.fill("#count-legal_consultation", "5")
    page.click('[data-target="count-publicity_event"][data-step="1"]')
    page.click("#item-publicity_event summary")
    page.fill("#note-publicity_event", "村文化礼堂宪法宣传")
    page.set_input_files("#photos-publicity_event", files=[{
        "name": "宣传.png", "mimeType": "image/png", "buffer": png_bytes(tag="e2e-worklog")}])
    page.fill("#text", "上午调解，下午宣传")
    e2e.no_horizontal_overflow()
    e2e.submit("#submit-log")
    submitted_at = time.monotonic()

    # saved and submitted; the page shows it again with the counts
    assert "工作日志已提交" in page.content()
    log = WorkLog.objects.get(author__username="office1", day=today)
    counts = {i.catalogue_item.code: i.count for i in log.items.all()}
    assert (log.status, counts) == ("submitted", {"mediation": 2, "legal_consultation": 5, "publicity_event": 1})
    assert log.items.get(catalogue_item__code="publicity_event").photos.get().ledger_index is not None
    assert page.locator("#count-mediation").input_value() == "2"
    assert WorkDailyTotal.objects.filter(org=log.org, day=today, item_code="mediation").get().manual == 2
    e2e.shot("worklog-submitted-390")

    # my month shows today as submitted
    e2e.goto("/office/log/month/")
    assert page.locator(f'td[data-day="{today:%Y-%m-%d}"]').get_attribute("data-status") == "submitted"
    e2e.no_horizontal_overflow()
    e2e.shot("worklog-month-390")

    # the county bureau sees the day in its cockpit at once (issue 5: "within a minute")
    county = membership_of("county").org
    page.context.clear_cookies()
    e2e.login("county")
    e2e.goto("/cockpit/")
    month = WorkDailyTotal.objects.filter(org_path__startswith=county.path, day__gte=today.replace(day=1),
                                          day__lte=today)
    assert int(page.locator('[data-kpi="total"]').inner_text().strip()) == month.aggregate(n=Sum("total"))["n"]
    mediation = page.locator('#cockpit-items tr[data-item="mediation"]')
    assert int(mediation.locator("td.fw-bold").inner_text().strip()) == (
        month.filter(item_code="mediation").aggregate(n=Sum("total"))["n"])
    assert time.monotonic() - submitted_at < 60


def test_the_county_reads_the_logs_of_its_offices_on_a_phone(e2e_phone: E2E) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    e2e.login("county")
    e2e.goto("/office/logs/")
    assert page.locator("#worklogs tbody tr").count() == 25
    page.fill("#f-author", "司法所甲")
    page.click(".page-body form button[type=submit]")
    page.wait_for_url("**author=*")
    first = page.locator("#worklogs tbody tr").first
    assert "司法所甲" in first.inner_text()
    e2e.no_horizontal_overflow()
    e2e.shot("worklog-list-390")
    e2e.submit("#worklogs tbody tr:first-child td:first-child a")
    assert page.locator("#log-items .list-group-item").count() >= 1
    e2e.no_horizontal_overflow()
    e2e.shot("worklog-detail-390")
