"""Case types and workflows of 社区矫正 (RULES.md §2.6) and 调查评估 (CC-03).

The workflow is data: the case page draws its diagram from it and ``docs/modules/correction.md``
shows the same diagram. Module services (``services.py``) move a case with
``sifa.core.cases.services.apply_transition`` inside their own transaction, so the detail rows and the
state change are written together under one audit event.

Statutory periods started here (rule ids of the deadlines engine, RULES.md):

- CC-05 / CC-05.documents: the 决定机关's notice (五日) and documents (十日) from the judgment's
  effect — started at intake by ``services.open_correction`` (the dates are the judgment's);
- CC-06 reporting (十日) or CC-07 hand-over (十日) — started at intake;
- CC-29 ruling on a revocation proposal (三十日 from the court's receipt; no rollover while the
  offender is in custody, variant "在押") and CC-30 re-commitment decision (三十日);
- CC-28 arrest decision (四十八小时) and custody (三十日) — started by the arrest services;
- CC-34 the correction term — started at reception with the term from the judgment.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from sifa.core.cases.workflow import CaseType, DeadlineStart, State, Transition, Workflow

if TYPE_CHECKING:
    from sifa.core.accounts.actor import Actor
    from sifa.core.cases.models import Case

CORRECTION = "correction"
ASSESSMENT = "correction_assessment"

STAFF = ("correction_staff", "leader", "office_staff")
AGENCY = ("correction_staff", "leader")


def _sentence(case: Case) -> str:
    detail = getattr(case, "correction", None)
    return detail.sentence_type if detail is not None else ""


def _expects_report(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    if _sentence(case) == "temporary_execution":
        return "暂予监外执行罪犯由看守所、监狱或公安机关移交（CC-07），不适用报到"
    return None


def _expects_transfer(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    if _sentence(case) != "temporary_execution":
        return "只有暂予监外执行罪犯需要移交（CC-07）；管制、缓刑、假释对象自行报到（CC-06）"
    return None


def _revocable(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    if _sentence(case) not in ("probation", "parole"):
        return "只有缓刑、假释对象可以提请撤销（CC-25、CC-26）；暂予监外执行对象应提请收监执行（CC-30）"
    return None


def _recommittable(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    if _sentence(case) != "temporary_execution":
        return "收监执行只适用于暂予监外执行对象（CC-30）"
    return None


def _term_ended(case: Case, actor: Actor, data: Mapping[str, Any]) -> str | None:
    """CC-32: 解除 at 矫正期满 (the day after the term's last day, GEN-03) or on 赦免."""
    if str(data.get("reason", "")) == "赦免":
        return None
    detail = getattr(case, "correction", None)
    if detail is None or detail.term_end is None:
        return "矫正期满日未确定，不能解除"
    day = data.get("discharged_on") or timezone.localdate().isoformat()
    try:
        on = datetime.date.fromisoformat(str(day))
    except ValueError:
        return "解除日期应为 YYYY-MM-DD"
    if on <= detail.term_end:
        return f"矫正期至 {detail.term_end:%Y年%m月%d日} 届满，期满后（{detail.term_end + datetime.timedelta(days=1):%Y年%m月%d日}起）方可解除（CC-32、GEN-03）"
    return None


def _end_monitoring(case_id: int) -> None:
    """After a case ends (解除, 撤销, 收监, 死亡): an electronic monitoring period still running ends with it
    (CC-19: remove when no longer needed), and the overlay flag clears. Runs after the step commits."""
    from sifa.modules.correction.choices import MonitoringStatus
    from sifa.modules.correction.models import CorrectionCase, ElectronicMonitoring

    day = timezone.localdate()
    ElectronicMonitoring.objects.filter(correction_case_id=case_id, status=MonitoringStatus.ACTIVE).update(
        status=MonitoringStatus.ENDED, removed_on=day, removal_reason="社区矫正已解除或终止")
    CorrectionCase.objects.filter(pk=case_id, em_active=True).update(em_active=False)


def _clear_liberty_flag(case_id: int) -> None:
    """After a case ends the overlay flag ``liberty_restricted`` (CC-22) clears with the correction; the
    restriction rows stay as recorded (their end, if the agency learns it, is no longer the agency's to record)."""
    from sifa.modules.correction.models import CorrectionCase

    CorrectionCase.objects.filter(pk=case_id, liberty_restricted=True).update(liberty_restricted=False)


ENDS = (_end_monitoring, _clear_liberty_flag)

CORRECTION_WORKFLOW = Workflow(
    code=CORRECTION,
    label="社区矫正",
    initial="decided",
    states=(
        State("decided", "判决（决定）生效"),
        State("notified", "已收到法律文书"),
        State("awaiting_report", "待报到"),
        State("in_transfer", "待移交"),
        State("received", "已报到接收"),
        State("under_correction", "矫正中"),
        State("lost_contact", "失去联系"),
        State("revocation_proposed", "已提请撤销缓刑/假释"),
        State("recommitment_proposed", "已提请收监执行"),
        State("revoked", "已撤销（终止）", terminal=True),
        State("recommitted", "已收监执行（终止）", terminal=True),
        State("deceased", "死亡（终止）", terminal=True),
        State("discharged", "已解除矫正", terminal=True),
    ),
    transitions=(
        Transition("notify", "收到通知和法律文书", ("decided",), "notified", roles=STAFF,
                   required_fields=("documents_received_on",), stops=("notice", "documents")),
        Transition("expect_report", "等待报到", ("notified",), "awaiting_report", roles=STAFF, guard=_expects_report),
        Transition("expect_transfer", "等待移交", ("notified",), "in_transfer", roles=STAFF, guard=_expects_transfer),
        Transition("receive", "报到接收（核对、登记、建档）", ("decided", "notified", "awaiting_report", "in_transfer", "lost_contact"),
                   "received", roles=STAFF, required_fields=("received_on",), stops=("report", "transfer"), key=True),
        Transition("announce", "宣告", ("received",), "under_correction", roles=STAFF,
                   required_fields=("announced_on",), key=True),
        Transition("lose_contact", "失去联系（立即组织查找）", ("awaiting_report", "in_transfer", "under_correction"),
                   "lost_contact", roles=STAFF, required_fields=("since",)),
        Transition("regain_contact", "查找到案", ("lost_contact",), "under_correction", roles=STAFF,
                   required_fields=("found_on",)),
        Transition("change_execution_place", "变更执行地", ("under_correction",), "under_correction", roles=AGENCY,
                   required_fields=("to_org",), key=True),
        Transition("propose_revocation", "提请撤销缓刑/假释", ("under_correction", "lost_contact"), "revocation_proposed",
                   roles=AGENCY, guard=_revocable, required_fields=("grounds", "court", "court_received_on"),
                   starts=(DeadlineStart("ruling", "CC-29", "court_received_on", variant="在押", variant_if="in_custody"),),
                   key=True),
        Transition("propose_recommitment", "提请收监执行", ("under_correction", "lost_contact"), "recommitment_proposed",
                   roles=AGENCY, guard=_recommittable, required_fields=("grounds", "decision_org", "received_on"),
                   starts=(DeadlineStart("recommit_decision", "CC-30", "received_on", variant="在押", variant_if="in_custody"),),
                   key=True),
        Transition("revoke", "人民法院裁定撤销", ("revocation_proposed",), "revoked", roles=AGENCY,
                   required_fields=("ruling_date", "ruling_number"), stops=("ruling", "arrest_decision", "custody", "term"),
                   key=True, effects=ENDS),
        Transition("recommit", "决定收监执行", ("recommitment_proposed",), "recommitted", roles=AGENCY,
                   required_fields=("decision_date", "decision_number"), stops=("recommit_decision", "term"), key=True, effects=ENDS),
        Transition("reject_proposal", "裁定（决定）不予撤销、收监", ("revocation_proposed", "recommitment_proposed"),
                   "under_correction", roles=AGENCY, required_fields=("ruling_date",),
                   stops=("ruling", "recommit_decision", "arrest_decision", "custody"), key=True),
        Transition("discharge", "解除社区矫正", ("under_correction",), "discharged", roles=AGENCY, guard=_term_ended,
                   required_fields=("discharged_on", "reason"), stops=("term",), key=True, effects=ENDS),
        Transition("record_death", "死亡（终止）", ("decided", "notified", "awaiting_report", "in_transfer", "received",
                                                 "under_correction", "lost_contact", "revocation_proposed",
                                                 "recommitment_proposed"),
                   "deceased", roles=STAFF, required_fields=("died_on",),
                   stops=("notice", "documents", "report", "transfer", "ruling", "recommit_decision", "arrest_decision",
                          "custody", "term"), key=True, effects=ENDS),
    ),
    field_labels={
        "documents_received_on": "收到法律文书日期", "received_on": "报到（接收）日期", "announced_on": "宣告日期",
        "since": "失联起始日", "found_on": "查找到案日期", "to_org": "新执行地司法所", "grounds": "提请事由",
        "court": "受理法院", "court_received_on": "法院收到建议书日期", "decision_org": "决定机关",
        "ruling_date": "裁定（决定）日期", "ruling_number": "裁定书文号", "decision_date": "决定日期",
        "decision_number": "决定书文号", "discharged_on": "解除日期", "reason": "解除原因", "died_on": "死亡日期",
        "in_custody": "在押",
    },
)

def _may_access(actor: Actor, case: Case) -> bool:
    """CC-35 / C-85: a minor's correction file (its documents, evidence and case code included) only for
    ``correction.minor_files``; everyone else meets 404, as if it did not exist."""
    from sifa.modules.correction.models import CorrectionCase

    minor = CorrectionCase.objects.filter(pk=case.pk, subject__is_minor=True).exists()
    return not minor or actor.has_perm("correction.minor_files")


CORRECTION_CASE = CaseType(
    code=CORRECTION, label="社区矫正", number_word="矫", workflow=CORRECTION_WORKFLOW,
    open_roles=STAFF, page="correction:subject_detail", module_label="社区矫正", may_access=_may_access,
)


ASSESSMENT_WORKFLOW = Workflow(
    code=ASSESSMENT,
    label="调查评估",
    initial="commissioned",
    states=(
        State("commissioned", "已收到委托"),
        State("investigating", "调查中"),
        State("submitted", "已提交评估意见"),
        State("closed", "已办结", terminal=True),
        State("withdrawn", "委托撤回", terminal=True),
    ),
    transitions=(
        Transition("start_investigation", "开展调查", ("commissioned",), "investigating", roles=STAFF),
        Transition("submit", "提交评估意见", ("investigating",), "submitted", roles=AGENCY,
                   required_fields=("conclusion",), stops=("assessment",), key=True),
        Transition("close", "办结（收到决定结果）", ("submitted",), "closed", roles=STAFF),
        Transition("withdraw", "委托撤回", ("commissioned", "investigating"), "withdrawn", roles=STAFF,
                   required_fields=("reason",), stops=("assessment",)),
    ),
    field_labels={"conclusion": "评估意见", "reason": "撤回原因"},
)

ASSESSMENT_CASE = CaseType(
    code=ASSESSMENT, label="调查评估", number_word="矫评", workflow=ASSESSMENT_WORKFLOW, open_roles=STAFF,
    page="correction:assessment_detail", module_label="社区矫正·调查评估",
)
