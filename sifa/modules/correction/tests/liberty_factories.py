"""Test helpers of 被依法限制人身自由 (CC-22): rows written without services, the authorization matrix's
objects and the audit-coverage recipes (merged in tests/test_audit_coverage.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.models import Org
from sifa.modules.correction.models import CorrectionCase, LibertyRestriction
from sifa.modules.correction.tests.factories import make_correction, office_of


def make_restriction(detail: CorrectionCase, *, kind: str = "administrative_detention",
                     start: datetime.date | None = None, ended_on: datetime.date | None = None) -> LibertyRestriction:
    start = start or timezone.localdate() - datetime.timedelta(days=2)
    row = LibertyRestriction.objects.create(
        correction_case=detail, kind=kind, deciding_organ="杭州市公安局富阳区分局", decided_on=start,
        start_date=start, expected_end=start + datetime.timedelta(days=10), notified_on=start, recorded_by="测试",
        ended_on=ended_on)
    if ended_on is None:
        CorrectionCase.objects.filter(pk=detail.pk).update(liberty_restricted=True)
    return row


# --- the authorization matrix (tests/test_authz_matrix.py) ------------------------------------------------

MATRIX_KINDS = ("liberty_active",)


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids): one active restriction (with its own correction case) per org."""
    objects = {o.pk: make_restriction(make_correction(o)).pk for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [objects[actor_org.pk]], [objects[o.pk] for o in outside]


# --- recipes of tests/test_audit_coverage.py ---------------------------------------------------------------


def cover_record(actor: Actor) -> Any:
    from sifa.modules.correction.liberty_services import record_liberty_restriction

    day = timezone.localdate() - datetime.timedelta(days=3)
    return record_liberty_restriction(actor=actor, detail=make_correction(office_of("office1")),
                                      kind="criminal_detention", deciding_organ="杭州市公安局富阳区分局",
                                      decided_on=day, start_date=day, notified_on=day)


def cover_end(actor: Actor) -> Any:
    from sifa.modules.correction.liberty_services import end_liberty_restriction

    row = make_restriction(make_correction(office_of("office1")))
    return end_liberty_restriction(actor=actor, restriction=row, ended_on=timezone.localdate())


RECIPES: dict[str, tuple[str, str]] = {
    "sifa.modules.correction.liberty_services.record_liberty_restriction": ("office1", "cover_record"),
    "sifa.modules.correction.liberty_services.end_liberty_restriction": ("office1", "cover_end"),
}
