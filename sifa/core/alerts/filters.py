from __future__ import annotations

from django.db.models import Q
from ninja import FilterSchema
from pydantic import Field

from sifa.core.alerts.choices import OPEN_STATES


class AlertFilter(FilterSchema):
    level: str | None = Field(None, pattern="^(red|orange|yellow|blue)$", description="等级 red/orange/yellow/blue")
    state: str | None = Field(None, pattern="^(pending_sign|handling|pending_verify|closed|open)$",
                              description="状态；open = 未办结")
    escalated: bool | None = Field(None, description="true：已超时升级")
    rule: str | None = Field(None, max_length=64, description="预警规则代码")
    case: int | None = Field(None, description="案件 ID")

    def filter_state(self, value: str | None) -> Q:
        if not value:
            return Q()
        return Q(state__in=OPEN_STATES) if value == "open" else Q(state=value)

    def filter_escalated(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        return Q(escalations__gt=0) if value else Q(escalations=0)

    def filter_rule(self, value: str | None) -> Q:
        return Q(rule_code=value) if value else Q()

    def filter_case(self, value: int | None) -> Q:
        return Q(case_id=value) if value is not None else Q()
