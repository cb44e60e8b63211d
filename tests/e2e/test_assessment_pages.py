"""千分制 pages in a real browser on a 390 px phone: compute, charts (ECharts under the CSP), ranking, trend."""

from __future__ import annotations

from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.core.scoring.models import Score
from sifa.core.testing import membership_of
from tests.e2e.conftest import E2E


def test_county_computes_and_reads_its_assessment_on_a_phone(e2e_phone: E2E) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    e2e.login("county")
    county = membership_of("county").org
    offices = Org.objects.filter(parent=county, type=OrgType.JUDICIAL_OFFICE).count()
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm of the compute buttons

    # the menu entry opens the county's own page; nothing is computed for October yet
    e2e.goto("/office/assessment/")
    assert page.url.endswith(f"/office/assessment/org/{county.pk}/")
    e2e.goto(f"/office/assessment/org/{county.pk}/?period=2026-10")
    assert page.locator("#not-computed").is_visible()

    # compute the county and its offices, then read the total, the parts chart and the lost points
    e2e.submit("#compute")
    assert page.locator("#assessment-total").is_visible()
    assert Score.objects.filter(is_current=True, period_start="2026-10-01", period_end="2026-10-31",
                                subject_id=county.pk).count() == 1
    page.locator("#chart-parts canvas").wait_for()
    assert page.locator("#assessment-parts [data-part]").count() == 6
    assert page.locator("#assessment-lost tbody tr").count() >= 1
    e2e.no_horizontal_overflow()
    e2e.shot("assessment-county-390")

    # the ranking of its offices: one row each, the per-part figures folded under the name on a phone
    e2e.submit("#children-ranking")
    rows = page.locator("#assessment-ranking tbody tr[data-org]")
    assert rows.count() == offices
    assert not page.locator("#assessment-ranking thead th.d-md-table-cell").first.is_visible()
    assert "基础性工作" in rows.first.inner_text()
    e2e.no_horizontal_overflow()
    e2e.shot("assessment-ranking-390")

    # one office: its last 12 months computed for the trend chart
    e2e.submit("#assessment-ranking tbody tr:first-child td:nth-child(2) a")
    e2e.submit("#compute-trend")
    page.locator("#chart-trend canvas").wait_for()
    assert page.locator("#assessment-trend tbody tr a").count() == 12
    e2e.no_horizontal_overflow()
    e2e.shot("assessment-office-390")

    # every point explained on the engine's score page
    e2e.submit("#score-detail")
    assert page.locator("#score-lines details").count() > 20
    e2e.no_horizontal_overflow()
