"""The eleven 文书 of 行政处罚 cases (RULES.md §4.2–§4.3), generated through the core documents engine.

Each type is a GB/T 9704 layout spec (``data/documents/penalty/<file>.toml``) built into the shipped
.docx beside it (``sifa doc-template build SPEC.toml OUT.docx``); the template variables come from
``penalty_document_context`` (party with the MASKED identity number only, officers with their 执法证号,
dates like the correction 文书 ``2026年1月26日``, amounts as ``10,000.00元``).

- 立案审批表 (AP-18, 《行政处罚法》第五十四条; officers AP-12, 第四十二条)
- 询问笔录 (AP-12 第五十五条 the ID shown; AP-13 第四十三条 回避)
- 行政处罚事先告知书 (AP-23, 第四十四条、第四十五条; the 听证 paragraph only when AP-24 applies, 第六十三条,
  五日 to ask, 第六十四条第一项)
- 听证通知书 (AP-25, 第六十四条: 七日前, non-investigator presides, 回避, 一至二人代理)
- 听证笔录 (AP-25, 第六十四条第八项)
- 法制审核意见书 (AP-22, 第五十八条)
- 行政处罚决定书 (AP-26, 第五十九条: every item; payment AP-31 第六十七条, 加处罚款 AP-32 第七十二条,
  remedies 《行政复议法》第二十条 六十日 and 《行政诉讼法》第四十六条 六个月)
- 送达回证 (AP-28, 第六十一条)
- 催告书 (AP-36/AP-37, 《行政强制法》第三十五条、第五十四条; the 加处罚款 from ``PenaltyCase.late_fee_on``)
- 强制执行申请书 (AP-37, 《行政强制法》第五十三条、第五十五条)
- 结案报告 (AP-14, 第四十七条: the record of every step)

``STATE_DOCUMENTS`` says which 文书 belong to each step; the case page lists them as "本环节文书".
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sifa.core import registry

TEMPLATE_DIR = "sifa.modules.enforcement:data/documents/penalty"

# code → (label, file, 代字). The 代字 goes into the 文号: 浙0111罚告〔2026〕3号.
DOCUMENT_TYPES: dict[str, tuple[str, str, str]] = {
    "penalty_filing_approval": ("立案审批表", "filing_approval", "罚立"),
    "penalty_inquiry_record": ("询问笔录", "inquiry_record", "罚询"),
    "penalty_prior_notice": ("行政处罚事先告知书", "prior_notice", "罚告"),
    "penalty_hearing_notice": ("听证通知书", "hearing_notice", "罚听通"),
    "penalty_hearing_record": ("听证笔录", "hearing_record", "罚听录"),
    "penalty_legal_review_opinion": ("法制审核意见书", "legal_review_opinion", "罚审"),
    "penalty_decision": ("行政处罚决定书", "decision", "罚决"),
    "penalty_service_receipt": ("送达回证", "service_receipt", "罚送"),
    "penalty_demand_notice": ("催告书", "demand_notice", "罚催"),
    "penalty_enforcement_application": ("强制执行申请书", "enforcement_application", "罚强申"),
    "penalty_closure_report": ("结案报告", "closure_report", "罚结"),
}

# state → the 文书 of that step (the 询问笔录 while investigating, the 听证笔录 once notified).
STATE_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "clue_received": ("penalty_filing_approval",),
    "filed": ("penalty_filing_approval", "penalty_inquiry_record"),
    "investigating": ("penalty_inquiry_record",),
    "evidence_preserved": ("penalty_inquiry_record",),
    "investigation_concluded": ("penalty_prior_notice",),
    "pre_decision_notice_served": ("penalty_prior_notice",),
    "hearing_requested": ("penalty_hearing_notice",),
    "hearing_notified": ("penalty_hearing_notice", "penalty_hearing_record"),
    "hearing_held": ("penalty_hearing_record",),
    "legal_review": ("penalty_legal_review_opinion",),
    "legal_reviewed": ("penalty_legal_review_opinion", "penalty_decision"),
    "hearing_waived": ("penalty_decision",),
    "decided": ("penalty_decision", "penalty_service_receipt"),
    "served": ("penalty_service_receipt",),
    "published": ("penalty_closure_report",),
    "payment_due": ("penalty_service_receipt",),
    "overdue": ("penalty_demand_notice",),
    "demand_served": ("penalty_demand_notice", "penalty_service_receipt"),
    "court_application": ("penalty_enforcement_application",),
    "court_ruled": ("penalty_closure_report",),
    "paid": ("penalty_closure_report",),
    "record_filed": ("penalty_closure_report",),
    "closed": ("penalty_closure_report",),
}

# AP-24 / AP-25: what the forms say about the hearing (《行政处罚法》第六十四条)
HEARING_REQUEST_DAYS = "五日"
REVIEW_PERIOD = "六十日"  # 《中华人民共和国行政复议法》第二十条
LITIGATION_PERIOD = "六个月"  # 《中华人民共和国行政诉讼法》第四十六条
PAYMENT_PERIOD = "十五日"  # 《中华人民共和国行政处罚法》第六十七条第三款


def documents_for_state(state: str) -> list[tuple[str, str]]:
    """(code, label) of the 文书 that belong to the step ``state`` (shown on the case page)."""
    return [(code, DOCUMENT_TYPES[code][0]) for code in STATE_DOCUMENTS.get(state, ())]


def _arabic(day: datetime.date | None) -> str:
    from sifa.core.documents.numerals import arabic_date

    return arabic_date(day) if day else ""


def yuan(amount: Decimal | None) -> str:
    """An amount as written in the 文书: ``10,000.00元`` (empty when there is none)."""
    return f"{amount:,.2f}元" if amount is not None else ""


def _government_of(org: Any) -> str:
    """The 本级人民政府 of a county-level department (《行政复议法》第二十四条): "杭州市富阳区人民政府"."""
    region = org.region
    while region.level == "township" and region.parent_id:
        region = region.parent
    names = [region.name]
    if region.level == "county" and region.parent is not None and region.parent.level == "city":
        names.insert(0, region.parent.name)
    return "".join(names) + "人民政府"


def _steps(case: Any) -> tuple[list[dict[str, str]], dict[str, dict[str, Any]]]:
    """The timeline (label, date, actor) and the data of the latest transition of each name."""
    rows, latest = [], {}
    for t in case.transitions.order_by("created_at", "id"):
        # the step's own date (立案日期, 送达日期 …) when it has one, else the day it was recorded
        named = [_date(v) for k, v in (t.data or {}).items() if k.endswith(("_on", "_at"))]
        when = next((d for d in named if d is not None), None) or timezone.localtime(t.created_at).date()
        rows.append({"label": t.label, "on": _arabic(when), "actor": t.actor_name})
        latest[t.name] = dict(t.data or {})
    return rows, latest


def _labels(codes: list[str], choices: Any) -> str:
    names = dict(choices)
    return "、".join(str(names.get(c, c)) for c in codes)


def penalty_document_context(case: Any) -> dict[str, Any]:
    """Template variables of the penalty 文书: ``party`` (identity number masked only), ``body``,
    ``officers`` (执法证号), ``penalty`` (facts and basis), ``proposal``, ``hearing``, ``review``,
    ``decision``, ``service``, ``payment``, ``demand``, ``court``, ``remedy``, ``steps``."""
    from sifa.core.attachments.models import Attachment
    from sifa.core.documents.models import GeneratedDocument
    from sifa.core.documents.numerals import chinese_date
    from sifa.modules.enforcement.choices import PenaltyType
    from sifa.modules.enforcement.penalty_models import PenaltyCase, ReviewTrigger

    detail = (PenaltyCase.objects.select_related("body", "body__org__region__parent", "power_item", "person", "entity",
                                                 "case__org__region__parent")
              .filter(pk=case.pk).first())
    if detail is None:
        return {}
    today = timezone.localdate()
    person, entity = detail.person, detail.entity
    party = {
        "name": detail.party_name, "type_label": detail.get_party_type_display(),
        "is_citizen": detail.party_type == "citizen",
        "id_number_masked": person.id_number_masked if person else "",
        "credit_code": entity.credit_code if entity else "",
        "legal_representative": entity.legal_representative if entity else "",
        "gender": person.get_gender_display() if person else "",
        "birth": _arabic(person.birth_date) if person else "",
        "phone": person.phone if person else "",
        "address": (person.address if person else entity.address if entity else "") or "",
    }
    steps, data = _steps(case)
    evidence = list(Attachment.objects.filter(case_id=case.pk, kind="evidence").order_by("uploaded_at", "id")
                    .values_list("name", flat=True)[:50])
    issued = [{"label": d.label, "number": d.number}
              for d in GeneratedDocument.objects.filter(case_id=case.pk).order_by("generated_at", "id")]
    officers = [{"name": o.person.name, "certificate_number": o.certificate_number}
                for o in detail.officers.select_related("person").order_by("certificate_number")]
    fee_on = detail.demand_served_on or today
    fee = detail.late_fee_on(fee_on) if detail.payment_due else None
    amount = detail.decision_amount
    return {
        "party": party,
        "body": {"name": detail.body.name, "org": detail.body.org.name, "address": detail.body.org.address,
                 "phone": detail.body.org.phone},
        "officers": officers,
        "officer_names": "、".join(o["name"] for o in officers),
        "penalty": {
            "procedure": detail.get_procedure_display(), "item": str(detail.power_item or ""),
            "facts": detail.facts, "circumstance": detail.get_circumstance_display() if detail.circumstance else "",
            "cited_articles": detail.cited_articles, "temporal_note": detail.temporal_note,
            "act_date": _arabic(detail.act_date), "act_end_date": _arabic(detail.act_end_date),
            "discovered_on": _arabic(detail.discovered_on), "filed_on": _arabic(detail.filed_on),
            "source": str(case.data.get("source", "")), "title": case.title,
            "concluded_on": _arabic(_date(data.get("conclude_investigation", {}).get("concluded_on"))),
            "collective_discussion": detail.collective_discussion,
        },
        "proposal": {
            "types": _labels(detail.proposed_types, PenaltyType.choices), "amount": yuan(detail.proposed_amount),
            "served_on": _arabic(detail.notice_served_on), "hearing_offered": detail.hearing_offered,
            "hearing_request_days": HEARING_REQUEST_DAYS, "defence_made": detail.defence_made,
        },
        "hearing": {
            "requested_on": _arabic(detail.hearing_requested_on), "notified_on": _arabic(detail.hearing_notified_on),
            "on": _arabic(detail.hearing_on), "held_on": _arabic(detail.hearing_held_on),
            "presider": str(data.get("hold_hearing", {}).get("presider", "")), "waived": detail.hearing_waived,
        },
        "review": {
            "required": detail.legal_review_required,
            "triggers": _labels(detail.review_triggers, ReviewTrigger.choices),
            "reviewer": detail.legal_reviewer, "reviewed_on": _arabic(detail.legal_reviewed_on),
            "opinion": detail.legal_review_opinion,
        },
        "decision": {
            "number": detail.decision_number, "types": "、".join(detail.decision_type_labels), "amount": yuan(amount),
            "monetary": detail.monetary, "decided_on": _arabic(detail.decided_on),
            "decided_on_cn": chinese_date(detail.decided_on) if detail.decided_on else "",
            "no_penalty_reason": detail.no_penalty_reason or str(data.get("decide_no_penalty", {}).get("reason", "")),
        },
        "service": {"served_on": _arabic(detail.served_on),
                    "method": detail.get_service_method_display() if detail.service_method else "",
                    "published_on": _arabic(detail.published_on)},
        "payment": {"period": PAYMENT_PERIOD, "due": _arabic(detail.payment_due), "paid_on": _arabic(detail.paid_on),
                    "paid_amount": yuan(detail.paid_amount), "deferral": detail.deferral_note},
        "demand": {"served_on": _arabic(detail.demand_served_on), "fee_on": _arabic(fee_on),
                   "late_fee": yuan(fee), "total": yuan(amount + fee) if amount is not None and fee is not None else ""},
        "court": {"applied_on": _arabic(detail.court_applied_on), "accepted_on": _arabic(detail.court_accepted_on),
                  "ruled_on": _arabic(detail.court_ruled_on),
                  "ruling": str(data.get("record_court_ruling", {}).get("ruling", ""))},
        "transfer": {"reported_on": _arabic(detail.transfer_reported_on), "police": detail.police_decision},
        "remedy": {"review_org": _government_of(case.org), "review_period": REVIEW_PERIOD,
                   "litigation_period": LITIGATION_PERIOD},
        "closed_on": _arabic(detail.closed_on or _date(data.get("close", {}).get("closed_on"))),
        "steps": steps,
        "evidence": evidence,
        "issued": issued,
    }


def _date(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def register_documents() -> None:
    """Register the eleven penalty document types with ``registry.document_types`` (case type ``penalty``)."""
    from sifa.core.registry import DocumentType
    from sifa.modules.enforcement.penalty_workflow import PENALTY

    for code, (label, file, word) in DOCUMENT_TYPES.items():
        registry.document_types.register(code, DocumentType(
            code=code, label=label, template=f"{TEMPLATE_DIR}/{file}.docx", number_word=word,
            case_types=(PENALTY,), context=penalty_document_context))
