"""Registrations of 案卷评查 (case-file review), called once from ``EnforcementConfig.ready()``.

Permissions ``enforcement.reviews.manage`` (the 司法局 runs 评查: 局业务人员, system administrators) and
``enforcement.reviews.view`` (leaders, 局业务人员, 行政执法人员 for their own body's results); audit actions; the alert
rule ``enforcement.rectification`` (整改通知 on the core alert loop); the scoring engine's fact source
``enforcement.review.defect`` (subject kind ``case``); the menu entry; the API router ``/enforcement/reviews``; the
case panel (a case page shows its reviews) and the demo generator (key ``enforcement_review``: after the penalty
cases).
"""

from __future__ import annotations


def register() -> None:
    from sifa.core import registry
    from sifa.core.registry import CasePanel, MenuEntry
    from sifa.core.scoring.sources import ScoreSource
    from sifa.modules.enforcement import review_checks, review_services
    from sifa.modules.enforcement.review_api import router
    from sifa.modules.enforcement.review_demo import generate_reviews
    from sifa.modules.enforcement.review_views import panel_context

    registry.register_permission(review_services.MANAGE, "组织案卷评查：评查活动、随机抽取案卷、评分与整改通知")
    registry.register_permission(review_services.VIEW, "查看案卷评查结果")
    for name, label, personal in review_services.AUDIT_ACTIONS:
        registry.register_audit_action(name, label, personal_data=personal)
    registry.alert_rules.register(review_services.RECTIFICATION.code, review_services.RECTIFICATION)
    registry.score_sources.register(review_checks.SOURCE, ScoreSource(
        key=review_checks.SOURCE, label="案卷评查自动检查发现的问题", subject_kind="case", unit="项",
        collect=review_checks.collect_defects))
    registry.menu.register("enforcement_reviews", MenuEntry(
        "enforcement_reviews", "案卷评查", "enforcement:review_campaign_list", icon="gavel",
        permission=review_services.VIEW, order=66, group="行政执法"))
    registry.case_panels.register("enforcement_review", CasePanel(
        key="enforcement_review", label="案卷评查", template="enforcement/review/_panel.html",
        context=panel_context, column="side", order=30, permission=review_services.VIEW))
    registry.api_routers.register("/enforcement/reviews", router)
    registry.demo_generators.register("enforcement_review", generate_reviews)
