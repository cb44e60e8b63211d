"""Registrations of the 社区矫正 lifecycle part (intake, subject file, 调查评估, discharge).

``register()`` is called once from ``CorrectionConfig.ready()``: audit actions, the menu entries,
the API router (prefix ``/correction``: ``/cases`` and ``/assessments``), the two document types
(解除社区矫正证明书, 调查评估意见书) and the alert rules below. The alert rules are scanned by the
core's periodic alert scan (``alerts.scan``), so this part needs no job of its own.

Alert rules:

- ``correction.report_overdue`` (红): the CC-06 report or CC-07 hand-over deadline has passed and the
  offender has not been received — a search is organised at once (CC-20, CASES C-48); for a report,
  the day from which revocation may be proposed (CC-25.absence, "超过一个月", CASES C-36) is named;
- ``correction.lost_contact`` (红, raised by the 失去联系 step): CC-20, search immediately;
- ``correction.discharge_due`` (蓝): the term ends within ``reminders.discharge_ahead_days`` (platform
  policy, not law) — prepare the 解除 (CC-32).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule

AUDIT_ACTIONS = (
    ("correction.case.opened", "登记社区矫正案件（接收决定）", False),
    ("correction.case.moved", "办理社区矫正环节", False),
    ("correction.subject.viewed", "查看社区矫正对象档案", True),
    ("correction.minor_file.opened", "查阅未成年社区矫正对象档案（说明司法需要）", True),
    ("correction.subjects.exported", "导出社区矫正对象名单", True),
    ("correction.assessment.opened", "登记调查评估委托", False),
    ("correction.assessment.moved", "办理调查评估环节", False),
)


def _report_overdue(today: datetime.date) -> Iterable[AlertCondition]:
    from sifa.core.cases.models import CaseDeadline, DeadlineStatus
    from sifa.core.deadlines.rules import compute_rule
    from sifa.core.deadlines.selectors import working_calendar
    from sifa.core.errors import SifaError
    from sifa.modules.correction.selectors import display_name

    overdue = (CaseDeadline.objects
               .filter(key__in=("report", "transfer"), status=DeadlineStatus.RUNNING, due_date__lt=today,
                       case__case_type="correction")
               .select_related("case", "case__correction", "case__correction__subject",
                               "case__correction__subject__person"))
    for d in overdue.iterator():
        detail = getattr(d.case, "correction", None)
        if detail is None:
            continue
        late = (today - d.due_date).days
        what = "报到" if d.key == "report" else "移交"
        extra = ""
        if d.key == "report":
            try:
                revocable = compute_rule("CC-25.absence", d.due_date, working_calendar(), explain=False).due
                extra = (f"；无正当理由不按规定报到、脱离监管超过一个月的（{revocable:%Y-%m-%d} 起），"
                         "可依法提请撤销缓刑、假释（CC-25）")
            except SifaError:
                extra = ""
        yield AlertCondition(
            object_type="cases.casedeadline", object_id=str(d.pk), org_id=d.case.org_id, case_id=d.case_id,
            title=f"{display_name(detail)}（{d.case.number}）未按期{what}，{d.label}已于 {d.due_date:%Y-%m-%d} 届满（逾期 {late} 天）",
            detail=f"{d.rule_id} · {d.article}。立即组织查找，公安等有关单位协助（CC-20）{extra}。",
            legal_basis=d.article)


def _discharge_due(today: datetime.date) -> Iterable[AlertCondition]:
    from sifa.modules.correction import config
    from sifa.modules.correction.models import CorrectionCase
    from sifa.modules.correction.selectors import display_name

    ahead = int(config.section("reminders")["discharge_ahead_days"])
    due = (CorrectionCase.objects
           .filter(case__state="under_correction", term_end__gte=today,
                   term_end__lte=today + datetime.timedelta(days=ahead))
           .select_related("case", "subject", "subject__person"))
    for detail in due.iterator():
        assert detail.term_end is not None
        left = (detail.term_end - today).days
        yield AlertCondition(
            object_type="correction.correctioncase", object_id=f"{detail.pk}:{detail.term_end:%Y%m%d}",
            org_id=detail.case.org_id, case_id=detail.pk,
            title=f"{display_name(detail)}（{detail.case.number}）矫正期将于 {detail.term_end:%Y-%m-%d} 届满（剩余 {left} 天）",
            detail=(f"期满后（{detail.term_end + datetime.timedelta(days=1):%Y-%m-%d} 起）办理解除，出具解除社区矫正证明书，"
                    "并通知决定机关、人民检察院、公安机关（CC-32）。提前天数为平台设置："
                    f"{config.flag('reminders')}"),
            legal_basis="《社区矫正法》第四十四条")


REPORT_OVERDUE = AlertRule(
    code="correction.report_overdue", label="社区矫正对象未按期报到（移交）", level=AlertLevel.RED,
    description="报到期限（CC-06，十日）或移交期限（CC-07，十日）已届满而尚未接收：立即组织查找（CC-20）",
    legal_basis="《社区矫正法》第二十一条、第三十条", evaluate=_report_overdue, sign_hours=4, handle_hours=24, permission="correction.view")
LOST_CONTACT = AlertRule(
    code="correction.lost_contact", label="社区矫正对象失去联系", level=AlertLevel.RED,
    description="社区矫正对象失去联系：立即组织查找，公安等有关单位协助（CC-20）",
    legal_basis="《社区矫正法》第三十条", sign_hours=2, handle_hours=24, permission="correction.view")
DISCHARGE_DUE = AlertRule(
    code="correction.discharge_due", label="社区矫正期即将届满", level=AlertLevel.BLUE,
    description="矫正期在设定天数内（默认 30 天，配置 reminders.discharge_ahead_days）届满：准备解除（CC-32）",
    legal_basis="《社区矫正法》第四十四条", evaluate=_discharge_due, sign_hours=72, handle_hours=24 * 30, permission="correction.view")
ALERT_RULES = (REPORT_OVERDUE, LOST_CONTACT, DISCHARGE_DUE)


# --- document contexts ---------------------------------------------------------------------------


def _cn(day: datetime.date | None) -> str:
    from sifa.core.documents.numerals import chinese_date

    return chinese_date(day) if day else ""


def _last_data(case: Any, name: str) -> dict[str, Any]:
    row = case.transitions.filter(name=name).order_by("-created_at", "-id").first()
    return dict(row.data) if row is not None else {}


def discharge_context(case: Any) -> dict[str, Any]:
    """解除社区矫正证明书 (CC-32, 《社区矫正法》第四十四条): the subject, the judgment, the term, the 解除."""
    from sifa.core.errors import ValidationFailed
    from sifa.modules.correction.services import county_of

    detail = getattr(case, "correction", None)
    if detail is None or case.state != "discharged":
        raise ValidationFailed("尚未解除社区矫正，不能制作解除社区矫正证明书", field="doc_type")
    person = detail.subject.person
    data = _last_data(case, "discharge")
    discharged_on = datetime.date.fromisoformat(data["discharged_on"]) if data.get("discharged_on") else detail.ended_on
    closing = {
        "control": "管制期满，依法解除管制。",
        "probation": "缓刑考验期满，原判刑罚不再执行。",
        "parole": "假释考验期满，认为原判刑罚已经执行完毕。",
        "temporary_execution": "暂予监外执行期满，由原关押机关依法办理释放手续。",
    }[detail.sentence_type]
    if data.get("reason") == "赦免":
        closing = "经依法赦免。"
    return {
        "agency": county_of(case.org).name,
        "subject": {"name": person.name, "gender": person.get_gender_display(),
                    "birth": _cn(person.birth_date) if person.birth_date else "",
                    "id_number_masked": person.id_number_masked, "address": detail.execution_address},
        "correction": {"sentence_type": detail.sentence_type, "sentence_type_label": detail.get_sentence_type_display(),
                       "decision_org_name": detail.decision_org_name, "judgment_number": detail.judgment_number,
                       "crimes": detail.crimes, "original_sentence": detail.original_sentence, "term": detail.term,
                       "term_start": _cn(detail.term_start), "term_end": _cn(detail.term_end),
                       "prohibition_order": detail.prohibition_order},
        "discharge": {"on": _cn(discharged_on), "reason": data.get("reason", "期满"), "closing": closing,
                      "notices": data.get("notices", "")},
    }


def assessment_context(case: Any) -> dict[str, Any]:
    """调查评估意见书 (CC-03, 《社区矫正法》第十八条): commissioner, person, findings, conclusion."""
    from sifa.core.errors import ValidationFailed

    assessment = getattr(case, "correction_assessment", None)
    if assessment is None or not assessment.conclusion:
        raise ValidationFailed("尚未提交评估意见，不能制作调查评估意见书", field="doc_type")
    return {"assessment": {
        "commissioner_name": assessment.commissioner_name, "commissioner_type": assessment.get_commissioner_type_display(),
        "commission_number": assessment.commission_number, "received_on": _cn(assessment.received_on),
        "person_name": assessment.person_name, "crimes": assessment.crimes,
        "proposed": assessment.get_proposed_sentence_type_display(), "findings": assessment.findings,
        "findings_lines": [line for line in assessment.findings.splitlines() if line.strip()],
        "conclusion": assessment.get_conclusion_display(), "submitted_on": _cn(assessment.submitted_on),
    }}


def register() -> None:
    """Registers this part: audit actions, menu, API router, document types, alert rules."""
    from sifa.core import registry
    from sifa.core.registry import DocumentType, MenuEntry
    from sifa.modules.correction import services  # noqa: F401  (the services register themselves)
    from sifa.modules.correction.lifecycle_api import router

    for name, label, personal in AUDIT_ACTIONS:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.menu.register("correction", MenuEntry("correction", "社区矫正", "correction:subject_list", icon="shield",
                                                   permission="correction.view", order=30, group="社区矫正"))
    registry.menu.register("correction_assessments", MenuEntry(
        "correction_assessments", "调查评估", "correction:assessment_list", icon="clipboard-check",
        permission="correction.view", order=31, group="社区矫正"))
    registry.api_routers.register("/correction", router)
    registry.document_types.register(services.DISCHARGE_CERTIFICATE, DocumentType(
        code=services.DISCHARGE_CERTIFICATE, label="解除社区矫正证明书",
        template="sifa.modules.correction:data/documents/discharge_certificate.docx", number_word="矫解",
        case_types=("correction",), context=discharge_context))
    registry.document_types.register(services.ASSESSMENT_OPINION, DocumentType(
        code=services.ASSESSMENT_OPINION, label="调查评估意见书",
        template="sifa.modules.correction:data/documents/assessment_opinion.docx", number_word="矫评",
        case_types=("correction_assessment",), context=assessment_context))
    for rule in ALERT_RULES:
        registry.alert_rules.register(rule.code, rule)
