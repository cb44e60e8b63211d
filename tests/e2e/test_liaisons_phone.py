"""法律明白人 on a 390 px phone: list, detail, recording an activity with a photo, statistics, import errors."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sifa.core.attachments.tests.factories import png_bytes
from sifa.core.testing import membership_of
from sifa.modules.liaisons.models import LegalLiaison, LiaisonActivity
from sifa.modules.liaisons.tests.factories import new_number, roster
from tests.e2e.conftest import E2E


def test_office_staff_work_with_liaisons_on_a_phone(e2e_phone: E2E) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    office = membership_of("office1").org
    e2e.login("office1")
    page.click(".navbar-toggler")
    page.locator("#sifa-menu.show:not(.collapsing)").wait_for()
    e2e.submit('#sifa-menu a:has-text("法律明白人")')
    rows = page.locator("#liaison-results tbody tr[data-liaison]")
    assert rows.count() == min(LegalLiaison.objects.filter(org=office).count(), 25)
    e2e.no_horizontal_overflow()
    e2e.shot("liaisons-list-390")

    # the detail of an active liaison, then an activity with a photo from the phone
    liaison = LegalLiaison.objects.filter(org=office, status="active").order_by("pk").first()
    assert liaison is not None
    e2e.goto(f"/liaisons/{liaison.pk}/")
    assert page.locator("#points details[open] [data-grade]").is_visible()
    e2e.no_horizontal_overflow()
    e2e.submit('a:text-is("登记活动")')
    page.select_option("#id_kind", "dispute")
    page.fill("#id_done_on", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_count", "2")
    page.set_input_files("#id_photos", files=[{"name": "现场.png", "mimeType": "image/png",
                                                "buffer": png_bytes(tag="e2e-liaison")}])
    e2e.no_horizontal_overflow()
    response = e2e.submit()
    assert response.status == 200 and page.url.endswith(f"/liaisons/{liaison.pk}/")
    activity = LiaisonActivity.objects.filter(liaison=liaison, kind="dispute", count=2).latest("pk")
    assert page.locator(f'[data-activity="{activity.pk}"] img').is_visible()
    e2e.shot("liaisons-detail-390")

    # statistics: one row for the office's own 司法所
    e2e.goto("/liaisons/statistics/")
    assert page.locator("#liaison-stats tbody tr").count() == 1
    e2e.no_horizontal_overflow()
    e2e.shot("liaisons-statistics-390")


def test_import_errors_are_listed_on_a_phone(e2e_phone: E2E, tmp_path: object) -> None:
    e2e, page = e2e_phone, e2e_phone.page
    e2e.login("office1")
    e2e.goto("/liaisons/import/")
    good = new_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    content = roster([["好人", new_number(), "", "", "东风村", "", ""], ["坏号", bad, "", "", "", "", ""]])
    page.set_input_files("#id_file", files=[{"name": "名册.xlsx", "buffer": content,
                                              "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    response = e2e.submit()
    assert response.status == 400
    errors = page.locator("#import-errors li")
    assert errors.all_inner_texts() == [f"第 3 行 身份证号：校验码错误：最后一位应为 {good[17]}，实际为 {bad[17]}",
                                        "第 3 行 村（社区）：必填"]
    assert not LegalLiaison.objects.filter(person__name="好人").exists()
    e2e.no_horizontal_overflow()
    e2e.shot("liaisons-import-errors-390")
