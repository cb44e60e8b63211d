"""执法证 expiry alerts on the core alert loop (sifa/core/alerts), evaluated by the periodic scan.

- ENF-CERT-EXPIRING (黄, ``enforcement.certificate_expiring``): a 有效 certificate whose 有效期至 falls
  within ``[certificates] expiring_days`` (30 as shipped) from today;
- ENF-CERT-EXPIRED (橙, ``enforcement.certificate_expired``): a 有效 certificate past its 有效期至, so the
  holder may no longer enforce.

AP-42: only 执法证 holders enforce and a 执法资格 is valid 五年 (《浙江省综合行政执法条例》第二十八条).
Each condition targets the body's org (it renews or cancels the certificate); the county 司法局 above
sees it in scope. The scan keeps one open alert per rule and officer (the core dedup key), so a daily
scan never duplicates; a suspended or revoked certificate raises nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.modules.enforcement import config
from sifa.modules.enforcement.choices import CertificateStatus
from sifa.modules.enforcement.models import EnforcementOfficer

OBJECT_TYPE = "enforcement.enforcementofficer"
LEGAL_BASIS = "AP-42，《浙江省综合行政执法条例》第二十八条"


def _valid() -> Iterator[EnforcementOfficer]:
    return (EnforcementOfficer.objects.filter(status=CertificateStatus.VALID, is_auxiliary=False)
            .select_related("person", "body", "body__org").order_by("valid_until", "id").iterator(chunk_size=2000))


def _condition(officer: EnforcementOfficer, title: str) -> AlertCondition:
    return AlertCondition(
        object_type=OBJECT_TYPE, object_id=str(officer.pk), org_id=officer.body.org_id, title=title,
        detail=f"{officer.body.name} · 执法证号 {officer.certificate_number} · 有效期至 {officer.valid_until:%Y-%m-%d}",
        legal_basis=LEGAL_BASIS)


def expiring_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """ENF-CERT-EXPIRING: valid certificates ending today or within the configured days."""
    horizon = today + datetime.timedelta(days=config.expiring_days())
    for officer in _valid():
        if officer.valid_until < today:
            continue
        if officer.valid_until > horizon:
            break
        days = (officer.valid_until - today).days
        yield _condition(officer, f"{officer.person.name}的执法证将于 {officer.valid_until:%Y-%m-%d} 到期"
                                  f"（还有 {days} 天），请及时办理换证")


def expired_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """ENF-CERT-EXPIRED: certificates still marked 有效 whose 有效期至 has passed."""
    for officer in _valid():
        if officer.valid_until >= today:
            break
        yield _condition(officer, f"{officer.person.name}的执法证已于 {officer.valid_until:%Y-%m-%d} 过期，"
                                  "不得从事执法，请换证或注销")


CERT_EXPIRING = AlertRule(
    code="enforcement.certificate_expiring", label="执法证即将到期", level=AlertLevel.YELLOW,
    description="ENF-CERT-EXPIRING：执法证在提醒天数内（默认 30 天，配置 certificates.expiring_days）到期（AP-42）",
    legal_basis=LEGAL_BASIS, evaluate=expiring_conditions, sign_hours=72, handle_hours=24 * 30,
    permission="enforcement.view")
CERT_EXPIRED = AlertRule(
    code="enforcement.certificate_expired", label="执法证已过期", level=AlertLevel.ORANGE,
    description="ENF-CERT-EXPIRED：执法证已过有效期仍为有效状态，持证人不得从事执法（AP-12、AP-42）",
    legal_basis=LEGAL_BASIS, evaluate=expired_conditions, sign_hours=24, handle_hours=24 * 7,
    permission="enforcement.view")

RULES = (CERT_EXPIRING, CERT_EXPIRED)


def register() -> None:
    from sifa.core import registry

    for rule in RULES:
        registry.alert_rules.register(rule.code, rule)
