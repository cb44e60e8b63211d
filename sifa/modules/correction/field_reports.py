"""富春微矫正 field reports: registrations of this part (audit actions, alert rule, API, menu, card, rules).

Called once from ``CorrectionConfig.ready()``. The default keyword rules (``data/keyword_rules.json``)
are loaded after ``migrate`` when the rule table is empty; from then on the county agency edits them
on the rules page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "data" / "keyword_rules.json"


def default_rules() -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = json.loads(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))["rules"]
    return rules


def load_default_rules() -> int:
    """Insert the default rules when there are none (a data sync, like the roles); returns how many."""
    from sifa.modules.correction.models import KeywordRule

    if KeywordRule.objects.exists():
        return 0
    rows = [KeywordRule(code=r["code"], category=r["category"], keywords=list(r["keywords"]),
                        alert_level=r.get("alert_level", ""), suggestion=r.get("suggestion", ""),
                        order=int(r.get("order", 100)), active=True) for r in default_rules()]
    KeywordRule.objects.bulk_create(rows)
    return len(rows)


def _after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    load_default_rules()


def _card_context(request: Any, detail: Any) -> dict[str, Any]:
    from sifa.modules.correction.report_selectors import subject_card

    actor = request.actor
    return {**subject_card(actor, detail), "detail": detail, "can_decide": actor.has_perm("correction.manage"),
            "can_report": actor.has_perm("correction.field_report")}


def register() -> None:
    from sifa.core import registry
    from sifa.core.registry import MenuEntry
    from sifa.modules.correction import panels, report_services
    from sifa.modules.correction.report_api import router

    for name, label, personal in [
        ("correction.field_report.submitted", "提交社区矫正现场报告", False),
        ("correction.field_report.reviewed", "查看社区矫正现场报告（标记已查看）", False),
        ("correction.suggestion.decided", "处理精准矫正建议", False),
        ("correction.keyword_rule.saved", "维护现场报告分类规则", False),
        ("correction.keyword_rule.deactivated", "停用现场报告分类规则", False),
        ("correction.field_reports.exported", "导出社区矫正现场报告", True),
    ]:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.alert_rules.register(report_services.FIELD_REPORT_RULE.code, report_services.FIELD_REPORT_RULE)
    registry.api_routers.register("/correction/field-reports", router)
    registry.menu.register("correction_field_report", MenuEntry(
        "correction_field_report", "现场报告", "correction:field_report_new", icon="camera",
        permission="correction.field_report", order=62, group="社区矫正"))
    registry.menu.register("correction_suggestions", MenuEntry(
        "correction_suggestions", "矫正建议", "correction:suggestion_queue", icon="bulb",
        permission="correction.view", order=63, group="社区矫正"))
    panels.register(panels.SubjectPanel(
        key="field_reports", label="现场报告", template="correction/reports/_subject_card.html",
        context=_card_context, column="side", order=60, permission="correction.view"))
    post_migrate.connect(_after_migrate, sender=apps.get_app_config("correction"),
                         dispatch_uid="correction.load_default_keyword_rules")
