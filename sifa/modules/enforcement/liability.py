"""AP-40 liability triggers (责任追究预警) on the core alert loop, found by the periodic scan.

AP-40 (《行政处罚法》第七十六条至第八十三条): the superior orders correction and 处分 where an authority, among
other things, does not file a case that met the 立案标准, or replaces a criminal transfer with a penalty.
The platform can see three of these in the case data:

- ``enforcement.unfiled_clue`` (橙): a 线索 registered at least ``[liability] unfiled_clue_days`` days ago
  (7 as shipped — platform policy for AP-18's 及时, 《行政处罚法》第五十四条第二款) still neither filed nor
  decided on the spot; liability: 第七十六条第二款 (不及时立案);
- ``enforcement.transfer_replaced`` (红): a case whose log shows a reported suspected crime (报告涉嫌犯罪,
  AP-20) that ended in a penalty decision and was not transferred — 以行政处罚代替移送, 第八十二条. The 负责人's
  "不予移送" reason, when recorded, is quoted so the supervisor can judge it;
- ``enforcement.single_officer`` (红): a decision recorded while fewer than two of the case officers held a
  valid 执法证 on the decision day (AP-12, 第四十二条; 第七十六条第一款第三项、第五项). The 立案 and 调查 guards
  should make it impossible; the scan checks data imported or changed outside the workflow.

Not duplicated here: the AP-27 九十日 decision deadline (``decision_overdue``) is already a running case
deadline, so the core ``deadline.overdue`` rule raises it.

Each alert goes to the case's org (the body's org); the county 司法局 above sees it by scope. The rules
name ``enforcement.cases.view``: their titles name cases and parties. The core dedup key keeps one open
alert per rule and case, so a daily scan never duplicates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.utils import timezone

from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertCondition, AlertRule
from sifa.core.cases.models import CaseTransition
from sifa.modules.enforcement import config
from sifa.modules.enforcement.models import EnforcementOfficer
from sifa.modules.enforcement.penalty_models import PenaltyCase

OBJECT_TYPE = "enforcement.penaltycase"
PERMISSION = "enforcement.cases.view"
DEFAULT_UNFILED_DAYS = 7
MIN_OFFICERS = 2

UNFILED_BASIS = "AP-18、AP-40，《行政处罚法》第五十四条第二款、第七十六条第二款"
TRANSFER_BASIS = "AP-20、AP-40，《行政处罚法》第八十二条；《行政执法机关移送涉嫌犯罪案件的规定》"
OFFICER_BASIS = "AP-12、AP-40，《行政处罚法》第四十二条、第七十六条第一款第三项和第五项"


def unfiled_days() -> int:
    """Days after which a registered 线索 counts as 未及时立案 (platform policy, ``[liability] unfiled_clue_days``)."""
    return int(config.load().get("liability", {}).get("unfiled_clue_days", DEFAULT_UNFILED_DAYS))


def _condition(detail: PenaltyCase, title: str, facts: str, basis: str) -> AlertCondition:
    return AlertCondition(object_type=OBJECT_TYPE, object_id=str(detail.pk), org_id=detail.case.org_id,
                          case_id=detail.pk, title=title, detail=f"{facts}（{basis}）", legal_basis=basis)


def unfiled_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """ENF-LIAB-UNFILED (AP-18, AP-40): ordinary-procedure clues registered ``unfiled_days()`` or more days
    ago and still in 线索登记 (neither 立案 nor closed by an on-the-spot decision)."""
    days = unfiled_days()
    cutoff = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days - 1),
                                                           datetime.time.min))
    qs = (PenaltyCase.objects.filter(case__state="clue_received", procedure="ordinary", case__opened_at__lt=cutoff)
          .select_related("case", "body").order_by("case__opened_at", "pk"))
    for detail in qs.iterator(chunk_size=2000):
        registered = timezone.localtime(detail.case.opened_at).date()
        waited = (today - registered).days
        yield _condition(
            detail, f"{detail.case.number}（{detail.party_name}）线索登记已 {waited} 天仍未立案",
            f"{detail.body.name}：{registered:%Y-%m-%d} 登记线索，{detail.discovered_on:%Y-%m-%d} 发现违法行为，"
            f"超过 {days} 天未立案也未作出其他处理；符合立案标准的应当及时立案", UNFILED_BASIS)


def transfer_replaced_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """ENF-LIAB-TRANSFER (AP-20, AP-40): a reported suspected crime, then a penalty decision, no transfer."""
    log = CaseTransition.objects.filter(case_id=OuterRef("case_id"))
    qs = (PenaltyCase.objects.filter(Exists(log.filter(name="report_crime")), Exists(log.filter(name="decide")),
                                     transferred_at__isnull=True)
          .exclude(Exists(log.filter(name="transfer")))
          .select_related("case", "body").order_by("pk"))
    for detail in qs.iterator(chunk_size=500):
        steps = {t.name: t for t in CaseTransition.objects.filter(case_id=detail.pk,
                                                                   name__in=("report_crime", "reject_transfer"))
                 .order_by("created_at", "pk")}
        reported = detail.transfer_reported_on or steps["report_crime"].data.get("reported_on", "")
        facts = f"{detail.body.name}：{reported} 报告涉嫌犯罪，"
        if "reject_transfer" in steps:
            data = steps["reject_transfer"].data
            facts += f"负责人{data.get('approver', '')}决定不予移送（理由：{data.get('reason', '')}），"
        facts += (f"{detail.decided_on or ''} 作出行政处罚决定（{detail.decision_number}），未移送公安机关；"
                  "应当移送的案件不得以行政处罚代替移送")
        yield _condition(detail, f"{detail.case.number}（{detail.party_name}）涉嫌犯罪未移送，以行政处罚代替移送",
                         facts, TRANSFER_BASIS)


def _valid_on(officer: EnforcementOfficer, on: datetime.date) -> bool:
    """A 执法证 valid on ``on`` (its dates; the current status says nothing of that day), held by an officer
    who is not an 辅助人员 (AP-12, AP-42)."""
    return not officer.is_auxiliary and officer.valid_from <= on <= officer.valid_until


def single_officer_conditions(today: datetime.date) -> Iterator[AlertCondition]:
    """ENF-LIAB-OFFICERS (AP-12, AP-40): a penalty decision with fewer than two officers valid that day."""
    qs = (PenaltyCase.objects.filter(decided_on__isnull=False).exclude(decision_number="")
          .select_related("case", "body").prefetch_related("officers__person").order_by("pk"))
    for detail in qs.iterator(chunk_size=500):
        on = detail.decided_on
        assert on is not None
        officers = list(detail.officers.all())
        valid = [o for o in officers if _valid_on(o, on)]
        if len(valid) >= MIN_OFFICERS:
            continue
        names = "、".join(o.person.name for o in valid) or "无"
        yield _condition(
            detail, f"{detail.case.number}（{detail.party_name}）作出处罚决定时持有效执法证的执法人员不足两人",
            f"{detail.body.name}：{on:%Y-%m-%d} 作出处罚决定（{detail.decision_number}），登记执法人员 "
            f"{len(officers)} 人，当日持有效执法证的 {len(valid)} 人（{names}）；执法人员不得少于两人", OFFICER_BASIS)


UNFILED_CLUE = AlertRule(
    code="enforcement.unfiled_clue", label="线索未及时立案", level=AlertLevel.ORANGE,
    description="ENF-LIAB-UNFILED：线索登记后超过设定天数（默认 7 天，配置 liability.unfiled_clue_days）仍未立案"
                "（AP-18、AP-40）",
    legal_basis=UNFILED_BASIS, evaluate=unfiled_conditions, sign_hours=24, handle_hours=72, permission=PERMISSION)
TRANSFER_REPLACED = AlertRule(
    code="enforcement.transfer_replaced", label="以行政处罚代替移送", level=AlertLevel.RED,
    description="ENF-LIAB-TRANSFER：报告涉嫌犯罪的案件未移送公安机关而作出行政处罚决定（AP-20、AP-40）",
    legal_basis=TRANSFER_BASIS, evaluate=transfer_replaced_conditions, sign_hours=8, handle_hours=48,
    permission=PERMISSION)
SINGLE_OFFICER = AlertRule(
    code="enforcement.single_officer", label="执法人员不足两人作出处罚决定", level=AlertLevel.RED,
    description="ENF-LIAB-OFFICERS：作出处罚决定时持有效执法证的执法人员少于两人（AP-12、AP-40）",
    legal_basis=OFFICER_BASIS, evaluate=single_officer_conditions, sign_hours=8, handle_hours=48,
    permission=PERMISSION)

RULES = (UNFILED_CLUE, TRANSFER_REPLACED, SINGLE_OFFICER)
