"""社区矫正对象月度考核 (CC-15, CC-36) on the core scoring engine: fact sources, the default scheme,
registration.

The engine (sifa/core/scoring, docs/engines/scoring.md) computes, explains, versions and adjusts; this
file says what earns or loses points, read-only from the module's records. The subject is the
correction case (``subject_kind`` "case", subject id = the case id = ``CorrectionCase.pk``):

- ``correction.tasks_done`` / ``correction.tasks_missed``: supervision tasks due in the period, done or
  missed (attr ``kind``: report_in, visit, education, public_service, health_report);
- ``correction.commendations`` / ``correction.admonitions`` / ``correction.warnings`` /
  ``correction.security_penalties``: decided 表扬 / 训诫 / 警告 / 提请治安管理处罚 (CC-15…CC-18), dated
  by the decision;
- ``correction.leave_violations``: absences beyond an approved 外出 (CC-12), dated by the return
  deadline (``movement_selectors.unapproved_absences``);
- ``correction.field_reports``: field reports received (attr ``category`` per category), for schemes
  that want them.

No fact comes from location data (PI-03; CASES C-84: an automatic score from tracks would need a PIA).
The results feed 减刑 proposals and revocation (CC-23, CC-36) through ``evaluation_summary``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from sifa.core.scoring.engine import Fact, FactRef

SCHEME_CODE = "correction.evaluation"
SCHEME_FILE = Path(__file__).resolve().parent / "data" / "evaluation_scheme.json"
SUBJECT_URL = "correction:evaluation_case"


def _ref(kind: str, pk: int, label: str, case_id: int) -> FactRef:
    return FactRef(kind, str(pk), label[:120], SUBJECT_URL, (case_id,))


def _tasks(status: str) -> Callable[[Sequence[int], datetime.date, datetime.date], Iterator[Fact]]:
    key = f"correction.tasks_{status}"

    def collect(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
        from sifa.modules.correction.models import SupervisionTask
        from sifa.modules.correction.movement_selectors import rows_of

        rows = rows_of(SupervisionTask).filter(correction_case_id__in=list(subjects), status=status,
                                              due_date__gte=start, due_date__lte=end).order_by("due_date", "pk")
        for task in rows:
            what = "已完成" if status == "done" else "逾期未完成"
            yield Fact(source=key, subject=task.correction_case_id, on=task.due_date,
                       ref=_ref("correction.task", task.pk, f"{task.get_kind_display()} {task.due_date:%m-%d} {what}",
                                task.correction_case_id),
                       attrs={"kind": task.kind})

    collect.__doc__ = f"Facts of {key}: supervision tasks due in the period with status {status}."
    return collect


def _sanctions(kind: str, key: str) -> Callable[[Sequence[int], datetime.date, datetime.date], Iterator[Fact]]:
    def collect(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
        from sifa.modules.correction.choices import SanctionStatus
        from sifa.modules.correction.models import Sanction
        from sifa.modules.correction.movement_selectors import rows_of

        rows = rows_of(Sanction).filter(correction_case_id__in=list(subjects), kind=kind, status=SanctionStatus.DECIDED,
                                       decided_on__gte=start, decided_on__lte=end).order_by("decided_on", "pk")
        for row in rows:
            assert row.decided_on is not None
            yield Fact(source=key, subject=row.correction_case_id, on=row.decided_on,
                       ref=_ref("correction.sanction", row.pk, f"{row.get_kind_display()}（{row.ground}）"
                                f" {row.decided_on:%Y-%m-%d}", row.correction_case_id),
                       attrs={"ground": row.ground})

    collect.__doc__ = f"Facts of {key}: decided sanctions of kind {kind}, dated by the decision."
    return collect


def _leave_violations(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    """One fact per absence beyond an approved 外出 whose return deadline lies in the period (CC-12)."""
    from sifa.modules.correction.models import CorrectionCase
    from sifa.modules.correction.movement_selectors import unapproved_absences

    today = timezone.localdate()
    with_leaves = CorrectionCase.objects.filter(pk__in=list(subjects), leave_requests__isnull=False).distinct()
    for detail in with_leaves:
        for absence in unapproved_absences(detail, today=today, start=start, end=end):
            yield Fact(source="correction.leave_violations", subject=detail.pk, on=absence.due_back,
                       ref=_ref("correction.leave", absence.leave.pk, absence.label, detail.pk),
                       attrs={"returned": "no" if absence.returned_on is None else "late"})


def _field_reports(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    """One fact per category of each field report received in the period (attr ``category``)."""
    from sifa.modules.correction.models import FieldReport
    from sifa.modules.correction.movement_selectors import rows_of

    rows = rows_of(FieldReport).filter(correction_case_id__in=list(subjects), received_at__date__gte=start,
                                      received_at__date__lte=end).order_by("received_at", "pk")
    for report in rows:
        day = timezone.localdate(report.received_at)
        for category in report.categories or ["未分类"]:
            yield Fact(source="correction.field_reports", subject=report.correction_case_id, on=day,
                       ref=_ref("correction.field_report", report.pk, f"现场报告 {day:%m-%d}（{category}）",
                                report.correction_case_id),
                       attrs={"category": str(category)})


def source_specs() -> list[tuple[str, str, str, Callable[..., Iterator[Fact]]]]:
    from sifa.modules.correction.choices import SanctionKind

    return [
        ("correction.tasks_done", "社区矫正：按时完成的监管任务", "次", _tasks("done")),
        ("correction.tasks_missed", "社区矫正：逾期未完成的监管任务", "次", _tasks("missed")),
        ("correction.commendations", "社区矫正：表扬", "次", _sanctions(SanctionKind.COMMENDATION, "correction.commendations")),
        ("correction.admonitions", "社区矫正：训诫", "次", _sanctions(SanctionKind.ADMONITION, "correction.admonitions")),
        ("correction.warnings", "社区矫正：警告", "次", _sanctions(SanctionKind.WARNING, "correction.warnings")),
        ("correction.security_penalties", "社区矫正：提请治安管理处罚", "次",
         _sanctions(SanctionKind.SECURITY_PENALTY_REQUEST, "correction.security_penalties")),
        ("correction.leave_violations", "社区矫正：外出逾期未归", "次", _leave_violations),
        ("correction.field_reports", "社区矫正：现场报告（按分类）", "件", _field_reports),
    ]


# --- the default scheme -----------------------------------------------------------------------------------


def default_scheme_data() -> dict[str, Any]:
    """The shipped default scheme file (numbers as Decimal), in the engine's import format."""
    data: dict[str, Any] = json.loads(SCHEME_FILE.read_text(encoding="utf-8"), parse_float=Decimal)
    return data


def demo_scheme(*, actor: Any, structure: dict[str, Any], scale: Any, seed: int) -> dict[str, int]:
    """Demo data: the default scheme owned by the demo province's department (inside the demo load's
    transaction and audit event, so written directly, validated exactly as ``import_scheme`` does)."""
    from sifa.core.scoring.engine import parse_scheme
    from sifa.core.scoring.models import Scheme, SchemeVersion
    from sifa.core.scoring.services import known_sources

    spec = parse_scheme(default_scheme_data(), sources=known_sources())
    scheme = Scheme.objects.create(code=spec.code, name=spec.name, subject_kind=spec.subject_kind,
                                   subject_type=spec.subject_type, owner=structure["department"], note=spec.note)
    SchemeVersion.objects.create(scheme=scheme, number=1, valid_from=spec.valid_from, valid_to=spec.valid_to,
                                 total=spec.tree.total, indicators=spec.tree.to_data(), note=spec.note,
                                 source_name=SCHEME_FILE.name, imported_by=actor.name[:150])
    return {"scoring_schemes": 1}


def register() -> None:
    """Score sources, audit action, menu, API router, job, demo scheme and the subject-page card."""
    from sifa.core import registry
    from sifa.core.registry import MenuEntry
    from sifa.core.scoring.sources import ScoreSource
    from sifa.modules.correction import panels
    from sifa.modules.correction.evaluation_api import router
    from sifa.modules.correction.evaluation_jobs import MONTHLY
    from sifa.modules.correction.evaluation_views import evaluation_panel

    for key, label, unit, collect in source_specs():
        registry.score_sources.register(key, ScoreSource(key=key, label=label, subject_kind="case", unit=unit,
                                                         collect=collect))
    registry.register_audit_action("correction.evaluations.exported", "导出社区矫正对象月度考核结果", personal_data=True)
    registry.menu.register("correction_evaluation", MenuEntry(
        "correction_evaluation", "矫正对象月度考核", "correction:evaluation_list", icon="chart-bar",
        permission="correction.view", order=63, group="社区矫正"))
    registry.api_routers.register("/correction/movement/evaluations", router)
    registry.periodic_jobs.register(MONTHLY.name, MONTHLY)
    registry.demo_generators.register("correction.evaluation", demo_scheme)
    panels.register(panels.SubjectPanel(
        key="evaluation", label="月度考核", template="correction/evaluation/_panel.html", context=evaluation_panel,
        column="side", order=62, permission="scoring.view"))
