"""社区矫正 · 奖惩与提请 (part "sanctions"): 表扬/训诫/警告/提请治安管理处罚 (CC-15…CC-18), proposals to
revoke 缓刑/假释 or to re-commit (CC-25…CC-30) with an arrest request (CC-28), court outcomes, 减刑建议
(CC-23), grounds surfaced as alerts — never acted on automatically.

Files: ``grounds.py`` (pure detection), ``sanction_selectors.py``, ``sanction_services.py``,
``sanction_views.py`` + ``sanction_urls.py``, ``sanction_api.py`` (/api/v1/correction/sanctions),
``data/documents/sanctions/*.toml|docx`` (the eight 文书), ``templates/correction/sanctions/``.
"""

from __future__ import annotations

import datetime
from typing import Any

from sifa.core import registry
from sifa.core.alerts.choices import AlertLevel
from sifa.core.alerts.rules import AlertRule

TEMPLATE_DIR = "sifa.modules.correction:data/documents/sanctions"

# code → (label, file, 代字)
DOCUMENT_TYPES = {
    "correction_commendation": ("表扬决定书", "commendation", "司矫表"),
    "correction_admonition": ("训诫决定书", "admonition", "司矫训"),
    "correction_warning": ("警告决定书", "warning", "司矫警"),
    "correction_security_penalty": ("治安管理处罚建议书", "security_penalty", "司矫治"),
    "correction_revocation": ("撤销缓刑（假释）建议书", "revocation", "司矫撤"),
    "correction_recommitment": ("收监执行建议书", "recommitment", "司矫收"),
    "correction_arrest": ("提请逮捕建议书", "arrest", "司矫捕"),
    "correction_commutation": ("减刑建议书", "commutation", "司矫减"),
}


def _arabic(day: datetime.date | None) -> str:
    from sifa.core.documents.numerals import arabic_date

    return arabic_date(day) if day else ""


def document_context(case: Any) -> dict[str, Any]:
    """Template variables of the part's 文书: ``subject`` (identity number masked only) and ``sentence``."""
    from sifa.modules.correction.models import CorrectionCase

    detail = CorrectionCase.objects.select_related("subject__person").filter(pk=case.pk).first()
    if detail is None:
        return {}
    person = detail.subject.person
    return {
        "subject": {"name": person.name, "gender": person.get_gender_display(), "birth": _arabic(person.birth_date),
                    "id_number_masked": person.id_number_masked, "address": detail.execution_address},
        "sentence": {"type": detail.get_sentence_type_display(), "crimes": detail.crimes,
                     "original": detail.original_sentence, "term": detail.term,
                     "term_start": _arabic(detail.term_start), "term_end": _arabic(detail.term_end),
                     "judgment_number": detail.judgment_number, "decision_org": detail.decision_org_name,
                     "prohibition_order": detail.prohibition_order},
    }


def _revocation_conditions(today: datetime.date) -> Any:
    from sifa.modules.correction.sanction_selectors import ground_conditions

    return ground_conditions(today, ("revocation", "recommitment"))


def _warning_conditions(today: datetime.date) -> Any:
    from sifa.modules.correction.sanction_selectors import ground_conditions

    return ground_conditions(today, ("warning",))


REVOCATION_GROUND = AlertRule(
    code="correction.revocation_ground",
    label="符合提请撤销缓刑、假释或收监执行的情形",
    level=AlertLevel.RED,
    description="二次警告仍不改正、脱离监管超过一个月等情形已经具备（列明认定事实），由县级社区矫正机构决定是否提请；系统不自动提请",
    legal_basis="《刑诉法解释》第五百四十三条、第五百一十六条；《社区矫正法》第四十六条、第四十九条",
    evaluate=_revocation_conditions,
    sign_hours=24,
    handle_hours=72, permission="correction.view")
WARNING_GROUND = AlertRule(
    code="correction.warning_ground",
    label="受到两次训诫仍不改正（可给予警告）",
    level=AlertLevel.ORANGE,
    description="已决定的训诫达到配置次数后再次违规，且此后未提出警告 [NV]",
    legal_basis="《社区矫正法》第二十八条；《社区矫正法实施办法》（条号未核实）",
    evaluate=_warning_conditions, permission="correction.view")


def register() -> None:
    """Audit actions, 文书 types, alert rules, the subject-page card, the menu entry and the API."""
    from sifa.core.registry import DocumentType, MenuEntry
    from sifa.modules.correction import panels
    from sifa.modules.correction.sanction_api import router

    for name, label, personal in (
        ("correction.sanction.proposed", "提出社区矫正奖惩", False),
        ("correction.sanction.decided", "决定社区矫正奖惩", False),
        ("correction.sanction.rejected", "不予决定社区矫正奖惩", False),
        ("correction.revocation.proposed", "提请撤销缓刑（假释）", False),
        ("correction.recommitment.proposed", "提请收监执行", False),
        ("correction.arrest.recorded", "登记逮捕决定", False),
        ("correction.proposal.ruled", "登记撤销（收监）裁定结果", False),
        ("correction.commutation.proposed", "提请减刑", False),
        ("correction.commutation.ruled", "登记减刑裁定结果", False),
        ("correction.evidence.exported", "下载社区矫正证据包", True),
        ("correction.sanctions.exported", "导出社区矫正奖惩", True),
    ):
        registry.register_audit_action(name, label, personal_data=personal)
    for code, (label, file, word) in DOCUMENT_TYPES.items():
        registry.document_types.register(code, DocumentType(
            code=code, label=label, template=f"{TEMPLATE_DIR}/{file}.docx", number_word=word,
            case_types=("correction",), context=document_context))
    registry.alert_rules.register(REVOCATION_GROUND.code, REVOCATION_GROUND)
    registry.alert_rules.register(WARNING_GROUND.code, WARNING_GROUND)
    panels.register(panels.SubjectPanel(
        key="sanctions", label="奖惩与提请", template="correction/sanctions/_panel.html",
        context=_panel_context, column="main", order=60, permission="correction.view"))
    registry.menu.register("correction_sanctions", MenuEntry(
        "correction_sanctions", "奖惩审批", "correction:sanction_queue", icon="gavel",
        permission="correction.approve", order=63, group="社区矫正"))
    registry.api_routers.register("/correction/sanctions", router)


def _panel_context(request: Any, detail: Any) -> dict[str, Any]:
    from sifa.modules.correction.sanction_selectors import panel_context

    return panel_context(request, detail)
