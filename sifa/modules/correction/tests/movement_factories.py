"""Test helpers of the movement and evaluation parts: rows written without services (so without audit
events), the authorization matrix's objects and the audit-coverage recipes."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from sifa.core.accounts.actor import Actor
from sifa.core.orgs.choices import OrgType
from sifa.core.orgs.models import Org
from sifa.modules.correction.choices import (
    LeaveKind,
    MonitoringStatus,
    RequestStatus,
    SanctionStatus,
    TaskStatus,
    TransferStatus,
)
from sifa.modules.correction.models import (
    CorrectionCase,
    ElectronicMonitoring,
    LeaveRequest,
    ResidenceTransfer,
    Sanction,
    SupervisionTask,
)
from sifa.modules.correction.tests.factories import make_correction, office_of

MOVE_ON = datetime.date.today() + datetime.timedelta(days=45)  # CC-13: at least transfer.apply_ahead_days ahead

_seq = itertools.count(1)


def make_leave(detail: CorrectionCase, *, start: datetime.date, end: datetime.date,
               status: str = RequestStatus.PENDING, level: str = "office", returned_on: datetime.date | None = None,
               kind: str = LeaveKind.LEAVE) -> LeaveRequest:
    return LeaveRequest.objects.create(correction_case=detail, kind=kind, destination="杭州市上城区", reason="探亲",
                                       start_date=start, end_date=end, days=(end - start).days + 1,
                                       approval_level=level, status=status, returned_on=returned_on)


def make_sanction(detail: CorrectionCase, kind: str, *, decided_on: datetime.date | None = None,
                  status: str = SanctionStatus.DECIDED) -> Sanction:
    return Sanction.objects.create(correction_case=detail, kind=kind, ground="CC-17.2", facts="测试事实", status=status,
                                   proposed_by="测试", decided_on=decided_on or timezone.localdate())


def make_monitoring(detail: CorrectionCase, *, start: datetime.date = datetime.date(2026, 1, 1),
                    end: datetime.date = datetime.date(2026, 4, 1), status: str = MonitoringStatus.PENDING,
                    ground: str = "left_area") -> ElectronicMonitoring:
    return ElectronicMonitoring.objects.create(correction_case=detail, ground=ground, facts="未经批准离开富阳区三日",
                                               start_date=start, end_date=end, status=status)


def make_task(detail: CorrectionCase, kind: str, due: datetime.date, status: str) -> SupervisionTask:
    return SupervisionTask.objects.create(correction_case=detail, org_path=detail.org_path, kind=kind, due_date=due,
                                          status=status,
                                          done_on=due if status == TaskStatus.DONE else None)


def other_county_office() -> Org:
    """A 司法所 under another county (西湖区), outside 富阳区's subtree."""
    xihu = Org.objects.get(region__code="330106", type=OrgType.JUSTICE_BUREAU)
    office = Org.objects.create(name=f"迁入测试西湖司法所{next(_seq)}", type=OrgType.JUDICIAL_OFFICE, region=xihu.region,
                                parent=xihu, depth=xihu.depth + 1, path=f"tmp-movement-{next(_seq)}",
                                valid_from=datetime.date(2000, 1, 1))
    office.path = xihu.path + Org.path_segment(office.pk)
    office.save(update_fields=["path"])
    return office


# --- the authorization matrix (tests/test_authz_matrix.py) ------------------------------------------------

MATRIX_KINDS = ("movement_case", "leave_pending", "leave_approved", "transfer_requested", "transfer_accepted",
                "monitoring_pending", "monitoring_active")


def _matrix_object(kind: str, org: Org) -> int:
    detail = make_correction(org)
    if kind == "movement_case":
        return detail.pk
    if kind == "leave_pending":
        return make_leave(detail, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 3)).pk
    if kind == "leave_approved":
        return make_leave(detail, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 3),
                          status=RequestStatus.APPROVED).pk
    if kind in ("transfer_requested", "transfer_accepted"):
        status = TransferStatus.REQUESTED if kind == "transfer_requested" else TransferStatus.ACCEPTED
        return ResidenceTransfer.objects.create(correction_case=detail, from_org=org, to_org=org, new_address="新址",
                                                reason="矩阵", status=status,
                                                reply_due=timezone.localdate() + datetime.timedelta(days=7)).pk
    status = MonitoringStatus.PENDING if kind == "monitoring_pending" else MonitoringStatus.ACTIVE
    return make_monitoring(detail, status=status).pk


def matrix_objects(kind: str, actor_org: Org, orgs: list[Org]) -> tuple[list[int], list[int]]:
    """(inside ids, outside ids) of ``kind``: one object (with its own correction case) per org of the
    matrix world. A transfer's new office is its own org, so the receiving side is the same subtree."""
    objects = {o.pk: _matrix_object(kind, o) for o in orgs}
    outside = [o for o in orgs if not o.path.startswith(actor_org.path)]
    return [objects[actor_org.pk]], [objects[o.pk] for o in outside]


# --- recipes of tests/test_audit_coverage.py (each drives one service once) ----------------------------------


def _office1_case() -> CorrectionCase:
    return make_correction(office_of("office1"))


def cover_request_leave(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import request_leave

    return request_leave(actor=actor, detail=_office1_case(), destination="上海市", reason="就医",
                         start_date=timezone.localdate(), end_date=timezone.localdate() + datetime.timedelta(days=2))


def cover_decide_leave(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import decide_leave

    leave = make_leave(_office1_case(), start=timezone.localdate(), end=timezone.localdate())
    return decide_leave(actor=actor, leave=leave, approve=True)


def cover_check_in(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import check_in_leave

    leave = make_leave(_office1_case(), start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 3),
                       status=RequestStatus.APPROVED)
    return check_in_leave(actor=actor, leave=leave, returned_on=datetime.date(2026, 1, 3))


def cover_request_transfer(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import request_transfer

    return request_transfer(actor=actor, detail=_office1_case(), to_org=office_of("office2"), new_address="新址1号",
                            reason="随子女居住", planned_move_on=MOVE_ON)


def accepted_transfer(status: str = TransferStatus.ACCEPTED) -> ResidenceTransfer:
    detail = _office1_case()
    return ResidenceTransfer.objects.create(correction_case=detail, from_org=detail.case.org, to_org=office_of("office2"),
                                            new_address="新址1号", reason="随子女居住", status=status,
                                            reply_due=timezone.localdate() + datetime.timedelta(days=7))


def cover_reply_transfer(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import reply_transfer

    return reply_transfer(actor=actor, transfer=accepted_transfer(TransferStatus.REQUESTED), accept=True)


def cover_complete_transfer(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import complete_transfer

    return complete_transfer(actor=actor, transfer=accepted_transfer())


def cover_request_monitoring(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import request_monitoring

    return request_monitoring(actor=actor, detail=_office1_case(), ground="left_area", facts="未经批准离开富阳区三日",
                              start_date=datetime.date(2026, 1, 1))


def cover_extend_monitoring(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import request_monitoring_extension

    row = make_monitoring(_office1_case(), status=MonitoringStatus.ACTIVE)
    return request_monitoring_extension(actor=actor, monitoring=row, facts="评估后仍有必要")


def cover_decide_monitoring(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import decide_monitoring

    return decide_monitoring(actor=actor, monitoring=make_monitoring(_office1_case()), approve=True)


def cover_remove_monitoring(actor: Actor) -> Any:
    from sifa.modules.correction.movement_services import remove_monitoring

    row = make_monitoring(_office1_case(), status=MonitoringStatus.ACTIVE)
    return remove_monitoring(actor=actor, monitoring=row, removed_on=datetime.date(2026, 2, 1), reason="已无必要")


def cover_export_evaluations(actor: Actor) -> Any:
    from sifa.core.scoring import periods
    from sifa.modules.correction.evaluation_services import export_evaluations

    _office1_case()
    return export_evaluations(actor=actor, org=actor.org, period=periods.containing(periods.MONTH, timezone.localdate()))


RECIPES: dict[str, tuple[str, str]] = {
    "sifa.modules.correction.movement_services.request_leave": ("office1", "cover_request_leave"),
    "sifa.modules.correction.movement_services.decide_leave": ("office1", "cover_decide_leave"),
    "sifa.modules.correction.movement_services.check_in_leave": ("office1", "cover_check_in"),
    "sifa.modules.correction.movement_services.request_transfer": ("office1", "cover_request_transfer"),
    "sifa.modules.correction.movement_services.reply_transfer": ("office2", "cover_reply_transfer"),
    "sifa.modules.correction.movement_services.complete_transfer": ("corr", "cover_complete_transfer"),
    "sifa.modules.correction.movement_services.request_monitoring": ("office1", "cover_request_monitoring"),
    "sifa.modules.correction.movement_services.request_monitoring_extension": ("office1", "cover_extend_monitoring"),
    "sifa.modules.correction.movement_services.decide_monitoring": ("corr", "cover_decide_monitoring"),
    "sifa.modules.correction.movement_services.remove_monitoring": ("office1", "cover_remove_monitoring"),
    "sifa.modules.correction.evaluation_services.export_evaluations": ("corr", "cover_export_evaluations"),
}
