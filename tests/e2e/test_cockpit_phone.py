"""驾驶舱 in a real browser on a 390 px phone: the county sees an office's new log at once and drills down."""

from __future__ import annotations

import dataclasses
import re

from django.db.models import Sum
from django.utils import timezone

from sifa.core.testing import actor_for, membership_of
from sifa.modules.judicial_office.models import WorkDailyTotal
from tests.e2e.conftest import E2E


def _month_total(path: str) -> int:
    today = timezone.localdate()
    rows = WorkDailyTotal.objects.filter(org_path__startswith=path, day__gte=today.replace(day=1), day__lte=today)
    return int(rows.aggregate(n=Sum("total"))["n"] or 0)


def _kpi(page: object, name: str) -> int:
    return int(page.locator(f'[data-kpi="{name}"]').inner_text().strip())  # type: ignore[attr-defined]


def test_the_county_sees_a_new_log_in_its_cockpit_and_drills_down(e2e_phone: E2E) -> None:
    from sifa.modules.judicial_office.services import save_work_log

    e2e, page = e2e_phone, e2e_phone.page
    county = membership_of("county").org
    office = membership_of("office1").org
    e2e.login("county")

    # 驾驶舱 from the menu: this month's figures of the county
    e2e.menu("驾驶舱")
    assert page.url.endswith("/cockpit/")
    assert county.name in page.locator(".page-title").inner_text()
    before = _kpi(page, "total")
    assert before == _month_total(county.path)
    page.locator("#cockpit-bar canvas").wait_for()  # ECharts drew the bar chart of the offices
    page.locator("#cockpit-line canvas").wait_for()
    e2e.no_horizontal_overflow()
    e2e.shot("cockpit-county-390")

    # an office submits its day (through the work-log service); the county's next look shows it
    actor = actor_for("office1")
    actor = dataclasses.replace(actor, permissions=actor.permissions | {"judicial_office.worklog.write"})
    save_work_log(actor=actor, day=timezone.localdate(), items=[{"code": "legality_review", "count": 3}],
                  submit=True)
    page.reload()
    assert _kpi(page, "total") == before + 3

    # drill down: the office's row opens the office's cockpit with the same period
    e2e.submit(f'#cockpit-children tr[data-child="{office.pk}"] a')
    assert re.search(rf"/cockpit/org/{office.pk}/\?period=month$", page.url)
    assert office.name in page.locator(".page-title").inner_text()
    assert _kpi(page, "total") == _month_total(office.path)
    assert page.locator(f'#cockpit-breadcrumb a:has-text("{county.name}")').count() == 1
    e2e.no_horizontal_overflow()
    e2e.shot("cockpit-office-390")

    # another period: 本年, charted by month
    e2e.submit('#cockpit-period a:has-text("本年")')
    assert "period=year" in page.url and "按月" in page.content()
    e2e.no_horizontal_overflow()


def test_the_province_cockpit_on_a_desktop(e2e: E2E) -> None:
    e2e.login("province")
    e2e.goto("/cockpit/?period=last_month")
    page = e2e.page
    page.locator("#cockpit-bar canvas").wait_for()
    assert page.locator("#cockpit-children tbody tr").count() == 11  # the cities of 浙江
    e2e.shot("cockpit-province")
