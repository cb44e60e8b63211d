"""Audit log filter: one definition for the page, the API and the Excel export."""

from __future__ import annotations

import datetime

from django.db.models import Q
from ninja import FilterSchema
from pydantic import Field


class AuditFilter(FilterSchema):
    action: str | None = Field(None, max_length=100, description="操作（注册名，前缀匹配，如 persons.）")
    actor: str | None = Field(None, max_length=150, description="操作人用户名或姓名")
    object_type: str | None = Field(None, max_length=64, description="对象类型，如 persons.person")
    object_id: str | None = Field(None, max_length=64, description="对象 ID")
    since: datetime.date | None = Field(None, description="起始日期（含）")
    until: datetime.date | None = Field(None, description="截止日期（含）")

    def filter_action(self, value: str | None) -> Q:
        return Q(action__startswith=value) if value else Q()

    def filter_actor(self, value: str | None) -> Q:
        return Q(actor_username__iexact=value) | Q(actor_name__icontains=value) if value else Q()

    def filter_since(self, value: datetime.date | None) -> Q:
        return Q(created_at__date__gte=value) if value else Q()

    def filter_until(self, value: datetime.date | None) -> Q:
        return Q(created_at__date__lte=value) if value else Q()
