"""社区矫正 · 被依法限制人身自由 (RULES.md CC-22, 《社区矫正法》第三十二条): audit actions, API router and the
subject-page card. The part has no job and no alert rule: the agency records the notice it receives
(``liberty_services``); the overlay flag ``liberty_restricted`` and the paused tasks follow from the record."""

from __future__ import annotations

AUDIT_ACTIONS = (
    ("correction.liberty.recorded", "登记社区矫正对象被依法限制人身自由"),
    ("correction.liberty.ended", "登记社区矫正对象限制人身自由结束"),
)


def register() -> None:
    from sifa.core import registry
    from sifa.modules.correction import panels
    from sifa.modules.correction.liberty_api import router
    from sifa.modules.correction.liberty_views import liberty_panel

    for name, label in AUDIT_ACTIONS:
        registry.register_audit_action(name, label)
    registry.api_routers.register("/correction/liberty", router)
    panels.register(panels.SubjectPanel(
        key="liberty", label="限制人身自由", template="correction/liberty/_panel.html",
        context=liberty_panel, column="side", order=62, permission="correction.view"))
