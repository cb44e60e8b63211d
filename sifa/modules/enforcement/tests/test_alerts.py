"""ENF-CERT-EXPIRING / ENF-CERT-EXPIRED (AP-42): 20 days → alert, 40 days → none, never duplicated."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.alerts.models import Alert
from sifa.core.alerts.services import evaluate_alert_rules
from sifa.modules.enforcement.alerts import (
    CERT_EXPIRED,
    CERT_EXPIRING,
    expired_conditions,
    expiring_conditions,
)
from sifa.modules.enforcement.config import override_config
from sifa.modules.enforcement.tests.factories import demo_body, make_officer

TODAY = timezone.localdate()
pytestmark = pytest.mark.django_db


def _ends_in(days: int, **fields: object) -> object:
    until = TODAY + datetime.timedelta(days=days)
    return make_officer(demo_body(), valid_from=until - datetime.timedelta(days=1000), valid_until=until, **fields)  # type: ignore[arg-type]


def _ids(conditions: object) -> set[str]:
    return {c.object_id for c in conditions}  # type: ignore[attr-defined]


def test_expiring_in_20_days_alerts_and_40_does_not() -> None:
    soon = _ends_in(20)
    later = _ends_in(40)
    ids = _ids(expiring_conditions(TODAY))
    assert str(soon.pk) in ids  # type: ignore[attr-defined]
    assert str(later.pk) not in ids  # type: ignore[attr-defined]


def test_lead_time_is_configuration() -> None:
    later = _ends_in(40)
    with override_config(certificates={"expiring_days": 45}):
        assert str(later.pk) in _ids(expiring_conditions(TODAY))  # type: ignore[attr-defined]


def test_expired_suspended_and_auxiliary() -> None:
    expired = _ends_in(-1)
    suspended = _ends_in(-1, status="suspended")
    auxiliary = _ends_in(10, is_auxiliary=True)
    assert str(expired.pk) in _ids(expired_conditions(TODAY))  # type: ignore[attr-defined]
    assert str(expired.pk) not in _ids(expiring_conditions(TODAY))  # type: ignore[attr-defined]
    assert str(suspended.pk) not in _ids(expired_conditions(TODAY))  # type: ignore[attr-defined]
    assert str(auxiliary.pk) not in _ids(expiring_conditions(TODAY))  # type: ignore[attr-defined]


def test_scan_opens_one_yellow_alert_for_the_body_org_and_never_duplicates() -> None:
    # given
    officer = _ends_in(20)
    system = Actor.system("test-scan")
    # when: two scans
    evaluate_alert_rules(actor=system, today=TODAY)
    evaluate_alert_rules(actor=system, today=TODAY)
    # then
    alerts = Alert.objects.filter(rule_code=CERT_EXPIRING.code, object_id=str(officer.pk))  # type: ignore[attr-defined]
    assert alerts.count() == 1
    alert = alerts.get()
    assert alert.level == "yellow" and alert.org_id == demo_body().org_id
    assert "AP-42" in alert.legal_basis
    assert CERT_EXPIRED.level == "orange"
