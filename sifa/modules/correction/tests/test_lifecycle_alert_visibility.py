"""Correction alerts name the subject: only roles that may see correction files see them (AlertRule.permission),
not every alerts.view holder in scope (a 网格员 has alerts.view but not correction.view)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from sifa.core.alerts.models import Alert
from sifa.core.testing import client_for
from sifa.modules.correction.tests.factories import make_correction


def test_a_grid_worker_does_not_see_correction_alerts_office_staff_do(db: Any) -> None:
    # given a red 失去联系 alert on a subject of office1's 司法所
    detail = make_correction(state="lost_contact")
    alert = Alert.objects.create(
        rule_code="correction.lost_contact", level="red", org=detail.case.org, object_type="correction_case",
        object_id=str(detail.pk), case=detail.case, title=f"{detail.subject.person.name} 失去联系", dedup_key=f"t:{detail.pk}",
        step_due_at=timezone.now() + datetime.timedelta(hours=2))
    name = detail.subject.person.name
    # when grid1 (网格员, alerts.view only) and office1 (司法所, correction.view) look
    grid_list = client_for("grid1").get("/alerts/?state=open")
    grid_detail = client_for("grid1").get(f"/alerts/{alert.pk}/")
    grid_api = client_for("grid1").get(f"/api/v1/alerts/{alert.pk}")
    office_detail = client_for("office1").get(f"/alerts/{alert.pk}/")
    # then
    assert grid_list.status_code == 200 and name not in grid_list.content.decode()
    assert grid_detail.status_code == 404 and grid_api.status_code == 404
    assert office_detail.status_code == 200 and name in office_detail.content.decode()
