"""Test helpers for the work log: staff of a fresh 司法所 user, logs written without services, matrix objects.

The demo data already holds a year of logs for the demo accounts (office1, office2), so tests that
save logs use a staff member of their own (``new_staff``) to start from an empty history.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.accounts.models import Membership, Role, User
from sifa.core.orgs.models import Org
from sifa.core.testing import membership_of
from sifa.modules.judicial_office.choices import CorrectionStatus, WorkLogStatus
from sifa.modules.judicial_office.models import WorkCatalogueItem, WorkLog, WorkLogCorrection, WorkLogItem

_seq = itertools.count(1)


def office1() -> Org:
    return membership_of("office1").org


def office2() -> Org:
    return membership_of("office2").org


def new_staff(org: Org | None = None, *, role: str = "office_staff") -> Actor:
    """A new user with one membership (office staff of office1 by default), as an actor."""
    n = next(_seq)
    user = User.objects.create(username=f"jo_staff_{n}_{timezone.now().timestamp():.0f}", display_name=f"测试员{n}号")
    membership = Membership.objects.create(user=user, org=org or office1(), role=Role.objects.get(code=role))
    membership = Membership.objects.select_related("user", "org", "role").get(pk=membership.pk)
    return Actor.for_membership(membership, ip="127.0.0.1", user_agent="pytest")


@contextmanager
def on_day(day: datetime.date) -> Iterator[None]:
    """Run as if today were ``day`` (``timezone.localdate()`` without an argument, everywhere); the clock
    itself keeps running, and ``localdate(value)`` still converts ``value``."""
    real = timezone.localdate

    def fake(value: Any = None, tz: Any = None) -> datetime.date:
        return day if value is None else real(value, tz)

    with mock.patch("django.utils.timezone.localdate", side_effect=fake):
        yield


def item(code: str) -> WorkCatalogueItem:
    return WorkCatalogueItem.objects.get(code=code)


def log_without_audit(actor_or_user: Any, org: Org, day: datetime.date, counts: dict[str, int], *,
                      status: str = WorkLogStatus.SUBMITTED) -> WorkLog:
    """A log written straight to the tables (no service, no audit row, no totals)."""
    user = actor_or_user.user if isinstance(actor_or_user, Actor) else actor_or_user
    log = WorkLog.objects.create(org=org, author=user, author_name=user.display_name or user.username, day=day,
                                 status=status, submitted_at=timezone.now() if status == WorkLogStatus.SUBMITTED else None)
    for code, n in counts.items():
        WorkLogItem.objects.create(log=log, catalogue_item=item(code), count=n)
    return log


# --- the authorization matrix's objects (tests/test_authz_matrix.py) ----------------------------

MATRIX_DAY = datetime.date(2026, 1, 5)


def _matrix_user(org: Org) -> User:
    user, _ = User.objects.get_or_create(username=f"jo_matrix_{org.pk}", defaults={"display_name": f"日志矩阵{org.pk}"})
    return user


def matrix_log(org: Org) -> WorkLog:
    log = WorkLog.objects.filter(org=org, author__username=f"jo_matrix_{org.pk}", day=MATRIX_DAY).first()
    return log or log_without_audit(_matrix_user(org), org, MATRIX_DAY, {"mediation": 1})


def matrix_correction(org: Org) -> WorkLogCorrection:
    log = matrix_log(org)
    correction = WorkLogCorrection.objects.filter(log=log).first()
    if correction is None:
        correction = WorkLogCorrection.objects.create(
            log=log, requested_by=log.author, requested_by_name=log.author_name, reason="矩阵更正",
            proposed={"text": "矩阵", "items": [{"code": "mediation", "count": 2}]}, status=CorrectionStatus.PENDING)
    return correction


def matrix_catalogue_item(org: Org) -> WorkCatalogueItem:
    found, _ = WorkCatalogueItem.objects.get_or_create(code=f"matrix-{org.pk}", defaults={
        "name": f"矩阵事项{org.pk}", "org": org, "category": "矩阵"})
    return found


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) for "work_log", "work_correction" or "catalogue_item": one object per org
    of the matrix world. Catalogue items of the orgs above the actor's apply to it (visible, not
    editable), so they are neither inside nor outside and are left out."""
    make = {"work_log": matrix_log, "work_correction": matrix_correction, "catalogue_item": matrix_catalogue_item}[kind]
    objects = {o.pk: make(o) for o in orgs}
    below = [o for o in orgs if not o.path.startswith(actor_org.path)]
    if kind == "catalogue_item":
        below = [o for o in below if not actor_org.path.startswith(o.path)]
    return [objects[actor_org.pk].pk], [objects[o.pk].pk for o in below]


# --- recipes of tests/test_audit_coverage.py (each drives one service once) --------------------

REST_DAY = datetime.date(2026, 1, 3)  # a Saturday of the 元旦 holiday: the demo has no logs on rest days


def cover_save(actor: Actor) -> Any:
    from sifa.modules.judicial_office.services import save_work_log

    return save_work_log(actor=actor, day=timezone.localdate(), items=[{"code": "mediation", "count": 1}], submit=True)


def cover_photo(actor: Actor) -> Any:
    from django.core.files.base import ContentFile

    from sifa.core.attachments.tests.factories import png_bytes
    from sifa.modules.judicial_office.services import upload_work_photo

    return upload_work_photo(actor=actor, file=ContentFile(png_bytes(), name="现场.png"))


def cover_request(actor: Actor) -> Any:
    from sifa.modules.judicial_office.services import request_correction

    log = log_without_audit(actor, actor.org, REST_DAY, {"mediation": 1})  # type: ignore[arg-type]
    return request_correction(actor=actor, log=log, reason="漏填", items=[{"code": "mediation", "count": 2}])


def cover_decide(actor: Actor) -> Any:
    from sifa.modules.judicial_office.services import decide_correction

    staff = membership_of("office1")
    log = log_without_audit(staff.user, staff.org, REST_DAY, {"mediation": 1})
    correction = WorkLogCorrection.objects.create(log=log, requested_by=staff.user, requested_by_name="司法所甲",
                                                  reason="漏填", proposed={"items": [{"code": "mediation", "count": 2}]})
    return decide_correction(actor=actor, correction=correction, approve=True)


def cover_pull(actor: Actor) -> Any:
    from sifa.modules.judicial_office.services import pull_auto_items

    return pull_auto_items(actor=actor)


def cover_catalogue(actor: Actor) -> Any:
    from sifa.modules.judicial_office.services import save_catalogue_item

    return save_catalogue_item(actor=actor, code="cover-item", name="覆盖事项", category="测试")


def cover_export(actor: Actor) -> Any:
    from sifa.modules.judicial_office.services import export_work_logs

    return export_work_logs(actor=actor, description="工作日志导出 覆盖", row_count=1)


def other_county_office() -> Org:
    """A 司法所 under another county (西湖区), outside 富阳区's subtree."""
    from sifa.core.orgs.choices import OrgType

    xihu = Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)
    office = Org.objects.create(name="日志测试西湖司法所", type=OrgType.JUDICIAL_OFFICE, region=xihu.region, parent=xihu,
                                depth=xihu.depth + 1, path=f"tmp-worklog-{next(_seq)}", valid_from=datetime.date(2000, 1, 1))
    office.path = xihu.path + Org.path_segment(office.pk)
    office.save(update_fields=["path"])
    return office


def audit_rows(action: str) -> int:
    from sifa.core.audit.models import AuditEvent

    return AuditEvent.objects.filter(action=action).count()
