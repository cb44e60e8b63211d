"""Automatic checks of a penalty case file for 案卷评查, and the scoring engine's fact source.

Each check reads the case and says ``pass`` / ``fail`` / ``na`` (not applicable) with its reason; a failed check
is a ``Fact`` of the source ``enforcement.review.defect`` (``attrs.check`` = the check's code) that the rubric's
deduction sub-items count, so every lost point traces to its reason on the engine's lines. The rubric
(data/review_rubric.json) is the default to adapt; the checks cite their RULES.md ids and articles.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from sifa.core.scoring.engine import Fact, FactRef

SOURCE = "enforcement.review.defect"
RUBRIC_FILE = Path(__file__).resolve().parent / "data" / "review_rubric.json"
DECISION_DAYS = 90  # AP-27: 《行政处罚法》第六十条「九十日」（自立案之日起）
MIN_OFFICERS = 2  # AP-12: 《行政处罚法》第四十二条「不得少于两人」
PASS, FAIL, NA = "pass", "fail", "na"
RESULT_LABELS = {PASS: "符合", FAIL: "不符合", NA: "不适用"}


@lru_cache(maxsize=1)
def default_rubric() -> dict[str, Any]:
    """The shipped rubric file (scheme + grade thresholds), a default for each county to adapt."""
    data: dict[str, Any] = json.loads(RUBRIC_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class CheckResult:
    code: str
    label: str
    rule: str
    result: str
    reason: str

    def to_data(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "rule": self.rule, "result": self.result,
                "result_label": RESULT_LABELS[self.result], "reason": self.reason}


def _decided(detail: Any) -> bool:
    return detail.decided_on is not None


def check_officers(detail: Any) -> CheckResult:
    """AP-12 (《行政处罚法》第四十二条): at least two non-auxiliary officers whose 执法证 is valid on the decision day."""
    day = detail.decided_on or detail.filed_on or detail.discovered_on
    valid = [o for o in detail.officers.all() if not o.is_auxiliary and o.status == "valid"
             and o.valid_from <= day <= o.valid_until]
    names = "、".join(f"{o.person.name}（{o.certificate_number}）" for o in valid)
    if len(valid) >= MIN_OFFICERS:
        return CheckResult("officers", "执法人员适格", "AP-12", PASS, f"{len(valid)} 名持有效执法证的执法人员：{names}")
    return CheckResult("officers", "执法人员适格", "AP-12", FAIL,
                       f"AP-12：持有效执法证的执法人员仅 {len(valid)} 名，不足两名（《行政处罚法》第四十二条）")


def check_notice(detail: Any) -> CheckResult:
    """AP-23 (《行政处罚法》第四十四条、第六十二条): an ordinary-procedure penalty decision follows a served 事先告知."""
    label = "事先告知"
    if detail.procedure != "ordinary" or not detail.decision_types:
        return CheckResult("notice", label, "AP-23", NA, "简易程序或不予处罚，不适用")
    if detail.notice_served_on and (detail.decided_on is None or detail.notice_served_on <= detail.decided_on):
        return CheckResult("notice", label, "AP-23", PASS, f"{detail.notice_served_on:%Y-%m-%d} 送达事先告知书")
    return CheckResult("notice", label, "AP-23", FAIL,
                       "AP-23：作出处罚决定前未送达事先告知书（《行政处罚法》第四十四条、第六十二条）")


def check_hearing(detail: Any) -> CheckResult:
    """AP-24 (《行政处罚法》第六十三条): where the proposed penalty carries a hearing right, the party was told."""
    from sifa.modules.enforcement.rules import hearing_required

    label = "告知听证权利"
    types = list(detail.proposed_types or detail.decision_types or [])
    if detail.procedure != "ordinary" or not types:
        return CheckResult("hearing", label, "AP-24", NA, "简易程序或不予处罚，不适用")
    amount = detail.proposed_amount if detail.proposed_amount is not None else detail.decision_amount
    field = detail.power_item.field if detail.power_item_id else ""
    try:
        required = any(hearing_required(t, amount, detail.party_type, detail.body, field=field) for t in types)
    except (LookupError, ValueError):
        required = False
    if not required:
        return CheckResult("hearing", label, "AP-24", NA, "拟处罚不属于应当告知听证权利的情形")
    if detail.hearing_offered:
        return CheckResult("hearing", label, "AP-24", PASS, "事先告知时已告知听证权利")
    return CheckResult("hearing", label, "AP-24", FAIL,
                       "AP-24：拟作出的处罚应当告知听证权利而未告知（《行政处罚法》第六十三条）")


def check_legal_review(detail: Any) -> CheckResult:
    """AP-22 (《行政处罚法》第五十八条): a case with a 法制审核 trigger is reviewed before the decision."""
    label = "法制审核"
    if not detail.review_triggers:
        return CheckResult("legal_review", label, "AP-22", NA, "不属于应当法制审核的情形")
    if detail.legal_reviewed_on and (detail.decided_on is None or detail.legal_reviewed_on <= detail.decided_on):
        return CheckResult("legal_review", label, "AP-22", PASS,
                           f"{detail.legal_reviewed_on:%Y-%m-%d} 经法制审核（{detail.legal_reviewer or '审核人员未记录'}）")
    return CheckResult("legal_review", label, "AP-22", FAIL,
                       "AP-22：属于应当法制审核的情形，决定前未经法制审核（《行政处罚法》第五十八条）")


def check_decision_content(detail: Any) -> CheckResult:
    """AP-26 (《行政处罚法》第五十九条): the decision states the party, facts, basis, type, number and date."""
    label = "决定书法定事项"
    if not _decided(detail):
        return CheckResult("decision_content", label, "AP-26", NA, "未作出决定")
    missing = [name for name, ok in (
        ("当事人", bool(detail.party_name)), ("违法事实", bool((detail.facts or "").strip())),
        ("违法依据和处罚依据", bool((detail.cited_articles or "").strip())),
        ("处罚种类或不予处罚理由", bool(detail.decision_types or detail.no_penalty_reason)),
        ("决定书文号", bool(detail.decision_number) or not detail.decision_types),
        ("决定日期", detail.decided_on is not None)) if not ok]
    if missing:
        return CheckResult("decision_content", label, "AP-26", FAIL,
                           f"AP-26：决定书缺少{'、'.join(missing)}（《行政处罚法》第五十九条）")
    return CheckResult("decision_content", label, "AP-26", PASS, "当事人、事实、依据、种类、文号、日期齐全")


def check_decision_document(detail: Any) -> CheckResult:
    """AP-14 / AP-26: the 行政处罚决定书 was generated and kept on the case (core documents)."""
    from sifa.core.documents.models import GeneratedDocument

    label = "决定书制作留档"
    if not detail.decision_types:
        return CheckResult("decision_document", label, "AP-26", NA, "未作出处罚决定")
    doc = GeneratedDocument.objects.filter(case_id=detail.case_id, doc_type="penalty_decision").order_by("pk").first()
    if doc is not None:
        return CheckResult("decision_document", label, "AP-26", PASS, f"已制作 {doc.label} {doc.number}")
    return CheckResult("decision_document", label, "AP-26", FAIL,
                       "AP-14：案卷中没有系统制作的行政处罚决定书（《行政处罚法》第四十七条、第五十九条）")


def check_evidence(detail: Any) -> CheckResult:
    """AP-14 (《行政处罚法》第四十七条): the file holds evidence (attachments of kind 证据材料 or 现场照片)."""
    from sifa.core.attachments.models import Attachment

    count = Attachment.objects.filter(case_id=detail.case_id, kind__in=("evidence", "photo")).count()
    if count:
        return CheckResult("evidence", "证据材料入卷", "AP-14", PASS, f"证据材料 {count} 份")
    return CheckResult("evidence", "证据材料入卷", "AP-14", FAIL,
                       "AP-14：案卷中没有证据材料（《行政处罚法》第四十七条全过程记录）")


def check_decision_time(detail: Any) -> CheckResult:
    """AP-27 (《行政处罚法》第六十条): decided within 九十日 of 立案 (the case's AP-27 deadline when it has one,
    which carries any recorded extension)."""
    from sifa.core.cases.models import CaseDeadline

    label = "办案期限"
    if detail.decided_on is None or detail.filed_on is None or detail.procedure != "ordinary":
        return CheckResult("decision_time", label, "AP-27", NA, "简易程序或缺少立案、决定日期")
    due = (CaseDeadline.objects.filter(case_id=detail.case_id, key="decision").values_list("due_date", flat=True)
           .first()) or detail.filed_on + datetime.timedelta(days=DECISION_DAYS)
    if detail.decided_on <= due:
        return CheckResult("decision_time", label, "AP-27", PASS,
                           f"立案 {detail.filed_on:%Y-%m-%d}，决定 {detail.decided_on:%Y-%m-%d}，期限至 {due:%Y-%m-%d}")
    return CheckResult("decision_time", label, "AP-27", FAIL,
                       f"AP-27：{detail.decided_on:%Y-%m-%d} 作出决定，超过办案期限 {due:%Y-%m-%d}（《行政处罚法》第六十条）")


def check_service(detail: Any) -> CheckResult:
    """AP-28 (《行政处罚法》第六十一条): the decision is handed over on the spot or served within 七日 (工作日)."""
    from sifa.core.cases import deadline_bridge
    from sifa.core.cases.models import CaseDeadline

    label = "送达期限"
    if not detail.decision_types or detail.decided_on is None:
        return CheckResult("service", label, "AP-28", NA, "未作出处罚决定")
    if detail.served_on is None:
        return CheckResult("service", label, "AP-28", FAIL, "AP-28：处罚决定书未送达（《行政处罚法》第六十一条）")
    if detail.service_method == "on_spot":
        return CheckResult("service", label, "AP-28", PASS, f"{detail.served_on:%Y-%m-%d} 当场交付")
    due = CaseDeadline.objects.filter(case_id=detail.case_id, key="service").values_list("due_date", flat=True).first()
    if due is None:
        try:
            due = deadline_bridge.compute("AP-28", detail.decided_on).due_date
        except Exception:  # noqa: BLE001 (a year without a holiday notice: fall back to calendar days)
            due = detail.decided_on + datetime.timedelta(days=7)
    if detail.served_on <= due:
        return CheckResult("service", label, "AP-28", PASS, f"{detail.served_on:%Y-%m-%d} 送达，期限至 {due:%Y-%m-%d}")
    return CheckResult("service", label, "AP-28", FAIL,
                       f"AP-28：{detail.served_on:%Y-%m-%d} 送达，超过送达期限 {due:%Y-%m-%d}（《行政处罚法》第六十一条）")


def check_deadlines(detail: Any) -> list[CheckResult]:
    """Every statutory deadline recorded on the case was kept (stopped on or before its due date; none running
    past it). One failure per overdue deadline, citing the deadline's own rule id and article."""
    from sifa.core.cases.models import CaseDeadline, DeadlineStatus

    today = timezone.localdate()
    failed: list[CheckResult] = []
    for d in CaseDeadline.objects.filter(case_id=detail.case_id).order_by("due_date", "pk"):
        done = timezone.localdate(d.stopped_at) if d.stopped_at else None
        late = (d.status == DeadlineStatus.STOPPED and done is not None and done > d.due_date) or \
               (d.status == DeadlineStatus.RUNNING and d.due_date < today)
        if late:
            failed.append(CheckResult("deadlines", "法定期限", d.rule_id, FAIL,
                                      f"{d.rule_id}：{d.label}逾期（届满日 {d.due_date:%Y-%m-%d}，{d.article}）"))
    if failed:
        return failed
    return [CheckResult("deadlines", "法定期限", "GEN", PASS, "案件记录的法定期限均未逾期")]


CHECKS = (check_evidence, check_officers, check_notice, check_hearing, check_legal_review, check_decision_content,
          check_decision_document, check_decision_time, check_service)


def run_checks(detail: Any) -> list[CheckResult]:
    """All automatic checks of one case, in the rubric's order."""
    results = [check(detail) for check in CHECKS]
    results.extend(check_deadlines(detail))
    return results


def facts_of(detail: Any, results: Iterable[CheckResult]) -> list[Fact]:
    """One ``enforcement.review.defect`` fact per failed check, labelled with its reason."""
    on = detail.closed_on or detail.decided_on or timezone.localdate()
    return [Fact(source=SOURCE, subject=detail.case_id, on=on, attrs={"check": r.code},
                 ref=FactRef("penalty_case", f"{detail.case_id}:{r.code}:{i}", r.reason[:200],
                             "enforcement:penalty_case", (detail.case_id,)))
            for i, r in enumerate(results) if r.result == FAIL]


def collect_defects(subjects: Sequence[int], start: datetime.date, end: datetime.date) -> Iterator[Fact]:
    """The score source (subject kind ``case``): defects of the penalty cases ``subjects`` (case ids) closed or
    decided in [start, end], so the rubric also runs on the core scoring pages (``sifa import-scheme``)."""
    from sifa.modules.enforcement.penalty_models import PenaltyCase

    for detail in (PenaltyCase.objects.filter(case_id__in=list(subjects))
                   .select_related("case", "body", "power_item").prefetch_related("officers__person")):
        for fact in facts_of(detail, run_checks(detail)):
            if start <= fact.on <= end:
                yield fact


def points(value: Any) -> Decimal:
    return Decimal(str(value))
